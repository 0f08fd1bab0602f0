/** start-order: one execution per order, named after it; a duplicate start is success, a fault is retried. */
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lambdaContext, setTestEnv, sfnError, sqsEvent } from './support.ts';

const sfn = mockClient(SFNClient);
let mod: typeof import('../../../../functions/handlers/start-order.ts');

beforeAll(async () => {
  setTestEnv();
  mod = await import('../../../../functions/handlers/start-order.ts');
});
beforeEach(() => sfn.reset());

describe('start-order', () => {
  it('starts the workflow named after the order with {orderId} as input', async () => {
    sfn.on(StartExecutionCommand).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    expect(await mod.startOrder({ orderId: 'ord_1' })).toBe(true);
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: process.env.STATE_MACHINE_ARN,
      name: 'ord_1',
      input: JSON.stringify({ orderId: 'ord_1' }),
    });
  });

  it('treats ExecutionAlreadyExists as success (a redelivered message)', async () => {
    sfn.on(StartExecutionCommand).rejects(sfnError(ExecutionAlreadyExists, 'Execution Already Exists'));
    expect(await mod.startOrder({ orderId: 'ord_1' })).toBe(false);
    const result = await mod.handler(sqsEvent([JSON.stringify({ orderId: 'ord_1' })]), lambdaContext);
    expect(result.batchItemFailures).toEqual([]);
  });

  it('returns only the failed records to the queue: a throttled start and a poison body', async () => {
    sfn.on(StartExecutionCommand, { name: 'ord_ok' }).resolves({ executionArn: 'arn:exec', startDate: new Date() });
    sfn.on(StartExecutionCommand, { name: 'ord_slow' }).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
    const result = await mod.handler(sqsEvent([JSON.stringify({ orderId: 'ord_ok' }), JSON.stringify({ orderId: 'ord_slow' }), '{"order":1}', 'not json']), lambdaContext);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['m1', 'm2', 'm3']);
    expect(sfn.commandCalls(StartExecutionCommand).map((c) => c.args[0].input.name).sort()).toEqual(['ord_ok', 'ord_slow']);
  });
});
