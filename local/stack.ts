/**
 * The local stack: the synthesized template run on emulators, in this process.
 *
 *   synth → template → DynamoDB Local (table + indexes) · fauxqs (queues + DLQs)
 *   · aws-ses-v2-local (mailbox) · functions hosted in-process · SQS pollers per
 *   event source mapping · the state machine on aws-local-stepfunctions behind a
 *   local SFN endpoint · the HTTP API · the scheduler · a simulated warehouse
 *   · a Stripe-compatible refunds endpoint (local/stripe.ts) the refund consumer calls.
 *
 * What survives a restart (unless in memory), all under the data directory (`.o2c/` by default):
 *   dynamodb/           the table (DynamoDB Local's files)
 *   queues/             every queue and its messages, in flight ones made visible again (fauxqs 2, SQLite)
 *   workflows.sqlite    every execution, the state it is in and its task tokens (local/workflow-journal.ts): the
 *                       running ones resume where they were, and a token handed out before still answers its wait
 *   warehouse.jsonl     what the simulated warehouse accepted and reported: it ships what was pending
 * Every emulator and server listens on 127.0.0.1 only.
 */
import { CreateTableCommand, DescribeTimeToLiveCommand, DynamoDBClient, ResourceInUseException, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { resolve } from 'node:path';
import sesModule from 'aws-ses-v2-local';
import { dynamoTable } from '../functions/adapters/dynamo.ts';
import { dynamoDunningRuns } from '../functions/adapters/dunning-runs.ts';
import { Keys } from '../functions/adapters/table-schema.ts';
import { freePort, startDynamoDbLocal } from './dynamodb-local.ts';
import { injectFaults, type FaultInjector } from './faults.ts';
import { startSlowLog } from './slow-log.ts';
import { hostFunctions, type FunctionHost } from './functions.ts';
import { startApi } from './api.ts';
import { startPoller, startQueues, type LocalQueues, type Poller } from './queues.ts';
import { seed } from './seed.ts';
import { runSchedule, startScheduler } from './scheduler.ts';
import { startStepFunctions, type LocalStepFunctions } from './stepfunctions.ts';
import { openWorkflowJournal } from './workflow-journal.ts';
import { startLocalStripe, type LocalStripe } from './stripe.ts';
import { startLocalEventBridge, type LocalEvent } from './events.ts';
import { startLocalWarehouse, type LocalWarehouse } from './warehouse.ts';
import { synthTemplate } from './synth.ts';
import { readTopology, type CfnTemplate, type LocalEventSource, type LocalRoute, type LocalSchedule, type LocalTopology } from './template.ts';

export const DEV_SECRETS = {
  O2C_API_KEY: 'dev-api-key',
  O2C_WAREHOUSE_KEY: 'dev-warehouse-key',
  O2C_FINANCE_KEY: 'dev-finance-key',
  O2C_SHOPIFY_WEBHOOK_SECRET: 'dev-shopify-secret',
  O2C_WOOCOMMERCE_WEBHOOK_SECRET: 'dev-woocommerce-secret',
  O2C_STRIPE_WEBHOOK_SECRET: 'whsec_dev',
  O2C_STRIPE_SECRET_KEY: 'sk_test_o2c_dev',
  O2C_WAREHOUSE_WEBHOOK_SECRET: 'dev-warehouse-webhook-secret',
} as const;

/**
 * `-c` arguments as `cdk deploy -c` takes them (`o2c.<key>=<value>`, or `o2c={…}`), as CDK context; a value the
 * configuration cannot take is reported when the app synthesizes, naming the key.
 */
export function contextArgs(args: readonly string[]): Record<string, string> {
  const context: Record<string, string> = {};
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq <= 0) throw new Error(`-c ${arg}: expected <key>=<value>, e.g. -c o2c.warehouseWebhookUrl=http://127.0.0.1:9000/hook`);
    context[arg.slice(0, eq)] = arg.slice(eq + 1);
  }
  return context;
}

/**
 * In fault-injection mode each invocation is told it has at most this long (local/functions.ts `deadlineSeconds`):
 * a crashed batch is redelivered after it. Not shorter: middy ends a handler that outlives what it was told it had
 * (`timeoutEarlyInMillis`), and the PDF renderers and the report take seconds on shared cores.
 */
export const FAULT_MODE_DEADLINE_SECONDS = 15;

