/**
 * plan-dunning on DynamoDB Local: invoices from every shard of the open index (pre-due ones too), one letter per
 * customer and run however often it runs, a run that dies before queueing loses nothing, and the late fee is
 * charged once per invoice and level even by two runs at the same moment. The queue is a port (a capturing fake).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { openInvoiceShard } from '../../../functions/adapters/table-schema.ts';
import { lateFeeEntry, paymentReceivedEntry } from '../../../functions/domain/ledger.ts';
import type { Invoice, Payment } from '../../../functions/domain/model.ts';
import type { Outbox, ReminderRequest } from '../../../functions/ports.ts';
import { settlementsOf } from '../../../functions/use-cases/apply-payment.ts';
import { issueInvoice } from '../../../functions/use-cases/issue-invoice.ts';
import { planDunning } from '../../../functions/use-cases/plan-dunning.ts';
import { trialBalanceAsOf } from '../../../functions/use-cases/trial-balance.ts';
import { dynamoDeps } from '../../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../../support/dynamodb.ts';
import { memoryOutbox } from '../../support/memory.ts';
import { putOrder, testCustomer, testOrder } from '../../support/orders.ts';

describe('plan-dunning (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  let world: ReturnType<typeof dynamoDeps>;

  beforeEach(async () => {
    table = await ddb.createTable();
    world = dynamoDeps(table);
    await world.deps.customers.create({ ...testCustomer('cus_1'), taxId: 'GB123456789', shop: '-', createdAt: '2026-11-01T00:00:00Z' } as never, { at: '2026-11-01T00:00:00Z', actor: 'test', action: 'customer.create', entity: 'customer:cus_1' });
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
  const items = (q: { sent: ReminderRequest[] }) => q.sent.flatMap((m) => m.items.map((i) => `${i.invoiceNumber}@${i.level}`)).sort();

  it('writes one letter for the customer across shards, pre-due invoices included; skips paid ones; reruns queue nothing', async () => {
    // Twelve invoices due 2026-12-01 .. 2026-12-12; the first is paid in full.
    const invoices = await issueOn(Array.from({ length: 12 }, (_, i) => `2026-11-${String(i + 1).padStart(2, '0')}`));
    expect(new Set(invoices.map((i) => openInvoiceShard(i.number))).size).toBeGreaterThan(1);
    const paid = invoices[0]!;
    const payment: Payment = { id: 'pay_full', source: 'bank', externalId: 'x', amount: paid.balance, currency: 'GBP', receivedOn: '2026-12-03' };
    const allocations = [{ invoiceId: paid.id, amount: paid.balance }];
    await world.deps.payments.apply({ payment, allocations, discounts: [], unapplied: 0, settlements: settlementsOf([paid], payment, allocations), entry: paymentReceivedEntry(payment, allocations, 'pay-full'), aggregates: { collections: paid.balance }, appliedAt: '2026-12-03T12:00:00.000Z' });

    // As of 2026-12-09: due 12-02 is 7 days late (reminder); 12-03..12-08 are late but short of it; 12-09..12-12 are due within 3 days (courtesy).
    const first = memoryOutbox<ReminderRequest>();
    expect(await plan('2026-12-09', first)).toMatchObject({ asOf: '2026-12-09', read: 11, letters: 1, invoices: 5 });
    expect(items(first)).toEqual([`${invoices[1]!.number}@reminder`, ...invoices.slice(8).map((i) => `${i.number}@courtesy`)].sort());

    const again = memoryOutbox<ReminderRequest>();
    expect(await plan('2026-12-09', again)).toMatchObject({ letters: 0 });
    expect(await world.deps.invoices.get(invoices[1]!.number)).toMatchObject({ dunningLevels: ['reminder'] });

    // A week later the next ones reach the reminder level, each once, in one letter again.
    const later = memoryOutbox<ReminderRequest>();
    await plan('2026-12-16', later);
    expect(later.sent).toHaveLength(1);
    expect(items(later)).toEqual(invoices.slice(2, 9).map((i) => `${i.number}@reminder`).sort());
  }, 60_000);

  it('a run that fails to queue loses nothing: the next run queues the same letter under the same key', async () => {
    await issueOn(['2026-11-01']);
    const down: Outbox<ReminderRequest> = { send: () => Promise.reject(new Error('SQS down')), sendMany: () => Promise.reject(new Error('SQS down')) };
    await expect(plan('2026-12-08', down)).rejects.toThrow('SQS down');
    const retry = memoryOutbox<ReminderRequest>();
    expect(await plan('2026-12-08', retry)).toMatchObject({ letters: 1 });
    const third = memoryOutbox<ReminderRequest>();
    await plan('2026-12-08', third);
    expect(third.sent).toEqual([]);
    expect(retry.sent[0]!.key).toMatch(/^dunning:cus_1:GBP:2026-12-08:INV-2026-000001@reminder$/);
  });

  it('two runs at the same moment charge the late fee once per invoice and level, and the books balance', async () => {
    const invoices = await issueOn(['2026-11-01', '2026-11-02', '2026-11-03']);
    const [a, b] = [memoryOutbox<ReminderRequest>(), memoryOutbox<ReminderRequest>()];
    const runs = await Promise.allSettled([plan('2026-12-31', a), plan('2026-12-31', b)]);
    expect(runs.some((r) => r.status === 'fulfilled')).toBe(true);
    await plan('2026-12-31', memoryOutbox<ReminderRequest>()); // and a third, after a crash of either
    for (const inv of invoices) {
      const now = (await world.deps.invoices.get(inv.number))!;
      expect(now.fees, inv.number).toEqual([{ level: 'firm', on: '2026-12-31', compensation: 4000, interest: 0, amount: 4000 }]);
      expect(now.balance).toBe(inv.balance + 4000);
    }
    // The same fee written twice at once directly: one transaction wins, the other finds it (or loses the race and then finds it).
    const inv = (await world.deps.invoices.get(invoices[0]!.number))!;
    const fee = { level: 'manual', on: '2026-12-31', compensation: 1000, interest: 0, amount: 1000 };
    const outcomes = await Promise.all([1, 2].map(() => world.deps.invoices.chargeFee({ before: inv, fee, entry: lateFeeEntry(inv, fee) })));
    expect(outcomes.filter((o) => o === 'charged')).toHaveLength(1);
    const reread = (await world.deps.invoices.get(inv.number))!;
    expect(await world.deps.invoices.chargeFee({ before: reread, fee, entry: lateFeeEntry(reread, fee) })).toBe('exists');
    expect(reread.balance).toBe(inv.balance + 1000);
    const books = await trialBalanceAsOf({ asOf: '2026-12-31' }, world.deps);
    expect(books.balanced).toBe(true);
    const gbp = books.currencies.find((c: { currency: string }) => c.currency === 'GBP')!;
    expect(gbp.accounts.find((l: { account: string }) => l.account === 'late_fees')).toMatchObject({ credit: { amount: 3 * 4000 + 1000, currency: 'GBP' } });
  }, 60_000);
});
