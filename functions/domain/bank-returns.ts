/**
 * A debit on a bank statement that returns or reverses a credit o2c applied:
 * which payment it takes back, and what undoing that payment does. Pure.
 *
 * - Matching: the return quotes the credit's end-to-end id, or its entry
 *   reference (in the reference or the remittance); else one payment of the
 *   same amount and currency from the same payer IBAN received in the 60 days
 *   before the return. Two such payments: not matched (finance decides).
 * - Reversing: each invoice the payment settled (applied when it came, or
 *   from its unapplied cash later, and the early-payment discount it earned)
 *   gets that amount back — a `reversal` history event with the negative
 *   amount, so a statement as of before the return still shows it paid —
 *   and is open again (partially paid when something else still pays it);
 *   what was unapplied leaves unapplied cash. The entry: Dr receivable
 *   (+ Dr unapplied cash) / Cr cash (+ Cr sales discounts for a discount
 *   taken back).
 * - Not reversed automatically (listed for finance): a payment part of which
 *   was paid back, a return of another amount or currency, an invoice since
 *   written off or voided.
 */
import type { BankLine } from './bank-import.ts';
import { daysBetween } from './dates.ts';
import { assertBalanced } from './ledger.ts';
import type { Invoice, InvoiceEvent, InvoiceStatus, IsoDate, JournalEntry, PaymentEvent } from './model.ts';
import { formatMoney, sumAmounts } from './money.ts';

/** How far back a return is matched by amount and payer IBAN alone. */
export const RETURN_WINDOW_DAYS = 60;

/** A payment as return matching reads it (a stored bank payment with its evidence). */
export interface ReturnablePayment {
  readonly id: string;
  readonly externalId: string;
  readonly source: string;
  readonly amount: number;
  readonly currency: string;
  readonly receivedOn: IsoDate;
  readonly unapplied: number;
  readonly customerId?: string;
  readonly payerIban?: string;
  readonly endToEndId?: string;
  readonly entryKey?: string;
  readonly allocations: readonly { readonly invoiceId: string; readonly amount: number }[];
  readonly discounts: readonly { readonly invoiceId: string; readonly amount: number }[];
  readonly applications?: readonly PaymentEvent[];
  /** Set once the bank took it back. */
  readonly returned?: { readonly on: IsoDate; readonly entryKey: string };
}

export type ReturnMatch = { readonly kind: 'matched'; readonly payment: ReturnablePayment; readonly by: 'end-to-end-id' | 'entry-reference' | 'amount-and-iban' } | { readonly kind: 'unmatched'; readonly reason: string };

const compact = (s: string | undefined) => (s ?? '').replace(/\s+/g, '').toUpperCase();

/** The payment `line` (a return or reversal debit) takes back, among `candidates`. */
export function matchReturn(line: Pick<BankLine, 'amount' | 'currency' | 'bookingDate' | 'endToEndId' | 'reference' | 'remittance' | 'counterpartyIban'>, candidates: readonly ReturnablePayment[]): ReturnMatch {
  const open = candidates.filter((p) => p.source === 'bank' && !p.returned && p.receivedOn <= line.bookingDate);
  const e2e = compact(line.endToEndId);
  if (e2e && e2e !== 'NOTPROVIDED') {
    const byE2e = open.filter((p) => compact(p.endToEndId) === e2e && p.currency === line.currency);
    if (byE2e.length === 1) return { kind: 'matched', payment: byE2e[0]!, by: 'end-to-end-id' };
  }
  const quoted = `${compact(line.reference)} ${compact(line.remittance)}`;
  const byRef = open.filter((p) => p.entryKey && compact(p.entryKey).length >= 6 && quoted.includes(compact(p.entryKey)) && p.currency === line.currency);
  if (byRef.length === 1) return { kind: 'matched', payment: byRef[0]!, by: 'entry-reference' };
  const iban = compact(line.counterpartyIban);
  if (!iban) return { kind: 'unmatched', reason: 'the return quotes no payment o2c knows and names no payer account' };
  const byAmount = open.filter((p) => compact(p.payerIban) === iban && p.amount === line.amount && p.currency === line.currency && daysBetween(p.receivedOn, line.bookingDate) <= RETURN_WINDOW_DAYS);
  if (byAmount.length === 1) return { kind: 'matched', payment: byAmount[0]!, by: 'amount-and-iban' };
  if (byAmount.length > 1) return { kind: 'unmatched', reason: `${byAmount.length} payments of ${formatMoney(line)} came from ${line.counterpartyIban} in the ${RETURN_WINDOW_DAYS} days before: finance decides which one it takes back` };
  return { kind: 'unmatched', reason: `no payment of ${formatMoney(line)} from ${line.counterpartyIban} in the ${RETURN_WINDOW_DAYS} days before, and none with the end-to-end id or reference it quotes` };
}

/** What undoing a payment does to one invoice it settled. */
export interface InvoiceReopening {
  /** The invoice as read (its balance is the guard). */
  readonly invoice: Invoice;
  readonly balance: number;
  readonly status: InvoiceStatus;
  readonly event: InvoiceEvent;
}

