/**
 * The order repository on DynamoDB Local: one order per platform order however
 * often (or however concurrently) it is delivered, and status changes that
 * refuse a stale read.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Order, Totals } from '../../../functions/domain/model.ts';
import { testOrder } from '../../support/orders.ts';
import { useDynamoDbLocal } from '../../support/dynamodb.ts';

type Repo = typeof import('../../../functions/adapters/orders.ts');
let repo: Repo;

const draft = (id: string, externalId = 'PO-1'): Order & { totals: Totals } => {
  const { version: _v, updatedAt: _u, ...order } = testOrder(id, 'received', { source: { platform: 'api', shop: '-', externalId } });
  return order;
};

describe('order repository (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;

  beforeAll(async () => {
    repo = await import('../../../functions/adapters/orders.ts');
  });
  beforeEach(async () => {
    table = await ddb.createTable();
  });

  const items = async () => (await ddb.doc().send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
  const ofType = async (type: string) => (await items()).filter((i) => i.type === type);

  it('creates an order once: the second delivery of the same source key finds the first', async () => {
    expect(await repo.createOrderIfAbsent(draft('ord_a'))).toEqual({ orderId: 'ord_a', created: true });
    expect(await repo.createOrderIfAbsent(draft('ord_b'))).toEqual({ orderId: 'ord_a', created: false });
    expect((await ofType('Order')).map((o) => o.id)).toEqual(['ord_a']);
    expect(await ofType('OrderSource')).toHaveLength(1);
    expect((await ofType('OrderSource'))[0]).toMatchObject({ orderId: 'ord_a' });
    const order = await repo.getOrder('ord_a');
    expect(order).toMatchObject({ status: 'received', version: 1, customerId: 'cus_1' });
    expect((await repo.orderTimeline('ord_a')).map((e) => e.step)).toEqual(['received']);
  });

  it('keeps one order when ten deliveries of the same platform order race', async () => {
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => repo.createOrderIfAbsent(draft(`ord_${i}`))));
    const settled = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    // A delivery may lose to an in-flight transaction (TransactionConflict); it is retried by its
    // caller (the platform or SQS). None may create a second order.
    expect(settled.filter((r) => r.created)).toHaveLength(1);
    const winner = settled.find((r) => r.created)!.orderId;
    expect(settled.every((r) => r.orderId === winner)).toBe(true);
    expect((await ofType('Order')).map((o) => o.id)).toEqual([winner]);
    expect(await ofType('OrderSource')).toHaveLength(1);
    // the losers' retries converge on the winner
    expect(await repo.createOrderIfAbsent(draft('ord_late'))).toEqual({ orderId: winner, created: false });
  });

  it('lets different platform orders through independently', async () => {
    await repo.createOrderIfAbsent(draft('ord_a', 'PO-1'));
    await repo.createOrderIfAbsent(draft('ord_b', 'PO-2'));
    expect((await ofType('Order')).map((o) => o.id).sort()).toEqual(['ord_a', 'ord_b']);
  });

  it('moves the status along the state machine with a version check, and refuses a stale read', async () => {
    await repo.createOrderIfAbsent(draft('ord_a'));
    const read = (await repo.getOrder('ord_a'))!;
    const moved = await repo.transitionOrder(read, 'validated', 'validate', { note: 'ok' }, 'reserved 1 SKU');
    expect(moved).toMatchObject({ status: 'validated', version: 2 });
    expect(await repo.getOrder('ord_a')).toMatchObject({ status: 'validated', version: 2, note: 'ok' });

    // a writer still holding version 1 loses, and changes nothing
    await expect(repo.transitionOrder(read, 'backordered', 'validate')).rejects.toMatchObject({ name: 'ConcurrentUpdate' });
    await expect(repo.updateOrder(read, { backorderAttempts: 1 })).rejects.toMatchObject({ name: 'ConcurrentUpdate' });
    expect(await repo.getOrder('ord_a')).toMatchObject({ status: 'validated', version: 2 });
    expect((await repo.getOrder('ord_a'))!.backorderAttempts).toBeUndefined();

    // an edge the state machine does not have is refused before any write
    await expect(repo.transitionOrder(moved, 'shipped', 'ship')).rejects.toMatchObject({ name: 'IllegalTransition' });
    expect((await repo.getOrder('ord_a'))!.version).toBe(2);

    const steps = (await repo.orderTimeline('ord_a')).map((e) => `${e.step}:${e.status ?? ''}`);
    expect(steps).toEqual(['received:received', 'validate:validated']);
  });

  it('lets only one of two concurrent transitions from the same read win', async () => {
    await repo.createOrderIfAbsent(draft('ord_a'));
    const read = (await repo.getOrder('ord_a'))!;
    const results = await Promise.allSettled([repo.transitionOrder(read, 'validated', 'validate'), repo.transitionOrder(read, 'backordered', 'validate')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((await repo.getOrder('ord_a'))!.version).toBe(2);
  });

  it('lists a customer’s orders newest first through the by-customer index', async () => {
    await repo.createOrderIfAbsent({ ...draft('ord_old', 'PO-1'), createdAt: '2026-11-01T10:00:00.000Z' });
    await repo.createOrderIfAbsent({ ...draft('ord_new', 'PO-2'), createdAt: '2026-11-20T10:00:00.000Z' });
    await repo.createOrderIfAbsent({ ...draft('ord_other', 'PO-3'), customerId: 'cus_2' });
    expect((await repo.ordersOfCustomer('cus_1')).map((o) => o.id)).toEqual(['ord_new', 'ord_old']);
    expect((await repo.ordersOfCustomer('cus_2')).map((o) => o.id)).toEqual(['ord_other']);
    expect(await repo.ordersOfCustomer('cus_none')).toEqual([]);
  });
});
