/**
 * A prepaid order ends without goods (rejected, cancelled before shipment):
 * what it was paid is owed back. Used by reject-order and cancel-order.
 *
 * 1. The order's terminal move and the refund request (domain: its total, the
 *    platform's payment reference, id derived from the order) in one write;
 *    an order on terms moves alone.
 * 2. The refunds queue is told after the write; a step or delivery run again
 *    finds the same refund (same id, created only if absent) and tells the
 *    queue again — refund-payment does each refund once, so that is harmless
 *    and heals a crash between the write and the message.
 */
import type { OrderChange } from '#domain/order';
import { refundOfEndedOrder, type Refund } from '#domain/refunds';
import type { Orders, Outbox, RefundMessage, RefundRequests, StoredOrder } from '../ports.ts';

export interface RequestRefundDeps {
  readonly orders: Orders;
  readonly refundRequests: RefundRequests;
  readonly refundQueue: Outbox<RefundMessage>;
}

/** Writes `change` (the order's end) with the refund the order is owed, if any; returns both. */
export async function endOrder(order: StoredOrder, change: OrderChange, reason: string, at: string, deps: RequestRefundDeps): Promise<{ order: StoredOrder; refund?: Refund }> {
  const refund = refundOfEndedOrder(order, reason, at);
  if (!refund) return { order: await deps.orders.apply(order, change) };
  return { order: await deps.refundRequests.requestWith(order, change, refund), refund };
}

/** For an order that had ended before this run: its refund request, created if an earlier run did not (check-credit's own rejection). */
export async function ensureRefund(order: StoredOrder, reason: string, at: string, deps: RequestRefundDeps): Promise<Refund | undefined> {
  const refund = refundOfEndedOrder(order, reason, at);
  if (refund) await deps.refundRequests.request(refund);
  return refund;
}

export async function queueRefund(refund: Pick<Refund, 'id'> | undefined, deps: RequestRefundDeps): Promise<void> {
  if (refund) await deps.refundQueue.send({ kind: 'refund', refundId: refund.id });
}
