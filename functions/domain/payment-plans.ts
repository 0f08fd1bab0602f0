/**
 * Payment plans: finance agrees with a customer to pay some overdue invoices in
 * instalments. While the plan is kept, dunning sends no reminder and charges no
 * fee for those invoices; when an instalment is missed (not paid by its due date
 * plus the plan's grace days) the plan is broken and dunning resumes where it
 * stood before the plan — the level after the last one sent, as after a broken
 * promise to pay. Pure: no I/O, no clock.
 *
 * What counts as paid: the covered invoices' balances as agreed less their
 * balances now (payments, and credit notes, lower a balance; a returned payment
 * raises it again). Instalments are cumulative: instalment k is kept when the
 * paid amount reaches the sum of instalments 1…k, so paying early or more than
 * one instalment at once is fine.
 */
import { addDays, daysBetween } from './dates.ts';
import { DomainError } from './errors.ts';
import type { Invoice, IsoDate, IsoInstant, PlanHold } from './model.ts';
import { formatMoney, sumAmounts } from './money.ts';

export interface Instalment {
  readonly dueDate: IsoDate;
  /** Minor units of the plan's currency. */
  readonly amount: number;
}

export type PaymentPlanStatus = 'active' | 'completed' | 'broken' | 'cancelled';

export interface PaymentPlan {
  readonly planId: string;
  readonly customerId: string;
  readonly currency: string;
  /** The invoices covered, with the balance each had when the plan was agreed and the dunning levels sent by then. */
  readonly invoices: readonly { readonly invoiceNumber: string; readonly balance: number; readonly atLevel: number }[];
  /** What the instalments add up to: the covered invoices' undisputed balance when the plan was agreed. */
  readonly covered: number;
  readonly instalments: readonly Instalment[];
  /** Days after an instalment's due date before it counts as missed. */
  readonly graceDays: number;
  readonly agreedOn: IsoDate;
  readonly agreedAt: IsoInstant;
  readonly agreedBy: string;
  readonly status: PaymentPlanStatus;
  /** The day it was completed, broken or cancelled, and why. */
  readonly endedOn?: IsoDate;
  readonly endReason?: string;
  readonly version?: number;
}

export type { PlanHold };

export const MAX_INSTALMENTS = 36;
export const MAX_PLAN_INVOICES = 25;
export const DEFAULT_GRACE_DAYS = 3;

const money = (amount: number, currency: string) => formatMoney({ amount, currency });

/**
 * Checks an agreement and returns what it covers, or throws a DomainError in words: the instalments are in the
 * invoices' currency, more than nothing, on ascending days from `today` on, at most a year or so apart from today;
 * the invoices are open, of one customer and currency, not wholly disputed and in no other active plan; and the
 * instalments add up exactly to the undisputed balance covered.
 */
export function checkAgreement(input: {
  readonly customerId: string;
  readonly currency: string;
  readonly invoices: readonly Invoice[];
  readonly instalments: readonly Instalment[];
  readonly graceDays: number;
  readonly today: IsoDate;
}): { covered: number } {
  const { currency, instalments, invoices, today } = input;
  if (invoices.length === 0) throw new DomainError('NothingToCover', 'the customer has no overdue invoice to cover with a payment plan', 'conflict');
  if (invoices.length > MAX_PLAN_INVOICES) throw new DomainError('PlanTooLarge', `a payment plan covers at most ${MAX_PLAN_INVOICES} invoices`);
  if (instalments.length === 0 || instalments.length > MAX_INSTALMENTS) throw new DomainError('InvalidPlan', `a payment plan has from 1 to ${MAX_INSTALMENTS} instalments`);
  if (!Number.isInteger(input.graceDays) || input.graceDays < 0 || input.graceDays > 30) throw new DomainError('InvalidPlan', 'the grace days must be a whole number from 0 to 30');
  for (const inv of invoices) {
    if (inv.customerId !== input.customerId) throw new DomainError('InvoiceOfAnotherCustomer', `invoice ${inv.number} is not this customer's`);
    if (inv.currency !== currency) throw new DomainError('CurrencyMismatch', `invoice ${inv.number} is in ${inv.currency}, the instalments in ${currency}`);
    if (inv.balance - (inv.disputed ?? 0) <= 0) throw new DomainError('InvoiceNotOwed', `invoice ${inv.number} has nothing left to pay outside disputes`, 'conflict');
    if (inv.paymentPlan) throw new DomainError('InvoiceInPlan', `invoice ${inv.number} is already covered by another payment plan (cancel that one first)`, 'conflict');
  }
  if (new Set(invoices.map((i) => i.number)).size !== invoices.length) throw new DomainError('InvalidPlan', 'an invoice is named twice');
  instalments.forEach((s, i) => {
    if (!Number.isSafeInteger(s.amount) || s.amount <= 0) throw new DomainError('InvalidPlan', `instalment ${i + 1} must be more than nothing`);
    if (s.dueDate < today) throw new DomainError('InvalidPlan', `instalment ${i + 1} is due on ${s.dueDate}, which is in the past`);
    if (daysBetween(today, s.dueDate) > 3 * 366) throw new DomainError('InvalidPlan', `instalment ${i + 1} is due more than three years from today`);
    if (i > 0 && s.dueDate <= instalments[i - 1]!.dueDate) throw new DomainError('InvalidPlan', `instalment ${i + 1} must be due after instalment ${i} (${instalments[i - 1]!.dueDate})`);
  });
  const covered = sumAmounts(invoices.map((i) => i.balance - (i.disputed ?? 0)));
  const total = sumAmounts(instalments.map((s) => s.amount));
  if (total !== covered) {
    throw new DomainError(
      'InstalmentsDoNotAddUp',
      `the instalments add up to ${money(total, currency)}, but the invoices covered (${invoices.map((i) => i.number).join(', ')}) owe ${money(covered, currency)}`,
    );
  }
  return { covered };
}

