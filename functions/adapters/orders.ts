/**
 * Order repository on the single table. Orders are created once per platform
 * order (a source-key item guards it), change status only along the domain's
 * state machine with a condition on the current status and version, and keep
 * a timeline of events for `orders show`.
 */
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/lib-dynamodb';
import { assertTransition } from '#domain/order';
import type { Order, OrderStatus, Totals } from '#domain/model';
import { env } from '#runtime';
import { documentClient, isConditionFailure, isTransactionConflict, queryAll } from './dynamo.ts';
import { GSI_BY_CUSTOMER, Keys } from './table-schema.ts';

export interface StoredOrder extends Order {
  readonly totals: Totals;
  readonly version: number;
  readonly updatedAt: string;
  readonly invoiceNumber?: string;
  readonly shipment?: Record<string, unknown>;
  readonly reason?: string;
  readonly backorderAttempts?: number;
  readonly carrier?: Record<string, unknown>;
}

export interface OrderEvent {
  readonly at: string;
  readonly step: string;
  readonly status?: OrderStatus;
  readonly detail?: string;
}

const table = () => env('TABLE_NAME');

function eventItem(orderId: string, event: OrderEvent) {
  return { ...Keys.orderEvent(orderId, event.at, event.step), type: 'OrderEvent', orderId, ...event };
}

/**
 * Creates the order unless the same platform order exists already, in one
 * transaction with `alsoWrite` (e.g. the customer's upsert); returns the id of
 * the order that exists afterwards and whether this call created it. Two
 * deliveries racing on the same items (a transaction conflict) are retried.
 */
export async function createOrderIfAbsent(
  order: Order & { totals: Totals },
  alsoWrite: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']> = [],
): Promise<{ orderId: string; created: boolean }> {
  const source = Keys.orderSource(order.source.platform, order.source.shop ?? '-', order.source.externalId);
  for (let attempt = 0; ; attempt++) {
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: table(), Item: { ...source, type: 'OrderSource', orderId: order.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Put: {
                TableName: table(),
                Item: { ...Keys.order(order.id), ...Keys.orderByCustomer(order.customerId, order.createdAt, order.id), type: 'Order', ...order, version: 1, updatedAt: order.createdAt },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: table(), Item: eventItem(order.id, { at: order.createdAt, step: order.status, status: order.status, detail: `from ${order.source.platform}` }) } },
            ...alsoWrite,
          ],
        }),
      );
      return { orderId: order.id, created: true };
    } catch (error) {
      if (isConditionFailure(error)) {
        const existing = await documentClient().send(new GetCommand({ TableName: table(), Key: source, ConsistentRead: true }));
        return { orderId: (existing.Item?.orderId as string | undefined) ?? order.id, created: false };
      }
      if (!isTransactionConflict(error) || attempt >= 4) throw error;
      await new Promise((r) => setTimeout(r, Math.random() * 20 * 2 ** attempt));
    }
  }
}

export async function getOrder(orderId: string): Promise<StoredOrder | undefined> {
  const r = await documentClient().send(new GetCommand({ TableName: table(), Key: Keys.order(orderId), ConsistentRead: true }));
  return r.Item as StoredOrder | undefined;
}

export class OrderNotFound extends Error {
  override readonly name = 'OrderNotFound';
}

export async function requireOrder(orderId: string): Promise<StoredOrder> {
  const order = await getOrder(orderId);
  if (!order) throw new OrderNotFound(`order ${orderId} does not exist`);
  return order;
}

/** Thrown when another writer changed the order first; the task is retried. */
export class ConcurrentUpdate extends Error {
  override readonly name = 'ConcurrentUpdate';
}

/** A versioned update of the order: SET the attributes and bump `version`, only if it is still `order.version`. */
function versionedUpdate(order: StoredOrder, set: Record<string, NativeAttributeValue>) {
  const entries = Object.entries(set);
  return {
    TableName: table(),
    Key: Keys.order(order.id),
    UpdateExpression: `SET ${['#version = :next', ...entries.map((_, i) => `#a${i} = :a${i}`)].join(', ')}`,
    ConditionExpression: '#version = :v',
    ExpressionAttributeNames: { '#version': 'version', ...Object.fromEntries(entries.map(([k], i) => [`#a${i}`, k])) },
    ExpressionAttributeValues: { ':v': order.version, ':next': order.version + 1, ...Object.fromEntries(entries.map(([, v], i) => [`:a${i}`, v])) },
  };
}

/**
 * Moves the order to `to` (checked against the domain state machine), setting
 * `set` attributes, guarded by the version read; records the event.
 */
export async function transitionOrder(
  order: StoredOrder,
  to: OrderStatus,
  step: string,
  set: Record<string, NativeAttributeValue> = {},
  detail?: string,
): Promise<StoredOrder> {
  assertTransition(order.status, to);
  const at = new Date().toISOString();
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Update: versionedUpdate(order, { ...set, status: to, updatedAt: at }) },
          { Put: { TableName: table(), Item: eventItem(order.id, { at, step, status: to, ...(detail ? { detail } : {}) }) } },
        ],
      }),
    );
  } catch (error) {
    if (isConditionFailure(error) || isTransactionConflict(error)) throw new ConcurrentUpdate(`order ${order.id} changed while moving it to ${to}`);
    throw error;
  }
  return { ...order, ...set, status: to, version: order.version + 1, updatedAt: at } as StoredOrder;
}

/** Sets attributes without a status change (e.g. a backorder attempt count). */
export async function updateOrder(order: StoredOrder, set: Record<string, NativeAttributeValue>): Promise<void> {
  try {
    await documentClient().send(new UpdateCommand(versionedUpdate(order, set)));
  } catch (error) {
    if (isConditionFailure(error) || isTransactionConflict(error)) throw new ConcurrentUpdate(`order ${order.id} changed meanwhile`);
    throw error;
  }
}

export async function recordOrderEvent(orderId: string, step: string, detail?: string, status?: OrderStatus): Promise<void> {
  const at = new Date().toISOString();
  await documentClient().send(
    new TransactWriteCommand({ TransactItems: [{ Put: { TableName: table(), Item: eventItem(orderId, { at, step, ...(detail ? { detail } : {}), ...(status ? { status } : {}) }) } }] }),
  );
}

export async function orderTimeline(orderId: string): Promise<OrderEvent[]> {
  const r = await documentClient().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': Keys.order(orderId).pk, ':prefix': Keys.orderEventsPrefix },
    }),
  );
  return (r.Items ?? []).map((i) => ({ at: i.at, step: i.step, status: i.status, detail: i.detail }) as OrderEvent);
}

/** A customer's orders, newest first, from the by-customer index (never a Scan). */
export async function ordersOfCustomer(customerId: string): Promise<StoredOrder[]> {
  const prefix = Keys.orderByCustomer(customerId, '', '');
  return queryAll<StoredOrder>({
    TableName: table(),
    IndexName: GSI_BY_CUSTOMER.indexName,
    KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :p)',
    ExpressionAttributeValues: { ':pk': prefix.gsi1pk, ':p': 'ORDER#' },
    ScanIndexForward: false,
  });
}
