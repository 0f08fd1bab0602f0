/**
 * Credit is settled (approved, or released from hold by finance): confirm the
 * order and tell the customer.
 * 1. Released from hold → approved (counted as finance's manual action
 *    `credit-review.approve` in the same write); approved → confirmed (each only once).
 * 2. Queue the confirmation (key per order: a re-run emails once), when the seller has confirmations emailed.
 * 3. Units on backorder (backorderPolicy "ship-available"): the customer is also told what ships now and what
 *    follows, and that they can have the rest cancelled (key per order).
 */
import { todayIn } from '#domain/dates';
import { METRIC } from '#domain/figures';
import { emails } from '#domain/notifications';
import { counting, transition } from '#domain/order';
import { customerLanguage, formatsFor, orderReference, renderMessage } from '#messages';
import { OrderNotFound } from '../errors.ts';
import { mailTo } from './customer-mail.ts';
import type { Clock, Company, Customers, Mail, Orders } from '../ports.ts';

export interface ConfirmOrderDeps {
  readonly orders: Orders;
  readonly customers: Customers;
  readonly mail: Mail;
  readonly clock: Clock;
  readonly company: Company;
  /** Which customer notifications are emailed (`customerEmails`; undefined: all of them). */
  readonly customerEmails?: readonly string[] | undefined;
}

export async function confirmOrder({ orderId }: { orderId: string }, deps: ConfirmOrderDeps): Promise<{ status: string }> {
  let order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  const at = deps.clock.now().toISOString();
  if (order.status === 'credit_hold') {
    const released = transition(order, 'approved', 'credit', at, { reason: 'approved by finance' }, 'released from hold');
    order = await deps.orders.apply(order, counting(released, todayIn(deps.company.timezone, deps.clock.now()), { [METRIC.manualAction('credit-review.approve')]: 1 }));
  }
  if (order.status === 'approved') order = await deps.orders.apply(order, transition(order, 'confirmed', 'confirm', at));
  const customer = await deps.customers.get(order.customerId);
  if (customer && emails(deps.customerEmails, 'confirmation')) {
    const language = customerLanguage(customer, deps.company);
    const money = (amount: number) => formatsFor(language).money({ amount, currency: order.currency });
    const message = renderMessage('order-confirmed', language, {
      customerName: customer.name,
      orderReference: orderReference(order),
      lines: order.lines.map((l) => ({ quantity: l.quantity, description: l.description, sku: l.sku, amount: money(l.quantity * l.unitPrice - l.discount) })),
      total: money(order.totals.total),
      tax: money(order.totals.tax),
      companyName: deps.company.name,
    });
    await deps.mail.enqueue(mailTo(customer, `order-confirmed:${orderId}`, message));
  }
  if (customer && emails(deps.customerEmails, 'backorder')) {
    const backorders = order.backorders ?? {};
    if (Object.keys(backorders).length > 0) {
      const lines = new Map<string, { quantity: number; description: string }>();
      for (const l of order.lines) lines.set(l.sku, { quantity: (lines.get(l.sku)?.quantity ?? 0) + l.quantity, description: l.description });
      const split = [...lines].map(([sku, l]) => ({ ...l, later: Math.min(l.quantity, backorders[sku] ?? 0) }));
      const notice = renderMessage('order-backordered', customer.language, {
        customerName: customer.name,
        orderReference: orderReference(order),
        shipsNow: split.filter((l) => l.quantity > l.later).map((l) => ({ quantity: l.quantity - l.later, description: l.description })),
        later: split.filter((l) => l.later > 0).map((l) => ({ quantity: l.later, description: l.description })),
        companyName: deps.company.name,
      });
      await deps.mail.enqueue(mailTo(customer, `order-backordered:${orderId}`, notice));
    }
  }
  return { status: order.status };
}
