/**
 * The fixed scenario the crash-point test runs again and again on one local stack, with fresh ids each time
 * (`run` names them), and what it left behind, normalised so two runs compare equal when they did the same thing.
 *
 *   1. finance creates a B2B customer (limit £1,000)                       finance
 *   2. it orders 2 mugs on terms (£30.00)                                   intake → start-order → the workflow
 *      → invoiced, its email with the PDF                                   (… issue-invoice, render-documents, send-mail)
 *   3. a second B2B customer (limit £25) orders the same: over its limit    … check-credit → credit hold → request-credit-review
 *      within the review band, held; finance rejects it (decide-credit)     (finance asked) → decide-credit → reject-order
 *      → rejected, stock back, the customer told                             (the customer's email)
 *   4. finance credits £6.00 of the invoice                                 finance (credit note, its email)
 *   5. dunning runs on the due date + 21 days: a letter and the fee         plan-dunning → send-reminder (Stripe payment link)
 *   6. a camt.053 pays what is owed: paid                                   bank-import → apply-payment (finance's summary)
 *   7. finance records £5.00 more from the customer: unapplied cash         finance-cash → apply-payment
 *   8. a prepaid Stripe checkout the warehouse refuses                      intake … send-fulfilment-request → reject-order
 *      → rejected, stock back, refunded at Stripe                           → refund-payment
 *   9. the daily flash report (as of a day of the run's own)                build-report → send-mail
 *
 * Each step retries as its caller would: an HTTP caller sends the same request again (same Idempotency-Key) on a 5xx,
 * schedules are retried by the scheduler (local/scheduler.ts); between steps the stack is left to go quiet (no message
 * in a queue, no invocation running, the run's workflows ended), so a redelivery after a crash lands before the next step.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Keys } from '../../functions/adapters/table-schema.ts';
import { DEV_SECRETS, type LocalStack } from '../../local/stack.ts';
import { stackClient, until, type Mail } from './stack-client.ts';

type Item = Record<string, any>;

export interface RunIds {
  tag: string;
  email: string;
  webEmail: string;
  heldEmail: string;
  reportDate: string;
  orderId?: string;
  webOrderId?: string;
  heldOrderId?: string;
  invoiceNumber?: string;
  creditNoteNumber?: string;
}

export interface RunResult {
  ids: RunIds;
  /** What the run changed in the table, the mailbox and at Stripe, with its own ids replaced by their roles. */
  state: NormalisedState;
  invoiceNumbers: string[];
  creditNoteNumbers: string[];
}

export interface NormalisedState {
  orders: string[];
  added: string[];
  changed: string[];
  mails: string[];
  stripe: string[];
  deadLetters: string[];
}

