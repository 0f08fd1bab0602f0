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
import { isConditionFailure, isTransactionConflict, transactWrite, type DynamoTable } from './dynamo.ts';
import { ITEM_TYPES, Keys } from './table-schema.ts';

interface Reservation {
  readonly sku: string;
  readonly quantity: number;
  readonly state: 'held' | 'released' | 'shipped';
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

  async function settle(orderId: string, to: 'released' | 'shipped'): Promise<number> {
    const held = (await reservationsOf(orderId)).filter((r) => r.state === 'held');
    if (held.length === 0) return 0;
    try {
      await transactWrite(
        t,
        held.flatMap((r) => [
          {
            Update: {
              TableName: t.name,
              Key: Keys.reservation(orderId, r.sku),
              UpdateExpression: 'SET #state = :to',
              ConditionExpression: '#state = :held',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':to': to, ':held': 'held' },
            },
          },
          ...(to === 'released' ? [{ Update: { TableName: t.name, Key: Keys.product(r.sku), UpdateExpression: 'SET onHand = onHand + :q', ExpressionAttributeValues: { ':q': r.quantity } } }] : []),
        ]),
        1,
      );
    } catch (error) {
      // A concurrent run settled them first (or was settling them): the retry finds nothing held.
      if (isConditionFailure(error) || isTransactionConflict(error)) throw new ConcurrentUpdate(`reservations of order ${orderId} changed while settling them`);
      throw error;
    }
    return held.length;
  }

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
  };
}
