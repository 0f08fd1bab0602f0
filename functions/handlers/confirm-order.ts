/**
 * confirm-order: credit is settled (approved, or released from hold by
 * finance); the order is confirmed and the customer told.
 */
import * as z from 'zod/mini';
import { OrderTaskInput } from '#platforms/canonical';
import { formatMoney } from '#domain/money';
import { orderReference, renderMessage } from '#messages';
import { getCustomer } from '#adapters/customers';
import { enqueueMail } from '#adapters/mail-queue';
import { requireOrder, transitionOrder } from '#adapters/orders';
import { envOr, taskHandler } from '#runtime';

export const TaskInput = OrderTaskInput;
const companyName = envOr('COMPANY_NAME', 'o2c');

export async function confirmOrder({ orderId }: z.infer<typeof TaskInput>): Promise<{ status: string }> {
  let order = await requireOrder(orderId);
  if (order.status === 'credit_hold') order = await transitionOrder(order, 'approved', 'credit', { reason: 'approved by finance' }, 'released from hold');
  if (order.status === 'approved') order = await transitionOrder(order, 'confirmed', 'confirm');
  const customer = await getCustomer(order.customerId);
  if (customer) {
    const money = (amount: number) => formatMoney({ amount, currency: order.currency });
    const message = renderMessage('order-confirmed', customer.language, {
      customerName: customer.name,
      orderReference: orderReference(order),
      lines: order.lines.map((l) => ({ quantity: l.quantity, description: l.description, sku: l.sku, amount: money(l.quantity * l.unitPrice - l.discount) })),
      total: money(order.totals.total),
      tax: money(order.totals.tax),
      companyName,
    });
    await enqueueMail({
      key: `order-confirmed:${orderId}`,
      to: [customer.email],
      language: message.language,
      subject: message.subject,
      text: message.text,
    });
  }
  return { status: order.status };
}

export const handler = taskHandler(TaskInput, confirmOrder);
