/**
 * One overdue invoice, one level: render the reminder in the customer's
 * language and the level's tone, and queue it (key per invoice and level).
 * It asks for the undisputed part of the balance (and says what is set aside
 * under dispute), where to pay and the invoice's payment reference to quote.
 * An invoice paid, wholly disputed or promised meanwhile, or
 * unknown, gets nothing.
 */
import { undisputedBalance } from '#domain/disputes';
import { reminderTone } from '#domain/dunning';
import { renderMessage } from '#messages';
import { mailTo, paymentInstructions } from './customer-mail.ts';
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
  const owed = undisputedBalance(invoice);
  if (owed <= 0 || (invoice.promisedUntil !== undefined && invoice.promisedUntil >= asOf)) {
    deps.log.info('no reminder: invoice disputed or promised meanwhile', { invoiceNumber });
    return false;
  }
  const customer = await deps.customers.get(invoice.customerId);
  if (!customer) return false;
  const { levels } = deps;
  const message = renderMessage('payment-reminder', customer.language, {
    tone: reminderTone(levels.includes(level) ? level : levels[levels.length - 1]!, levels),
    customerName: customer.name,
    invoiceNumber,
    amount: formatMoney({ amount: owed, currency: invoice.currency }),
    disputed: owed < invoice.balance ? formatMoney({ amount: invoice.balance - owed, currency: invoice.currency }) : null,
    dueDate: invoice.dueDate,
    daysPastDue: daysPastDue(invoice, asOf),
    companyName: deps.company.name,
    payment: paymentInstructions(invoice, deps.company),
  });
  await deps.mail.enqueue(mailTo(customer, `reminder:${invoiceNumber}:${level}`, message));
  return true;
}
