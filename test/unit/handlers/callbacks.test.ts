/**
 * The two callback routes at the edge (mocked AWS clients): the warehouse's
 * shipment report and finance's credit decision. What the answer does to the
 * workflow is the use cases' test (test/unit/use-cases); here: credentials,
 * bad bodies and a failing Step Functions map to the right status, and a
 * refused request writes nothing and answers nothing.
 */
import { InvalidToken, SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Keys } from '../../../functions/adapters/table-schema.ts';
import { runRoute, type Route } from '../../../functions/runtime/http.ts';
import { apiEvent, type ApiEventOptions } from '../../support/api-event.ts';
import { setTestBindings, TEST_API_KEY, TEST_BINDINGS, TEST_FINANCE_KEY, TEST_WAREHOUSE_KEY } from '../../support/bindings.ts';
import { testOrder } from '../../support/orders.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
let shipmentRoute: Route;
let decisionRoute: Route;

const SHIPMENT = 'POST /fulfilment/{orderId}/shipment';
const DECISION = 'POST /finance/orders/{orderId}/credit-decision';
const shipment = { carrier: 'DPD', service: 'next-day', trackingNumber: '1Z999', shippedAt: '2026-11-22T09:00:00Z' };
const call = async (route: Route, routeKey: string, body: unknown, opts: ApiEventOptions = {}) => {
  const key = routeKey === SHIPMENT ? TEST_WAREHOUSE_KEY : TEST_FINANCE_KEY;
  const res = await runRoute(route, apiEvent(routeKey, body, { pathParameters: { orderId: 'ord_1' }, headers: { 'x-api-key': key }, ...opts }));
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
};
const effects = () =>
  sfn.commandCalls(SendTaskSuccessCommand).length + sfn.commandCalls(SendTaskFailureCommand).length + sfn.commandCalls(StartExecutionCommand).length + ddb.commandCalls(DeleteCommand).length + ddb.commandCalls(TransactWriteCommand).length + ddb.commandCalls(PutCommand).length;

beforeAll(async () => {
  setTestBindings();
  shipmentRoute = (await import('../../../functions/handlers/fulfilment-callback.ts')).fulfilmentCallback;
  decisionRoute = (await import('../../../functions/handlers/decide-credit.ts')).decideCredit;
});
beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(UpdateCommand).resolves({ Attributes: { answerAttempts: 1 } }); // the answer noted on the token
  ddb.on(GetCommand, { Key: Keys.order('ord_1') }).resolves({ Item: { ...Keys.order('ord_1'), type: 'Order', ...testOrder('ord_1', 'credit_hold') } });
  ddb.on(GetCommand, { Key: Keys.taskToken('ord_1', 'fulfilment') }).resolves({ Item: { taskToken: 'tok-f' } });
  ddb.on(GetCommand, { Key: Keys.taskToken('ord_1', 'credit-review') }).resolves({ Item: { taskToken: 'tok-c' } });
  ddb.on(DeleteCommand).resolves({});
  ddb.on(TransactWriteCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
  sfn.on(SendTaskHeartbeatCommand).resolves({});
  sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:aws:states:eu-west-1:000000000000:express:order-steps:x:y', startDate: new Date() });
});

describe('POST /fulfilment/{orderId}/shipment', () => {
  it('answers 202 and starts the order steps from ShipOrder with the shipment and the wait\'s token (checked with a heartbeat first)', async () => {
    expect(await call(shipmentRoute, SHIPMENT, shipment)).toEqual({ status: 202, body: { orderId: 'ord_1', accepted: 'shipment' } });
    expect(sfn.commandCalls(SendTaskHeartbeatCommand).map((c) => c.args[0].input)).toEqual([{ taskToken: 'tok-f' }]);
    const [start] = sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input);
    expect(start!.stateMachineArn).toBe(TEST_BINDINGS.ORDER_STEPS_ARN);
    expect(JSON.parse(start!.input!)).toEqual({ from: 'ship', orderId: 'ord_1', shipment, taskToken: 'tok-f' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0); // the steps' last state answers the wait
  });

  it.each([
    ['no API key', shipment, { headers: {} }, 401],
    ['a wrong API key', shipment, { headers: { 'x-api-key': 'nope' } }, 401],
    ['the B2B order key (another role)', shipment, { headers: { 'x-api-key': TEST_API_KEY } }, 403],
    ['the finance key (another role)', shipment, { headers: { 'x-api-key': TEST_FINANCE_KEY } }, 403],
    ['a body that is not JSON', '{"carrier":', {}, 400],
    ['a shipment without a tracking number', { ...shipment, trackingNumber: undefined }, {}, 422],
    ['an order that does not exist', shipment, { pathParameters: { orderId: 'ord_missing' } }, 404],
  ] as const)('refuses %s with %i and changes nothing', async (_, body, opts, status) => {
    const res = await call(shipmentRoute, SHIPMENT, body, opts as ApiEventOptions);
    expect(res.status).toBe(status);
    expect(res.body.message).toEqual(expect.any(String));
    expect(effects()).toBe(0);
  });

  it('answers 409 and starts nothing when the wait has ended (the heartbeat finds the token spent)', async () => {
    sfn.on(SendTaskHeartbeatCommand).rejects(new InvalidToken({ message: 'gone', $metadata: {} }));
    expect(await call(shipmentRoute, SHIPMENT, shipment)).toMatchObject({ status: 409, body: { error: 'NotAwaitingShipment' } });
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('answers 500, saying nothing of internals, when Step Functions fails; the token is kept for a retry', async () => {
    sfn.on(StartExecutionCommand).rejects(Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), { name: 'ServiceUnavailable' }));
    const res = await call(shipmentRoute, SHIPMENT, shipment);
    expect(res.status).toBe(500);
    expect(JSON.stringify(res.body)).not.toContain('10.0.0.1');
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });
});

