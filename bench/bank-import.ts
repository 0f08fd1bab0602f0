/**
 * `npm run bench:import`: a bank-statement import at scale against DynamoDB
 * Local (its own JVM on a free port, stopped at the end): open invoices seeded
 * straight into the table (BatchWrite, the repositories' key builders), a
 * camt.053.001.08 built here whose credits pay them by RF reference, by invoice
 * number, by exact amount from an IBAN the customer paid from before, and some
 * that match nothing; then the import use case (parse, claim, queue) of every
 * entry, and the first `--apply` payments (default 2,500: the same mix of
 * rules) through `applyPayment` on the real repositories — all 10,000 would
 * take some 4 minutes per book: DynamoDB Local runs one TransactWriteItems at a
 * time, some 40–60 a second on 2 cores (`--apply 10000` does them all).
 *
 * Printed per phase: entries per second, and DynamoDB read and write capacity
 * units per entry (every command is sent with `ReturnConsumedCapacity: TOTAL`
 * by a middleware on the document client, which sums what comes back) — with
 * the open book at N and at 2·N invoices, side by side. Each customer holds
 * the same number of invoices in both books (the book grows by customers): the
 * read units per entry must not grow with the open book. Figures only, never
 * pass/fail.
 *
 * One import takes at most MAX_CREDITS_PER_IMPORT (50,000) credits, so the
 * entries come as daily files of that size (10,000 entries: one file, read in
 * two passes as every file of more than 5,000 credits).
 *
 *   npm run bench:import [-- --entries 10000 --apply 2500 --per-customer 10 --concurrency 16]
 */
import '../local/quiet.ts';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { dynamoBankImports } from '../functions/adapters/bank-imports.ts';
import { dynamoTable, setDocumentClient } from '../functions/adapters/dynamo.ts';
import { repositories } from '../functions/adapters/repositories.ts';
import { ITEM_TYPES, Keys, VERSION_ATTRIBUTE } from '../functions/adapters/table-schema.ts';
import { MAX_CREDITS_PER_IMPORT } from '../functions/domain/bank-import.ts';
import { buildInvoice } from '../functions/domain/invoice.ts';
import type { Invoice } from '../functions/domain/model.ts';
import { priceOrder } from '../functions/domain/pricing.ts';
import { paymentReferenceFor } from '../functions/domain/references.ts';
import { parseBankFile, readBankFileStream } from '../functions/platforms/bank/index.ts';
import { PaymentMessageSchema } from '../functions/platforms/canonical.ts';
import type { PaymentMessage } from '../functions/ports.ts';
import { safeParse } from '../functions/runtime/schema.ts';
import { applyPayment } from '../functions/use-cases/apply-payment.ts';
import { importBankFile } from '../functions/use-cases/bank-import.ts';
import { startDynamoDbLocal } from '../local/dynamodb-local.ts';
import { memoryWorld, TEST_COMPANY } from '../test/support/memory.ts';
import { testOrder } from '../test/support/orders.ts';
import { tableCreateInput } from '../test/support/dynamodb.ts';
import { runConcurrently } from './concurrent.ts';

const { values } = parseArgs({ options: { entries: { type: 'string', default: '10000' }, 'per-customer': { type: 'string', default: '10' }, concurrency: { type: 'string', default: '16' }, apply: { type: 'string', default: '2500' } } });
const ENTRIES = Number(values.entries);
const PER_CUSTOMER = Number(values['per-customer']);
const CONCURRENCY = Number(values.concurrency);
/** How many of the queued payments are applied (the first ones: the same mix of rules). DynamoDB Local runs TransactWriteItems one at a time, at some 40 a second on 2 cores. */
const APPLIED = Math.min(ENTRIES, Number(values.apply));
const ISSUED = '2026-11-02';
const BOOKED = '2026-11-30';
const OWN_IBAN = 'GB33BUKB20201555555555';

/** What the middleware counted since the last reset. */
const units = { read: 0, write: 0 };
/** Commands sent and failures seen, by name, since the last reset. */
const commands: Record<string, number> = {};
const failures: Record<string, number> = {};
const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'TransactGetItemsCommand', 'ScanCommand', 'GetCommand', 'QueryCommand', 'BatchGetCommand', 'TransactGetCommand']);
type Capacity = { CapacityUnits?: number; ReadCapacityUnits?: number; WriteCapacityUnits?: number };

