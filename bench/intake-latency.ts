/**
 * `npm run bench:intake`: the intake route's latency beside the physical floor, in one run under one load.
 *
 * Intake is Shopify webhooks (verify, map, one idempotent transaction, one enqueue) to the local stack. Two floors
 * against the same emulators: the bare one, a DynamoDB PutItem plus an SQS SendMessage; and the HTTP one, the same
 * two calls behind a bare HTTP endpoint in this same process (a request in, the write, the send, a response out —
 * what any HTTP intake must do at least). The three are interleaved request by request in the same run at the same
 * concurrency (`--concurrency`, default 50), so all see the same background: every accepted order's workflow
 * running behind them to its invoice, PDF and emails (the simulated warehouse ships after 50 ms), on the same event
 * loop. Prints each p50/p99, the ratios of the p99s (goal ≤ 1.5× the HTTP floor's), how long
 * intake invocations queued for the local host's per-function concurrency limit (intake gets `--concurrency` slots,
 * as Lambda would scale it out; `--throttle-intake` keeps the shared limit of 4), and with `--profile` the CPU
 * profile of the process by owner. `--requests` is per side (default 1000). Figures only, never pass/fail.
 */
import { Keys } from '../functions/adapters/table-schema.ts';
import '../local/quiet.ts';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { freePort } from '../local/dynamodb-local.ts';
import { DEV_SECRETS, startLocalStack } from '../local/stack.ts';
import { quantile, runConcurrently } from './concurrent.ts';
import { formatSummary, startProfile } from './profile.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '50' },
    profile: { type: 'boolean', default: false },
    'no-workflow': { type: 'boolean', default: false },
    'throttle-intake': { type: 'boolean', default: false },
  },
});
const perSide = Number(values.requests);
const concurrency = Number(values.concurrency);

const stack = await startLocalStack({ inMemory: true, apiPort: await freePort(), mailPort: await freePort(), simulateWarehouse: true, warehouseDelayMs: 50,
  // Lambda runs as many intake invocations at once as API Gateway sends (account limit 1,000); the local host's
  // per-function limit would queue 46 of the 50 here. `--throttle-intake` keeps that limit, to show its cost.
  ...(values['throttle-intake'] ? {} : { functionConcurrency: { intake: concurrency } }) });
try {
  // A queue nothing consumes: the floor's messages add no work behind it.
  const queueUrl = stack.queues.url(stack.topology.queues.find((q) => !q.deadLetter && !stack.topology.eventSources.some((e) => e.queue === q.logicalId))?.name ?? stack.topology.queues[0]!.name);
  const template = JSON.parse(readFileSync(resolve(import.meta.dirname, '../test/fixtures/shopify/orders-paid-gbp.json'), 'utf8'));
  const secret = process.env.O2C_SHOPIFY_WEBHOOK_SECRET || DEV_SECRETS.O2C_SHOPIFY_WEBHOOK_SECRET;
  const floorOp = async (i: number) => {
    await stack.doc.send(new PutCommand({ TableName: stack.tableName, Item: { ...Keys.benchFloor(i), n: i } }));
    await stack.queues.client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ i }) }));
  };
  // The HTTP floor: a bare endpoint (no routing, no function host, no validation) that writes, sends and answers.
  const floorServer = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      floorOp(Number(JSON.parse(raw).i)).then(
        () => res.writeHead(202, { 'content-type': 'application/json' }).end('{"accepted":true}'),
        (e: Error) => res.writeHead(500).end(e.message),
      );
    });
  });
  floorServer.keepAliveTimeout = 65_000;
  const floorPort = await freePort();
  await new Promise<void>((ok) => floorServer.listen(floorPort, '127.0.0.1', ok));
  const httpFloorOp = async (i: number) => {
    const res = await fetch(`http://127.0.0.1:${floorPort}/floor`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ i }) });
    if (res.status !== 202) throw new Error(`the HTTP floor answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  const intakeOp = async (i: number) => {
    const body = JSON.stringify({ ...template, id: 900_000 + i, name: `#B${i}` });
    const res = await fetch(`${stack.apiUrl}/webhooks/shopify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/paid', 'x-shopify-shop-domain': 'bench.myshopify.com', 'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64') },
      body,
    });
    if (res.status !== 202) throw new Error(`intake answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  };
  // Warm both paths (first connections, first module-level work) outside the measurement.
  for (let i = 0; i < 5; i++) await Promise.all([floorOp(1_000_000 + i), httpFloorOp(1_100_000 + i), intakeOp(1_000_000 + i)]);

  const floor: number[] = [];
  const httpFloor: number[] = [];
  const intake: number[] = [];
  const profile = values.profile ? await startProfile() : undefined;
  const load0 = loadavg()[0]!;
  const { wallMs } = await runConcurrently(perSide * 3, concurrency, async (i) => {
    const s = performance.now();
    const side = i % 3;
    if (side === 0 && !values['no-workflow']) await intakeOp(Math.floor(i / 3));
    else if (side === 0) await floorOp(2_000_000 + i);
    else if (side === 1) await floorOp(i);
    else await httpFloorOp(i);
    [intake, floor, httpFloor][side]!.push(performance.now() - s);
  });
  floorServer.close();
  const summary = await profile?.stop(resolve(import.meta.dirname, '../.bench/intake.cpuprofile'));
  const gate = stack.host.timings.get('intake')!;

  const line = (label: string, xs: number[]) => {
    xs.sort((a, b) => a - b);
    return `  ${label.padEnd(44)} p50 ${quantile(xs, 0.5).toFixed(1).padStart(7)} ms · p99 ${quantile(xs, 0.99).toFixed(1).padStart(7)} ms`;
  };
  console.log(`intake latency, ${perSide} requests each of 3 kinds interleaved at ${concurrency} concurrent — ${availableParallelism()} cores, load average ${load0.toFixed(1)} at the start, Node ${process.version}`);
  console.log(`  (both under the same background: each accepted order's workflow runs behind them to invoice and email; ${(wallMs / 1000).toFixed(1)} s)`);
  console.log(line('floor: 1 DynamoDB PutItem + 1 SQS send', floor));
  console.log(line('HTTP floor: POST → the same two calls → 202', httpFloor));
  console.log(line(values['no-workflow'] ? 'floor again (--no-workflow: no intake)' : 'intake: POST /webhooks/shopify (new orders)', intake));
  const ratio = (xs: number[]) => (quantile(intake, 0.99) / quantile(xs, 0.99)).toFixed(2);
  console.log(`  ratio of the p99s: intake / HTTP floor ${ratio(httpFloor)}× (goal ≤ 1.5×); intake / bare floor ${ratio(floor)}×`);
  console.log(`  intake invocations: ${gate.count}, mean ${(gate.runMs / Math.max(1, gate.count)).toFixed(1)} ms running, mean ${(gate.waitMs / Math.max(1, gate.count)).toFixed(1)} ms (max ${gate.maxWaitMs.toFixed(0)}) queued for the local concurrency limit (${values['throttle-intake'] ? process.env.O2C_LOCAL_CONCURRENCY || 4 : concurrency} for intake)`);
  if (summary) for (const l of formatSummary(summary)) console.log(l);
} finally {
  await stack.stop();
}
