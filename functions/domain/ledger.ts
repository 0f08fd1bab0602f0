/**
 * Double-entry postings. Every financial event becomes one journal entry whose
 * debits equal its credits in one currency; nothing unbalanced can be built.
 */
import { DomainError } from './errors.ts';
import type { Account, Allocation, Invoice, IsoDate, JournalEntry, JournalLine, Payment } from './model.ts';
import { assertMinorUnits, sumAmounts } from './money.ts';

export function isBalanced(entry: Pick<JournalEntry, 'lines'>): boolean {
  const debit = sumAmounts(entry.lines.filter((l) => l.side === 'debit').map((l) => l.amount));
  const credit = sumAmounts(entry.lines.filter((l) => l.side === 'credit').map((l) => l.amount));
  return entry.lines.length > 0 && debit === credit;
}

export function assertBalanced(entry: JournalEntry): JournalEntry {
  if (entry.lines.length === 0) throw new DomainError('UnbalancedEntry', `entry ${entry.id} has no lines`);
  for (const l of entry.lines) {
    assertMinorUnits(l.amount, `${entry.id} ${l.account}`);
    if (l.amount <= 0) throw new DomainError('UnbalancedEntry', `entry ${entry.id}: ${l.account} amount must be positive`);
  }
  if (!isBalanced(entry)) throw new DomainError('UnbalancedEntry', `entry ${entry.id}: debits do not equal credits`);
  return entry;
}

function line(account: Account, side: JournalLine['side'], amount: number): JournalLine[] {
  return amount === 0 ? [] : [{ account, side, amount }];
}

function entry(fields: Omit<JournalEntry, 'lines'>, lines: JournalLine[]): JournalEntry {
  return assertBalanced({ ...fields, lines });
}

/**
 * Invoice issued: Dr receivable for the total; Cr revenue (goods net of
 * discount), shipping revenue and tax payable. Paid at checkout adds the
 * receipt: Dr cash / Cr receivable, leaving nothing owed.
 */
export function invoiceIssuedEntry(invoice: Invoice, entryId: string, options: { paidAtCheckout?: boolean } = {}): JournalEntry {
  const { totals } = invoice;
  const lines = [
    ...line('accounts_receivable', 'debit', totals.total),
    ...line('revenue', 'credit', totals.net),
    ...line('shipping_revenue', 'credit', totals.shipping),
    ...line('tax_payable', 'credit', totals.tax),
  ];
  if (options.paidAtCheckout) lines.push(...line('cash', 'debit', totals.total), ...line('accounts_receivable', 'credit', totals.total));
  return entry(
    { id: entryId, date: invoice.issueDate, currency: invoice.currency, memo: `Invoice ${invoice.number}`, reference: `invoice:${invoice.number}` },
    lines,
  );
}

/**
 * Payment received: Dr cash; Cr receivable for what was applied, Cr unapplied
 * cash for the rest. An early-payment discount taken is Dr sales discounts /
 * Cr receivable, so the invoice is fully settled.
 */
export function paymentReceivedEntry(
  payment: Payment,
  allocations: readonly Allocation[],
  entryId: string,
  options: { date?: IsoDate; discounts?: readonly Allocation[] } = {},
): JournalEntry {
  const applied = sumAmounts(allocations.map((a) => a.amount));
  const discounts = sumAmounts((options.discounts ?? []).map((a) => a.amount));
  if (applied > payment.amount) throw new DomainError('OverApplied', `payment ${payment.id}: allocations exceed the amount`);
  return entry(
    { id: entryId, date: options.date ?? payment.receivedOn, currency: payment.currency, memo: `Payment ${payment.externalId}`, reference: `payment:${payment.id}` },
    [
      ...line('cash', 'debit', payment.amount),
      ...line('sales_discounts', 'debit', discounts),
      ...line('accounts_receivable', 'credit', applied + discounts),
      ...line('unapplied_cash', 'credit', payment.amount - applied),
    ],
  );
}

/** A late-payment fee (compensation and interest) charged on an invoice: Dr receivable / Cr late fees, dated the dunning run's day. */
export function lateFeeEntry(invoice: Pick<Invoice, 'number' | 'currency'>, fee: { readonly level: string; readonly on: IsoDate; readonly amount: number }): JournalEntry {
  return entry(
    { id: `fee-${invoice.number}-${fee.level}`, date: fee.on, currency: invoice.currency, memo: `Late-payment fee on ${invoice.number} (${fee.level})`, reference: `invoice:${invoice.number}` },
    [...line('accounts_receivable', 'debit', fee.amount), ...line('late_fees', 'credit', fee.amount)],
  );
}

/** Net debit balance per account per currency (credits negative); each currency sums to zero. */
export function trialBalance(entries: readonly JournalEntry[]): Record<string, Partial<Record<Account, number>>> {
  const out: Record<string, Partial<Record<Account, number>>> = {};
  for (const e of entries) {
    assertBalanced(e);
    const book = (out[e.currency] ??= {});
    for (const l of e.lines) book[l.account] = (book[l.account] ?? 0) + (l.side === 'debit' ? l.amount : -l.amount);
  }
  return out;
}

/** What one entry moves, per account and side, as counters (`revenue.credit` → 2899): the ledger totals add these up. */
export function ledgerMovements(entry: JournalEntry): Record<string, number> {
  assertBalanced(entry);
  const out: Record<string, number> = {};
  for (const l of entry.lines) out[`${l.account}.${l.side}`] = (out[`${l.account}.${l.side}`] ?? 0) + l.amount;
  return out;
}

export interface TrialBalanceLine {
  readonly account: Account;
  readonly debit: number;
  readonly credit: number;
  /** debit − credit: positive is a debit balance. */
  readonly balance: number;
}

export interface TrialBalance {
  readonly currency: string;
  readonly lines: readonly TrialBalanceLine[];
  readonly debits: number;
  readonly credits: number;
  readonly balanced: boolean;
}

/** The trial balance of summed movements (`account.side` counters) per currency, accounts in chart order. */
export function trialBalanceOf(movements: ReadonlyMap<string, Readonly<Record<string, number>>>): TrialBalance[] {
  return [...movements.keys()].sort().map((currency) => {
    const m = movements.get(currency)!;
    const lines = CHART.flatMap((account) => {
      const debit = m[`${account}.debit`] ?? 0;
      const credit = m[`${account}.credit`] ?? 0;
      return debit === 0 && credit === 0 ? [] : [{ account, debit, credit, balance: debit - credit }];
    });
    const debits = sumAmounts(lines.map((l) => l.debit));
    const credits = sumAmounts(lines.map((l) => l.credit));
    return { currency, lines, debits, credits, balanced: debits === credits };
  });
}

/** The chart of accounts, in the order a trial balance lists them (assets, liabilities, income, expenses). */
export const CHART: readonly Account[] = ['cash', 'accounts_receivable', 'unapplied_cash', 'customer_credit', 'tax_payable', 'revenue', 'shipping_revenue', 'late_fees', 'sales_discounts', 'bad_debt'];
