/** plan-dunning: the one level due per overdue invoice, claimed once, queued, confirmed; crashes never lose a reminder. */
import { describe, expect, it } from 'vitest';
import type { Invoice } from '../../../functions/domain/model.ts';
import { planDunning } from '../../../functions/use-cases/plan-dunning.ts';
import { TEST_COMPANY } from '../../support/memory.ts';
import { testOrder } from '../../support/orders.ts';
import { invoiceFor, NOW, world } from './fixtures.ts';

const number = (n: number) => `INV-2026-${String(n).padStart(6, '0')}`;
/** An invoice due on `dueDate` (issued that day, due on receipt). */
const dueOn = (sequence: number, dueDate: string, extra: Partial<Invoice> = {}): Invoice => ({
  ...invoiceFor(testOrder(`ord_${sequence}`, 'invoiced'), { sequence, issueDate: dueDate, terms: { netDays: 0 } }),
  ...extra,
});

/** As of 2026-11-22 with levels 1, 7, 14, 30. */
function book() {
  const w = world();
  w.putInvoice(dueOn(1, '2026-11-21')); // 1 day past due → level 1
  w.putInvoice(dueOn(2, '2026-11-01')); // 21 days, no run reached it before → one letter at 14, not 1, 7 and 14
  w.putInvoice(dueOn(3, '2026-11-22')); // due today: not overdue
  w.putInvoice(dueOn(4, '2026-10-01', { balance: 0, status: 'paid' })); // paid
  w.putInvoice(dueOn(5, '2026-11-15', { dunningLevels: [1, 7] })); // 7 days, 7 sent: nothing until 14
  w.putInvoice(dueOn(6, '2026-10-01', { dunningLevels: [1] })); // 52 days, 1 sent: 30
  return w;
}

describe('planDunning', () => {
  it('queues the one level due for each overdue invoice (the highest reached and not sent) and confirms each', async () => {
    const w = book();
    expect(await planDunning({}, w.deps)).toEqual({ asOf: '2026-11-22', overdue: 4, reminders: 3 });
    expect(w.deps.reminderQueue.sent).toEqual([
      { invoiceNumber: number(1), level: 1, asOf: '2026-11-22' },
      { invoiceNumber: number(2), level: 14, asOf: '2026-11-22' },
      { invoiceNumber: number(6), level: 30, asOf: '2026-11-22' },
    ]);
    expect([...w.state.dunningMarks]).toEqual([
      [`${number(1)}|1`, { queuedAt: NOW }],
      [`${number(2)}|14`, { queuedAt: NOW }],
      [`${number(6)}|30`, { queuedAt: NOW }],
    ]);
    expect([1, 2, 5, 6].map((n) => w.state.invoices.get(number(n))?.dunningLevels)).toEqual([[1], [14], [1, 7], [1, 30]]);
    expect(w.state.counted).toEqual({ RemindersQueued: 3 });
  });

  it('running twice on a day queues nothing new', async () => {
    const w = book();
    await planDunning({}, w.deps);
    expect(await planDunning({}, w.deps)).toEqual({ asOf: '2026-11-22', overdue: 4, reminders: 0 });
    expect(w.deps.reminderQueue.sent).toHaveLength(3);
    expect(w.state.counted).toEqual({ RemindersQueued: 3 });
  });

  it('moves on to the next level when it is reached, and never back to a lower one passed', async () => {
    const w = book();
    await planDunning({}, w.deps);
    await planDunning({ asOf: '2026-11-28' }, w.deps); // invoice 1 at 7 days; 2 at 27 (14 sent); 3 now at 6; 6 at 58 (30 sent)
    expect(w.deps.reminderQueue.sent.slice(3)).toEqual([
      { invoiceNumber: number(1), level: 7, asOf: '2026-11-28' },
      { invoiceNumber: number(3), level: 1, asOf: '2026-11-28' },
    ]);
  });

  it('queues again a level claimed by a run that died before queueing it (the mail key makes it one email)', async () => {
    const w = book();
    w.state.dunningMarks.set(`${number(1)}|1`, {}); // claimed, never confirmed
    await planDunning({}, w.deps);
    expect(w.deps.reminderQueue.sent.map((m) => m.invoiceNumber)).toEqual([number(1), number(2), number(6)]);
    expect(w.state.dunningMarks.get(`${number(1)}|1`)).toEqual({ queuedAt: NOW });
    expect(w.state.invoices.get(number(1))?.dunningLevels).toEqual([1]);
  });

  it('does not queue a level already confirmed queued', async () => {
    const w = book();
    w.state.dunningMarks.set(`${number(2)}|14`, { queuedAt: '2026-11-21T06:00:00.000Z' });
    expect((await planDunning({}, w.deps)).reminders).toBe(2);
    expect(w.deps.reminderQueue.sent.map((m) => m.invoiceNumber)).toEqual([number(1), number(6)]);
    expect(w.state.dunningMarks.get(`${number(2)}|14`)).toEqual({ queuedAt: '2026-11-21T06:00:00.000Z' });
  });

  it('after a run that failed to queue, the next run queues every claimed reminder', async () => {
    const w = book();
    const failing = { ...w.deps, reminderQueue: { ...w.deps.reminderQueue, sendMany: () => Promise.reject(new Error('SQS unavailable')) } };
    await expect(planDunning({}, failing)).rejects.toThrow('SQS unavailable');
    expect([...w.state.dunningMarks.values()]).toEqual([{}, {}, {}]);
    expect(w.state.invoices.get(number(1))?.dunningLevels).toBeUndefined();
    expect((await planDunning({}, w.deps)).reminders).toBe(3);
    expect(w.deps.reminderQueue.sent).toHaveLength(3);
  });

  it('defaults asOf to today in the company’s zone, from the clock (already 1 July in London at 23:30 UTC on 30 June)', async () => {
    const w = world({ now: '2026-06-30T23:30:00.000Z' });
    w.putInvoice(dueOn(1, '2026-06-30'));
    expect(await planDunning({}, w.deps)).toEqual({ asOf: '2026-07-01', overdue: 1, reminders: 1 });
    expect(w.deps.reminderQueue.sent).toEqual([{ invoiceNumber: number(1), level: 1, asOf: '2026-07-01' }]);

    const utc = world({ now: '2026-06-30T23:30:00.000Z', company: { ...TEST_COMPANY, timezone: 'UTC' } });
    utc.putInvoice(dueOn(1, '2026-06-30'));
    expect(await planDunning({}, utc.deps)).toEqual({ asOf: '2026-06-30', overdue: 0, reminders: 0 });
  });

  it('an explicit asOf wins over the clock', async () => {
    const w = book();
    expect(await planDunning({ asOf: '2026-11-10' }, w.deps)).toEqual({ asOf: '2026-11-10', overdue: 2, reminders: 2 });
    expect(w.deps.reminderQueue.sent).toEqual([
      { invoiceNumber: number(2), level: 7, asOf: '2026-11-10' },
      { invoiceNumber: number(6), level: 30, asOf: '2026-11-10' },
    ]);
  });

  it('with nothing overdue queues nothing and counts 0', async () => {
    const w = world();
    expect(await planDunning({}, w.deps)).toEqual({ asOf: '2026-11-22', overdue: 0, reminders: 0 });
    expect(w.deps.reminderQueue.sent).toEqual([]);
    expect(w.state.counted).toEqual({ RemindersQueued: 0 });
  });
});
