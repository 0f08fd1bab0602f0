/** check-credit (workflow step): approve, hold or reject on credit — use-cases/check-credit. */
import { repositories } from '#adapters/repositories';
import { OrderTaskInput } from '#platforms/canonical';
import { businessMetrics, companyOf, readBindings, cachedRates, referenceRatesOf, systemClock, taskHandler } from '#runtime';
import { checkCredit } from '#use-cases/check-credit';

const env = readBindings('check-credit');
const { orders, customers, payments, rateStore } = repositories(env.TABLE_NAME);
const referenceRates = referenceRatesOf(env.CREDIT_REFERENCE_RATES);
export const deps = { orders, customers, payments, clock: systemClock, metrics: businessMetrics, company: companyOf(env), rateStore: cachedRates(rateStore), ...(referenceRates ? { referenceRates } : {}) };
export const handler = taskHandler(OrderTaskInput, (input) => checkCredit(input, deps));
