/** request-credit-review (credit-review queue, task token): keep the token, ask finance — use-cases/request-credit-review. */
import { mailQueue } from '#adapters/mail-queue';
import { repositories } from '#adapters/repositories';
import { WaitMessage } from '#platforms/canonical';
import { companyOf, readBindings, cachedRates, referenceRatesOf, sqsHandler, systemClock } from '#runtime';
import { requestCreditReview } from '#use-cases/request-credit-review';

const env = readBindings('request-credit-review');
const { orders, tokens, customers, payments, invoices, rateStore } = repositories(env.TABLE_NAME);
const referenceRates = referenceRatesOf(env.CREDIT_REFERENCE_RATES);
export const deps = {
  ...{ orders, tokens, customers, payments, invoices, mail: mailQueue(env.MAIL_QUEUE_URL), clock: systemClock, company: companyOf(env) },
  ...{ financeRecipients: env.FINANCE_RECIPIENTS, ...(env.CREDIT_SECOND_APPROVERS ? { secondApprovers: env.CREDIT_SECOND_APPROVERS } : {}), rateStore: cachedRates(rateStore), ...(referenceRates ? { referenceRates } : {}) },
};
export const handler = sqsHandler(WaitMessage, (message) => requestCreditReview(message, deps));
