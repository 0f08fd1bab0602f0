/**
 * Orders on the single table (port `Orders`). An order is created once per
 * source order (a source-key item guards it) and changes only as the domain
 * decided (an `OrderChange`), guarded by the version read, with its timeline
 * event in the same transaction.
 */
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { NO_SHOP, type OrderChange } from '#domain/order';
import type { Order, Totals } from '#domain/model';
import { ConcurrentUpdate } from '../errors.ts';
import type { NewCustomer, OrderEvent, Orders, StoredOrder } from '../ports.ts';
import { customerCreateItem, customerNameItem, queryByCustomer } from './customers.ts';
import { failedConditions, isConditionFailure, isTransactionConflict, setExpression, transactWrite, type DynamoTable, type TransactItem } from './dynamo.ts';
import { GSI_OPEN_BY_DUE, ITEM_TYPES, Keys, RECEIVED_ORDER_SHARDS, VERSION_ATTRIBUTE } from './table-schema.ts';
import { totalsItems } from './totals.ts';

export function eventItem(t: DynamoTable, orderId: string, event: OrderEvent): TransactItem {
  return { Put: { TableName: t.name, Item: { ...Keys.orderEvent(orderId, event.at, event.step), type: ITEM_TYPES.orderEvent, orderId, ...event } } };
}

/**
 * The items that write `change` to `order`: the versioned update (status and
 * attributes, version + 1, only if the version is still the one read), the
 * timeline event and the report aggregates it counts (`counts`). Other repositories put them in their own transactions (the
 * invoice's), so an order moves the same way everywhere.
 */
export function orderChangeItems(t: DynamoTable, order: StoredOrder, change: OrderChange): TransactItem[] {
  const at = change.event?.at ?? order.updatedAt;
  const set = setExpression({ ...change.set, ...(change.to ? { status: change.to } : {}), updatedAt: at }, { prefix: 'a' });
  // An order leaving `received` loses its marker in the same transaction (nothing to re-drive).
  const leaves = order.status === 'received' && change.to !== undefined && change.to !== 'received';
  return [
    {
      Update: {
        TableName: t.name,
        Key: Keys.order(order.id),
        UpdateExpression: `SET ${['#version = :next', ...set.clauses].join(', ')}`,
        ConditionExpression: '#version = :v',
        ExpressionAttributeNames: { '#version': VERSION_ATTRIBUTE, ...set.names },
        ExpressionAttributeValues: { ':v': order.version, ':next': order.version + 1, ...set.values },
      },
    },
    ...(change.event ? [eventItem(t, order.id, { ...change.event, ...(change.to ? { status: change.to } : {}) })] : []),
    ...(leaves ? [{ Delete: { TableName: t.name, Key: Keys.receivedOrder(order.id) } }] : []),
    // What the change counts (an order error) is added with it: once, as the version guard makes the change.
    ...(change.counts ? totalsItems(t, [{ on: change.counts.on, currency: order.currency, add: change.counts.add }]) : []),
  ];
}

/** The order as it is after `change` was written. */
export function changedOrder(order: StoredOrder, change: OrderChange): StoredOrder {
  return { ...order, ...change.set, ...(change.to ? { status: change.to } : {}), version: order.version + 1, updatedAt: change.event?.at ?? order.updatedAt } as StoredOrder;
}

