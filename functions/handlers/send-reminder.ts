/** send-reminder (dunning queue): one reminder in the customer's language — use-cases/send-reminder. */
import { mailQueue } from '#adapters/mail-queue';
import { repositories } from '#adapters/repositories';
import { ReminderMessageSchema } from '#platforms/canonical';
import { companyOf, log, readBindings, sqsHandler } from '#runtime';
import { sendReminder } from '#use-cases/send-reminder';

const env = readBindings('send-reminder');
const { invoices, customers } = repositories(env.TABLE_NAME);
export const deps = { invoices, customers, mail: mailQueue(env.MAIL_QUEUE_URL), log, company: companyOf(env), levels: env.DUNNING_LEVELS };
export const handler = sqsHandler(ReminderMessageSchema, async (message) => {
  await sendReminder(message, deps);
});
