/**
 * The order cannot go ahead (invalid, out of stock too long, or credit
 * refused): mark it rejected, put reserved stock back, tell the customer.
 * The reason is the review's note, else validation's, else the credit check's.
 */
import { transition } from '#domain/order';
import { orderReference, renderMessage } from '#messages';
import { OrderNotFound } from '../errors.ts';
import { mailTo } from './customer-mail.ts';
import type { ShipOrderDeps } from './ship-order.ts';

/** The same ports as ship-order: the order, its customer, the stock and the mail. */
export type RejectOrderDeps = ShipOrderDeps;

export interface RejectOrderInput {
  readonly orderId: string;
  readonly validation?: { readonly reason?: string };
  readonly credit?: { readonly reason?: string };
  readonly review?: { readonly note?: string };
}

export function rejectionReason(input: RejectOrderInput): string {
  return input.review ? input.review.note || 'credit refused after review' : (input.validation?.reason ?? input.credit?.reason ?? 'rejected');
}

export async function rejectOrder(input: RejectOrderInput, deps: RejectOrderDeps): Promise<{ status: string; reason: string }> {
  const reason = rejectionReason(input);
  let order = await deps.orders.get(input.orderId);
  if (!order) throw new OrderNotFound(input.orderId);
  if (order.status !== 'rejected') order = await deps.orders.apply(order, transition(order, 'rejected', 'reject', deps.clock.now().toISOString(), { reason }, reason));
  await deps.catalog.release(order.id);
  const customer = await deps.customers.get(order.customerId);
  if (customer) {
    const message = renderMessage('order-rejected', customer.language, { customerName: customer.name, orderReference: orderReference(order), reason: order.reason ?? reason, companyName: deps.company.name });
    await deps.mail.enqueue(mailTo(customer, `order-rejected:${order.id}`, message));
  }
  return { status: order.status, reason };
}
