/** The local scheduler retries a failed run as EventBridge Scheduler does: up to the target's MaximumRetryAttempts. */
import { describe, expect, it } from 'vitest';
import type { FunctionHost } from '../../local/functions.ts';
import { runSchedule } from '../../local/scheduler.ts';

const failing = (failures: number) => {
  let calls = 0;
  const host = { invoke: async (_fn: string, input: unknown) => (++calls <= failures ? Promise.reject(Object.assign(new Error('died'), { name: 'Lambda.Unknown' })) : { input, calls }) } as unknown as FunctionHost;
  return { host, calls: () => calls };
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
});
