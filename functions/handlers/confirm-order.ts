/** confirm-order (workflow step): confirm and tell the customer — use-cases/confirm-order. */
import { mailQueue } from '#adapters/mail-queue';
import { repositories } from '#adapters/repositories';
import { OrderTaskInput } from '#platforms/canonical';
import { companyOf, readBindings, systemClock, taskHandler } from '#runtime';
import { confirmOrder } from '#use-cases/confirm-order';

const env = readBindings('confirm-order');
const { orders, customers } = repositories(env.TABLE_NAME);
export const deps = { orders, customers, mail: mailQueue(env.MAIL_QUEUE_URL), clock: systemClock, company: companyOf(env), customerEmails: env.CUSTOMER_EMAILS };
export const handler = taskHandler(OrderTaskInput, (input) => confirmOrder(input, deps));
