/**
 * A platform cancelled an order.
 *
 * 1. An order o2c has not seen yet is recorded as a cancelled order (with its
 *    customer), so a late `create` finds it and does nothing.
 * 2. Before shipment (the state machine allows `cancelled`): stop the order's
 *    workflow, move it to cancelled, put its reserved stock back.
 * 3. After shipment: keep the request on the order for a credit note.
 * A repeated cancellation changes nothing.
 */
import type { Platform } from '#domain/model';
import { amendOrder, isCancellable, transition } from '#domain/order';
import type { Catalog, Clock, Company, OrderDraft, Orders, Workflow } from '../ports.ts';
import { customerFromDraft, orderFromDraft } from './accept-order.ts';

export interface CancelOrderDeps {
  readonly orders: Orders;
  readonly catalog: Catalog;
  readonly workflow: Workflow;
  readonly company: Company;
  readonly newCustomerCreditLimits: Readonly<Record<string, number>>;
  readonly clock: Clock;
}

export type CancelOutcome = 'recorded-cancelled' | 'already-cancelled' | 'cancelled' | 'credit-note-requested';

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
  if (order.status === 'cancelled') return { orderId, outcome: 'already-cancelled' };
  const at = deps.clock.now().toISOString();
  if (isCancellable(order.status)) {
    await deps.workflow.stop(orderId, input.reason);
    await deps.orders.apply(order, transition(order, 'cancelled', 'cancel', at, { reason: input.reason }, input.reason));
    await deps.catalog.release(orderId);
    return { orderId, outcome: 'cancelled' };
  }
  if (order.creditNoteRequested) return { orderId, outcome: 'credit-note-requested' }; // asked before: a redelivery writes nothing
  await deps.orders.apply(order, amendOrder({ cancellationRequested: input.reason, creditNoteRequested: true }, { at, step: 'cancel-after-shipment', detail: `${input.reason}: credit note needed` }));
  return { orderId, outcome: 'credit-note-requested' };
}