export interface LocalStackOptions {
  inMemory?: boolean;
  apiPort?: number;
  mailPort?: number;
  /** Port of the local Stripe endpoint; 0 (the default) picks a free one. */
  stripePort?: number;
  /** Where the table, the queues, the workflows and the simulated warehouse keep what they hold (default `.o2c/`). */
  dataDir?: string;
  simulateWarehouse?: boolean;
  /** Delay before the simulated warehouse ships. */
  warehouseDelayMs?: number;
  /** Port of the simulated warehouse's webhook receiver; 0 (the default) picks a free one. */
  warehousePort?: number;
  /** CDK context for the synth, as `cdk deploy -c` passes it (`{ 'o2c.warehouseWebhookUrl': '…' }`). */
  context?: Record<string, unknown>;
  /**
   * Concurrency limits of single functions by name, above the shared one (O2C_LOCAL_CONCURRENCY): a bench lets the
   * route it measures run as many invocations at once as it sends, as Lambda would, and keeps the rest throttled.
   */
  functionConcurrency?: Readonly<Record<string, number>>;
  /** How long Wait states (the backorder wait) last locally. */
  waitMs?: number;
  /** Fault-injection mode (local/faults.ts): `stack.faults` arms a crash after a function's k-th side effect. */
  faults?: boolean;
  /**
   * false: the schedules fire only when `POST /_local/schedules/:name` asks, never on their cron — for a test that
   * compares what runs did, which a daily run firing in the middle of one would change (default true).
   */
  scheduleTimers?: boolean;
  log?: (line: string) => void;
}

/** What actually runs: read from the running parts, so a test can hold it against the template. */
export interface HostedParts {
  functions: string[];
  queues: string[];
  consumers: LocalEventSource[];
  routes: readonly LocalRoute[];
  schedules: readonly LocalSchedule[];
  taskStates: string[];
}

export interface LocalStack {
  apiUrl: string;
  template: CfnTemplate;
  hosted(): Promise<HostedParts>;
  /** The data directory, or undefined in memory. */
  dataDir: string | undefined;
  /**
   * What came back from the data directory: executions resumed where they were, messages waiting in the queues
   * (and in flight when the process before stopped, visible again), pending shipments of the simulated warehouse.
   */
  restored: { executions: number; messages: number; inFlight: number };
  /** False when DynamoDB Local could not be bound to 127.0.0.1 (no jdk.compiler module in this Java) and listens on all interfaces. */
  dynamoDbLoopbackOnly: boolean;
  /**
   * The simulated warehouse (when on): a receiver of the signed webhook. `leave(orderId)` makes it not answer that
   * order, so a test can; `refuse(orderIdOrReference, reason)` makes it answer 422. `webhookUrl`: where the webhook
   * goes (the simulator, or with it off the configured `warehouseWebhookUrl`, or nowhere).
   */
  warehouse: { enabled: boolean; webhookUrl: string | undefined; deliveries: LocalWarehouse['deliveries']; leave(orderId: string): void; refuse(orderIdOrReference: string, reason: string): void };
  /** What was put on the o2c event bus. */
  events: LocalEvent[];
  /** Milliseconds per start-up phase: synth, emulators, handlers (loading every module), dynamodbWait (what was left of its boot), table (create + seed), total. */
  timings: Record<string, number>;
  mailUrl: string;
  /** The local Stripe endpoint refund-payment calls: its URL and the refunds it recorded. */
  stripe: Pick<LocalStripe, 'url' | 'refunds' | 'paymentLinks' | 'requests' | 'failNext'>;
  /** The development keys of the three callers: the B2B order API, the warehouse, finance. */
  apiKey: string;
  warehouseKey: string;
  financeKey: string;
  topology: LocalTopology;
  host: FunctionHost;
  /** The fault injector, in fault-injection mode (`faults: true`). */
  faults: FaultInjector | undefined;
  queues: LocalQueues;
  sfn: LocalStepFunctions;
  doc: DynamoDBDocumentClient;
  tableName: string;
  stop(): Promise<void>;
}

const REGION = 'eu-west-1';
const ACCOUNT = '000000000000';
const root = resolve(import.meta.dirname, '..');

