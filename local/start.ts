/**
 * `npm start` — the whole o2c stack on this machine, from the synthesized
 * template, on local emulators. What it holds (table, queues, running workflows,
 * the simulated warehouse's pending shipments) is kept in `.o2c/`
 * (`--data-dir <dir>` for another) and picked up where it was on the next start,
 * even after `kill -9`. `npm start -- --in-memory` keeps nothing on disk;
 * `npm start -- -c o2c.<key>=<value>` (repeatable, or `-c o2c='{…}'`) passes
 * configuration to the synthesized app exactly as `cdk deploy -c` does.
 */
import './quiet.ts';
import { relative } from 'node:path';
import { parseArgs } from 'node:util';
import { javaMajorVersion } from './dynamodb-local.ts';
import { contextArgs, DEV_SECRETS, startLocalStack } from './stack.ts';

const { values } = parseArgs({ options: { 'in-memory': { type: 'boolean', default: false }, 'data-dir': { type: 'string' }, context: { type: 'string', short: 'c', multiple: true }, help: { type: 'boolean', short: 'h' } } });
if (values.help) {
  console.log(
    'usage: npm start [-- --in-memory | --data-dir <dir>] [-- -c o2c.<key>=<value> ...]\n' +
      '  --data-dir: where the table, queues and running workflows are kept across restarts (default .o2c/)\n' +
      '  -c: configuration for the synthesized app, as `cdk deploy -c` (e.g. -c o2c.warehouseWebhookUrl=http://127.0.0.1:9000/hook)\n' +
      '  env: O2C_API_PORT (3000), O2C_MAIL_PORT (8005), O2C_STRIPE_PORT (12111), O2C_WAREHOUSE_PORT (random), O2C_SIMULATE_WAREHOUSE (1), O2C_LOG_LEVEL (ERROR), and the secrets below',
  );
  process.exit(0);
}
let context: Record<string, string>;
try {
  context = contextArgs(values.context ?? []);
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}

const java = javaMajorVersion();
if (java === null || java < 17) {
  console.error(
    `o2c needs Java 17 or newer for DynamoDB Local (found ${java ?? 'none'}).\n` +
      '  Debian/Ubuntu: sudo apt-get install -y openjdk-17-jre-headless\n' +
      '  macOS:         brew install openjdk@17\n' +
      '  Windows:       winget install Microsoft.OpenJDK.17',
  );
  process.exit(1);
}

const started = performance.now();
const stack = await startLocalStack({
  inMemory: values['in-memory'],
  ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
  apiPort: Number(process.env.O2C_API_PORT ?? 3000),
  mailPort: Number(process.env.O2C_MAIL_PORT ?? 8005),
  stripePort: Number(process.env.O2C_STRIPE_PORT ?? 12111),
  warehousePort: Number(process.env.O2C_WAREHOUSE_PORT ?? 0),
  context,
  log: (line) => console.log(line),
}).catch((error: Error & { code?: string }) => {
  console.error(`o2c local stack failed to start: ${error.message}`);
  if (error.code === 'EADDRINUSE') console.error('  a port is taken (another `npm start`?): stop it, or choose others with O2C_API_PORT / O2C_MAIL_PORT');
  process.exit(1);
});

console.log('o2c local stack ready');
console.log(`  API      ${stack.apiUrl}`);
console.log(`  mailbox  ${stack.mailUrl}`);
console.log(`  stripe   ${stack.stripe.url}  (local Stripe refunds endpoint: GET /v1/refunds with O2C_STRIPE_SECRET_KEY as bearer)`);
const sec = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)} s`;
console.log(`  started in ${sec(performance.now() - started)} (synth ${sec(stack.timings.synth)}, handlers ${sec(stack.timings.handlers)}): ${stack.topology.functions.length} functions, ${stack.topology.queues.length} queues, ${stack.topology.routes.length} routes, ${stack.topology.schedules.length} schedules${stack.dataDir ? `, data in ${relative(process.cwd(), stack.dataDir) || '.'}/` : ', in memory'}`);
console.log('  development secrets (override with these env vars):');
for (const k of Object.keys(DEV_SECRETS)) console.log(`    ${k}=${process.env[k] || DEV_SECRETS[k as keyof typeof DEV_SECRETS]}`);
console.log('  callers: the B2B order API uses O2C_API_KEY, the warehouse O2C_WAREHOUSE_KEY, finance (IAM-signed in AWS) O2C_FINANCE_KEY in x-api-key');
if (stack.warehouse.enabled) {
  console.log(`  warehouse: simulated, receiving the signed webhook at ${stack.warehouse.webhookUrl} (ships each order after a second)`);
} else if (stack.warehouse.webhookUrl) {
  console.log(`  warehouse: not simulated (O2C_SIMULATE_WAREHOUSE=0): the webhook goes to ${stack.warehouse.webhookUrl},`);
  console.log('             signed with O2C_WAREHOUSE_WEBHOOK_SECRET (x-o2c-signature); answer at POST /fulfilment/{orderId}/shipment (whole) or /shipments (in parts)');
} else {
  console.log('  warehouse: not simulated (O2C_SIMULATE_WAREHOUSE=0) and no webhook configured: only the o2c.FulfilmentRequested event;');
  console.log('             run a receiver and pass -c o2c.warehouseWebhookUrl=http://127.0.0.1:<port>/<path>, or POST /fulfilment/{orderId}/shipment yourself');
}
const { executions, messages, inFlight } = stack.restored;
if (executions + messages + inFlight > 0) {
  console.log(`  restored from the last run: ${executions} running workflow(s) resumed where they were, ${messages + inFlight} queued message(s)${inFlight ? ` (${inFlight} were in flight: visible again)` : ''}`);
}
if (!stack.dynamoDbLoopbackOnly) {
  console.log('  warning: DynamoDB Local listens on all interfaces (this Java has no jdk.compiler module to run the 127.0.0.1 launcher)');
}
console.log('  try: npm run o2c -- demo    (Ctrl-C stops everything)');

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`\n${signal}: stopping the local stack…`);
  await stack.stop();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
// `npm start` runs this file under tsx's wrapper process: when that is killed (`kill -9` of the npm start), nothing
// relays it, so this process notices it was orphaned and stops too (what it holds is on disk either way).
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) void shutdown('parent process gone');
}, 1_000).unref();
process.on('SIGTERM', () => void shutdown('SIGTERM'));
