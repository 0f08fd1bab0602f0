/**
 * The warehouse shipped: record the shipment, let the reserved stock go with
 * it, and tell the customer how to track the parcel (key per order; when the seller has shipments emailed).
 * An order that left in parts (shipments recorded by record-shipment) is complete here: its stock is brought to
 * what shipped and what was cancelled (nothing else moves), and each parcel was mailed when it was reported.
 */
import type { Shipment } from '#domain/model';
import { emails } from '#domain/notifications';
import { transition } from '#domain/order';
import { shipmentsOf, stockTargets } from '#domain/shipments';
import { customerLanguage, formatsFor, orderReference, renderMessage } from '#messages';
import { OrderNotFound } from '../errors.ts';
import { mailTo } from './customer-mail.ts';
import type { Catalog, Clock, Company, Customers, Mail, Orders } from '../ports.ts';

export interface ShipOrderDeps {
  readonly orders: Orders;
  readonly customers: Customers;
  readonly catalog: Catalog;
  readonly mail: Mail;
  readonly clock: Clock;
  readonly company: Company;
  /** Which customer notifications are emailed (`customerEmails`; undefined: all of them). */
  readonly customerEmails?: readonly string[] | undefined;
}

export async function shipOrder({ orderId, shipment }: { orderId: string; shipment: Shipment }, deps: ShipOrderDeps): Promise<{ status: string }> {
  let order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  if (order.status === 'fulfilling') order = await deps.orders.apply(order, transition(order, 'shipped', 'ship', deps.clock.now().toISOString(), { shipment }, `${shipment.carrier} ${shipment.trackingNumber}`));
  if (shipmentsOf(order).length > 0 || order.lineCancellations) {
    await deps.catalog.settleLines(orderId, stockTargets(order));
    return { status: order.status };
  }
  await deps.catalog.ship(orderId);
  const customer = await deps.customers.get(order.customerId);
  if (customer && emails(deps.customerEmails, 'shipment')) {
    const language = customerLanguage(customer, deps.company);
    const message = renderMessage('order-shipped', language, {
      customerName: customer.name,
      orderReference: orderReference(order),
      shippedOn: formatsFor(language).date(shipment.shippedAt.slice(0, 10)),
      carrier: shipment.carrier,
      service: shipment.service,
      trackingNumber: shipment.trackingNumber,
      companyName: deps.company.name,
    });
    await deps.mail.enqueue(mailTo(customer, `order-shipped:${orderId}`, message));
  }
  return { status: order.status };
}
