/** receive-platform-event: each kind of verified webhook goes to its use case; pings and ignored topics are acknowledged. */
import { describe, expect, it } from 'vitest';
import { orderId, paymentId } from '../../../functions/domain/ids.ts';
import { receivePlatformEvent } from '../../../functions/use-cases/receive-platform-event.ts';
import { draft, NOW, world } from './fixtures.ts';

const ORDER_ID = orderId('shopify', 'acme.myshopify.com', '450789469');
const order = { ...draft(), platformTotal: 3898 };

describe('receivePlatformEvent', () => {
  it('acknowledges a ping and does nothing', async () => {
    const w = world();
    expect(await receivePlatformEvent('shopify', { kind: 'ping', topic: 'ping' }, NOW, w.deps)).toEqual({ outcome: 'acknowledged', body: { ok: true } });
    expect(w.state.orders.size + w.deps.orderQueue.sent.length + w.state.logged.length).toBe(0);
  });

  it('acknowledges a topic o2c does not act on, and logs why', async () => {
    const w = world();
    expect(await receivePlatformEvent('shopify', { kind: 'ignored', topic: 'products/update', reason: 'not an order topic' }, NOW, w.deps)).toEqual({
      outcome: 'acknowledged',
      body: { ignored: 'not an order topic', topic: 'products/update' },
    });
    expect(w.state.logged).toEqual([{ message: 'webhook ignored', fields: { platform: 'shopify', topic: 'products/update', reason: 'not an order topic' } }]);
    expect(w.state.orders.size).toBe(0);
  });

  it('accepts a new order and queues it for the workflow', async () => {
    const w = world();
    expect(await receivePlatformEvent('shopify', { kind: 'order', topic: 'orders/create', order, paid: false }, NOW, w.deps)).toEqual({
      outcome: 'acted',
      body: { orderId: ORDER_ID, duplicate: false },
    });
    expect(w.state.orders.get(ORDER_ID)).toMatchObject({ status: 'received', paymentMode: 'terms', version: 1 });
    expect(w.deps.orderQueue.sent).toEqual([{ orderId: ORDER_ID }]);
  });

  it('a new order already paid is created as the platform drafted it, without a separate "paid" change', async () => {
    const w = world();
    await receivePlatformEvent('shopify', { kind: 'order', topic: 'orders/paid', order: { ...order, paymentMode: 'prepaid' }, paid: true }, NOW, w.deps);
    expect(w.state.orders.get(ORDER_ID)).toMatchObject({ paymentMode: 'prepaid', version: 1 });
    expect(w.state.events.get(ORDER_ID)?.map((e) => e.step)).toEqual(['received']);
  });

  it('a "paid" topic for an order o2c already has marks it paid (prepaid before invoicing) and reports a duplicate', async () => {
    const w = world();
    await receivePlatformEvent('shopify', { kind: 'order', topic: 'orders/create', order, paid: false }, NOW, w.deps);
    expect(await receivePlatformEvent('shopify', { kind: 'order', topic: 'orders/paid', order, paid: true }, NOW, w.deps)).toEqual({
      outcome: 'acted',
      body: { orderId: ORDER_ID, duplicate: true },
    });
    expect(w.state.orders.get(ORDER_ID)).toMatchObject({ paymentMode: 'prepaid', version: 2 });
    expect(w.state.events.get(ORDER_ID)?.at(-1)).toMatchObject({ step: 'paid', detail: 'paid on shopify' });
    expect(w.deps.orderQueue.sent).toEqual([{ orderId: ORDER_ID }, { orderId: ORDER_ID }]);
  });

  it('cancels through cancel-order', async () => {
    const w = world();
    await receivePlatformEvent('shopify', { kind: 'order', topic: 'orders/create', order, paid: false }, NOW, w.deps);
    expect(await receivePlatformEvent('shopify', { kind: 'cancel', topic: 'orders/cancelled', order, reason: 'customer' }, NOW, w.deps)).toEqual({
      outcome: 'acted',
      body: { orderId: ORDER_ID, cancelled: true },
    });
    expect(w.state.orders.get(ORDER_ID)).toMatchObject({ status: 'cancelled', reason: 'customer' });
    expect(w.state.workflowCalls).toEqual([{ op: 'stop', args: [ORDER_ID, 'customer'] }]);
  });

  it('queues a reported payment for apply-payment under its deterministic id', async () => {
    const w = world();
    const payment = { source: 'stripe' as const, externalId: 'ch_1', amount: 3898, currency: 'GBP', receivedOn: '2026-11-22', remittance: 'INV-2026-000001' };
    const id = paymentId('stripe', 'ch_1');
    expect(await receivePlatformEvent('stripe', { kind: 'payment', topic: 'charge.succeeded', payment }, NOW, w.deps)).toEqual({ outcome: 'acted', body: { paymentId: id } });
    // Without a delivery id, with its arrival: another delivery of the same payment is a duplicate absorbed.
    expect(w.deps.paymentQueue.sent).toEqual([{ ...payment, id, deliveryId: NOW }]);
    // With the platform's (Stripe's event id): its retry, arriving later, is the same delivery.
    await receivePlatformEvent('stripe', { kind: 'payment', topic: 'charge.succeeded', payment, deliveryId: 'evt_1' }, '2026-11-22T10:00:09.000Z', w.deps);
    expect(w.deps.paymentQueue.sent.at(-1)).toEqual({ ...payment, id, deliveryId: 'evt_1' });
  });

  it('records a refund once, with the platform it came from', async () => {
    const w = world();
    const refund = { externalId: 're_1', chargeId: 'ch_1', amount: 500, currency: 'GBP', refundedOn: '2026-11-22' };
    const event = { kind: 'refund' as const, topic: 'charge.refunded', refund };
    expect(await receivePlatformEvent('stripe', event, NOW, w.deps)).toEqual({ outcome: 'acted', body: { refund: 're_1' } });
    expect(await receivePlatformEvent('stripe', event, NOW, w.deps)).toEqual({ outcome: 'acted', body: { refund: 're_1' } });
    expect([...w.state.refunds.values()]).toEqual([{ platform: 'stripe', ...refund }]);
  });
});
