/**
 * Finance sets part of an invoice aside while the customer disputes it, settles
 * the dispute, or records the customer's promise to pay.
 *
 * Open a dispute: 1. With a client Idempotency-Key, a dispute already opened
 *   under it is the answer (the id derives from the key). 2. The invoice must
 *   exist (404). 3. The domain checks the amount — in the invoice's currency,
 *   more than nothing, at most the balance not yet disputed — and refuses a
 *   closed invoice (409). 4. The dispute, its pointer, the invoice's `disputed`
 *   (guarded by the invoice's version read) and the audit line are one
 *   transaction; the invoice moved meanwhile → read it again and decide again
 *   (so of two disputes that together exceed the balance one wins, the other is
 *   a 409).
 * Resolve it: 1. The dispute must exist (404) and be open (409). 2. `credit`:
 *   a credit note for the amount (default the whole dispute, at most that)
 *   through issueCreditNote, under a key derived from the dispute's id — a
 *   retry after a crash between the note and step 3 gets the same note back,
 *   never a second one. `reinstate`: refused (409) if a credit note was issued
 *   for the dispute already. 3. The dispute is marked resolved (only if still
 *   open) and its amount taken off the invoice's `disputed`, audited, in one
 *   transaction; a dispute resolved meanwhile is a 409.
 * Promise to pay: 1. The invoice must exist (404) and owe something (409).
 *   2. The date must be a calendar date, today or later (422). 3. Stored on the
 *   invoice with the highest dunning level sent so far (guarded by the version
 *   read; moved → read again), audited. Dunning then waits until the day after.
 */
import { todayIn } from '#domain/dates';
import { checkResolution, disputedOf, promiseToPay, resolvedDispute, undisputedBalance, type DisputeOutcome } from '#domain/disputes';
import { bodyHash } from '#domain/ids';
import type { IsoDate, Money } from '#domain/model';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Disputes } from '../ports.ts';
import { CREDIT_NOTE_KEYS, issueCreditNote, type AdjustInvoiceDeps, type ClientKey } from './adjust-invoice.ts';

export interface DisputeDeps extends AdjustInvoiceDeps {
  readonly disputes: Disputes;
}

export { disputeView, openInvoiceDispute, type OpenDisputeDeps } from './open-dispute.ts';
import { disputeView, invoiceOf, money, onFreshInvoice, shown } from './open-dispute.ts';

/** The Idempotency-Key of the credit note that settles a dispute: one per dispute, however often it is retried. */
const creditKeyOf = (disputeId: string): ClientKey => ({ key: `dispute:${disputeId}`, bodyHash: bodyHash(`dispute:${disputeId}`) });

export async function resolveDispute(input: { disputeId: string; outcome: DisputeOutcome; amount?: Money; reason?: string }, actor: string, deps: DisputeDeps) {
  const dispute = await deps.disputes.get(input.disputeId);
  if (!dispute) throw new NotFoundError(`dispute ${input.disputeId} does not exist`, 'DisputeNotFound');
  const { amount } = checkResolution(dispute, input.outcome, input.amount);
  const key = creditKeyOf(dispute.disputeId);
  let credited: { amount: number; creditNoteNumber?: string } = { amount };
  if (input.outcome === 'credit') {
    // A retry after a crash gets the credit note the first attempt issued (the key is claimed in the note's own transaction).
    const note = await issueCreditNote({ invoiceNumber: dispute.invoiceNumber, amount: money(amount, dispute.currency), reason: input.reason ?? dispute.reason }, actor, deps, key);
    credited = { amount: note.total, creditNoteNumber: note.number };
  } else {
    const issued = await deps.requestKeys.find(CREDIT_NOTE_KEYS, key.key);
    if (issued) throw new ConflictError(`credit note ${String(issued.answer)} was already issued for dispute ${dispute.disputeId}: resolve it as credit`, 'DisputeCredited');
  }
  const now = deps.clock.now();
  const after = resolvedDispute(dispute, { outcome: input.outcome, ...credited, resolvedOn: todayIn(deps.company.timezone, now) });
  const audit = {
    at: now.toISOString(),
    on: after.resolvedOn,
    actor,
    action: 'dispute.resolve',
    entity: `invoice:${dispute.invoiceNumber}`,
    before: { dispute: dispute.disputeId, status: dispute.status, amount: money(dispute.amount, dispute.currency) },
    after: { dispute: dispute.disputeId, status: after.status, amount: money(credited.amount, dispute.currency), ...(credited.creditNoteNumber ? { creditNote: credited.creditNoteNumber } : {}) },
    ...(input.reason ? { reason: input.reason } : {}),
  };
  if ((await deps.disputes.resolve({ before: dispute, after, audit })) === 'resolved') return disputeView(after);
  // Resolved meanwhile: the same credit (a concurrent retry of this request) is this answer; anything else is a conflict.
  const now2 = await deps.disputes.get(dispute.disputeId);
  if (now2 && credited.creditNoteNumber && now2.resolution?.creditNoteNumber === credited.creditNoteNumber) return disputeView(now2);
  throw new ConflictError(`dispute ${dispute.disputeId} on invoice ${dispute.invoiceNumber} was resolved meanwhile (${now2?.status ?? 'unknown'})`, 'DisputeResolved');
}

export async function recordPromiseToPay(input: { invoiceNumber: string; date: IsoDate; reason?: string }, actor: string, deps: DisputeDeps) {
  return onFreshInvoice(input.invoiceNumber, deps, 'the promise was recorded', async (before) => {
    const now = deps.clock.now();
    const after = promiseToPay(before, input.date, todayIn(deps.company.timezone, now));
    const audit = { at: now.toISOString(), on: todayIn(deps.company.timezone, now), actor, action: 'invoice.promise', entity: `invoice:${before.number}`, before: shown(before), after: shown(after), ...(input.reason ? { reason: input.reason } : {}) };
    await deps.disputes.promise(before, { promisedUntil: after.promisedUntil!, promisedAtLevel: after.promisedAtLevel ?? 0 }, audit);
    return { invoiceNumber: after.number, promisedUntil: after.promisedUntil!, balance: money(after.balance, after.currency), undisputed: money(undisputedBalance(after), after.currency) };
  });
}

/** An invoice as finance reads it, with its disputes and promise. */
export async function invoiceWithDisputes(number: string, deps: Pick<DisputeDeps, 'invoices' | 'disputes'>) {
  const invoice = await invoiceOf(number, deps);
  const disputes = await deps.disputes.ofInvoice(number);
  const m = (amount: number) => money(amount, invoice.currency);
  return {
    invoiceNumber: invoice.number,
    customerId: invoice.customerId,
    status: invoice.status,
    currency: invoice.currency,
    issueDate: invoice.issueDate,
    dueDate: invoice.dueDate,
    total: m(invoice.totals.total),
    balance: m(invoice.balance),
    disputed: m(disputedOf(invoice)),
    undisputed: m(undisputedBalance(invoice)),
    ...(invoice.promisedUntil ? { promisedUntil: invoice.promisedUntil } : {}),
    disputes: disputes.map(disputeView),
  };
}
