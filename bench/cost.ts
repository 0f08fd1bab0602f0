/**
 * `npm run bench:cost [-- --orders 1000 --concurrency 8 -c o2c.<key>=<value>]`: what 1,000 orders cost in AWS, counted.
 *
 * One run of the local stack (the synthesized template on the emulators) with a realistic month in small: prepaid
 * platform orders (Shopify, WooCommerce and Stripe webhooks) and B2B orders on terms from customers with credit
 * limits (some over their limit: held, then approved by finance), one camt.053 bank statement paying most of the open
 * invoices, one dunning run for the rest and one finance flash report. Every billable call is counted where it is
 * made, at the SDK (local/sdk-tap.ts), by the local hosts (Step Functions transitions, Lambda invocations and their
 * duration, HTTP API requests, log lines each invocation writes), then priced with bench/prices.json (eu-west-1).
 * Prints a table by service and the total per 1,000 orders; writes bench/results/cost.json. Figures, never pass/fail.
 *
 * What is counted (and what is modelled, because the local stack has no such service) is listed in `NOTES` below and in
 * the README section "Cost per 1,000 orders".
 */
import '../local/quiet.ts';
import { AsyncLocalStorage } from 'node:async_hooks';
import { createHmac } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { Keys } from '../functions/adapters/table-schema.ts';
import { freePort } from '../local/dynamodb-local.ts';
import { DEFAULT_LOCAL_CONCURRENCY } from '../local/functions.ts';
import { invocation, tapSdk, type Invocation } from '../local/sdk-tap.ts';
import { SEED_PRODUCTS } from '../local/seed.ts';
import { contextArgs, DEV_SECRETS, startLocalStack } from '../local/stack.ts';
import { runConcurrently } from './concurrent.ts';

const root = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    orders: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8' },
    c: { type: 'string', multiple: true, default: [] },
    out: { type: 'string', default: resolve(root, 'bench/results/cost.json') },
  },
});
const ORDERS = Number(values.orders);
const CONCURRENCY = Number(values.concurrency);
// What a deployed function logs: Powertools' default level (the template sets none).
process.env.O2C_LOG_LEVEL = process.env.O2C_LOG_LEVEL ?? 'INFO';

type Prices = { region: string; prices: Record<string, { usd: number; per: number; unit: string; date: string; source: string }> };
const priceList = JSON.parse(readFileSync(resolve(root, 'bench/prices.json'), 'utf8')) as Prices;
const price = (key: string, units: number) => {
  const p = priceList.prices[key];
  if (!p) throw new Error(`bench/prices.json has no ${key}`);
  return (units / p.per) * p.usd;
};

// ---------------------------------------------------------------------------------------------------------------
// Counting
// ---------------------------------------------------------------------------------------------------------------

/** The bench's own calls (probes, set-up) run inside this: never counted. */
const own = new AsyncLocalStorage<true>();
const mine = <T>(fn: () => Promise<T>) => own.run(true, fn);
let counting = false;

const KB64 = 64 * 1024;
const chunks = (bytes: number, size: number) => Math.max(1, Math.ceil(bytes / size));
const bytesOf = (v: unknown): number => (v === undefined || v === null ? 0 : typeof v === 'string' ? Buffer.byteLength(v) : v instanceof Uint8Array ? v.byteLength : Buffer.byteLength(JSON.stringify(v)));

interface Line {
  calls: number;
  units: number;
  bytes: number;
}
const bump = (map: Map<string, Line>, key: string, units: number, bytes = 0) => {
  const l = map.get(key) ?? { calls: 0, units: 0, bytes: 0 };
  l.calls++;
  l.units += units;
  l.bytes += bytes;
  map.set(key, l);
};
const ddb = { reads: 0, writes: 0, transactWrites: 0, byOp: new Map<string, Line>(), byFn: new Map<string, Line>() };
const sqs = { byOp: new Map<string, Line>(), emptyReceives: 0, emptyReceiveSeconds: 0 };
const ses = { messages: 0, recipients: 0, customerRecipients: 0, bytes: 0, attachmentBytes: 0, withAttachments: 0 };
const events = { entries: 0, units: 0 };
const lambda = new Map<string, { invocations: number; billedMs: number; gbSeconds: number; memoryMb: number; errors: number; logLines: number; logBytes: number }>();
/** Durations of the calibration phase (one order at a time, nothing else in flight), per function: ms of each invocation. */
const serial = new Map<string, number[]>();
let calibrating = false;
let apiRequests = 0;
let apiUnits = 0;
let scheduleRuns = 0;
const other = new Map<string, Line>();
const stopped: string[] = [];

const READ_OPS = new Set(['Get', 'GetItem', 'Query', 'Scan', 'BatchGet', 'BatchGetItem', 'TransactGet', 'TransactGetItems']);
type Consumed = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };

