/**
 * `npm run bench:dunning [-- --open 100000 --small 10000]`: what a dunning run costs in DynamoDB read units, at
 * two sizes of the open book with the same share needing action (5 %), and how long each shard worker takes (the
 * longest is what must fit in run-dunning-shard's 5 minutes). Each size gets a fresh table on one
 * DynamoDB Local, seeded directly (BatchWriteItem) with open invoices as issue-invoice and earlier runs would
 * have left them — 10 a customer, their next action dates in the sparse next-action index (by customer shard) —
 * then the run is started as of the day (start-dunning-run) and its shard messages worked one after another
 * (run-dunning-shard; in AWS they run at once, one Lambda each) on the real adapters, with a client middleware
 * that asks every call for `ReturnConsumedCapacity: 'TOTAL'` and sums it. Printed per actioned invoice: the selection (the next-action
 * index and the invoices it names), the whole run (the customers, their statements, the marks), and for
 * comparison the read the run used to make (every open invoice due before as-of + 3 days, `openDueBefore`).
 * Figures only, never pass/fail. DynamoDB Local computes consumed capacity as the service does (item sizes
 * rounded up to 4 KB, eventually consistent reads at half).
 */
import '../local/quiet.ts';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setDocumentClient } from '../functions/adapters/dynamo.ts';
import { batchWrite } from './batch-write.ts';
import { repositories } from '../functions/adapters/repositories.ts';
import { GSI_OPEN_BY_DUE, ITEM_TYPES, Keys, NEXT_ACTION_SHARDS, OPEN_INVOICE_SHARDS, VERSION_ATTRIBUTE } from '../functions/adapters/table-schema.ts';
import { addDays } from '../functions/domain/dates.ts';
import { DEFAULT_DUNNING_POLICY, nextActionDate } from '../functions/domain/dunning.ts';
import { buildInvoice, formatInvoiceNumber } from '../functions/domain/invoice.ts';
import type { Invoice } from '../functions/domain/model.ts';
import { runDunningShard } from '../functions/use-cases/run-dunning-shard.ts';
import { startDunningRun } from '../functions/use-cases/start-dunning-run.ts';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { memoryOutbox, memoryWorld } from '../test/support/memory.ts';
import { testCustomer, testOrder } from '../test/support/orders.ts';
import { tableCreateInput } from '../test/support/dynamodb.ts';

const { values } = parseArgs({ options: { open: { type: 'string', default: '100000' }, small: { type: 'string', default: '10000' } } });
const AS_OF = '2026-12-09';
const PER_CUSTOMER = 10;
const policy = DEFAULT_DUNNING_POLICY;
const TAX_POLICY = memoryWorld().deps.company.taxPolicy;

/** Read units by phase: the selection (next-action index + BatchGet of the invoices), the old full read, the rest. */
const units = { selection: 0, openByDue: 0, other: 0, writes: 0 };
const reset = () => Object.assign(units, { selection: 0, openByDue: 0, other: 0, writes: 0 });
const NEXT_SHARDS = new Set(Array.from({ length: NEXT_ACTION_SHARDS }, (_, i) => Keys.nextActionShard(i)));
const OPEN_SHARDS = new Set(Array.from({ length: OPEN_INVOICE_SHARDS }, (_, i) => Keys.openShard(i)));
const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand']);

const ddb = await startDynamoDbLocal({ timeoutMs: 180_000 }); // a shared, loaded machine is slow to start the JVM
const client = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
client.middlewareStack.add(
  (next, context) => async (args) => {
    const input = args.input as Record<string, unknown>;
    input.ReturnConsumedCapacity = 'TOTAL';
    const out = await next(args);
    const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
    const total = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
    const name = context.commandName ?? '';
    if (!READS.has(name)) units.writes += total;
    else if (name === 'BatchGetItemCommand') units.selection += total;
    else if (name === 'QueryCommand' && input.IndexName === GSI_OPEN_BY_DUE.indexName) {
      const raw = (input.ExpressionAttributeValues as Record<string, string | { S?: string }> | undefined)?.[':pk'];
      const pk = typeof raw === 'string' ? raw : (raw?.S ?? '');
      if (NEXT_SHARDS.has(pk)) units.selection += total;
      else if (OPEN_SHARDS.has(pk)) units.openByDue += total;
      else units.other += total;
    } else units.other += total;
    return out;
  },
  { step: 'initialize', name: 'benchConsumedCapacity' },
);
const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } });
setDocumentClient(doc);


