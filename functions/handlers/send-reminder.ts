/**
 * send-reminder: one overdue invoice, one level. Render the reminder in the
 * customer's language and tone for the level, and queue it (key per invoice
 * and level). An invoice paid meanwhile gets nothing.
 */
import * as z from 'zod/mini';
import { daysPastDue } from '#domain/invoice';
import { reminderTone } from '#domain/dunning';
import { formatMoney } from '#domain/money';
import { getCustomer } from '#adapters/customers';
import { getInvoice } from '#adapters/invoices';
import { enqueueMail } from '#adapters/mail-queue';
import { renderMessage } from '#messages';
import { envOr, logger, sqsHandler } from '#runtime';
import { IsoDateSchema } from '#platforms/canonical';

export const ReminderMessage = z.object({ invoiceNumber: z.string().check(z.minLength(1)), level: z.int().check(z.gte(1)), asOf: IsoDateSchema });

const levels = envOr('DUNNING_LEVELS', '1,7,14,30').split(',').map(Number);
const companyName = envOr('COMPANY_NAME', 'o2c');

export async function sendReminder({ invoiceNumber, level, asOf }: z.infer<typeof ReminderMessage>): Promise<boolean> {
  const invoice = await getInvoice(invoiceNumber);
  if (!invoice || invoice.balance <= 0) {
    logger.info('no reminder: invoice settled or unknown', { invoiceNumber });
    return false;
  }
  const customer = await getCustomer(invoice.customerId);
  if (!customer) return false;
  const text = renderMessage('payment-reminder', customer.language, {
    tone: reminderTone(levels.includes(level) ? level : levels[levels.length - 1]!, levels),
    customerName: customer.name,
    invoiceNumber,
    amount: formatMoney({ amount: invoice.balance, currency: invoice.currency }),
    dueDate: invoice.dueDate,
    daysPastDue: daysPastDue(invoice, asOf),
    companyName,
  });
  await enqueueMail({ key: `reminder:${invoiceNumber}:${level}`, to: [customer.email], language: text.language, subject: text.subject, text: text.text });
  return true;
}

export const handler = sqsHandler(ReminderMessage, async (m) => {
  await sendReminder(m);
});
