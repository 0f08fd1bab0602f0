/**
 * Stock reservations on DynamoDB Local: all or nothing, never below zero, the
 * last unit goes to exactly one order, and re-runs reserve, release or ship
 * nothing twice. Also validate-order's outcomes on top of it (use cases with
 * the real repositories on the test's table; the mailbox is in memory).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { Keys } from '../../../functions/adapters/table-schema.ts';
import { rejectOrder } from '../../../functions/use-cases/reject-order.ts';
import { validateOrder } from '../../../functions/use-cases/validate-order.ts';
import { dynamoDeps } from '../../support/dynamo-deps.ts';
import { putOrder, testOrder } from '../../support/orders.ts';
import { useDynamoDbLocal } from '../../support/dynamodb.ts';

const at = '2026-11-22T10:00:00.000Z';

describe('stock reservations (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  let world: ReturnType<typeof dynamoDeps>;

  beforeEach(async () => {
    table = await ddb.createTable();
    world = dynamoDeps(table, { now: at });
  });

  const catalog = () => world.deps.catalog;
  const product = (sku: string, onHand: number, unitPrice = 1250) =>
    ddb.doc().send(new PutCommand({ TableName: table, Item: { ...Keys.product(sku), type: 'Product', sku, description: sku, unitPrice, currency: 'GBP', taxRatePpm: 200_000, onHand, weightGrams: 400 } }));
  const onHand = async (sku: string) => (await ddb.doc().send(new GetCommand({ TableName: table, Key: Keys.product(sku), ConsistentRead: true }))).Item!.onHand as number;
  const one = (sku: string, qty: number) => new Map([[sku, qty]]);

  it('gives the last unit to exactly one of two competing orders; stock never goes negative', async () => {
    for (let round = 0; round < 10; round++) {
      const sku = `LAST-${round}`;
      await product(sku, 1);
      const results = await Promise.all([catalog().reserve(`ord_a${round}`, one(sku, 1), at), catalog().reserve(`ord_b${round}`, one(sku, 1), at)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await onHand(sku)).toBe(0);
      const holders = [...(await catalog().reservationsOf(`ord_a${round}`)), ...(await catalog().reservationsOf(`ord_b${round}`))];
      expect(holders).toHaveLength(1);
    }
  }, 120_000); // ten rounds of racing transactions: on the shared cores one round took over 2 s

  it('reserves all lines or none', async () => {
    await product('MUG-01', 5);
    await product('BOOK-7', 0);
    expect(await catalog().reserve('ord_x', new Map([['MUG-01', 2], ['BOOK-7', 1]]), at)).toBe(false);
    expect(await onHand('MUG-01')).toBe(5);
    expect(await catalog().reservationsOf('ord_x')).toEqual([]);
  });

  it('reserves once however often it runs, and releases or ships once', async () => {
    await product('MUG-01', 5);
    expect(await catalog().reserve('ord_x', one('MUG-01', 2), at)).toBe(true);
    expect(await catalog().reserve('ord_x', one('MUG-01', 2), at)).toBe(true);
    expect(await onHand('MUG-01')).toBe(3);
    expect(await catalog().release('ord_x')).toBe(1);
    expect(await catalog().release('ord_x')).toBe(0);
    expect(await onHand('MUG-01')).toBe(5);

    expect(await catalog().reserve('ord_y', one('MUG-01', 4), at)).toBe(true);
    expect(await catalog().ship('ord_y')).toBe(1);
    expect(await catalog().ship('ord_y')).toBe(0);
    expect(await catalog().release('ord_y')).toBe(0); // shipped units do not come back
    expect(await onHand('MUG-01')).toBe(1);
    expect((await catalog().reservationsOf('ord_y'))[0]).toMatchObject({ state: 'shipped', quantity: 4 });
  });

  it('partial shipments: reservations follow absolute counts per SKU, cancelled units go back once, a re-run or a concurrent one moves nothing twice', async () => {
    await product('MUG-01', 10);
    await product('BOOK-7', 10);
    expect(await catalog().reserve('ord_p', new Map([['MUG-01', 4], ['BOOK-7', 2]]), at)).toBe(true);
    // First parcel: 1 mug; the warehouse cancels 1 book.
    const first = new Map([['MUG-01', { shipped: 1, open: 3 }], ['BOOK-7', { shipped: 0, open: 1 }]]);
    const settled = await Promise.allSettled([catalog().settleLines('ord_p', first), catalog().settleLines('ord_p', first)]);
    if (settled.some((s) => s.status === 'rejected')) await catalog().settleLines('ord_p', first); // the workflow's retry of a lost race
    expect(await catalog().settleLines('ord_p', first)).toBe(0);
    expect(await onHand('BOOK-7')).toBe(9);
    expect(await onHand('MUG-01')).toBe(6);
    const bySku = async () => Object.fromEntries((await catalog().reservationsOf('ord_p')).map((r) => [r.sku, [r.state, r.shipped, r.released]]));
    expect(await bySku()).toEqual({ 'MUG-01': ['held', 1, 0], 'BOOK-7': ['held', 0, 1] });
    // Never backwards.
    expect(await catalog().settleLines('ord_p', new Map([['MUG-01', { shipped: 0, open: 4 }]]))).toBe(0);
    await catalog().settleLines('ord_p', new Map([['MUG-01', { shipped: 4, open: 0 }], ['BOOK-7', { shipped: 1, open: 0 }]]));
    expect(await bySku()).toEqual({ 'MUG-01': ['shipped', 4, 0], 'BOOK-7': ['shipped', 1, 1] });
    // A release after it puts nothing back.
    expect(await catalog().release('ord_p')).toBe(0);
    expect([await onHand('MUG-01'), await onHand('BOOK-7')]).toEqual([6, 9]);
    // The failure path after a partial shipment releases only what is still held.
    expect(await catalog().reserve('ord_q', new Map([['MUG-01', 3]]), at)).toBe(true);
    await catalog().settleLines('ord_q', new Map([['MUG-01', { shipped: 1, open: 2 }]]));
    expect(await catalog().release('ord_q')).toBe(1);
    expect((await catalog().reservationsOf('ord_q'))[0]).toMatchObject({ state: 'shipped', shipped: 1, released: 2 }) // settled: what shipped stays shipped, the rest came back;
    expect(await onHand('MUG-01')).toBe(5);
    // Backordered units that ship later come off the shelf then; never more than it has (StockShort, nothing moved).
    expect(await catalog().reserve('ord_r', new Map([['MUG-01', 1]]), at)).toBe(true);
    expect(await catalog().settleLines('ord_r', new Map([['MUG-01', { shipped: 3, open: 1 }]]))).toBe(1);
    expect((await catalog().reservationsOf('ord_r'))[0]).toMatchObject({ state: 'shipped', quantity: 3, shipped: 3, released: 0 });
    expect(await onHand('MUG-01')).toBe(2);
    expect(await catalog().settleLines('ord_r', new Map([['MUG-01', { shipped: 4, open: 0 }]]))).toBe(1); // the last backordered unit
    expect(await onHand('MUG-01')).toBe(1);
    await expect(catalog().settleLines('ord_r', new Map([['MUG-01', { shipped: 6, open: 0 }]]))).rejects.toMatchObject({ name: 'StockShort' });
    expect(await onHand('MUG-01')).toBe(1);
    expect(await catalog().reserveAvailable('ord_s', new Map([['MUG-01', 5], ['BOOK-7', 1]]), at)).toEqual(new Map([['MUG-01', 1], ['BOOK-7', 1]]));
    expect(await catalog().reserveAvailable('ord_s', new Map([['MUG-01', 5], ['BOOK-7', 1]]), at)).toEqual(new Map([['MUG-01', 1], ['BOOK-7', 1]])); // a re-run
    expect(await onHand('MUG-01')).toBe(0);
  });

  it('validate-order: one of two orders for the last unit is validated, the other backordered, then invalid after the last attempt', async () => {
    const { deps } = world;
    await product('MUG-01', 1);
    const line = { sku: 'MUG-01', description: 'Stoneware mug', quantity: 1, unitPrice: 1250, discount: 0, taxRatePpm: 200_000 };
    for (const id of ['ord_a', 'ord_b']) await putOrder(ddb.doc(), table, testOrder(id, 'received', { lines: [line], shipping: undefined }));
    const outcomes = await Promise.all(['ord_a', 'ord_b'].map((orderId) => validateOrder({ orderId }, deps)));
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['backordered', 'validated']);
    const [winner, loser] = outcomes[0]!.outcome === 'validated' ? ['ord_a', 'ord_b'] : ['ord_b', 'ord_a'];
    expect(await onHand('MUG-01')).toBe(0);

    // re-runs: the winner stays validated without reserving again
    expect(await validateOrder({ orderId: winner! }, deps)).toEqual({ outcome: 'validated' });
    expect(await onHand('MUG-01')).toBe(0);

    expect(await validateOrder({ orderId: loser! }, deps)).toMatchObject({ outcome: 'backordered' });
    expect((await deps.orders.get(loser!))!.backorderAttempts).toBe(2);
    expect(await validateOrder({ orderId: loser! }, deps)).toMatchObject({ outcome: 'invalid' });

    // the winner is rejected later (e.g. by finance): its unit goes back, once
    await rejectOrder({ orderId: winner!, review: { note: 'credit refused' } }, deps);
    await rejectOrder({ orderId: winner!, review: { note: 'credit refused' } }, deps);
    expect(await onHand('MUG-01')).toBe(1);
    expect((await deps.orders.get(winner!))!).toMatchObject({ status: 'rejected', reason: 'credit refused after review: credit refused' });
  });

  it('validate-order: a B2B order must match the catalog (price, currency, known SKU)', async () => {
    const { deps } = world;
    await product('MUG-01', 10);
    const line = { sku: 'MUG-01', description: 'Stoneware mug', quantity: 1, unitPrice: 1250, discount: 0, taxRatePpm: 200_000 };
    await putOrder(ddb.doc(), table, testOrder('ord_price', 'received', { lines: [{ ...line, unitPrice: 999 }] }));
    await putOrder(ddb.doc(), table, testOrder('ord_ccy', 'received', { lines: [line], currency: 'EUR' }));
    await putOrder(ddb.doc(), table, testOrder('ord_sku', 'received', { lines: [{ ...line, sku: 'NOPE' }] }));
    await putOrder(ddb.doc(), table, testOrder('ord_shop', 'received', { lines: [{ ...line, unitPrice: 999 }, { ...line, sku: 'NOPE' }], source: { platform: 'shopify', shop: 'x.myshopify.com', externalId: '1' } }));
    expect(await validateOrder({ orderId: 'ord_price' }, deps)).toMatchObject({ outcome: 'invalid', reason: expect.stringContaining('is not sold at') });
    expect(await validateOrder({ orderId: 'ord_ccy' }, deps)).toMatchObject({ outcome: 'invalid', reason: expect.stringContaining('GBP') });
    expect(await validateOrder({ orderId: 'ord_sku' }, deps)).toMatchObject({ outcome: 'invalid', reason: expect.stringMatching(/^we do not sell .* \(NOPE\)$/) });
    // platform orders keep the platform's prices; SKUs not stocked here are not blocked
    expect(await validateOrder({ orderId: 'ord_shop' }, deps)).toEqual({ outcome: 'validated' });
    expect(await onHand('MUG-01')).toBe(9);
  });
});
