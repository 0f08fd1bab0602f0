/** reject-order (workflow step): reject, release stock, tell the customer — use-cases/reject-order. */
import { mailQueue } from '#adapters/mail-queue';
import { repositories } from '#adapters/repositories';
import { RejectTaskInput } from '#platforms/canonical';
import { companyOf, readBindings, systemClock, taskHandler } from '#runtime';
import { rejectOrder } from '#use-cases/reject-order';

const env = readBindings('reject-order');
const { orders, customers, catalog } = repositories(env.TABLE_NAME);
export const deps = { orders, customers, catalog, mail: mailQueue(env.MAIL_QUEUE_URL), clock: systemClock, company: companyOf(env) };
export const handler = taskHandler(RejectTaskInput, (input) => rejectOrder(input, deps));
