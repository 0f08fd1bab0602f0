/** apply-payment (payments queue): match and post a payment — use-cases/apply-payment. */
import { repositories } from '#adapters/repositories';
import { PaymentMessageSchema } from '#platforms/canonical';
import { businessMetrics, companyOf, log, matchPolicyOf, readBindings, sqsHandler, systemClock } from '#runtime';
import { applyPayment } from '#use-cases/apply-payment';

const env = readBindings('apply-payment');
const { invoices, payments, payers, disputes, customers } = repositories(env.TABLE_NAME);
export const deps = { invoices, payments, payers, disputes, customers, clock: systemClock, metrics: businessMetrics, log, company: companyOf(env), series: env.INVOICE_SERIES, matchPolicy: matchPolicyOf(env.CASH_MATCHING) };
export const handler = sqsHandler(PaymentMessageSchema, async (payment) => {
  await applyPayment(payment, deps);
});
