/**
 * Finance lists the refunds o2c owes or made.
 * 1. One status: its partition of the by-status index; none: each status's, in turn (never a Scan).
 * 2. Oldest first, money as `{ amount, currency }`, no internal attributes.
 */
import { REFUND_STATUSES, type Refund, type RefundStatus } from '#domain/refunds';
import type { RefundRequests } from '../ports.ts';

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
