/**
 * `npm run bench:local`: orders through the whole local cycle.
 * Posts N orders (default 1,000; `-- --orders 200`) to the local stack at a
 * fixed concurrency, waits until every one is invoiced, and prints orders per
 * second end to end, the intake route's p50/p99 latency, and peak memory of
 * this process (emulators and handlers; DynamoDB Local's JVM is reported apart).
 * Figures only, never pass/fail.
 */
import '../local/quiet.ts';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { availableParallelism, cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Keys } from '../functions/adapters/table-schema.ts';
import { freePort } from '../local/dynamodb-local.ts';
import { startLocalStack } from '../local/stack.ts';
import { quantile, runConcurrently } from './concurrent.ts';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '20' } } });
const total = Number(values.orders);
const concurrency = Number(values.concurrency);

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
const run = promisify(execFile);
const jvmRss = async () => {
  try {
    const { stdout } = await run('ps', ['-C', 'java', '-o', 'rss=']);
    return stdout.split('\n').filter(Boolean).reduce((a, b) => a + Number(b), 0) * 1024;
  } catch {
    return 0;
  }
};
let peakJvm = 0;
const jvmSampler = setInterval(() => void jvmRss().then((r) => (peakJvm = Math.max(peakJvm, r))), 1_000);

const startedAt = performance.now();
const stack = await startLocalStack({ inMemory: true, apiPort: await freePort(), mailPort: await freePort(), warehouseDelayMs: 50 });
const readyMs = performance.now() - startedAt;
await stack.doc.send(
  new PutCommand({ TableName: stack.tableName, Item: { ...Keys.product('BENCH-1'), type: 'Product', sku: 'BENCH-1', description: 'Bench item', unitPrice: 1000, currency: 'GBP', taxRatePpm: 200_000, onHand: 10_000_000, weightGrams: 100 } }),
);

const ids: string[] = [];
const t0 = performance.now();
const { latencies, wallMs: postedMs } = await runConcurrently(total, concurrency, async (i) => {
  const body = {
    externalId: `BENCH-${i}`,
    customer: { email: `bench${i % 50}@example.com`, name: `Bench ${i % 50}` },
    currency: 'GBP',
    paymentMode: 'prepaid',
    shippingAddress: { line1: '1 Bench Road', city: 'York', country: 'GB' },
    lines: [{ sku: 'BENCH-1', description: 'Bench item', quantity: 1 + (i % 3), unitPrice: 1000, taxRatePpm: 200_000 }],
  };
  const res = await fetch(`${stack.apiUrl}/orders`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': stack.apiKey }, body: JSON.stringify(body) });
  if (res.status !== 202) throw new Error(`intake answered ${res.status}`);
  ids.push(((await res.json()) as { orderId: string }).orderId);
});

// The gapless invoice counter is one item: reading it costs nothing, where a Scan of the growing table
// every second would slow the very cycle it measures.
const series = stack.topology.functions.find((f) => f.env.INVOICE_SERIES)?.env.INVOICE_SERIES ?? 'INV';
const invoiced = async () => {
  const r = await stack.doc.send(new GetCommand({ TableName: stack.tableName, Key: Keys.invoiceCounter(series, new Date().getUTCFullYear()), ConsistentRead: true }));
  return (r.Item?.seq as number | undefined) ?? 0;
};
let done = 0;
const deadline = Date.now() + 15 * 60_000;
while ((done = await invoiced()) < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1_000));
const cycleMs = performance.now() - t0;
const workflows = [...stack.sfn.executions.values()].reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.status]: (acc[e.status] ?? 0) + 1 }), {});
clearInterval(sampler);
clearInterval(jvmSampler);
await stack.stop();

const pct = (p: number) => quantile(latencies, p / 100);
const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MiB`;
console.log(`o2c local cycle: ${total} orders, ${concurrency} concurrent posts — ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), Node ${process.version}`);
console.log(`  stack ready in            ${(readyMs / 1000).toFixed(1)} s`);
console.log(`  intake (POST /orders)     p50 ${pct(50).toFixed(1)} ms · p99 ${pct(99).toFixed(1)} ms · ${(total / (postedMs / 1000)).toFixed(0)} posts/s`);
console.log(`  whole cycle               ${done} of ${total} invoiced in ${(cycleMs / 1000).toFixed(1)} s → ${(done / (cycleMs / 1000)).toFixed(1)} orders/s (intake → workflow → invoice + PDF + 3 emails each)`);
console.log(`  workflows                 ${Object.entries(workflows).map(([k, v]) => `${k} ${v}`).join(' · ')}`);
console.log(`  peak memory               node ${mb(peakRss)} · DynamoDB Local JVM ${mb(peakJvm)}`);
