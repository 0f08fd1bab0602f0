/**
 * Disputes and promises to pay: the collections side of an invoice. A dispute
 * sets part (or all) of an invoice's balance aside — not chased, not counted as
 * overdue — until finance resolves it: credited (a credit note takes it back) or
 * reinstated (owed again). A promise to pay holds reminders until the day after
 * the promised date. What the state forbids is a DomainError with a `conflict`
 * kind (409), decided before anything is written.
 */
import { daysBetween, isIsoDate } from './dates.ts';
import { DomainError } from './errors.ts';
import type { Dispute, Invoice, IsoDate, IsoInstant, Money } from './model.ts';
import { assertMinorUnits, formatMoney } from './money.ts';

const conflict = (code: string, message: string) => new DomainError(code, message, 'conflict');
/** Nothing is owed on these: there is nothing to dispute or promise. */
const CLOSED = new Set<Invoice['status']>(['paid', 'written_off', 'void']);
const closedWord = (status: Invoice['status']) => status.replace('_', ' ');

/** What the invoice's open disputes set aside (0 when none). */
export const disputedOf = (invoice: Pick<Invoice, 'disputed'>): number => invoice.disputed ?? 0;

/** The part of the balance nobody disputes: what dunning asks for (never below 0). */
export const undisputedBalance = (invoice: Pick<Invoice, 'balance' | 'disputed'>): number => Math.max(0, invoice.balance - disputedOf(invoice));

export interface DisputeRequest {
  readonly invoice: Invoice;
  readonly amount: Money;
  readonly reason: string;
  readonly disputeId: string;
  readonly openedAt: IsoInstant;
  readonly openedOn: IsoDate;
}

/**
 * Opens a dispute: in the invoice's currency, more than nothing, and at most
 * the balance not already disputed; the invoice's `disputed` grows by it.
 */
export function openDispute(req: DisputeRequest): { dispute: Dispute; invoice: Invoice } {
  const { invoice, amount } = req;
  assertMinorUnits(amount.amount, 'disputed amount');
  const money = (a: number) => formatMoney({ amount: a, currency: invoice.currency });
  if (amount.currency !== invoice.currency) throw conflict('CurrencyMismatch', `invoice ${invoice.number} is in ${invoice.currency}; an amount in ${amount.currency} cannot be disputed on it`);
  if (amount.amount <= 0) throw new DomainError('InvalidDispute', 'a disputed amount must be more than nothing');
  if (CLOSED.has(invoice.status)) throw conflict('InvoiceClosed', `invoice ${invoice.number} is ${closedWord(invoice.status)}: there is nothing on it to dispute`);
  const disputed = disputedOf(invoice);
  const open = invoice.balance - disputed;
  if (amount.amount > open) {
    const already = disputed > 0 ? ` (its balance is ${money(invoice.balance)}, of which ${money(disputed)} is already disputed)` : '';
    throw conflict('DisputeExceedsBalance', `invoice ${invoice.number} has ${money(Math.max(0, open))} left to dispute${already}, less than the ${money(amount.amount)} disputed`);
  }
  const dispute: Dispute = {
    disputeId: req.disputeId,
    invoiceNumber: invoice.number,
    customerId: invoice.customerId,
    currency: invoice.currency,
    amount: amount.amount,
    reason: req.reason,
    openedOn: req.openedOn,
    openedAt: req.openedAt,
    status: 'open',
  };
  return { dispute, invoice: { ...invoice, disputed: disputed + amount.amount } };
}

export type DisputeOutcome = 'credit' | 'reinstate';

/**
 * What resolving `dispute` means: only an open dispute can be resolved; a credit
 * is for more than nothing and at most the disputed amount (default: all of it);
 * a reinstatement takes no amount (the whole disputed amount is owed again).
 * Either way the invoice's `disputed` falls by the dispute's whole amount.
 */
export function checkResolution(dispute: Dispute, outcome: DisputeOutcome, amount?: Money): { amount: number } {
  const money = (a: number) => formatMoney({ amount: a, currency: dispute.currency });
  if (dispute.status !== 'open') throw conflict('DisputeResolved', `dispute ${dispute.disputeId} on invoice ${dispute.invoiceNumber} was already ${dispute.status}${dispute.resolvedOn ? ` on ${dispute.resolvedOn}` : ''}`);
  if (outcome === 'reinstate') {
    if (amount !== undefined && amount.amount !== dispute.amount) throw new DomainError('InvalidResolution', `a reinstatement makes the whole disputed ${money(dispute.amount)} owed again; leave the amount out`);
    return { amount: dispute.amount };
  }
  if (amount === undefined) return { amount: dispute.amount };
  assertMinorUnits(amount.amount, 'credited amount');
  if (amount.currency !== dispute.currency) throw conflict('CurrencyMismatch', `the dispute is in ${dispute.currency}; a credit in ${amount.currency} cannot settle it`);
  if (amount.amount <= 0) throw new DomainError('InvalidResolution', 'a credit must be for more than nothing');
  if (amount.amount > dispute.amount) throw conflict('CreditExceedsDispute', `the dispute is for ${money(dispute.amount)}, less than the ${money(amount.amount)} to credit`);
  return { amount: amount.amount };
}

/** The dispute as resolved. */
export function resolvedDispute(dispute: Dispute, resolution: { outcome: DisputeOutcome; amount: number; creditNoteNumber?: string; resolvedOn: IsoDate }): Dispute {
  const { resolvedOn, ...rest } = resolution;
  return { ...dispute, status: rest.outcome === 'credit' ? 'credited' : 'reinstated', resolvedOn, resolution: rest };
}

/**
 * A promise to pay by `date` (a calendar date, today or later) on an invoice
 * that owes something. It records the highest dunning level sent so far, so a
 * broken promise resumes the reminders from the next one (domain/dunning).
 */
export function promiseToPay(invoice: Invoice, date: string, today: IsoDate): Invoice {
  if (!isIsoDate(date)) throw new DomainError('InvalidDate', `${date} is not a calendar date (YYYY-MM-DD)`);
  if (daysBetween(today, date) < 0) throw new DomainError('InvalidDate', `a promise to pay must be for today (${today}) or later; ${date} is in the past`);
  if (CLOSED.has(invoice.status) || invoice.balance <= 0) throw conflict('InvoiceClosed', `invoice ${invoice.number} is ${closedWord(invoice.status)}: nothing is owed on it`);
  return { ...invoice, promisedUntil: date, promisedAtLevel: (invoice.dunningLevels ?? []).length };
}
