/**
 * A customer's statement of account as of a day: what was open at the end of
 * that day, what had been credited, the cash o2c held for them, and what they
 * owed net, per currency. "As of" is exact: an invoice's balance on a past
 * day is today's balance with every later change (its `history`) undone; a
 * payment's unapplied cash likewise; documents dated after the day are left out.
 */
import { daysBetween } from './dates.ts';
import type { CreditNote, Customer, Invoice, InvoiceStatus, IsoDate } from './model.ts';
import { sumAmounts } from './money.ts';
import { unappliedAsOf, type HeldPayment } from './unapplied.ts';

/** The invoice's balance at the end of `asOf`. */
export function balanceAsOf(invoice: Pick<Invoice, 'balance' | 'history'>, asOf: IsoDate): number {
  return invoice.balance + sumAmounts((invoice.history ?? []).filter((e) => e.on > asOf).map((e) => e.amount));
}

/** The invoice's status at the end of `asOf`, as its balance and history then say. */
export function statusAsOf(invoice: Pick<Invoice, 'balance' | 'status' | 'history' | 'totals'>, asOf: IsoDate): InvoiceStatus {
  const history = invoice.history ?? [];
  if (!history.some((e) => e.on > asOf)) return invoice.status;
  const balance = balanceAsOf(invoice, asOf);
  if (balance === 0) return history.some((e) => e.on <= asOf && e.kind === 'write-off') ? 'written_off' : 'paid';
  // A payment the bank returned (its `reversal`) no longer counts as paying it.
  const paid = sumAmounts(history.filter((e) => e.on <= asOf && (e.kind === 'payment' || e.kind === 'discount' || e.kind === 'reversal')).map((e) => e.amount));
  return paid > 0 ? 'partially_paid' : 'open';
}

/** A dispute as the statement shows it (open at the end of the day). */
export interface StatementDispute {
  readonly disputeId: string;
  readonly invoiceNumber: string;
  readonly currency: string;
  readonly amount: number;
  readonly reason: string;
  readonly openedOn: IsoDate;
  readonly resolvedOn?: IsoDate;
}

/** A statement as it is shown: whose, as of when, and the figures per currency. */
export interface CustomerStatement {
  readonly customer: Pick<Customer, 'id' | 'name' | 'email' | 'billingAddress'> & { readonly collectionsStatus?: string; readonly collectionsSince?: IsoDate };
  readonly asOf: IsoDate;
  readonly currencies: readonly CurrencyStatement[];
}

export interface StatementInput {
  readonly asOf: IsoDate;
  /** The customer's invoices (any issued after `asOf` are left out here). */
  readonly invoices: readonly Invoice[];
  readonly creditNotes: readonly CreditNote[];
  readonly payments: readonly HeldPayment[];
  readonly disputes?: readonly StatementDispute[];
  /** Customer credit paid back (refunds of credit notes), by day. */
  readonly creditRefunds?: readonly { readonly on: IsoDate; readonly currency: string; readonly amount: number }[];
}

export interface OpenItem {
  readonly invoiceNumber: string;
  readonly orderReference?: string;
  readonly issueDate: IsoDate;
  readonly dueDate: IsoDate;
  readonly total: number;
  readonly balance: number;
  readonly status: InvoiceStatus;
  /** Days past due at the end of the day (0 when not due yet). */
  readonly daysOverdue: number;
  readonly paymentReference: string;
  readonly disputed: number;
  readonly promisedUntil?: IsoDate;
  /** Late-payment fees and interest charged on it by the end of the day (part of `balance`). */
  readonly fees: number;
}

export interface AgingBuckets {
  readonly current: number;
  readonly days1to30: number;
  readonly days31to60: number;
  readonly days61to90: number;
  readonly over90: number;
}

export interface CurrencyStatement {
  readonly currency: string;
  readonly openItems: readonly OpenItem[];
  readonly creditNotes: readonly CreditNote[];
  readonly unappliedCash: readonly { readonly paymentId: string; readonly externalId: string; readonly receivedOn: IsoDate; readonly amount: number; readonly unapplied: number }[];
  readonly disputes: readonly StatementDispute[];
  readonly aging: AgingBuckets;
  /** Σ open balances. */
  readonly openBalance: number;
  /** Σ balances past due. */
  readonly overdue: number;
  /** Σ late-payment fees and interest in the open balances. */
  readonly fees: number;
  readonly unapplied: number;
  /** Owed to the customer from credit notes beyond their invoices' balances, less what was paid back. */
  readonly customerCredit: number;
  /** What the customer owes net: open balance − unapplied cash − customer credit (negative: o2c owes them). */
  readonly netBalance: number;
}

