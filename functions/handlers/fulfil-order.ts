/**
 * fulfil-order: hands a confirmed order to the warehouse, and the workflow
 * waits on a task token until the warehouse calls back with the shipment.
 * 1. Choose the carrier from the rate table (cheapest that keeps the promise).
 * 2. Keep the token and the choice with the order; status fulfilling.
 */
import * as z from 'zod/mini';
import { WaitMessage } from '#platforms/canonical';
import { DEFAULT_CARRIER_RATES, selectCarrier, type CarrierRate } from '#domain/carrier';
import { getProducts } from '#adapters/catalog';
import { requireOrder, transitionOrder } from '#adapters/orders';
import { storeTaskToken } from '#adapters/workflow';
import { envJson, envOr, sqsHandler } from '#runtime';


const RateSchema = z.array(
  z.object({
    carrier: z.string(),
    service: z.string(),
    countries: z.union([z.literal('*'), z.array(z.string())]),
    maxWeightGrams: z.optional(z.int()),
    baseCost: z.int(),
    perKgCost: z.int(),
    currency: z.string(),
    transitDays: z.int(),
  }),
);
const rates: readonly CarrierRate[] = process.env.CARRIER_RATES ? envJson('CARRIER_RATES', RateSchema) : DEFAULT_CARRIER_RATES;
const promisedDays = Number(envOr('PROMISED_DELIVERY_DAYS', '3'));
const DEFAULT_WEIGHT_GRAMS = 500;

export async function fulfilOrder({ orderId, taskToken }: z.infer<typeof WaitMessage>): Promise<void> {
  let order = await requireOrder(orderId);
  const products = await getProducts(order.lines.map((l) => l.sku));
  const weightGrams = order.lines.reduce((g, l) => g + (products.get(l.sku)?.weightGrams ?? DEFAULT_WEIGHT_GRAMS) * l.quantity, 0);
  const choice = selectCarrier(rates, { country: order.shippingAddress.country, weightGrams, promisedDays, currency: order.currency });
  const carrier = choice
    ? { carrier: choice.rate.carrier, service: choice.rate.service, cost: choice.cost, meetsPromise: choice.meetsPromise, weightGrams }
    : { carrier: 'warehouse choice', service: 'no rate in table', weightGrams };
  await storeTaskToken(orderId, 'fulfilment', taskToken, { carrier });
  if (order.status === 'confirmed') order = await transitionOrder(order, 'fulfilling', 'fulfil', { carrier }, `${carrier.carrier} ${carrier.service}`);
}

export const handler = sqsHandler(WaitMessage, fulfilOrder);
