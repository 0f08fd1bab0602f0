/**
 * confirm-order: credit is settled (approved, or released from hold by
 * finance); the order is confirmed and the customer told.
 */
import * as z from 'zod/mini';
import { OrderTaskInput } from '#platforms/canonical';
import { formatMoney } from '#domain/money';
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
    await enqueueMail({
      key: `order-confirmed:${orderId}`,
      to: [customer.email],
      language: customer.language,
      subject: `Order confirmed: ${order.source.reference ?? orderId}`,
      text: [
        `Dear ${customer.name},`,
        '',
        `thank you for your order ${order.source.reference ?? orderId}. We have confirmed it and will let you know when it ships.`,
        '',
        ...order.lines.map((l) => `  ${l.quantity} × ${l.description} (${l.sku})  ${money(l.quantity * l.unitPrice - l.discount)}`),
        '',
        `Total ${money(order.totals.total)} (including tax ${money(order.totals.tax)})`,
        '',
        companyName,
      ].join('\n'),
    });
  }
  return { status: order.status };
}

export const handler = taskHandler(TaskInput, confirmOrder);