export function dynamoOrders(t: DynamoTable): Orders & { timeline(orderId: string): Promise<OrderEvent[]>; ordersOfCustomer(customerId: string): Promise<StoredOrder[]> } {
  return {
    async get(orderId) {
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.order(orderId), ConsistentRead: true }));
      return r.Item as StoredOrder | undefined;
    },

    async create(order: Order & { totals: Totals }, customer?: NewCustomer) {
      const source = Keys.orderSource(order.source.platform, order.source.shop ?? NO_SHOP, order.source.externalId);
      const items: TransactItem[] = [
        { Put: { TableName: t.name, Item: { ...source, type: ITEM_TYPES.orderSource, orderId: order.id }, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Put: {
            TableName: t.name,
            Item: {
              ...Keys.order(order.id),
              ...Keys.orderByCustomer(order.customerId, order.createdAt, order.id),
              type: ITEM_TYPES.order,
              ...order,
              [VERSION_ATTRIBUTE]: 1,
              updatedAt: order.createdAt,
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        eventItem(t, order.id, { at: order.createdAt, step: order.status, status: order.status, detail: `from ${order.source.platform}` }),
        ...(order.status === 'received' ? [{ Put: { TableName: t.name, Item: { ...Keys.receivedOrder(order.id), ...Keys.receivedOrderIndex(order.id, order.createdAt), type: ITEM_TYPES.receivedOrder, orderId: order.id } } }] : []),
      ];
      // A customer o2c meets for the first time (its item absent: the customer's condition) is created with the order
      // and its name joins the ones cash matching scores payers against; a known one cancels that transaction, and the
      // order is written alone — its customer is never written again.
      const withCustomer = customer ? [...items, customerCreateItem(t, customer), customerNameItem(t, customer, true)] : items;
      try {
        try {
          await transactWrite(t, withCustomer);
        } catch (error) {
          const failed = failedConditions(error);
          if (!customer || failed.length === 0 || failed.some((i) => i < items.length)) throw error;
          await transactWrite(t, items);
        }
        return { orderId: order.id, created: true };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = await t.doc().send(new GetCommand({ TableName: t.name, Key: source, ConsistentRead: true }));
        return { orderId: (existing.Item?.orderId as string | undefined) ?? order.id, created: false };
      }
    },

    async apply(order, change) {
      try {
        await transactWrite(t, orderChangeItems(t, order, change), 1);
      } catch (error) {
        if (isConditionFailure(error) || isTransactionConflict(error)) throw new ConcurrentUpdate(`order ${order.id} changed while ${change.to ? `moving it to ${change.to}` : 'updating it'}`);
        throw error;
      }
      return changedOrder(order, change);
    },

    async receivedBefore(before, limit) {
      const ids: string[] = [];
      for (let shard = 0; shard < RECEIVED_ORDER_SHARDS && ids.length < limit; shard++) {
        const r = await t.doc().send(
          new QueryCommand({
            TableName: t.name,
            IndexName: GSI_OPEN_BY_DUE.indexName,
            KeyConditionExpression: `${GSI_OPEN_BY_DUE.partitionKey} = :pk AND ${GSI_OPEN_BY_DUE.sortKey} < :before`,
            ExpressionAttributeValues: { ':pk': Keys.receivedOrderShard(shard), ':before': before },
            ProjectionExpression: 'orderId',
            Limit: limit - ids.length,
          }),
        );
        ids.push(...(r.Items ?? []).map((i) => String(i.orderId)));
      }
      return ids;
    },

    async leaveReceived(orderId) {
      await t.doc().send(new DeleteCommand({ TableName: t.name, Key: Keys.receivedOrder(orderId) }));
    },

    async recordEvent(orderId, event) {
      await transactWrite(t, [eventItem(t, orderId, event)]);
    },

    async timeline(orderId) {
      const r = await t.doc().send(
        new QueryCommand({
          TableName: t.name,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ExpressionAttributeValues: { ':pk': Keys.order(orderId).pk, ':prefix': Keys.orderEventsPrefix },
        }),
      );
      return (r.Items ?? []).map((i) => ({ at: i.at, step: i.step, status: i.status, detail: i.detail }) as OrderEvent);
    },

    /** A customer's orders, newest first, from the by-customer index (never a Scan). */
    ordersOfCustomer(customerId) {
      return queryByCustomer<StoredOrder>(t, customerId, Keys.orderByCustomerPrefix, { ScanIndexForward: false });
    },
  };
}
