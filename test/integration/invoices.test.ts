/**
 * The cash-side transactions on DynamoDB Local: gapless numbering, all-or-nothing
 * invoice + ledger writes, idempotent payment application, once-per-level dunning.
 */
import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { applyPayment, claimDunningLevel, confirmDunningQueued, getInvoice, issueInvoice, openInvoicesDueBefore } from '../../functions/adapters/invoices.ts';
import { Keys } from '../../functions/adapters/table-schema.ts';
import { invoiceIssuedEntry, isBalanced, paymentReceivedEntry, trialBalance } from '../../functions/domain/ledger.ts';
import type { JournalEntry, Payment } from '../../functions/domain/model.ts';
import { matchPayment } from '../../functions/domain/payment-matching.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';
import { putOrder, testOrder } from '../support/orders.ts';

const policy = { rounding: 'half-up', level: 'line' } as const;
const issue = (order: ReturnType<typeof testOrder>, issueDate = '2026-11-22') =>
  issueInvoice({ order, series: 'INV', issueDate, terms: { netDays: 30 }, policy, entryFor: (inv) => invoiceIssuedEntry(inv, `inv-${inv.number}`) });

describe('invoice and payment transactions (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  const all = async () => (await ddb.doc().send(new ScanCommand({ TableName: table }))).Items ?? [];

  beforeEach(async () => {
    table = await ddb.createTable();
  });

  it('issues an invoice with its ledger entry and order change in one transaction', async () => {
    const order = testOrder('ord_a');
    await putOrder(ddb.doc(), table, order);
    const { invoice, created } = await issue(order);
    expect(created).toBe(true);
    expect(invoice.number).toBe('INV-2026-000001');
    expect(invoice.totals.total).toBe(3898);
    const stored = await ddb.doc().send(new GetCommand({ TableName: table, Key: Keys.order('ord_a') }));
    expect(stored.Item).toMatchObject({ status: 'invoiced', invoiceNumber: 'INV-2026-000001' });
    const items = await all();
    const entry = items.find((i) => i.type === 'JournalEntry') as unknown as JournalEntry;
    expect(isBalanced(entry)).toBe(true);
    expect(items.filter((i) => i.type === 'LedgerLine')).toHaveLength(entry.lines.length);
    expect((await openInvoicesDueBefore('2026-12-23')).map((i) => i.number)).toEqual(['INV-2026-000001']);
    expect(await openInvoicesDueBefore('2026-12-22')).toEqual([]);
  });

  it('writes nothing and consumes no number when the order is not shipped', async () => {
    const order = testOrder('ord_b', 'fulfilling');
    await putOrder(ddb.doc(), table, order);
    await expect(issue(order)).rejects.toThrow(/not shipped/);
    const items = await all();
    expect(items.map((i) => i.type)).toEqual(['Order']);
    // The next good invoice still gets number 1.
    const ok = testOrder('ord_c');
    await putOrder(ddb.doc(), table, ok);
    expect((await issue(ok)).invoice.number).toBe('INV-2026-000001');
  });

  it('re-running for the same order returns the same invoice and changes nothing', async () => {
    const order = testOrder('ord_d');
    await putOrder(ddb.doc(), table, order);
    const first = await issue(order);
    const before = (await all()).length;
    const again = await issue(order);
    expect(again).toMatchObject({ created: false, invoice: { number: first.invoice.number } });
    expect((await all()).length).toBe(before);
  });

  it('numbers 20 concurrent invoices 1..20 with no gap and no duplicate', async () => {
    const orders = Array.from({ length: 20 }, (_, i) => testOrder(`ord_${i}`));
    await Promise.all(orders.map((o) => putOrder(ddb.doc(), table, o)));
    const results = await Promise.all(orders.map((o) => issue(o)));
    const sequences = results.map((r) => r.invoice.sequence).sort((a, b) => a - b);
    expect(sequences).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const counter = await ddb.doc().send(new GetCommand({ TableName: table, Key: Keys.invoiceCounter('INV', 2026) }));
    expect(counter.Item?.seq).toBe(20);
    const entries = (await all()).filter((i) => i.type === 'JournalEntry') as unknown as JournalEntry[];
    expect(entries).toHaveLength(20);
    expect(Object.values(trialBalance(entries).GBP!).reduce((a, b) => a + (b ?? 0), 0)).toBe(0);
  }, 60_000);

  it('applies a payment once, partially then fully, and drops paid invoices from the open index', async () => {
    const order = testOrder('ord_p');
    await putOrder(ddb.doc(), table, order);
    const { invoice } = await issue(order);
    const pay = async (id: string, amount: number) => {
      const payment: Payment = { id, source: 'bank', externalId: id, amount, currency: 'GBP', receivedOn: '2026-11-25', remittance: `Thanks, ${invoice.number}` };
      const current = (await getInvoice(invoice.number))!;
      const match = matchPayment(payment, [current]);
      return applyPayment({ payment, allocations: match.allocations, discounts: match.discounts, invoices: [current], entry: paymentReceivedEntry(payment, match.allocations, `pay-${id}`), unapplied: match.unapplied });
    };
    expect(await pay('pay_1', 1000)).toBe(true);
    expect(await pay('pay_1', 1000)).toBe(false); // redelivery
    expect((await getInvoice(invoice.number))).toMatchObject({ balance: 2898, status: 'partially_paid' });
    expect(await openInvoicesDueBefore('9999-12-31')).toHaveLength(1);
    expect(await pay('pay_2', 5000)).toBe(true);
    expect(await getInvoice(invoice.number)).toMatchObject({ balance: 0, status: 'paid' });
    expect(await openInvoicesDueBefore('9999-12-31')).toHaveLength(0);
    const entries = (await all()).filter((i) => i.type === 'JournalEntry') as unknown as JournalEntry[];
    const tb = trialBalance(entries).GBP!;
    expect(tb.accounts_receivable).toBe(0);
    expect(tb.cash).toBe(6000);
    expect(tb.unapplied_cash).toBe(-(6000 - 3898));
  });

  it('claims each dunning level once and records it sent when confirmed queued', async () => {
    const order = testOrder('ord_r');
    await putOrder(ddb.doc(), table, order);
    const { invoice } = await issue(order);
    expect(await claimDunningLevel(invoice.number, 7, '2027-01-01')).toBe('new');
    expect(await claimDunningLevel(invoice.number, 7, '2027-01-01')).toBe('pending'); // claimed, not yet queued
    await confirmDunningQueued(invoice.number, 7);
    await confirmDunningQueued(invoice.number, 7); // twice changes nothing
    expect(await claimDunningLevel(invoice.number, 7, '2027-01-01')).toBe('queued');
    expect((await getInvoice(invoice.number)) as unknown as { dunningLevels: number[] }).toMatchObject({ dunningLevels: [7] });
    const marks = await ddb.doc().send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :d)', ExpressionAttributeValues: { ':pk': `INVOICE#${invoice.number}`, ':d': 'DUNNING#' } }));
    expect(marks.Items).toHaveLength(1);
  });
});
