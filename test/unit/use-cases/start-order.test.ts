/** start-order: one workflow execution per order; a duplicate start is a no-op. */
import { describe, expect, it } from 'vitest';
import { startOrder } from '../../../functions/use-cases/start-order.ts';
import { world } from './fixtures.ts';

describe('startOrder', () => {
  it('starts the order’s execution', async () => {
    const w = world();
    expect(await startOrder({ orderId: 'ord_1' }, w.deps)).toBe(true);
    expect(w.state.workflowCalls).toEqual([{ op: 'start', args: ['ord_1'] }]);
    expect([...w.state.executions]).toEqual(['ord_1']);
    expect(w.state.logged).toEqual([]);
  });

  it('treats a second start (a redelivered message) as success that started nothing, and logs it', async () => {
    const w = world();
    await startOrder({ orderId: 'ord_1' }, w.deps);
    expect(await startOrder({ orderId: 'ord_1' }, w.deps)).toBe(false);
    expect([...w.state.executions]).toEqual(['ord_1']);
    expect(w.state.logged).toEqual([{ message: 'execution exists already', fields: { orderId: 'ord_1' } }]);
  });

  it('lets a workflow fault propagate so the message is retried', async () => {
    const w = world();
    const deps = { ...w.deps, workflow: { ...w.deps.workflow, start: () => Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })) } };
    await expect(startOrder({ orderId: 'ord_1' }, deps)).rejects.toMatchObject({ name: 'ThrottlingException' });
  });
});