/** Paid towards the plan so far: the covered invoices' balances as agreed less what they are now (never below nothing). */
export function paidTowards(plan: Pick<PaymentPlan, 'invoices'>, balancesNow: ReadonlyMap<string, number>): number {
  return Math.max(0, sumAmounts(plan.invoices.map((i) => i.balance - Math.min(i.balance, balancesNow.get(i.invoiceNumber) ?? 0))));
}

/** The last day an instalment may be paid (its due date plus the grace days). */
export const lastDayOf = (plan: Pick<PaymentPlan, 'graceDays'>, instalment: Instalment): IsoDate => addDays(instalment.dueDate, plan.graceDays);

export type PlanStanding =
  | { readonly kind: 'completed' }
  /** Kept so far: the next instalment not yet paid and the last day for it (dunning holds the invoices until then). */
  | { readonly kind: 'kept'; readonly next: Instalment; readonly heldUntil: IsoDate; readonly paid: number }
  /** The first instalment missed, and the day the plan broke (the day after its last day). */
  | { readonly kind: 'broken'; readonly missed: Instalment; readonly missedNumber: number; readonly on: IsoDate; readonly paid: number };

/** Where a plan stands on `asOf` given what has been paid towards it. */
export function planStanding(plan: Pick<PaymentPlan, 'instalments' | 'graceDays' | 'covered'>, paid: number, asOf: IsoDate): PlanStanding {
  if (paid >= plan.covered) return { kind: 'completed' };
  let cumulative = 0;
  for (const [n, instalment] of plan.instalments.entries()) {
    cumulative += instalment.amount;
    if (cumulative <= paid) continue;
    const last = lastDayOf(plan, instalment);
    return last < asOf ? { kind: 'broken', missed: instalment, missedNumber: n + 1, on: addDays(last, 1), paid } : { kind: 'kept', next: instalment, heldUntil: last, paid };
  }
  return { kind: 'completed' };
}

/** Dunning reads a held invoice as if a promise to pay held until the plan's next last day, made when `atLevel` levels had been sent. */
export function heldPromise(invoice: { readonly promisedUntil?: IsoDate; readonly promisedAtLevel?: number; readonly paymentPlan?: PlanHold }): { promisedUntil?: IsoDate; promisedAtLevel?: number } {
  const hold = invoice.paymentPlan;
  if (!hold) return { ...(invoice.promisedUntil !== undefined ? { promisedUntil: invoice.promisedUntil } : {}), ...(invoice.promisedAtLevel !== undefined ? { promisedAtLevel: invoice.promisedAtLevel } : {}) };
  const until = invoice.promisedUntil !== undefined && invoice.promisedUntil > hold.heldUntil ? invoice.promisedUntil : hold.heldUntil;
  return { promisedUntil: until, promisedAtLevel: hold.atLevel };
}

/** True while a plan holds the invoice on `asOf` (no reminder, no fee). */
export const heldByPlan = (invoice: { readonly paymentPlan?: PlanHold }, asOf: IsoDate) => invoice.paymentPlan !== undefined && invoice.paymentPlan.heldUntil >= asOf;
