/** request-credit-review (credit-review queue, task token): keep the token, ask finance — use-cases/request-credit-review. */
import { mailQueue } from '#adapters/mail-queue';
import { repositories } from '#adapters/repositories';
import { WaitMessage } from '#platforms/canonical';
import { readBindings, sqsHandler, systemClock } from '#runtime';
import { requestCreditReview } from '#use-cases/request-credit-review';

const env = readBindings('request-credit-review');
const { orders, tokens, customers } = repositories(env.TABLE_NAME);
export const deps = { orders, tokens, customers, mail: mailQueue(env.MAIL_QUEUE_URL), clock: systemClock, financeRecipients: env.FINANCE_RECIPIENTS };
export const handler = sqsHandler(WaitMessage, (message) => requestCreditReview(message, deps));
