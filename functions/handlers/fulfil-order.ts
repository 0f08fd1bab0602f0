/** fulfil-order (fulfilment queue, task token): carrier choice, hand-off to the warehouse (event + webhook queue) — use-cases/fulfil-order. */
import { eventBus } from '#adapters/events';
import { sqsOutbox } from '#adapters/queue';
import { repositories } from '#adapters/repositories';
import { CarrierRatesSchema, WaitMessage } from '#platforms/canonical';
import { checkedBinding, readBindings, sqsHandler, systemClock } from '#runtime';
import { fulfilOrder } from '#use-cases/fulfil-order';
import type { FulfilmentRequestMessage } from '#ports';

const env = readBindings('fulfil-order');
const { orders, catalog, tokens } = repositories(env.TABLE_NAME);
const rates = env.CARRIER_RATES === undefined ? undefined : checkedBinding('CARRIER_RATES', CarrierRatesSchema, env.CARRIER_RATES);
export const deps = {
  orders,
  catalog,
  tokens,
  clock: systemClock,
  rates,
  promisedDays: env.PROMISED_DELIVERY_DAYS,
  eventBus: eventBus(env.EVENT_BUS_NAME),
  warehouseRequests: sqsOutbox<FulfilmentRequestMessage>(env.WAREHOUSE_REQUESTS_QUEUE_URL),
  apiUrl: env.PUBLIC_API_URL,
};
export const handler = sqsHandler(WaitMessage, (message) => fulfilOrder(message, deps));
