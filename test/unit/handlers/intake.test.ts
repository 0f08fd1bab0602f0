/**
 * intake wiring with mocked AWS clients: every client error is a 4xx with a
 * reason and writes nothing; a good order is one transaction and one send.
 */
import { GetCommand, PutCommand, TransactWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiEvent } from '../../support/api-event.ts';
import { setTestBindings, TEST_FINANCE_KEY, TEST_WAREHOUSE_KEY } from '../../support/bindings.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let intake: (req: import('../../../functions/runtime/http.ts').HttpRequest) => Promise<unknown>;
let runRoute: typeof import('../../../functions/runtime/http.ts').runRoute;

export const goodOrder = {
  externalId: 'PO-1001',
  customer: { email: 'buyer@acme.example', name: 'Acme Ltd' },
  currency: 'GBP',
  lines: [{ sku: 'MUG-01', description: 'Stoneware mug', quantity: 2, unitPrice: 1250, taxRatePpm: 200_000 }],
  paymentMode: 'terms',
  shippingAddress: { line1: '1 High St', city: 'York', country: 'GB' },
};

beforeAll(async () => {
  setTestBindings();
  ({ intake } = await import('../../../functions/handlers/intake.ts'));
  ({ runRoute } = await import('../../../functions/runtime/http.ts'));
});

beforeEach(() => {
  ddb.reset();
  sqs.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(TransactWriteCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm1' });
});

const call = (routeKey: string, body: unknown, headers: Record<string, string> = { 'x-api-key': 'test-key' }) =>
  runRoute(intake as never, apiEvent(routeKey, body, { headers }));
const writes = () => ddb.commandCalls(TransactWriteCommand).length + ddb.commandCalls(PutCommand).length + sqs.commandCalls(SendMessageCommand).length;

describe('POST /orders', () => {
  it('accepts a canonical order: one transaction, one message, 202 with the order id', async () => {
    const res = await call('POST /orders', goodOrder);
    expect(res.statusCode).toBe(202);
    const body = JSON.parse(res.body!);
    expect(body.orderId).toMatch(/^ord_[0-9a-f]{24}$/);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    const order = items.map((i) => i.Put?.Item).find((i) => i?.type === 'Order')!;
    expect(order).toMatchObject({ status: 'received', totals: { net: 2500, tax: 500, total: 3000 }, source: { platform: 'api', externalId: 'PO-1001' } });
    expect(JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!)).toEqual({ orderId: body.orderId });
  });

  it('gives the same order id to the same platform order (deterministic)', async () => {
    const a = JSON.parse((await call('POST /orders', goodOrder)).body!).orderId;
    const b = JSON.parse((await call('POST /orders', { ...goodOrder, lines: goodOrder.lines })).body!).orderId;
    expect(a).toBe(b);
  });

  it.each([
    ['no API key', goodOrder, {}, 401, 'Unauthorized'],
    ['a wrong API key', goodOrder, { 'x-api-key': 'nope' }, 401, 'Unauthorized'],
    ['a body that is not JSON', '{"externalId":', undefined, 400, 'BadRequest'],
  ] as const)('refuses %s and writes nothing', async (_what, body, headers, status, code) => {
    const res = await call('POST /orders', body, headers ?? { 'x-api-key': 'test-key' });
    expect(res.statusCode).toBe(status);
    expect(JSON.parse(res.body!).error).toBe(code);
    expect(writes()).toBe(0);
  });

  it('lists the field paths of a schema failure (422) and writes nothing', async () => {
    const res = await call('POST /orders', { ...goodOrder, currency: 'XXX', lines: [{ ...goodOrder.lines[0], quantity: 0, unitPrice: 12.5 }] });
    expect(res.statusCode).toBe(422);
    const paths = (JSON.parse(res.body!).issues as { path: string }[]).map((i) => i.path).sort();
    expect(paths).toEqual(['currency', 'lines.0.quantity', 'lines.0.unitPrice']);
    expect(writes()).toBe(0);
  });

  it('refuses impossible figures (discount above the line) with 422', async () => {
    const res = await call('POST /orders', { ...goodOrder, lines: [{ ...goodOrder.lines[0], discount: 999_999 }] });
    expect(res.statusCode).toBe(422);
    expect(res.body).toMatch(/exceeds/);
    expect(writes()).toBe(0);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const res = await call('POST /orders', JSON.stringify({ ...goodOrder, pad: 'x'.repeat(1024 * 1024) }));
    expect(res.statusCode).toBe(413);
    expect(writes()).toBe(0);
  });

  it('answers a duplicate delivery with the existing order', async () => {
    ddb.on(TransactWriteCommand).rejects(Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }] }));
    ddb.on(GetCommand).resolves({ Item: { orderId: 'ord_existing', id: 'cus_x', name: 'Acme Ltd', email: 'buyer@acme.example', status: 'received' } });
    const res = await call('POST /orders', goodOrder);
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body!)).toEqual({ orderId: 'ord_existing', duplicate: true });
  });

  it('refuses an Idempotency-Key reused with another body (409)', async () => {
    ddb.on(PutCommand).rejects(Object.assign(new Error('exists'), { name: 'ConditionalCheckFailedException' }));
    ddb.on(GetCommand).resolves({ Item: { hash: 'another-body-hash' } });
    const res = await call('POST /orders', goodOrder, { 'x-api-key': 'test-key', 'idempotency-key': 'k-1' });
    expect(res.statusCode).toBe(409);
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });
});

describe('cash and unknown routes', () => {
  it('no longer records cash with the B2B key: POST /payments is gone (finance records it at POST /finance/payments)', async () => {
    const payment = { source: 'bank', externalId: 'STMT-1-42', amount: 3000, currency: 'GBP', receivedOn: '2026-11-25', remittance: 'INV-2026-000001' };
    expect((await call('POST /payments', payment)).statusCode).toBe(404);
    expect((await call('POST /nowhere', {})).statusCode).toBe(404);
    expect(writes()).toBe(0);
  });

  it('refuses the warehouse and finance keys on the order route (403) and unknown keys (401), writing nothing', async () => {
    expect((await call('POST /orders', goodOrder, { 'x-api-key': TEST_WAREHOUSE_KEY })).statusCode).toBe(403);
    expect((await call('POST /orders', goodOrder, { 'x-api-key': TEST_FINANCE_KEY })).statusCode).toBe(403);
    expect((await call('POST /orders', goodOrder, { 'x-api-key': 'guess' })).statusCode).toBe(401);
    expect(writes()).toBe(0);
  });
});