tapSdk({
  before(call) {
    if (call.service === 'DynamoDB') (call.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
  },
  after(call) {
    if (!counting || own.getStore() || call.error !== undefined) return;
    const fn = call.invocation?.fn;
    const out = call.output ?? {};
    switch (call.service) {
      case 'DynamoDB': {
        if (!fn) return; // the local platform's own (set-up, the CLI's admin views): no deployed path makes these
        const consumed = out.ConsumedCapacity as Consumed | Consumed[] | undefined;
        const list = Array.isArray(consumed) ? consumed : consumed ? [consumed] : [];
        let r = 0;
        let w = 0;
        for (const c of list) {
          if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
            r += c.ReadCapacityUnits ?? 0;
            w += c.WriteCapacityUnits ?? 0;
          } else if (READ_OPS.has(call.operation)) r += c.CapacityUnits ?? 0;
          else w += c.CapacityUnits ?? 0;
        }
        ddb.reads += r;
        ddb.writes += w;
        bump(ddb.byOp, call.operation, r + w);
        bump(ddb.byFn, fn, r + w);
        return;
      }
      case 'SQS': {
        const op = call.operation;
        // Outside an invocation only the platform's billable SQS calls count: the pollers (Lambda's event source
        // mappings) and the state machine's sqs:sendMessage tasks. GetQueueAttributes there is the CLI's status view.
        if (!fn && !['ReceiveMessage', 'DeleteMessage', 'DeleteMessageBatch', 'ChangeMessageVisibility', 'ChangeMessageVisibilityBatch', 'SendMessage', 'SendMessageBatch'].includes(op)) return;
        const input = call.input as { MessageBody?: string; Entries?: { MessageBody?: string }[] };
        if (op === 'ReceiveMessage') {
          const msgs = (out.Messages as { Body?: string }[] | undefined) ?? [];
          if (msgs.length === 0) {
            sqs.emptyReceives++;
            return;
          }
          const bytes = msgs.reduce((s, m) => s + bytesOf(m.Body), 0);
          bump(sqs.byOp, op, chunks(bytes, KB64), bytes);
          return;
        }
        // The workflow's failure path (NotifyFailure) names the error that stopped the order: kept for the report.
        if (!fn && op === 'SendMessage' && input.MessageBody?.includes('stopped in its workflow')) stopped.push(String((JSON.parse(input.MessageBody) as { text?: string }).text ?? '').slice(0, 400));
        const bytes = op === 'SendMessage' ? bytesOf(input.MessageBody) : op === 'SendMessageBatch' ? (input.Entries ?? []).reduce((s, e) => s + bytesOf(e.MessageBody), 0) : 0;
        bump(sqs.byOp, op, chunks(bytes, KB64), bytes);
        return;
      }
      case 'SES': {
        const raw = (call.input as { RawMessage?: { Data?: Uint8Array | string } }).RawMessage?.Data;
        const text = raw === undefined ? '' : typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
        const bytes = bytesOf(raw);
        const head = text.slice(0, text.search(/\r?\n\r?\n/) >>> 0);
        const to = [...head.matchAll(/^(?:To|Cc|Bcc):(.*(?:\r?\n[ \t].*)*)/gim)].flatMap((m) => m[1]!.match(/[^\s<>,"]+@[^\s<>,"]+/g) ?? []);
        const recipients = Math.max(1, (call.input as { Destinations?: string[] }).Destinations?.length ?? to.length);
        ses.messages++;
        ses.recipients += recipients;
        ses.customerRecipients += to.filter((a) => !FINANCE.has(a.toLowerCase())).length;
        ses.bytes += bytes;
        if (/^Content-Disposition:\s*attachment/im.test(text)) {
          ses.withAttachments++;
          ses.attachmentBytes += bytes;
        }
        return;
      }
      case 'EventBridge': {
        const entries = ((call.input as { Entries?: unknown[] }).Entries ?? []) as unknown[];
        events.entries += entries.length;
        events.units += entries.reduce<number>((s, e) => s + chunks(bytesOf(e), KB64), 0);
        return;
      }
      default:
        if (fn) bump(other, `${call.service} ${call.operation}`, 1, bytesOf(call.input));
    }
  },
  ended(inv: Invocation, ms: number, error?: unknown) {
    if (calibrating) serial.set(inv.fn, [...(serial.get(inv.fn) ?? []), ms]);
    if (!counting) return;
    const l = lambda.get(inv.fn) ?? { invocations: 0, billedMs: 0, gbSeconds: 0, memoryMb: inv.memoryMb, errors: 0, logLines: 0, logBytes: 0 };
    const billed = Math.max(1, Math.ceil(ms));
    l.invocations++;
    l.billedMs += billed;
    l.gbSeconds += (inv.memoryMb / 1024) * (billed / 1000);
    if (error !== undefined) l.errors++;
    lambda.set(inv.fn, l);
  },
});

// What each invocation writes to stdout/stderr (the Powertools logger, console.*) is its CloudWatch log; kept off the terminal.
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const inv = invocation.getStore();
    if (!inv) return write(chunk, ...rest);
    if (counting) {
      const l = lambda.get(inv.fn) ?? { invocations: 0, billedMs: 0, gbSeconds: 0, memoryMb: inv.memoryMb, errors: 0, logLines: 0, logBytes: 0 };
      const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
      const lines = text.split('\n').filter((x) => x.length > 0);
      l.logLines += lines.length;
      l.logBytes += lines.reduce((s, x) => s + Buffer.byteLength(x), 0);
      lambda.set(inv.fn, l);
    }
    const cb = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof stream.write;
}

