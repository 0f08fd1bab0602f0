/**
 * `npm run bench:pack [-- --small] [-- --invoices 100000 --open 3000]`: what the finance pack costs in DynamoDB read
 * units and time, on a year of history and on twice that. Each size gets a fresh table on one DynamoDB Local, seeded
 * directly (BatchWriteItem) with what the business transactions would have left: every invoice (the paid ones
 * with their payment in `history` and their settled-on pointer; `--open` of them still open, in the open-by-due
 * index), the customers and their directory entries, and the period aggregates — each invoice's and payment's adds
 * (domain/figures `balanceChange` for the stocks) summed per day, month and since inception, as the transactions
 * add them. Then the flash and the month-end pack are computed as of the last day on the real adapters, with a
 * client middleware that asks every call for `ReturnConsumedCapacity: 'TOTAL'` and sums it.
 *
 * The reads are the open items (the open-by-due index: the open book, not the history), the day and month
 * aggregates of the packs' windows (flash: 25 weeks of days; month-end: 25 months — 13 trend periods and 12 for
 * countback DSO), the since-inception item and the customer directory. Doubling the history adds invoices,
 * pointers and aggregates the pack never reads: its read units stay the same once the history is longer than the
 * window (a month-end pack on one year of history still finds empty months in its 25-month window, so it reads a
 * little less there). Figures only, never pass/fail. DynamoDB Local computes consumed capacity as the service does.
 */
import '../local/quiet.ts';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setDocumentClient } from '../functions/adapters/dynamo.ts';
import { batchWrite } from './batch-write.ts';
import { repositories } from '../functions/adapters/repositories.ts';
import { AGGREGATE_INCEPTION, ITEM_TYPES, Keys, VERSION_ATTRIBUTE } from '../functions/adapters/table-schema.ts';
import { addDays } from '../functions/domain/dates.ts';
import { balanceChange, mergeTotals, METRIC, STOCK_METRICS, type TotalsAdd } from '../functions/domain/figures.ts';
import type { PackKind } from '../functions/domain/finance-pack.ts';
import { buildInvoice, formatInvoiceNumber } from '../functions/domain/invoice.ts';
import type { Invoice } from '../functions/domain/model.ts';
import { financePack } from '../functions/use-cases/finance-pack.ts';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { memoryWorld } from '../test/support/memory.ts';
import { testCustomer, testOrder } from '../test/support/orders.ts';
import { tableCreateInput } from '../test/support/dynamodb.ts';

const { values } = parseArgs({ options: { invoices: { type: 'string' }, open: { type: 'string' }, small: { type: 'boolean', default: false } } });
const INVOICES = Number(values.invoices ?? (values.small ? 10_000 : 100_000));
const OPEN = Number(values.open ?? (values.small ? 300 : 3_000));
const AS_OF = '2026-11-30';
const CUSTOMERS = Math.max(10, Math.round(OPEN / 3));
const TAX_POLICY = memoryWorld().deps.company.taxPolicy;
const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand']);
let readUnits = 0;
let calls = 0;

const ddb = await startDynamoDbLocal();
const client = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
client.middlewareStack.add(
  (next, context) => async (args) => {
    (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
    const out = await next(args);
    const consumed = (out.output as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
    if (READS.has(context.commandName ?? '')) {
      readUnits += (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
      calls += 1;
    }
    return out;
  },
  { step: 'initialize', name: 'benchConsumedCapacity' },
);
const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } });
setDocumentClient(doc);


/** Invoice `i` of `n` issued over `years` before AS_OF; every (n / OPEN)th is still open, the others paid 5–60 days after issue. */
function invoiceNo(i: number, n: number, years: number): { invoice: Invoice; paidOn?: string; orderedOn: string } {
  const span = 365 * years;
  const issueDate = addDays(AS_OF, -Math.floor(((n - 1 - i) * span) / n));
  const orderedOn = addDays(issueDate, -(1 + (i % 3)));
  const year = Number(issueDate.slice(0, 4));
  const amount = 10_000 + ((i * 7919) % 90_000);
  const lines = [{ sku: 'SVC-1', description: 'Consulting', quantity: 1, unitPrice: amount, discount: 0, taxRatePpm: 0 }];
  const built = buildInvoice({
    order: { ...testOrder(`ord_${i}`, 'invoiced'), lines, shipping: { amount: 0, taxRatePpm: 0 }, customerId: `cus_${i % CUSTOMERS}` },
    series: 'INV',
    year,
    sequence: i + 1,
    issueDate,
    terms: { netDays: 30 },
    policy: TAX_POLICY,
    paymentReference: `RF00${formatInvoiceNumber('INV', year, i + 1).replace(/\W/g, '')}`,
  });
  const open = i % Math.floor(n / OPEN) === 0;
  const invoice = { ...built, orderedOn };
  if (open) return { invoice, orderedOn };
  const paidOn = [addDays(issueDate, 5 + (i % 56)), AS_OF].sort()[0]!;
  const total = invoice.totals.total;
  return { invoice: { ...invoice, balance: 0, status: 'paid', history: [{ on: paidOn, kind: 'payment', amount: total, ref: `pay_${i}` }] }, paidOn, orderedOn };
}