/** Invoice `i`: one in 20 has its reminder due on the run day; the others sit between levels (overdue or not yet due) or past the last one. */
function invoiceNo(i: number): Invoice {
  const kind = i % 20 === 0 ? 'action' : (['between', 'between', 'between', 'notYetDue', 'lastLevel'] as const)[i % 5]!;
  const dueDate = kind === 'action' ? addDays(AS_OF, -7) : kind === 'between' ? addDays(AS_OF, -8 - (i % 12)) : kind === 'notYetDue' ? addDays(AS_OF, 5 + (i % 20)) : addDays(AS_OF, -70 - (i % 30));
  const sent = kind === 'action' ? ['courtesy'] : kind === 'between' ? ['courtesy', 'reminder'] : kind === 'notYetDue' ? [] : ['courtesy', 'reminder', 'firm', 'final', 'agency'];
  const issueDate = addDays(dueDate, -30);
  const invoice = buildInvoice({
    order: { ...testOrder(`ord_${i}`, 'invoiced'), customerId: `cus_${Math.floor(i / PER_CUSTOMER)}` },
    series: 'INV',
    year: 2026,
    sequence: i + 1,
    issueDate,
    terms: { netDays: 30 },
    policy: TAX_POLICY,
    paymentReference: `RF00${formatInvoiceNumber('INV', 2026, i + 1).replace(/\W/g, '')}`,
  });
  const next = nextActionDate(policy, { dueDate, sent }, kind === 'action' ? addDays(AS_OF, -10) : AS_OF);
  return { ...invoice, dueDate, dunningLevels: sent, ...(next ? { nextActionOn: next } : {}) };
}


async function seed(table: string, open: number) {
  const customers = Math.ceil(open / PER_CUSTOMER);
  const items: Record<string, unknown>[] = [];
  for (let c = 0; c < customers; c++) {
    const customer = { ...testCustomer(`cus_${c}`), taxId: `GB${String(100_000_000 + c)}`, shop: '-', createdAt: '2026-01-01T00:00:00Z' };
    items.push({ ...Keys.customer(customer.id), ...Keys.customerByEmail('-', customer.email), type: ITEM_TYPES.customer, ...customer, [VERSION_ATTRIBUTE]: 1 });
  }
  let actioned = 0;
  for (let i = 0; i < open; i++) {
    const inv = invoiceNo(i);
    if (inv.nextActionOn && inv.nextActionOn <= AS_OF) actioned++;
    items.push({ ...Keys.invoice(inv.number), ...Keys.invoiceByCustomer(inv.customerId, inv.issueDate, inv.number), ...Keys.openInvoice(inv.number, inv.dueDate), type: ITEM_TYPES.invoice, ...inv, [VERSION_ATTRIBUTE]: 1 });
    if (inv.nextActionOn) items.push({ ...Keys.nextAction(inv.number), ...Keys.nextActionIndex(inv.customerId, inv.number, inv.nextActionOn), type: ITEM_TYPES.nextAction, invoiceNumber: inv.number, customerId: inv.customerId, nextActionOn: inv.nextActionOn });
  }
  await batchWrite(doc, table, items);
  return { customers, actioned, items: items.length };
}

