/** send-reminder (dunning queue): one letter per customer and run, in the customer's language — use-cases/send-reminder. */
import { mailQueue } from '#adapters/mail-queue';
import { sqsOutbox } from '#adapters/queue';
import { repositories } from '#adapters/repositories';
import { stripePaymentLinks } from '#adapters/stripe-payment-links';
import { stripeSecretKey } from '#adapters/stripe-key';
import { ReminderMessageSchema } from '#platforms/canonical';
import { companyOf, dunningPolicyOf, log, readBindings, sqsHandler } from '#runtime';
import { sendReminder } from '#use-cases/send-reminder';
import type { DocumentMail } from '#ports';

const env = readBindings('send-reminder');
const { invoices, customers, payments, disputes, refundRequests } = repositories(env.TABLE_NAME);
export const deps = {
  invoices,
  customers,
  payments,
  disputes,
  refundRequests,
  renderQueue: sqsOutbox<DocumentMail>(env.DOCUMENTS_QUEUE_URL),
  mail: mailQueue(env.MAIL_QUEUE_URL),
  log,
  company: companyOf(env),
  policy: dunningPolicyOf(env.DUNNING_POLICY),
  ...(env.COLLECTIONS_AGENCY_ADDRESS ? { agencyAddress: env.COLLECTIONS_AGENCY_ADDRESS } : {}),
  ...(env.DUNNING_PAYMENT_LINKS === 'stripe' ? { paymentLinks: stripePaymentLinks({ apiUrl: env.STRIPE_API_URL, key: () => stripeSecretKey({ local: env.O2C_STRIPE_SECRET_KEY, secretArn: env.STRIPE_SECRET_ARN }) }) } : {}),
};
export const handler = sqsHandler(ReminderMessageSchema, async (message) => {
  await sendReminder(message, deps);
});
