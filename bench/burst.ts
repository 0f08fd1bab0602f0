/**
 * `npm run bench:burst [-- --orders 10000]`: a burst of orders from all four intake paths — Shopify `orders/paid`,
 * WooCommerce `order.created` (paid), Stripe `checkout.session.completed` and the B2B API on 30-day terms (a credit
 * check each) — posted to the local stack as fast as `--concurrency` (default 50) allows, then every order followed
 * to its invoice. Reports:
 *
 * 1. Nothing lost: each order's final status read back (BatchGetItem on the ids intake answered), every workflow's
 *    end, and the depth of every DLQ — all must come to "invoiced/paid", "succeeded" and 0.
 * 2. Throughput: posts per second, orders invoiced per second end to end, and the time to drain the mail.
 * 3. Peak memory: this process's RSS (emulators + handlers + the host) and DynamoDB Local's JVM (this process's
 *    own java child, not other processes on a shared machine).
 * 4. Where the first bottleneck is, measured: Node's CPU (cores used, event-loop delay, a CPU profile by owner),
 *    the JVM's CPU, the SDK time spent waiting on each emulator per call (the SDK tap, local/sdk-tap.ts), the local
 *    host's concurrency queueing per function, and queue depths over time (which stage the backlog piles up in).
 *
 * Mail is paced to `sesSendRatePerSecond` (default 14/s, SES's starting quota: 30,000 emails would take 36 min);
 * the bench raises it to `--ses-rate` (default 200/s) so the pacing under test is o2c's, not the sandbox quota.
 * Figures only, never pass/fail. Develop at `--orders 500`; run 10,000 with `nice -n 10`.
 */
import '../local/quiet.ts';
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BatchGetCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { customerId } from '../functions/domain/ids.ts';
import { Keys } from '../functions/adapters/table-schema.ts';
import { freePort } from '../local/dynamodb-local.ts';
import { tapSdk } from '../local/sdk-tap.ts';
import { DEV_SECRETS, startLocalStack } from '../local/stack.ts';
import { quantile, runConcurrently } from './concurrent.ts';
import { formatSummary, startProfile } from './profile.ts';

const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '50' },
    'ses-rate': { type: 'string', default: '200' },
    /** The whole run's budget: no new post after it, and the follow-up stops there (what is unfinished is reported). */
    minutes: { type: 'string', default: '120' },
    profile: { type: 'boolean', default: true },
    'drain-mail': { type: 'boolean', default: false },
  },
});
const total = Number(values.orders);
const concurrency = Number(values.concurrency);
const fixture = (p: string) => JSON.parse(readFileSync(resolve(import.meta.dirname, '../test/fixtures', p), 'utf8'));
const secret = (k: keyof typeof DEV_SECRETS) => process.env[k] || DEV_SECRETS[k];
const mb = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// ---- this process's DynamoDB Local JVM: the java descendant of this pid (a shared machine runs others) ----
function descendantJava(): number | undefined {
  const parents = new Map<number, number>();
  const comm = new Map<number, string>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      comm.set(Number(d), stat.slice(stat.indexOf('(') + 1, close));
      parents.set(Number(d), Number(stat.slice(close + 2).split(' ')[1]));
    } catch {
      /* gone */
    }
  }
  for (const [pid, name] of comm) {
    if (name !== 'java') continue;
    for (let p = parents.get(pid); p !== undefined && p > 1; p = parents.get(p)) if (p === process.pid) return pid;
  }
  return undefined;
}
const ticks = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
function procStat(pid: number): { cpuMs: number; rss: number } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / ticks, rss: rssKb * 1024 };
  } catch {
    return { cpuMs: 0, rss: 0 };
  }
}

// ---- the SDK tap: time per service of the calls handlers make (and the platform's own) ----
const sdk = new Map<string, { calls: number; ms: number; lat: number[] }>();
const sdkErrors = new Map<string, number>();
tapSdk({
  after(call) {
    if (call.error !== undefined) {
      const k = `${call.invocation?.fn ?? 'local platform'}: ${call.service} ${call.operation} → ${(call.error as Error).name}`;
      sdkErrors.set(k, (sdkErrors.get(k) ?? 0) + 1);
    }
    const key = `${call.service}${call.invocation ? '' : ' (local platform)'}`;
    const e = sdk.get(key) ?? { calls: 0, ms: 0, lat: [] };
    e.calls++;
    e.ms += call.ms ?? 0;
    if (e.lat.length < 200_000) e.lat.push(call.ms ?? 0);
    sdk.set(key, e);
  },
});

