/**
 * The order cannot go ahead (invalid, out of stock too long — a backorder
 * that gave up —, credit refused, or the warehouse cannot ship it): mark it
 * rejected, put reserved stock back, tell the customer. The reason is the
 * warehouse's failure, else the review's note, else validation's, else the
 * credit check's.
 *
 * 1. Not rejected yet: the move to rejected, with the refund request of a
 *    prepaid order in the same write (request-refund). Rejected already (a
 *    re-run, or check-credit's own rejection): its refund request is created
 *    if it is missing.
 * 2. Release the stock; mail the customer (key per order).
 * 3. A prepaid order's refund goes to the refunds queue (refund-payment).
 */
import { transition } from '#domain/order';
import { orderReference, renderMessage } from '#messages';
import { OrderNotFound } from '../errors.ts';
import { mailTo } from './customer-mail.ts';
import { endOrder, ensureRefund, queueRefund, type RequestRefundDeps } from './request-refund.ts';
import type { ShipOrderDeps } from './ship-order.ts';

/** The ports of ship-order (the order, its customer, the stock and the mail) and the refund request's. */
export type RejectOrderDeps = ShipOrderDeps & RequestRefundDeps;

export interface RejectOrderInput {
  readonly orderId: string;
  readonly validation?: { readonly reason?: string };
  readonly credit?: { readonly reason?: string };
  readonly review?: { readonly note?: string };
  readonly warehouse?: { readonly Error?: string; readonly Cause?: string };
}

/** Why, in words the customer reads (the warehouse's own words stay on the order's timeline, not in the customer's mail). */
export function rejectionReason(input: RejectOrderInput): string {
  if (input.warehouse) return 'it could not be shipped from our warehouse';
  return input.review ? input.review.note || 'credit refused after review' : (input.validation?.reason ?? input.credit?.reason ?? 'rejected');
}

export async function rejectOrder(input: RejectOrderInput, deps: RejectOrderDeps): Promise<{ status: string; reason: string }> {
  const reason = rejectionReason(input);
  let order = await deps.orders.get(input.orderId);
  if (!order) throw new OrderNotFound(input.orderId);
  const at = deps.clock.now().toISOString();
  let refund;
  if (order.status !== 'rejected') ({ order, refund } = await endOrder(order, transition(order, 'rejected', 'reject', at, { reason }, reason), reason, at, deps));
  else refund = await ensureRefund(order, order.reason ?? reason, at, deps);
  await deps.catalog.release(order.id);
  const customer = await deps.customers.get(order.customerId);
  if (customer) {
    const message = renderMessage('order-rejected', customer.language, { customerName: customer.name, orderReference: orderReference(order), reason: order.reason ?? reason, companyName: deps.company.name, refunded: refund !== undefined });
    await deps.mail.enqueue(mailTo(customer, `order-rejected:${order.id}`, message));
  }
  await queueRefund(refund, deps);
  return { status: order.status, reason };
}
