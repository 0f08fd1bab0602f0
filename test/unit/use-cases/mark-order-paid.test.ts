/** mark-order-paid: a platform's "paid" makes an order prepaid before invoicing, or a payment against its invoice after. */
import { describe, expect, it } from 'vitest';
import { paymentId } from '../../../functions/domain/ids.ts';
import type { OrderStatus } from '../../../functions/domain/model.ts';
import { markOrderPaid } from '../../../functions/use-cases/mark-order-paid.ts';
import { testOrder } from '../../support/orders.ts';
import { NOW, world } from './fixtures.ts';

const paid = { orderId: 'ord_1', platform: 'shopify' as const, externalId: '450789469', amount: 3898, currency: 'GBP' };

describe('markOrderPaid', () => {
  it('makes an order not invoiced yet prepaid, so it skips the credit check and is invoiced as paid', async () => {
    const w = world();
    w.putOrder(testOrder('ord_1', 'validated'));
    expect(await markOrderPaid(paid, w.deps)).toBe('prepaid');
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'validated', paymentMode: 'prepaid', version: 2 });
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'paid', detail: 'paid on shopify' }]);
    expect(w.deps.paymentQueue.sent).toEqual([]);
  });

  it('queues a payment against the invoice of an invoiced order, keyed by the platform order id, and leaves the order alone', async () => {
    const w = world();
    w.putOrder(testOrder('ord_1', 'invoiced', { invoiceNumber: 'INV-2026-000001' }));
    expect(await markOrderPaid(paid, w.deps)).toBe('payment');
    expect(await markOrderPaid(paid, w.deps)).toBe('payment'); // a redelivery: the same payment id, applied once downstream
    const message = {
      id: paymentId('shopify', '450789469:paid'),
      source: 'shopify',
      externalId: '450789469:paid',
      amount: 3898,
      currency: 'GBP',
      receivedOn: '2026-11-22',
      remittance: 'INV-2026-000001',
    };
    expect(w.deps.paymentQueue.sent).toEqual([message, message]);
    expect(w.state.orders.get('ord_1')).toMatchObject({ paymentMode: 'terms', version: 1 });
  });

  it('changes nothing for an unknown order', async () => {
    const w = world();
    expect(await markOrderPaid(paid, w.deps)).toBe('unchanged');
    expect(w.state.orders.size).toBe(0);
    expect(w.deps.paymentQueue.sent).toEqual([]);
  });

  it('changes nothing for an order already prepaid', async () => {
    const w = world();
    w.putOrder(testOrder('ord_1', 'invoiced', { paymentMode: 'prepaid', invoiceNumber: 'INV-2026-000001' }));
    expect(await markOrderPaid(paid, w.deps)).toBe('unchanged');
    expect(w.state.orders.get('ord_1')?.version).toBe(1);
    expect(w.deps.paymentQueue.sent).toEqual([]);
  });

  it.each<OrderStatus>(['rejected', 'cancelled'])('changes nothing for an order that ended without goods (%s)', async (status) => {
    const w = world();
    w.putOrder(testOrder('ord_1', status));
    expect(await markOrderPaid(paid, w.deps)).toBe('unchanged');
    expect(w.state.orders.get('ord_1')).toMatchObject({ paymentMode: 'terms', version: 1 });
    expect(w.state.events.get('ord_1')).toBeUndefined();
  });
});
