/**
 * intake on DynamoDB Local (queues mocked): one order per platform order,
 * Idempotency-Key replays get the first answer, a reused key with another
 * body is refused, and refused requests write nothing.
 *
 * The routes run as the handler wires them, and the handler binds its table
 * once, at import: so this file has one table, bound before the import, and
 * emptied before each test (rather than a fresh table per test).
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DeleteCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runRoute } from '../../../functions/runtime/http.ts';
import { apiEvent } from '../../support/api-event.ts';
import { setTestBindings, TEST_API_KEY } from '../../support/bindings.ts';
import { useDynamoDbLocal } from '../../support/dynamodb.ts';

const sqs = mockClient(SQSClient);
let mod: typeof import('../../../functions/handlers/intake.ts');

const order = {
  externalId: 'PO-1001',
  customer: { email: 'Buyer@Acme.example', name: 'Acme Ltd' },
  currency: 'GBP',
  lines: [{ sku: 'MUG-01', description: 'Stoneware mug', quantity: 2, unitPrice: 1250, taxRatePpm: 200_000 }],
  paymentMode: 'terms',
  shippingAddress: { line1: '1 High St', city: 'York', country: 'GB' },
};

describe('intake (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;

  beforeAll(async () => {
    table = await ddb.createTable();
    setTestBindings({ TABLE_NAME: table, ORDERS_QUEUE_URL: 'q/orders', PAYMENTS_QUEUE_URL: 'q/payments' });
    mod = await import('../../../functions/handlers/intake.ts');
  });
  beforeEach(async () => {
    const left = (await ddb.doc().send(new ScanCommand({ TableName: table, ConsistentRead: true, ProjectionExpression: 'pk, sk' }))).Items ?? [];
    await Promise.all(left.map((key) => ddb.doc().send(new DeleteCommand({ TableName: table, Key: { pk: key.pk, sk: key.sk } }))));
    // The table emptied under the same handler module: what the instance remembers of its customers goes with it
    // (o2c itself never deletes a customer).
    mod.deps.knownCustomers.clear();
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
  });

  const post = async (routeKey: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await runRoute(mod.intake, apiEvent(routeKey, body, { headers: { 'x-api-key': TEST_API_KEY, ...headers } }));
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };
  const items = async () => (await ddb.doc().send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
  const count = async (type: string) => (await items()).filter((i) => i.type === type).length;
  const sent = (queue: string) => sqs.commandCalls(SendMessageCommand).filter((c) => c.args[0].input.QueueUrl === queue).map((c) => JSON.parse(c.args[0].input.MessageBody!));

  it('creates the order, its customer and its source key once, and queues {orderId}', async () => {
    const first = await post('POST /orders', order);
    expect(first).toEqual({ status: 202, body: { orderId: expect.stringMatching(/^ord_/), duplicate: false } });
    const again = await post('POST /orders', order);
    expect(again).toEqual({ status: 202, body: { orderId: first.body.orderId, duplicate: true } });
    expect([await count('Order'), await count('OrderSource'), await count('Customer')]).toEqual([1, 1, 1]);
    const stored = (await items()).find((i) => i.type === 'Order')!;
    expect(stored).toMatchObject({ status: 'received', version: 1, source: { platform: 'api', shop: '-', externalId: 'PO-1001' }, totals: { net: 2_500, tax: 500, total: 3_000 } });
    expect((await items()).find((i) => i.type === 'Customer')!.email).toBe('buyer@acme.example');
    expect(sent('q/orders')).toEqual([{ orderId: first.body.orderId }, { orderId: first.body.orderId }]);
  });

  it('keeps one order when ten posts of the same order race', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => post('POST /orders', order)));
    const ok = answers.filter((a) => a.status === 202);
    expect(ok.length).toBeGreaterThan(0);
    expect(new Set(ok.map((a) => a.body.orderId)).size).toBe(1);
    expect(ok.filter((a) => !a.body.duplicate).length).toBeLessThanOrEqual(1);
    expect(answers.every((a) => a.status === 202 || a.status === 500)).toBe(true); // a lost race is "safe to retry"
    expect(await count('Order')).toBe(1);
  });

  it('answers an Idempotency-Key replay with the first answer, and refuses the key with another body', async () => {
    const first = await post('POST /orders', order, { 'idempotency-key': 'k-1' });
    const replay = await post('POST /orders', order, { 'idempotency-key': 'k-1' });
    expect(first).toEqual({ status: 202, body: { orderId: expect.stringMatching(/^ord_/), duplicate: false } });
    expect(replay).toEqual(first);
    const other = await post('POST /orders', { ...order, externalId: 'PO-1002' }, { 'idempotency-key': 'k-1' });
    expect(other).toMatchObject({ status: 409, body: { error: 'IdempotencyKeyReused' } });
    expect(await count('Order')).toBe(1);
    expect(await post('POST /orders', order, { 'idempotency-key': '' })).toMatchObject({ status: 422 });
  });

  it.each([
    ['no API key', order, { 'x-api-key': '' }, 401],
    ['a body that is not JSON', '{"externalId":', {}, 400],
    ['a body over 1 MiB', JSON.stringify({ ...order, padding: 'x'.repeat(1024 * 1024) }), {}, 413],
    ['a schema failure', { ...order, lines: [{ ...order.lines[0], quantity: 0 }] }, {}, 422],
    ['impossible figures', { ...order, lines: [{ ...order.lines[0], discount: 99_999 }] }, {}, 422],
  ])('refuses %s and writes nothing', async (_what, body, headers, status) => {
    const res = await post('POST /orders', body, headers);
    expect(res.status).toBe(status);
    expect(await items()).toEqual([]);
    expect(sqs.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('lists every failing field path in a 422', async () => {
    const res = await post('POST /orders', { ...order, currency: 'XXQ', lines: [{ ...order.lines[0], unitPrice: 12.5 }], shippingAddress: { city: 'York', country: 'gb' } });
    expect(res.status).toBe(422);
    expect(res.body.issues.map((i: { path: string }) => i.path).sort()).toEqual(['currency', 'lines.0.unitPrice', 'shippingAddress.country', 'shippingAddress.line1']);
  });

  it('answers 404 for a route it does not have', async () => {
    expect((await post('DELETE /orders', {})).status).toBe(404);
  });
});