const load0 = loadavg()[0]!;
const startedAt = performance.now();
const stack = await startLocalStack({
  inMemory: true,
  apiPort: await freePort(),
  mailPort: await freePort(),
  warehouseDelayMs: 50,
  context: { 'o2c.sesSendRatePerSecond': values['ses-rate'] },
  // API Gateway → Lambda scales intake out to the burst; the workflow steps keep the local limit.
  functionConcurrency: { intake: concurrency },
});
const readyMs = performance.now() - startedAt;
const jvm = descendantJava();
const table = stack.tableName;
const doc = stack.doc;

// Stock for the burst, and a B2B customer whose limit covers it (the credit check runs, nothing is held).
for (const sku of ['MUG-01', 'TEA-250']) {
  await doc.send(new UpdateCommand({ TableName: table, Key: Keys.product(sku), UpdateExpression: 'SET onHand = :n', ExpressionAttributeValues: { ':n': 100_000_000 } }));
}
const b2bEmail = 'buyer@burst-wholesale.example';
const b2bId = customerId('-', b2bEmail);
await doc.send(
  new PutCommand({
    TableName: table,
    Item: { ...Keys.customer(b2bId), ...Keys.customerByEmail('-', b2bEmail), type: 'Customer', id: b2bId, shop: '-', name: 'Burst Wholesale Ltd', email: b2bEmail, language: 'en', creditLimit: 1_000_000_000_000, riskScore: 10, timezone: 'UTC', currency: 'GBP', terms: { netDays: 30 }, dunningState: 'none', createdAt: new Date().toISOString() },
  }),
);

