/**
 * The catalog and stock (port `Catalog`). A reservation moves units from a
 * product's `onHand` to a reservation item of the order, in one transaction
 * with an `onHand >= :qty` condition per product, so stock never goes negative
 * and two orders cannot both take the last unit. Reservation items are keyed
 * by order and SKU, so a re-run reserves nothing twice.
 */
import { BatchGetCommand, QueryCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { settleReservation, type StockTarget } from '#domain/shipments';
import { ConcurrentUpdate, StockShort } from '../errors.ts';
import type { Catalog, Product } from '../ports.ts';
import { isConditionFailure, isTransactionConflict, transactWrite, type DynamoTable, type TransactItem } from './dynamo.ts';
import { ITEM_TYPES, Keys } from './table-schema.ts';

interface Reservation {
  readonly sku: string;
  readonly quantity: number;
  readonly state: 'held' | 'released' | 'shipped';
  /** Units gone with shipments and units put back, once part of it moved (partial shipments); absent before. */
  readonly shipped?: number;
  readonly released?: number;
}

/** What a reservation shows as shipped and released (a whole one in its end state counts all of its units). */
export function reservationCounts(r: Reservation): { shipped: number; released: number; held: number } {
  const shipped = r.shipped ?? (r.state === 'shipped' ? r.quantity : 0);
  const released = r.released ?? (r.state === 'released' ? r.quantity : 0);
  return { shipped, released, held: r.state === 'held' ? r.quantity - shipped - released : 0 };
}

/** Guards a reservation update on the counters read (a concurrent move fails it). */
function countersGuard(r: Reservation, state: Reservation['state']): { condition: string; values: Record<string, string | number> } {
  const parts = (['shipped', 'released'] as const).map((k) => (r[k] === undefined ? `attribute_not_exists(${k})` : `${k} = :was_${k}`));
  const values: Record<string, string | number> = { ':was_state': state };
  for (const k of ['shipped', 'released'] as const) if (r[k] !== undefined) values[`:was_${k}`] = r[k];
  return { condition: `#state = :was_state AND ${parts.join(' AND ')}`, values };
}

/** At most 100 items per transaction: two per line. */
export const MAX_RESERVED_LINES = 50;

export function dynamoCatalog(t: DynamoTable): Catalog & { reservationsOf(orderId: string): Promise<Reservation[]> } {
  const reservationsOf = async (orderId: string): Promise<Reservation[]> => {
    const r = await t.doc().send(
      new QueryCommand({
        TableName: t.name,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': Keys.order(orderId).pk, ':p': Keys.reservationPrefix },
        ConsistentRead: true,
      }),
    );
    return (r.Items ?? []) as Reservation[];
  };

  /**
   * Moves reservations of the order to their targets (domain/shipments `settleReservation`, or everything still held
   * to one side). Only held units move, never backwards; released units go back on the product's shelf and units
   * shipped beyond the reservation come off it (guarded: never below zero) in the same transaction, each
   * reservation guarded by the counts read.
   */
  async function move(orderId: string, target: (r: Reservation) => StockTarget | undefined): Promise<number> {
    const items: TransactItem[] = [];
    const toppedUp = new Map<string, number>();
    let moved = 0;
    for (const r of await reservationsOf(orderId)) {
      const now = reservationCounts(r);
      // Held units move; a settled reservation only grows, for backordered units that ship after the rest.
      const asked = target(r);
      const want = asked && (r.state === 'held' || asked.shipped > now.shipped) ? asked : undefined;
      if (!want) continue;
      const next = settleReservation({ quantity: r.quantity, shipped: now.shipped, released: now.released }, want);
      if (next.shipped === now.shipped && next.released === now.released && next.topUp === 0) continue;
      const state = next.shipped + next.released < next.quantity ? 'held' : next.shipped > 0 ? 'shipped' : 'released';
      const guard = countersGuard(r, r.state);
      moved++;
      items.push({
        Update: {
          TableName: t.name,
          Key: Keys.reservation(orderId, r.sku),
          UpdateExpression: 'SET #state = :to, shipped = :shipped, released = :released, quantity = :quantity',
          ConditionExpression: `${guard.condition} AND quantity = :was_quantity`,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':to': state, ':shipped': next.shipped, ':released': next.released, ':quantity': next.quantity, ':was_quantity': r.quantity, ...guard.values },
        },
      });
      const shelf = next.released - now.released - next.topUp;
      if (next.topUp > 0) toppedUp.set(r.sku, next.topUp);
      if (shelf !== 0) {
        items.push({
          Update: {
            TableName: t.name,
            Key: Keys.product(r.sku),
            UpdateExpression: 'SET onHand = onHand + :q',
            ...(shelf < 0 ? { ConditionExpression: 'onHand >= :need', ExpressionAttributeValues: { ':q': shelf, ':need': -shelf } } : { ExpressionAttributeValues: { ':q': shelf } }),
          },
        });
      }
    }
    if (items.length === 0) return 0;
    try {
      await transactWrite(t, items, 1);
    } catch (error) {
      if (isConditionFailure(error) && toppedUp.size > 0) {
        const products = await productsOf([...toppedUp.keys()]);
        const short = [...toppedUp].filter(([sku, need]) => (products.get(sku)?.onHand ?? 0) < need).map(([sku]) => sku);
        if (short.length > 0) throw new StockShort(`o2c's stock shows too few of ${short.join(', ')} for what was shipped beyond the order's reservation; record the stock the warehouse received, then report again`);
      }
      // A concurrent run settled them first (or was settling them): the retry finds nothing to move.
      if (isConditionFailure(error) || isTransactionConflict(error)) throw new ConcurrentUpdate(`reservations of order ${orderId} changed while settling them`);
      throw error;
    }
    return moved;
  }
  const settle = (orderId: string, to: 'released' | 'shipped') =>
    move(orderId, (r) => {
      const now = reservationCounts(r);
      return to === 'released' ? { shipped: now.shipped, open: 0 } : { shipped: r.quantity - now.released, open: 0 };
    });

  async function productsOf(skus: readonly string[]): Promise<Map<string, Product>> {
    const unique = [...new Set(skus)];
    const found = new Map<string, Product>();
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((sku) => Keys.product(sku));
      while (keys && keys.length > 0) {
        const r: BatchGetCommandOutput = await t.doc().send(new BatchGetCommand({ RequestItems: { [t.name]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of r.Responses?.[t.name] ?? []) found.set(item.sku as string, item as Product);
        keys = r.UnprocessedKeys?.[t.name]?.Keys;
      }
    }
    return found;
  }

  /** Reserves exactly these quantities (all or nothing); false when a product has too little (or a concurrent run reserved first). */
  async function reserveExactly(orderId: string, lines: ReadonlyMap<string, number>, at: string): Promise<boolean> {
    try {
      await transactWrite(
        t,
        [...lines].flatMap(([sku, quantity]) => [
          {
            Update: { TableName: t.name, Key: Keys.product(sku), UpdateExpression: 'SET onHand = onHand - :q', ConditionExpression: 'onHand >= :q', ExpressionAttributeValues: { ':q': quantity } },
          },
          {
            Put: {
              TableName: t.name,
              Item: { ...Keys.reservation(orderId, sku), type: ITEM_TYPES.reservation, orderId, sku, quantity, state: 'held', at },
              ConditionExpression: 'attribute_not_exists(pk) OR #state = :released',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':released': 'released' },
            },
          },
        ]),
        1,
      );
      return true;
    } catch (error) {
      // Another order's reservation of the same product was in flight: nothing was written, try again.
      if (isTransactionConflict(error)) throw new ConcurrentUpdate(`stock for order ${orderId} changed while reserving`);
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }

  return {
    reservationsOf,
    products: productsOf,

    async reserve(orderId, lines, at) {
      if (lines.size === 0) return true;
      if (lines.size > MAX_RESERVED_LINES) throw new Error(`cannot reserve more than ${MAX_RESERVED_LINES} SKUs in one order`);
      const existing = await reservationsOf(orderId);
      if (existing.length > 0 && [...lines.keys()].every((sku) => existing.some((r) => r.sku === sku && r.state !== 'released'))) return true;
      if (await reserveExactly(orderId, lines, at)) return true;
      // Either too little stock, or a concurrent run reserved first: tell them apart.
      const now = await reservationsOf(orderId);
      return [...lines.keys()].every((sku) => now.some((r) => r.sku === sku && r.state === 'held'));
    },

    async reserveAvailable(orderId, lines, at) {
      if (lines.size > MAX_RESERVED_LINES) throw new Error(`cannot reserve more than ${MAX_RESERVED_LINES} SKUs in one order`);
      const held = async () => new Map((await reservationsOf(orderId)).filter((r) => r.state !== 'released').map((r) => [r.sku, r.quantity]));
      const existing = await held();
      if (existing.size > 0) return existing;
      const shelf = await productsOf([...lines.keys()]);
      const take = new Map([...lines].map(([sku, q]) => [sku, Math.min(q, Math.max(0, shelf.get(sku)?.onHand ?? 0))] as const).filter(([, q]) => q > 0));
      if (take.size === 0 || (await reserveExactly(orderId, take, at))) return take;
      const now = await held();
      if (now.size > 0) return now; // a concurrent run reserved first
      throw new ConcurrentUpdate(`stock for order ${orderId} changed while reserving what is available`);
    },

    release: (orderId) => settle(orderId, 'released'),
    ship: (orderId) => settle(orderId, 'shipped'),
    settleLines: (orderId, targets) => move(orderId, (r) => targets.get(r.sku)),
  };
}
