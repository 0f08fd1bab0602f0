/** validate-order (workflow step): catalog, prices, stock reservation — use-cases/validate-order. */
import { repositories } from '#adapters/repositories';
import { OrderTaskInput } from '#platforms/canonical';
import { readBindings, systemClock, taskHandler } from '#runtime';
import { validateOrder, type BackorderPolicy } from '#use-cases/validate-order';

const env = readBindings('validate-order');
const { orders, catalog } = repositories(env.TABLE_NAME);
const backorderPolicy: BackorderPolicy = env.BACKORDER_POLICY === 'ship-available' || env.BACKORDER_POLICY === 'reject' ? env.BACKORDER_POLICY : 'wait';
export const deps = { orders, catalog, clock: systemClock, maxBackorderAttempts: env.BACKORDER_MAX_ATTEMPTS, backorderPolicy };
export const handler = taskHandler(OrderTaskInput, (input) => validateOrder(input, deps));
