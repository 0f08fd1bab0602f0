/**
 * plan-dunning on DynamoDB Local: overdue invoices from every shard of the open
 * index, one reminder per invoice and level however often it runs, and a run
 * that dies before queueing loses nothing. The queue is a port (a capturing fake).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { openInvoiceShard } from '../../../functions/adapters/table-schema.ts';
import { paymentReceivedEntry } from '../../../functions/domain/ledger.ts';
import type { Invoice, Payment } from '../../../functions/domain/model.ts';
import type { Outbox, ReminderRequest } from '../../../functions/ports.ts';
import { settlementsOf } from '../../../functions/use-cases/apply-payment.ts';
import { issueInvoice } from '../../../functions/use-cases/issue-invoice.ts';
import { planDunning } from '../../../functions/use-cases/plan-dunning.ts';
import { dynamoDeps } from '../../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../../support/dynamodb.ts';
import { memoryOutbox } from '../../support/memory.ts';
import { putOrder, testOrder } from '../../support/orders.ts';

describe('plan-dunning (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  let world: ReturnType<typeof dynamoDeps>;

  beforeEach(async () => {
    table = await ddb.createTable();
    world = dynamoDeps(table);
  });

  /** Issues one invoice per issue date (net 30: due 30 days later). */
  const issueOn = async (dates: string[]): Promise<Invoice[]> => {
    const out = [];
    for (const [i, issueDate] of dates.entries()) {
      const order = testOrder(`ord_${i}`);
      await putOrder(ddb.doc(), table, order);
      world.clock.set(`${issueDate}T12:00:00.000Z`);
      const r = await issueInvoice({ orderId: order.id }, world.deps);
      out.push((await world.deps.invoices.get(r.invoiceNumber))!);
    }
    return out;
  };
  const plan = (asOf: string, reminderQueue: Outbox<ReminderRequest>) => planDunning({ asOf }, { ...world.deps, reminderQueue });

  it('queues each due level once across shards, skips paid and not-yet-due invoices, and re-runs queue nothing', async () => {
    // Twelve invoices due 2026-12-01 .. 2026-12-12; the first is paid in full.
    const invoices = await issueOn(Array.from({ length: 12 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`));
    expect(new Set(invoices.map((i) => openInvoiceShard(i.number))).size).toBeGreaterThan(1);
    const paid = invoices[0]!;
    const payment: Payment = { id: 'pay_full', source: 'bank', externalId: 'x', amount: paid.balance, currency: 'GBP', receivedOn: '2026-12-03' };
    const allocations = [{ invoiceId: paid.id, amount: paid.balance }];
    await world.deps.payments.apply({
      payment,
      allocations,
      discounts: [],
      unapplied: 0,
      settlements: settlementsOf([paid], payment, allocations),
      entry: paymentReceivedEntry(payment, allocations, 'pay-full'),
      aggregates: { collections: paid.balance },
      appliedAt: '2026-12-03T12:00:00.000Z',
    });

    // As of 2026-12-09: due 12-02..12-08 are 1..7 days late (12-01 is paid; 12-09.. not late).
    const first = memoryOutbox<ReminderRequest>();
    expect(await plan('2026-12-09', first)).toEqual({ asOf: '2026-12-09', overdue: 7, reminders: 7 });
    const levelOf = Object.fromEntries(first.sent.map((m) => [m.invoiceNumber, m.level]));
    expect(levelOf[invoices[1]!.number]).toBe(7); // due 12-02: 7 days late → level 7 (not 1 then 7)
    expect(levelOf[invoices[7]!.number]).toBe(1); // due 12-08: 1 day late
    expect(levelOf[invoices[0]!.number]).toBeUndefined(); // paid
    expect(levelOf[invoices[8]!.number]).toBeUndefined(); // due on asOf: not late
    expect(first.sent.every((m) => m.asOf === '2026-12-09')).toBe(true);

    const again = memoryOutbox<ReminderRequest>();
    expect(await plan('2026-12-09', again)).toMatchObject({ reminders: 0 });
    expect(again.sent).toEqual([]);
    expect(await world.deps.invoices.get(invoices[1]!.number)).toMatchObject({ dunningLevels: [7] });

    // A week later the next levels fall due, each once.
    const later = memoryOutbox<ReminderRequest>();
    await plan('2026-12-16', later);
    expect(later.sent.find((m) => m.invoiceNumber === invoices[1]!.number)?.level).toBe(14);
    expect(later.sent.find((m) => m.invoiceNumber === invoices[7]!.number)?.level).toBe(7);
  }, 60_000);

  it('a run that fails to queue loses no reminder: the next run queues the claimed levels', async () => {
    const [inv] = await issueOn(['2026-11-01']);
    const down: Outbox<ReminderRequest> = { send: () => Promise.reject(new Error('SQS down')), sendMany: () => Promise.reject(new Error('SQS down')) };
    await expect(plan('2026-12-02', down)).rejects.toThrow('SQS down');
    const retry = memoryOutbox<ReminderRequest>();
    expect(await plan('2026-12-02', retry)).toMatchObject({ reminders: 1 });
    expect(retry.sent).toEqual([{ invoiceNumber: inv!.number, level: 1, asOf: '2026-12-02' }]);
    const third = memoryOutbox<ReminderRequest>();
    await plan('2026-12-02', third);
    expect(third.sent).toEqual([]);
  });

  it('reads the open index by due date, exclusive of asOf', async () => {
    await issueOn(['2026-11-01', '2026-11-02']);
    expect((await world.deps.invoices.openDueBefore('2026-12-02')).map((i) => i.dueDate)).toEqual(['2026-12-01']);
    expect(await world.deps.invoices.openDueBefore('2026-12-01')).toEqual([]);
  });
});