describe('POST /fulfilment/{orderId}/shipments and POST /orders/{orderId}/lines/cancel', () => {
  const SHIPMENTS = 'POST /fulfilment/{orderId}/shipments';
  const CANCEL = 'POST /orders/{orderId}/lines/cancel';
  const parcel = { shipmentId: 'S1', lines: [{ sku: 'MUG-01', quantity: 1 }], carrier: 'DPD', trackingNumber: '1Z1' };
  const cancel = { cancellationId: 'K1', lines: [{ sku: 'BOOK-7', quantity: 1 }], reason: 'not needed' };
  let routes: Record<string, Route>;
  beforeAll(async () => {
    routes = (await import('../../../functions/handlers/fulfilment-callback.ts')).routes;
  });
  beforeEach(() => {
    ddb.on(GetCommand, { Key: Keys.order('ord_1') }).resolves({ Item: { ...Keys.order('ord_1'), type: 'Order', ...testOrder('ord_1', 'fulfilling') } });
  });
  const send = async (routeKey: string, body: unknown, key: string, opts: ApiEventOptions = {}) => {
    const res = await runRoute(routes[routeKey]!, apiEvent(routeKey, body, { pathParameters: { orderId: 'ord_1' }, headers: { 'x-api-key': key }, ...opts }));
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
  };

  it.each([
    ['a shipment with the B2B key (another role)', SHIPMENTS, parcel, TEST_API_KEY, 403],
    ['a cancellation with the warehouse key (another role)', CANCEL, cancel, TEST_WAREHOUSE_KEY, 403],
    ['a cancellation with the finance key', CANCEL, cancel, TEST_FINANCE_KEY, 403],
    ['a shipment with no lines', SHIPMENTS, { ...parcel, lines: [] }, TEST_WAREHOUSE_KEY, 422],
    ['a shipment of half a unit', SHIPMENTS, { ...parcel, lines: [{ sku: 'MUG-01', quantity: 0.5 }] }, TEST_WAREHOUSE_KEY, 422],
    ['more than was ordered', SHIPMENTS, { ...parcel, lines: [{ sku: 'MUG-01', quantity: 3 }] }, TEST_WAREHOUSE_KEY, 422],
    ['a cancellation without a reason', CANCEL, { ...cancel, reason: undefined }, TEST_API_KEY, 422],
  ] as const)('refuses %s with %i and changes nothing', async (_, routeKey, body, key, status) => {
    const res = await send(routeKey, body, key);
    expect(res.status).toBe(status);
    expect(res.body.message).toEqual(expect.any(String));
    expect(effects()).toBe(0);
  });

  it('says what is wrong in the order\'s words when more is shipped than is left', async () => {
    const res = await send(SHIPMENTS, { ...parcel, lines: [{ sku: 'MUG-01', quantity: 3 }] }, TEST_WAREHOUSE_KEY);
    expect(res.body).toMatchObject({ error: 'ShipmentExceedsOrder', message: '3 × Stoneware mug (MUG-01) cannot be shipped: 2 ordered, 0 shipped, 0 cancelled, only 2 are left to ship' });
  });
});

describe('POST /finance/orders/{orderId}/credit-decision', () => {
  it('takes an IAM caller (no API key needed) and records who decided', async () => {
    const res = await call(decisionRoute, DECISION, { decision: 'approve', note: 'known customer' }, { headers: {}, callerArn: 'arn:aws:iam::1:user/fin' });
    expect(res).toEqual({ status: 200, body: { orderId: 'ord_1', decision: 'approve' } });
    // the timeline line is written with the token's tombstone, in one transaction
    const items = ddb.commandCalls(TransactWriteCommand).flatMap((c) => c.args[0].input.TransactItems ?? []);
    const event = items.find((i) => i.Put?.Item?.type === 'OrderEvent')!.Put!.Item!;
    expect(event).toMatchObject({ step: 'credit-decision', detail: 'approve by arn:aws:iam::1:user/fin: known customer' });
  });

  it.each([
    ['neither IAM nor an API key', { decision: 'approve' }, { headers: {} }, 401],
    ['the warehouse key (another role)', { decision: 'approve' }, { headers: { 'x-api-key': TEST_WAREHOUSE_KEY } }, 403],
    ['the B2B order key (another role)', { decision: 'approve' }, { headers: { 'x-api-key': TEST_API_KEY } }, 403],
    ['a decision that is neither approve nor reject', { decision: 'maybe' }, {}, 422],
    ['a body that is not JSON', 'approve', {}, 400],
  ] as const)('refuses %s with %i and changes nothing', async (_, body, opts, status) => {
    expect((await call(decisionRoute, DECISION, body, opts as ApiEventOptions)).status).toBe(status);
    expect(effects()).toBe(0);
  });
});
