/** release-stock (workflow failure path, before NotifyFailure): the order's held stock back on the shelf — use-cases/release-stock. */
import { repositories } from '#adapters/repositories';
import { ReleaseStockTaskInput } from '#platforms/canonical';
import { readBindings, systemClock, taskHandler } from '#runtime';
import { releaseStock } from '#use-cases/release-stock';

const env = readBindings('release-stock');
const { orders, catalog, tokens } = repositories(env.TABLE_NAME);
export const deps = { orders, catalog, tokens, clock: systemClock };
export const handler = taskHandler(ReleaseStockTaskInput, (input) => releaseStock(input, deps));
