/** decide-credit: finance's decision answers the credit-review wait; every refusal changes nothing. */
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../functions/errors.ts';
import type { StoredCustomer } from '../../../functions/ports.ts';
import { statusOf } from '../../../functions/runtime/errors.ts';
import { decideCreditReview } from '../../../functions/use-cases/decide-credit.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { invoiceFor, NOW, world } from './fixtures.ts';

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

  it('answers the same decision sent again after its first attempt died having given it, once the workflow moved the order: 200, nothing given twice', async () => {
    const w = await waiting();
    // The first attempt noted and gave its decision, then died before forgetting the token; the workflow rejected the order.
    const dying = { ...w.deps, tokens: { ...w.deps.tokens, delete: async () => Promise.reject(new Error('the process died')) } };
    const decision = { orderId: 'ord_1', decision: 'reject' as const, reason: 'credit-limit' as const, note: 'first order', actor: FINANCE };
    await expect(decideCreditReview(decision, dying)).rejects.toThrow('the process died');
    w.putOrder(testOrder('ord_1', 'rejected'));
    w.state.spentTokens.add('tok-cr');
    // Finance sends the same decision again: it is the one that stands.
    expect(await decideCreditReview(decision, w.deps)).toEqual({ orderId: 'ord_1', decision: 'reject' });
    expect(w.tokenOf('ord_1', 'credit-review')).toBeUndefined();
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'credit-decision', detail: `reject by ${FINANCE} (credit-limit): first order` }]);
    // Once more, after that: the review is closed, and the order says what became of it.
    await expect(decideCreditReview(decision, w.deps)).rejects.toMatchObject({ name: 'NotOnHold', message: 'order ord_1 is rejected, not on credit hold' });
  });

  it('refuses another decision after a first attempt died having given its own, saying which decision stands (409)', async () => {
    const w = await waiting();
    const dying = { ...w.deps, tokens: { ...w.deps.tokens, delete: async () => Promise.reject(new Error('the process died')) } };
    await expect(decideCreditReview({ orderId: 'ord_1', decision: 'reject', reason: 'credit-limit', actor: FINANCE }, dying)).rejects.toThrow('the process died');
    w.putOrder(testOrder('ord_1', 'rejected'));
    w.state.spentTokens.add('tok-cr');
    const error = (await decideCreditReview({ orderId: 'ord_1', decision: 'approve', actor: 'arn:aws:iam::000000000000:user/sam' }, w.deps).catch((e: unknown) => e)) as Error;
    expect([error.name, statusOf(error), error.message]).toEqual(['NotOnHold', 409, `order ord_1 is rejected, not on credit hold; the answer given first: reject by ${FINANCE} (credit-limit)`]);
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'credit-decision', detail: `reject by ${FINANCE} (credit-limit)` }]);
  });

  it('does not turn a fault of the workflow into a conflict: it propagates and the token is kept for a retry', async () => {
    const w = await waiting();
    const deps = { ...w.deps, workflow: { ...w.deps.workflow, complete: () => Promise.reject(Object.assign(new Error('boom'), { name: 'ServiceUnavailable' })) } };
    const error = await decideCreditReview({ orderId: 'ord_1', decision: 'approve', actor: FINANCE }, deps).catch((e: unknown) => e);
    expect(statusOf(error)).toBe(500);
    expect(w.tokenOf('ord_1', 'credit-review')).toBe('tok-cr');
  });
});

