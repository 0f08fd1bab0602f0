/**
 * The fulfilment request o2c hands a seller's warehouse or 3PL once an order is
 * confirmed: what to ship (SKU, description, quantity), where to, with the
 * carrier o2c chose, and where to answer. It is the body of the signed webhook
 * (send-fulfilment-request) and the detail of the `o2c.FulfilmentRequested`
 * event, built once by fulfil-order, so every delivery of it is the same request.
 */
import type { Address, CurrencyCode, IsoInstant } from './model.ts';

/** The carrier choice fulfil-order made (cost in the order's currency; none when no rate applied). */
export interface RequestedCarrier {
  readonly carrier: string;
  readonly service: string;
  readonly cost?: { readonly amount: number; readonly currency: CurrencyCode };
  readonly meetsPromise?: boolean;
  readonly weightGrams: number;
}

export interface FulfilmentRequest {
  /** The same for every delivery of the request (the webhook's Idempotency-Key). */
  readonly requestId: string;
  readonly orderId: string;
  /** What the buyer knows the order by (the platform's reference, else the o2c order id). */
  readonly reference: string;
  readonly lines: readonly { readonly sku: string; readonly description: string; readonly quantity: number }[];
  /** Units of those lines not in stock when the order was confirmed (backorderPolicy "ship-available"): ship them when they come in. */
  readonly backordered?: readonly { readonly sku: string; readonly quantity: number }[];
  readonly shipTo: Address;
  readonly carrier: RequestedCarrier;
  /** Where the warehouse reports the shipment or that it cannot ship (its own key). */
  readonly callbackUrl: string;
  readonly requestedAt: IsoInstant;
}

/** The event's type on the o2c bus (source `o2c`). */
export const FULFILMENT_REQUESTED = 'o2c.FulfilmentRequested';
export const EVENT_SOURCE = 'o2c';

/** One request per order: an order's workflow asks the warehouse once (its execution is named after the order). */
export function fulfilmentRequestId(orderId: string): string {
  return `fulfilment-${orderId}`;
}

/** The public callback route of an order, under the API's base URL. */
export function shipmentCallbackUrl(apiUrl: string, orderId: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/fulfilment/${encodeURIComponent(orderId)}/shipment`;
}

export function fulfilmentRequest(
  order: {
    readonly id: string;
    readonly currency: CurrencyCode;
    readonly source: { readonly reference?: string };
    readonly lines: readonly { readonly sku: string; readonly description: string; readonly quantity: number }[];
    readonly shippingAddress: Address;
    readonly backorders?: Readonly<Record<string, number>>;
  },
  carrier: { readonly carrier: string; readonly service: string; readonly cost?: number; readonly meetsPromise?: boolean; readonly weightGrams: number },
  apiUrl: string,
  requestedAt: IsoInstant,
): FulfilmentRequest {
  return {
    requestId: fulfilmentRequestId(order.id),
    orderId: order.id,
    reference: order.source.reference ?? order.id,
    lines: order.lines.map((l) => ({ sku: l.sku, description: l.description, quantity: l.quantity })),
    ...(order.backorders && Object.keys(order.backorders).length > 0 ? { backordered: Object.entries(order.backorders).map(([sku, quantity]) => ({ sku, quantity })) } : {}),
    shipTo: order.shippingAddress,
    carrier: {
      carrier: carrier.carrier,
      service: carrier.service,
      ...(carrier.cost !== undefined ? { cost: { amount: carrier.cost, currency: order.currency } } : {}),
      ...(carrier.meetsPromise !== undefined ? { meetsPromise: carrier.meetsPromise } : {}),
      weightGrams: carrier.weightGrams,
    },
    callbackUrl: shipmentCallbackUrl(apiUrl, order.id),
    requestedAt,
  };
}
