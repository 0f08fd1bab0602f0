/**
 * One overdue invoice, one level: render the reminder in the customer's
 * language and the level's tone, and queue it (key per invoice and level).
 * An invoice paid meanwhile, or unknown, gets nothing.
 */
import { reminderTone } from '#domain/dunning';
import { renderMessage } from '#messages';
import { mailTo } from './customer-mail.ts';
import { daysPastDue } from '#domain/invoice';
import type { IsoDate } from '#domain/model';
import { formatMoney } from '#domain/money';
import type { Company, Customers, Invoices, Log, Mail } from '../ports.ts';

export interface SendReminderDeps {
  readonly invoices: Invoices;
  readonly customers: Customers;
  readonly mail: Mail;
  readonly log: Log;
  readonly company: Company;
  readonly levels: readonly number[];
}

export async function sendReminder({ invoiceNumber, level, asOf }: { invoiceNumber: string; level: number; asOf: IsoDate }, deps: SendReminderDeps): Promise<boolean> {
  const invoice = await deps.invoices.get(invoiceNumber);
  if (!invoice || invoice.balance <= 0) {
    deps.log.info('no reminder: invoice settled or unknown', { invoiceNumber });
    return false;
  }
  const customer = await deps.customers.get(invoice.customerId);
  if (!customer) return false;
  const { levels } = deps;
  const message = renderMessage('payment-reminder', customer.language, {
    tone: reminderTone(levels.includes(level) ? level : levels[levels.length - 1]!, levels),
    customerName: customer.name,
    invoiceNumber,
    amount: formatMoney({ amount: invoice.balance, currency: invoice.currency }),
    dueDate: invoice.dueDate,
    daysPastDue: daysPastDue(invoice, asOf),
    companyName: deps.company.name,
  });
  await deps.mail.enqueue(mailTo(customer, `reminder:${invoiceNumber}:${level}`, message));
  return true;
}