const shopify = fixture('shopify/orders-paid-gbp.json');
const woo = fixture('woocommerce/order-created-paid.json');
const stripe = fixture('stripe/checkout-session-completed-gbp.json');
const hmac64 = (key: string, body: string) => createHmac('sha256', key).update(body).digest('base64');
const PLATFORMS = ['shopify', 'woocommerce', 'stripe', 'api'] as const;
type Kind = (typeof PLATFORMS)[number];
function request(i: number): { kind: Kind; path: string; headers: Record<string, string>; body: string } {
  const kind = PLATFORMS[i % 4]!;
  const n = Math.floor(i / 4);
  switch (kind) {
    case 'shopify': {
      const body = JSON.stringify({ ...shopify, id: 7_000_000 + n, name: `#S${n}`, email: `shopper${n % 500}@burst.example` });
      return { kind, path: '/webhooks/shopify', body, headers: { 'x-shopify-topic': 'orders/paid', 'x-shopify-shop-domain': 'burst.myshopify.com', 'x-shopify-hmac-sha256': hmac64(secret('O2C_SHOPIFY_WEBHOOK_SECRET'), body) } };
    }
    case 'woocommerce': {
      const body = JSON.stringify({ ...woo, id: 8_000_000 + n, number: `W${n}`, billing: { ...woo.billing, email: `woo${n % 500}@burst.example` } });
      return { kind, path: '/webhooks/woocommerce', body, headers: { 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-source': 'https://burst-shop.example/', 'x-wc-webhook-signature': hmac64(secret('O2C_WOOCOMMERCE_WEBHOOK_SECRET'), body) } };
    }
    case 'stripe': {
      const object = { ...stripe.data.object, id: `cs_burst_${n}`, client_reference_id: `WEB-B${n}`, payment_intent: `pi_burst_${n}`, customer_details: { ...stripe.data.object.customer_details, email: `web${n % 500}@burst.example` } };
      const body = JSON.stringify({ ...stripe, id: `evt_burst_${n}`, created: Math.floor(Date.now() / 1000), data: { object } });
      const t = Math.floor(Date.now() / 1000);
      return { kind, path: '/webhooks/stripe', body, headers: { 'stripe-signature': `t=${t},v1=${createHmac('sha256', secret('O2C_STRIPE_WEBHOOK_SECRET')).update(`${t}.${body}`).digest('hex')}` } };
    }
    case 'api': {
      const body = JSON.stringify({
        externalId: `PO-B${n}`,
        customer: { email: b2bEmail, name: 'Burst Wholesale Ltd' },
        currency: 'GBP',
        paymentMode: 'terms',
        shippingAddress: { line1: '1 Dock Road', city: 'Hull', postalCode: 'HU1 1AA', country: 'GB' },
        lines: [{ sku: 'MUG-01', description: 'Stoneware mug, 350 ml', quantity: 1 + (n % 3), unitPrice: 1250, taxRatePpm: 200_000 }],
      });
      return { kind, path: '/orders', body, headers: { 'x-api-key': stack.apiKey, 'idempotency-key': `burst-${n}` } };
    }
  }
}

// ---- samplers: memory, CPU, event-loop delay, queue depths over time ----
const ids: string[] = [];
const refused: string[] = [];
const retried: string[] = [];
const byKind = new Map<Kind, number[]>();
const loop = monitorEventLoopDelay({ resolution: 20 });
loop.enable();
let peakRss = 0;
let peakJvm = 0;
const rssSampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  if (jvm) peakJvm = Math.max(peakJvm, procStat(jvm).rss);
}, 1_000);
const series = stack.topology.functions.find((f) => f.env.INVOICE_SERIES)?.env.INVOICE_SERIES ?? 'INV';
const invoiced = async () => ((await doc.send(new GetCommand({ TableName: table, Key: Keys.invoiceCounter(series, new Date().getUTCFullYear()), ConsistentRead: true }))).Item?.seq as number | undefined) ?? 0;
interface Sample { t: number; invoiced: number; running: number; depths: Record<string, number>; nodeCpuMs: number; jvmCpuMs: number; lagP99: number }
const samples: Sample[] = [];
const shortName = (q: string) => q.replace(/^O2c-[^-]+-(data-)?/i, '').replace(/[A-Z0-9]{8,}$/, '').replace(/-+$/, '');
const cpu0 = process.cpuUsage();
const jvm0 = jvm ? procStat(jvm).cpuMs : 0;
const t0 = performance.now();
const sample = async () => {
  const depths: Record<string, number> = {};
  for (const d of await stack.queues.depths()) depths[`${d.isDeadLetter ? 'DLQ ' : ''}${shortName(d.queue)}`] = d.visible + d.inFlight;
  const c = process.cpuUsage(cpu0);
  const x: Sample = { t: performance.now() - t0, invoiced: await invoiced(), running: [...stack.sfn.executions.values()].filter((e) => e.status === 'RUNNING').length, depths, nodeCpuMs: (c.user + c.system) / 1000, jvmCpuMs: jvm ? procStat(jvm).cpuMs - jvm0 : 0, lagP99: loop.percentile(99) / 1e6 };
  samples.push(x);
  loop.reset();
  // progress on stderr, every ~10 s
  if (samples.length % 5 === 1) process.stderr.write(`  ${(x.t / 1000).toFixed(0)} s: ${ids.length} accepted, ${x.invoiced} invoiced, ${x.running} workflows running; queued ${Object.entries(depths).filter(([, n]) => n > 0).map(([q, n]) => `${q} ${n}`).join(', ') || 'nothing'}\n`);
};
let sampling = true;
const sampler = (async () => {
  while (sampling) {
    await sample().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 2_000));
  }
})();

// ---- the burst ----
const deadline = Date.now() + Number(values.minutes) * 60_000;
let posted = 0;
const profile = values.profile ? await startProfile(2_000) : undefined;
const { wallMs: postedMs } = await runConcurrently(total, concurrency, async (i) => {
  if (Date.now() > deadline) return;
  posted++;
  const r = request(i);
  const started = performance.now();
  // As the platforms do, a delivery that fails (a 5xx, a reset connection) is delivered again, up to 5 times.
  let status = 0;
  let answer: { orderId?: string; message?: string } = {};
  for (let attempt = 1; attempt <= 5; attempt++) {
    try {
      const res = await fetch(`${stack.apiUrl}${r.path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...r.headers }, body: r.body });
      status = res.status;
      answer = (await res.json().catch(() => ({}))) as typeof answer;
      if (status < 500) break;
      retried.push(`${r.kind} #${i}: ${status} ${answer.message ?? ''}`);
    } catch (error) {
      status = 0;
      answer = { message: String((error as Error & { cause?: Error }).cause?.message ?? error) };
      retried.push(`${r.kind} #${i}: ${answer.message}`);
    }
    await new Promise((w) => setTimeout(w, 500 * attempt));
  }
  (byKind.get(r.kind) ?? byKind.set(r.kind, []).get(r.kind)!).push(performance.now() - started);
  if (status === 202 && answer.orderId) ids.push(answer.orderId);
  else refused.push(`${r.kind} #${i}: ${status} ${answer.message ?? ''}`);
});
const postedAt = performance.now() - t0;

// ---- follow every order to its invoice ----
let done = 0;
while ((done = await invoiced()) < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1_000));
const invoicedAt = performance.now() - t0;
// then the queues drain (every queue but the DLQs empty; the mail queue too with --drain-mail: locally one send-mail
// poller paced to MAIL_MIN_INTERVAL_MS sends ~10 emails a second whatever the SES rate — AWS runs maxConcurrency of them)
const mailQueue = stack.topology.queues.find((q) => stack.topology.eventSources.some((e) => e.queue === q.logicalId && stack.topology.functions.find((f) => f.logicalId === e.fn)?.name === 'send-mail'))?.name;
const drained = async () => (await stack.queues.depths()).every((d) => d.isDeadLetter || d.visible + d.inFlight === 0 || (!values['drain-mail'] && d.queue === mailQueue));
while (!(await drained()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1_000));
const drainedAt = performance.now() - t0;
const summary = await profile?.stop(resolve(import.meta.dirname, '../.bench/burst.cpuprofile'));
sampling = false;
await sampler;
await sample();
clearInterval(rssSampler);
const cpuTotal = process.cpuUsage(cpu0);
const jvmCpu = jvm ? procStat(jvm).cpuMs - jvm0 : 0;

