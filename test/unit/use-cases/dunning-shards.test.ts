/**
 * A dunning run fanned out by shard, with in-memory ports: the planner queues one message per shard of the
 * next-action index and nothing else; the shard workers together send the letters and fees the one-call run sends,
 * one letter per customer (the index is sharded by customer); a redelivered shard message sends and charges nothing
 * twice and is counted once; the worklist goes once, when the last shard is done.
 */
import { describe, expect, it } from 'vitest';
import { NEXT_ACTION_SHARDS, nextActionShardOf } from '../../../functions/adapters/table-schema.ts';
import { addDays } from '../../../functions/domain/dates.ts';
import type { Invoice } from '../../../functions/domain/model.ts';
import type { DunningShardMessage, ReminderRequest } from '../../../functions/ports.ts';
import { planDunning } from '../../../functions/use-cases/plan-dunning.ts';
import { runDunningShard } from '../../../functions/use-cases/run-dunning-shard.ts';
import { startDunningRun } from '../../../functions/use-cases/start-dunning-run.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { invoiceFor, world } from './fixtures.ts';

const DUE = '2026-12-01';
const CUSTOMERS = Array.from({ length: 12 }, (_, c) => `cus_${c}`);

/** Twelve business customers, three invoices each: due 2026-12-01, 2026-11-24 and 2026-11-10 (so different levels on one day). */
function book() {
  const w = world();
  let n = 0;
  for (const customerId of CUSTOMERS) {
    w.putCustomer({ ...testCustomer(customerId), taxId: 'GB123456789' } as never);
    for (const dueDate of [DUE, addDays(DUE, -7), addDays(DUE, -21)]) {
      n++;
      const invoice: Invoice = invoiceFor(testOrder(`ord_${n}`, 'invoiced'), { sequence: n, issueDate: addDays(dueDate, -30), terms: { netDays: 30 }, customerId });
      w.putInvoice(invoice);
    }
  }
  return w;
}

/** What the letters asked for: customer, currency, and each invoice at its level. */
const lettersOf = (sent: readonly ReminderRequest[]) => sent.map((l) => `${l.customerId}:${l.currency}:${l.items.map((i) => `${i.invoiceNumber}@${i.level}`).join(',')}`).sort();
/** A shard message as the queue delivers it: its message id (one per message sent) and its receive count. */
const delivered = (m: DunningShardMessage, receiveCount = 1, messageId = `msg-${m.runId}-${m.shard}`) => ({ ...m, delivery: { messageId, receiveCount } });
const feesOf = (w: ReturnType<typeof world>) => [...w.state.fees.entries()].map(([k, f]) => `${k}:${f.amount}`).sort();

