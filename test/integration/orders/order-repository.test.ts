/**
 * The order repository on DynamoDB Local: one order per platform order however
 * often (or however concurrently) it is delivered, and status changes that
 * refuse a stale read.
 */
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { Keys } from '../../../functions/adapters/table-schema.ts';
import type { NewCustomer } from '../../../functions/ports.ts';
import { beforeEach, describe, expect, it } from 'vitest';
import { repositories } from '../../../functions/adapters/repositories.ts';
import { IllegalTransitionError } from '../../../functions/domain/errors.ts';
import type { Order, Totals } from '../../../functions/domain/model.ts';
import { amendOrder, transition } from '../../../functions/domain/order.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { useDynamoDbLocal } from '../../support/dynamodb.ts';

const draft = (id: string, externalId = 'PO-1'): Order & { totals: Totals } => {
  const { version: _v, updatedAt: _u, ...order } = testOrder(id, 'received', { source: { platform: 'api', shop: '-', externalId } });
  return order;
};
const at = '2026-11-22T10:00:00.000Z';

describe('order repository (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  let orders: ReturnType<typeof repositories>['orders'];

  beforeEach(async () => {
    table = await ddb.createTable();
    orders = repositories(table).orders;
  });

  const items = async () => (await ddb.doc().send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
  const ofType = async (type: string) => (await items()).filter((i) => i.type === type);

  it('creates an order once: the second delivery of the same source key finds the first', async () => {
    expect(await orders.create(draft('ord_a'))).toEqual({ orderId: 'ord_a', created: true });
    expect(await orders.create(draft('ord_b'))).toEqual({ orderId: 'ord_a', created: false });
    expect((await ofType('Order')).map((o) => o.id)).toEqual(['ord_a']);
    expect(await ofType('OrderSource')).toHaveLength(1);
    expect((await ofType('OrderSource'))[0]).toMatchObject({ orderId: 'ord_a' });
    const order = await orders.get('ord_a');
    expect(order).toMatchObject({ status: 'received', version: 1, customerId: 'cus_1' });
    expect((await orders.timeline('ord_a')).map((e) => e.step)).toEqual(['received']);
  });

  it('keeps one order when ten deliveries of the same platform order race', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => orders.create(draft(`ord_${i}`))));
    const settled = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    // A delivery may lose to an in-flight transaction (TransactionConflict); it is retried by its
    // caller (the platform or SQS). None may create a second order.
    expect(settled.filter((r) => r.created)).toHaveLength(1);
    const winner = settled.find((r) => r.created)!.orderId;
    expect(settled.every((r) => r.orderId === winner)).toBe(true);
    expect((await ofType('Order')).map((o) => o.id)).toEqual([winner]);
    expect(await ofType('OrderSource')).toHaveLength(1);
    // the losers' retries converge on the winner
    expect(await orders.create(draft('ord_late'))).toEqual({ orderId: winner, created: false });
  });

  it('lets different platform orders through independently', async () => {
    await orders.create(draft('ord_a', 'PO-1'));
    await orders.create(draft('ord_b', 'PO-2'));
    expect((await ofType('Order')).map((o) => o.id).sort()).toEqual(['ord_a', 'ord_b']);
  });

  it('moves the status along the state machine with a version check, and refuses a stale read', async () => {
    await orders.create(draft('ord_a'));
    const read = (await orders.get('ord_a'))!;
    const moved = await orders.apply(read, transition(read, 'validated', 'validate', at, { note: 'ok' }, 'reserved 1 SKU'));
    expect(moved).toMatchObject({ status: 'validated', version: 2 });
    expect(await orders.get('ord_a')).toMatchObject({ status: 'validated', version: 2, note: 'ok' });

    // a writer still holding version 1 loses, and changes nothing
    await expect(orders.apply(read, transition(read, 'backordered', 'validate', at))).rejects.toMatchObject({ name: 'ConcurrentUpdate' });
    await expect(orders.apply(read, amendOrder({ backorderAttempts: 1 }))).rejects.toMatchObject({ name: 'ConcurrentUpdate' });
    expect(await orders.get('ord_a')).toMatchObject({ status: 'validated', version: 2 });
    expect((await orders.get('ord_a'))!.backorderAttempts).toBeUndefined();

    // an edge the state machine does not have is refused (by the domain) before any write
    expect(() => orders.apply(moved, transition(moved, 'shipped', 'ship', at))).toThrow(IllegalTransitionError);
    expect((await orders.get('ord_a'))!.version).toBe(2);

    const steps = (await orders.timeline('ord_a')).map((e) => `${e.step}:${e.status ?? ''}`);
    expect(steps).toEqual(['received:received', 'validate:validated']);
  });

  it('lets only one of two concurrent transitions from the same read win', async () => {
    await orders.create(draft('ord_a'));
    const read = (await orders.get('ord_a'))!;
    const results = await Promise.allSettled([orders.apply(read, transition(read, 'validated', 'validate', at)), orders.apply(read, transition(read, 'backordered', 'validate', at))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await orders.get('ord_a'))!.version).toBe(2);
  });

  it('creates a customer first seen with its order, and writes the order alone for one o2c knows — that customer untouched', async () => {
    const customer = (name: string, creditLimit: number): NewCustomer => ({ ...testCustomer('cus_1', { name, creditLimit }), shop: '-', createdAt: at });
    expect(await orders.create(draft('ord_a', 'PO-1'), customer('Ada Lovelace', 0))).toEqual({ orderId: 'ord_a', created: true });
    expect(await ofType('Customer')).toMatchObject([{ id: 'cus_1', name: 'Ada Lovelace', creditLimit: 0 }]);
    // Finance raises the limit; an order that (not remembering the customer) brings it again as first seen …
    await ddb.doc().send(new UpdateCommand({ TableName: table, Key: Keys.customer('cus_1'), UpdateExpression: 'SET creditLimit = :l', ExpressionAttributeValues: { ':l': 250_000 } }));
    const before = await items();
    expect(await orders.create(draft('ord_b', 'PO-2'), customer('A. Lovelace', 0))).toEqual({ orderId: 'ord_b', created: true });
    // … is created, and the customer and its name among the payers are as they were.
    expect((await ofType('Order')).map((o) => o.id).sort()).toEqual(['ord_a', 'ord_b']);
    const after = await items();
    const unchanged = (xs: Record<string, unknown>[]) => xs.filter((i) => String(i.pk).includes('cus_1') && i.type !== 'Order');
    expect(unchanged(after)).toEqual(unchanged(before));
    expect(await ofType('Customer')).toMatchObject([{ name: 'Ada Lovelace', creditLimit: 250_000 }]);
    // A duplicate delivery bringing the customer again is still the duplicate it is.
    expect(await orders.create(draft('ord_c', 'PO-2'), customer('A. Lovelace', 0))).toEqual({ orderId: 'ord_b', created: false });
  });

  it('keeps an order in the received-orders index from its creation until it leaves received, or is taken out (never a Scan)', async () => {
    await orders.create({ ...draft('ord_old', 'PO-1'), createdAt: '2026-11-22T09:50:00.000Z' });
    await orders.create({ ...draft('ord_moved', 'PO-2'), createdAt: '2026-11-22T09:51:00.000Z' });
    await orders.create({ ...draft('ord_new', 'PO-3'), createdAt: '2026-11-22T09:58:00.000Z' });
    const moving = (await orders.get('ord_moved'))!;
    await orders.apply(moving, transition(moving, 'validated', 'validate', at));
    expect((await orders.receivedBefore('2026-11-22T09:55:00.000Z', 100)).sort()).toEqual(['ord_old']);
    expect((await orders.receivedBefore('2026-11-22T10:00:00.000Z', 100)).sort()).toEqual(['ord_new', 'ord_old']);
    expect(await orders.receivedBefore('2026-11-22T10:00:00.000Z', 1)).toHaveLength(1);
    await orders.leaveReceived('ord_old');
    await orders.leaveReceived('ord_nope'); // no such order: nothing written
    expect(await orders.receivedBefore('2026-11-22T10:00:00.000Z', 100)).toEqual(['ord_new']);
    expect(await orders.get('ord_old')).toMatchObject({ status: 'received', version: 1 });
    expect((await items()).filter((i) => String(i.pk) === 'ORDER#ord_nope')).toEqual([]);
  });

  it('lists a customer’s orders newest first through the by-customer index', async () => {
    await orders.create({ ...draft('ord_old', 'PO-1'), createdAt: '2026-11-01T10:00:00.000Z' });
    await orders.create({ ...draft('ord_new', 'PO-2'), createdAt: '2026-11-20T10:00:00.000Z' });
    await orders.create({ ...draft('ord_other', 'PO-3'), customerId: 'cus_2' });
    expect((await orders.ordersOfCustomer('cus_1')).map((o) => o.id)).toEqual(['ord_new', 'ord_old']);
    expect((await orders.ordersOfCustomer('cus_2')).map((o) => o.id)).toEqual(['ord_other']);
    expect(await orders.ordersOfCustomer('cus_none')).toEqual([]);
  });
});
