/**
 * Hand a confirmed order to the warehouse; the workflow waits on a task token
 * until the warehouse reports the shipment (report-shipment).
 * 1. Parcel weight from the catalog (DEFAULT_PARCEL_WEIGHT_GRAMS per unit the catalog does not know).
 * 2. Choose the carrier from the rate table (domain: cheapest that keeps the promise).
 * 3. Keep the token and the choice with the order; confirmed → fulfilling. A token forgotten already (its wait was
 *    answered or ended; this is a redelivered message) hands nothing over again.
 * 4. The fulfilment request (domain/fulfilment: lines, ship-to, carrier, callback URL), built once — a re-run
 *    keeps the first request's time, so it is the same request — goes out as the `o2c.FulfilmentRequested`
 *    event on the o2c bus and, for the warehouse's webhook, onto the warehouse-requests queue
 *    (send-fulfilment-request signs and delivers it). An order that is not fulfilling (cancelled meanwhile) asks nobody.
 */
import { DEFAULT_CARRIER_RATES, DEFAULT_PARCEL_WEIGHT_GRAMS, selectCarrier, type CarrierRate } from '#domain/carrier';
import { FULFILMENT_REQUESTED, fulfilmentRequest } from '#domain/fulfilment';
import { transition } from '#domain/order';
import { OrderNotFound } from '../errors.ts';
import type { Catalog, Clock, Events, FulfilmentRequestMessage, Orders, Outbox, TaskTokens } from '../ports.ts';

export interface FulfilOrderDeps {
  readonly orders: Orders;
  readonly catalog: Catalog;
  readonly tokens: TaskTokens;
  readonly clock: Clock;
  /** The carrier rate table; absent = the built-in GBP table (DEFAULT_CARRIER_RATES). */
  readonly rates?: readonly CarrierRate[] | undefined;
  readonly promisedDays: number;
  /** The o2c event bus. */
  readonly eventBus: Events;
  /** The warehouse-requests queue (send-fulfilment-request). */
  readonly warehouseRequests: Outbox<FulfilmentRequestMessage>;
  /** The API's public base URL: the warehouse's callback is under it. */
  readonly apiUrl: string;
}

export async function fulfilOrder({ orderId, taskToken }: { orderId: string; taskToken: string }, deps: FulfilOrderDeps): Promise<void> {
  let order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  const products = await deps.catalog.products(order.lines.map((l) => l.sku));
  const weightGrams = order.lines.reduce((g, l) => g + (products.get(l.sku)?.weightGrams ?? DEFAULT_PARCEL_WEIGHT_GRAMS) * l.quantity, 0);
  const choice = selectCarrier(deps.rates ?? DEFAULT_CARRIER_RATES, { country: order.shippingAddress.country, weightGrams, promisedDays: deps.promisedDays, currency: order.currency });
  const carrier = choice
    ? { carrier: choice.rate.carrier, service: choice.rate.service, cost: choice.cost, meetsPromise: choice.meetsPromise, weightGrams }
    : { carrier: 'warehouse choice', service: 'no rate in table', weightGrams };
  const at = deps.clock.now().toISOString();
  if (!(await deps.tokens.store(orderId, 'fulfilment', taskToken, at, { carrier }))) return;
  if (order.status === 'confirmed') order = await deps.orders.apply(order, transition(order, 'fulfilling', 'fulfil', at, { carrier, fulfilmentRequestedAt: at }, `${carrier.carrier} ${carrier.service}`));
  if (order.status !== 'fulfilling') return;
  const request = fulfilmentRequest(order, carrier, deps.apiUrl, order.fulfilmentRequestedAt ?? at);
  await deps.eventBus.publish(FULFILMENT_REQUESTED, request);
  await deps.warehouseRequests.send({ request });
}
