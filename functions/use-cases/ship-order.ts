/**
 * The warehouse shipped: record the shipment, let the reserved stock go with
 * it, and tell the customer how to track the parcel (key per order).
 */
import type { Shipment } from '#domain/model';
import { transition } from '#domain/order';
import { OrderNotFound } from '../errors.ts';
import type { Catalog, Clock, Company, Customers, Mail, Orders } from '../ports.ts';

export interface ShipOrderDeps {
  readonly orders: Orders;
  readonly customers: Customers;
  readonly catalog: Catalog;
  readonly mail: Mail;
  readonly clock: Clock;
  readonly company: Company;
}

export async function shipOrder({ orderId, shipment }: { orderId: string; shipment: Shipment }, deps: ShipOrderDeps): Promise<{ status: string }> {
  let order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  if (order.status === 'fulfilling') order = await deps.orders.apply(order, transition(order, 'shipped', 'ship', deps.clock.now().toISOString(), { shipment }, `${shipment.carrier} ${shipment.trackingNumber}`));
  await deps.catalog.ship(orderId);
  const customer = await deps.customers.get(order.customerId);
  if (customer) {
    const reference = order.source.reference ?? orderId;
    await deps.mail.enqueue({
      key: `order-shipped:${orderId}`,
      to: [customer.email],
      language: customer.language,
      subject: `Your order ${reference} has shipped`,
      text: `Dear ${customer.name},\n\nyour order ${reference} left our warehouse on ${shipment.shippedAt.slice(0, 10)} with ${shipment.carrier} (${shipment.service}).\nTracking number: ${shipment.trackingNumber}\n\n${deps.company.name}`,
    });
  }
  return { status: order.status };
}