describe('a dunning run fanned out by shard', () => {
  it('the planner puts the run and queues one message per shard of the next-action index, and writes nothing else', async () => {
    const w = book();
    const started = await startDunningRun({ asOf: addDays(DUE, 21) }, w.deps);
    expect(started).toEqual({ runId: `2026-12-22@2026-11-22T10:00:00.000Z`, asOf: '2026-12-22', shards: NEXT_ACTION_SHARDS });
    expect(w.deps.dunningShardQueue.sent).toEqual(Array.from({ length: NEXT_ACTION_SHARDS }, (_, shard) => ({ runId: started.runId, asOf: '2026-12-22', shard })));
    expect(await w.deps.dunningRuns.get(started.runId)).toMatchObject({ shards: NEXT_ACTION_SHARDS, done: 0, letters: 0 });
    expect(w.deps.reminderQueue.sent).toEqual([]);
    expect(w.state.fees.size).toBe(0);
    expect(w.state.dunningMarks.size).toBe(0);
    // Without a day: today in the company's zone.
    expect((await startDunningRun({}, w.deps)).asOf).toBe('2026-11-22');
  });

  it("a scheduled run retried after its invocation died (the scheduler's same fire time) is the same run: its record kept with the shards it counted, its shard messages queued again; another fire time is another run", async () => {
    const w = book();
    const asOf = addDays(DUE, 21);
    const scheduledTime = '2026-11-22T06:00:00Z';
    const first = await startDunningRun({ asOf, scheduledTime }, w.deps);
    expect(first.runId).toBe(`${asOf}@${scheduledTime}`);
    // A shard is worked before the retry comes (the first attempt's messages were queued).
    const busy = w.deps.dunningShardQueue.sent.find((m) => CUSTOMERS.some((c) => nextActionShardOf(c) === m.shard))!;
    await runDunningShard(delivered(busy), w.deps);
    // The retry, minutes later by the clock: the same run.
    const retried = await startDunningRun({ asOf, scheduledTime }, { ...w.deps, clock: { ...w.deps.clock, now: () => new Date('2026-11-22T06:04:00.000Z') } });
    expect(retried).toEqual(first);
    expect(await w.deps.dunningRuns.get(first.runId)).toMatchObject({ done: 1, startedAt: '2026-11-22T10:00:00.000Z' });
    expect(w.deps.dunningShardQueue.sent).toHaveLength(2 * NEXT_ACTION_SHARDS);
    expect(new Set(w.deps.dunningShardQueue.sent.map((m) => m.runId))).toEqual(new Set([first.runId]));
    // Every shard worked from the messages of both attempts: the run ends counted once per shard, no letter twice.
    for (const [i, m] of w.deps.dunningShardQueue.sent.entries()) await runDunningShard(delivered(m, 1, `msg-${i}`), w.deps);
    expect(await w.deps.dunningRuns.get(first.runId)).toMatchObject({ done: NEXT_ACTION_SHARDS, shards: NEXT_ACTION_SHARDS });
    expect(w.deps.reminderQueue.sent).toHaveLength(CUSTOMERS.length);
    // The next day's fire time is another run.
    expect((await startDunningRun({ asOf, scheduledTime: '2026-11-23T06:00:00Z' }, w.deps)).runId).not.toBe(first.runId);
  });

  it('its shards send the letters and fees of the one-call run — one letter per customer, though the customers are in several shards — and the worklist once, after the last shard', async () => {
    expect(new Set(CUSTOMERS.map(nextActionShardOf)).size).toBeGreaterThan(3);
    const asOf = addDays(DUE, 21);
    const whole = book();
    const wholeRun = await planDunning({ asOf }, whole.deps);

    const w = book();
    const { runId } = await startDunningRun({ asOf }, w.deps);
    const messages = w.deps.dunningShardQueue.sent;
    const worklists = () => w.state.mailbox.filter((m) => m.key === `worklist:${asOf}`);
    const outcomes = [];
    for (const [i, message] of messages.entries()) {
      outcomes.push(await runDunningShard(delivered(message), w.deps));
      // Not before the last shard is done.
      expect(worklists().length, `after shard ${message.shard}`).toBe(i === messages.length - 1 ? 1 : 0);
    }
    expect(outcomes.filter((o) => o.worklistSent)).toHaveLength(1);
    expect(lettersOf(w.deps.reminderQueue.sent)).toEqual(lettersOf(whole.deps.reminderQueue.sent));
    expect(w.deps.reminderQueue.sent).toHaveLength(CUSTOMERS.length); // one letter per customer
    expect(feesOf(w)).toEqual(feesOf(whole));
    expect(feesOf(w).length).toBeGreaterThan(0);
    // Each letter came from the shard of its customer.
    for (const o of outcomes) expect(o.letters).toBe(CUSTOMERS.filter((c) => nextActionShardOf(c) === o.shard).length);
    expect(await w.deps.dunningRuns.get(runId)).toMatchObject({ done: NEXT_ACTION_SHARDS, shards: NEXT_ACTION_SHARDS, letters: wholeRun.letters, invoices: wholeRun.invoices, fees: wholeRun.fees, actions: wholeRun.actions, read: wholeRun.read });
    // The worklist is the whole run's: every customer written to, as the one-call run ranks them.
    const list = worklists()[0]!;
    const wholeList = whole.state.mailbox.find((m) => m.key === `worklist:${asOf}`)!;
    expect(list.text).toBe(wholeList.text);
    for (const c of CUSTOMERS) expect(list.text).toContain(`(${c})`);
  });

  it('a redelivered shard message (or the same shard run again) sends no second letter or fee and is counted once', async () => {
    const w = book();
    const asOf = addDays(DUE, 21);
    const { runId } = await startDunningRun({ asOf }, w.deps);
    const busy = w.deps.dunningShardQueue.sent.find((m) => CUSTOMERS.some((c) => nextActionShardOf(c) === m.shard))!;
    const first = await runDunningShard(delivered(busy), w.deps);
    expect(first).toMatchObject({ outcome: 'recorded', done: 1 });
    expect(first.letters).toBeGreaterThan(0);
    expect(first.fees).toBeGreaterThan(0);
    const letters = lettersOf(w.deps.reminderQueue.sent);
    const fees = feesOf(w);
    const again = await runDunningShard(delivered(busy, 2), w.deps);
    expect(again).toMatchObject({ outcome: 'again', done: 1, letters: 0, fees: 0, actions: 0 });
    expect(lettersOf(w.deps.reminderQueue.sent)).toEqual(letters);
    expect(feesOf(w)).toEqual(fees);
    expect(await w.deps.dunningRuns.get(runId)).toMatchObject({ done: 1, letters: first.letters, fees: first.fees });
    // A second run the same day finds everything done: nothing sent, nothing charged.
    const rerun = await startDunningRun({ asOf }, { ...w.deps, clock: { ...w.deps.clock, now: () => new Date('2026-11-22T18:00:00.000Z') } });
    expect(rerun.runId).not.toBe(runId);
    const later = await runDunningShard(delivered({ ...busy, runId: rerun.runId }), w.deps);
    expect(later).toMatchObject({ outcome: 'recorded', letters: 0, fees: 0 });
    expect(lettersOf(w.deps.reminderQueue.sent)).toEqual(letters);
    expect(feesOf(w)).toEqual(fees);
  });

  it('a worker that died after sending its letters and before recording its shard: the redelivery finds the same invoices still due and records the letters, fees and worklist lines of the first', async () => {
    const clean = book();
    const asOf = addDays(DUE, 21);
    const run = await startDunningRun({ asOf }, clean.deps);
    const busy = clean.deps.dunningShardQueue.sent.find((m) => CUSTOMERS.some((c) => nextActionShardOf(c) === m.shard))!;
    const expected = await runDunningShard(delivered(busy), clean.deps);

    const w = book();
    const { runId } = await startDunningRun({ asOf }, w.deps);
    const dying = { ...w.deps, dunningRuns: { ...w.deps.dunningRuns, finishShard: async () => Promise.reject(new Error('the process died')) } };
    await expect(runDunningShard(delivered({ ...busy, runId }), dying)).rejects.toThrow('the process died');
    const letters = lettersOf(w.deps.reminderQueue.sent);
    expect(letters.length).toBe(expected.letters);
    const again = await runDunningShard(delivered({ ...busy, runId }, 2), w.deps);
    expect(again).toMatchObject({ outcome: 'recorded', done: 1, letters: expected.letters, invoices: expected.invoices, read: expected.read });
    expect((await w.deps.dunningRuns.worklist(runId)).map((e) => e.customerId).sort()).toEqual((await clean.deps.dunningRuns.worklist(run.runId)).map((e) => e.customerId).sort());
    // The same letters queued again (the same mail keys: send-mail sends each once), no fee charged twice.
    expect([...new Set(lettersOf(w.deps.reminderQueue.sent))]).toEqual(letters);
    expect(feesOf(w)).toEqual(feesOf(clean));
    // Recorded and confirmed now: a third delivery reads nothing more.
    expect(await runDunningShard(delivered({ ...busy, runId }, 3), w.deps)).toMatchObject({ outcome: 'again', letters: 0 });
  });

  it('one worker per shard at a time: another message while the lease is held is retried (ConcurrentUpdate), after the lease ran out it works', async () => {
    const w = book();
    const asOf = addDays(DUE, 21);
    const { runId } = await startDunningRun({ asOf }, w.deps);
    const shard = nextActionShardOf(CUSTOMERS[0]!);
    // Held by the worker of another message (a duplicate send, an overlapping run).
    expect(await w.deps.dunningRuns.lease(shard, { messageId: 'msg-other', receiveCount: 1 }, '2026-11-22T10:00:00.000Z', '2026-11-22T10:06:00.000Z')).toBe(true);
    await expect(runDunningShard(delivered({ runId, asOf, shard }), w.deps)).rejects.toMatchObject({ kind: 'retryable', message: expect.stringContaining('is being worked by another dunning shard worker') });
    // Delivered again later, still within that lease: still refused.
    w.clock.set('2026-11-22T10:05:00.000Z');
    await expect(runDunningShard(delivered({ runId, asOf, shard }, 2), w.deps)).rejects.toMatchObject({ kind: 'retryable' });
    expect(w.deps.reminderQueue.sent).toEqual([]);
    w.clock.set('2026-11-22T10:06:01.000Z');
    expect(await runDunningShard(delivered({ runId, asOf, shard }, 3), w.deps)).toMatchObject({ outcome: 'recorded' });
    expect(w.deps.reminderQueue.sent.length).toBeGreaterThan(0);
    // Given back when done: the next delivery gets it at once.
    expect(await runDunningShard(delivered({ runId, asOf, shard }, 4), w.deps)).toMatchObject({ outcome: 'again', letters: 0 });
  });

  it("a worker that died holding its shard's lease does not hold off the redelivery of its own message: that takes the lease over at once; the same delivery twice at once, or another message, is still refused", async () => {
    const w = book();
    const asOf = addDays(DUE, 21);
    const { runId } = await startDunningRun({ asOf }, w.deps);
    const shard = nextActionShardOf(CUSTOMERS[0]!);
    const message = { runId, asOf, shard };
    // The first delivery's worker took the lease and died (nothing given back): 6 minutes of lease left.
    expect(await w.deps.dunningRuns.lease(shard, delivered(message).delivery, '2026-11-22T10:00:00.000Z', '2026-11-22T10:06:00.000Z')).toBe(true);
    // The same delivery at the same moment (SQS's at-least-once), and another message of the shard: refused.
    await expect(runDunningShard(delivered(message, 1), w.deps)).rejects.toMatchObject({ kind: 'retryable' });
    await expect(runDunningShard(delivered(message, 2, 'msg-a-duplicate-send'), w.deps)).rejects.toMatchObject({ kind: 'retryable' });
    expect(w.deps.reminderQueue.sent).toEqual([]);
    // The queue's redelivery of that message (after its visibility timeout, still inside the lease): it works.
    w.clock.set('2026-11-22T10:00:30.000Z');
    expect(await runDunningShard(delivered(message, 2), w.deps)).toMatchObject({ outcome: 'recorded', done: 1 });
    expect(w.deps.reminderQueue.sent.map((l) => l.customerId).sort()).toEqual(CUSTOMERS.filter((c) => nextActionShardOf(c) === shard).sort());
    // And gave it back: the duplicate send, retried, finds the shard done.
    expect(await runDunningShard(delivered(message, 3, 'msg-a-duplicate-send'), w.deps)).toMatchObject({ outcome: 'again', letters: 0 });
  });

  it('a worker whose lease a redelivery of its message took over gives back nothing of it (the lease is the later delivery\'s)', async () => {
    const w = book();
    const holder = { messageId: 'msg-1', receiveCount: 1 };
    expect(await w.deps.dunningRuns.lease(3, holder, '2026-11-22T10:00:00.000Z', '2026-11-22T10:06:00.000Z')).toBe(true);
    expect(await w.deps.dunningRuns.lease(3, { ...holder, receiveCount: 2 }, '2026-11-22T10:01:00.000Z', '2026-11-22T10:07:00.000Z')).toBe(true);
    await w.deps.dunningRuns.release(3, holder);
    expect(await w.deps.dunningRuns.lease(3, { messageId: 'msg-2', receiveCount: 1 }, '2026-11-22T10:02:00.000Z', '2026-11-22T10:08:00.000Z')).toBe(false);
    // Nor does an earlier delivery take it back from a later one.
    expect(await w.deps.dunningRuns.lease(3, holder, '2026-11-22T10:02:00.000Z', '2026-11-22T10:08:00.000Z')).toBe(false);
  });

  it('refuses a shard message of a run that was never started (it goes to the DLQ rather than dunning unrecorded)', async () => {
    const w = book();
    await expect(runDunningShard(delivered({ runId: 'nope', asOf: DUE, shard: 0 }), w.deps)).rejects.toThrow('dunning run nope has no record');
    expect(w.deps.reminderQueue.sent).toEqual([]);
  });
});
