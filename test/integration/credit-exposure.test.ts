/**
 * The credit check's unapplied cash on DynamoDB Local: read from the customer's unapplied-cash items (kept in the
 * transactions that apply, allocate, refund and release payments), not from every payment the customer ever made.
 * The exposure is the one the whole payment history gives (the way it was read before) for a customer with
 * applied, part-applied, allocated, refunded and unapplied payments; the items and read units the credit check
 * spends on payments stay the same when the customer's applied history grows; the one-off upgrade files payments
 * that held cash before the items existed, and may run again.
 */
import { DeleteCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { dynamoTable } from '../../functions/adapters/dynamo.ts';
import { dynamoPayments } from '../../functions/adapters/invoices.ts';
import { Keys } from '../../functions/adapters/table-schema.ts';
import { exposureBreakdown } from '../../functions/domain/credit.ts';
import type { Payments } from '../../functions/ports.ts';
import { applyPayment } from '../../functions/use-cases/apply-payment.ts';
import { customerExposure } from '../../functions/use-cases/check-credit.ts';
import { fileUnappliedCash } from '../../functions/use-cases/file-unapplied-cash.ts';
import { issueInvoice } from '../../functions/use-cases/issue-invoice.ts';
import { allocateUnappliedCash, refundUnappliedCash } from '../../functions/use-cases/unapplied-cash.ts';
import { dynamoDeps } from '../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';
import { putOrder, testCustomer, testOrder } from '../support/orders.ts';

const CUSTOMER = 'cus_exp';
const INVOICES = 14;

describe('the credit exposure reads only unapplied cash (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  let world: ReturnType<typeof dynamoDeps>;
  /** What the counting client read: items (a Query's Count, a GetItem's one) and read units. */
  const read = { items: 0, units: 0 };
  let counted: Payments;

  const invoiceNumber = (n: number) => `INV-2026-${String(n).padStart(6, '0')}`;
  const totalOf = async (n: number) => (await world.deps.invoices.get(invoiceNumber(n)))!.totals.total;
  const pay = (id: string, amount: number, remittance: string) =>
    applyPayment({ id, source: 'bank', externalId: `BANK-${id}`, amount, currency: 'GBP', receivedOn: '2026-11-23', remittance, customerId: CUSTOMER }, world.deps);
  /** The exposure the way check-credit read it before: every payment of the customer, those holding cash. */
  const fromHistory = async () => {
    const [account, payments] = await Promise.all([world.deps.customers.account(CUSTOMER), world.deps.payments.ofCustomer(CUSTOMER, '9999-12-31')]);
    return exposureBreakdown({ account, currency: 'GBP', unapplied: payments.filter((p) => p.unapplied > 0).map((p) => ({ amount: p.unapplied, currency: p.currency })) });
  };
  /** The exposure as check-credit reads it now, the payments' reads counted. */
  const now = async () => {
    read.items = 0;
    read.units = 0;
    const breakdown = await customerExposure(await world.deps.customers.get(CUSTOMER), undefined, CUSTOMER, { ...world.deps, payments: counted });
    return { breakdown, items: read.items, units: read.units };
  };

  beforeAll(async () => {
    table = await ddb.createTable();
    world = dynamoDeps(table, { now: '2026-11-23T12:00:00.000Z' });
    const doc = ddb.doc();
    const counting = {
      send: async (command: { input: Record<string, unknown> }) => {
        command.input.ReturnConsumedCapacity = 'TOTAL';
        const out = (await doc.send(command as never)) as { Count?: number; Item?: unknown; ConsumedCapacity?: { CapacityUnits?: number } };
        read.items += out.Count ?? (out.Item ? 1 : 0);
        read.units += out.ConsumedCapacity?.CapacityUnits ?? 0;
        return out;
      },
    } as unknown as DynamoDBDocumentClient;
    counted = dynamoPayments(dynamoTable(table, () => counting));
    await world.deps.customers.create({ ...testCustomer(CUSTOMER, { creditLimit: 1_000_000 }), shop: '-', createdAt: '2026-10-01T00:00:00Z' } as never, { at: '2026-10-01T00:00:00Z', actor: 'test', action: 'customer.create', entity: `customer:${CUSTOMER}` });
    for (let i = 1; i <= INVOICES; i++) {
      const order = testOrder(`ord_exp_${i}`, 'shipped', { customerId: CUSTOMER });
      await putOrder(doc, table, order);
      await issueInvoice({ orderId: order.id }, world.deps);
    }
  }, 240_000);

  it('is the exposure the whole payment history gives; reads the same items however much is applied; the one-off files older payments', { timeout: 240_000 }, async () => {
    // Applied in full, part-applied (5.00 over), unapplied on account, unapplied then partly allocated, unapplied then paid back.
    await pay('pay_full', await totalOf(1), invoiceNumber(1));
    await pay('pay_part', (await totalOf(2)) + 500, invoiceNumber(2));
    await pay('pay_on_account', 1234, 'on account');
    await pay('pay_alloc', 5000, 'advance');
    await pay('pay_back', 700, 'deposit');
    await allocateUnappliedCash({ paymentId: 'pay_alloc', invoiceNumber: invoiceNumber(3), amount: { amount: 2000, currency: 'GBP' } }, 'finance@example.com', world.deps);
    await refundUnappliedCash({ paymentId: 'pay_back', reason: 'paid twice' }, 'finance@example.com', world.deps);
    const payments = await world.deps.payments.ofCustomer(CUSTOMER, '9999-12-31');
    expect(payments.map((p) => [p.id, p.unapplied]).sort()).toEqual([['pay_alloc', 3000], ['pay_back', 0], ['pay_full', 0], ['pay_on_account', 1234], ['pay_part', 500]]);

    const before = await now();
    expect(before.breakdown).toEqual(await fromHistory());
    expect(before.breakdown.unappliedCash).toBe(500 + 1234 + 3000);
    expect((await counted.unappliedOf(CUSTOMER)).map((u) => [u.paymentId, u.amount, u.currency]).sort()).toEqual([['pay_alloc', 3000, 'GBP'], ['pay_on_account', 1234, 'GBP'], ['pay_part', 500, 'GBP']]);
    expect(before.items).toBe(3); // the three payments holding cash, not the five

    // Eight more payments, each paying an invoice off: the history grows, the unapplied cash does not.
    for (let n = 4; n <= 11; n++) await pay(`pay_hist_${n}`, await totalOf(n), invoiceNumber(n));
    const after = await now();
    expect(after.breakdown).toEqual(await fromHistory());
    expect(after.breakdown.unappliedCash).toBe(before.breakdown.unappliedCash);
    expect(after.breakdown.openReceivables).toBeLessThan(before.breakdown.openReceivables);
    expect(after.items).toBe(before.items);
    expect(after.units).toBe(before.units);
    // What the old read cost grows with the history (13 payments).
    read.items = 0;
    await counted.ofCustomer(CUSTOMER, '9999-12-31');
    expect(read.items).toBe(13);

    // Payments written before the unapplied-cash items: none filed, until the one-off files them (and again changes nothing).
    const filed = await ddb.doc().send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': Keys.customer(CUSTOMER).pk, ':p': Keys.unappliedCashPrefix } }));
    expect(filed.Items).toHaveLength(3);
    for (const item of filed.Items ?? []) await ddb.doc().send(new DeleteCommand({ TableName: table, Key: { pk: item.pk, sk: item.sk } }));
    expect((await now()).breakdown.unappliedCash).toBe(0);
    expect(await fileUnappliedCash(world.deps)).toEqual({ customers: 1, filed: 3, changed: 0 });
    expect((await now()).breakdown).toEqual(await fromHistory());
    expect(await fileUnappliedCash(world.deps)).toEqual({ customers: 1, filed: 3, changed: 0 });
    expect((await now()).breakdown).toEqual(after.breakdown);
    // A payment that moved after it was read is not filed with the old amount (its own move keeps its item).
    const stale = (await world.deps.payments.get('pay_alloc'))!;
    await allocateUnappliedCash({ paymentId: 'pay_alloc', invoiceNumber: invoiceNumber(12), amount: { amount: 3000, currency: 'GBP' } }, 'finance@example.com', world.deps);
    expect(await world.deps.payments.fileUnapplied(stale)).toBe('changed');
    expect((await counted.unappliedOf(CUSTOMER)).map((u) => u.paymentId).sort()).toEqual(['pay_on_account', 'pay_part']);
    expect((await now()).breakdown).toEqual(await fromHistory());

    // A bank return that takes an unapplied payment back takes its cash off the customer in the same transaction.
    await pay('pay_returned', 900, 'on account');
    expect((await counted.unappliedOf(CUSTOMER)).map((u) => u.paymentId).sort()).toEqual(['pay_on_account', 'pay_part', 'pay_returned']);
    const returned = (await world.deps.payments.get('pay_returned'))!;
    const reversed = await world.deps.paymentReturns.reverse({
      payment: returned,
      record: { account: 'GB33BUKB20201555555555', entryKey: 'R-EXP', paymentId: returned.id, on: '2026-11-24', amount: 900, currency: 'GBP' },
      reopened: [],
      paymentEvent: { on: '2026-11-24', kind: 'return', amount: 900 },
      entry: { id: `return-${returned.id}`, date: '2026-11-24', currency: 'GBP', memo: 'returned', reference: returned.id, lines: [{ account: 'cash', side: 'credit', amount: 900 }, { account: 'unapplied_cash', side: 'debit', amount: 900 }] },
      audit: { at: '2026-11-24T10:00:00.000Z', actor: 'test', action: 'payment.return', entity: `payment:${returned.id}`, before: {}, after: {} },
      aggregates: {},
    });
    expect(reversed).toBe('reversed');
    expect((await counted.unappliedOf(CUSTOMER)).map((u) => u.paymentId).sort()).toEqual(['pay_on_account', 'pay_part']);
    expect((await now()).breakdown).toEqual(await fromHistory());
  });
});