/** Items every run adds to: compared by what the run added to their numbers. */
const SHARED = /^(AGG#|COUNTER#|PRODUCT#)/;
/** Not compared: send-mail's Powertools records are its mechanism; the emails themselves are compared. */
const MECHANISM = /^IDEMPOTENCY#/;

/** Mails sent once per day whoever's invoices they name: only the first run that day sends them (checked across runs). */
export const DAILY_MAIL = /^finance@example\.com \| Collections worklist /;

/** How long a step may take: a crash is redelivered after the fault mode's deadline, and a retry may meet another. */
const STEP_MS = 120_000;

const day = (iso: string, offset: number) => new Date(Date.parse(`${iso}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

export const mailLine = (m: Mail) => `${m.destination.to.join(',')} | ${m.subject} | ${m.attachments.map((a) => a.filename).join(',')}`;

export function crashScenario(stackOf: () => LocalStack) {
  const { admin, mails } = stackClient(stackOf);
  const stack = () => stackOf();
  const keyFor = (path: string) => (path.startsWith('/fulfilment/') ? stack().warehouseKey : path.startsWith('/finance/') ? stack().financeKey : stack().apiKey);

  /** A caller that sends the same request again while the answer is a 5xx (a crashed invocation is a 502). */
  async function call(method: string, path: string, body?: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; retried: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${stack().apiUrl}${path}`, { method, headers: { 'content-type': 'application/json', 'x-api-key': keyFor(path), ...headers }, ...(body !== undefined ? { body } : {}) });
      const parsed = (await res.json().catch(() => ({}))) as any;
      if (res.status < 500) return { status: res.status, body: parsed, retried: attempt > 0 };
      if (attempt >= 5) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(parsed)} after ${attempt + 1} attempts`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) => call('POST', path, typeof body === 'string' ? body : JSON.stringify(body), headers);
  const expectStatus = (what: string, r: { status: number; body: any }, ...ok: number[]) => {
    if (!ok.includes(r.status)) throw new Error(`${what}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const getItem = async (key: { pk: string; sk: string }) => (await stack().doc.send(new GetCommand({ TableName: stack().tableName, Key: key }))).Item;

  /** Nothing in any queue (visible or in flight), no invocation running, every workflow of the run ended. */
  async function quiet(ids: RunIds, what: string): Promise<void> {
    if (process.env.O2C_CRASH_TIMING) console.log(`${(performance.now() / 1000).toFixed(1)} s: ${what} done, waiting`);
    let calm = 0;
    await until(
      `the stack quiet after ${what} (${ids.tag})`,
      async () => {
        const depths = await stack().queues.depths();
        const busy = depths.some((d) => !d.isDeadLetter && d.visible + d.inFlight > 0) || stack().host.active() > 0 || [ids.orderId, ids.webOrderId, ids.heldOrderId].some((o) => o && stack().sfn.executions.get(o)?.status === 'RUNNING');
        calm = busy ? 0 : calm + 1;
        return calm >= 2;
      },
      STEP_MS,
    );
  }

  async function scanAll(): Promise<Map<string, Item>> {
    const items = new Map<string, Item>();
    let start: Item | undefined;
    do {
      const r = await stack().doc.send(new ScanCommand({ TableName: stack().tableName, ExclusiveStartKey: start }));
      for (const i of r.Items ?? []) items.set(`${i.pk}|${i.sk}`, i);
      start = r.LastEvaluatedKey;
    } while (start);
    return items;
  }

  const deadLetterDepths = async () => new Map((await stack().queues.depths()).filter((d) => d.isDeadLetter).map((d) => [d.queue, d.visible + d.inFlight]));
  const stripeSnapshot = () => ({ refunds: stack().stripe.refunds.length, links: stack().stripe.paymentLinks.length });

  async function run(tag: string, index: number): Promise<RunResult> {
    const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
    const ids: RunIds = { tag, email: `buyer-${tag}@crash.example`, webEmail: `web-${tag}@crash.example`, heldEmail: `held-${tag}@crash.example`, reportDate: day(today, -(index + 1)) };
    const before = await scanAll();
    const mailsBefore = (await mails()).length;
    const deadBefore = await deadLetterDepths();
    const stripeBefore = stripeSnapshot();

    // 1. The B2B customer.
    const created = await post('/finance/customers', { email: ids.email, name: `Crash Test ${tag} Ltd`, creditLimit: { amount: 100_000, currency: 'GBP' } });
    expectStatus('create the customer', created, 201, ...(created.retried ? [409] : []));
    // 2. Its order, on terms, through the whole workflow.
    const draft = { externalId: `CR-${tag}`, reference: `CR-${tag}`, customer: { email: ids.email, name: `Crash Test ${tag} Ltd` }, currency: 'GBP', paymentMode: 'terms', shippingAddress: { line1: '1 Market Street', city: 'York', country: 'GB' }, lines: [{ sku: 'MUG-01', description: 'Stoneware mug, 350 ml', quantity: 2, unitPrice: 1250, taxRatePpm: 200_000 }] };
    ids.orderId = expectStatus('post the order', await post('/orders', draft, { 'idempotency-key': `order-${tag}` }), 202).orderId as string;
    const invoiced = await until(`order ${tag} invoiced`, async () => {
      const o = await getItem(Keys.order(ids.orderId!));
      return o?.status === 'invoiced' && o.invoiceNumber ? o : undefined;
    }, STEP_MS);
    ids.invoiceNumber = invoiced.invoiceNumber as string;
    await quiet(ids, 'the order');
    // 3. A customer whose limit (£25) the same order (£30) exceeds within the review band: held; finance rejects it.
    const heldCustomer = await post('/finance/customers', { email: ids.heldEmail, name: `Held ${tag} Ltd`, creditLimit: { amount: 2_500, currency: 'GBP' } });
    expectStatus('create the held customer', heldCustomer, 201, ...(heldCustomer.retried ? [409] : []));
    const heldDraft = { ...draft, externalId: `HD-${tag}`, reference: `HD-${tag}`, customer: { email: ids.heldEmail, name: `Held ${tag} Ltd` } };
    ids.heldOrderId = expectStatus('post the held order', await post('/orders', heldDraft, { 'idempotency-key': `held-${tag}` }), 202).orderId as string;
    // Finance decides when asked: once the review's email is in the mailbox (a decision before it would rightly leave
    // a redelivered request unsent — the review it asks for has ended).
    await until(`the credit review of HD-${tag} asked`, async () => (await mails()).some((m) => m.subject.includes(`HD-${tag}`) && /credit review/i.test(m.subject)), STEP_MS);
    await decideReview(ids.heldOrderId, { decision: 'reject', reason: 'credit-limit', note: 'over the limit on a first order' });
    await until(`order HD-${tag} rejected`, async () => (await getItem(Keys.order(ids.heldOrderId!)))?.status === 'rejected', STEP_MS);
    await quiet(ids, 'the held order');
    // 4. A credit note of £6.00.
    const cn = await post(`/finance/invoices/${ids.invoiceNumber}/credit-notes`, { amount: { amount: 600, currency: 'GBP' }, reason: 'one mug arrived chipped' }, { 'idempotency-key': `cn-${tag}` });
    ids.creditNoteNumber = expectStatus('issue the credit note', cn, 201).creditNoteNumber as string;
    await quiet(ids, 'the credit note');
    // 5. Dunning on the due date + 21 days: a letter, and the statutory fee.
    const invoice = (await getItem(Keys.invoice(ids.invoiceNumber)))!;
    const booked = invoice.issueDate as string;
    expectStatus('run dunning', await post(`/_local/schedules/dunning?asOf=${day(invoice.dueDate as string, 21)}`, {}), 200);
    await quiet(ids, 'dunning');
    // 6. A bank statement paying what is owed now.
    const owed = (await getItem(Keys.invoice(ids.invoiceNumber)))!.balance as number;
    const amount = (owed / 100).toFixed(2);
    const camt = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>MSG-${tag}</MsgId><CreDtTm>${booked}T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>STMT-${tag}</Id><ElctrncSeqNb>1</ElctrncSeqNb><Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id><Ccy>GBP</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${booked}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">${((100_000 + owed) / 100).toFixed(2)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${booked}</Dt></Dt></Bal>
<Ntry><Amt Ccy="GBP">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${booked}</Dt></BookgDt><AcctSvcrRef>ENTRY-${tag}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Crash Test ${tag} Ltd</Nm></Dbtr></RltdPties><RmtInf><Ustrd>Payment ${ids.invoiceNumber}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`;
    const imported = expectStatus('import the bank statement', await post('/finance/bank-statements', camt, { 'content-type': 'application/xml' }), 202);
    await until(`statement ${tag} applied`, async () => (await call('GET', `/finance/bank-statements/${imported.importId}`)).body.status === 'applied', STEP_MS);
    await until(`invoice ${tag} paid`, async () => (await getItem(Keys.invoice(ids.invoiceNumber!)))?.status === 'paid', STEP_MS);
    await quiet(ids, 'the bank import');
    // 7. £5.00 more, by a transfer finance records for the customer: unapplied cash.
    expectStatus('record the transfer', await post('/finance/payments', { externalId: `TRANSFER-${tag}`, amount: 500, currency: 'GBP', receivedOn: booked, remittance: 'on account', customerId: invoice.customerId }, { 'idempotency-key': `pay-${tag}` }), 202, 201, 200);
    await quiet(ids, 'the transfer');
    // 8. A prepaid Stripe checkout the warehouse refuses: rejected, stock back, refunded at Stripe.
    stack().warehouse.refuse(`WEB-${tag}`, 'not stocked at this site');
    ids.webOrderId = expectStatus('deliver the Stripe checkout', await postStripeCheckout(tag, ids.webEmail), 202).orderId as string;
    await until(`order WEB-${tag} rejected`, async () => (await getItem(Keys.order(ids.webOrderId!)))?.status === 'rejected', STEP_MS);
    await quiet(ids, 'the refused checkout');
    // 9. The daily flash, as of a day of this run's own (a report is mailed once per kind and day).
    expectStatus('run the report', await post(`/_local/schedules/report?kind=flash&asOf=${ids.reportDate}`, {}), 200);
    await quiet(ids, 'the report');

    const after = await scanAll();
    const newMails = (await mails()).slice(mailsBefore);
    const state = normalise(ids, before, after, newMails, stripeBefore, [...(await deadLetterDepths())].filter(([q, n]) => n > (deadBefore.get(q) ?? 0)).map(([q, n]) => `${q}: +${n - (deadBefore.get(q) ?? 0)}`));
    const numbers = (prefix: string) => [...after.values()].filter((i) => !before.has(`${i.pk}|${i.sk}`)).flatMap((i) => (i.type === prefix ? [String(i.number)] : []));
    return { ids, state, invoiceNumbers: numbers('Invoice'), creditNoteNumbers: numbers('CreditNote') };
  }

  /**
   * Finance's decision on a held order, as a person at `o2c credit decide` would send it: again while the review is
   * "not open yet" (request-credit-review has not kept the wait's token), and again on a 5xx. Once an attempt was
   * answered 5xx (decide-credit died after a side effect), a 409 that the review has ended or the order is no longer
   * on hold means that attempt's decision was taken; anything else but a 200 is a failure.
   */
  async function decideReview(orderId: string, decision: Record<string, string>): Promise<void> {
    let crashed = false;
    await until(
      `the credit decision on ${orderId}`,
      async () => {
        const r = await call('POST', `/finance/orders/${orderId}/credit-decision`, JSON.stringify(decision));
        crashed ||= r.retried;
        const code = r.status === 409 ? String(r.body?.error) : '';
        if (r.status === 200 || (crashed && /NotOnHold|ReviewClosed/.test(code))) return true;
        if (/ReviewNotOpen/.test(code)) return undefined;
        throw new Error(`the credit decision: HTTP ${r.status} ${JSON.stringify(r.body)}`);
      },
      STEP_MS,
    );
  }

  async function postStripeCheckout(tag: string, email: string) {
    const session = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/stripe/checkout-session-completed-gbp.json'), 'utf8'));
    const object = {
      ...session.data.object,
      id: `cs_test_${tag}`,
      client_reference_id: `WEB-${tag}`,
      payment_intent: `pi_${tag}`,
      customer_details: { ...session.data.object.customer_details, email, name: `Web ${tag}` },
      amount_subtotal: 1250,
      amount_total: 1250,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      line_items: { data: [{ description: 'Stoneware mug, 350 ml', quantity: 1, amount_subtotal: 1250, amount_discount: 0, amount_tax: 0, price: { id: 'MUG-01', unit_amount: 1250 } }] },
    };
    const body = JSON.stringify({ ...session, id: `evt_${tag}`, created: Math.floor(Date.now() / 1000), data: { object } });
    const secret = process.env.O2C_STRIPE_WEBHOOK_SECRET || DEV_SECRETS.O2C_STRIPE_WEBHOOK_SECRET;
    for (let attempt = 0; ; attempt++) {
      const t = Math.floor(Date.now() / 1000); // Stripe signs each delivery anew
      const signature = `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
      const res = await fetch(`${stack().apiUrl}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
      const parsed = (await res.json().catch(() => ({}))) as any;
      if (res.status < 500 || attempt >= 5) return { status: res.status, body: parsed };
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  function normalise(ids: RunIds, before: Map<string, Item>, after: Map<string, Item>, newMails: Mail[], stripeBefore: { refunds: number; links: number }, deadLetters: string[]): NormalisedState {
    // Whole ids only: the run's tag (`r5`) also turns up inside random ids (a Stripe refund's `re_…r5…`).
    const whole = (id: string) => new RegExp(`(?<![0-9A-Za-z])${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z])`, 'g');
    const roles = (
      [
        [ids.invoiceNumber, '<INV>'],
        [ids.creditNoteNumber, '<CN>'],
        [ids.orderId, '<order>'],
        [ids.webOrderId, '<web-order>'],
        [ids.heldOrderId, '<held-order>'],
        [ids.reportDate, '<report-date>'],
        [ids.tag, '<run>'],
      ] as const
    ).flatMap(([id, role]) => (id ? [[whole(id), role] as const] : []));
    const text = (s: string): string => {
      let out = s;
      for (const [id, role] of roles) out = out.replace(id, role);
      return out
        .replace(/RF\d\d[0-9A-Z<>a-z-]+/g, '<RF>')
        .replace(/\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?/g, '<time>')
        .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uuid>')
        .replace(/\b[0-9a-f]{16,}\b/g, '<hash>')
        .replace(/\bLOCAL\d+GB\b/g, '<tracking>')
        .replace(/\bses-\d+\b/g, '<ses-message>')
        // Shards picked by a hash of an id (the import counter by payment, the dunning run's worklist by customer).
        .replace(/^COUNT#\d+$/, 'COUNT#<k>')
        .replace(/^WORKLIST#\d+#/, 'WORKLIST#<shard>#')
        .replace(/^o2c-local#\S+$/, '<idempotency-key>')
        .replace(/\b([a-z]{2,6})_[0-9A-Za-z]{8,}\b/g, '<$1>');
    };
    const value = (v: unknown, key?: string): unknown => {
      if (key === 'expiration' || key === 'in_progress_expiration') return '<ttl>';
      if (key === 'sequence' && typeof v === 'number') return '<sequence>'; // the number's place in its series: the gapless check's
      if (key === 'trackingNumber') return '<tracking>';
      if (key === 'shard' && typeof v === 'number') return '<shard>';
      if (typeof v === 'string') return text(v);
      if (Array.isArray(v)) return v.map((x) => value(x));
      if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b)).map(([k, x]) => [k, value(x, k)]));
      return v;
    };
    const added: string[] = [];
    const changed: string[] = [];
    for (const [key, item] of after) {
      if (MECHANISM.test(key)) continue;
      // Items every run adds to (the day's and month's totals, the invoice counters, stock): what the run added, as
      // differences of their numbers, whether or not an earlier run had created them.
      if (SHARED.test(key)) {
        const old = before.get(key) ?? {};
        const diff = Object.entries(item).filter(([k, v]) => typeof v === 'number' && v !== (old[k] ?? 0)).map(([k, v]) => [k, v - (old[k] ?? 0)] as const).sort(([a], [b]) => a.localeCompare(b));
        if (diff.length > 0) changed.push(`${text(key)} ${JSON.stringify(Object.fromEntries(diff))}`);
        continue;
      }
      const old = before.get(key);
      if (!old) {
        added.push(JSON.stringify(value(item)));
        continue;
      }
      if (JSON.stringify(old) === JSON.stringify(item)) continue;
      // An item that was there before (stock, counters, the day's totals): what changed, numbers as differences.
      const diff: Record<string, unknown> = {};
      for (const k of new Set([...Object.keys(old), ...Object.keys(item)])) {
        const [a, b] = [old[k], item[k]];
        if (JSON.stringify(a) === JSON.stringify(b)) continue;
        diff[k] = typeof a === 'number' && typeof b === 'number' ? { delta: b - a } : value(b, k);
      }
      changed.push(`${text(key)} ${JSON.stringify(value(diff))}`);
    }
    const orders = [ids.orderId!, ids.webOrderId!, ids.heldOrderId!].map((o) => {
      const e = stack().sfn.executions.get(o);
      return `${text(o)}: ${after.get(`${Keys.order(o).pk}|${Keys.order(o).sk}`)?.status} / ${e?.status}${e?.error ? ` (${e.error}: ${text(e.cause ?? '')})` : ''}`;
    });
    const mails = newMails.map((m) => text(mailLine(m))).filter((m) => !DAILY_MAIL.test(m));
    const stripe = [
      ...stack().stripe.refunds.slice(stripeBefore.refunds).map((r: any) => text(`refund ${r.amount} ${r.currency} ${r.payment_intent} ${r.status}`)),
      ...stack().stripe.paymentLinks.slice(stripeBefore.links).map((l: any) => text(`payment link ${l.amount} ${l.currency} ${JSON.stringify(l.metadata)}`)),
    ];
    return { orders, added: added.sort(), changed: changed.sort(), mails: mails.sort(), stripe: stripe.sort(), deadLetters };
  }

  return { run, quiet, mails };
}
