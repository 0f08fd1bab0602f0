/** ship-order: fulfilling → shipped with the shipment, held stock goes with it, the customer gets the tracking number once per key. */
import { describe, expect, it } from 'vitest';
import { shipOrder } from '../../../functions/use-cases/ship-order.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { TEST_COMPANY } from '../../support/memory.ts';
import { BOOK, MUG, NOW, world } from './fixtures.ts';

const shipment = { carrier: 'DPD', service: 'Next Day', trackingNumber: '1Z999', shippedAt: '2026-11-22T09:00:00Z' };
const SHIPPED_MAIL = {
  key: 'order-shipped:ord_1',
  to: ['cus_1@example.com'],
  language: 'en',
  subject: 'Your order PO-ord_1 has shipped',
  text: 'Dear Ada Lovelace,\n\nyour order PO-ord_1 left our warehouse on 22 November 2026 with DPD (Next Day).\nTracking number: 1Z999\n\nExample Trading Ltd',
};

async function fulfilling() {
  const w = world();
  w.putCustomer(testCustomer('cus_1'));
  w.putProduct(MUG);
  w.putProduct(BOOK);
  w.putOrder(testOrder('ord_1', 'fulfilling'));
  await w.deps.catalog.reserve('ord_1', new Map([['MUG-01', 2], ['BOOK-7', 1]]), NOW);
  return w;
}

describe('shipOrder', () => {
  it('records the shipment, lets the held units go with it and mails the tracking number', async () => {
    const w = await fulfilling();
    expect(await shipOrder({ orderId: 'ord_1', shipment }, w.deps)).toEqual({ status: 'shipped' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'shipped', shipment, version: 2 });
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'ship', status: 'shipped', detail: 'DPD 1Z999' }]);
    expect([...w.state.reservations.get('ord_1')!.values()].map((r) => r.state)).toEqual(['shipped', 'shipped']);
    expect([w.state.products.get('MUG-01')?.onHand, w.state.products.get('BOOK-7')?.onHand]).toEqual([8, 9]); // taken at reservation, not again
    expect(w.state.mailbox).toEqual([SHIPPED_MAIL]);
  });

  it('writes to a customer without a language o2c writes in the company\'s defaultLanguage, the date as that language writes it', async () => {
    const w = world({ company: { ...TEST_COMPANY, defaultLanguage: 'ja' } });
    w.putCustomer({ ...testCustomer('cus_1'), language: 'de' as never });
    w.putOrder(testOrder('ord_1', 'fulfilling'));
    await shipOrder({ orderId: 'ord_1', shipment }, w.deps);
    expect(w.state.mailbox[0]).toMatchObject({ language: 'ja', subject: 'ご注文 PO-ord_1 を発送いたしました' });
    expect(w.state.mailbox[0]!.text).toContain('ご注文 PO-ord_1 の商品を 2026年11月22日 に DPD（Next Day）にて発送いたしました。');
  });

  it('records the shipment without an email when the seller does not have shipments emailed (customerEmails)', async () => {
    const w = await fulfilling();
    expect(await shipOrder({ orderId: 'ord_1', shipment }, { ...w.deps, customerEmails: ['invoice', 'refund'] })).toEqual({ status: 'shipped' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'shipped' });
    expect(w.state.mailbox).toEqual([]);
  });

  it('a re-run moves nothing, and a later release cannot put shipped units back', async () => {
    const w = await fulfilling();
    await shipOrder({ orderId: 'ord_1', shipment }, w.deps);
    expect(await shipOrder({ orderId: 'ord_1', shipment }, w.deps)).toEqual({ status: 'shipped' });
    expect(w.state.orders.get('ord_1')?.version).toBe(2);
    expect(w.state.mailbox.map((m) => m.key)).toEqual(['order-shipped:ord_1', 'order-shipped:ord_1']);
    expect(await w.deps.catalog.release('ord_1')).toBe(0);
    expect(w.state.products.get('MUG-01')?.onHand).toBe(8);
  });

  it('ships without an email when o2c has no record of the customer', async () => {
    const w = await fulfilling();
    w.state.customers.clear();
    expect(await shipOrder({ orderId: 'ord_1', shipment }, w.deps)).toEqual({ status: 'shipped' });
    expect(w.state.mailbox).toEqual([]);
  });

  it('throws OrderNotFound for an unknown order', async () => {
    await expect(shipOrder({ orderId: 'ord_nope', shipment }, world().deps)).rejects.toMatchObject({ name: 'OrderNotFound' });
  });
});
