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
import type { Language } from '#domain/model';
import { orderReference, renderMessage } from '#messages';
import { creditRefusalText } from '#messages/credit-reasons';
import type { CreditRefusalReason } from './decide-credit.ts';
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
  /** Finance's decision: `reason` is what the customer is told, `note` stays on the timeline. */
  readonly review?: { readonly note?: string; readonly reason?: CreditRefusalReason };
  /** The credit review (and the second approver's, when configured) timed out undecided. */
  readonly reviewExpired?: unknown;
  readonly warehouse?: { readonly Error?: string; readonly Cause?: string };
}

/** Why, for the order's timeline (the warehouse's own words stay there too, not in the customer's mail). */
export function rejectionReason(input: RejectOrderInput): string {
  if (input.warehouse) return 'it could not be shipped from our warehouse';
  if (input.reviewExpired !== undefined) return 'credit review not decided in time';
  if (input.review) return `credit refused after review${input.review.reason ? ` (${input.review.reason})` : ''}${input.review.note ? `: ${input.review.note}` : ''}`;
  return input.validation?.reason ?? input.credit?.reason ?? 'rejected';
}

/** Why, in the customer's language, when credit was refused by a person or by the review's timeout (else undefined). */
function creditRefusalFor(input: RejectOrderInput, language: Language): string | undefined {
  if (input.warehouse) return undefined;
  if (input.reviewExpired !== undefined) return creditRefusalText('review-expired', language);
  if (input.review) return creditRefusalText(input.review.reason ?? 'refused', language);
  return undefined;
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
    const told = creditRefusalFor(input, customer.language) ?? order.reason ?? reason;
    const message = renderMessage('order-rejected', customer.language, { customerName: customer.name, orderReference: orderReference(order), reason: told, companyName: deps.company.name, refunded: refund !== undefined });
    await deps.mail.enqueue(mailTo(customer, `order-rejected:${order.id}`, message));
  }
  await queueRefund(refund, deps);
  return { status: order.status, reason };
}
