/**
 * Finance lists the refunds o2c owes or made.
 * 1. One status: its partition of the by-status index; none: each status's, in turn (never a Scan).
 * 2. Oldest first, money as `{ amount, currency }`, no internal attributes.
 */
import { todayIn } from '#domain/dates';
import { REFUND_STATUSES, refundEntry, refundPaidByHand, type Refund, type RefundStatus } from '#domain/refunds';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Clock, Company, RefundRequests } from '../ports.ts';

export const refundView = (r: Refund) => ({
  refundId: r.id,
  orderId: r.orderId,
  orderReference: r.orderReference,
  customerId: r.customerId,
  platform: r.platform,
  amount: { amount: r.amount, currency: r.currency },
  status: r.status,
  cause: r.cause,
  reason: r.reason,
  ...(r.invoiceNumber ? { invoiceNumber: r.invoiceNumber } : {}),
  ...(r.creditNoteNumber ? { creditNoteNumber: r.creditNoteNumber } : {}),
  ...(r.paymentReference ? { paymentReference: r.paymentReference } : {}),
  requestedAt: r.requestedAt,
  ...(r.settledAt ? { settledAt: r.settledAt } : {}),
  ...(r.platformRefundId ? { platformRefundId: r.platformRefundId } : {}),
  ...(r.note ? { note: r.note } : {}),
});

export async function listRefunds(input: { status?: RefundStatus | undefined }, deps: { readonly refundRequests: RefundRequests }) {
  const statuses = input.status ? [input.status] : REFUND_STATUSES;
  const found = (await Promise.all(statuses.map((s) => deps.refundRequests.withStatus(s)))).flat();
  found.sort((a, b) => a.requestedAt.localeCompare(b.requestedAt) || a.id.localeCompare(b.id));
  return { ...(input.status ? { status: input.status } : {}), refunds: found.map(refundView) };
}

/**
 * Finance paid back by hand a refund o2c could not make (owed on another platform, or refused by it).
 * 1. The refund must exist (404) and be `owed` or `failed` (409 otherwise, with why).
 * 2. It becomes `refunded` with finance's payment reference, its posting (customer credit paid out:
 *    Dr customer credit / Cr cash; a refund of an order never invoiced posts nothing) and the audit
 *    line in one write, only from the status read: of two at once, one wins and the other is a 409.
 */
export async function markRefundPaid(input: { refundId: string; reference: string; reason?: string | undefined }, actor: string, deps: { readonly refundRequests: RefundRequests; readonly clock: Clock; readonly company: Pick<Company, 'timezone'> }) {
  const refund = await deps.refundRequests.get(input.refundId);
  if (!refund) throw new NotFoundError(`refund ${input.refundId} does not exist`, 'RefundNotFound');
  const now = deps.clock.now();
  const after = refundPaidByHand(refund, input.reference, now.toISOString());
  const entry = refundEntry(after, `refund-${after.id}`, todayIn(deps.company.timezone, now));
  const money = { amount: refund.amount, currency: refund.currency };
  const audit = { at: now.toISOString(), on: todayIn(deps.company.timezone, now), actor, action: 'refund.paid-by-hand', entity: `refund:${refund.id}`, before: { status: refund.status, amount: money }, after: { status: after.status, reference: input.reference }, ...(input.reason ? { reason: input.reason } : {}) };
  if (!(await deps.refundRequests.settle(refund, after, entry, audit))) throw new ConflictError(`refund ${refund.id} changed meanwhile (another action settled it); nothing was written`, 'RefundSettled');
  return refundView(after);
}