function countingClient(endpoint: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false } });
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      commands[context.commandName ?? '?'] = (commands[context.commandName ?? '?'] ?? 0) + 1;
      let out;
      try {
        out = await next(args);
      } catch (error) {
        const name = (error as Error).name;
        failures[name] = (failures[name] ?? 0) + 1;
        throw error;
      }
      const consumed = (out.output as { ConsumedCapacity?: Capacity | Capacity[] }).ConsumedCapacity;
      const read = READS.has(context.commandName ?? '');
      for (const c of [consumed ?? []].flat()) {
        if (c.ReadCapacityUnits !== undefined || c.WriteCapacityUnits !== undefined) {
          units.read += c.ReadCapacityUnits ?? 0;
          units.write += c.WriteCapacityUnits ?? 0;
        } else if (read) units.read += c.CapacityUnits ?? 0;
        else units.write += c.CapacityUnits ?? 0;
      }
      return out;
    },
    { step: 'initialize', name: 'benchConsumedCapacity' },
  );
  return doc;
}

/** A valid IBAN (ISO 13616 check digits) for a country and BBAN. */
function iban(country: string, bban: string): string {
  const digits = `${bban}${country}00`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return `${country}${String(98 - rest).padStart(2, '0')}${bban}`;
}
const ibanOf = (customer: number) => iban('GB', `BNCH${String(customer).padStart(14, '0')}`);
const customerIdOf = (customer: number) => `cus_bench_${customer}`;

/** Invoice i: customer ⌊i / perCustomer⌋, a total of its own (unique, so an exact amount names one invoice). */
function invoiceOf(i: number): Invoice {
  const total = 10_000 + i * 7;
  const lines = [{ sku: 'BENCH', description: 'bench item', quantity: 1, unitPrice: total, discount: 0, taxRatePpm: 0 }];
  const order = testOrder(`ord_bench_${i}`, 'invoiced', { lines, shipping: undefined, totals: priceOrder(lines, undefined, TEST_COMPANY.taxPolicy).totals, customerId: customerIdOf(Math.floor(i / PER_CUSTOMER)) });
  const sequence = i + 1;
  return buildInvoice({
    order,
    series: 'INV',
    year: 2026,
    sequence,
    issueDate: ISSUED,
    terms: { netDays: 30 },
    policy: TEST_COMPANY.taxPolicy,
    paymentReference: paymentReferenceFor('rf', `INV-2026-${String(sequence).padStart(6, '0')}`),
  });
}