async function createTable(client: DynamoDBClient, t: LocalTopology['table']): Promise<void> {
  const key = (k: { partitionKey: string; sortKey?: string }) => [
    { AttributeName: k.partitionKey, KeyType: 'HASH' as const },
    ...(k.sortKey ? [{ AttributeName: k.sortKey, KeyType: 'RANGE' as const }] : []),
  ];
  try {
    await client.send(
      new CreateTableCommand({
        TableName: t.name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: t.attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
        KeySchema: key(t.keys),
        ...(t.indexes.length ? { GlobalSecondaryIndexes: t.indexes.map((g) => ({ IndexName: g.name, KeySchema: key(g), Projection: { ProjectionType: 'ALL' } })) } : {}),
        ...(t.stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: t.stream } } : {}),
      }),
    );
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  if (t.ttlAttribute) {
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: t.name }));
    if (ttl.TimeToLiveDescription?.TimeToLiveStatus !== 'ENABLED') {
      await client.send(new UpdateTimeToLiveCommand({ TableName: t.name, TimeToLiveSpecification: { Enabled: true, AttributeName: t.ttlAttribute } }));
    }
  }
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? (() => undefined);
  const stoppers: (() => Promise<void> | void)[] = [];
  const stop = async () => {
    for (const s of stoppers.reverse()) await Promise.resolve(s()).catch(() => undefined);
    stoppers.length = 0;
  };
  const t0 = performance.now();
  const timings: Record<string, number> = {};
  const lap = (name: string, since: number) => (timings[name] = Math.round(performance.now() - since));
  try {
    const [sqsPort, sfnPort, ddbPort] = [await freePort(), await freePort(), await freePort()];
    const apiPort = options.apiPort ?? 3000;
    const mailPort = options.mailPort ?? 8005;
    // aws-ses-v2-local does not report a taken port (its server's 'error' event would crash the process): check first.
    await assertPortFree(apiPort, 'O2C_API_PORT');
    await assertPortFree(mailPort, 'O2C_MAIL_PORT');

    // The JVM is spawned synchronously here and boots while this process synthesizes and loads the handlers.
    // Its readiness clock runs while the synth below blocks this thread, hence the generous timeout.
    const dataDir = options.inMemory ? undefined : resolve(options.dataDir ?? resolve(root, '.o2c'));
    const ddbReady = startDynamoDbLocal({ port: ddbPort, timeoutMs: 120_000, ...(dataDir ? { dataDir: resolve(dataDir, 'dynamodb') } : {}) });
    ddbReady.catch(() => undefined); // awaited below; this only keeps an early failure from being "unhandled"
    stoppers.push(async () => (await ddbReady.catch(() => undefined))?.stop());
    const ddbEndpoint = `http://127.0.0.1:${ddbPort}`;

    let since = performance.now();
    const { template } = synthTemplate(options.context ?? {});
    lap('synth', since);
    since = performance.now();
    // Queue URLs are known once fauxqs has created the queues: read the queues, start them, then resolve the rest.
    const queueList = readTopology(template, { region: REGION, account: ACCOUNT, queueUrl: (name) => name }).queues;
    const queues = await startQueues(queueList, REGION, sqsPort, dataDir ? { dataDir: resolve(dataDir, 'queues') } : {});
    stoppers.push(() => queues.stop());
    const topology = readTopology(template, { region: REGION, account: ACCOUNT, queueUrl: (name) => queues.url(name) });

    // CJS interop differs between tsx (module.exports) and vitest (its default export).
    const startSes = (typeof sesModule === 'function' ? sesModule : sesModule.default) as typeof sesModule.default;
    const mail: Server = await startSes({ host: '127.0.0.1', port: mailPort });
    stoppers.push(
      () =>
        new Promise<void>((done) => {
          mail.closeAllConnections?.();
          mail.close(() => done());
        }),
    );
    await fetch(`http://127.0.0.1:${mailPort}/clear-store`, { method: 'POST' });

    const secrets = Object.fromEntries(Object.entries(DEV_SECRETS).map(([k, v]) => [k, process.env[k] || v]));
    const stripe = await startLocalStripe({ secretKey: secrets.O2C_STRIPE_SECRET_KEY!, port: options.stripePort ?? 0 });
    stoppers.push(() => stripe.stop());
    const eventBridge = await startLocalEventBridge({ buses: topology.eventBuses });
    stoppers.push(() => eventBridge.stop());

    // The warehouse: the simulator receives the real signed webhook and answers through the public callback route;
    // with it off, the webhook goes where the configuration says (`-c o2c.warehouseWebhookUrl=…`), or nowhere.
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const warehouseOn = options.simulateWarehouse ?? process.env.O2C_SIMULATE_WAREHOUSE !== '0';
    const simulator = warehouseOn
      ? await startLocalWarehouse({
          secret: secrets.O2C_WAREHOUSE_WEBHOOK_SECRET!,
          warehouseKey: secrets.O2C_WAREHOUSE_KEY!,
          delayMs: options.warehouseDelayMs ?? 1_000,
          port: options.warehousePort ?? 0,
          ...(dataDir ? { stateFile: resolve(dataDir, 'warehouse.jsonl') } : {}),
          log,
        })
      : undefined;
    if (simulator) stoppers.push(() => simulator.stop());
    const configuredWebhook = topology.functions.find((f) => f.name === 'send-fulfilment-request')?.env.WAREHOUSE_WEBHOOK_URL;
    const webhookUrl = simulator?.url ?? configuredWebhook;

    lap('emulators', since);
    since = performance.now();
    // Before the handlers load: an adapter may keep `fetch` when its module loads (Stripe payment links do).
    const faults = options.faults ? injectFaults() : undefined;
    if (faults) stoppers.push(() => faults.stop());
    stoppers.push(startSlowLog(process.env.O2C_SLOW_LOG));
    const host = await hostFunctions(topology.functions, {
      AWS_REGION: REGION,
      AWS_DEFAULT_REGION: REGION,
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: 'local',
      AWS_ENDPOINT_URL_DYNAMODB: ddbEndpoint,
      AWS_ENDPOINT_URL_SQS: queues.endpoint,
      AWS_ENDPOINT_URL_SES: `http://127.0.0.1:${mailPort}`,
      AWS_ENDPOINT_URL_SFN: `http://127.0.0.1:${sfnPort}`,
      AWS_LAMBDA_FUNCTION_NAME: 'o2c-local',
      POWERTOOLS_METRICS_DISABLED: 'true',
      POWERTOOLS_TRACE_ENABLED: 'false',
      POWERTOOLS_LOG_LEVEL: process.env.O2C_LOG_LEVEL ?? 'ERROR',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.endpoint,
      // The template's STRIPE_API_URL is Stripe's own; locally refund-payment talks to the emulator.
      STRIPE_API_URL: stripe.url,
      // The template's API URL is API Gateway's; the warehouse is told to call back here.
      PUBLIC_API_URL: apiUrl,
      ...(webhookUrl ? { WAREHOUSE_WEBHOOK_URL: webhookUrl } : {}),
      ...secrets,
    }, { ...(options.functionConcurrency ? { perFunction: options.functionConcurrency } : {}), ...(faults ? { deadlineSeconds: FAULT_MODE_DEADLINE_SECONDS } : {}) });
    lap('handlers', since);

    since = performance.now();
    await ddbReady;
    lap('dynamodbWait', since);
    since = performance.now();
    const client = new DynamoDBClient({ endpoint: ddbEndpoint, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
    stoppers.push(() => client.destroy());
    await createTable(client, topology.table);
    const someFn = topology.functions.find((f) => f.env.DEFAULT_TERMS) ?? topology.functions[0]!;
    await seed(doc, topology.table.name, JSON.parse(someFn.env.DEFAULT_TERMS ?? '{"netDays":30}'), someFn.env.TIMEZONE ?? 'UTC');
    lap('table', since);

    const journal = dataDir ? await openWorkflowJournal(resolve(dataDir, 'workflows.sqlite')) : undefined;
    if (journal) stoppers.push(() => journal.close());
    const sfn = await startStepFunctions(topology.stateMachines, host, queues, { port: sfnPort, waitMs: options.waitMs ?? 5_000, retryMs: 200, ...(journal ? { journal } : {}) });
    stoppers.push(() => sfn.stop());

    const queueName = new Map(topology.queues.map((q) => [q.logicalId, q.name]));
    const fnName = new Map(topology.functions.map((f) => [f.logicalId, f.name]));
    // In fault-injection mode a failed message waits out (up to the mode's deadline) the queue's visibility timeout,
    // as in AWS: a redelivery that finds its own first delivery still in progress (send-mail's idempotency record of a
    // crashed invocation) must not use up its receive count in seconds and reach the DLQ.
    const visibility = new Map(topology.queues.map((q) => [q.logicalId, q.visibilityTimeoutSeconds]));
    const pollers: Poller[] = topology.eventSources.map((es) =>
      startPoller(queues, { ...es, queueName: queueName.get(es.queue)!, fnName: fnName.get(es.fn)! }, host, REGION, undefined, faults ? Math.min(visibility.get(es.queue) ?? FAULT_MODE_DEADLINE_SECONDS, FAULT_MODE_DEADLINE_SECONDS) : undefined),
    );
    stoppers.push(() => Promise.all(pollers.map((p) => p.stop())).then(() => undefined));

    const schedules = new Map(topology.schedules.map((s) => [s.logicalId, s]));
    const admin = adminRoutes({ topology, doc, queues, sfn, host, schedules });
    const api = await startApi(topology.routes, host, apiPort, admin);
    stoppers.push(() => api.stop());
    simulator?.resumePending(); // what the warehouse accepted before a restart: the callback route answers now
    const scheduler = startScheduler(topology.schedules, host, log, { timers: options.scheduleTimers ?? true });
    stoppers.push(() => scheduler.stop());

    const hosted = async (): Promise<HostedParts> => ({
      functions: host.functions.map((f) => f.logicalId),
      queues: (await queues.depths()).map((d) => d.queue),
      consumers: pollers.map((p) => ({ queue: p.source.queue, fn: p.source.fn, batchSize: p.source.batchSize, reportBatchItemFailures: p.source.reportBatchItemFailures })),
      routes: api.routes,
      schedules: scheduler.schedules,
      taskStates: sfn.overriddenStates,
    });

    lap('total', t0);
    const warehouse = {
      enabled: warehouseOn,
      webhookUrl,
      deliveries: simulator?.deliveries ?? [],
      leave: (orderId: string) => simulator?.leave(orderId),
      refuse: (key: string, reason: string) => simulator?.refuse(key, reason),
    };
    const ddb = await ddbReady;
    const restored = { executions: sfn.resumed.length, messages: queues.restored.ready, inFlight: queues.restored.inFlight };
    return { apiUrl, template, hosted, dataDir, restored, dynamoDbLoopbackOnly: ddb.loopbackOnly, timings, warehouse, events: eventBridge.events, mailUrl: `http://127.0.0.1:${mailPort}`, stripe, apiKey: secrets.O2C_API_KEY!, warehouseKey: secrets.O2C_WAREHOUSE_KEY!, financeKey: secrets.O2C_FINANCE_KEY!, topology, host, faults, queues, sfn, doc, tableName: topology.table.name, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function assertPortFree(port: number, setting: string): Promise<void> {
  return new Promise((ok, fail) => {
    const probe = createNetServer();
    probe.once('error', (error: Error & { code?: string }) =>
      fail(Object.assign(new Error(`port ${port} (${setting}) is in use: ${error.message}`), { code: error.code })),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => ok()));
  });
}

/** The CLI's view of the running stack (local only: these read with Scans, which no deployed path does). */
function adminRoutes(ctx: {
  topology: LocalTopology;
  doc: DynamoDBDocumentClient;
  queues: LocalQueues;
  sfn: LocalStepFunctions;
  host: FunctionHost;
  schedules: Map<string, LocalTopology['schedules'][number]>;
}) {
  const table = ctx.topology.table.name;
  const scanType = async (type: string) => {
    const items: Record<string, any>[] = [];
    let start: Record<string, any> | undefined;
    do {
      const r = await ctx.doc.send(new ScanCommand({ TableName: table, FilterExpression: '#t = :t', ExpressionAttributeNames: { '#t': 'type' }, ExpressionAttributeValues: { ':t': type }, ExclusiveStartKey: start }));
      items.push(...(r.Items ?? []));
      start = r.LastEvaluatedKey;
    } while (start);
    return items;
  };
  const runs = dynamoDunningRuns(dynamoTable(table, () => ctx.doc));
  /** The dunning run once every shard is done (or as far as it got in 5 minutes: a shard failing to its DLQ never finishes). */
  const runDone = async (runId: string) => {
    for (const deadline = Date.now() + 300_000; ; await new Promise((r) => setTimeout(r, 100))) {
      const run = await runs.get(runId);
      if (run && (run.done >= run.shards || Date.now() > deadline)) return run;
    }
  };
  const countBy = (items: Record<string, any>[], key: string) => items.reduce<Record<string, number>>((acc, i) => ({ ...acc, [i[key]]: (acc[i[key]] ?? 0) + 1 }), {});
  return async (req: { method: string; path: string; query: URLSearchParams }) => {
    if (req.method === 'GET' && req.path === '/_local/status') {
      const [orders, invoices, depths] = await Promise.all([scanType('Order'), scanType('Invoice'), ctx.queues.depths()]);
      const executions = countBy([...ctx.sfn.executions.values()], 'status');
      return { status: 200, body: { orders: countBy(orders, 'status'), invoices: countBy(invoices, 'status'), executions, queues: depths } };
    }
    const order = /^\/_local\/orders\/([^/]+)$/.exec(req.path);
    if (req.method === 'GET' && order) {
      const id = decodeURIComponent(order[1]!);
      const items = (await ctx.doc.send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': Keys.order(id).pk } }))).Items ?? [];
      const head = items.find((i) => i.sk === 'ORDER');
      if (!head) return { status: 404, body: { message: `no order ${id}` } };
      const execution = ctx.sfn.executions.get(id);
      return {
        status: 200,
        body: {
          order: head,
          timeline: items.filter((i) => i.type === 'OrderEvent').map((e) => ({ at: e.at, step: e.step, status: e.status, detail: e.detail })),
          execution: execution ? { status: execution.status, waitingIn: [...execution.waitingIn], error: execution.error, cause: execution.cause } : null,
        },
      };
    }
    if (req.method === 'GET' && req.path === '/_local/invoices') {
      const open = req.query.get('open') === '1';
      const invoices = (await scanType('Invoice'))
        .filter((i) => !open || i.balance > 0)
        .sort((a, b) => String(a.number).localeCompare(String(b.number)))
        .map((i) => ({ number: i.number, orderReference: i.orderReference, customerId: i.customerId, currency: i.currency, total: i.totals.total, balance: i.balance, status: i.status, issueDate: i.issueDate, dueDate: i.dueDate, paymentReference: i.paymentReference }));
      return { status: 200, body: { invoices } };
    }
    const schedule = /^\/_local\/schedules\/([^/]+)$/.exec(req.path);
    if (req.method === 'POST' && schedule) {
      const wanted = schedule[1]!;
      const fnNameOf = (s: LocalTopology['schedules'][number]) => ctx.topology.functions.find((f) => f.logicalId === s.fn)?.name ?? '';
      // By function name (plan-dunning) or by a word of the schedule's logical id (dunning → CollectionsDunningSchedule…).
      // A finance pack's kind picks its schedule (`{ kind }` input); without one, the first (the daily flash).
      const kind = req.query.get('kind');
      const kindOf = (s: LocalTopology['schedules'][number]) => (s.input as { kind?: string }).kind;
      const named = [...ctx.schedules.values()].filter((s) => fnNameOf(s) === wanted || s.logicalId.toLowerCase().includes(wanted.toLowerCase()));
      const target = kind ? named.find((s) => kindOf(s) === kind) : (named.find((s) => (kindOf(s) ?? 'flash') === 'flash') ?? named[0]);
      if (!target) return { status: 404, body: { message: `no schedule ${wanted}${kind ? ` of kind ${kind}` : ''}; have ${[...ctx.schedules.values()].map((s) => `${fnNameOf(s)}${kindOf(s) ? ` (${kindOf(s)})` : ''}`).join(', ')}` } };
      const asOf = req.query.get('asOf');
      const resend = req.query.get('resend') === '1' ? { resend: true, requestedBy: 'local CLI' } : {};
      const result = await runSchedule(target, { ...(target.input as object), ...(asOf ? { asOf } : {}), ...resend }, ctx.host);
      // A dunning run is fanned out by shard (run-dunning-shard): the CLI waits for its shards and prints what the run did.
      const runId = (result as { runId?: unknown } | null)?.runId;
      if (typeof runId === 'string') return { status: 200, body: { schedule: fnNameOf(target), result: { ...(result as object), ...(await runDone(runId)) } } };
      return { status: 200, body: { schedule: fnNameOf(target), result } };
    }
    return undefined;
  };
}
