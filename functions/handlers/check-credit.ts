/** check-credit (workflow step): approve, hold or reject on credit — use-cases/check-credit. */
import { repositories } from '#adapters/repositories';
import { OrderTaskInput } from '#platforms/canonical';
import { businessMetrics, readBindings, systemClock, taskHandler } from '#runtime';
import { checkCredit } from '#use-cases/check-credit';

const env = readBindings('check-credit');
const { orders, customers } = repositories(env.TABLE_NAME);
export const deps = { orders, customers, clock: systemClock, metrics: businessMetrics };
export const handler = taskHandler(OrderTaskInput, (input) => checkCredit(input, deps));
