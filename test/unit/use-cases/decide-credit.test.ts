/** decide-credit: finance's decision answers the credit-review wait; every refusal changes nothing. */
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../functions/errors.ts';
import { statusOf } from '../../../functions/runtime/errors.ts';
import { decideCreditReview } from '../../../functions/use-cases/decide-credit.ts';
import { testOrder } from '../../support/orders.ts';
import { NOW, world } from './fixtures.ts';

const FINANCE = 'arn:aws:iam::000000000000:user/fiona';

async function waiting() {
  const w = world();
  w.putOrder(testOrder('ord_1', 'credit_hold', { reason: 'over credit limit within the review band' }));
  await w.deps.tokens.store('ord_1', 'credit-review', 'tok-cr', NOW);
  return w;
}

/** The error the call failed with, after checking nothing was answered, deleted or recorded. */
async function refused(w: ReturnType<typeof world>, orderId = 'ord_1') {
  const tokens = new Map(w.state.tokens);
  const error = await decideCreditReview({ orderId, decision: 'approve', actor: FINANCE }, w.deps).catch((e: unknown) => e);
  expect(w.state.workflowCalls).toEqual([]);
  expect(w.state.tokens).toEqual(tokens);
  expect(w.state.events.get(orderId)).toBeUndefined();
  return error as Error & { code?: string };
}

describe('decideCreditReview', () => {
  it('answers the wait with {decision, note}, deletes the token and records who decided, leaving the move to the workflow', async () => {
    const w = await waiting();
    expect(await decideCreditReview({ orderId: 'ord_1', decision: 'approve', note: 'known customer', actor: FINANCE }, w.deps)).toEqual({ orderId: 'ord_1', decision: 'approve' });
    expect(w.state.workflowCalls).toEqual([{ op: 'complete', args: ['tok-cr', { decision: 'approve', note: 'known customer' }] }]);
    expect(w.tokenOf('ord_1', 'credit-review')).toBeUndefined();
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'credit-decision', detail: `approve by ${FINANCE}: known customer` }]);
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'credit_hold', version: 1 });
  });

  it('passes a rejection without a note as an empty note', async () => {
    const w = await waiting();
    await decideCreditReview({ orderId: 'ord_1', decision: 'reject', actor: 'api key' }, w.deps);
    expect(w.state.workflowCalls).toEqual([{ op: 'complete', args: ['tok-cr', { decision: 'reject', note: '' }] }]);
    expect(w.state.events.get('ord_1')?.[0]?.detail).toBe('reject by api key');
  });

  it('refuses an unknown order with a 404 OrderNotFound', async () => {
    const error = await refused(await waiting(), 'ord_nope');
    expect(error.name).toBe('OrderNotFound');
    expect(statusOf(error)).toBe(404);
  });

  it('refuses an order that is not on credit hold with a 409 NotOnHold', async () => {
    const w = await waiting();
    w.putOrder(testOrder('ord_1', 'confirmed'));
    const error = await refused(w);
    expect(error).toBeInstanceOf(ConflictError);
    expect([error.name, statusOf(error), error.message]).toEqual(['NotOnHold', 409, 'order ord_1 is confirmed, not on credit hold']);
  });

  it('refuses with a 409 ReviewNotOpen while the review’s token is not stored yet', async () => {
    const w = world();
    w.putOrder(testOrder('ord_1', 'credit_hold'));
    const error = await refused(w);
    expect([error.name, statusOf(error)]).toEqual(['ReviewNotOpen', 409]);
  });

  it('refuses with a 409 ReviewClosed when the token is spent (the wait timed out), keeping the token', async () => {
    const w = await waiting();
    w.state.spentTokens.add('tok-cr');
    const error = await refused(w);
    expect([error.name, statusOf(error)]).toEqual(['ReviewClosed', 409]);
  });

  it('refuses a second decision once the first closed the review', async () => {
    const w = await waiting();
    await decideCreditReview({ orderId: 'ord_1', decision: 'approve', actor: FINANCE }, w.deps);
    await expect(decideCreditReview({ orderId: 'ord_1', decision: 'reject', actor: FINANCE }, w.deps)).rejects.toMatchObject({ name: 'ReviewNotOpen' });
    expect(w.state.workflowCalls).toHaveLength(1);
  });

  it('does not turn a fault of the workflow into a conflict: it propagates and the token is kept for a retry', async () => {
    const w = await waiting();
    const deps = { ...w.deps, workflow: { ...w.deps.workflow, complete: () => Promise.reject(Object.assign(new Error('boom'), { name: 'ServiceUnavailable' })) } };
    const error = await decideCreditReview({ orderId: 'ord_1', decision: 'approve', actor: FINANCE }, deps).catch((e: unknown) => e);
    expect(statusOf(error)).toBe(500);
    expect(w.tokenOf('ord_1', 'credit-review')).toBe('tok-cr');
  });
});
