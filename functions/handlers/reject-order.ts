/** reject-order (workflow step): reject, release stock, tell the customer — use-cases/reject-order. */
import { mailQueue } from '#adapters/mail-queue';
import { sqsOutbox } from '#adapters/queue';
import { repositories } from '#adapters/repositories';
import { RejectTaskInput } from '#platforms/canonical';
import { companyOf, readBindings, systemClock, taskHandler } from '#runtime';
import { rejectOrder } from '#use-cases/reject-order';
import type { RefundMessage } from '#ports';

const env = readBindings('reject-order');
const { orders, customers, catalog, refundRequests } = repositories(env.TABLE_NAME);
export const deps = { orders, customers, catalog, refundRequests, refundQueue: sqsOutbox<RefundMessage>(env.REFUNDS_QUEUE_URL), mail: mailQueue(env.MAIL_QUEUE_URL), clock: systemClock, company: companyOf(env), customerEmails: env.CUSTOMER_EMAILS };
export const handler = taskHandler(RejectTaskInput, (input) => rejectOrder(input, deps));
