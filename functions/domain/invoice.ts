/**
 * Invoices: numbering, terms and due dates, totals, and what a payment does
 * to one. Numbers are gapless per series and year; the adapter allocates the
 * sequence in the same transaction that writes the invoice.
 */
import { addDays, daysBetween } from './dates.ts';
import { DomainError } from './errors.ts';
import { applyRatePpm, assertMinorUnits } from './money.ts';
import type { Invoice, IsoDate, Order, PaymentTerms, TaxPolicy } from './model.ts';
import { priceOrder } from './pricing.ts';

const SERIES = /^[A-Z]{2,8}$/;

export function formatInvoiceNumber(series: string, year: number, sequence: number): string {
  if (!SERIES.test(series)) throw new DomainError('InvalidSeries', `invoice series must be 2–8 capital letters, got ${JSON.stringify(series)}`);
  if (!Number.isInteger(year) || year < 1000 || year > 9999) throw new DomainError('InvalidSeries', `bad invoice year ${year}`);
  if (!Number.isSafeInteger(sequence) || sequence < 1) throw new DomainError('InvalidSeries', `bad invoice sequence ${sequence}`);
  return `${series}-${year}-${String(sequence).padStart(6, '0')}`;
}

export function parseInvoiceNumber(text: string): { series: string; year: number; sequence: number } | null {
  const m = /^([A-Z]{2,8})-(\d{4})-(\d{6,})$/.exec(text);
  if (!m) return null;
  const sequence = Number(m[3]);
  if (!Number.isSafeInteger(sequence) || sequence < 1) return null;
  return { series: m[1]!, year: Number(m[2]), sequence };
}

/**
 * Invoice numbers quoted in free remittance text, in order of mention, without
 * repeats. Tolerates the ways payers type them: any case, and spaces, dots,
 * slashes or nothing instead of the dashes ("inv 2026 000042", "INV2026000042").
 */
export function findInvoiceNumbers(text: string | undefined): string[] {
  if (!text) return [];
  const found: string[] = [];
  for (const m of text.matchAll(/\b([A-Za-z]{2,8})[\s./_-]?(\d{4})[\s./_-]?(\d{6,})\b/g)) {
    const number = `${m[1]!.toUpperCase()}-${m[2]}-${m[3]}`;
    if (parseInvoiceNumber(number) && !found.includes(number)) found.push(number);
  }
  return found;
}

export function dueDate(issueDate: IsoDate, terms: PaymentTerms): IsoDate {
  if (!Number.isInteger(terms.netDays) || terms.netDays < 0) throw new DomainError('InvalidTerms', `net days must be whole and ≥ 0, got ${terms.netDays}`);
  return addDays(issueDate, terms.netDays);
}

/** "Net 30", "2/10 net 30". */
export function describeTerms(terms: PaymentTerms): string {
  if (!terms.discount) return terms.netDays === 0 ? 'Due on receipt' : `Net ${terms.netDays}`;
  const pct = terms.discount.ratePpm / 10_000;
  return `${pct}/${terms.discount.days} net ${terms.netDays}`;
}

export interface BuildInvoiceInput {
  readonly order: Order;
  /** The formatted number, when the caller already has it; must match series/year/sequence. */
  readonly number?: string;
  readonly series: string;
  readonly year: number;
  readonly sequence: number;
  readonly issueDate: IsoDate;
  readonly terms: PaymentTerms;
  readonly policy: TaxPolicy;
  /** Paid at checkout: issued with a zero balance. */
  readonly paid?: boolean;
  /** The structured payment reference printed on it (`paymentReferenceFor(scheme, number)`, domain/references). */
  readonly paymentReference?: string;
}

export function buildInvoice(input: BuildInvoiceInput): Invoice {
  const { order, series, year, sequence, issueDate, terms, policy } = input;
  const number = formatInvoiceNumber(series, year, sequence);
  if (input.number !== undefined && input.number !== number) {
    throw new DomainError('InvalidSeries', `invoice number ${input.number} does not match ${series}/${year}/${sequence} (${number})`);
  }
  const { lines, totals } = priceOrder(order.lines, order.shipping, policy, { pricesIncludeTax: order.pricesIncludeTax === true });
  const due = dueDate(issueDate, terms);
  const paid = input.paid === true;
  const discount = terms.discount && !paid ? applyRatePpm(totals.total, terms.discount.ratePpm, 'half-up') : 0;
  return {
    id: number,
    number,
    series,
    year,
    sequence,
    orderId: order.id,
    ...(order.source.reference ? { orderReference: order.source.reference } : {}),
    customerId: order.customerId,
    currency: order.currency,
    issueDate,
    dueDate: due,
    terms,
    ...(terms.discount && !paid
      ? { earlyPayment: { until: addDays(issueDate, terms.discount.days), discount, amountDue: totals.total - discount } }
      : {}),
    lines,
    totals,
    balance: paid ? 0 : totals.total,
    status: paid || totals.total === 0 ? 'paid' : 'open',
    ...(input.paymentReference ? { paymentReference: input.paymentReference } : {}),
  };
}

export interface AppliedPayment {
  readonly invoice: Invoice;
  readonly applied: number;
  readonly remainder: number;
}

/** Applies up to the balance; what is left over is the caller's (unapplied cash). */
export function applyPaymentToInvoice(invoice: Invoice, amount: number): AppliedPayment {
  assertMinorUnits(amount);
  if (amount <= 0) throw new DomainError('InvalidPayment', 'a payment amount must be positive');
  if (invoice.status === 'void' || invoice.status === 'written_off') {
    throw new DomainError('InvoiceClosed', `invoice ${invoice.number} is ${invoice.status}`);
  }
  const applied = Math.min(amount, invoice.balance);
  const balance = invoice.balance - applied;
  const status = balance === 0 ? 'paid' : applied > 0 ? 'partially_paid' : invoice.status;
  return { invoice: { ...invoice, balance, status }, applied, remainder: amount - applied };
}

export function isOverdue(invoice: Pick<Invoice, 'balance' | 'dueDate'>, asOf: IsoDate): boolean {
  return invoice.balance > 0 && daysBetween(invoice.dueDate, asOf) > 0;
}

/** Days past the due date on `asOf` (≤ 0 when not yet due). */
export function daysPastDue(invoice: Pick<Invoice, 'dueDate'>, asOf: IsoDate): number {
  return daysBetween(invoice.dueDate, asOf);
}
