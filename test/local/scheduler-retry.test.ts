/** The local scheduler retries a failed run as EventBridge Scheduler does: up to the target's MaximumRetryAttempts. */
import { describe, expect, it } from 'vitest';
import type { FunctionHost } from '../../local/functions.ts';
import { runSchedule, withContextAttributes } from '../../local/scheduler.ts';

const failing = (failures: number) => {
  let calls = 0;
  const inputs: unknown[] = [];
  const host = { invoke: async (_fn: string, input: unknown) => (inputs.push(input), ++calls <= failures ? Promise.reject(Object.assign(new Error('died'), { name: 'Lambda.Unknown' })) : { input, calls }) } as unknown as FunctionHost;
  return { host, calls: () => calls, inputs };
};

describe('runSchedule', () => {
  it('runs a failed target again with the same input, up to the retry attempts', async () => {
    const { host, calls } = failing(2);
    expect(await runSchedule({ fn: 'Dunning', retryAttempts: 2 }, { asOf: '2027-01-21' }, host, 1)).toEqual({ input: { asOf: '2027-01-21' }, calls: 3 });
    expect(calls()).toBe(3);
  });

  it('gives up after the last attempt with its error', async () => {
    const { host, calls } = failing(5);
    await expect(runSchedule({ fn: 'Dunning', retryAttempts: 2 }, {}, host, 1)).rejects.toMatchObject({ name: 'Lambda.Unknown' });
    expect(calls()).toBe(3);
  });

  it("fills in the scheduler's context attributes: the scheduled time the same on every retry of the run (plan-dunning's run id), the attempt its own", async () => {
    const { host, inputs } = failing(2);
    const input = { asOf: '2027-01-21', scheduledTime: '<aws.scheduler.scheduled-time>', attempt: '<aws.scheduler.attempt-number>', id: '<aws.scheduler.execution-id>' };
    await runSchedule({ fn: 'Dunning', retryAttempts: 2 }, input, host, 1, new Date('2027-01-21T06:00:00.000Z'));
    expect(inputs.map((i) => (i as typeof input).scheduledTime)).toEqual(['2027-01-21T06:00:00Z', '2027-01-21T06:00:00Z', '2027-01-21T06:00:00Z']);
    expect(inputs.map((i) => (i as typeof input).attempt)).toEqual(['1', '2', '3']);
    expect(new Set(inputs.map((i) => (i as typeof input).id)).size).toBe(3);
    expect(inputs.map((i) => (i as typeof input).asOf)).toEqual(['2027-01-21', '2027-01-21', '2027-01-21']);
    // Two runs are two scheduled times.
    const again = failing(0);
    await runSchedule({ fn: 'Dunning', retryAttempts: 2 }, input, again.host, 1, new Date('2027-01-22T06:00:00.000Z'));
    expect((again.inputs[0] as typeof input).scheduledTime).toBe('2027-01-22T06:00:00Z');
    expect(withContextAttributes({ kind: 'flash' }, { scheduleArn: 'arn', scheduledTime: 't', executionId: 'e', attempt: 1 })).toEqual({ kind: 'flash' });
  });
});