async function seed(table: string, n: number, years: number) {
  const items: Record<string, unknown>[] = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    const customer = { ...testCustomer(`cus_${c}`, { name: `Customer ${c} Ltd` }), shop: '-', createdAt: '2024-01-01T00:00:00Z' };
    items.push({ ...Keys.customer(customer.id), ...Keys.customerByEmail('-', customer.email), type: ITEM_TYPES.customer, ...customer, [VERSION_ATTRIBUTE]: 1 });
    items.push({ ...Keys.customerName(customer.id), type: ITEM_TYPES.customerName, name: customer.name, collectionsStatus: c % 50 === 0 ? 'credit-hold' : 'none' });
  }
  const adds: TotalsAdd[] = [];
  let open = 0;
  for (let i = 0; i < n; i++) {
    const { invoice, paidOn, orderedOn } = invoiceNo(i, n, years);
    const total = invoice.totals.total;
    const issued = { ...invoice, balance: total };
    adds.push(
      { on: invoice.issueDate, currency: 'GBP', add: { creditSales: total, sales: total, invoices: 1, [METRIC.ordersInvoiced('api')]: 1, [METRIC.revenue('api')]: total, [METRIC.orderToInvoice(1 + (i % 3))]: 1 } },
      ...balanceChange(issued, total, invoice.issueDate),
    );
    items.push({ ...Keys.invoice(invoice.number), ...Keys.invoiceByCustomer(invoice.customerId, invoice.issueDate, invoice.number), ...(paidOn ? {} : Keys.openInvoice(invoice.number, invoice.dueDate)), type: ITEM_TYPES.invoice, ...invoice, [VERSION_ATTRIBUTE]: paidOn ? 2 : 1 });
    if (paidOn) {
      adds.push(
        { on: paidOn, currency: 'GBP', add: { collections: total, [METRIC.collectedBy('bank')]: total, [METRIC.payments]: 1, [METRIC.paymentsAuto]: i % 10 === 0 ? 0 : 1 } },
        ...balanceChange({ ...issued, orderedOn }, -total, paidOn, true),
      );
      items.push({ ...Keys.settledInvoice(invoice.number, paidOn), type: ITEM_TYPES.settledInvoice, invoiceNumber: invoice.number, settledOn: paidOn });
    } else open++;
  }
  const days = mergeTotals(adds);
  const months = mergeTotals(days.map((d) => ({ ...d, on: d.on.slice(0, 7) })));
  const inception = mergeTotals(days.map((d) => ({ on: AGGREGATE_INCEPTION, currency: d.currency, add: Object.fromEntries(Object.entries(d.add).filter(([k]) => STOCK_METRICS.includes(k))) })));
  const firstSale = days.filter((d) => (d.add.creditSales ?? 0) > 0).map((d) => d.on).sort()[0];
  for (const d of days) items.push({ ...Keys.aggregate(d.on, 'totals', d.currency), type: ITEM_TYPES.aggregate, period: d.on, currency: d.currency, ...d.add });
  for (const m of months) items.push({ ...Keys.aggregate(m.on, 'totals', m.currency), ...Keys.totalsPeriod(m.on, m.currency), type: ITEM_TYPES.aggregate, period: m.on, currency: m.currency, ...m.add });
  for (const a of inception) items.push({ ...Keys.aggregate(a.on, 'totals', a.currency), type: ITEM_TYPES.aggregate, period: a.on, currency: a.currency, ...a.add, firstSale });
  await batchWrite(doc, table, items);
  return { open, items: items.length };
}

async function measure(n: number, years: number) {
  const table = `o2c-bench-pack-${n}-${Math.random().toString(36).slice(2, 8)}`;
  await client.send(new CreateTableCommand(tableCreateInput(table)));
  const t0 = performance.now();
  const seeded = await seed(table, n, years);
  const seedS = (performance.now() - t0) / 1000;
  const world = memoryWorld({ now: `${AS_OF}T23:00:00.000Z` });
  const deps = { ...world.deps, ...repositories(table) };
  const out: { kind: PackKind; units: number; calls: number; seconds: number; dso: number | null; aging: number }[] = [];
  for (const kind of ['flash', 'month-end'] as const) {
    readUnits = 0;
    calls = 0;
    const t1 = performance.now();
    const pack = await financePack({ kind, asOf: AS_OF }, deps);
    out.push({ kind, units: readUnits, calls, seconds: (performance.now() - t1) / 1000, dso: pack.currencies[0]?.kpi.dso ?? null, aging: pack.currencies[0]?.aging.total ?? 0 });
  }
  return { n, years, seeded, seedS, out };
}

try {
  console.log(`finance pack as of ${AS_OF}: ${OPEN} open invoices, ${CUSTOMERS} customers — ${availableParallelism()} cores, Node ${process.version}, DynamoDB Local`);
  for (const [n, years] of [[INVOICES, 1], [INVOICES * 2, 2]] as const) {
    const m = await measure(n, years);
    console.log(`  ${String(n).padStart(7)} invoices over ${years} year${years > 1 ? 's' : ''} (${m.seeded.open} open; seeded ${m.seeded.items} items in ${m.seedS.toFixed(0)} s):`);
    for (const p of m.out) console.log(`          ${p.kind.padEnd(9)} ${p.units.toFixed(1).padStart(8)} read units in ${String(p.calls).padStart(4)} reads, ${p.seconds.toFixed(2)} s (DSO ${p.dso ?? 'n/a'}, aging total ${(p.aging / 100).toFixed(2)})`);
  }
} finally {
  client.destroy();
  await ddb.stop();
}