// ---------------------------------------------------------------------------------------------------------------
// The run
// ---------------------------------------------------------------------------------------------------------------

const context = contextArgs(values.c ?? []);
const startedAt = performance.now();
const stack = await startLocalStack({ inMemory: true, apiPort: await freePort(), mailPort: await freePort(), warehouseDelayMs: 50, waitMs: 500, context });
const FINANCE = new Set<string>((stack.topology.functions.find((f) => f.env.FINANCE_RECIPIENTS)?.env.FINANCE_RECIPIENTS ?? '').match(/[^\s,"[\]]+@[^\s,"[\]]+/g)?.map((a) => a.toLowerCase()) ?? []);
const secretsByFn = new Map(stack.topology.functions.map((f) => [f.name, Object.keys(f.env).filter((k) => k.endsWith('_SECRET_ARN')).length]));

// API Gateway requests are the invocations the HTTP API makes; scheduler runs the ones the admin schedule route makes.
const invoke = stack.host.invoke.bind(stack.host);
stack.host.invoke = async (key, event) => {
  const e = event as { requestContext?: { http?: unknown }; headers?: Record<string, string>; body?: string; kind?: unknown };
  if (counting && !own.getStore()) {
    if (e?.requestContext?.http) {
      if (e.headers?.['x-o2c-bench'] !== 'probe') {
        apiRequests++;
        apiUnits += chunks(bytesOf(e.body), 512 * 1024);
      }
    }
  }
  return invoke(key, event);
};

/**
 * fetch, tried again as the platforms do — when the connection fails (on the 2 shared cores the local API now and then
 * resets a kept-alive connection) or the answer is a 5xx ("safe to retry"): every route posted here is idempotent.
 * Each attempt that reaches the API is a billed request, and is counted.
 */