async function measure(open: number) {
  const table = `o2c-bench-dunning-${open}-${Math.random().toString(36).slice(2, 8)}`;
  await client.send(new CreateTableCommand(tableCreateInput(table)));
  const t0 = performance.now();
  const seeded = await seed(table, open);
  const seedS = (performance.now() - t0) / 1000;
  const world = memoryWorld({ now: `${AS_OF}T06:00:00.000Z` });
  const deps = { ...world.deps, ...repositories(table), reminderQueue: memoryOutbox(), policy };

  reset();
  const oldCount = (await deps.invoices.openDueBefore(addDays(AS_OF, 4))).length;
  const oldRead = units.openByDue;

  reset();
  const t1 = performance.now();
  const started = await startDunningRun({ asOf: AS_OF }, deps);
  const shardTimes: { shard: number; s: number; letters: number; deliveries: number }[] = [];
  for (const message of deps.dunningShardQueue.sent) {
    // As the queue does: a delivery that fails (DynamoDB Local gives up on a transaction's lock when the machine is
    // loaded; the service does not) is delivered again, up to 5 times. The time is the successful delivery's.
    for (let delivery = 1; ; delivery++) {
      const t = performance.now();
      try {
        const done = await runDunningShard({ ...message, delivery: { messageId: `bench-${started.runId}-${message.shard}`, receiveCount: delivery } }, deps);
        shardTimes.push({ shard: message.shard, s: (performance.now() - t) / 1000, letters: done.letters, deliveries: delivery });
        break;
      } catch (error) {
        if (delivery >= 5) throw error;
        console.log(`          shard ${message.shard}, delivery ${delivery} failed after ${((performance.now() - t) / 1000).toFixed(1)} s: ${(error as Error).message.slice(0, 100)} — delivered again`);
      }
    }
  }
  const runS = (performance.now() - t1) / 1000;
  const run = (await deps.dunningRuns.get(started.runId))!;
  // Per invoice due for an action on the day (as seeded): a delivery that failed half-way leaves its confirmed
  // levels out of the retried delivery's count, not out of the work.
  const per = (u: number) => (u / seeded.actioned).toFixed(2);
  return { open, seeded, seedS, run, runS, shardTimes, oldRead, oldCount, selection: units.selection, total: units.selection + units.other + units.openByDue, writes: units.writes, per };
}

try {
  const sizes = [Number(values.open), Number(values.small)];
  console.log(`dunning run as of ${AS_OF}, default policy, ${PER_CUSTOMER} open invoices a customer, 5 % due for an action — ${availableParallelism()} cores, Node ${process.version}, DynamoDB Local`);
  for (const open of sizes) {
    const m = await measure(open);
    console.log(`  ${String(open).padStart(7)} open (${m.seeded.customers} customers, seeded ${m.seeded.items} items in ${m.seedS.toFixed(0)} s): ${m.seeded.actioned} due for an action; read ${m.run.read}, ${m.run.invoices} invoices in ${m.run.letters} letters in ${m.runS.toFixed(1)} s (${m.run.done} of ${m.run.shards} shards, one after another)`);
    const times = [...m.shardTimes].sort((a, b) => a.s - b.s);
    const longest = times.at(-1)!;
    console.log(`          per shard: longest ${longest.s.toFixed(1)} s (shard ${longest.shard}, ${longest.letters} letters), median ${times[Math.floor(times.length / 2)]!.s.toFixed(1)} s, shortest ${times[0]!.s.toFixed(1)} s; letters per shard ${Math.min(...m.shardTimes.map((t) => t.letters))}–${Math.max(...m.shardTimes.map((t) => t.letters))}; deliveries ${m.shardTimes.reduce((n, t) => n + t.deliveries, 0)} for ${m.shardTimes.length} shards`);
    console.log(`          read units per actioned invoice: selection ${m.per(m.selection)} · whole run ${m.per(m.total)} (write units ${m.per(m.writes)}) · the old open-by-due read alone ${m.per(m.oldRead)}`);
    console.log(`          in all: selection ${m.selection.toFixed(0)} RCU, whole run ${m.total.toFixed(0)} RCU; the old read ${m.oldRead.toFixed(0)} RCU for ${m.oldCount} invoices`);
  }
} finally {
  client.destroy();
  await ddb.stop();
}
