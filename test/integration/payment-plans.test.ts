/**
 * Payment plans on DynamoDB Local: the plan item in the customer's partition, each covered invoice's hold and its
 * next action item moved to the day after the first instalment's last day, in one transaction; a retried agreement
 * writes nothing new; plan-dunning holds the invoices while the plan is kept and breaks it when an instalment is
 * missed (audited), and the letter resumes at the level after the last one sent.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { Keys } from '../../functions/adapters/table-schema.ts';
import { agreePaymentPlan, paymentPlansOf } from '../../functions/use-cases/payment-plans.ts';
import { issueInvoice } from '../../functions/use-cases/issue-invoice.ts';
import { planDunning } from '../../functions/use-cases/plan-dunning.ts';
import { dynamoDeps } from '../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';
import { putOrder, testCustomer, testOrder } from '../support/orders.ts';

const gbp = (amount: number) => ({ amount, currency: 'GBP' });

describe('payment plans (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  beforeEach(async () => {
    table = await ddb.createTable();
  });
  const item = async (key: { pk: string; sk: string }) => (await ddb.doc().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  const partition = async (pk: string) => (await ddb.doc().send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }))).Items ?? [];

  /** Two invoices of cus_1 (£38.98 each) issued 2026-11-22, due 2026-12-22; the world's clock then on 2027-01-10. */
  async function book() {
    const w = dynamoDeps(table, { now: '2026-11-22T10:00:00.000Z' });
    await w.deps.customers.create({ ...testCustomer('cus_1'), shop: 'acme', createdAt: '2026-11-01T00:00:00.000Z' }, { at: '2026-11-01T00:00:00.000Z', actor: 'test', action: 'customer.create', entity: 'customer:cus_1' });
    const numbers: string[] = [];
    for (const n of [1, 2]) {
      await putOrder(ddb.doc(), table, testOrder(`ord_${n}`));
      numbers.push((await issueInvoice({ orderId: `ord_${n}` }, w.deps)).invoiceNumber);
    }
    w.clock.set('2027-01-10T10:00:00.000Z');
    return { w, numbers };
  }
  const instalments = [
    { dueDate: '2027-01-20', amount: gbp(3898) },
    { dueDate: '2027-02-20', amount: gbp(3898) },
  ];

  it('writes the plan, the holds and the next action items in one transaction; a retry writes nothing new', async () => {
    const { w, numbers } = await book();
    const plan = await agreePaymentPlan({ customerId: 'cus_1', instalments }, 'finance key', w.deps);
    expect(plan).toMatchObject({ status: 'active', covered: gbp(7796), invoices: numbers.map((n) => ({ invoiceNumber: n, balanceAgreed: gbp(3898) })) });
    expect(await item(Keys.paymentPlan('cus_1', plan.planId))).toMatchObject({ type: 'PaymentPlan', planId: plan.planId, status: 'active', covered: 7796, graceDays: 3, version: 1 });
    for (const n of numbers) {
      expect(await item(Keys.invoice(n))).toMatchObject({ paymentPlan: { planId: plan.planId, heldUntil: '2027-01-23', atLevel: 0 }, nextActionOn: '2027-01-24' });
      expect(await item(Keys.nextAction(n))).toMatchObject({ ...Keys.nextActionIndex('cus_1', n, '2027-01-24'), customerId: 'cus_1', nextActionOn: '2027-01-24' });
    }
    expect((await w.deps.invoices.dueForAction('2027-01-24')).map((i) => i.number)).toEqual([]);
    expect((await w.deps.invoices.dueForAction('2027-01-25')).map((i) => i.number).sort()).toEqual(numbers);
    const again = await agreePaymentPlan({ customerId: 'cus_1', instalments }, 'finance key', w.deps);
    expect(again.planId).toBe(plan.planId);
    expect((await partition(Keys.customer('cus_1').pk)).filter((i) => i.type === 'PaymentPlan')).toHaveLength(1);
    expect((await partition(Keys.auditPartition('customer:cus_1'))).filter((a) => a.action === 'payment-plan.agree')).toHaveLength(1);
  });

  it('plan-dunning holds the invoices while the plan is kept and breaks it on a missed instalment: the letter resumes where dunning stood (nothing sent yet: the first reminder), audited', async () => {
    const { w, numbers } = await book();
    const { planId } = await agreePaymentPlan({ customerId: 'cus_1', instalments }, 'finance key', w.deps);
    const run = (asOf: string) => planDunning({ asOf }, w.deps);
    expect(await run('2027-01-12')).toMatchObject({ letters: 0 }); // the firm level (+21) would be due
    // the first instalment is paid (the first invoice in full) before its last day
    await ddb.doc().send(new UpdateCommand({ TableName: table, Key: Keys.invoice(numbers[0]!), UpdateExpression: 'SET balance = :z, #s = :paid', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':z': 0, ':paid': 'paid' } }));
    expect(await run('2027-01-24')).toMatchObject({ letters: 0 });
    expect(await item(Keys.invoice(numbers[1]!))).toMatchObject({ paymentPlan: { heldUntil: '2027-02-23' }, nextActionOn: '2027-02-24' });
    expect(await run('2027-02-10')).toMatchObject({ letters: 0 });
    const broken = await run('2027-02-24');
    expect(broken).toMatchObject({ letters: 1, plansBroken: 1 });
    expect(w.deps.reminderQueue.sent).toEqual([expect.objectContaining({ customerId: 'cus_1', items: [{ invoiceNumber: numbers[1], level: 'reminder' }], earlierReminder: false })]);
    expect(await item(Keys.paymentPlan('cus_1', planId))).toMatchObject({ status: 'broken', endedOn: '2027-02-24', version: 3 });
    expect((await item(Keys.invoice(numbers[1]!)))!.paymentPlan).toBeUndefined();
    expect((await partition(Keys.auditPartition('customer:cus_1'))).filter((a) => a.action === 'payment-plan.broken')).toEqual([expect.objectContaining({ actor: 'dunning', reason: 'instalment 2 (£38.98 due 2027-02-20) was not paid by 2027-02-23' })]);
    expect((await paymentPlansOf('cus_1', w.deps)).plans[0]).toMatchObject({ status: 'broken', paid: gbp(3898), instalments: [{ state: 'paid' }, { state: 'missed' }] });
  });
});
