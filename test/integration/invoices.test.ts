/**
 * The cash-side transactions on DynamoDB Local: gapless numbering, all-or-nothing
 * invoice + ledger writes, idempotent payment application, once-per-level dunning.
 * issue-invoice runs as the use case on the real repositories (mail and PDF in
 * memory); payments and dunning marks are driven through their repositories.
 */
import { DeleteCommand, GetCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { GSI_OPEN_BY_DUE, Keys, NEXT_ACTION_SHARDS, nextActionShardOf } from '../../functions/adapters/table-schema.ts';
import { isBalanced, paymentReceivedEntry, trialBalance } from '../../functions/domain/ledger.ts';
import type { Invoice, JournalEntry, Payment } from '../../functions/domain/model.ts';
import { matchPayment } from '../../functions/domain/payment-matching.ts';
import type { PaymentApplication } from '../../functions/ports.ts';
import { fixedClock } from '../../functions/runtime/clock.ts';
import { settlementsOf } from '../../functions/use-cases/apply-payment.ts';
import { issueInvoice } from '../../functions/use-cases/issue-invoice.ts';
import { scheduleOpenInvoices } from '../../functions/use-cases/schedule-open-invoices.ts';
import { dynamoDeps } from '../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';
import { putOrder, testOrder } from '../support/orders.ts';

/** What apply-payment decides for `payment` against `invoices`, as the repository receives it. */
function paymentApplication(payment: Payment, invoices: readonly Invoice[], appliedAt = '2026-11-25T12:00:00.000Z'): PaymentApplication {
  const match = matchPayment(payment, invoices);
  return {
    payment,
    allocations: match.allocations,
    discounts: match.discounts,
    unapplied: match.unapplied,
    settlements: settlementsOf(invoices, payment, match.allocations, match.discounts),
    entry: paymentReceivedEntry(payment, match.allocations, `pay-${payment.id}`, { discounts: match.discounts }),
    aggregates: { collections: match.allocations.reduce((a, x) => a + x.amount, 0), unappliedCash: match.unapplied },
    appliedAt,
  };
}

/** The repositories on `table`; issued on 2026-11-22 (net 30: due 2026-12-22), with a real sleep between number attempts, as in Lambda. */
const depsOn = (table: string) => ({ ...dynamoDeps(table).deps, clock: fixedClock('2026-11-22T12:00:00.000Z') });

describe('invoice and payment transactions (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  let deps: ReturnType<typeof depsOn>;
  const all = async () => (await ddb.doc().send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];

  beforeEach(async () => {
    table = await ddb.createTable();
    deps = depsOn(table);
  });

  /** Issues the (stored) order's invoice and returns it as stored. */
  const issue = async (orderId: string) => {
    const r = await issueInvoice({ orderId }, deps);
    return { created: r.created, invoice: (await deps.invoices.get(r.invoiceNumber))! };
  };

  it('issues an invoice with its ledger entry and order change in one transaction', async () => {
    await putOrder(ddb.doc(), table, testOrder('ord_a'));
    const { invoice, created } = await issue('ord_a');
    expect(created).toBe(true);
    expect(invoice.number).toBe('INV-2026-000001');
    expect(invoice.totals.total).toBe(3898);
    const stored = await ddb.doc().send(new GetCommand({ TableName: table, Key: Keys.order('ord_a') }));
    expect(stored.Item).toMatchObject({ status: 'invoiced', invoiceNumber: 'INV-2026-000001' });
    const items = await all();
    const entry = items.find((i) => i.type === 'JournalEntry') as unknown as JournalEntry;
    expect(isBalanced(entry)).toBe(true);
    expect(items.filter((i) => i.type === 'LedgerLine')).toHaveLength(entry.lines.length);
    expect((await deps.invoices.openDueBefore('2026-12-23')).map((i) => i.number)).toEqual(['INV-2026-000001']);
    expect(await deps.invoices.openDueBefore('2026-12-22')).toEqual([]);
    // its next action (the courtesy note 3 days before due) in the next-action index
    expect(invoice.nextActionOn).toBe('2026-12-19');
    expect(items.find((i) => i.type === 'NextAction')).toMatchObject({ ...Keys.nextAction(invoice.number), ...Keys.nextActionIndex(invoice.customerId, invoice.number, '2026-12-19'), invoiceNumber: invoice.number });
    expect((await deps.invoices.dueForAction('2026-12-20')).map((i) => i.number)).toEqual([invoice.number]);
    expect(await deps.invoices.dueForAction('2026-12-19')).toEqual([]);
  });

  it('gives an open invoice issued before the next-action index its date (scheduleOpenInvoices), once', async () => {
    await putOrder(ddb.doc(), table, testOrder('ord_l'));
    const { invoice } = await issue('ord_l');
    // as it was before: no date, no item
    await ddb.doc().send(new UpdateCommand({ TableName: table, Key: Keys.invoice(invoice.number), UpdateExpression: 'REMOVE nextActionOn' }));
    await ddb.doc().send(new DeleteCommand({ TableName: table, Key: Keys.nextAction(invoice.number) }));
    expect(await deps.invoices.dueForAction('9999-12-31')).toEqual([]);
    expect(await scheduleOpenInvoices({ asOf: '2026-12-01' }, deps)).toEqual({ scheduled: 1, reindexed: 0, none: 0 });
    expect(await scheduleOpenInvoices({ asOf: '2026-12-01' }, deps)).toEqual({ scheduled: 0, reindexed: 1, none: 0 }); // put again where it is
    expect((await deps.invoices.dueForAction('2026-12-20')).map((i) => i.nextActionOn)).toEqual(['2026-12-19']);
  });

  it("moves a next action item filed in another shard (by invoice number, before the index was sharded by customer) into its customer's shard (scheduleOpenInvoices)", async () => {
    await putOrder(ddb.doc(), table, testOrder('ord_m'));
    const { invoice } = await issue('ord_m');
    const home = nextActionShardOf(invoice.customerId);
    expect((await deps.invoices.dueForAction('2026-12-20', home)).map((i) => i.number)).toEqual([invoice.number]);
    const away = (home + 1) % NEXT_ACTION_SHARDS;
    await ddb.doc().send(new UpdateCommand({ TableName: table, Key: Keys.nextAction(invoice.number), UpdateExpression: 'SET #pk = :away', ExpressionAttributeNames: { '#pk': GSI_OPEN_BY_DUE.partitionKey }, ExpressionAttributeValues: { ':away': Keys.nextActionShard(away) } }));
    expect(await deps.invoices.dueForAction('2026-12-20', home)).toEqual([]);
    expect(await scheduleOpenInvoices({ asOf: '2026-12-01' }, deps)).toEqual({ scheduled: 0, reindexed: 1, none: 0 });
    expect((await deps.invoices.dueForAction('2026-12-20', home)).map((i) => i.number)).toEqual([invoice.number]);
    expect(await deps.invoices.dueForAction('2026-12-20', away)).toEqual([]);
    expect(await deps.invoices.get(invoice.number)).toMatchObject({ nextActionOn: '2026-12-19' });
  });

  it('writes nothing and consumes no number when the order is not shipped', async () => {
    await putOrder(ddb.doc(), table, testOrder('ord_b', 'fulfilling'));
    await expect(issue('ord_b')).rejects.toMatchObject({ name: 'IllegalTransition', message: expect.stringMatching(/from fulfilling to invoiced/) });
    const items = await all();
    expect(items.map((i) => i.type)).toEqual(['Order']);
    // The next good invoice still gets number 1.
    await putOrder(ddb.doc(), table, testOrder('ord_c'));
    expect((await issue('ord_c')).invoice.number).toBe('INV-2026-000001');
  });

  it('re-running for the same order returns the same invoice and changes nothing', async () => {
    await putOrder(ddb.doc(), table, testOrder('ord_d'));
    const first = await issue('ord_d');
    const before = await all();
    const again = await issue('ord_d');
    expect(again).toMatchObject({ created: false, invoice: { number: first.invoice.number } });
    expect(await all()).toEqual(before);
  });

  it('numbers 20 concurrent invoices 1..20 with no gap and no duplicate', async () => {
    const orders = Array.from({ length: 20 }, (_, i) => testOrder(`ord_${i}`));
    await Promise.all(orders.map((o) => putOrder(ddb.doc(), table, o)));
    const results = await Promise.all(orders.map((o) => issue(o.id)));
    const sequences = results.map((r) => r.invoice.sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const counter = await ddb.doc().send(new GetCommand({ TableName: table, Key: Keys.invoiceCounter('INV', 2026) }));
    expect(counter.Item?.seq).toBe(20);
    const entries = (await all()).filter((i) => i.type === 'JournalEntry') as unknown as JournalEntry[];
    expect(entries).toHaveLength(20);
    expect(Object.values(trialBalance(entries).GBP!).reduce((a, b) => a + (b ?? 0), 0)).toBe(0);
  }, 180_000); // 20 racing for one counter: ~210 transactions with their aggregate items, one at a time on DynamoDB Local

  it('applies a payment once, partially then fully, and drops paid invoices from the open index', async () => {
    await putOrder(ddb.doc(), table, testOrder('ord_p'));
    const { invoice } = await issue('ord_p');
    const pay = async (id: string, amount: number) => {
      const payment: Payment = { id, source: 'bank', externalId: id, amount, currency: 'GBP', receivedOn: '2026-11-25', remittance: `Thanks, ${invoice.number}` };
      const current = (await deps.invoices.get(invoice.number))!;
      return deps.payments.apply(paymentApplication(payment, [current]));
    };
    expect(await pay('pay_1', 1000)).toBe(true);
    expect(await pay('pay_1', 1000)).toBe(false); // redelivery
    expect(await deps.invoices.get(invoice.number)).toMatchObject({ balance: 2898, status: 'partially_paid' });
    expect(await deps.invoices.openDueBefore('9999-12-31')).toHaveLength(1);
    expect((await deps.invoices.dueForAction('9999-12-31')).map((i) => i.number)).toEqual([invoice.number]);
    expect(await pay('pay_2', 5000)).toBe(true);
    expect(await deps.invoices.get(invoice.number)).toMatchObject({ balance: 0, status: 'paid' });
    expect(await deps.invoices.get(invoice.number)).not.toHaveProperty('nextActionOn');
    expect(await deps.invoices.openDueBefore('9999-12-31')).toHaveLength(0);
    expect(await deps.invoices.dueForAction('9999-12-31')).toEqual([]); // its next action item left with the settlement
    expect((await all()).filter((i) => i.type === 'NextAction')).toEqual([]);
    const entries = (await all()).filter((i) => i.type === 'JournalEntry') as unknown as JournalEntry[];
    const tb = trialBalance(entries).GBP!;
    expect(tb.accounts_receivable).toBe(0);
    expect(tb.cash).toBe(6000);
    expect(tb.unapplied_cash).toBe(-(6000 - 3898));
  }, 60_000);

  it('claims each dunning level once and records it sent when confirmed queued', async () => {
    await putOrder(ddb.doc(), table, testOrder('ord_r'));
    const { invoice } = await issue('ord_r');
    const at = '2027-01-01T06:00:00.000Z';
    expect(await deps.dunning.claim(invoice.number, 'reminder', '2027-01-01', at)).toBe('new');
    expect(await deps.dunning.claim(invoice.number, 'reminder', '2027-01-01', at)).toBe('pending'); // claimed, not yet queued
    await deps.dunning.confirmQueued(invoice, 'reminder', at, '2027-01-15');
    await deps.dunning.confirmQueued(invoice, 'reminder', at, '2027-01-20'); // twice changes nothing
    expect(await deps.dunning.claim(invoice.number, 'reminder', '2027-01-01', at)).toBe('queued');
    expect(await deps.invoices.get(invoice.number)).toMatchObject({ dunningLevels: ['reminder'], nextActionOn: '2027-01-15' });
    // the same write moved its place in the next-action index
    expect((await deps.invoices.dueForAction('2027-01-15')).map((i) => i.number)).toEqual([]);
    expect((await deps.invoices.dueForAction('2027-01-16')).map((i) => i.number)).toEqual([invoice.number]);
    const marks = await ddb.doc().send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)', ExpressionAttributeValues: { ':pk': `INVOICE#${invoice.number}`, ':d': 'DUNNING#' } }));
    expect(marks.Items).toHaveLength(1);
  });
});
