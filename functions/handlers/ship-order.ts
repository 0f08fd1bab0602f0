/**
 * ship-order: the warehouse shipped. Record the shipment, let the reserved
 * stock go with it, and tell the customer how to track the parcel.
 */
import * as z from 'zod/mini';
import { shipStock } from '#adapters/catalog';
import { getCustomer } from '#adapters/customers';
import { enqueueMail } from '#adapters/mail-queue';
import { requireOrder, transitionOrder } from '#adapters/orders';
import { orderReference, renderMessage } from '#messages';
import { envOr, taskHandler } from '#runtime';

export const TaskInput = z.object({
  orderId: z.string().check(z.minLength(1)),
  shipment: z.object({ carrier: z.string(), service: z.string(), trackingNumber: z.string(), shippedAt: z.string(), cost: z.optional(z.int()) }),
});
const companyName = envOr('COMPANY_NAME', 'o2c');

export async function shipOrder({ orderId, shipment }: z.infer<typeof TaskInput>): Promise<{ status: string }> {
  let order = await requireOrder(orderId);
  if (order.status === 'fulfilling') order = await transitionOrder(order, 'shipped', 'ship', { shipment }, `${shipment.carrier} ${shipment.trackingNumber}`);
  await shipStock(orderId);
  const customer = await getCustomer(order.customerId);
  if (customer) {
    const message = renderMessage('order-shipped', customer.language, {
      customerName: customer.name,
      orderReference: orderReference(order),
      shippedOn: shipment.shippedAt.slice(0, 10),
      carrier: shipment.carrier,
      service: shipment.service,
      trackingNumber: shipment.trackingNumber,
      companyName,
    });
    await enqueueMail({
      key: `order-shipped:${orderId}`,
      to: [customer.email],
      language: message.language,
      subject: message.subject,
      text: message.text,
    });
  }
  return { status: order.status };
}

export const handler = taskHandler(TaskInput, shipOrder);