describe('decideCreditReview: time-boxed approvals and reasons', () => {
  /** cus_1, limit £100.00, £50.00 open; ord_1 (£38.98) held: exposure with it £88.98. Today is 2026-11-22. */
  async function held() {
    const w = await waiting();
    w.putCustomer(testCustomer('cus_1', { creditLimit: 10_000 }));
    w.putInvoice(invoiceFor(testOrder('ord_a', 'invoiced'), { sequence: 1, balance: 5_000 }));
    return w;
  }
  const approveUpTo = (amount: number, until: string, currency = 'GBP') => ({ orderId: 'ord_1', decision: 'approve' as const, upTo: { amount, currency }, until, note: 'seasonal stock', actor: FINANCE });

  it('approves this order and, up to £500.00 of exposure until 2026-12-31, the customer’s later orders: written on the customer, audited, told to the workflow', async () => {
    const w = await held();
    const answer = await decideCreditReview(approveUpTo(50_000, '2026-12-31'), w.deps);
    const approval = { upTo: 50_000, currency: 'GBP', until: '2026-12-31', by: FINANCE, at: NOW, orderId: 'ord_1', note: 'seasonal stock' };
    expect(answer).toEqual({ orderId: 'ord_1', decision: 'approve', approval });
    expect((w.state.customers.get('cus_1') as StoredCustomer | undefined)?.creditApproval).toEqual(approval);
    expect(w.state.audit.at(-1)).toMatchObject({ actor: FINANCE, action: 'credit-approval', entity: 'customer:cus_1', after: { creditApproval: approval }, reason: 'seasonal stock' });
    expect(w.state.workflowCalls).toEqual([{ op: 'complete', args: ['tok-cr', { decision: 'approve', note: 'seasonal stock' }] }]);
    expect(w.state.events.get('ord_1')?.[0]?.detail).toBe(`approve by ${FINANCE} up to £500.00 until 2026-12-31: seasonal stock`);
  });

  it('writes the approval once when finance sends the same decision again after a lost answer', async () => {
    const w = await held();
    await w.deps.customers.update(w.state.customers.get('cus_1')! as never, { ...w.state.customers.get('cus_1')!, creditApproval: { upTo: 50_000, currency: 'GBP', until: '2026-12-31', by: FINANCE, at: NOW, orderId: 'ord_1' } } as never, { at: NOW, actor: FINANCE, action: 'credit-approval', entity: 'customer:cus_1' });
    const audited = w.state.audit.length;
    await decideCreditReview(approveUpTo(50_000, '2026-12-31'), w.deps);
    expect(w.state.audit.length).toBe(audited);
  });

  it.each([
    ['a last day that has passed', approveUpTo(50_000, '2026-11-21'), 'until: 2026-11-21 has passed (today is 2026-11-22)'],
    ['more than a year ahead', approveUpTo(50_000, '2027-11-24'), 'until: an approval may run at most 366 days, until 2027-11-23'],
    ['another currency than the limit’s', approveUpTo(50_000, '2026-12-31', 'EUR'), "upTo.currency: the customer's credit is in GBP, not EUR"],
    ['an amount short of this order’s exposure', approveUpTo(8_897, '2026-12-31'), "upTo.amount: £88.97 does not cover this order: the customer's exposure with it is £88.98"],
  ])('refuses an approval with %s (422, in words), answering and writing nothing', async (_what, input, words) => {
    const w = await held();
    const error = (await decideCreditReview(input, w.deps).catch((e: unknown) => e)) as Error;
    expect(statusOf(error)).toBe(422);
    expect(error.message).toContain(words);
    expect(w.state.workflowCalls).toEqual([]);
    expect((w.state.customers.get('cus_1') as StoredCustomer | undefined)?.creditApproval).toBeUndefined();
  });

  it.each([
    ['an amount without a last day', { orderId: 'ord_1', decision: 'approve' as const, upTo: { amount: 1, currency: 'GBP' }, actor: FINANCE }, 'until: an approval beyond this order needs both'],
    ['a reason with an approval', { orderId: 'ord_1', decision: 'approve' as const, reason: 'credit-limit' as const, actor: FINANCE }, 'reason: a reason is given only with a rejection'],
    ['an amount with a rejection', { orderId: 'ord_1', decision: 'reject' as const, upTo: { amount: 1, currency: 'GBP' }, until: '2026-12-31', actor: FINANCE }, 'upTo: only an approval has an amount'],
  ])('refuses %s (422)', async (_what, input, words) => {
    const w = await held();
    const error = (await decideCreditReview(input, w.deps).catch((e: unknown) => e)) as Error;
    expect(statusOf(error)).toBe(422);
    expect(error.message).toContain(words);
    expect(w.state.workflowCalls).toEqual([]);
  });

  it('passes the rejection’s reason code on to the workflow (reject-order tells the customer), the note stays finance’s', async () => {
    const w = await held();
    await decideCreditReview({ orderId: 'ord_1', decision: 'reject', reason: 'overdue-balance', note: 'two invoices 60 days late', actor: FINANCE }, w.deps);
    expect(w.state.workflowCalls).toEqual([{ op: 'complete', args: ['tok-cr', { decision: 'reject', note: 'two invoices 60 days late', reason: 'overdue-balance' }] }]);
    expect(w.state.events.get('ord_1')?.[0]?.detail).toBe(`reject by ${FINANCE} (overdue-balance): two invoices 60 days late`);
  });
});
