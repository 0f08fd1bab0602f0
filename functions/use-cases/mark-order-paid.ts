/**
 * A platform says an order o2c already has is paid.
 *
 * 1. Not invoiced yet (and still going ahead): it becomes prepaid, so it skips
 *    the credit check and is invoiced as paid.
 * 2. Invoiced: the money is a payment against its invoice (queued like any
 *    other, keyed by the platform's order id, so a redelivery applies once).
 * An order already prepaid, or that ended without goods, changes nothing.
 */
import type { Platform } from '#domain/model';
import { amendOrder, isTerminal } from '#domain/order';
import type { Clock, Orders, Outbox, PaymentMessage } from '../ports.ts';
import { receivePayment } from './receive-payment.ts';

export interface MarkPaidDeps {
  readonly orders: Orders;
  readonly paymentQueue: Outbox<PaymentMessage>;
  readonly clock: Clock;
}

export async function markOrderPaid(
  input: { orderId: string; platform: Platform; externalId: string; amount: number; currency: string },
  deps: MarkPaidDeps,
): Promise<'payment' | 'prepaid' | 'unchanged'> {
  const order = await deps.orders.get(input.orderId);
  if (!order || order.paymentMode === 'prepaid') return 'unchanged';
  const now = deps.clock.now().toISOString();
  if (order.invoiceNumber) {
    await receivePayment(
      { source: input.platform, externalId: `${input.externalId}:paid`, amount: input.amount, currency: input.currency, receivedOn: now.slice(0, 10), remittance: order.invoiceNumber },
      deps,
    );
    return 'payment';
  }
  if (isTerminal(order.status)) return 'unchanged';
  await deps.orders.apply(order, amendOrder({ paymentMode: 'prepaid' }, { at: now, step: 'paid', detail: `paid on ${input.platform}` }));
  return 'prepaid';
}
