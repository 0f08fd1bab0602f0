/**
 * A platform cancelled an order.
 *
 * 1. An order o2c has not seen yet is recorded as a cancelled order (with its
 *    customer), so a late `create` finds it and does nothing. o2c took no part
 *    in its payment, so it owes no refund for it.
 * 2. Before shipment (the state machine allows `cancelled`): stop the order's
 *    workflow, move it to cancelled — with the refund request of a prepaid
 *    order in the same write (request-refund) —, put its reserved stock back,
 *    and queue the refund.
 * 3. After shipment and invoiced: flag the order (once) and queue it for
 *    refund-payment, which issues the credit note for all that is left to
 *    credit (issueCreditNote, keyed by the order: one note however often the
 *    cancellation comes) and refunds the customer credit a paid invoice is left with.
 *    Issuing it there keeps pdf-lib and the credit note's work out of the
 *    webhook's answer; the flag is written first, so the message can always be
 *    sent again.
 * 4. Shipped but not invoiced yet: the flag only. The invoice is the
 *    workflow's very next step and the credit note must name it; issue-invoice
 *    sees the flag (`creditNoteRequested`) and hands the order to
 *    refund-payment once the invoice exists, which credits it as in 3.
 * A repeated cancellation writes nothing new; it queues again what an
 * earlier one may not have got to (the consumer does each thing once).
 */
import { refundId } from '#domain/ids';
import type { Platform } from '#domain/model';
import { amendOrder, isCancellable, transition } from '#domain/order';
import type { Catalog, Clock, Company, OrderDraft, Workflow } from '../ports.ts';
import { customerFromDraft, orderFromDraft } from './accept-order.ts';
import { endOrder, queueRefund, type RequestRefundDeps } from './request-refund.ts';

export interface CancelOrderDeps extends RequestRefundDeps {
  readonly catalog: Catalog;
  readonly workflow: Workflow;
  readonly company: Company;
  readonly newCustomerCreditLimits: Readonly<Record<string, number>>;
  readonly clock: Clock;
}

export type CancelOutcome = 'recorded-cancelled' | 'already-cancelled' | 'cancelled' | 'credit-note-requested' | 'credit-note-queued';

export async function cancelOrder(input: { draft: OrderDraft; platform: Platform; reason: string; receivedAt: string }, deps: CancelOrderDeps): Promise<{ orderId: string; outcome: CancelOutcome }> {
  const draftOrder = orderFromDraft(input.draft, input.platform, input.receivedAt, 'cancelled', deps.company);
  const orderId = draftOrder.id;
  let order = await deps.orders.get(orderId);
  if (!order) {
    const created = await deps.orders.create(draftOrder, customerFromDraft(input.draft, input.receivedAt, deps.company, deps.newCustomerCreditLimits));
    if (created.created) return { orderId, outcome: 'recorded-cancelled' };
    order = await deps.orders.get(orderId);
    if (!order) return { orderId, outcome: 'recorded-cancelled' };
  }
  if (order.status === 'cancelled') {
    // Cancelled by an earlier delivery: its refund, if it has one still to do, is queued again.
    const refund = await deps.refundRequests.get(refundId(orderId));
    if (refund?.status === 'requested') await queueRefund(refund, deps);
    return { orderId, outcome: 'already-cancelled' };
  }
  const at = deps.clock.now().toISOString();
  if (isCancellable(order.status)) {
    await deps.workflow.stop(orderId, input.reason);
    const { refund } = await endOrder(order, transition(order, 'cancelled', 'cancel', at, { reason: input.reason }, input.reason), input.reason, at, deps);
    await deps.catalog.release(orderId);
    await queueRefund(refund, deps);
    return { orderId, outcome: 'cancelled' };
  }
  if (!order.creditNoteRequested) {
    const detail = order.invoiceNumber ? `${input.reason}: credit note for invoice ${order.invoiceNumber}` : `${input.reason}: credit note needed`;
    order = await deps.orders.apply(order, amendOrder({ cancellationRequested: input.reason, creditNoteRequested: true }, { at, step: 'cancel-after-shipment', detail }));
  }
  if (!order.invoiceNumber) return { orderId, outcome: 'credit-note-requested' };
  await deps.refundQueue.send({ kind: 'cancelled-after-invoice', orderId });
  return { orderId, outcome: 'credit-note-queued' };
}