// ---- nothing lost: every order's status, every workflow, every DLQ ----
const statuses = new Map<string, number>();
for (let i = 0; i < ids.length; i += 100) {
  let keys = ids.slice(i, i + 100).map((id) => Keys.order(id));
  while (keys.length) {
    const r = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: keys, ProjectionExpression: 'pk, sk, #s', ExpressionAttributeNames: { '#s': 'status' } } } }));
    for (const item of r.Responses?.[table] ?? []) statuses.set(String(item.status), (statuses.get(String(item.status)) ?? 0) + 1);
    keys = (r.UnprocessedKeys?.[table]?.Keys as typeof keys | undefined) ?? [];
  }
}
const finished = (statuses.get('invoiced') ?? 0) + (statuses.get('paid') ?? 0);
const workflows = [...stack.sfn.executions.values()].reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.status]: (acc[e.status] ?? 0) + 1 }), {});
const dlq = (await stack.queues.depths()).filter((d) => d.isDeadLetter && d.visible + d.inFlight > 0);
const mails = ((await (await fetch(`${stack.mailUrl}/store`)).json()) as { emails: unknown[] }).emails.length;
const mailLeft = (await stack.queues.depths()).filter((d) => d.queue === mailQueue).reduce((n, d) => n + d.visible + d.inFlight, 0);
const timings = [...stack.host.timings].filter(([, t]) => t.count > 0);
const failures = new Map<string, number>();
for (const e of stack.sfn.executions.values()) if (e.status !== 'SUCCEEDED' && e.status !== 'RUNNING') failures.set(`${e.status} ${e.error ?? ''}: ${(e.cause ?? '').slice(0, 140)}`, (failures.get(`${e.status} ${e.error ?? ''}: ${(e.cause ?? '').slice(0, 140)}`) ?? 0) + 1);
await stack.stop();

