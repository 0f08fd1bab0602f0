/**
 * Adjustments finance makes to an invoice after it was issued: credit notes
 * (part or all of it taken back, tax reversed in proportion) and write-offs
 * (the balance becomes bad debt). Each yields the invoice as it becomes and a
 * balanced journal entry; what the state forbids is a DomainError with a
 * `conflict` kind (a 409 over HTTP), decided before anything is written.
 */
import { DomainError } from './errors.ts';
import { formatInvoiceNumber } from './invoice.ts';
import type { CreditNote, Invoice, IsoDate, JournalEntry, JournalLine } from './model.ts';
import { allocate, assertMinorUnits, formatMoney } from './money.ts';
import { assertBalanced } from './ledger.ts';

const conflict = (code: string, message: string) => new DomainError(code, message, 'conflict');
const CLOSED = new Set(['void', 'written_off']);

/** What has been credited on the invoice before (Σ credit note totals). */
export interface CreditedSoFar {
  readonly credited: number;
}

export interface CreditNoteRequest {
  readonly invoice: Invoice & Partial<CreditedSoFar>;
  /** Minor units, tax included; at most what is left to credit (total − credited). */
  readonly amount: number;
  readonly reason: string;
  readonly series: string;
  readonly year: number;
  readonly sequence: number;
  readonly issueDate: IsoDate;
}

/**
 * The credit note for `amount` of an invoice: goods, shipping and tax in the
 * invoice's own proportions (largest remainder, so they sum exactly), applied
 * to the open balance first; what exceeds it (a paid invoice) is customer credit.
 */
export function buildCreditNote(req: CreditNoteRequest): { creditNote: CreditNote; invoice: Invoice & CreditedSoFar } {
  const { invoice, amount } = req;
  assertMinorUnits(amount, 'credit note amount');
  if (amount <= 0) throw new DomainError('InvalidCreditNote', 'a credit note must be for more than nothing');
  if (CLOSED.has(invoice.status)) throw conflict('InvoiceClosed', `invoice ${invoice.number} is ${invoice.status.replace('_', ' ')}: it cannot be credited`);
  const credited = invoice.credited ?? 0;
  const creditable = invoice.totals.total - credited;
  if (amount > creditable) {
    const money = (a: number) => formatMoney({ amount: a, currency: invoice.currency });
    throw conflict('CreditExceedsInvoice', `invoice ${invoice.number} has ${money(creditable)} left to credit, less than the ${money(amount)} asked for`);
  }
  const [net, shipping, tax] = allocate(amount, [invoice.totals.net, invoice.totals.shipping, invoice.totals.tax]) as [number, number, number];
  const appliedToInvoice = Math.min(amount, invoice.balance);
  const number = formatInvoiceNumber(req.series, req.year, req.sequence);
  const creditNote: CreditNote = {
    id: number,
    number,
    series: req.series,
    year: req.year,
    sequence: req.sequence,
    invoiceNumber: invoice.number,
    customerId: invoice.customerId,
    currency: invoice.currency,
    issueDate: req.issueDate,
    reason: req.reason,
    net,
    shipping,
    tax,
    total: amount,
    appliedToInvoice,
    customerCredit: amount - appliedToInvoice,
  };
  const balance = invoice.balance - appliedToInvoice;
  // A balance credited to nothing is settled (`paid`: nothing is owed, dunning stops); otherwise the status stands.
  const status = balance === 0 ? 'paid' : invoice.status;
  return { creditNote, invoice: { ...invoice, balance, status, credited: credited + amount } };
}

const line = (account: JournalLine['account'], side: JournalLine['side'], amount: number): JournalLine[] => (amount === 0 ? [] : [{ account, side, amount }]);

/** Credit note: Dr revenue, shipping revenue and tax payable; Cr receivable (applied) and customer credit (the rest). */
export function creditNoteEntry(cn: CreditNote, entryId: string): JournalEntry {
  return assertBalanced({
    id: entryId,
    date: cn.issueDate,
    currency: cn.currency,
    memo: `Credit note ${cn.number} on invoice ${cn.invoiceNumber}`,
    reference: `credit-note:${cn.number}`,
    lines: [
      ...line('revenue', 'debit', cn.net),
      ...line('shipping_revenue', 'debit', cn.shipping),
      ...line('tax_payable', 'debit', cn.tax),
      ...line('accounts_receivable', 'credit', cn.appliedToInvoice),
      ...line('customer_credit', 'credit', cn.customerCredit),
    ],
  });
}

/** Writing off: the whole open balance becomes bad debt (Dr bad debt, Cr receivable); the invoice is `written_off`. */
export function writeOff(invoice: Invoice, entryId: string, date: IsoDate, reason: string): { invoice: Invoice; entry: JournalEntry } {
  if (CLOSED.has(invoice.status)) throw conflict('InvoiceClosed', `invoice ${invoice.number} is already ${invoice.status.replace('_', ' ')}`);
  if (invoice.balance <= 0) throw conflict('NothingToWriteOff', `invoice ${invoice.number} is paid: there is nothing to write off`);
  const entry = assertBalanced({
    id: entryId,
    date,
    currency: invoice.currency,
    memo: `Write-off of invoice ${invoice.number}: ${reason}`,
    reference: `write-off:${invoice.number}`,
    lines: [...line('bad_debt', 'debit', invoice.balance), ...line('accounts_receivable', 'credit', invoice.balance)],
  });
  return { invoice: { ...invoice, balance: 0, status: 'written_off' }, entry };
}
