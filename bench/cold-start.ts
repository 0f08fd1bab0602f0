/**
 * `npm run bench:cold-start`: import + init time of every handler beside a bare handler that imports one SDK
 * client, in the same run.
 *
 * 1. Bundles each handler as bench:bundles does (bench/bundle-handler.ts: the CDK's options, the AWS SDK left to
 *    the runtime, resolved from node_modules as the runtime's copy would be), plus the bare handler: the
 *    DynamoDB client created at load and a handler that returns.
 * 2. For each bundle, a fresh `node` process (nothing cached, like a new Lambda execution environment) with the
 *    function's own environment from the synthesized template times `await import(bundle)`: module evaluation, so
 *    every top-level statement (readBindings, clients, schemas) is in it.
 * 3. `--runs N` rounds (default 5), the handlers in a new order each round so that a burst of load on the shared
 *    machine does not land on one handler; prints the median per handler, its ratio to the bare handler's median
 *    and, for the order path, whether it is within 2×. Figures only, never pass/fail.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import '../local/quiet.ts';
import { synthTemplate } from '../local/synth.ts';
import { readTopology } from '../local/template.ts';
import { bundleHandler, HANDLERS_DIR, handlerEntries, ROOT } from './bundle-handler.ts';

/** The functions an order passes through from intake to its invoice email (and its rejection), as README's Architecture draws them. */
export const ORDER_PATH = ['intake', 'start-order', 'validate-order', 'check-credit', 'request-credit-review', 'decide-credit', 'confirm-order', 'fulfil-order', 'send-fulfilment-request', 'fulfilment-callback', 'ship-order', 'issue-invoice', 'send-mail', 'reject-order', 'release-stock'];

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, only: { type: 'string' } } });
const runs = Number(values.runs);
const out = join(ROOT, '.bench/cold-start');
mkdirSync(out, { recursive: true });

const BARE = `import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
const client = new DynamoDBClient({});
export const handler = async () => ({ ok: Boolean(client) });
`;
writeFileSync(join(out, 'bare-entry.mjs'), BARE);

const names = handlerEntries().map((f) => basename(f, '.ts')).filter((n) => !values.only || values.only.split(',').includes(n));
const bundles = new Map<string, string>();
for (const name of ['(bare: one SDK client)', ...names]) {
  const entry = name.startsWith('(bare') ? join(out, 'bare-entry.mjs') : join(HANDLERS_DIR, `${name}.ts`);
  const result = await bundleHandler(entry);
  const file = join(out, `${name.startsWith('(bare') ? 'bare' : name}.mjs`);
  writeFileSync(file, result.outputFiles.find((f) => f.path.endsWith('.mjs'))!.contents);
  bundles.set(name, file);
}

// Each function's environment as deployed: the template's variables (ARNs, URLs and settings), plus a region.
// refresh-rates exists only when a rates source is configured: give it one so every handler is measured.
const { template } = synthTemplate({ 'o2c.creditRatesSourceUrl': 'https://rates.example/eurofxref-daily.xml' });
const topology = readTopology(template, { region: 'eu-west-1', account: '000000000000', queueUrl: (q) => `https://sqs.eu-west-1.amazonaws.com/000000000000/${q}` });
const envOf = (name: string): Record<string, string> => {
  const fn = topology.functions.find((f) => f.name === name);
  return { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', AWS_LAMBDA_FUNCTION_NAME: name, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...(fn?.env ?? {}) };
};

const probe = (file: string) => `
const c0 = process.cpuUsage();
const t0 = performance.now();
const mod = await import(${JSON.stringify(`file://${file}`)});
const t1 = performance.now();
const c1 = process.cpuUsage(c0);
if (typeof mod.handler !== 'function') throw new Error('no handler export');
console.log(JSON.stringify({ importMs: t1 - t0, cpuMs: (c1.user + c1.system) / 1000, rssMb: process.memoryUsage().rss / 1048576 }));
`;
const times = new Map<string, number[]>([...bundles.keys()].map((n) => [n, []]));
const cpu = new Map<string, number[]>([...bundles.keys()].map((n) => [n, []]));
const rss = new Map<string, number>();
const errors = new Map<string, string>();
const load0 = loadavg()[0]!;
for (let round = 0; round < runs; round++) {
  const order = [...bundles.keys()];
  for (let i = order.length - 1; i > 0; i--) {
    const j = (round * 7919 + i * 104729) % (i + 1); // a fixed shuffle per round, different each round
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  for (const name of order) {
    try {
      const r = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe(bundles.get(name)!)], { env: envOf(name), cwd: out, stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim().split('\n').pop()!) as { importMs: number; cpuMs: number; rssMb: number };
      times.get(name)!.push(r.importMs);
      cpu.get(name)!.push(r.cpuMs);
      rss.set(name, Math.max(rss.get(name) ?? 0, r.rssMb));
    } catch (error) {
      const text = String((error as { stderr?: Buffer }).stderr ?? error);
      errors.set(name, (text.split('\n').find((l) => /^\w*Error\b/.test(l.trim())) ?? text.split('\n')[0]!).trim().slice(0, 160));
    }
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)]! : NaN;
};
const bareCpu = median(cpu.get('(bare: one SDK client)')!);
const bareWall = median(times.get('(bare: one SDK client)')!);
console.log(`cold start: import + init of each handler bundle in a fresh node process, median of ${runs} rounds — ${availableParallelism()} cores shared, load average ${load0.toFixed(1)} at the start, Node ${process.version}`);
console.log('  CPU ms: user + system CPU the process spent in the import (what the shared machine disturbs least); wall ms: elapsed');
console.log(`${'function'.padEnd(26)}${'CPU ms'.padStart(8)}${'× bare'.padStart(8)}${'wall ms'.padStart(9)}${'× bare'.padStart(8)}${'RSS MiB'.padStart(9)}`);
let over = 0;
for (const [name, xs] of times) {
  if (errors.has(name) && xs.length === 0) {
    console.log(`${name.padEnd(26)}  not loaded: ${errors.get(name)}`);
    continue;
  }
  const c = median(cpu.get(name)!);
  const w = median(xs);
  const isBare = name.startsWith('(bare');
  const onPath = ORDER_PATH.includes(name);
  const ratio = c / bareCpu;
  if (onPath && ratio > 2) over++;
  const mark = isBare ? '' : onPath ? (ratio > 2 ? '  order path, OVER 2×' : '  order path') : '';
  console.log(`${name.padEnd(26)}${c.toFixed(0).padStart(8)}${(isBare ? '1.00' : ratio.toFixed(2)).padStart(8)}${w.toFixed(0).padStart(9)}${(isBare ? '1.00' : (w / bareWall).toFixed(2)).padStart(8)}${(rss.get(name) ?? 0).toFixed(0).padStart(9)}${mark}`);
}
const onPath = ORDER_PATH.filter((n) => (times.get(n)?.length ?? 0) > 0);
console.log(`order path: ${onPath.length - over} of ${onPath.length} within 2× of the bare handler's CPU (${bareCpu.toFixed(0)} ms)`);
