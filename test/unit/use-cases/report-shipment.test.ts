/** report-shipment: the warehouse's answer goes to the fulfilment wait; refusals change nothing. */
import { describe, expect, it } from 'vitest';
import { statusOf } from '../../../functions/runtime/errors.ts';
import { reportShipment } from '../../../functions/use-cases/report-shipment.ts';
import { testOrder } from '../../support/orders.ts';
import { NOW, world } from './fixtures.ts';

const shipment = { carrier: 'DPD', service: 'Next Day', trackingNumber: '1Z999', shippedAt: '2026-11-22T09:00:00Z' };

async function waiting() {
  const w = world();
  w.putOrder(testOrder('ord_1', 'fulfilling'));
  await w.deps.tokens.store('ord_1', 'fulfilment', 'tok-f', NOW);
  return w;
}

async function refused(w: ReturnType<typeof world>, orderId = 'ord_1') {
  const tokens = new Map(w.state.tokens);
  const error = await reportShipment({ orderId, report: shipment }, w.deps).catch((e: unknown) => e);
  expect(w.state.workflowCalls).toEqual([]);
  expect(w.state.tokens).toEqual(tokens);
  expect(w.state.events.get(orderId)).toBeUndefined();
  return error as Error;
}

describe('reportShipment', () => {
  it('answers the wait with the shipment, deletes the token and records the event (the workflow moves the order)', async () => {
    const w = await waiting();
    expect(await reportShipment({ orderId: 'ord_1', report: shipment }, w.deps)).toEqual({ orderId: 'ord_1', accepted: 'shipment' });
    expect(w.state.workflowCalls).toEqual([{ op: 'complete', args: ['tok-f', shipment] }]);
    expect(w.tokenOf('ord_1', 'fulfilment')).toBeUndefined();
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'warehouse', detail: 'DPD 1Z999' }]);
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'fulfilling', version: 1 });
  });

  it('finishes the work of a first attempt that answered the wait and died before forgetting the token: the retry records the one event and deletes the token', async () => {
    const w = await waiting();
    // The first attempt: noted its answer, the workflow took it (the token is spent), and then the process died.
    const failing = { ...w.deps, tokens: { ...w.deps.tokens, delete: async () => Promise.reject(new Error('the process died')) } };
    await expect(reportShipment({ orderId: 'ord_1', report: shipment }, failing)).rejects.toThrow('the process died');
    expect(w.tokenOf('ord_1', 'fulfilment')).toBe('tok-f');
    // The warehouse sends the same report again: accepted, the workflow not answered twice.
    expect(await reportShipment({ orderId: 'ord_1', report: shipment }, w.deps)).toEqual({ orderId: 'ord_1', accepted: 'shipment' });
    expect(w.state.workflowCalls).toEqual([{ op: 'complete', args: ['tok-f', shipment] }]);
    expect(w.tokenOf('ord_1', 'fulfilment')).toBeUndefined();
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'warehouse', detail: 'DPD 1Z999' }]);
  });

  it('gives the workflow a first answer whose caller died before giving it, then refuses a different one (409): the wait is not left open', async () => {
    const w = await waiting();
    // The warehouse's first report was noted on the token, and its request died before the workflow heard it …
    const first = { ...shipment, trackingNumber: '1Z111' };
    const dying = { ...w.deps, workflow: { ...w.deps.workflow, complete: async () => Promise.reject(new Error('the process died')) } };
    await expect(reportShipment({ orderId: 'ord_1', report: first }, dying)).rejects.toThrow('the process died');
    // … its report again, regenerated (another tracking number): the first answer goes to the workflow, this one is refused.
    const error = (await reportShipment({ orderId: 'ord_1', report: shipment }, w.deps).catch((e: unknown) => e)) as Error;
    expect([error.name, statusOf(error), error.message]).toEqual(['NotAwaitingShipment', 409, 'the fulfilment wait of order ord_1 has already ended; the answer given first: DPD 1Z111']);
    expect(w.state.workflowCalls).toEqual([{ op: 'complete', args: ['tok-f', first] }]);
    expect(w.tokenOf('ord_1', 'fulfilment')).toBeUndefined();
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'warehouse', detail: 'DPD 1Z111' }]);
    // Sent once more: the wait is closed now, nothing is given again.
    expect(await reportShipment({ orderId: 'ord_1', report: shipment }, w.deps).catch((e: Error) => e.name)).toBe('NotAwaitingShipment');
    expect(w.state.workflowCalls).toHaveLength(1);
  });

  it('reports a warehouse failure as fail(token, "WarehouseFailed", reason)', async () => {
    const w = await waiting();
    expect(await reportShipment({ orderId: 'ord_1', report: { failed: true, reason: 'damaged in picking' } }, w.deps)).toEqual({ orderId: 'ord_1', accepted: 'failure' });
    expect(w.state.workflowCalls).toEqual([{ op: 'fail', args: ['tok-f', 'WarehouseFailed', 'damaged in picking'] }]);
    expect(w.tokenOf('ord_1', 'fulfilment')).toBeUndefined();
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'warehouse', detail: 'failed: damaged in picking' }]);
  });

  it('refuses an unknown order with a 404 OrderNotFound', async () => {
    const error = await refused(await waiting(), 'ord_nope');
    expect([error.name, statusOf(error)]).toEqual(['OrderNotFound', 404]);
  });

  it('refuses with a 409 NotAwaitingShipment when no fulfilment wait is open', async () => {
    const w = world();
    w.putOrder(testOrder('ord_1', 'confirmed'));
    const error = await refused(w);
    expect([error.name, statusOf(error)]).toEqual(['NotAwaitingShipment', 409]);
  });

  it('refuses with a 409 NotAwaitingShipment when the token is spent (timed out)', async () => {
    const w = await waiting();
    w.state.spentTokens.add('tok-f');
    const error = await refused(w);
    expect([error.name, statusOf(error), error.message]).toEqual(['NotAwaitingShipment', 409, 'the fulfilment wait of order ord_1 has already ended']);
  });

  it('answers a second report with a 409 and does not call the workflow again', async () => {
    const w = await waiting();
    await reportShipment({ orderId: 'ord_1', report: shipment }, w.deps);
    await expect(reportShipment({ orderId: 'ord_1', report: shipment }, w.deps)).rejects.toMatchObject({ name: 'NotAwaitingShipment' });
    expect(w.state.workflowCalls).toHaveLength(1);
    expect(w.state.events.get('ord_1')).toHaveLength(1);
  });
});