// ---- report ----
const allPosts = [...byKind.values()].flat().sort((a, b) => a - b);
console.log(`o2c burst: ${total} orders (Shopify, WooCommerce, Stripe, B2B API on terms — a quarter each), ${concurrency} concurrent posts`);
console.log(`  machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), shared; load average ${load0.toFixed(1)} at the start, ${loadavg()[0]!.toFixed(1)} at the end; Node ${process.version}; stack ready in ${s(readyMs)}`);
console.log(`  not invoiced: ${ids.length - finished} (${finished} of ${ids.length} accepted orders invoiced${statuses.size ? `; statuses ${[...statuses].map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}); refused at intake: ${refused.length}${refused.length ? ` (first: ${refused[0]})` : ''}`);
console.log(`  DLQs: ${dlq.length === 0 ? '0 messages in all' : dlq.map((d) => `${d.queue} ${d.visible + d.inFlight}`).join(', ')}; workflows ${Object.entries(workflows).map(([k, v]) => `${k} ${v}`).join(' · ')}; emails sent ${mails}, ${mailLeft} still queued (paced)`);
if (posted < total) console.log(`  NOT COMPLETE: the ${values.minutes}-minute budget ended after ${posted} of ${total} posts; unfinished orders are counted as not invoiced above (in flight, not necessarily lost)`);
for (const [k, n] of [...failures].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`    workflow ${n}× ${k}`);
for (const r of refused.slice(0, 5)) console.log(`    refused ${r}`);
if (retried.length) console.log(`  deliveries retried (as the platform would): ${retried.length}; ${[...retried.reduce((m, r) => m.set(r.replace(/^\S+ #\d+: /, ''), (m.get(r.replace(/^\S+ #\d+: /, '')) ?? 0) + 1), new Map<string, number>())].map(([k, n]) => `${n}× ${k}`).join('; ')}`);
if (sdkErrors.size) console.log('  SDK errors seen by the tap (retried or handled, unless a workflow above failed):');
for (const [k, n] of [...sdkErrors].sort((a, b) => b[1] - a[1]).slice(0, 12)) console.log(`    ${String(n).padStart(6)}× ${k}`);
console.log(`  intake: ${posted} posts in ${s(postedMs)} → ${(posted / (postedMs / 1000)).toFixed(1)} posts/s; p50 ${quantile(allPosts, 0.5).toFixed(0)} ms · p99 ${quantile(allPosts, 0.99).toFixed(0)} ms  (${[...byKind].map(([k, xs]) => `${k} p99 ${quantile(xs.sort((a, b) => a - b), 0.99).toFixed(0)}`).join(', ')})`);
console.log(`  end to end: ${done} invoiced ${s(invoicedAt)} after the first post → ${(done / (invoicedAt / 1000)).toFixed(1)} orders/s; every queue drained${values['drain-mail'] ? ' (mail included)' : ' (but the paced mail queue)'} at ${s(drainedAt)}`);
console.log(`  peak memory: node ${mb(peakRss)} (emulators, handlers, host) · DynamoDB Local JVM ${jvm ? mb(peakJvm) : 'not found'}`);
const wall = drainedAt;
console.log(`  CPU over the run (${s(wall)}): node ${(cpuTotal.user / 1000 / wall).toFixed(2)} cores user + ${(cpuTotal.system / 1000 / wall).toFixed(2)} system · DynamoDB Local JVM ${(jvmCpu / wall).toFixed(2)} cores`);
const lags = samples.map((x) => x.lagP99).sort((a, b) => a - b);
console.log(`  node event-loop delay, p99 per 2 s window: median ${quantile(lags, 0.5).toFixed(0)} ms, worst ${lags[lags.length - 1]?.toFixed(0)} ms`);
console.log('  SDK calls (the tap): calls · mean ms · p99 ms · total wait — handlers\' calls, then the local platform\'s own (pollers, state machine)');
for (const [k, e] of [...sdk].sort((a, b) => b[1].ms - a[1].ms)) {
  const lat = e.lat.sort((a, b) => a - b);
  console.log(`    ${k.padEnd(36)} ${String(e.calls).padStart(8)} · ${(e.ms / e.calls).toFixed(1).padStart(7)} · ${quantile(lat, 0.99).toFixed(0).padStart(6)} · ${s(e.ms).padStart(9)}`);
}
console.log('  functions: invocations · mean ms running · mean ms queued for the local concurrency limit');
for (const [name, t] of timings.sort((a, b) => b[1].runMs - a[1].runMs)) console.log(`    ${name.padEnd(26)} ${String(t.count).padStart(7)} · ${(t.runMs / t.count).toFixed(0).padStart(6)} · ${(t.waitMs / t.count).toFixed(0).padStart(7)}`);
// queue depths over time: the queues that ever held more than 10, at up to 12 points
const busy = Object.keys(samples.at(-1)?.depths ?? {}).filter((q) => samples.some((x) => (x.depths[q] ?? 0) > 10));
const step = Math.max(1, Math.ceil(samples.length / 12));
console.log(`  over time (s · invoiced · running workflows · node cores · JVM cores · loop p99 ms · depths of ${busy.join(', ') || 'no queue above 10'}):`);
for (let i = 0; i < samples.length; i += step) {
  const x = samples[i]!;
  const prev = samples[Math.max(0, i - step)]!;
  const dt = Math.max(1, x.t - prev.t);
  console.log(`    ${(x.t / 1000).toFixed(0).padStart(5)} · ${String(x.invoiced).padStart(6)} · ${String(x.running).padStart(5)} · ${((x.nodeCpuMs - prev.nodeCpuMs) / dt).toFixed(2)} · ${((x.jvmCpuMs - prev.jvmCpuMs) / dt).toFixed(2)} · ${x.lagP99.toFixed(0).padStart(4)} · ${busy.map((q) => x.depths[q] ?? 0).join(' / ')}`);
}
if (summary) for (const l of formatSummary(summary)) console.log(l);
