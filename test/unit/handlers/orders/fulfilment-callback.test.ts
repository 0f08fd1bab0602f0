/**
 * fulfilment-callback wiring: the warehouse's answer goes to the workflow's
 * task token; a spent token (timed out, already answered) is a 409, never a 500,
 * and a bad request writes nothing.
 */
import { InvalidToken, SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Keys } from '../../../../functions/adapters/table-schema.ts';
import { runRoute } from '../../../../functions/runtime/http.ts';
import { apiEvent, orderItem, setTestEnv, sfnError } from './support.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
let mod: typeof import('../../../../functions/handlers/fulfilment-callback.ts');

const ROUTE = 'POST /fulfilment/{orderId}/shipment';
const shipment = { carrier: 'DPD', service: 'next-day', trackingNumber: '1Z999', shippedAt: '2026-11-22T09:00:00Z' };
const call = async (body: unknown, opts: Parameters<typeof apiEvent>[2] = {}) => {
  const res = await runRoute(mod.fulfilmentCallback, apiEvent(ROUTE, body, { pathParameters: { orderId: 'ord_1' }, ...opts }));
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
};
const sfnCalls = () => sfn.commandCalls(SendTaskSuccessCommand).length + sfn.commandCalls(SendTaskFailureCommand).length;
const writes = () => ddb.commandCalls(DeleteCommand).length + ddb.commandCalls(TransactWriteCommand).length;

beforeAll(async () => {
  setTestEnv();
  mod = await import('../../../../functions/handlers/fulfilment-callback.ts');
});
beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: Keys.order('ord_1') }).resolves({ Item: orderItem('ord_1', 'fulfilling') });
  ddb.on(GetCommand, { Key: Keys.taskToken('ord_1', 'fulfilment') }).resolves({ Item: { taskToken: 'tok-1' } });
  ddb.on(DeleteCommand).resolves({});
  ddb.on(TransactWriteCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
  sfn.on(SendTaskFailureCommand).resolves({});
});

describe('fulfilment-callback', () => {
  it('answers the wait with the shipment, closes it and records the event', async () => {
    expect(await call(shipment)).toEqual({ status: 202, body: { orderId: 'ord_1', accepted: 'shipment' } });
    const sent = sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input;
    expect(sent.taskToken).toBe('tok-1');
    expect(JSON.parse(sent.output!)).toEqual(shipment);
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input.Key).toEqual(Keys.taskToken('ord_1', 'fulfilment'));
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('reports a warehouse failure as SendTaskFailure WarehouseFailed', async () => {
    expect(await call({ failed: true, reason: 'damaged in picking' })).toMatchObject({ status: 202, body: { accepted: 'failure' } });
    expect(sfn.commandCalls(SendTaskFailureCommand)[0]!.args[0].input).toEqual({ taskToken: 'tok-1', error: 'WarehouseFailed', cause: 'damaged in picking' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(0);
  });

  it.each([
    ['TaskTimedOut', TaskTimedOut],
    ['InvalidToken', InvalidToken],
  ])('maps %s from Step Functions to 409 and keeps nothing changed', async (_name, Ctor) => {
    sfn.on(SendTaskSuccessCommand).rejects(sfnError(Ctor));
    expect(await call(shipment)).toMatchObject({ status: 409, body: { error: 'NotAwaitingShipment' } });
    expect(writes()).toBe(0);
  });

  it('answers a second callback (the wait is closed) with 409 without calling Step Functions', async () => {
    ddb.on(GetCommand, { Key: Keys.taskToken('ord_1', 'fulfilment') }).resolves({});
    expect(await call(shipment)).toMatchObject({ status: 409 });
    expect(sfnCalls()).toBe(0);
  });

  it('is a 500 (safe to retry) when Step Functions itself fails', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(Object.assign(new Error('boom'), { name: 'ServiceUnavailable' }));
    expect(await call(shipment)).toMatchObject({ status: 500, body: { error: 'InternalError' } });
    expect(writes()).toBe(0);
  });

  it.each([
    ['no API key', shipment, {}, 401],
    ['a wrong API key', shipment, { 'x-api-key': 'nope' }, 401],
    ['a body that is not JSON', '{"carrier":', undefined, 400],
    ['a shipment without tracking number', { ...shipment, trackingNumber: undefined }, undefined, 422],
    ['a failure without reason', { failed: true }, undefined, 422],
  ])('refuses %s and touches nothing', async (_what, body, headers, status) => {
    expect((await call(body, headers ? { headers } : {})).status).toBe(status);
    expect(sfnCalls()).toBe(0);
    expect(writes()).toBe(0);
  });

  it('answers 404 for an unknown order', async () => {
    const res = await runRoute(mod.fulfilmentCallback, apiEvent(ROUTE, shipment, { pathParameters: { orderId: 'ord_nope' } }));
    expect(res.statusCode).toBe(404);
    expect(sfnCalls()).toBe(0);
  });
});
