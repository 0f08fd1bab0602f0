/**
 * The finance pack on DynamoDB Local: the worked book (test/support/figures-book.ts) written through the real use
 * cases and repositories gives the same pack as on the memory world (whose figures finance-pack.test.ts works out
 * by hand) — the aggregates added in each business transaction (merged per item, booked ahead for current AR, the
 * since-inception stocks), the settled-on pointers and the dispute marks are what it reads. Writing the same event
 * twice (a redelivered payment) changes nothing.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { Keys } from '../../functions/adapters/table-schema.ts';
import { applyPayment } from '../../functions/use-cases/apply-payment.ts';
import { financePack } from '../../functions/use-cases/finance-pack.ts';
import { WORKED_BOOK, writeBook } from '../support/figures-book.ts';
import { dynamoDeps } from '../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';
import { memoryWorld } from '../support/memory.ts';
import { putCustomer, putOrder } from '../support/orders.ts';

describe('finance pack (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();

  it('computes the worked book’s pack as the memory world does, for every kind, as of the day and after it; a redelivered payment adds nothing', async () => {
    const table = await ddb.createTable();
    const d = dynamoDeps(table, { now: '2026-07-01T12:00:00.000Z' });
    const numbers = await writeBook({ deps: d.deps, clock: d.clock, putOrder: (o) => putOrder(ddb.doc(), table, o), putCustomer: async (c) => {
      await putCustomer(ddb.doc(), table, c);
      // As customers.create writes it: the name in the directory partition (what top debtors are named from).
      await ddb.doc().send(new PutCommand({ TableName: table, Item: { ...Keys.customerName(c.id), type: 'CustomerName', name: c.name } }));
    } }, WORKED_BOOK);
    const m = memoryWorld({ now: '2026-07-01T12:00:00.000Z' });
    await writeBook({ deps: m.deps, clock: m.clock, putOrder: (o) => m.putOrder(o), putCustomer: (c) => m.putCustomer(c) }, WORKED_BOOK);
    d.clock.set('2027-01-15T12:00:00.000Z');
    m.clock.set('2027-01-15T12:00:00.000Z');

    const dynamoPack = await financePack({ kind: 'month-end', asOf: '2026-11-30' }, d.deps);
    expect(dynamoPack.currencies[0]!.kpi).toMatchObject({ dso: 38.3, countbackDso: 56, bestPossibleDso: 26.4, add: 11.9, cei: 38.8, openingAr: 40000, closingAr: 97000, closingCurrentAr: 67000, creditSales: 76000 });
    expect(dynamoPack.currencies[0]!.aging.buckets).toEqual({ current: 57000, d1_30: 20000, d31_60: 0, d61_90: 0, d90_plus: 10000 });
    expect(dynamoPack.currencies[0]!.aging.disputed).toBe(10000);
    for (const [kind, asOf] of [['month-end', '2026-11-30'], ['weekly', '2026-11-25'], ['flash', '2026-11-12'], ['month-end', '2026-12-31'], ['flash', '2026-12-03']] as const) {
      expect(await financePack({ kind, asOf }, d.deps), `${kind} ${asOf}`).toEqual(await financePack({ kind, asOf }, m.deps));
    }

    // The same payment delivered again: applied once, nothing added to any aggregate.
    const before = await ddb.doc().send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': Keys.aggregatePeriod('2026-11-25') } }));
    await applyPayment({ id: 'pay_INV9_3', source: 'bank', externalId: 'ext_INV9_3', amount: 5000, currency: 'GBP', receivedOn: '2026-11-25', remittance: numbers.get('INV9')!, customerId: 'cus_1' }, d.deps);
    const after = await ddb.doc().send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': Keys.aggregatePeriod('2026-11-25') } }));
    expect(after.Items).toEqual(before.Items);
  }, 120_000);
});
