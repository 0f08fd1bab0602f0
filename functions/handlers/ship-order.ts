/** ship-order (workflow step): record the shipment, tell the customer — use-cases/ship-order. */
import { mailQueue } from '#adapters/mail-queue';
import { repositories } from '#adapters/repositories';
import { ShipTaskInput } from '#platforms/canonical';
import { companyOf, readBindings, systemClock, taskHandler } from '#runtime';
import { shipOrder } from '#use-cases/ship-order';

const env = readBindings('ship-order');
const { orders, customers, catalog } = repositories(env.TABLE_NAME);
export const deps = { orders, customers, catalog, mail: mailQueue(env.MAIL_QUEUE_URL), clock: systemClock, company: companyOf(env), customerEmails: env.CUSTOMER_EMAILS };
export const handler = taskHandler(ShipTaskInput, (input) => shipOrder(input, deps));
