/**
 * plan-dunning on DynamoDB Local: overdue invoices from every shard of the open
 * index, one reminder per invoice and level however often it runs, and a run
 * that dies before queueing loses nothing. The queue is a port (a capturing fake).
 */
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyPayment, getInvoice, issueInvoice, openInvoicesDueBefore } from '../../../functions/adapters/invoices.ts';
import { openInvoiceShard } from '../../../functions/adapters/table-schema.ts';
import { invoiceIssuedEntry, paymentReceivedEntry } from '../../../functions/domain/ledger.ts';
import type { Payment } from '../../../functions/domain/model.ts';
import { useDynamoDbLocal } from '../../support/dynamodb.ts';
import { putOrder, testOrder } from '../../support/orders.ts';

type PlanDunning = typeof import('../../../functions/handlers/plan-dunning.ts');
type Reminder = { invoiceNumber: string; level: number; asOf: string };

describe('plan-dunning (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let plan: PlanDunning;

  beforeAll(async () => {
    Object.assign(process.env, { DUNNING_LEVELS: '1,7,14,30', TIMEZONE: 'Europe/London', DUNNING_QUEUE_URL: 'q/dunning' });
    plan = await import('../../../functions/handlers/plan-dunning.ts');
  });
  beforeEach(async () => {
    await ddb.createTable();
  });

  /** Issues one invoice per issue date (net 30: due 30 days later). */
  const issueOn = async (dates: string[]) => {
    const out = [];
    for (const [i, issueDate] of dates.entries()) {
      const order = testOrder(`ord_${i}`);
      await putOrder(ddb.doc(), process.env.TABLE_NAME!, order);
      const r = await issueInvoice({ order, series: 'INV', issueDate, terms: { netDays: 30 }, policy: { rounding: 'half-up', level: 'line' }, entryFor: (inv) => invoiceIssuedEntry(inv, `inv-${inv.number}`) });
      out.push(r.invoice);
    }
    return out;
  };
  const capture = () => {
    const sent: Reminder[] = [];
    return { sent, enqueue: async (m: Reminder[]) => void sent.push(...m) };
  };

  it('queues each due level once across shards, skips paid and not-yet-due invoices, and re-runs queue nothing', async () => {
    // Twelve invoices due 2026-12-01 .. 2026-12-12; the first is paid in full.
    const invoices = await issueOn(Array.from({ length: 12 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`));
    expect(new Set(invoices.map((i) => openInvoiceShard(i.number))).size).toBeGreaterThan(1);
    const paid = invoices[0]!;
    const payment: Payment = { id: 'pay_full', source: 'bank', externalId: 'x', amount: paid.balance, currency: 'GBP', receivedOn: '2026-12-03' };
    const allocations = [{ invoiceId: paid.id, amount: paid.balance }];
    await applyPayment({ payment, allocations, discounts: [], invoices: [paid], entry: paymentReceivedEntry(payment, allocations, 'pay-full'), unapplied: 0 });

    // As of 2026-12-09: due 12-02..12-08 are 1..7 days late (12-01 is paid; 12-09.. not late).
    const first = capture();
    expect(await plan.planDunning({ asOf: '2026-12-09' }, first.enqueue)).toEqual({ asOf: '2026-12-09', overdue: 7, reminders: 7 });
    const levelOf = Object.fromEntries(first.sent.map((m) => [m.invoiceNumber, m.level]));
    expect(levelOf[invoices[1]!.number]).toBe(7); // due 12-02: 7 days late → level 7 (not 1 then 7)
    expect(levelOf[invoices[7]!.number]).toBe(1); // due 12-08: 1 day late
    expect(levelOf[invoices[0]!.number]).toBeUndefined(); // paid
    expect(levelOf[invoices[8]!.number]).toBeUndefined(); // due on asOf: not late
    expect(first.sent.every((m) => m.asOf === '2026-12-09')).toBe(true);

    const again = capture();
    expect(await plan.planDunning({ asOf: '2026-12-09' }, again.enqueue)).toMatchObject({ reminders: 0 });
    expect(again.sent).toEqual([]);
    expect((await getInvoice(invoices[1]!.number)) as unknown as { dunningLevels: number[] }).toMatchObject({ dunningLevels: [7] });

    // A week later the next levels fall due, each once.
    const later = capture();
    await plan.planDunning({ asOf: '2026-12-16' }, later.enqueue);
    expect(later.sent.find((m) => m.invoiceNumber === invoices[1]!.number)?.level).toBe(14);
    expect(later.sent.find((m) => m.invoiceNumber === invoices[7]!.number)?.level).toBe(7);
  });

  it('a run that fails to queue loses no reminder: the next run queues the claimed levels', async () => {
    const [inv] = await issueOn(['2026-11-01']);
    await expect(plan.planDunning({ asOf: '2026-12-02' }, async () => Promise.reject(new Error('SQS down')))).rejects.toThrow('SQS down');
    const retry = capture();
    expect(await plan.planDunning({ asOf: '2026-12-02' }, retry.enqueue)).toMatchObject({ reminders: 1 });
    expect(retry.sent).toEqual([{ invoiceNumber: inv!.number, level: 1, asOf: '2026-12-02' }]);
    const third = capture();
    await plan.planDunning({ asOf: '2026-12-02' }, third.enqueue);
    expect(third.sent).toEqual([]);
  });

  it('reads the open index by due date, exclusive of asOf', async () => {
    await issueOn(['2026-11-01', '2026-11-02']);
    expect((await openInvoicesDueBefore('2026-12-02')).map((i) => i.dueDate)).toEqual(['2026-12-01']);
    expect(await openInvoicesDueBefore('2026-12-01')).toEqual([]);
  });
});
