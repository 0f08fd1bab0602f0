/**
 * The finance API on DynamoDB Local (the payments queue mocked): customers and
 * their credit limits, credit notes and write-offs on real invoices, cash
 * recorded by hand, unapplied cash applied and paid back, statements as of a
 * day (JSON and PDF), the audit trail each leaves, and who may call it.
 *
 * The routes run as the handler wires them, and the handler binds its table
 * once, at import: so this file has one table, bound before the import, and
 * emptied before each test (rather than a fresh table per test). Invoices are
 * issued by use-cases/issue-invoice on the same table, from shipped orders.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repositories } from '../../functions/adapters/repositories.ts';
import { Keys, OPEN_INDEX_ATTRIBUTES } from '../../functions/adapters/table-schema.ts';
import { customerId as customerIdOf, paymentId as paymentIdOf } from '../../functions/domain/ids.ts';
import { isBalanced } from '../../functions/domain/ledger.ts';
import type { Invoice, JournalEntry } from '../../functions/domain/model.ts';
import type { Customers } from '../../functions/ports.ts';
import { runRoute } from '../../functions/runtime/http.ts';
import { applyPayment } from '../../functions/use-cases/apply-payment.ts';
import { issueInvoice } from '../../functions/use-cases/issue-invoice.ts';
import { pdfText } from '../support/pdf-text.ts';
import { validateXsd } from '../support/ubl-validator.ts';
import { apiEvent } from '../support/api-event.ts';
import { setTestBindings, TEST_API_KEY, TEST_FINANCE_KEY, TEST_WAREHOUSE_KEY } from '../support/bindings.ts';
import { dynamoDeps } from '../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';
import { putCustomer, putOrder, testCustomer, testOrder } from '../support/orders.ts';

const sqs = mockClient(SQSClient);
let mod: typeof import('../../functions/handlers/finance.ts');
let cash: typeof import('../../functions/handlers/finance-cash.ts');

const PAYMENTS_QUEUE = 'q/payments';
const IAM_CALLER = 'arn:aws:iam::123456789012:user/finance-clerk';
const gbp = (amount: number) => ({ amount, currency: 'GBP' });

interface Call {
  body?: unknown;
  query?: Record<string, string>;
  path?: Record<string, string>;
  headers?: Record<string, string>;
  /** The x-api-key to present (the finance key unless given; null: none). */
  key?: string | null;
  callerArn?: string;
}

