/**
 * reject-order: the order cannot go ahead (invalid, out of stock too long, or
 * credit refused). Mark it rejected, put reserved stock back, tell the customer.
 */
import * as z from 'zod/mini';
import { releaseStock } from '#adapters/catalog';
import { getCustomer } from '#adapters/customers';
import { enqueueMail } from '#adapters/mail-queue';
import { requireOrder, transitionOrder } from '#adapters/orders';
import { orderReference, renderMessage } from '#messages';
import { envOr, taskHandler } from '#runtime';

export const TaskInput = z.object({
  orderId: z.string().check(z.minLength(1)),
  validation: z.optional(z.object({ reason: z.optional(z.string()) })),
  credit: z.optional(z.object({ reason: z.optional(z.string()) })),
  review: z.optional(z.object({ note: z.optional(z.string()) })),
});
const companyName = envOr('COMPANY_NAME', 'o2c');

export async function rejectOrder(input: z.infer<typeof TaskInput>): Promise<{ status: string; reason: string }> {
  const reason = input.review ? input.review.note || 'credit refused after review' : (input.validation?.reason ?? input.credit?.reason ?? 'rejected');
  let order = await requireOrder(input.orderId);
  if (order.status !== 'rejected') order = await transitionOrder(order, 'rejected', 'reject', { reason }, reason);
  await releaseStock(order.id);
  const customer = await getCustomer(order.customerId);
  if (customer) {
    const message = renderMessage('order-rejected', customer.language, {
      customerName: customer.name,
      orderReference: orderReference(order),
      reason: order.reason ?? reason,
      companyName,
    });
    await enqueueMail({
      key: `order-rejected:${order.id}`,
      to: [customer.email],
      language: message.language,
      subject: message.subject,
      text: message.text,
    });
  }
  return { status: order.status, reason };
}

export const handler = taskHandler(TaskInput, rejectOrder);
