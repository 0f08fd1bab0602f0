/** refund-payment (refunds queue): pay back what o2c owes, through Stripe or as owed; credit cancelled invoices — use-cases/refund-payment. */
import { mailQueue } from '#adapters/mail-queue';
import { sqsOutbox } from '#adapters/queue';
import { repositories } from '#adapters/repositories';
import { stripeRefunds, stripeSecretKey } from '#adapters/stripe-refunds';
import { RefundMessageSchema } from '#platforms/canonical';
import { companyOf, log, readBindings, sqsHandler, systemClock } from '#runtime';
import { refundPayment } from '#use-cases/refund-payment';
import type { DocumentMail } from '#ports';

const env = readBindings('refund-payment');
const { orders, customers, invoices, requestKeys, refundRequests } = repositories(env.TABLE_NAME);
const key = () => stripeSecretKey({ local: env.O2C_STRIPE_SECRET_KEY, secretArn: env.STRIPE_SECRET_ARN });
export const deps = {
  orders,
  customers,
  invoices,
  requestKeys,
  refundRequests,
  paymentRefunds: stripeRefunds({ apiUrl: env.STRIPE_API_URL, key }),
  renderQueue: sqsOutbox<DocumentMail>(env.DOCUMENTS_QUEUE_URL),
  mail: mailQueue(env.MAIL_QUEUE_URL),
  clock: systemClock,
  company: companyOf(env),
  creditNoteSeries: env.CREDIT_NOTE_SERIES,
  financeRecipients: env.FINANCE_RECIPIENTS,
  customerEmails: env.CUSTOMER_EMAILS,
  log,
};
export const handler = sqsHandler(RefundMessageSchema, async (message) => {
  await refundPayment(message, deps);
});