async function send(url: string, init: RequestInit): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await fetch(url, init);
      if (res.status < 500 || attempt >= 5) return res;
      await res.arrayBuffer();
    } catch (error) {
      if (attempt >= 5) throw error;
    }
    await new Promise((r) => setTimeout(r, 500 * attempt));
  }
}
const api = (path: string, init: { method?: string; body?: string; headers?: Record<string, string>; probe?: boolean } = {}) => {
  const key = path.startsWith('/finance/') ? stack.financeKey : stack.apiKey;
  return send(`${stack.apiUrl}${path}`, {
    method: init.method ?? (init.body !== undefined ? 'POST' : 'GET'),
    headers: { 'content-type': 'application/json', 'x-api-key': key, ...(init.probe ? { 'x-o2c-bench': 'probe' } : {}), ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Stock for the whole run, and the B2B customers (set-up, not counted).
await mine(async () => {
  for (const p of SEED_PRODUCTS) await stack.doc.send(new PutCommand({ TableName: stack.tableName, Item: { ...Keys.product(p.sku), type: 'Product', ...p, onHand: 10_000_000 } }));
});
const B2B_CUSTOMERS = 40;
const b2bEmail = (i: number) => `ap${i}@trade${i}.example`;
for (let i = 0; i < B2B_CUSTOMERS; i++) {
  const r = await api('/finance/customers', { body: JSON.stringify({ email: b2bEmail(i), name: `Trade Customer ${i} Ltd`, creditLimit: { amount: 10_000_000, currency: 'GBP' } }) });
  if (r.status !== 201) throw new Error(`creating customer ${i}: ${r.status} ${await r.text()}`);
}

const fixture = (path: string) => JSON.parse(readFileSync(resolve(root, 'test/fixtures', path), 'utf8'));
const shopify = fixture('shopify/orders-paid-gbp.json');
const woo = fixture('woocommerce/order-created-paid.json');
const stripe = fixture('stripe/checkout-session-completed-gbp.json');
const secret = (k: keyof typeof DEV_SECRETS) => process.env[k] || DEV_SECRETS[k];

type Kind = 'shopify' | 'woocommerce' | 'stripe' | 'b2b' | 'b2b-held';
/**
 * The mix, per 20 orders: 6 Shopify, 3 WooCommerce, 3 Stripe (prepaid); 8 B2B on terms from 40 customers with limits,
 * and one order in 100 from a new trade customer (no limit yet: held for finance's review, then approved).
 */
function kindOf(i: number): Kind {
  const slot = i % 20;
  if (slot < 6) return 'shopify';
  if (slot < 9) return 'woocommerce';
  if (slot < 12) return 'stripe';
  return slot === 19 && i % 100 === 19 ? 'b2b-held' : 'b2b';
}

async function post(i: number): Promise<{ kind: Kind; orderId: string }> {
  const kind = kindOf(i);
  const email = `buyer${i}@mail.example`;
  let res: Response;
  if (kind === 'shopify') {
    const id = 8_000_000 + i;
    const body = JSON.stringify({ ...shopify, id, name: `#${id}`, order_number: id, email, contact_email: email, customer: { ...shopify.customer, id: 9_000_000 + i, email } });
    res = await send(`${stack.apiUrl}/webhooks/shopify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/paid', 'x-shopify-shop-domain': 'o2c-demo.myshopify.com', 'x-shopify-hmac-sha256': createHmac('sha256', secret('O2C_SHOPIFY_WEBHOOK_SECRET')).update(body).digest('base64') },
      body,
    });
  } else if (kind === 'woocommerce') {
    const body = JSON.stringify({ ...woo, id: 50_000 + i, number: String(50_000 + i), order_key: `wc_order_bench${i}`, billing: { ...woo.billing, email } });
    res = await send(`${stack.apiUrl}/webhooks/woocommerce`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-wc-webhook-topic': 'order.created',
        'x-wc-webhook-source': 'https://shop.example/',
        'x-wc-webhook-signature': createHmac('sha256', secret('O2C_WOOCOMMERCE_WEBHOOK_SECRET')).update(body).digest('base64'),
      },
      body,
    });
  } else if (kind === 'stripe') {
    const quantity = 1 + (i % 3);
    const object = {
      ...stripe.data.object,
      id: `cs_bench_${i}`,
      client_reference_id: `WEB-${i}`,
      payment_intent: `pi_bench_${i}`,
      customer_details: { ...stripe.data.object.customer_details, email },
      amount_subtotal: quantity * 1250,
      amount_total: quantity * 1500,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: quantity * 250 },
      line_items: { data: [{ description: 'Stoneware mug, 350 ml', quantity, amount_subtotal: quantity * 1250, amount_discount: 0, amount_tax: quantity * 250, price: { id: 'MUG-01', unit_amount: 1250 } }] },
    };
    const body = JSON.stringify({ ...stripe, id: `evt_bench_${i}`, created: Math.floor(Date.now() / 1000), data: { object } });
    const t = Math.floor(Date.now() / 1000);
    res = await send(`${stack.apiUrl}/webhooks/stripe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${createHmac('sha256', secret('O2C_STRIPE_WEBHOOK_SECRET')).update(`${t}.${body}`).digest('hex')}` },
      body,
    });
  } else {
    const customer = kind === 'b2b-held' ? { email: `ap@newtrade${i}.example`, name: `New Trade ${i} Ltd` } : { email: b2bEmail(i % B2B_CUSTOMERS), name: `Trade Customer ${i % B2B_CUSTOMERS} Ltd` };
    const body = {
      externalId: `PO-${i}`,
      reference: `PO-${i}`,
      customer,
      currency: 'GBP',
      paymentMode: 'terms',
      shippingAddress: { line1: '1 Market Street', city: 'York', country: 'GB' },
      lines: [
        { sku: 'MUG-01', description: 'Stoneware mug, 350 ml', quantity: 6 + (i % 20), unitPrice: 1250, taxRatePpm: 200_000 },
        { sku: 'TEA-250', description: 'Loose-leaf breakfast tea, 250 g', quantity: 10, unitPrice: 650, taxRatePpm: 0 },
      ],
    };
    res = await api('/orders', { body: JSON.stringify(body) });
  }
  if (res.status !== 202) throw new Error(`${kind} order ${i}: ${res.status} ${await res.text()}`);
  return { kind, orderId: ((await res.json()) as { orderId: string }).orderId };
}

const status = (id: string) => mine(async () => (await stack.doc.send(new GetCommand({ TableName: stack.tableName, Key: Keys.order(id) }))).Item?.status as string | undefined);
const series = stack.topology.functions.find((f) => f.env.INVOICE_SERIES)?.env.INVOICE_SERIES ?? 'INV';
const invoiced = (): Promise<number> => mine(async () => ((await stack.doc.send(new GetCommand({ TableName: stack.tableName, Key: Keys.invoiceCounter(series, new Date().getUTCFullYear()), ConsistentRead: true }))).Item?.seq as number | undefined) ?? 0);
async function drained(quietMs = 3_000, timeoutMs = 10 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietSince = 0;
  while (Date.now() < deadline) {
    const depths = await mine(() => stack.queues.depths());
    const busy = depths.some((d) => !d.isDeadLetter && d.visible + d.inFlight > 0) || [...stack.sfn.executions.values()].some((e) => e.status === 'RUNNING');
    if (busy) quietSince = 0;
    else if (!quietSince) quietSince = Date.now();
    else if (Date.now() - quietSince >= quietMs) return;
    await sleep(500);
  }
  throw new Error('the stack did not settle in time');
}
const phase = (name: string) => console.log(`  ${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s  ${name}`);

console.log(`o2c cost bench: ${ORDERS} orders, ${CONCURRENCY} concurrent posts — ${availableParallelism()} cores, Node ${process.version}`);
counting = true;
const runStarted = performance.now();
phase('orders');
const posted: { kind: Kind; orderId: string }[] = [];
await runConcurrently(ORDERS, CONCURRENCY, async (i) => {
  posted.push(await post(i));
});
const held = posted.filter((p) => p.kind === 'b2b-held');
phase(`credit reviews (${held.length} held)`);
for (const h of held) {
  const deadline = Date.now() + 5 * 60_000;
  let s: string | undefined;
  while ((s = await status(h.orderId)) !== 'credit_hold' && Date.now() < deadline) {
    if (s === 'rejected') throw new Error(`order ${h.orderId} (to be held) was rejected`);
    await sleep(500);
  }
  await sleep(300); // the review's task token is kept by request-credit-review after the status is written
  for (let attempt = 0; attempt < 20; attempt++) {
    const r = await api(`/finance/orders/${h.orderId}/credit-decision`, { body: JSON.stringify({ decision: 'approve', note: 'long-standing customer' }) });
    if (r.status === 200) break;
    await sleep(500);
  }
}
phase('waiting for every invoice');
const cycleDeadline = Date.now() + 20 * 60_000;
let lastReport = Date.now();
const ours = new Set(posted.map((p) => p.orderId));
for (;;) {
  const n = await invoiced();
  if (n >= ORDERS) break;
  // A workflow that stopped (its failure path ran: the order left where it was) will not invoice: when none of the
  // run's is still running, the rest of the run goes on without them (the report says why they stopped).
  const executions = [...stack.sfn.executions.values()].filter((e) => ours.has(e.name));
  if (executions.length >= ours.size && executions.every((e) => e.status !== 'RUNNING')) break;
  if (Date.now() > cycleDeadline || Date.now() - lastReport > 30_000) {
    const statuses: Record<string, number> = {};
    for (const p of posted) {
      const s = (await status(p.orderId)) ?? 'missing';
      if (s !== 'invoiced' && s !== 'paid') statuses[`${p.kind}:${s}`] = (statuses[`${p.kind}:${s}`] ?? 0) + 1;
    }
    console.log(`         ${n} of ${ORDERS} invoiced; the others: ${JSON.stringify(statuses)}`);
    lastReport = Date.now();
    if (Date.now() > cycleDeadline) throw new Error('not every order was invoiced');
  }
  await sleep(1_000);
}
await drained();

phase('bank statement');
const open = ((await (await api('/_local/invoices?open=1', { probe: true })).json()) as { invoices: { number: string; balance: number; issueDate: string; dueDate: string }[] }).invoices;
const paying = open.filter((_, i) => i % 10 !== 0); // one in ten stays unpaid: the dunning run's work
const day = open[0]?.issueDate ?? new Date().toISOString().slice(0, 10);
const dec = (minor: number) => (minor / 100).toFixed(2);
const credits = paying.reduce((s, inv) => s + inv.balance, 0);
const camt = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>BENCH-MSG-${day}</MsgId><CreDtTm>${day}T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>BENCH-STMT-${day}</Id><ElctrncSeqNb>1</ElctrncSeqNb><Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id><Ccy>GBP</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">${dec(100_000 + credits)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>
${paying
  .map(
    (inv, i) =>
      `<Ntry><Amt Ccy="GBP">${dec(inv.balance)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${day}</Dt></BookgDt><AcctSvcrRef>BENCH-${i}</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>Payment ${inv.number}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
  )
  .join('\n')}
</Stmt></BkToCstmrStmt></Document>`;
const imported = await api('/finance/bank-statements', { body: camt, headers: { 'content-type': 'application/xml' } });
if (imported.status >= 300) throw new Error(`bank import: ${imported.status} ${await imported.text()}`);
const { importId } = (await imported.json()) as { importId: string };
for (const deadline = Date.now() + 10 * 60_000; Date.now() < deadline; await sleep(1_000)) {
  const r = (await (await api(`/finance/bank-statements/${importId}`, { probe: true })).json()) as { status?: string };
  if (r.status === 'applied') break;
}
await drained();

const due = open.map((i) => i.dueDate).sort().at(-1) ?? day;
const asOf = new Date(Date.parse(`${due}T12:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
phase(`dunning run as of ${asOf}`);
const schedule = async (path: string) => {
  scheduleRuns++;
  const r = await send(`${stack.apiUrl}${path}`, { method: 'POST' });
  if (r.status !== 200) throw new Error(`${path}: ${r.status} ${await r.text()}`);
};
await schedule(`/_local/schedules/dunning?asOf=${asOf}`);
await drained();
phase('finance flash report');
await schedule(`/_local/schedules/report?kind=flash`);
await drained();
counting = false;
const runSeconds = (performance.now() - runStarted) / 1000;
const transitions = stack.sfn.transitions();
/** The Express order steps' executions of the run (the calibration's are counted apart, for their duration). */
const expressRun = stack.sfn.express();
const executions = stack.sfn.executions.size;
const executionStatus = [...stack.sfn.executions.values()].reduce<Record<string, number>>((a, e) => ({ ...a, [e.status]: (a[e.status] ?? 0) + 1 }), {});
/** Why executions failed (their failure path's transitions and finance email are in the counts): what NotifyFailure said, by error. */
const failures = stopped.reduce<Record<string, { count: number; example: string }>>((a, text) => {
  const error = /stopped: ([^ ]+)/.exec(text)?.[1] ?? '?';
  return { ...a, [error]: { count: (a[error]?.count ?? 0) + 1, example: a[error]?.example ?? text } };
}, {});

// Calibration: locally every invocation shares one process and two busy cores with all the others in flight, so a
// duration measured under the run's load is many times Lambda's (each invocation has its own CPU there). Orders
// posted one at a time — each through to its invoice before the next — give each function's duration with
// nothing else of o2c running; the table prices duration with these (the under-load figure is printed beside it).
const CALIBRATION_ORDERS = Math.min(10, ORDERS);
const CALIBRATION_SLOTS = [0, 12, 6, 13, 9, 1, 14, 2, 15, 16];
phase(`calibration: ${CALIBRATION_ORDERS} orders one at a time`);
calibrating = true;
const expressBeforeCalibration = stack.sfn.express();
try {
  for (let i = 0; i < CALIBRATION_ORDERS; i++) {
    const before = await invoiced();
    await post(Math.ceil((ORDERS + 1000) / 20) * 20 + CALIBRATION_SLOTS[i]!); // the run's mix in small: platform and B2B
    for (const deadline = Date.now() + 120_000; (await invoiced()) <= before && Date.now() < deadline; ) await sleep(200);
    await drained(1_000);
  }
} catch (error) {
  console.log(`  calibration stopped (${(error as Error).message}): the durations measured so far are used`);
}
calibrating = false;
const expressAfterCalibration = stack.sfn.express();
phase('done');

const dlq = (await mine(() => stack.queues.depths())).filter((d) => d.isDeadLetter).reduce((s, d) => s + d.visible, 0);
const pollers = stack.topology.eventSources.length;
await stack.stop();

// ---------------------------------------------------------------------------------------------------------------
// Pricing
// ---------------------------------------------------------------------------------------------------------------

/** Lambda's own lines per invocation (START, END, REPORT with its X-Ray line), as ingested: measured sizes of real ones. */
const PLATFORM_LOG_LINES = 3;
const PLATFORM_LOG_BYTES = 70 + 50 + 260;
/** Step Functions execution logs (LogLevel.ALL, no execution data): ~3 history events a transition of ~380 bytes each. */
const SFN_EVENTS_PER_TRANSITION = 3;
const SFN_EVENT_BYTES = 380;
const SECRET_MAX_AGE_S = 300;

const fns = [...lambda.entries()].sort(([a], [b]) => a.localeCompare(b));
const invocations = fns.reduce((s, [, l]) => s + l.invocations, 0);
const underLoadGbSeconds = fns.reduce((s, [, l]) => s + l.gbSeconds, 0);
const mean = (xs: number[]) => xs.reduce((a, b) => a + Math.max(1, Math.ceil(b)), 0) / xs.length;
/** Per function: billed ms per invocation from the calibration when it ran there, else as measured under load. */
const calibratedMs = new Map(fns.map(([fn, l]) => [fn, serial.get(fn)?.length ? mean(serial.get(fn)!) : l.billedMs / l.invocations]));
const gbSeconds = fns.reduce((s, [fn, l]) => s + (l.memoryMb / 1024) * ((calibratedMs.get(fn)! * l.invocations) / 1000), 0);
const appLogBytes = fns.reduce((s, [, l]) => s + l.logBytes + 26 * l.logLines, 0);
const appLogLines = fns.reduce((s, [, l]) => s + l.logLines, 0);
const platformLogBytes = invocations * (PLATFORM_LOG_BYTES + 26 * PLATFORM_LOG_LINES);
// Express executions are billed per request and per 64 MB-second of their duration (rounded up to 100 ms): their
// duration is their steps' Lambda invocations end to end, so it is calibrated as those are (one order at a time).
const EXPRESS_GB = 64 / 1024;
const calibratedExpress = { executions: expressAfterCalibration.executions - expressBeforeCalibration.executions, billedMs: expressAfterCalibration.billedMs - expressBeforeCalibration.billedMs };
const expressMsPerExecution = calibratedExpress.executions > 0 ? calibratedExpress.billedMs / calibratedExpress.executions : expressRun.executions > 0 ? expressRun.billedMs / expressRun.executions : 0;
const expressGbSeconds = (expressRun.executions * expressMsPerExecution * EXPRESS_GB) / 1000;
/** Express logs at ERROR: a failed execution's ExecutionFailed and its failed task's events. */
const expressLogBytes = expressRun.failed * SFN_EVENTS_PER_TRANSITION * (SFN_EVENT_BYTES + 26);
const sfnLogBytes = transitions * SFN_EVENTS_PER_TRANSITION * (SFN_EVENT_BYTES + 26);
const logBytes = appLogBytes + platformLogBytes + sfnLogBytes + expressLogBytes;
// Secrets Manager is not emulated (locally the keys come from the environment): per function reading secrets, each
// secret once per warm container per cache window (Powertools maxAge 300 s), containers = the local concurrency.
const secretCalls = fns.reduce((s, [fn, l]) => s + (secretsByFn.get(fn) ?? 0) * Math.min(l.invocations, DEFAULT_LOCAL_CONCURRENCY) * Math.max(1, Math.ceil(runSeconds / SECRET_MAX_AGE_S)), 0);
const sqsUnits = [...sqs.byOp.values()].reduce((s, l) => s + l.units, 0);
const sqsCalls = [...sqs.byOp.values()].reduce((s, l) => s + l.calls, 0);
const traces = apiRequests + scheduleRuns;

interface Row {
  service: string;
  calls: number;
  units: number;
  unit: string;
  usd: number;
}
const rows: Row[] = [
  { service: 'Lambda requests', calls: invocations, units: invocations, unit: 'invocations', usd: price('lambda.requests', invocations) },
  { service: 'Lambda duration (arm64)', calls: invocations, units: gbSeconds, unit: 'GB-s (calibrated)', usd: price('lambda.arm64.gbSecond', gbSeconds) },
  { service: 'DynamoDB writes', calls: [...ddb.byOp].filter(([op]) => !READ_OPS.has(op)).reduce((s, [, l]) => s + l.calls, 0), units: ddb.writes, unit: 'WRU', usd: price('dynamodb.onDemand.write', ddb.writes) },
  { service: 'DynamoDB reads', calls: [...ddb.byOp].filter(([op]) => READ_OPS.has(op)).reduce((s, [, l]) => s + l.calls, 0), units: ddb.reads, unit: 'RRU', usd: price('dynamodb.onDemand.read', ddb.reads) },
  { service: 'SQS (under load)', calls: sqsCalls, units: sqsUnits, unit: 'requests (64 KB)', usd: price('sqs.standard.requests', sqsUnits) },
  { service: 'Step Functions Standard', calls: executions, units: transitions, unit: 'transitions', usd: price('stepfunctions.standard.transitions', transitions) },
  { service: 'Step Functions Express requests', calls: expressRun.executions, units: expressRun.executions, unit: 'executions', usd: price('stepfunctions.express.requests', expressRun.executions) },
  { service: 'Step Functions Express duration', calls: expressRun.executions, units: expressGbSeconds, unit: 'GB-s (64 MB, calibrated)', usd: price('stepfunctions.express.gbSecond', expressGbSeconds) },
  { service: 'API Gateway HTTP API', calls: apiRequests, units: apiUnits, unit: 'requests (512 KB)', usd: price('apigateway.http.requests', apiUnits) },
  { service: 'SES messages', calls: ses.messages, units: ses.recipients, unit: 'emails', usd: price('ses.messages', ses.recipients) },
  { service: 'SES attachments', calls: ses.withAttachments, units: ses.attachmentBytes / 1e9, unit: 'GB', usd: price('ses.attachments.gb', ses.attachmentBytes / 1e9) },
  { service: 'EventBridge events', calls: events.entries, units: events.units, unit: 'events (64 KB)', usd: price('eventbridge.customEvents', events.units) },
  { service: 'EventBridge Scheduler', calls: scheduleRuns, units: scheduleRuns, unit: 'invocations', usd: price('scheduler.invocations', scheduleRuns) },
  { service: 'Secrets Manager (modelled)', calls: secretCalls, units: secretCalls, unit: 'API calls', usd: price('secretsmanager.apiCalls', secretCalls) },
  { service: 'CloudWatch Logs', calls: appLogLines + invocations * PLATFORM_LOG_LINES + transitions * SFN_EVENTS_PER_TRANSITION, units: logBytes / 1e9, unit: 'GB ingested', usd: price('cloudwatch.logs.ingestedGb', logBytes / 1e9) },
  { service: 'X-Ray traces', calls: traces, units: traces, unit: 'traces', usd: price('xray.tracesRecorded', traces) },
];
const total = rows.reduce((s, r) => s + r.usd, 0);
const per1000 = (usd: number) => (usd * 1000) / ORDERS;

// Idle polling: in AWS each SQS event source mapping long-polls (20 s) with at least 5 pollers whether or not there
// is work — a fixed monthly cost, not per order (locally the pollers wait 1 s, so their empty receives say nothing).
const idleRequestsPerMonth = pollers * 5 * 3 * 60 * 24 * 30;
const fixedMonthly = { sqsIdlePolling: { pollers, requests: idleRequestsPerMonth, usd: price('sqs.standard.requests', idleRequestsPerMonth) } };

const usd = (v: number) => `$${v.toFixed(4)}`;
const num = (v: number) => (Number.isInteger(v) ? v.toLocaleString('en-GB') : v < 10 ? v.toFixed(4) : v.toLocaleString('en-GB', { maximumFractionDigits: 1 }));
const width = Math.max(...rows.map((r) => r.service.length));
console.log('');
console.log(`${'service'.padEnd(width)}  ${'calls'.padStart(9)}  ${'units'.padStart(12)}  ${'unit'.padEnd(18)}  ${'$ per 1,000 orders'.padStart(18)}`);
for (const r of rows) console.log(`${r.service.padEnd(width)}  ${num(r.calls).padStart(9)}  ${num(r.units).padStart(12)}  ${r.unit.padEnd(18)}  ${usd(per1000(r.usd)).padStart(18)}`);
console.log(`${'total'.padEnd(width)}  ${''.padStart(9)}  ${''.padStart(12)}  ${''.padEnd(18)}  ${usd(per1000(total)).padStart(18)}`);
console.log('');
console.log(`  orders ${ORDERS} (${Object.entries(posted.reduce<Record<string, number>>((a, p) => ({ ...a, [p.kind]: (a[p.kind] ?? 0) + 1 }), {})).map(([k, v]) => `${k} ${v}`).join(', ')}); invoices paid by the statement ${paying.length} of ${open.length} open`);
console.log(`  per order: ${(transitions / ORDERS).toFixed(2)} Standard transitions, ${(expressRun.executions / ORDERS).toFixed(2)} Express executions (${Math.round(expressMsPerExecution)} ms each, calibrated), ${(invocations / ORDERS).toFixed(1)} invocations, ${(ddb.writes / ORDERS).toFixed(1)} WRU, ${(ddb.reads / ORDERS).toFixed(1)} RRU, ${(sqsUnits / ORDERS).toFixed(1)} SQS requests, ${(ses.customerRecipients / ORDERS).toFixed(2)} customer emails (${ses.recipients} emails in all)`);
console.log(`  workflows ${Object.entries(executionStatus).map(([k, v]) => `${k} ${v}`).join(' · ')}; ${dlq} in dead-letter queues; run ${runSeconds.toFixed(0)} s`);
for (const [error, f] of Object.entries(failures)) console.log(`    stopped: ${f.count} × ${error} — e.g. ${f.example}`);
console.log(`  Lambda duration under the run's load: ${num(underLoadGbSeconds)} GB-s = ${usd(per1000(price('lambda.arm64.gbSecond', underLoadGbSeconds)))} per 1,000 orders (the table uses the calibrated one-order-at-a-time durations)`);
console.log(`  fixed, not per order: SQS idle long-polling ${pollers} event source mappings × 5 pollers × 3/min ≈ ${num(idleRequestsPerMonth)} requests/month = ${usd(fixedMonthly.sqsIdlePolling.usd)}/month; locally ${sqs.emptyReceives} empty receives (1 s waits) not counted`);
console.log(`  prices: ${priceList.region}, checked ${[...new Set(Object.values(priceList.prices).map((p) => p.date))].join(', ')} (bench/prices.json)`);

mkdirSync(resolve(values.out!, '..'), { recursive: true });
writeFileSync(
  values.out!,
  `${JSON.stringify(
    {
      measuredAt: new Date().toISOString(),
      region: priceList.region,
      pricesChecked: [...new Set(Object.values(priceList.prices).map((p) => p.date))],
      context,
      orders: ORDERS,
      mix: posted.reduce<Record<string, number>>((a, p) => ({ ...a, [p.kind]: (a[p.kind] ?? 0) + 1 }), {}),
      runSeconds: Math.round(runSeconds),
      machine: { cores: availableParallelism(), node: process.version },
      totalUsdPer1000Orders: Number(per1000(total).toFixed(6)),
      rows: rows.map((r) => ({ ...r, usdPer1000Orders: Number(per1000(r.usd).toFixed(6)) })),
      perOrder: { transitions: transitions / ORDERS, invocations: invocations / ORDERS, wru: ddb.writes / ORDERS, rru: ddb.reads / ORDERS, sqsRequests: sqsUnits / ORDERS, customerEmails: ses.customerRecipients / ORDERS, emails: ses.recipients / ORDERS },
      lambda: Object.fromEntries(fns.map(([fn, l]) => [fn, { ...l, calibratedMsPerInvocation: Math.round(calibratedMs.get(fn)!), underLoadMsPerInvocation: Math.round(l.billedMs / l.invocations) }])),
      lambdaUnderLoadGbSeconds: underLoadGbSeconds,
      dynamodb: { byOperation: Object.fromEntries(ddb.byOp), byFunction: Object.fromEntries(ddb.byFn) },
      sqs: { byOperation: Object.fromEntries(sqs.byOp), emptyReceivesNotCounted: sqs.emptyReceives },
      ses,
      stepFunctions: { executions, transitions, status: executionStatus, failures, express: { ...expressRun, calibratedMsPerExecution: Math.round(expressMsPerExecution), underLoadMsPerExecution: expressRun.executions ? Math.round(expressRun.billedMs / expressRun.executions) : 0 } },
      logs: { appBytes: appLogBytes, appLines: appLogLines, platformBytes: platformLogBytes, stepFunctionsBytes: sfnLogBytes, expressBytes: expressLogBytes },
      other: Object.fromEntries(other),
      fixedMonthly,
      deadLetters: dlq,
    },
    null,
    2,
  )}\n`,
);
console.log(`  written to ${values.out}`);
process.exit(0);
