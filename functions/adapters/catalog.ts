/**
 * The catalog and stock (port `Catalog`). A reservation moves units from a
 * product's `onHand` to a reservation item of the order, in one transaction
 * with an `onHand >= :qty` condition per product, so stock never goes negative
 * and two orders cannot both take the last unit. Reservation items are keyed
 * by order and SKU, so a re-run reserves nothing twice.
 */
import { BatchGetCommand, QueryCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { ConcurrentUpdate } from '../errors.ts';
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
function countersGuard(r: Reservation): { condition: string; values: Record<string, number> } {
  const parts = (['shipped', 'released'] as const).map((k) => (r[k] === undefined ? `attribute_not_exists(${k})` : `${k} = :was_${k}`));
  const values: Record<string, number> = {};
  for (const k of ['shipped', 'released'] as const) if (r[k] !== undefined) values[`:was_${k}`] = r[k];
  return { condition: `#state = :held AND ${parts.join(' AND ')}`, values };
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
   * Moves reservations of the order to the given counts (absolute: shipped and released units per SKU, or
   * everything still held to one side). Only held units move, so a re-run moves nothing and nothing goes
   * backwards; released units go back on the product's shelf in the same transaction.
   */
  async function move(orderId: string, target: (r: Reservation) => { shipped: number; released: number }): Promise<number> {
    const items: TransactItem[] = [];
    let moved = 0;
    for (const r of await reservationsOf(orderId)) {
      const now = reservationCounts(r);
      if (r.state !== 'held') continue;
      const want = target(r);
      const shipped = Math.min(r.quantity - now.released, Math.max(now.shipped, want.shipped));
      const released = Math.min(r.quantity - shipped, Math.max(now.released, want.released));
      if (shipped === now.shipped && released === now.released) continue;
      const state = shipped + released < r.quantity ? 'held' : shipped > 0 ? 'shipped' : 'released';
      const guard = countersGuard(r);
      moved++;
      items.push({
        Update: {
          TableName: t.name,
          Key: Keys.reservation(orderId, r.sku),
          UpdateExpression: 'SET #state = :to, shipped = :shipped, released = :released',
          ConditionExpression: guard.condition,
          ExpressionAttributeNames: { '#state': 'state' },
          ExpressionAttributeValues: { ':to': state, ':held': 'held', ':shipped': shipped, ':released': released, ...guard.values },
        },
      });
      if (released > now.released) items.push({ Update: { TableName: t.name, Key: Keys.product(r.sku), UpdateExpression: 'SET onHand = onHand + :q', ExpressionAttributeValues: { ':q': released - now.released } } });
    }
    if (items.length === 0) return 0;
    try {
      await transactWrite(t, items, 1);
    } catch (error) {
      // A concurrent run settled them first (or was settling them): the retry finds nothing to move.
      if (isConditionFailure(error) || isTransactionConflict(error)) throw new ConcurrentUpdate(`reservations of order ${orderId} changed while settling them`);
      throw error;
    }
    return moved;
  }
  const settle = (orderId: string, to: 'released' | 'shipped') =>
    move(orderId, (r) => {
      const now = reservationCounts(r);
      return to === 'released' ? { shipped: now.shipped, released: r.quantity - now.shipped } : { shipped: r.quantity - now.released, released: now.released };
    });

  return {
    reservationsOf,
    async products(skus) {
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
    },

    async reserve(orderId, lines, at) {
      if (lines.size === 0) return true;
      if (lines.size > MAX_RESERVED_LINES) throw new Error(`cannot reserve more than ${MAX_RESERVED_LINES} SKUs in one order`);
      const existing = await reservationsOf(orderId);
      if (existing.length > 0 && [...lines.keys()].every((sku) => existing.some((r) => r.sku === sku && r.state !== 'released'))) return true;
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
        if (!isConditionFailure(error)) {
          // Another order's reservation of the same product was in flight: nothing was written, try again.
          if (isTransactionConflict(error)) throw new ConcurrentUpdate(`stock for order ${orderId} changed while reserving`);
          throw error;
        }
        // Either too little stock, or a concurrent run reserved first: tell them apart.
        const now = await reservationsOf(orderId);
        return [...lines.keys()].every((sku) => now.some((r) => r.sku === sku && r.state === 'held'));
      }
    },

    release: (orderId) => settle(orderId, 'released'),
    ship: (orderId) => settle(orderId, 'shipped'),
    settleLines: (orderId, targets) =>
      move(orderId, (r) => {
        const now = reservationCounts(r);
        const want = targets.get(r.sku);
        return want ? { shipped: want.shipped, released: want.released } : now;
      }),
  };
}
