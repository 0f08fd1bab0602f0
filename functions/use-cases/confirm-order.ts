/**
 * Credit is settled (approved, or released from hold by finance): confirm the
 * order and tell the customer.
 * 1. Released from hold → approved; approved → confirmed (each only once).
 * 2. Queue the confirmation (key per order: a re-run emails once).
 */
import { formatMoney } from '#domain/money';
import { transition } from '#domain/order';
import { OrderNotFound } from '../errors.ts';
import type { Clock, Company, Customers, Mail, Orders } from '../ports.ts';

export interface ConfirmOrderDeps {
  readonly orders: Orders;
  readonly customers: Customers;
  readonly mail: Mail;
  readonly clock: Clock;
  readonly company: Company;
}

export async function confirmOrder({ orderId }: { orderId: string }, deps: ConfirmOrderDeps): Promise<{ status: string }> {
  let order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  const at = deps.clock.now().toISOString();
  if (order.status === 'credit_hold') order = await deps.orders.apply(order, transition(order, 'approved', 'credit', at, { reason: 'approved by finance' }, 'released from hold'));
  if (order.status === 'approved') order = await deps.orders.apply(order, transition(order, 'confirmed', 'confirm', at));
  const customer = await deps.customers.get(order.customerId);
  if (customer) {
    const currency = order.currency;
    const money = (amount: number) => formatMoney({ amount, currency });
    const reference = order.source.reference ?? orderId;
    await deps.mail.enqueue({
      key: `order-confirmed:${orderId}`,
      to: [customer.email],
      language: customer.language,
      subject: `Order confirmed: ${reference}`,
      text: [
        `Dear ${customer.name},`,
        '',
        `thank you for your order ${reference}. We have confirmed it and will let you know when it ships.`,
        '',
        ...order.lines.map((l) => `  ${l.quantity} × ${l.description} (${l.sku})  ${money(l.quantity * l.unitPrice - l.discount)}`),
        '',
        `Total ${money(order.totals.total)} (including tax ${money(order.totals.tax)})`,
        '',
        deps.company.name,
      ].join('\n'),
    });
  }
  return { status: order.status };
}
