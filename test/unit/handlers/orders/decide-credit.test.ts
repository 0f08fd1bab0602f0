/** decide-credit wiring: finance's decision answers the credit-review wait; 404/409/422 change nothing. */
import { SendTaskSuccessCommand, SFNClient, TaskTimedOut } from '@aws-sdk/client-sfn';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Keys } from '../../../../functions/adapters/table-schema.ts';
import { runRoute } from '../../../../functions/runtime/http.ts';
import { apiEvent, orderItem, setTestEnv, sfnError } from './support.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sfn = mockClient(SFNClient);
let mod: typeof import('../../../../functions/handlers/decide-credit.ts');

const ROUTE = 'POST /finance/orders/{orderId}/credit-decision';
const FINANCE = 'arn:aws:iam::000000000000:user/fiona';
const call = async (body: unknown, orderId = 'ord_1', opts: Parameters<typeof apiEvent>[2] = { headers: {}, callerArn: FINANCE }) => {
  const res = await runRoute(mod.decideCredit, apiEvent(ROUTE, body, { pathParameters: { orderId }, ...opts }));
  return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
};
const writes = () => ddb.commandCalls(DeleteCommand).length + ddb.commandCalls(TransactWriteCommand).length + sfn.commandCalls(SendTaskSuccessCommand).length;

beforeAll(async () => {
  setTestEnv();
  mod = await import('../../../../functions/handlers/decide-credit.ts');
});
beforeEach(() => {
  ddb.reset();
  sfn.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: Keys.order('ord_1') }).resolves({ Item: orderItem('ord_1', 'credit_hold') });
  ddb.on(GetCommand, { Key: Keys.order('ord_ok') }).resolves({ Item: orderItem('ord_ok', 'confirmed') });
  ddb.on(GetCommand, { Key: Keys.taskToken('ord_1', 'credit-review') }).resolves({ Item: { taskToken: 'tok-cr' } });
  ddb.on(DeleteCommand).resolves({});
  ddb.on(TransactWriteCommand).resolves({});
  sfn.on(SendTaskSuccessCommand).resolves({});
});

describe('decide-credit', () => {
  it('answers the wait with {decision, note}, closes the review and records who decided', async () => {
    expect(await call({ decision: 'approve', note: 'known customer' })).toEqual({ status: 200, body: { orderId: 'ord_1', decision: 'approve' } });
    const sent = sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input;
    expect(sent.taskToken).toBe('tok-cr');
    expect(JSON.parse(sent.output!)).toEqual({ decision: 'approve', note: 'known customer' });
    expect(ddb.commandCalls(DeleteCommand)[0]!.args[0].input.Key).toEqual(Keys.taskToken('ord_1', 'credit-review'));
    const event = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Put!.Item!;
    expect(event).toMatchObject({ type: 'OrderEvent', step: 'credit-decision', detail: `approve by ${FINANCE}: known customer` });
  });

  it('passes a rejection with an empty note when none is given', async () => {
    await call({ decision: 'reject' });
    expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!)).toEqual({ decision: 'reject', note: '' });
  });

  it.each([
    ['an unknown order', { decision: 'approve' }, 'ord_nope', 404],
    ['an order not on credit hold', { decision: 'approve' }, 'ord_ok', 409],
    ['a decision that is neither approve nor reject', { decision: 'maybe' }, 'ord_1', 422],
  ])('refuses %s and changes nothing', async (_what, body, orderId, status) => {
    expect((await call(body, orderId)).status).toBe(status);
    expect(writes()).toBe(0);
  });

  it('answers 409 when the review already ended (token spent) or is not open yet', async () => {
    sfn.on(SendTaskSuccessCommand).rejects(sfnError(TaskTimedOut));
    expect(await call({ decision: 'approve' })).toMatchObject({ status: 409, body: { error: 'ReviewClosed' } });
    ddb.on(GetCommand, { Key: Keys.taskToken('ord_1', 'credit-review') }).resolves({});
    expect(await call({ decision: 'approve' })).toMatchObject({ status: 409, body: { error: 'ReviewNotOpen' } });
    expect(ddb.commandCalls(DeleteCommand)).toHaveLength(0);
  });

  it('without IAM (local stack) needs the API key', async () => {
    expect((await call({ decision: 'approve' }, 'ord_1', { headers: {} })).status).toBe(401);
    expect((await call({ decision: 'approve' }, 'ord_1', {})).status).toBe(200);
  });

  it('does not turn a database fault into a 404', async () => {
    ddb.on(GetCommand, { Key: Keys.order('ord_1') }).rejects(Object.assign(new Error('slow down'), { name: 'ProvisionedThroughputExceededException' }));
    expect((await call({ decision: 'approve' })).status).toBe(500);
  });
});
