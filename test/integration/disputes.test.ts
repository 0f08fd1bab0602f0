/**
 * Disputes and promises to pay through the finance routes on DynamoDB Local
 * (queues mocked): the dispute's transaction (dispute item in the invoice's
 * partition, its pointer, the invoice's `disputed` guarded by its version, the
 * audit line), two concurrent disputes that together exceed the balance, the
 * credit resolution through the credit-note transaction (and its retry after
 * a crash), promises, and the customer account the overdue view reads.
 *
 * As in finance.test.ts the handler binds its table at import: one table,
 * emptied before each test.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repositories } from '../../functions/adapters/repositories.ts';
import { Keys } from '../../functions/adapters/table-schema.ts';
import { overdueExposure } from '../../functions/domain/credit.ts';
import type { Invoices } from '../../functions/ports.ts';
import { runRoute } from '../../functions/runtime/http.ts';
import { issueInvoice } from '../../functions/use-cases/issue-invoice.ts';
import { apiEvent } from '../support/api-event.ts';
import { setTestBindings, TEST_FINANCE_KEY } from '../support/bindings.ts';
import { dynamoDeps } from '../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';
import { putOrder, testOrder } from '../support/orders.ts';

const sqs = mockClient(SQSClient);
let mod: typeof import('../../functions/handlers/finance.ts');
const gbp = (amount: number) => ({ amount, currency: 'GBP' });

describe('disputes and promises (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;

  beforeAll(async () => {
    table = await ddb.createTable();
    setTestBindings({ TABLE_NAME: table });
    mod = await import('../../functions/handlers/finance.ts');
  });
  beforeEach(async () => {
    const left = (await ddb.doc().send(new ScanCommand({ TableName: table, ConsistentRead: true, ProjectionExpression: 'pk, sk' }))).Items ?? [];
    await Promise.all(left.map((key) => ddb.doc().send(new DeleteCommand({ TableName: table, Key: { pk: key.pk, sk: key.sk } }))));
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
  });

  const call = async (routeKey: string, o: { body?: unknown; path?: Record<string, string>; headers?: Record<string, string> } = {}) => {
    const event = apiEvent(routeKey, o.body === undefined ? '' : o.body, { headers: { 'x-api-key': TEST_FINANCE_KEY, ...o.headers }, pathParameters: o.path ?? {} });
    const res = await runRoute(mod.routes[routeKey]!, event);
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
  const items = async () =>
    ((await ddb.doc().send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? []).sort((a, b) => `${a.pk}|${a.sk}`.localeCompare(`${b.pk}|${b.sk}`));
  const item = async (key: { pk: string; sk: string }) => (await ddb.doc().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  const partition = async (pk: string) => (await ddb.doc().send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ConsistentRead: true }))).Items ?? [];
  /** One invoice (testOrder: £38.98, cus_1), issued 2026-11-22, due 2026-12-22. */
  const issue = async (n = 1) => {
    const { deps } = dynamoDeps(table, { now: '2026-11-22T10:00:00.000Z' });
    await putOrder(ddb.doc(), table, testOrder(`ord_${n}`));
    return (await issueInvoice({ orderId: `ord_${n}` }, deps)).invoiceNumber;
  };
  const dispute = (number: string, amount: number, reason = 'one mug arrived broken', headers: Record<string, string> = {}) =>
    call('POST /finance/invoices/{number}/disputes', { path: { number }, body: { amount: gbp(amount), reason }, headers });
  const resolve = (disputeId: string, body: Record<string, unknown>) => call('POST /finance/disputes/{disputeId}/resolution', { path: { disputeId }, body });

  it('writes the dispute in the invoice partition, its pointer, the invoice\'s disputed (version moved) and the audit line in one transaction', async () => {
    const number = await issue();
    const res = await dispute(number, 1250);
    expect(res).toEqual({ status: 201, body: expect.objectContaining({ disputeId: expect.stringMatching(/^dsp_/), invoiceNumber: number, amount: gbp(1250), status: 'open' }) });
    const id = res.body.disputeId as string;
    expect(await item(Keys.dispute(number, id))).toEqual({
      ...Keys.dispute(number, id),
      type: 'Dispute',
      disputeId: id,
      invoiceNumber: number,
      customerId: 'cus_1',
      currency: 'GBP',
      amount: 1250,
      reason: 'one mug arrived broken',
      openedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
      openedAt: expect.any(String),
      status: 'open',
    });
    expect(await item(Keys.disputeRef(id))).toMatchObject({ invoiceNumber: number });
    expect(await item(Keys.invoice(number))).toMatchObject({ balance: 3898, disputed: 1250, version: 2 });
    const audit = await partition(Keys.auditPartition(`invoice:${number}`));
    expect(audit).toEqual([expect.objectContaining({ action: 'invoice.dispute', actor: 'finance key', after: expect.objectContaining({ disputed: gbp(1250), dispute: id }) })]);
    expect((await call('GET /finance/invoices/{number}', { path: { number } })).body).toMatchObject({ invoiceNumber: number, balance: gbp(3898), disputed: gbp(1250), undisputed: gbp(2648), disputes: [{ disputeId: id, status: 'open' }] });
  });

  it('refuses an over-dispute (409 with the figures), an unknown invoice (404), a zero amount (422) and another currency (409), writing nothing', async () => {
    const number = await issue();
    await dispute(number, 3000);
    const before = await items();
    expect(await dispute(number, 899)).toMatchObject({ status: 409, body: { error: 'DisputeExceedsBalance', message: expect.stringContaining('£8.98 left to dispute') } });
    expect(await dispute('INV-2026-999999', 10)).toMatchObject({ status: 404 });
    expect(await dispute(number, 0)).toMatchObject({ status: 422 });
    expect(await call('POST /finance/invoices/{number}/disputes', { path: { number }, body: { amount: { amount: 10, currency: 'EUR' }, reason: 'x' } })).toMatchObject({ status: 409, body: { error: 'CurrencyMismatch' } });
    expect(await items()).toEqual(before);
  });

  it('two concurrent disputes that together exceed the balance: one wins (201), the other is a 409, and only the winner is set aside', async () => {
    const number = await issue();
    const real = mod.deps.invoices;
    let arrived = 0;
    let release!: () => void;
    const bothRead = new Promise<void>((r) => (release = r));
    // Both requests read the invoice before either writes: the race the version guard exists for.
    mod.deps.invoices = {
      ...real,
      get: async (n: string) => {
        const read = await real.get(n);
        if (++arrived === 2) release();
        if (arrived <= 2) await bothRead;
        return read;
      },
    } as Invoices;
    let answers: Awaited<ReturnType<typeof call>>[];
    try {
      answers = await Promise.all([
        dispute(number, 2500, 'goods missing'),
        dispute(number, 2000, 'wrong colour'),
      ]);
    } finally {
      mod.deps.invoices = real;
    }
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    const won = answers.find((a) => a.status === 201)!;
    expect(answers.find((a) => a.status === 409)!.body.error).toBe('DisputeExceedsBalance');
    expect(await item(Keys.invoice(number))).toMatchObject({ disputed: won.body.amount.amount, version: 2 });
    expect((await partition(Keys.invoice(number).pk)).filter((i) => i.type === 'Dispute')).toHaveLength(1);
    expect((await partition(Keys.auditPartition(`invoice:${number}`))).filter((e) => e.action === 'invoice.dispute')).toHaveLength(1);
  });

  it('resolves by credit: one credit note, the dispute credited, disputed back to 0; again is a 409', async () => {
    const number = await issue();
    const id = (await dispute(number, 1250)).body.disputeId as string;
    const res = await resolve(id, { outcome: 'credit' });
    expect(res).toMatchObject({ status: 200, body: { disputeId: id, status: 'credited', resolution: { outcome: 'credit', amount: gbp(1250), creditNoteNumber: expect.stringMatching(/^CN-\d{4}-000001$/) } } });
    const cn = res.body.resolution.creditNoteNumber as string;
    expect(await item(Keys.creditNote(number, cn))).toMatchObject({ total: 1250 });
    expect(await item(Keys.invoice(number))).toMatchObject({ balance: 2648, disputed: 0, credited: 1250 });
    expect(await item(Keys.dispute(number, id))).toMatchObject({ status: 'credited', resolution: { outcome: 'credit', amount: 1250, creditNoteNumber: cn }, resolvedOn: expect.any(String) });
    const before = await items();
    expect(await resolve(id, { outcome: 'reinstate' })).toMatchObject({ status: 409, body: { error: 'DisputeResolved' } });
    expect(await resolve(id, { outcome: 'credit' })).toMatchObject({ status: 409 });
    expect(await resolve('dsp_unknown', { outcome: 'credit' })).toMatchObject({ status: 404 });
    expect(await items()).toEqual(before);
  });

  it('a retry after a crash between the credit note and the dispute\'s mark issues no second credit note', async () => {
    const number = await issue();
    const id = (await dispute(number, 1000)).body.disputeId as string;
    const real = mod.deps.disputes;
    mod.deps.disputes = { ...real, resolve: async () => Promise.reject(new Error('Lambda timed out')) };
    try {
      expect((await resolve(id, { outcome: 'credit' })).status).toBe(500);
    } finally {
      mod.deps.disputes = real;
    }
    expect(await item(Keys.dispute(number, id))).toMatchObject({ status: 'open' });
    const retried = await resolve(id, { outcome: 'credit' });
    expect(retried).toMatchObject({ status: 200, body: { status: 'credited', resolution: { creditNoteNumber: expect.stringMatching(/-000001$/) } } });
    expect((await partition(Keys.invoice(number).pk)).filter((i) => i.type === 'CreditNote')).toHaveLength(1);
    expect(await item(Keys.invoice(number))).toMatchObject({ balance: 2898, disputed: 0, credited: 1000 });
  });

  it('reinstates: disputed back to 0, the balance untouched, no credit note', async () => {
    const number = await issue();
    const id = (await dispute(number, 3898)).body.disputeId as string;
    expect(await resolve(id, { outcome: 'reinstate', reason: 'goods were delivered' })).toMatchObject({ status: 200, body: { status: 'reinstated' } });
    expect(await item(Keys.invoice(number))).toMatchObject({ balance: 3898, disputed: 0 });
    expect((await partition(Keys.invoice(number).pk)).filter((i) => i.type === 'CreditNote')).toHaveLength(0);
  });

  it('records a promise to pay; an impossible or past date is a 422 in words, writing nothing', async () => {
    const number = await issue();
    const before = await items();
    const impossible = await call('POST /finance/invoices/{number}/promise-to-pay', { path: { number }, body: { date: '2026-02-30' } });
    expect(impossible).toMatchObject({ status: 422, body: { message: expect.stringContaining('date: must be a calendar date YYYY-MM-DD') } });
    const past = await call('POST /finance/invoices/{number}/promise-to-pay', { path: { number }, body: { date: '2020-01-01' } });
    expect(past).toMatchObject({ status: 422, body: { message: expect.stringContaining('2020-01-01 is in the past') } });
    expect(await items()).toEqual(before);
    const ok = await call('POST /finance/invoices/{number}/promise-to-pay', { path: { number }, body: { date: '2099-12-31', reason: 'phoned, pays at year end' } });
    expect(ok).toEqual({ status: 200, body: { invoiceNumber: number, promisedUntil: '2099-12-31', balance: gbp(3898), undisputed: gbp(3898) } });
    expect(await item(Keys.invoice(number))).toMatchObject({ promisedUntil: '2099-12-31', promisedAtLevel: 0, version: 2 });
    expect((await partition(Keys.auditPartition(`invoice:${number}`))).map((e) => e.action)).toEqual(['invoice.promise']);
  });

  it('the customer account carries disputed and due date, so the overdue view leaves disputes out', async () => {
    const [a, b] = [await issue(1), await issue(2)];
    await dispute(a, 898);
    await dispute(b, 3898);
    const account = await repositories(table).customers.account('cus_1');
    expect(account.invoices).toEqual(
      expect.arrayContaining([
        { currency: 'GBP', balance: 3898, disputed: 898, dueDate: '2026-12-22', orderId: 'ord_1', total: 3898 },
        { currency: 'GBP', balance: 3898, disputed: 3898, dueDate: '2026-12-22', orderId: 'ord_2', total: 3898 },
      ]),
    );
    expect(overdueExposure(account, 'GBP', '2027-01-01')).toBe(3000);
    expect(overdueExposure(account, 'GBP', '2026-12-22')).toBe(0);
  });
});
