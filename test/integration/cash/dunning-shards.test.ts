/**
 * A dunning run fanned out by shard on DynamoDB Local: the invoices issue-invoice writes are in their customer's
 * shard of the next-action index (where sharding by invoice number would split a customer's), the shard workers
 * together send the letters and fees of the one-call run — one letter per customer — and the worklist once; a
 * redelivered shard message sends and charges nothing twice and the run's record counts it once (its conditional
 * transaction). Queues and mailbox are in-memory ports.
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { GSI_OPEN_BY_DUE, Keys, NEXT_ACTION_SHARDS, nextActionShardOf, openInvoiceShard } from '../../../functions/adapters/table-schema.ts';
import type { DunningShardMessage, ReminderRequest } from '../../../functions/ports.ts';
import { issueInvoice } from '../../../functions/use-cases/issue-invoice.ts';
import { planDunning } from '../../../functions/use-cases/plan-dunning.ts';
import { runDunningShard } from '../../../functions/use-cases/run-dunning-shard.ts';
import { startDunningRun } from '../../../functions/use-cases/start-dunning-run.ts';
import { trialBalanceAsOf } from '../../../functions/use-cases/trial-balance.ts';
import { dynamoDeps } from '../../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../../support/dynamodb.ts';
import { putOrder, testCustomer, testOrder } from '../../support/orders.ts';

const CUSTOMERS = Array.from({ length: 6 }, (_, c) => `cus_${c}`);
const AS_OF = '2026-12-22';

describe('a dunning run fanned out by shard (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();

  /** A table with six business customers, two invoices each, issued 2026-11-01 and -02 (net 30): at 12-22 one is firm (fee), one a reminder. */
  const book = async () => {
    const table = await ddb.createTable();
    const world = dynamoDeps(table);
    for (const id of CUSTOMERS) {
      await world.deps.customers.create({ ...testCustomer(id), taxId: 'GB123456789', shop: '-', createdAt: '2026-10-01T00:00:00Z' } as never, { at: '2026-10-01T00:00:00Z', actor: 'test', action: 'customer.create', entity: `customer:${id}` });
    }
    for (const [day, issueDate] of ['2026-11-01', '2026-11-02'].entries()) {
      for (const [c, customerId] of CUSTOMERS.entries()) {
        const order = testOrder(`ord_${day}_${c}`, 'shipped', { customerId });
        await putOrder(ddb.doc(), table, order);
        world.clock.set(`${issueDate}T12:00:00.000Z`);
        await issueInvoice({ orderId: order.id }, world.deps);
      }
    }
    world.clock.set(`${AS_OF}T06:00:00.000Z`);
    return { table, world };
  };
  /** A shard message as the queue delivers it: its message id and receive count. */
  const delivered = (m: DunningShardMessage, receiveCount = 1, messageId = `msg-${m.runId}-${m.shard}`) => ({ ...m, delivery: { messageId, receiveCount } });
  const lettersOf = (sent: readonly ReminderRequest[]) => sent.map((l) => `${l.customerId}:${l.items.map((i) => `${i.invoiceNumber}@${i.level}`).join(',')}`).sort();
  const feesOf = async (world: Awaited<ReturnType<typeof book>>['world']) =>
    (await Promise.all(CUSTOMERS.map((c) => world.deps.invoices.openOfCustomer(c)))).flat().flatMap((i) => (i.fees ?? []).map((f) => `${i.number}:${f.level}:${f.amount}`)).sort();

  let whole: Awaited<ReturnType<typeof book>>;
  let wholeRun: Awaited<ReturnType<typeof planDunning>>;
  beforeAll(async () => {
    whole = await book();
    wholeRun = await planDunning({ asOf: AS_OF }, whole.world.deps);
  }, 300_000);

  it('files each invoice in its customer\'s shard, so its shard worker writes the customer\'s one letter: the letters, fees and worklist of the one-call run', async () => {
    const { table, world } = await book();
    // Sharded by invoice number, some customer's two invoices would be in two shards (two workers, two letters).
    const invoices = (await Promise.all(CUSTOMERS.map((c) => world.deps.invoices.openOfCustomer(c)))).flat();
    expect(CUSTOMERS.some((c) => new Set(invoices.filter((i) => i.customerId === c).map((i) => openInvoiceShard(i.number))).size > 1)).toBe(true);
    for (const shard of new Set(CUSTOMERS.map(nextActionShardOf))) {
      const r = await ddb.doc().send(new QueryCommand({ TableName: table, IndexName: GSI_OPEN_BY_DUE.indexName, KeyConditionExpression: `${GSI_OPEN_BY_DUE.partitionKey} = :pk`, ExpressionAttributeValues: { ':pk': Keys.nextActionShard(shard) } }));
      const filed = invoices.filter((i) => (r.Items ?? []).some((item) => item.invoiceNumber === i.number));
      expect(filed.map((i) => i.customerId).sort()).toEqual(invoices.filter((i) => nextActionShardOf(i.customerId) === shard).map((i) => i.customerId).sort());
    }

    const { runId } = await startDunningRun({ asOf: AS_OF }, world.deps);
    const messages = world.deps.dunningShardQueue.sent;
    expect(messages).toHaveLength(NEXT_ACTION_SHARDS);
    const outcomes = [];
    for (const m of messages) outcomes.push(await runDunningShard(delivered(m), world.deps));
    expect(outcomes.filter((o) => o.worklistSent).map((o) => o.shard)).toEqual([messages.at(-1)!.shard]);

    expect(world.deps.reminderQueue.sent).toHaveLength(CUSTOMERS.length);
    expect(lettersOf(world.deps.reminderQueue.sent)).toEqual(lettersOf(whole.world.deps.reminderQueue.sent));
    expect(world.deps.reminderQueue.sent.map((l) => l.key).sort()).toEqual(whole.world.deps.reminderQueue.sent.map((l) => l.key).sort());
    const fees = await feesOf(world);
    expect(fees).toHaveLength(CUSTOMERS.length); // the firm level's £40 on each customer's first invoice
    expect(fees).toEqual(await feesOf(whole.world));
    expect(await world.deps.dunningRuns.get(runId)).toMatchObject({ done: NEXT_ACTION_SHARDS, shards: NEXT_ACTION_SHARDS, letters: wholeRun.letters, invoices: wholeRun.invoices, fees: wholeRun.fees, read: wholeRun.read });
    const lists = world.state.mailbox.filter((m) => m.key === `worklist:${AS_OF}`);
    expect(lists.map((l) => l.text)).toEqual(whole.world.state.mailbox.filter((m) => m.key === `worklist:${AS_OF}`).map((l) => l.text));

    // Every shard's message delivered again (SQS redelivers after a timeout): nothing sent or charged twice, counted once.
    const before = { letters: world.deps.reminderQueue.sent.length, mail: world.state.mailbox.length };
    const again = [];
    for (const m of messages) again.push(await runDunningShard(delivered(m, 2), world.deps));
    expect(again.every((o) => o.outcome === 'again' && o.letters === 0 && o.fees === 0 && o.actions === 0)).toBe(true);
    expect(world.deps.reminderQueue.sent).toHaveLength(before.letters);
    expect(await feesOf(world)).toEqual(fees);
    expect(await world.deps.dunningRuns.get(runId)).toMatchObject({ done: NEXT_ACTION_SHARDS, letters: wholeRun.letters, fees: wholeRun.fees });
    // The worklist is asked for again by the last one, under the same mail key (send-mail sends a key once).
    expect(new Set(world.state.mailbox.slice(before.mail).map((m) => m.key))).toEqual(new Set(again.some((o) => o.worklistSent) ? [`worklist:${AS_OF}`] : []));
    expect((await trialBalanceAsOf({ asOf: AS_OF }, world.deps)).balanced).toBe(true);
  }, 300_000);

  it('two deliveries of one shard at the same moment (two messages: a duplicate send): one works it (the shard lease), the other is retried later and finds it done — one letter per customer, one fee per invoice and level, counted once', async () => {
    const { world } = await book();
    const { runId } = await startDunningRun({ asOf: AS_OF }, world.deps);
    const shard = nextActionShardOf(CUSTOMERS[0]!);
    const ofShard = CUSTOMERS.filter((c) => nextActionShardOf(c) === shard);
    const both = await Promise.allSettled(['msg-a', 'msg-b'].map((id) => runDunningShard(delivered({ runId, asOf: AS_OF, shard }, 1, id), world.deps)));
    const refused = both.flatMap((r, i) => (r.status === 'rejected' ? [i === 0 ? 'msg-a' : 'msg-b'] : []));
    expect(both.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    for (const r of both) if (r.status === 'rejected') expect(String(r.reason)).toMatch(/is being worked by another dunning shard worker/);
    // The refused delivery again, later (SQS makes it visible after its timeout): nothing left to do.
    for (const id of refused) expect(await runDunningShard(delivered({ runId, asOf: AS_OF, shard }, 2, id), world.deps)).toMatchObject({ outcome: 'again', letters: 0, fees: 0 });
    expect(world.deps.reminderQueue.sent.map((l) => l.customerId).sort()).toEqual(ofShard.sort());
    expect((await feesOf(world)).filter((f) => f.includes(':firm:'))).toHaveLength(ofShard.length);
    expect(await world.deps.dunningRuns.get(runId)).toMatchObject({ done: 1, letters: ofShard.length });
  }, 300_000);

  it("a shard worker that died holding the lease: the redelivery of its message takes it over at once, another message is refused; and plan-dunning retried by the scheduler (same fire time) is the same run, its record kept", async () => {
    const { world } = await book();
    const scheduledTime = `${AS_OF}T06:00:00Z`;
    const { runId } = await startDunningRun({ asOf: AS_OF, scheduledTime }, world.deps);
    const shard = nextActionShardOf(CUSTOMERS[0]!);
    const ofShard = CUSTOMERS.filter((c) => nextActionShardOf(c) === shard);
    const message = { runId, asOf: AS_OF, shard };
    // The first delivery's worker took the lease (the adapter's conditional put) and died.
    const now = world.deps.clock.now().getTime();
    expect(await world.deps.dunningRuns.lease(shard, delivered(message).delivery, new Date(now).toISOString(), new Date(now + 6 * 60_000).toISOString())).toBe(true);
    await expect(runDunningShard(delivered(message, 1), world.deps)).rejects.toThrow(/is being worked by another dunning shard worker/);
    await expect(runDunningShard(delivered(message, 2, 'msg-another'), world.deps)).rejects.toThrow(/is being worked by another dunning shard worker/);
    expect(await runDunningShard(delivered(message, 2), world.deps)).toMatchObject({ outcome: 'recorded', done: 1, letters: ofShard.length });
    // Given back by the redelivery: the other message finds the shard done.
    expect(await runDunningShard(delivered(message, 3, 'msg-another'), world.deps)).toMatchObject({ outcome: 'again', letters: 0 });
    // plan-dunning died after putting the record, and the scheduler runs it again: the same run, one shard still counted.
    world.clock.set(`${AS_OF}T06:03:00.000Z`);
    expect((await startDunningRun({ asOf: AS_OF, scheduledTime }, world.deps)).runId).toBe(runId);
    expect(await world.deps.dunningRuns.get(runId)).toMatchObject({ done: 1, shards: NEXT_ACTION_SHARDS, startedAt: `${AS_OF}T06:00:00.000Z`, letters: ofShard.length });
    expect(world.deps.reminderQueue.sent.map((l) => l.customerId).sort()).toEqual(ofShard.sort());
  }, 300_000);
});