export interface PaymentReversalPlan {
  readonly reopened: readonly InvoiceReopening[];
  /** The unapplied cash the return takes away. */
  readonly unapplied: number;
  /** Cash settled against invoices, and discounts taken back. */
  readonly applied: number;
  readonly discounts: number;
  readonly paymentEvent: PaymentEvent;
  readonly entry: JournalEntry;
}

export type ReversalDecision = { readonly kind: 'reverse'; readonly plan: PaymentReversalPlan } | { readonly kind: 'refused'; readonly reason: string };

/** What the payment settled per invoice: at arrival (allocations, discounts) and from its unapplied cash later. */
export function settledBy(payment: ReturnablePayment): Map<string, { cash: number; discount: number }> {
  const out = new Map<string, { cash: number; discount: number }>();
  const add = (invoice: string, cash: number, discount: number) => {
    const s = out.get(invoice) ?? { cash: 0, discount: 0 };
    out.set(invoice, { cash: s.cash + cash, discount: s.discount + discount });
  };
  for (const a of payment.allocations) add(a.invoiceId, a.amount, 0);
  for (const d of payment.discounts) add(d.invoiceId, 0, d.amount);
  for (const e of payment.applications ?? []) if (e.kind === 'allocation' && e.invoiceNumber) add(e.invoiceNumber, e.amount, 0);
  return out;
}

/** Undoes `payment` for the return `line` booked on `on`; `invoices` are the ones it settled, as read now. */
export function reversePayment(payment: ReturnablePayment, invoices: readonly Invoice[], line: { readonly entryKey: string; readonly amount: number; readonly currency: string }, on: IsoDate): ReversalDecision {
  const money = (amount: number) => formatMoney({ amount, currency: payment.currency });
  if (payment.returned) return { kind: 'refused', reason: `payment ${payment.externalId} was returned before (${payment.returned.entryKey})` };
  if (line.currency !== payment.currency || line.amount !== payment.amount) return { kind: 'refused', reason: `the return of ${formatMoney(line)} is not the whole payment ${payment.externalId} of ${money(payment.amount)}: finance reverses it by hand` };
  if ((payment.applications ?? []).some((e) => e.kind === 'refund')) return { kind: 'refused', reason: `part of payment ${payment.externalId} was paid back already: finance reverses it by hand` };
  const byNumber = new Map(invoices.map((i) => [i.number, i]));
  const reopened: InvoiceReopening[] = [];
  for (const [number, s] of settledBy(payment)) {
    const invoice = byNumber.get(number);
    if (!invoice) return { kind: 'refused', reason: `invoice ${number} that payment ${payment.externalId} paid cannot be read` };
    if (invoice.status === 'void' || invoice.status === 'written_off') return { kind: 'refused', reason: `invoice ${number} is ${invoice.status.replace('_', ' ')} since payment ${payment.externalId} paid it: finance decides` };
    const back = s.cash + s.discount;
    if (back === 0) continue;
    const balance = invoice.balance + back;
    reopened.push({ invoice, balance, status: balance >= invoice.totals.total ? 'open' : 'partially_paid', event: { on, kind: 'reversal', amount: -back, ref: `return:${payment.id}` } });
  }
  const applied = sumAmounts([...settledBy(payment).values()].map((s) => s.cash));
  const discounts = sumAmounts([...settledBy(payment).values()].map((s) => s.discount));
  if (applied + payment.unapplied !== payment.amount) return { kind: 'refused', reason: `payment ${payment.externalId} does not add up (applied ${money(applied)}, unapplied ${money(payment.unapplied)}): finance reverses it by hand` };
  const lines = [
    { account: 'accounts_receivable' as const, side: 'debit' as const, amount: applied + discounts },
    { account: 'unapplied_cash' as const, side: 'debit' as const, amount: payment.unapplied },
    { account: 'cash' as const, side: 'credit' as const, amount: payment.amount },
    { account: 'sales_discounts' as const, side: 'credit' as const, amount: discounts },
  ].filter((l) => l.amount > 0);
  const entry = assertBalanced({ id: `return-${payment.id}`, date: on, currency: payment.currency, memo: `Payment ${payment.externalId} returned by the bank (${line.entryKey})`, reference: `payment:${payment.id}`, lines });
  return { kind: 'reverse', plan: { reopened, unapplied: payment.unapplied, applied, discounts, paymentEvent: { on, kind: 'return', amount: payment.unapplied, reason: `returned by the bank (${line.entryKey})` }, entry } };
}

/** What became of one return or reversal debit of an import (kept on the import, shown to finance). */
export interface ReturnOutcome {
  readonly entryKey: string;
  readonly account: string;
  readonly amount: number;
  readonly currency: string;
  readonly bookingDate: IsoDate;
  /** `reversed`: the payment was taken back now; `reversed-before`: by an earlier file; `unmatched`/`refused`: listed for finance. */
  readonly outcome: 'reversed' | 'reversed-before' | 'unmatched' | 'refused';
  readonly paymentId?: string;
  readonly matchedBy?: 'end-to-end-id' | 'entry-reference' | 'amount-and-iban';
  readonly invoices?: readonly string[];
  /** The bank's return reason code (AC04, MD06…), when it gave one. */
  readonly returnReason?: string;
  readonly reason?: string;
}
