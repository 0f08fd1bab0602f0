/**
 * The pack's counts on DynamoDB Local, exactly once under retries: an order error is added in the transaction of the
 * order change that rejects it (the same change again fails its version guard and adds nothing), a duplicate
 * delivery with its marker (the same delivery again fails the marker), a person's action with its audit entry (the
 * same entry again fails its condition), and a collections status change carries its history into the customer
 * directory the pack reads (accounts as of a past day).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { Keys } from '../../functions/adapters/table-schema.ts';
import { METRIC } from '../../functions/domain/figures.ts';
import { counting, transition } from '../../functions/domain/order.ts';
import { financePack } from '../../functions/use-cases/finance-pack.ts';
import { dynamoDeps } from '../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';
import { putCustomer, putOrder, testCustomer, testOrder } from '../support/orders.ts';

const NOW = '2026-11-22T10:00:00.000Z';
const DAY = '2026-11-22';

describe('finance pack counts (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  const dayItems = async (table: string, period: string) =>
    (await ddb.doc().send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': Keys.aggregatePeriod(period) } }))).Items ?? [];

  it('adds each count once however often its write is retried, and reads them back in the pack', async () => {
    const table = await ddb.createTable();
    const d = dynamoDeps(table, { now: NOW });

    // An order error with the rejecting change; the same change again (a retry that read the old version) is refused.
    const order = testOrder('ord_1', 'validated');
    await putOrder(ddb.doc(), table, order);
    const stored = (await d.deps.orders.get('ord_1'))!;
    const change = counting(transition(stored, 'rejected', 'reject', NOW, { reason: 'price' }, 'price'), DAY, { [METRIC.orderError('price-mismatch')]: 1 });
    await d.deps.orders.apply(stored, change);
    await expect(d.deps.orders.apply(stored, change)).rejects.toMatchObject({ name: 'ConcurrentUpdate' });

    // A duplicate delivery, counted once even when its processing runs twice.
    expect(await d.deps.duplicates.count({ entity: 'order:ord_9', deliveryId: '2026-11-22T10:01:00.000Z', on: DAY, currency: 'GBP' })).toBe(true);
    expect(await d.deps.duplicates.count({ entity: 'order:ord_9', deliveryId: '2026-11-22T10:01:00.000Z', on: DAY, currency: 'GBP' })).toBe(false);
    expect(await d.deps.duplicates.count({ entity: 'order:ord_9', deliveryId: '2026-11-22T10:05:00.000Z', on: DAY, currency: 'GBP' })).toBe(true);

    // A person's action, recorded twice (a retried request): one entry, one count; o2c's own entries count nothing.
    const resend = { at: NOW, on: DAY, actor: 'clerk@example.com', action: 'report.resend', entity: 'report:flash:2026-11-21', after: { key: 'k' } };
    await d.deps.audit.record(resend);
    await d.deps.audit.record(resend);
    await d.deps.audit.recordOnce({ at: NOW, on: DAY, actor: 'clerk@example.com', action: 'payment.record', entity: 'payment:pay_1', after: {} });
    await d.deps.audit.recordOnce({ at: NOW, on: DAY, actor: 'clerk@example.com', action: 'payment.record', entity: 'payment:pay_1', after: {} });
    await d.deps.audit.record({ at: NOW, actor: 'schedule', action: 'report.resend', entity: 'report:flash:2026-11-20' });

    const items = await dayItems(table, DAY);
    expect(items.find((i) => i.sk === 'totals#GBP')).toMatchObject({ 'error.price-mismatch': 1, duplicatesAbsorbed: 2 });
    expect(items.find((i) => i.sk === 'totals#XXX')).toMatchObject({ 'action.report.resend': 1, 'action.payment.record': 1 });
    expect(await d.deps.audit.entriesOf('report:flash:2026-11-21')).toHaveLength(1);

    // A customer put on credit hold as of 11-20 by dunning and released on 12-05: counted as of each day.
    await putCustomer(ddb.doc(), table, testCustomer('cus_1'));
    const before = (await d.deps.customers.get('cus_1'))!;
    const held = await d.deps.customers.update(before, { ...before, collectionsStatus: 'credit-hold', collectionsSince: '2026-11-20', collectionsLevel: 'final' }, { at: NOW, actor: 'dunning', action: 'customer.credit-hold', entity: 'customer:cus_1' });
    const { collectionsStatus: _s, collectionsSince: _d, collectionsLevel: _l, ...lifted } = held;
    await d.deps.customers.update(held, lifted, { at: '2026-12-05T10:00:00.000Z', actor: 'apply-payment', action: 'customer.collections-lifted', entity: 'customer:cus_1' });
    d.clock.set('2026-12-10T10:00:00.000Z');

    const pack = await financePack({ kind: 'flash', asOf: DAY }, d.deps);
    expect(pack.orderToCash.orderErrors).toEqual([{ reason: 'price-mismatch', count: 1 }]);
    expect(pack.orderToCash.duplicatesAbsorbed).toBe(2);
    expect(pack.automation.manualActions).toEqual([{ action: 'payment.record', count: 1 }, { action: 'report.resend', count: 1 }]);
    expect(pack.currencies.map((c) => c.currency)).toEqual(['GBP']);
    expect(pack.accounts).toMatchObject({ onCreditHold: 1 });
    expect((await financePack({ kind: 'flash', asOf: '2026-11-19' }, d.deps)).accounts).toMatchObject({ onCreditHold: 0 });
    expect((await financePack({ kind: 'flash', asOf: '2026-12-05' }, d.deps)).accounts).toMatchObject({ onCreditHold: 0 });
  }, 240_000);
});
