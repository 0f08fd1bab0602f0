/** cancel-order: before shipment the goods are stopped; after it a credit note is asked for; an unseen order is recorded cancelled. */
import { describe, expect, it } from 'vitest';
import { customerId, orderId } from '../../../functions/domain/ids.ts';
import type { OrderStatus } from '../../../functions/domain/model.ts';
import { acceptOrder } from '../../../functions/use-cases/accept-order.ts';
import { cancelOrder } from '../../../functions/use-cases/cancel-order.ts';
import { testOrder } from '../../support/orders.ts';
import { BOOK, draft, MUG, NOW, world } from './fixtures.ts';

const SHOP = 'acme.myshopify.com';
const ORDER_ID = orderId('shopify', SHOP, '450789469');
const source = { platform: 'shopify' as const, externalId: '450789469', shop: SHOP, reference: '#1042' };
const cancel = (w: ReturnType<typeof world>, reason = 'customer changed their mind') => cancelOrder({ draft: draft(), platform: 'shopify', reason, receivedAt: NOW }, w.deps);

/** The order in `status`, with its workflow running and (before shipment) 2 mugs and a book held for it. */
async function given(status: OrderStatus) {
  const w = world();
  w.putProduct(MUG);
  w.putProduct(BOOK);
  w.putOrder(testOrder(ORDER_ID, status, { source }));
  await w.deps.workflow.start(ORDER_ID);
  await w.deps.catalog.reserve(ORDER_ID, new Map([['MUG-01', 2], ['BOOK-7', 1]]), NOW);
  if (['shipped', 'invoiced', 'paid', 'closed'].includes(status)) await w.deps.catalog.ship(ORDER_ID);
  w.state.workflowCalls.length = 0;
  return w;
}

describe('cancelOrder', () => {
  it('before shipment stops the workflow with the reason, moves the order to cancelled and puts its stock back', async () => {
    const w = await given('confirmed');
    expect(w.state.products.get('MUG-01')?.onHand).toBe(8);

    expect(await cancel(w)).toEqual({ orderId: ORDER_ID, outcome: 'cancelled' });
    expect(w.state.workflowCalls).toEqual([{ op: 'stop', args: [ORDER_ID, 'customer changed their mind'] }]);
    expect(w.state.orders.get(ORDER_ID)).toMatchObject({ status: 'cancelled', reason: 'customer changed their mind', version: 2 });
    expect(w.state.events.get(ORDER_ID)?.at(-1)).toEqual({ at: NOW, step: 'cancel', status: 'cancelled', detail: 'customer changed their mind' });
    expect(w.state.products.get('MUG-01')?.onHand).toBe(10);
    expect(w.state.products.get('BOOK-7')?.onHand).toBe(10);
  });

  it.each<OrderStatus>(['received', 'backordered', 'validated', 'credit_hold', 'approved', 'confirmed', 'fulfilling'])('cancels an order that is %s (nothing shipped yet)', async (status) => {
    const w = await given(status);
    expect((await cancel(w)).outcome).toBe('cancelled');
    expect(w.state.orders.get(ORDER_ID)?.status).toBe('cancelled');
  });

  it.each<OrderStatus>(['shipped', 'invoiced', 'paid'])('after shipment (%s) keeps the status, asks for a credit note, and neither stops the workflow nor touches stock', async (status) => {
    const w = await given(status);
    expect(await cancel(w, 'arrived broken')).toEqual({ orderId: ORDER_ID, outcome: 'credit-note-requested' });
    expect(w.state.orders.get(ORDER_ID)).toMatchObject({ status, cancellationRequested: 'arrived broken', creditNoteRequested: true, version: 2 });
    expect(w.state.events.get(ORDER_ID)?.at(-1)).toEqual({ at: NOW, step: 'cancel-after-shipment', detail: 'arrived broken: credit note needed' });
    expect(w.state.workflowCalls).toEqual([]);
    expect(w.state.products.get('MUG-01')?.onHand).toBe(8);
    expect([...w.state.reservations.get(ORDER_ID)!.values()].map((r) => r.state)).toEqual(['shipped', 'shipped']);
  });

  it('records an order o2c has not seen as cancelled, with its customer, so a late create finds it and does nothing', async () => {
    const w = world();
    expect(await cancel(w)).toEqual({ orderId: ORDER_ID, outcome: 'recorded-cancelled' });
    expect(w.state.orders.get(ORDER_ID)).toMatchObject({ status: 'cancelled', source, totals: { total: 3898 } });
    expect(w.state.customers.get(customerId(SHOP, 'ada@example.com'))).toMatchObject({ email: 'ada@example.com', creditLimit: 0 });
    expect(w.state.workflowCalls).toEqual([]);

    expect(await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: NOW }, w.deps)).toEqual({ orderId: ORDER_ID, created: false });
    expect(w.state.orders.get(ORDER_ID)).toMatchObject({ status: 'cancelled', version: 1 });
    // …and no workflow is started for it (it would only fail and alarm finance).
    expect(w.deps.orderQueue.sent).toEqual([]);
  });

  it('a repeated cancellation before shipment changes nothing: no second stop, no new version or event', async () => {
    const w = await given('approved');
    await cancel(w);
    const after = structuredClone(w.state.orders.get(ORDER_ID));
    const events = w.state.events.get(ORDER_ID)!.length;
    expect(await cancel(w, 'again')).toEqual({ orderId: ORDER_ID, outcome: 'already-cancelled' });
    expect(w.state.orders.get(ORDER_ID)).toEqual(after);
    expect(w.state.events.get(ORDER_ID)).toHaveLength(events);
    expect(w.state.workflowCalls.filter((c) => c.op === 'stop')).toHaveLength(1);
  });

  it('a repeated cancellation of an order never seen stays recorded once', async () => {
    const w = world();
    await cancel(w);
    expect(await cancel(w)).toEqual({ orderId: ORDER_ID, outcome: 'already-cancelled' });
    expect(w.state.orders.get(ORDER_ID)).toMatchObject({ status: 'cancelled', version: 1 });
  });

  it('a repeated cancellation after shipment changes nothing: the credit note is asked for once', async () => {
    const w = await given('shipped');
    await cancel(w, 'arrived broken');
    const after = structuredClone(w.state.orders.get(ORDER_ID));
    const events = w.state.events.get(ORDER_ID)!.length;
    expect(await cancel(w, 'arrived broken')).toEqual({ orderId: ORDER_ID, outcome: 'credit-note-requested' });
    expect(w.state.orders.get(ORDER_ID)).toEqual(after);
    expect(w.state.events.get(ORDER_ID)).toHaveLength(events);
  });
});
