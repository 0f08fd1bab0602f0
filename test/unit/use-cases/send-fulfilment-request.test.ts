/**
 * send-fulfilment-request: a 2xx is done, a 4xx fails the fulfilment wait with the warehouse's reason
 * (WarehouseFailed, report-shipment's path), a 5xx throws for SQS to retry; a redelivered message is the same
 * request, and a refusal after the wait was answered changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { fulfilmentRequest } from '../../../functions/domain/fulfilment.ts';
import { WarehouseUnavailable } from '../../../functions/errors.ts';
import type { WarehouseAnswer, WarehouseWebhook } from '../../../functions/ports.ts';
import { sendFulfilmentRequest } from '../../../functions/use-cases/send-fulfilment-request.ts';
import { testOrder } from '../../support/orders.ts';
import { NOW, world } from './fixtures.ts';

const order = testOrder('ord_1', 'fulfilling');
const request = fulfilmentRequest(order, { carrier: 'DPD', service: 'Next Day', cost: 599, meetsPromise: true, weightGrams: 1_500 }, 'https://api.o2c.example', NOW);

/** A webhook that answers from a script (an Error entry is thrown, as the adapter throws on 5xx) and keeps what it was given. */
function scripted(...answers: (WarehouseAnswer | Error)[]): WarehouseWebhook & { delivered: unknown[] } {
  const delivered: unknown[] = [];
  return {
    delivered,
    async deliver(r) {
      delivered.push(structuredClone(r));
      const next = answers.shift() ?? { kind: 'accepted', status: 202 };
      if (next instanceof Error) throw next;
      return next;
    },
  };
}

async function waiting(webhook: WarehouseWebhook | undefined) {
  const w = world();
  w.putOrder(order);
  await w.deps.tokens.store('ord_1', 'fulfilment', 'tok-f', NOW);
  return { w, deps: { ...w.deps, webhook } };
}

describe('sendFulfilmentRequest', () => {
  it('2xx: delivered once, on the timeline; the wait stays open for the shipment', async () => {
    const webhook = scripted({ kind: 'accepted', status: 202 });
    const { w, deps } = await waiting(webhook);
    expect(await sendFulfilmentRequest({ request }, deps)).toBe('accepted');
    expect(webhook.delivered).toEqual([request]);
    expect(w.state.workflowCalls).toEqual([]);
    expect(w.tokenOf('ord_1', 'fulfilment')).toBeDefined();
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'warehouse-request', detail: 'accepted by the warehouse (HTTP 202)' }]);
  });

  it("4xx: the fulfilment fails with the warehouse's reason (SendTaskFailure WarehouseFailed through the stored token)", async () => {
    const { w, deps } = await waiting(scripted({ kind: 'refused', status: 422, reason: 'SKU MUG-01 is not stocked here' }));
    expect(await sendFulfilmentRequest({ request }, deps)).toBe('refused');
    const reason = 'the warehouse refused the fulfilment request (HTTP 422): SKU MUG-01 is not stocked here';
    expect(w.state.workflowCalls).toEqual([{ op: 'fail', args: ['tok-f', 'WarehouseFailed', reason] }]);
    expect(w.tokenOf('ord_1', 'fulfilment')).toBeUndefined();
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'warehouse', detail: `failed: ${reason}` }]);
  });

  it('5xx or network: throws (WarehouseUnavailable, retryable), so SQS retries; nothing is answered or recorded', async () => {
    const { w, deps } = await waiting(scripted(new WarehouseUnavailable('the warehouse webhook answered HTTP 503; the request is retried')));
    const error = await sendFulfilmentRequest({ request }, deps).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'WarehouseUnavailable', kind: 'retryable' });
    expect(w.state.workflowCalls).toEqual([]);
    expect(w.tokenOf('ord_1', 'fulfilment')).toBe('tok-f');
    expect(w.state.events.get('ord_1')).toBeUndefined();
  });

  it('a redelivered message after a 5xx is the same request, delivered again, and then accepted', async () => {
    const webhook = scripted(new WarehouseUnavailable('HTTP 502'), { kind: 'accepted', status: 200 });
    const { deps } = await waiting(webhook);
    await expect(sendFulfilmentRequest({ request }, deps)).rejects.toThrow(WarehouseUnavailable);
    expect(await sendFulfilmentRequest({ request }, deps)).toBe('accepted');
    expect(webhook.delivered).toEqual([request, request]);
  });

  it('a redelivery after the warehouse answered (shipped or failed): nothing is sent, nothing changes', async () => {
    const webhook = scripted();
    const { w, deps } = await waiting(webhook);
    await w.deps.tokens.delete('ord_1', 'fulfilment');
    expect(await sendFulfilmentRequest({ request }, deps)).toBe('not-waiting');
    w.putOrder(testOrder('ord_1', 'cancelled'));
    expect(await sendFulfilmentRequest({ request }, deps)).toBe('not-waiting');
    expect(webhook.delivered).toEqual([]);
    expect(w.state.workflowCalls).toEqual([]);
  });

  it('a redelivery after the first delivery gave the refusal and died before recording it (the order rejected meanwhile): the warehouse is not asked again, the token is forgotten and the line written once', async () => {
    const webhook = scripted({ kind: 'refused', status: 422, reason: 'SKU MUG-01 is not stocked here' });
    const { w, deps } = await waiting(webhook);
    const dying = { ...deps, tokens: { ...deps.tokens, delete: async () => Promise.reject(new Error('the process died')) } };
    await expect(sendFulfilmentRequest({ request }, dying)).rejects.toThrow('the process died');
    // The workflow took the failure and rejected the order; its token is spent.
    w.state.spentTokens.add('tok-f');
    w.putOrder(testOrder('ord_1', 'rejected'));
    expect(await sendFulfilmentRequest({ request }, deps)).toBe('not-waiting');
    const reason = 'the warehouse refused the fulfilment request (HTTP 422): SKU MUG-01 is not stocked here';
    expect(webhook.delivered).toHaveLength(1);
    expect(w.state.workflowCalls).toEqual([{ op: 'fail', args: ['tok-f', 'WarehouseFailed', reason] }]);
    expect(w.tokenOf('ord_1', 'fulfilment')).toBeUndefined();
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'warehouse', detail: `failed: ${reason}` }]);
    // And once more: nothing left to finish.
    expect(await sendFulfilmentRequest({ request }, deps)).toBe('not-waiting');
    expect(w.state.events.get('ord_1')).toHaveLength(1);
  });

  it('a 4xx for a wait answered meanwhile (the shipment came first) changes nothing', async () => {
    const { w, deps } = await waiting(scripted({ kind: 'refused', status: 409, reason: 'duplicate' }));
    w.state.spentTokens.add('tok-f'); // the warehouse's callback answered the wait while the request was in flight
    expect(await sendFulfilmentRequest({ request }, deps)).toBe('refused-after-answer');
    expect(w.state.workflowCalls).toEqual([]);
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'fulfilling', version: 1 });
  });

  it('without a configured webhook there is nothing to deliver (the bus event was the hand-off)', async () => {
    const { w, deps } = await waiting(undefined);
    expect(await sendFulfilmentRequest({ request }, deps)).toBe('no-webhook');
    expect(w.state.workflowCalls).toEqual([]);
  });
});
