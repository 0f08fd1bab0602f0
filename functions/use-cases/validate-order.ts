/**
 * Is the order one we can fill?
 *
 * 1. An order validated before returns `validated`; one that ended returns `invalid`.
 * 2. B2B (api) orders: every SKU must be in the catalog at the catalog's price
 *    and currency. Platform orders keep the platform's prices; SKUs we do not
 *    stock are fulfilled outside o2c's warehouse and are not blocked.
 * 3. Reserve stock for the SKUs we stock, per `backorderPolicy`:
 *    - `wait` (default): all or nothing → validated;
 *    - `reject`: all or nothing, and an order short of stock is invalid at once (the customer told which items);
 *    - `ship-available`: what the shelf has of each line; the units short are the order's `backorders` (per SKU),
 *      which ship later (taken from the shelf when they do) or are cancelled — the customer is told at confirmation.
 * 4. Not enough stock (`wait`; `ship-available` when none of it is there) → backordered (the workflow waits and
 *    asks again), until `maxBackorderAttempts`, then invalid.
 * A re-run returns the outcome already reached and reserves nothing twice.
 */
import { formatMoney } from '#domain/money';
import { amendOrder, PAST_VALIDATION, transition } from '#domain/order';
import { OrderNotFound } from '../errors.ts';
import type { Catalog, Clock, Orders, Product, StoredOrder } from '../ports.ts';

export interface ValidateOrderDeps {
  readonly orders: Orders;
  readonly catalog: Catalog;
  readonly clock: Clock;
  readonly maxBackorderAttempts: number;
  /** What an order short of stock does (config `backorderPolicy`; default `wait`). */
  readonly backorderPolicy?: BackorderPolicy | undefined;
}

export type BackorderPolicy = 'ship-available' | 'wait' | 'reject';

/** `problems`: why an order is invalid against the catalogue, as data the rejection email words in the customer's language. */
export type ValidationOutcome = { outcome: 'validated' | 'backordered' | 'invalid'; reason?: string; problems?: CatalogIssue[] };

/** A line that does not match the catalogue: the order's own words and, for a price, the order's unit price (never the catalog's). */
export type CatalogIssue =
  | { kind: 'not-sold'; description: string; sku: string }
  | { kind: 'other-currency'; description: string; sku: string; soldIn: string; orderedIn: string }
  | { kind: 'other-price'; description: string; sku: string; unitPrice: number; currency: string };

/** The reason of a backorder that gave up (reject-order tells the customer so in their language). */
/** How a rejection for stock (`backorderPolicy: reject`) begins. */
export const NOT_ENOUGH_STOCK = 'we do not have enough in stock of';
export const OUT_OF_STOCK = 'some items stayed out of stock for too long';

/** Catalog rule for B2B orders: known SKU, the catalog's currency and unit price. */
export function catalogIssues(order: Pick<StoredOrder, 'source' | 'lines' | 'currency'>, catalog: ReadonlyMap<string, Product>): CatalogIssue[] {
  if (order.source.platform !== 'api') return [];
  return order.lines.flatMap((line): CatalogIssue[] => {
    const p = catalog.get(line.sku);
    const item = { description: line.description, sku: line.sku };
    if (!p) return [{ kind: 'not-sold', ...item }];
    if (p.currency !== order.currency) return [{ kind: 'other-currency', ...item, soldIn: p.currency, orderedIn: order.currency }];
    if (p.unitPrice !== line.unitPrice) return [{ kind: 'other-price', ...item, unitPrice: line.unitPrice, currency: order.currency }];
    return [];
  });
}

/**
 * The catalog problems in English, for the order's timeline (the rejection email words them in the customer's
 * language): the order's own words and money formatted in its currency — never minor units, and never the
 * catalog's internal price.
 */
export function priceProblems(order: Pick<StoredOrder, 'source' | 'lines' | 'currency'>, catalog: ReadonlyMap<string, Product>): string[] {
  return catalogIssues(order, catalog).map((p) => {
    const item = `${p.description} (${p.sku})`;
    if (p.kind === 'not-sold') return `we do not sell ${item}`;
    if (p.kind === 'other-currency') return `${item} is sold in ${p.soldIn}, not ${p.orderedIn}`;
    return `${item} is not sold at ${formatMoney({ amount: p.unitPrice, currency: p.currency })} a unit; ask us for today's price`;
  });
}

export async function validateOrder({ orderId }: { orderId: string }, deps: ValidateOrderDeps): Promise<ValidationOutcome> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  if (PAST_VALIDATION.has(order.status)) return { outcome: 'validated' };
  if (order.status === 'rejected' || order.status === 'cancelled') return { outcome: 'invalid', reason: order.reason ?? order.status };

  const catalog = await deps.catalog.products(order.lines.map((l) => l.sku));
  const issues = catalogIssues(order, catalog);
  if (issues.length > 0) return { outcome: 'invalid', reason: priceProblems(order, catalog).join('; '), problems: issues };

  const wanted = new Map<string, number>();
  for (const line of order.lines) if (catalog.has(line.sku)) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity);
  const at = deps.clock.now().toISOString();
  const policy = deps.backorderPolicy ?? 'wait';
  if (policy === 'ship-available' && wanted.size > 0) {
    const got = await deps.catalog.reserveAvailable(order.id, wanted, at);
    const short = Object.fromEntries([...wanted].flatMap(([sku, q]) => (q > (got.get(sku) ?? 0) ? [[sku, q - (got.get(sku) ?? 0)] as const] : [])));
    if (got.size > 0) {
      const later = Object.entries(short).map(([sku, q]) => `${q} × ${sku}`).join(', ');
      await deps.orders.apply(order, transition(order, 'validated', 'validate', at, Object.keys(short).length > 0 ? { backorders: short } : {}, later ? `reserved what is in stock; backordered ${later}` : `reserved ${wanted.size} SKU(s)`));
      return { outcome: 'validated' };
    }
  } else if (await deps.catalog.reserve(order.id, wanted, at)) {
    await deps.orders.apply(order, transition(order, 'validated', 'validate', at, {}, wanted.size > 0 ? `reserved ${wanted.size} SKU(s)` : 'nothing to reserve'));
    return { outcome: 'validated' };
  }
  if (policy === 'reject') {
    const products = await deps.catalog.products([...wanted.keys()]);
    const short = order.lines.filter((l, i) => wanted.has(l.sku) && (products.get(l.sku)?.onHand ?? 0) < (wanted.get(l.sku) ?? 0) && order.lines.findIndex((m) => m.sku === l.sku) === i);
    return { outcome: 'invalid', reason: `${NOT_ENOUGH_STOCK} ${(short.length > 0 ? short : order.lines).map((l) => l.description).join(', ')}` };
  }
  const attempts = (order.backorderAttempts ?? 0) + 1;
  if (attempts >= deps.maxBackorderAttempts) return { outcome: 'invalid', reason: OUT_OF_STOCK };
  const change = order.status === 'backordered' ? amendOrder({ backorderAttempts: attempts }) : transition(order, 'backordered', 'validate', at, { backorderAttempts: attempts }, 'not enough stock');
  await deps.orders.apply(order, change);
  return { outcome: 'backordered', reason: 'not enough stock' };
}