describe('finance API (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;

  beforeAll(async () => {
    table = await ddb.createTable();
    setTestBindings({ TABLE_NAME: table, PAYMENTS_QUEUE_URL: PAYMENTS_QUEUE });
    mod = await import('../../functions/handlers/finance.ts');
    cash = await import('../../functions/handlers/finance-cash.ts');
  });
  beforeEach(async () => {
    const left = (await ddb.doc().send(new ScanCommand({ TableName: table, ConsistentRead: true, ProjectionExpression: 'pk, sk' }))).Items ?? [];
    await Promise.all(left.map((key) => ddb.doc().send(new DeleteCommand({ TableName: table, Key: { pk: key.pk, sk: key.sk } }))));
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
  });

  const call = async (routeKey: string, o: Call = {}) => {
    const headers = { ...(o.key === null ? {} : { 'x-api-key': o.key ?? TEST_FINANCE_KEY }), ...o.headers };
    const event = apiEvent(routeKey, o.body === undefined ? '' : o.body, { headers, pathParameters: o.path ?? {}, ...(o.callerArn ? { callerArn: o.callerArn } : {}) });
    const res = await runRoute((mod.routes[routeKey] ?? cash.routes[routeKey])!, o.query ? { ...event, queryStringParameters: o.query } : event);
    if (res.isBase64Encoded) return { status: res.statusCode, headers: res.headers, pdf: Buffer.from(res.body!, 'base64'), body: undefined };
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
  /** Every item, in key order (so two scans compare equal when nothing was written). */
  const items = async () =>
    ((await ddb.doc().send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? []).sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
  const item = async (key: { pk: string; sk: string }) => (await ddb.doc().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  const invoiceItem = async (number: string) => (await item(Keys.invoice(number))) as (Invoice & { credited?: number; version: number } & Record<string, unknown>) | undefined;
  const journal = async (id: string) => (await item(Keys.journal(id))) as (JournalEntry & Record<string, unknown>) | undefined;
  const trail = async (entity: string) => (await call('GET /finance/audit', { query: { entity } })).body.entries as { action: string; actor: string; before?: Record<string, unknown>; after?: Record<string, unknown>; reason?: string }[];
  const sent = () => sqs.commandCalls(SendMessageCommand).filter((c) => c.args[0].input.QueueUrl === PAYMENTS_QUEUE).map((c) => JSON.parse(c.args[0].input.MessageBody!));
  const arCredit = (entry: JournalEntry | undefined) => (entry?.lines ?? []).filter((l) => l.account === 'accounts_receivable' && l.side === 'credit').reduce((s, l) => s + l.amount, 0);

  /** Issues invoices for `n` shipped orders (testOrder: £38.98 = 28.99 goods + 4.99 shipping + 5.00 tax) and returns their numbers. */
  const issueInvoices = async (n: number): Promise<string[]> => {
    const { deps } = dynamoDeps(table, { now: '2026-11-22T10:00:00.000Z' });
    const numbers: string[] = [];
    for (let i = 1; i <= n; i++) {
      await putOrder(ddb.doc(), table, testOrder(`ord_${i}`));
      numbers.push((await issueInvoice({ orderId: `ord_${i}` }, deps)).invoiceNumber);
    }
    return numbers;
  };
  const creditNote = (number: string, amount: number, reason = 'damaged in transit', currency = 'GBP') =>
    call('POST /finance/invoices/{number}/credit-notes', { path: { number }, body: { amount: { amount, currency }, reason } });
  const writeOff = (number: string, reason = 'customer insolvent') => call('POST /finance/invoices/{number}/write-off', { path: { number }, body: { reason } });

  describe('customers', () => {
    const acme = { email: 'Buyer@Acme.example', name: 'Acme Ltd', creditLimit: gbp(250_000) };
    const acmeId = customerIdOf('-', 'buyer@acme.example');

    it('creates a customer under the id intake derives (shop "-" + email); the same email again is a 409 naming the id and writes nothing', async () => {
      expect(await call('POST /finance/customers', { body: acme })).toEqual({ status: 201, body: { customerId: acmeId } });
      const before = await items();
      const again = await call('POST /finance/customers', { body: { ...acme, email: 'BUYER@acme.example', name: 'Impostor', creditLimit: gbp(9_999_999) } });
      expect(again).toMatchObject({ status: 409, body: { error: 'CustomerExists', message: expect.stringContaining(acmeId) } });
      expect(await items()).toEqual(before);
      expect(await item(Keys.customer(acmeId))).toMatchObject({ name: 'Acme Ltd', creditLimit: 250_000, version: 1 });
    });

    it('finds a customer by email (any case) with money as {amount, currency}; an unknown email is a 404, no email a 422', async () => {
      await call('POST /finance/customers', { body: acme });
      const found = await call('GET /finance/customers', { query: { email: 'buyer@ACME.example' } });
      expect(found).toEqual({
        status: 200,
        body: expect.objectContaining({ customerId: acmeId, shop: '-', name: 'Acme Ltd', email: 'buyer@acme.example', currency: 'GBP', creditLimit: gbp(250_000), dunningExempt: false }),
      });
      expect(found.body).not.toHaveProperty('pk');
      expect(found.body).not.toHaveProperty('version');
      expect(await call('GET /finance/customers', { query: { email: 'nobody@acme.example' } })).toMatchObject({ status: 404, body: { error: 'CustomerNotFound' } });
      const missing = await call('GET /finance/customers', { query: {} });
      expect(missing).toMatchObject({ status: 422, body: { error: 'ValidationFailed' } });
      expect(missing.body.issues).toEqual([expect.objectContaining({ path: 'email' })]);
    });

    it('sets the credit limit (200) and the audit trail shows the create, then the update with the limit before and after', async () => {
      await call('POST /finance/customers', { body: acme });
      const patched = await call('PATCH /finance/customers/{customerId}', { path: { customerId: acmeId }, body: { creditLimit: gbp(500_000), reason: 'trade references checked' } });
      expect(patched).toMatchObject({ status: 200, body: { customerId: acmeId, creditLimit: gbp(500_000) } });
      expect(await item(Keys.customer(acmeId))).toMatchObject({ creditLimit: 500_000, version: 2 });
      expect(await trail(`customer:${acmeId}`)).toEqual([
        expect.objectContaining({ action: 'customer.create', actor: 'finance key', after: expect.objectContaining({ email: 'buyer@acme.example', creditLimit: { amount: 250_000, currency: 'GBP' } }) }),
        expect.objectContaining({ action: 'customer.update', actor: 'finance key', before: { creditLimit: { amount: 250_000, currency: 'GBP' } }, after: { creditLimit: { amount: 500_000, currency: 'GBP' } }, reason: 'trade references checked' }),
      ]);
    });

    it('refuses a credit limit in another currency (409 CurrencyMismatch) and writes nothing', async () => {
      await call('POST /finance/customers', { body: acme });
      const before = await items();
      const res = await call('PATCH /finance/customers/{customerId}', { path: { customerId: acmeId }, body: { creditLimit: { amount: 500_000, currency: 'EUR' } } });
      expect(res).toMatchObject({ status: 409, body: { error: 'CurrencyMismatch', message: expect.stringContaining('GBP') } });
      expect(await items()).toEqual(before);
    });

    it('two concurrent PATCHes that read the same version: one wins (200), the loser is a 503 that says why, and only the winner is stored and audited', async () => {
      await call('POST /finance/customers', { body: acme });
      // Both requests read the customer before either writes: the race the version guard exists for.
      const real = mod.deps.customers;
      let arrived = 0;
      let release!: () => void;
      const bothRead = new Promise<void>((r) => (release = r));
      const racing: Customers = {
        ...real,
        get: async (id) => {
          const read = await real.get(id);
          if (++arrived === 2) release();
          await bothRead;
          return read;
        },
      };
      mod.deps.customers = racing;
      let answers: Awaited<ReturnType<typeof call>>[];
      try {
        answers = await Promise.all([600_000, 700_000].map((amount) => call('PATCH /finance/customers/{customerId}', { path: { customerId: acmeId }, body: { creditLimit: gbp(amount) } })));
      } finally {
        mod.deps.customers = real;
      }
      const won = answers.filter((a) => a.status === 200);
      const lost = answers.filter((a) => a.status !== 200);
      expect(won).toHaveLength(1);
      expect(lost).toEqual([{ status: 503, body: { error: 'ConcurrentUpdate', message: expect.stringContaining(acmeId) } }]);
      const stored = await item(Keys.customer(acmeId));
      expect([600_000, 700_000]).toContain(stored!.creditLimit);
      expect(stored).toMatchObject({ creditLimit: won[0]!.body.creditLimit.amount, version: 2 });
      const updates = (await trail(`customer:${acmeId}`)).filter((e) => e.action === 'customer.update');
      expect(updates).toEqual([expect.objectContaining({ after: { creditLimit: { amount: stored!.creditLimit, currency: 'GBP' } } })]);
    });
  });

  describe('credit notes', () => {
    it('issues CN-<year>-000001 with tax in proportion: the balance drops, a balanced entry is posted, the counter moves to 1 and the invoice is audited', async () => {
      const [number] = (await issueInvoices(1)) as [string];
      expect((await invoiceItem(number))!.balance).toBe(3898);
      const res = await creditNote(number, 1000);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        creditNoteNumber: expect.stringMatching(/^CN-\d{4}-000001$/),
        invoiceNumber: number,
        total: gbp(1000),
        // tax 5.00 of 38.98: 1000 × 500 / 3898 = 128.27 → 128 (goods 744, shipping 128 take the rest)
        tax: gbp(128),
        appliedToInvoice: gbp(1000),
        customerCredit: gbp(0),
      });
      const cn = res.body.creditNoteNumber as string;
      const year = Number(cn.slice(3, 7));
      expect(await invoiceItem(number)).toMatchObject({ balance: 2898, credited: 1000, status: 'open', version: 2 });
      expect(await item(Keys.creditNote(number, cn))).toMatchObject({ type: 'CreditNote', number: cn, net: 744, shipping: 128, tax: 128, total: 1000 });
      const entry = await journal(`cn-${cn}`);
      expect(entry).toBeDefined();
      expect(isBalanced(entry!)).toBe(true);
      expect(entry!.lines).toEqual(
        expect.arrayContaining([
          { account: 'revenue', side: 'debit', amount: 744 },
          { account: 'shipping_revenue', side: 'debit', amount: 128 },
          { account: 'tax_payable', side: 'debit', amount: 128 },
          { account: 'accounts_receivable', side: 'credit', amount: 1000 },
        ]),
      );
      expect(entry!.lines).toHaveLength(4);
      expect(await item(Keys.invoiceCounter('CN', year))).toMatchObject({ seq: 1 });
      expect(await trail(`invoice:${number}`)).toEqual([
        expect.objectContaining({ action: 'invoice.credit-note', actor: 'finance key', before: expect.objectContaining({ balance: { amount: 3898, currency: 'GBP' } }), after: expect.objectContaining({ balance: { amount: 2898, currency: 'GBP' }, creditNote: cn, amount: { amount: 1000, currency: 'GBP' } }), reason: 'damaged in transit' }),
      ]);
    });

    it('refuses more than is left to credit (409) and writes nothing — not even a number', async () => {
      const [number] = (await issueInvoices(1)) as [string];
      const first = await creditNote(number, 1000);
      const before = await items();
      expect(await creditNote(number, 2899)).toMatchObject({ status: 409, body: { error: 'CreditExceedsInvoice' } });
      expect(await items()).toEqual(before);
      // Exactly what is left is still creditable, under the next number.
      const rest = await creditNote(number, 2898);
      expect(rest.status).toBe(201);
      expect(rest.body.creditNoteNumber).toBe((first.body.creditNoteNumber as string).replace(/1$/, '2'));
      expect(await invoiceItem(number)).toMatchObject({ balance: 0, status: 'paid', credited: 3898 });
    });

    it('refuses a credit note in another currency (409) and one on an unknown invoice (404), writing nothing', async () => {
      const [number] = (await issueInvoices(1)) as [string];
      const before = await items();
      expect(await creditNote(number, 1000, 'x', 'EUR')).toMatchObject({ status: 409, body: { error: 'CurrencyMismatch' } });
      expect(await creditNote('INV-2026-999999', 1000)).toMatchObject({ status: 404, body: { error: 'InvoiceNotFound' } });
      expect(await items()).toEqual(before);
    });

    it('numbers 12 concurrent credit notes on 12 invoices 1..12 with no gap and no duplicate', async () => {
      const numbers = await issueInvoices(12);
      const answers = await Promise.all(numbers.map((n) => creditNote(n, 500)));
      expect(answers.map((a) => a.status)).toEqual(Array(12).fill(201));
      const issued = answers.map((a) => a.body.creditNoteNumber as string);
      const year = issued[0]!.slice(3, 7);
      expect([...issued].sort()).toEqual(Array.from({ length: 12 }, (_, i) => `CN-${year}-${String(i + 1).padStart(6, '0')}`));
      expect(answers.map((a) => a.body.invoiceNumber).sort()).toEqual([...numbers].sort());
      expect(await item(Keys.invoiceCounter('CN', Number(year)))).toMatchObject({ seq: 12 });
      const all = await items();
      expect(all.filter((i) => i.type === 'CreditNote')).toHaveLength(12);
      for (const n of numbers) expect(await invoiceItem(n)).toMatchObject({ balance: 3398, credited: 500 });
      // 12 racing for one counter: ~78 transactions, each with its aggregate items (day, month, since inception, and
      // the current AR booked ahead to the day after the due date), one at a time on DynamoDB Local on 2 shared cores.
    }, 90_000);

    it('two concurrent credit notes on one invoice that together exceed what is left: exactly one 201, the other 409, the balance never below 0', async () => {
      const [number] = (await issueInvoices(1)) as [string];
      const answers = await Promise.all([creditNote(number, 2000, 'first'), creditNote(number, 2500, 'second')]);
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
      const won = answers.find((a) => a.status === 201)!;
      expect(answers.find((a) => a.status === 409)!.body).toMatchObject({ error: 'CreditExceedsInvoice' });
      const stored = await invoiceItem(number);
      expect(stored!.balance).toBe(3898 - won.body.total.amount);
      expect(stored!.balance).toBeGreaterThanOrEqual(0);
      const all = await items();
      expect(all.filter((i) => i.type === 'CreditNote')).toHaveLength(1);
      expect(all.filter((i) => i.type === 'JournalEntry' && String(i.id).startsWith('cn-'))).toHaveLength(1);
      expect(won.body.creditNoteNumber).toMatch(/-000001$/);
    });
  });

  describe('credit notes with an Idempotency-Key', () => {
    it('a retried request, even five at once, yields one credit note and one number; another body under the key is a 409', async () => {
      const [number] = await issueInvoices(1);
      const body = { amount: gbp(1000), reason: 'damaged in transit' };
      const post = (b: unknown) => call('POST /finance/invoices/{number}/credit-notes', { path: { number: number! }, body: b, headers: { 'idempotency-key': 'cn-retry-1' } });
      const first = await post(body);
      expect(first.status).toBe(201);
      const retries = await Promise.all(Array.from({ length: 5 }, () => post(body)));
      expect(retries.map((r) => [r.status, r.body.creditNoteNumber])).toEqual(Array.from({ length: 5 }, () => [201, first.body.creditNoteNumber]));
      expect(await invoiceItem(number!)).toMatchObject({ balance: 2898, credited: 1000 });
      expect((await item(Keys.invoiceCounter('CN', Number(first.body.creditNoteNumber.slice(3, 7)))))!.seq).toBe(1);
      expect(await post({ ...body, reason: 'something else' })).toMatchObject({ status: 409, body: { error: 'IdempotencyKeyReused' } });
    });

    it('two first requests under one key racing: one issues, the other answers with the same note', async () => {
      const [number] = await issueInvoices(1);
      const body = { amount: gbp(500), reason: 'late delivery' };
      const post = () => call('POST /finance/invoices/{number}/credit-notes', { path: { number: number! }, body, headers: { 'idempotency-key': 'cn-race-1' } });
      const [a, b] = await Promise.all([post(), post()]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.creditNoteNumber).toBe(b.body.creditNoteNumber);
      expect(await invoiceItem(number!)).toMatchObject({ balance: 3398, credited: 500 });
    });
  });

  describe('write-offs', () => {
    it('writes the open balance off to bad debt: written_off, out of the open-by-due index, a balanced entry; a second write-off is a 409', async () => {
      const [number] = (await issueInvoices(1)) as [string];
      const { invoices } = repositories(table);
      expect((await invoices.openDueBefore('9999-12-31')).map((i) => i.number)).toEqual([number]);
      await creditNote(number, 1000);
      const res = await writeOff(number);
      expect(res).toEqual({ status: 200, body: { invoiceNumber: number, status: 'written_off', writtenOff: gbp(2898) } });
      const stored = await invoiceItem(number);
      expect(stored).toMatchObject({ balance: 0, status: 'written_off', credited: 1000 });
      for (const attribute of OPEN_INDEX_ATTRIBUTES) expect(stored).not.toHaveProperty(attribute);
      expect(await invoices.openDueBefore('9999-12-31')).toEqual([]);
      const entry = await journal(`wo-${number}`);
      expect(isBalanced(entry!)).toBe(true);
      expect(entry!.lines).toEqual([
        { account: 'bad_debt', side: 'debit', amount: 2898 },
        { account: 'accounts_receivable', side: 'credit', amount: 2898 },
      ]);
      expect((await trail(`invoice:${number}`)).map((e) => e.action)).toEqual(['invoice.credit-note', 'invoice.write-off']);
      const before = await items();
      expect(await writeOff(number, 'again')).toMatchObject({ status: 409, body: { error: 'InvoiceClosed' } });
      expect(await creditNote(number, 100)).toMatchObject({ status: 409, body: { error: 'InvoiceClosed' } });
      expect(await items()).toEqual(before);
    });

    it('refuses to write off an invoice credited to nothing (409 NothingToWriteOff)', async () => {
      const [number] = (await issueInvoices(1)) as [string];
      await creditNote(number, 3898);
      expect(await writeOff(number)).toMatchObject({ status: 409, body: { error: 'NothingToWriteOff' } });
      expect(await journal(`wo-${number}`)).toBeUndefined();
    });

    it('a concurrent credit note and write-off on one invoice: the balance ends consistent with what was posted, never negative, and receivables are credited at most the original balance', async () => {
      const [number] = (await issueInvoices(1)) as [string];
      const [cn, wo] = await Promise.all([creditNote(number, 1000), writeOff(number)]);
      expect([201, 409]).toContain(cn.status);
      expect([200, 409, 503]).toContain(wo.status);
      expect(cn.status === 201 || wo.status === 200).toBe(true);
      const stored = (await invoiceItem(number))!;
      const cnEntry = cn.status === 201 ? await journal(`cn-${cn.body.creditNoteNumber}`) : undefined;
      const woEntry = await journal(`wo-${number}`);
      expect(woEntry === undefined).toBe(wo.status !== 200);
      const credited = arCredit(cnEntry) + arCredit(woEntry);
      expect(credited).toBeLessThanOrEqual(3898);
      expect(stored.balance).toBeGreaterThanOrEqual(0);
      expect(stored.balance).toBe(3898 - credited);
      if (wo.status === 200) expect(wo.body.writtenOff.amount).toBe(arCredit(woEntry));
      for (const entry of [cnEntry, woEntry]) if (entry) expect(isBalanced(entry)).toBe(true);
    });
  });

  describe('cash recorded by hand', () => {
    const cheque = { externalId: 'CHQ-1001', amount: 3898, currency: 'GBP', receivedOn: '2026-11-23', remittance: 'INV-2026-000001' };
    const pay = (body: unknown, headers: Record<string, string> = {}) => call('POST /finance/payments', { body, headers });

    it('audits a payment recorded four times at the same moment once (the entry is keyed by the action, not the time)', async () => {
      const paymentId = paymentIdOf('manual', 'CHQ-RACE');
      const answers = await Promise.all(Array.from({ length: 4 }, () => pay({ ...cheque, externalId: 'CHQ-RACE' })));
      expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
      expect((await trail(`payment:${paymentId}`)).map((e) => e.action)).toEqual(['payment.record']);
    });

    it('queues a manual payment (202 {paymentId}); the same Idempotency-Key and body get the same answer, another body a 409; audited once', async () => {
      const paymentId = paymentIdOf('manual', 'CHQ-1001');
      const first = await pay(cheque, { 'idempotency-key': 'chq-1' });
      expect(first).toEqual({ status: 202, body: { paymentId } });
      expect(await pay(cheque, { 'idempotency-key': 'chq-1' })).toEqual(first);
      expect(await pay({ ...cheque, amount: 3899 }, { 'idempotency-key': 'chq-1' })).toMatchObject({ status: 409, body: { error: 'IdempotencyKeyReused' } });
      // Each with its delivery, the request's key: a retry is the same delivery (apply-payment counts no duplicate absorbed).
      expect(sent()).toEqual([
        { ...cheque, source: 'manual', id: paymentId, deliveryId: expect.stringMatching(/^key:[0-9a-f]{64}$/) },
        { ...cheque, source: 'manual', id: paymentId, deliveryId: expect.stringMatching(/^key:[0-9a-f]{64}$/) },
      ]);
      expect(new Set(sent().map((m) => m.deliveryId)).size).toBe(1);
      const entries = await trail(`payment:${paymentId}`);
      expect(entries).toEqual([expect.objectContaining({ action: 'payment.record', actor: 'finance key', after: { ...cheque, source: 'manual' } })]);
    });

    it('records the payment as manual whatever source the body claims', async () => {
      const res = await pay({ ...cheque, source: 'stripe' });
      expect(res).toEqual({ status: 202, body: { paymentId: paymentIdOf('manual', 'CHQ-1001') } });
      expect(sent()).toEqual([expect.objectContaining({ source: 'manual', id: paymentIdOf('manual', 'CHQ-1001') })]);
    });

    it.each([
      ['an amount of 0', { ...cheque, amount: 0 }, 'amount'],
      ['an impossible date', { ...cheque, receivedOn: '2026-02-30' }, 'receivedOn'],
      ['no external id', { ...cheque, externalId: undefined }, 'externalId'],
    ])('refuses %s (422 naming the field), queues and writes nothing', async (_what, body, field) => {
      const res = await pay(body, { 'idempotency-key': 'bad-1' });
      expect(res).toMatchObject({ status: 422, body: { error: 'ValidationFailed' } });
      expect(res.body.issues.map((i: { path: string }) => i.path)).toContain(field);
      expect(sent()).toEqual([]);
      expect(await items()).toEqual([]);
    });
  });

  describe('unapplied cash and statements', () => {
    /** Applies a bank payment as apply-payment would (the queue is mocked here), on the day it arrives. */
    const receive = async (id: string, amount: number, extra: { remittance?: string; customerId?: string; receivedOn?: string } = {}) => {
      const { deps } = dynamoDeps(table, { now: `${extra.receivedOn ?? '2026-11-23'}T12:00:00.000Z` });
      await applyPayment({ id, source: 'bank', externalId: `BANK-${id}`, amount, currency: 'GBP', receivedOn: extra.receivedOn ?? '2026-11-23', ...(extra.remittance ? { remittance: extra.remittance } : {}), ...(extra.customerId ? { customerId: extra.customerId } : {}) }, deps);
    };
    const allocate = (paymentId: string, invoiceNumber: string, amount: number, headers: Record<string, string> = {}) =>
      call('POST /finance/payments/{paymentId}/allocations', { path: { paymentId }, body: { invoiceNumber, amount: gbp(amount) }, headers });
    const statement = (customerId: string, asOf?: string, headers: Record<string, string> = {}) =>
      call('GET /finance/customers/{customerId}/statement', { path: { customerId }, ...(asOf ? { query: { asOf } } : {}), headers });

    it('an over-payment\'s remainder is its customer\'s: listed by customer, applied to their next invoice in one transaction (payment, invoice, entry, audit), never beyond what is unapplied', async () => {
      const [a, b] = (await issueInvoices(2)) as [string, string];
      await receive('pay_over', 5000, { remittance: a });
      expect(await item(Keys.payment('pay_over'))).toMatchObject({ customerId: 'cus_1', unapplied: 1102, ...Keys.paymentByCustomer('cus_1', '2026-11-23', 'pay_over') });
      const res = await allocate('pay_over', b, 1102);
      expect(res).toMatchObject({ status: 201, body: { paymentId: 'pay_over', unapplied: gbp(0), moves: [{ kind: 'allocation', invoiceNumber: b, amount: gbp(1102) }] } });
      expect(await invoiceItem(b)).toMatchObject({ balance: 3898 - 1102, status: 'partially_paid', version: 2, history: [{ kind: 'payment', amount: 1102, ref: 'pay_over' }] });
      const entry = (await journal('alloc-pay_over-1'))!;
      expect(isBalanced(entry)).toBe(true);
      expect((await trail('payment:pay_over')).map((e) => e.action)).toEqual(['payment.allocate']);
      const before = await items();
      expect(await allocate('pay_over', b, 1)).toMatchObject({ status: 409, body: { error: 'ExceedsUnappliedCash', message: 'payment BANK-pay_over has no unapplied cash left' } });
      expect(await items()).toEqual(before);
    });

    it('two concurrent allocations of the same cash to two invoices: one is written, the other finds the cash gone (409); the cash is never applied twice', async () => {
      const [a, b, c] = (await issueInvoices(3)) as [string, string, string];
      await receive('pay_over', 3898 + 2000, { remittance: a });
      const answers = await Promise.all([allocate('pay_over', b, 2000), allocate('pay_over', c, 2000)]);
      expect(answers.map((r) => r.status).sort()).toEqual([201, 409]);
      const balances = [(await invoiceItem(b))!.balance, (await invoiceItem(c))!.balance].sort();
      expect(balances).toEqual([1898, 3898]);
      expect(await item(Keys.payment('pay_over'))).toMatchObject({ unapplied: 0, applications: [expect.objectContaining({ amount: 2000 })] });
    });

    it('a retried allocation under one Idempotency-Key applies once and answers the same', async () => {
      const [a, b] = (await issueInvoices(2)) as [string, string];
      await receive('pay_over', 5000, { remittance: a });
      const first = await allocate('pay_over', b, 500, { 'idempotency-key': 'alloc-1' });
      const again = await Promise.all([allocate('pay_over', b, 500, { 'idempotency-key': 'alloc-1' }), allocate('pay_over', b, 500, { 'idempotency-key': 'alloc-1' })]);
      expect(again.map((r) => r.status)).toEqual([201, 201]);
      expect(again[0]!.body).toEqual(first.body);
      expect((await invoiceItem(b))!.balance).toBe(3398);
    });

    it('pays unowned cash back (Dr unapplied cash / Cr cash): it leaves the unassigned list; the unassigned list is read from the index', async () => {
      await receive('pay_anon', 1234);
      expect((await call('GET /finance/unapplied-cash')).body.payments.map((p: { paymentId: string }) => p.paymentId)).toEqual(['pay_anon']);
      const res = await call('POST /finance/payments/{paymentId}/refund', { path: { paymentId: 'pay_anon' }, body: { reason: 'not ours' } });
      expect(res).toMatchObject({ status: 200, body: { unapplied: gbp(0), moves: [{ kind: 'refund', amount: gbp(1234), reason: 'not ours' }] } });
      expect((await journal('refund-pay_anon-1'))!.lines).toEqual([
        { account: 'unapplied_cash', side: 'debit', amount: 1234 },
        { account: 'cash', side: 'credit', amount: 1234 },
      ]);
      expect((await call('GET /finance/unapplied-cash')).body.payments).toEqual([]);
      expect(await item(Keys.payment('pay_anon'))).not.toHaveProperty(OPEN_INDEX_ATTRIBUTES[0]);
      expect(await call('POST /finance/payments/{paymentId}/refund', { path: { paymentId: 'pay_nope' }, body: { reason: 'x' } })).toMatchObject({ status: 404 });
      expect(await call('POST /finance/payments/{paymentId}/refund', { path: { paymentId: 'pay_anon' }, body: {} })).toMatchObject({ status: 422 });
    });

    it('the statement as of a past day leaves out what came later; today it shows the credit note, the unapplied cash and the net balance; as a PDF it says the same', async () => {
      const [a, b] = (await issueInvoices(2)) as [string, string];
      await putCustomer(ddb.doc(), table, testCustomer('cus_1'));
      await putOrder(ddb.doc(), table, testOrder('ord_later'));
      const { deps } = dynamoDeps(table, { now: '2026-11-26T10:00:00.000Z' });
      const later = (await issueInvoice({ orderId: 'ord_later' }, deps)).invoiceNumber;
      await receive('pay_part', 1000, { remittance: a, receivedOn: '2026-11-24' });
      await receive('pay_over', 4000, { remittance: b, receivedOn: '2026-11-27' });
      await creditNote(a, 500);
      const past = await statement('cus_1', '2026-11-23');
      expect(past.status).toBe(200);
      expect(past.body.currencies[0].openItems.map((i: { invoiceNumber: string; balance: unknown }) => [i.invoiceNumber, i.balance])).toEqual([
        [a, gbp(3898)],
        [b, gbp(3898)],
      ]);
      expect(past.body.currencies[0]).toMatchObject({ creditNotes: [], unappliedCash: [], netBalance: gbp(7796) });
      const now = await statement('cus_1');
      const gbpNow = now.body.currencies[0];
      expect(gbpNow.openItems.map((i: { invoiceNumber: string; balance: unknown }) => [i.invoiceNumber, i.balance])).toEqual([
        [a, gbp(3898 - 1000 - 500)],
        [later, gbp(3898)],
      ]);
      expect(gbpNow).toMatchObject({ creditNotes: [{ creditNoteNumber: 'CN-2026-000001', invoiceNumber: a }], unappliedCash: [{ paymentId: 'pay_over', unapplied: gbp(102) }], netBalance: gbp(2398 + 3898 - 102) });
      const pdf = await statement('cus_1', undefined, { accept: 'application/pdf' });
      expect(pdf.status).toBe(200);
      expect(pdf.headers).toMatchObject({ 'content-type': 'application/pdf' });
      const text = pdfText(pdf.pdf!);
      expect(text).toContain('STATEMENT OF ACCOUNT');
      for (const s of [a, later, 'CN-2026-000001', '£23.98', '£61.94', 'Page 1 of 1']) expect(text).toContain(s);
      expect(text).not.toContain(b);
      expect(await statement('cus_nope')).toMatchObject({ status: 404 });
      expect(await statement('cus_1', '2026-02-30')).toMatchObject({ status: 422 });
    });
  });

  describe('e-invoices', () => {
    const buyer = { email: 'ap@nordlicht.example', name: 'Nordlicht GmbH', creditLimit: gbp(500_000) };
    const buyerId = customerIdOf('-', 'ap@nordlicht.example');

    it('finance sets a customer’s VAT number, Peppol id and e-invoice wish; a VAT number without its country prefix is a 422 and writes nothing', async () => {
      await call('POST /finance/customers', { body: buyer });
      const before = await items();
      const bad = await call('PATCH /finance/customers/{customerId}', { path: { customerId: buyerId }, body: { vatNumber: '123456789' } });
      expect(bad).toMatchObject({ status: 422, body: { issues: [expect.objectContaining({ path: 'vatNumber', message: expect.stringContaining('country prefix') })] } });
      expect(await items()).toEqual(before);
      const set = await call('PATCH /finance/customers/{customerId}', { path: { customerId: buyerId }, body: { vatNumber: 'de123456789', peppolId: { scheme: '0088', id: '7300010000001' }, eInvoice: true } });
      expect(set).toMatchObject({ status: 200, body: { vatNumber: 'DE123456789', peppolId: { scheme: '0088', id: '7300010000001' }, eInvoice: true } });
    });

    it('GET /finance/invoices/{number}/ubl and /finance/credit-notes/{number}/ubl answer the Peppol UBL with the PDF embedded; unknown numbers are 404s', async () => {
      await call('POST /finance/customers', { body: buyer });
      await call('PATCH /finance/customers/{customerId}', { path: { customerId: buyerId }, body: { vatNumber: 'DE123456789', eInvoice: true } });
      const { deps } = dynamoDeps(table, { now: '2026-11-22T10:00:00.000Z' });
      await putOrder(ddb.doc(), table, testOrder('ord_e1', 'shipped', { customerId: buyerId }));
      const { invoiceNumber } = await issueInvoice({ orderId: 'ord_e1' }, deps);
      const stored = await invoiceItem(invoiceNumber);
      expect(stored).toMatchObject({ seller: { name: 'Example Trading Limited', vatNumber: 'GB123456789' }, buyer: { name: 'Nordlicht GmbH', vatNumber: 'DE123456789' } });
      expect(stored!.vatBreakdown).toEqual([
        { category: 'S', ratePpm: 200_000, taxable: 2499, tax: 500 },
        { category: 'Z', ratePpm: 0, taxable: 899, tax: 0 },
      ]);

      const ubl = await call('GET /finance/invoices/{number}/ubl', { path: { number: invoiceNumber } });
      expect(ubl.status).toBe(200);
      expect(ubl.headers).toMatchObject({ 'content-type': 'application/xml', 'content-disposition': `attachment; filename="${invoiceNumber}.xml"` });
      const xml = ubl.pdf!.toString('utf8');
      expect(xml).toContain(`<cbc:ID>${invoiceNumber}</cbc:ID>`);
      expect(xml).toContain('<cbc:EndpointID schemeID="9930">DE123456789</cbc:EndpointID>');
      expect(xml).toMatch(/mimeCode="application\/pdf"/);
      expect(await validateXsd(xml)).toEqual([]);

      const cn = await creditNote(invoiceNumber, 1000, 'one mug broken');
      expect(cn.status).toBe(201);
      const cnUbl = await call('GET /finance/credit-notes/{number}/ubl', { path: { number: cn.body.creditNoteNumber } });
      expect(cnUbl.status).toBe(200);
      const cnXml = cnUbl.pdf!.toString('utf8');
      expect(cnXml).toMatch(new RegExp(`<cac:InvoiceDocumentReference>\\s*<cbc:ID>${invoiceNumber}</cbc:ID>`));
      expect(await validateXsd(cnXml)).toEqual([]);

      expect(await call('GET /finance/invoices/{number}/ubl', { path: { number: 'INV-2026-999999' } })).toMatchObject({ status: 404, body: { error: 'InvoiceNotFound' } });
      expect(await call('GET /finance/credit-notes/{number}/ubl', { path: { number: 'CN-2026-999999' } })).toMatchObject({ status: 404, body: { error: 'CreditNoteNotFound' } });
      expect((await call('GET /finance/invoices/{number}/ubl', { path: { number: invoiceNumber }, key: TEST_API_KEY })).status).toBe(403);
    });
  });

  describe('roles', () => {
    const body = { email: 'roles@acme.example', name: 'Roles Ltd' };

    it.each([
      ['the B2B key', TEST_API_KEY],
      ['the warehouse key', TEST_WAREHOUSE_KEY],
    ])('refuses %s on a finance route (403, naming no key) and writes nothing', async (_who, key) => {
      for (const [routeKey, o] of [
        ['POST /finance/customers', { body }],
        ['GET /finance/audit', { query: { entity: 'customer:x' } }],
        ['POST /finance/payments', { body: { externalId: 'CHQ-9', amount: 100, currency: 'GBP', receivedOn: '2026-11-23' } }],
      ] as const) {
        const res = await call(routeKey, { ...o, key });
        expect(res, routeKey).toMatchObject({ status: 403, body: { error: 'Forbidden' } });
        expect(JSON.stringify(res.body)).not.toContain(key);
      }
      expect(await items()).toEqual([]);
      expect(sent()).toEqual([]);
    });

    it.each([
      ['no key', null],
      ['an unknown key', 'not-a-key'],
    ])('answers %s with a 401 and writes nothing', async (_what, key) => {
      expect(await call('POST /finance/customers', { body, key })).toMatchObject({ status: 401, body: { error: 'Unauthorized' } });
      expect(await items()).toEqual([]);
    });

    it('lets an IAM caller in without a key and audits the caller by its ARN', async () => {
      const res = await call('POST /finance/customers', { body, key: null, callerArn: IAM_CALLER });
      expect(res).toEqual({ status: 201, body: { customerId: customerIdOf('-', body.email) } });
      expect(await trail(`customer:${res.body.customerId}`)).toEqual([expect.objectContaining({ action: 'customer.create', actor: IAM_CALLER })]);
      const [number] = (await issueInvoices(1)) as [string];
      expect((await call('POST /finance/invoices/{number}/write-off', { path: { number }, body: { reason: 'insolvent' }, key: null, callerArn: IAM_CALLER })).status).toBe(200);
      expect(await trail(`invoice:${number}`)).toEqual([expect.objectContaining({ action: 'invoice.write-off', actor: IAM_CALLER })]);
    });
  });
});