async function seed(doc: DynamoDBDocumentClient, table: string, invoices: number): Promise<void> {
  const items: Record<string, unknown>[] = [];
  for (let i = 0; i < invoices; i++) {
    const inv = invoiceOf(i);
    items.push({ ...Keys.invoice(inv.number), ...Keys.invoiceByCustomer(inv.customerId, inv.issueDate, inv.number), ...Keys.openInvoice(inv.number, inv.dueDate), type: ITEM_TYPES.invoice, ...inv, [VERSION_ATTRIBUTE]: 1 });
  }
  for (let c = 0; c < Math.ceil(invoices / PER_CUSTOMER); c++) {
    items.push({ ...Keys.payerAccount(ibanOf(c)), type: ITEM_TYPES.payerAccount, customerId: customerIdOf(c), seenOn: ISSUED, paymentId: `pay_seed_${c}` });
  }
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  await runConcurrently(batches.length, 8, async (b) => {
    let pending = batches[b]!.map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const r = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (r.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  });
}

const amount = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

/**
 * Entry e pays invoice `paid(e)`: 4 in 10 by RF reference, 3 by the invoice
 * number in free text, 2 by the exact amount from the customer's known IBAN
 * (nothing else quoted), 1 matches nothing (unknown payer, no reference).
 */
function entryXml(e: number, paid: (e: number) => number): { xml: string; minor: number } {
  const invoice = invoiceOf(paid(e));
  const customer = Math.floor(paid(e) / PER_CUSTOMER);
  const kind = e % 10;
  const minor = kind === 9 ? 1_234 + e : invoice.totals.total;
  const party = (name: string, iban: string) => `<RltdPties><Dbtr><Pty><Nm>${name}</Nm></Pty></Dbtr><DbtrAcct><Id><IBAN>${iban}</IBAN></Id></DbtrAcct></RltdPties>`;
  const rmt =
    kind <= 3
      ? `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${invoice.paymentReference}</Ref></CdtrRefInf></Strd></RmtInf>`
      : kind <= 6
        ? `<RmtInf><Ustrd>Invoice ${invoice.number} thank you</Ustrd></RmtInf>`
        : kind <= 8
          ? ''
          : `<RmtInf><Ustrd>order ${e} misc</Ustrd></RmtInf>`;
  const who = kind === 9 ? party(`Stranger ${e} Ltd`, iban('GB', `UNKN${String(e).padStart(14, '0')}`)) : party(`Bench Customer ${customer} Ltd`, ibanOf(customer));
  const xml = `<Ntry><NtryRef>${e}</NtryRef><Amt Ccy="GBP">${amount(minor)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${BOOKED}</Dt></BookgDt><AcctSvcrRef>BENCH-${String(e).padStart(8, '0')}</AcctSvcrRef><BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><Refs><EndToEndId>E2E-${e}</EndToEndId></Refs><Amt Ccy="GBP">${amount(minor)}</Amt><CdtDbtInd>CRDT</CdtDbtInd>${who}${rmt}</TxDtls></NtryDtls></Ntry>`;
  return { xml, minor };
}

/** The entries as daily camt.053.001.08 files of at most MAX_CREDITS_PER_IMPORT entries each. */
function statementFiles(entries: number, paid: (e: number) => number): string[] {
  const files: string[] = [];
  for (let from = 0, day = 0; from < entries; from += MAX_CREDITS_PER_IMPORT, day++) {
    const built = Array.from({ length: Math.min(MAX_CREDITS_PER_IMPORT, entries - from) }, (_, k) => entryXml(from + k, paid));
    const moved = built.reduce((a, b) => a + b.minor, 0);
    const open = 1_000_000;
    files.push(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>BENCH-${day}</MsgId><CreDtTm>${BOOKED}T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>BENCH-STMT-${day}</Id><ElctrncSeqNb>${day + 1}</ElctrncSeqNb><Acct><Id><IBAN>${OWN_IBAN}</IBAN></Id><Ccy>GBP</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">${amount(open)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${BOOKED}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">${amount(open + moved)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${BOOKED}</Dt></Dt></Bal>
${built.map((b) => b.xml).join('\n')}
</Stmt></BkToCstmrStmt></Document>`);
  }
  return files;
}

interface Phase {
  readonly perSecond: number;
  readonly read: number;
  readonly write: number;
  /** DynamoDB calls per entry, by command; and the failed calls (conflicts, throttles) in all. */
  readonly calls: Record<string, number>;
  readonly failed: number;
}
interface Run {
  readonly openInvoices: number;
  readonly seedSeconds: number;
  readonly parse: Phase;
  readonly queue: Phase;
  readonly apply: Phase;
  readonly rules: Record<string, number>;
}

async function phase(entries: number, work: () => Promise<void>): Promise<Phase> {
  units.read = 0;
  units.write = 0;
  for (const k of Object.keys(commands)) delete commands[k];
  for (const k of Object.keys(failures)) delete failures[k];
  const t0 = performance.now();
  await work();
  const seconds = (performance.now() - t0) / 1000;
  const calls = Object.fromEntries(Object.entries(commands).map(([k, v]) => [k.replace(/Command$/, ''), v / entries]));
  return { perSecond: entries / seconds, read: units.read / entries, write: units.write / entries, calls, failed: Object.values(failures).reduce((a, b) => a + b, 0) };
}

async function run(client: DynamoDBClient, doc: DynamoDBDocumentClient, openInvoices: number): Promise<Run> {
  const table = `o2c-bench-${openInvoices}-${Math.random().toString(36).slice(2, 8)}`;
  await client.send(new CreateTableCommand(tableCreateInput(table)));
  const s0 = performance.now();
  await seed(doc, table, openInvoices);
  const seedSeconds = (performance.now() - s0) / 1000;
  // Spread the paid invoices over the whole book: with 2·N open, every other one.
  const stride = Math.max(1, Math.floor(openInvoices / ENTRIES));
  const files = statementFiles(ENTRIES, (e) => e * stride);

  const world = memoryWorld({ now: '2026-12-01T08:00:00.000Z' });
  const repos = repositories(table);
  const importDeps = { ...world.deps, bankImports: dynamoBankImports(dynamoTable(table)), readBankFile: (chunks: AsyncIterable<string>) => readBankFileStream(chunks) };
  // apply-payment counts each payment on its import (the real import item): one more transaction of two items per payment.
  const imports = { ...world.deps.imports, bankImports: importDeps.bankImports, paymentReturns: repos.paymentReturns };
  const applyDeps = { ...world.deps, invoices: repos.invoices, payments: repos.payments, payers: repos.payers, disputes: repos.disputes, customers: repos.customers, imports };

  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  const parsePhase = await phase(ENTRIES, async () => {
    for (const f of files) {
      const parsed = parseBankFile(f);
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
      if (parsed.statements.length === 0) throw new Error('nothing parsed');
    }
  });
  memory.push({ fileMb: Math.max(...files.map((f) => Buffer.byteLength(f))) / 2 ** 20, heapMb: (heapPeak - heapBefore) / 2 ** 20, maxRssMb: process.resourceUsage().maxRSS / 1024 });
  const queuePhase = await phase(ENTRIES, async () => {
    for (const body of files) await importBankFile({ body, source: { kind: 'api', actor: 'bench' } }, importDeps);
  });
  const messages = world.deps.paymentQueue.sent as PaymentMessage[];
  if (messages.length !== ENTRIES) throw new Error(`queued ${messages.length} payments, expected ${ENTRIES}`);
  const rules: Record<string, number> = {};
  const applyPhase = await phase(APPLIED, async () => {
    await runConcurrently(APPLIED, CONCURRENCY, async (i) => {
      const read = safeParse(PaymentMessageSchema, messages[i]);
      if (!read.success) throw new Error(`payment message ${i} does not read: ${read.error.message}`);
      const outcome = await applyPayment(read.data, applyDeps);
      const rule = outcome.auto ? `applied by ${outcome.matchedBy}` : outcome.matchedBy === 'none' ? 'unidentified (worklist)' : `proposed: ${outcome.matchedBy}`;
      rules[rule] = (rules[rule] ?? 0) + 1;
    });
  });
  return { openInvoices, seedSeconds, parse: parsePhase, queue: queuePhase, apply: applyPhase, rules };
}

/** The parse phase's memory: the largest file, the heap it added at its peak, the process's peak RSS so far. */
const memory: { fileMb: number; heapMb: number; maxRssMb: number }[] = [];
const ddb = await startDynamoDbLocal();
const doc = countingClient(ddb.endpoint);
const client = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
setDocumentClient(doc);
try {
  const runs = [await run(client, doc, ENTRIES), await run(client, doc, 2 * ENTRIES)];
  const col = (s: string) => s.padStart(22);
  const row = (label: string, f: (r: Run) => string) => console.log(`  ${label.padEnd(30)}${runs.map((r) => col(f(r))).join('')}`);
  console.log(
    `bank import: ${ENTRIES} credit entries in ${Math.ceil(ENTRIES / MAX_CREDITS_PER_IMPORT)} camt.053.001.08 file(s) parsed and queued, the first ${APPLIED} payments applied at ${CONCURRENCY} concurrent; ${PER_CUSTOMER} invoices per customer — DynamoDB Local, ${availableParallelism()} cores, Node ${process.version}`,
  );
  row('open invoices', (r) => String(r.openInvoices));
  row('(seeded in)', (r) => `${r.seedSeconds.toFixed(1)} s`);
  for (const name of ['parse', 'queue', 'apply'] as const) {
    row(`${name}: entries/s`, (r) => r[name].perSecond.toFixed(0));
    row(`${name}: read units/entry`, (r) => r[name].read.toFixed(3));
    row(`${name}: write units/entry`, (r) => r[name].write.toFixed(3));
  }
  const calls = [...new Set(runs.flatMap((r) => Object.keys(r.apply.calls)))].sort();
  for (const c of calls) row(`apply: ${c}/entry`, (r) => (r.apply.calls[c] ?? 0).toFixed(2));
  row('apply: failed calls (retried)', (r) => String(r.apply.failed));
  const rules = [...new Set(runs.flatMap((r) => Object.keys(r.rules)))].sort();
  for (const rule of rules) row(rule, (r) => String(r.rules[rule] ?? 0));
  for (const [i, m] of memory.entries()) console.log(`  parse memory, run ${i + 1}: largest file ${m.fileMb.toFixed(1)} MB, heap added at its peak ${m.heapMb.toFixed(0)} MB, process peak RSS so far ${m.maxRssMb.toFixed(0)} MB`);
  console.log('  (queue: parse + claim the import + hand the payments to an in-memory queue; apply: applyPayment per payment on the real repositories, each counted on its import; per entry = per entry of that phase)');
} finally {
  setDocumentClient(undefined);
  doc.destroy();
  client.destroy();
  await ddb.stop();
}
