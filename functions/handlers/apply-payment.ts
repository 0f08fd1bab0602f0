/** apply-payment (payments queue): match and post a payment — use-cases/apply-payment. */
import { dynamoBankImports } from '#adapters/bank-imports';
import { dynamoTable } from '#adapters/dynamo';
import { mailQueue } from '#adapters/mail-queue';
import { repositories } from '#adapters/repositories';
import { PaymentMessageSchema } from '#platforms/canonical';
import { businessMetrics, companyOf, deliveryOf, log, matchPolicyOf, readBindings, sqsHandler, systemClock } from '#runtime';
import { applyPayment } from '#use-cases/apply-payment';

const env = readBindings('apply-payment');
const { invoices, payments, payers, disputes, customers, paymentReturns, duplicates } = repositories(env.TABLE_NAME);
// A bank import's credits are counted on it; the last one carries out its returns and emails finance its summary.
const imports = { bankImports: dynamoBankImports(dynamoTable(env.TABLE_NAME)), mail: mailQueue(env.MAIL_QUEUE_URL), financeRecipients: env.FINANCE_RECIPIENTS, paymentReturns };
export const deps = { invoices, payments, payers, disputes, customers, duplicates, clock: systemClock, metrics: businessMetrics, log, company: companyOf(env), series: env.INVOICE_SERIES, matchPolicy: matchPolicyOf(env.CASH_MATCHING), imports };
// The delivery (message id, receive count) holds a bank import's summary lease: its redelivery takes it over at once.
export const handler = sqsHandler(PaymentMessageSchema, async (payment, record) => {
  await applyPayment({ ...payment, delivery: deliveryOf(record) }, deps);
});