function agingOf(items: readonly OpenItem[]): AgingBuckets {
  const sumWhere = (f: (d: number) => boolean) => sumAmounts(items.filter((i) => f(i.daysOverdue)).map((i) => i.balance));
  return {
    current: sumWhere((d) => d <= 0),
    days1to30: sumWhere((d) => d >= 1 && d <= 30),
    days31to60: sumWhere((d) => d >= 31 && d <= 60),
    days61to90: sumWhere((d) => d >= 61 && d <= 90),
    over90: sumWhere((d) => d > 90),
  };
}

/** The statement, one section per currency that has anything in it, in currency order. */
export function buildStatement(input: StatementInput): CurrencyStatement[] {
  const { asOf } = input;
  const openItems: OpenItem[] = input.invoices
    .filter((i) => i.issueDate <= asOf)
    .map((i) => ({ invoice: i, balance: balanceAsOf(i, asOf) }))
    .filter(({ balance }) => balance > 0)
    .map(({ invoice: i, balance }) => {
      const disputed = sumAmounts((input.disputes ?? []).filter((d) => d.invoiceNumber === i.number && isOpenOn(d, asOf)).map((d) => d.amount));
      return {
        invoiceNumber: i.number,
        ...(i.orderReference ? { orderReference: i.orderReference } : {}),
        issueDate: i.issueDate,
        dueDate: i.dueDate,
        total: i.totals.total,
        balance,
        status: statusAsOf(i, asOf),
        daysOverdue: Math.max(0, daysBetween(i.dueDate, asOf)),
        // The structured reference printed on the invoice; invoices from before references are paid quoting their number.
        paymentReference: i.paymentReference ?? i.number,
        disputed: Math.min(disputed, balance),
        fees: sumAmounts((i.fees ?? []).filter((f) => f.on <= asOf).map((f) => f.amount)),
        ...(i.promisedUntil ? { promisedUntil: i.promisedUntil } : {}),
      };
    })
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.invoiceNumber.localeCompare(b.invoiceNumber));
  const creditNotes = input.creditNotes.filter((c) => c.issueDate <= asOf).sort((a, b) => a.number.localeCompare(b.number));
  const unappliedCash = input.payments
    .map((p) => ({ paymentId: p.id, externalId: p.externalId, receivedOn: p.receivedOn, amount: p.amount, currency: p.currency, unapplied: unappliedAsOf(p, asOf) ?? 0 }))
    .filter((p) => p.unapplied > 0)
    .sort((a, b) => a.receivedOn.localeCompare(b.receivedOn) || a.paymentId.localeCompare(b.paymentId));
  const disputes = (input.disputes ?? []).filter((d) => isOpenOn(d, asOf));
  const currencyOf = new Map(input.invoices.map((i) => [i.number, i.currency]));
  const currencies = [...new Set([...openItems.map((i) => currencyOf.get(i.invoiceNumber)!), ...creditNotes.map((c) => c.currency), ...unappliedCash.map((p) => p.currency)])].sort();
  return currencies.map((currency) => {
    const items = openItems.filter((i) => currencyOf.get(i.invoiceNumber) === currency);
    const notes = creditNotes.filter((c) => c.currency === currency);
    const cash = unappliedCash.filter((p) => p.currency === currency).map(({ currency: _c, ...p }) => p);
    const refunded = sumAmounts((input.creditRefunds ?? []).filter((r) => r.currency === currency && r.on <= asOf).map((r) => r.amount));
    const customerCredit = Math.max(0, sumAmounts(notes.map((c) => c.customerCredit)) - refunded);
    const openBalance = sumAmounts(items.map((i) => i.balance));
    const unapplied = sumAmounts(cash.map((p) => p.unapplied));
    return {
      currency,
      openItems: items,
      creditNotes: notes,
      unappliedCash: cash,
      disputes: disputes.filter((d) => d.currency === currency),
      aging: agingOf(items),
      openBalance,
      overdue: sumAmounts(items.filter((i) => i.daysOverdue > 0).map((i) => i.balance)),
      fees: sumAmounts(items.map((i) => i.fees)),
      unapplied,
      customerCredit,
      netBalance: openBalance - unapplied - customerCredit,
    };
  });
}

const isOpenOn = (d: StatementDispute, asOf: IsoDate) => d.openedOn <= asOf && (d.resolvedOn === undefined || d.resolvedOn > asOf);
