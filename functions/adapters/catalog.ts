/**
 * The catalog and stock. A reservation moves units from a product's `onHand`
 * to a reservation item of the order, in one transaction with an
 * `onHand >= :qty` condition per product, so stock never goes negative and two
 * orders cannot both take the last unit. Reservation items are keyed by order
 * and SKU, so a re-run reserves nothing twice.
 */
import { BatchGetCommand, QueryCommand, TransactWriteCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { CurrencyCode } from '#domain/model';
import { env } from '#runtime';
import { documentClient, isConditionFailure, isTransactionConflict } from './dynamo.ts';
import { ConcurrentUpdate } from './orders.ts';
import { Keys } from './table-schema.ts';

const table = () => env('TABLE_NAME');

export interface Product {
  readonly sku: string;
  readonly description: string;
  readonly unitPrice: number;
  readonly currency: CurrencyCode;
  readonly taxRatePpm: number;
  readonly onHand: number;
  readonly weightGrams: number;
}

export async function getProducts(skus: readonly string[]): Promise<Map<string, Product>> {
  const unique = [...new Set(skus)];
  const found = new Map<string, Product>();
  for (let i = 0; i < unique.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map((sku) => Keys.product(sku));
    while (keys && keys.length > 0) {
      const r: BatchGetCommandOutput = await documentClient().send(new BatchGetCommand({ RequestItems: { [table()]: { Keys: keys, ConsistentRead: true } } }));
      for (const item of r.Responses?.[table()] ?? []) found.set(item.sku as string, item as Product);
      keys = r.UnprocessedKeys?.[table()]?.Keys;
    }
  }
  return found;
}

export interface Reservation {
  readonly sku: string;
  readonly quantity: number;
  readonly state: 'held' | 'released' | 'shipped';
}

export async function reservationsOf(orderId: string): Promise<Reservation[]> {
  const r = await documentClient().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
      ExpressionAttributeValues: { ':pk': Keys.order(orderId).pk, ':p': Keys.reservationPrefix },
      ConsistentRead: true,
    }),
  );
  return (r.Items ?? []) as Reservation[];
}

/** At most 100 items per transaction: two per line. */
export const MAX_RESERVED_LINES = 50;

/**
 * Reserves every line (sku → quantity); all or nothing. Returns false when a
 * product has too little stock, true when reserved (or already reserved).
 */
export async function reserveStock(orderId: string, lines: ReadonlyMap<string, number>): Promise<boolean> {
  if (lines.size === 0) return true;
  if (lines.size > MAX_RESERVED_LINES) throw new Error(`cannot reserve more than ${MAX_RESERVED_LINES} SKUs in one order`);
  const existing = await reservationsOf(orderId);
  if (existing.length > 0 && [...lines.keys()].every((sku) => existing.some((r) => r.sku === sku && r.state !== 'released'))) return true;
  const at = new Date().toISOString();
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [...lines].flatMap(([sku, quantity]) => [
          {
            Update: {
              TableName: table(),
              Key: Keys.product(sku),
              UpdateExpression: 'SET onHand = onHand - :q',
              ConditionExpression: 'onHand >= :q',
              ExpressionAttributeValues: { ':q': quantity },
            },
          },
          {
            Put: {
              TableName: table(),
              Item: { ...Keys.reservation(orderId, sku), type: 'Reservation', orderId, sku, quantity, state: 'held', at },
              ConditionExpression: 'attribute_not_exists(pk) OR #state = :released',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':released': 'released' },
            },
          },
        ]),
      }),
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
}

async function settleReservations(orderId: string, to: 'released' | 'shipped'): Promise<number> {
  const held = (await reservationsOf(orderId)).filter((r) => r.state === 'held');
  if (held.length === 0) return 0;
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: held.flatMap((r) => [
          {
            Update: {
              TableName: table(),
              Key: Keys.reservation(orderId, r.sku),
              UpdateExpression: 'SET #state = :to',
              ConditionExpression: '#state = :held',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':to': to, ':held': 'held' },
            },
          },
          ...(to === 'released'
            ? [{ Update: { TableName: table(), Key: Keys.product(r.sku), UpdateExpression: 'SET onHand = onHand + :q', ExpressionAttributeValues: { ':q': r.quantity } } }]
            : []),
        ]),
      }),
    );
  } catch (error) {
    // A concurrent run settled them first (or was settling them): the retry finds nothing held.
    if (isConditionFailure(error) || isTransactionConflict(error)) throw new ConcurrentUpdate(`reservations of order ${orderId} changed while settling them`);
    throw error;
  }
  return held.length;
}

/** Puts held units back on the shelf (rejection, cancellation). */
export const releaseStock = (orderId: string) => settleReservations(orderId, 'released');
/** Marks held units as gone with the shipment. */
export const shipStock = (orderId: string) => settleReservations(orderId, 'shipped');
