/** backorderPolicy: ship-available (what is in stock now, the rest backordered per line and shipped later or cancelled), wait, reject. */
import { describe, expect, it } from 'vitest';
import { fulfilmentRequest } from '../../../functions/domain/fulfilment.ts';
import { confirmOrder } from '../../../functions/use-cases/confirm-order.ts';
import { cancelLines, recordShipment } from '../../../functions/use-cases/record-shipment.ts';
import { validateOrder } from '../../../functions/use-cases/validate-order.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { BOOK, MUG, NOW, refusal, world } from './fixtures.ts';

/** 2 × MUG-01 and 1 × BOOK-7 ordered; `mugs` on the shelf. */
function stocked(mugs: number, backorderPolicy: 'ship-available' | 'wait' | 'reject') {
  const w = world();
  w.putCustomer(testCustomer('cus_1'));
  w.putProduct({ ...MUG, onHand: mugs });
  w.putProduct({ ...BOOK, onHand: 10 });
  w.putOrder(testOrder('ord_1', 'received'));
  return { w, deps: { ...w.deps, backorderPolicy, invoiceOn: 'order' as const } };
}
const onHand = (w: ReturnType<typeof world>, sku: string) => w.state.products.get(sku)!.onHand;

describe('backorderPolicy', () => {
  it('ship-available: reserves what is there, the short units are the order\'s backorders; a re-run reserves nothing twice', async () => {
    const { w, deps } = stocked(1, 'ship-available');
    expect(await validateOrder({ orderId: 'ord_1' }, deps)).toEqual({ outcome: 'validated' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'validated', backorders: { 'MUG-01': 1 } });
    expect([onHand(w, 'MUG-01'), onHand(w, 'BOOK-7')]).toEqual([0, 9]);
    expect(await validateOrder({ orderId: 'ord_1' }, deps)).toEqual({ outcome: 'validated' });
    expect([onHand(w, 'MUG-01'), onHand(w, 'BOOK-7')]).toEqual([0, 9]);
    // The warehouse is told what is backordered.
    const order = w.state.orders.get('ord_1')!;
    expect(fulfilmentRequest(order, { carrier: 'DPD', service: 'Next Day', weightGrams: 1 }, 'https://api.example', NOW).backordered).toEqual([{ sku: 'MUG-01', quantity: 1 }]);
  });

  it('ship-available: the customer is told at confirmation what ships now and what follows, and how to cancel the rest', async () => {
    const { w, deps } = stocked(1, 'ship-available');
    await validateOrder({ orderId: 'ord_1' }, deps);
    w.putOrder({ ...w.state.orders.get('ord_1')!, status: 'approved' });
    await confirmOrder({ orderId: 'ord_1' }, deps);
    const notice = w.state.mailbox.find((m) => m.key === 'order-backordered:ord_1')!;
    expect(notice.subject).toBe('Part of your order PO-ord_1 is on backorder');
    expect(notice.text).toContain('Ships now:\n  1 × Stoneware mug\n  1 × Field guide\n\nFollows as soon as it is back in stock:\n  1 × Stoneware mug\n\nIf you would rather not wait');
  });

  it('ship-available: the backordered unit ships later from new stock, or is refused while o2c\'s stock shows none; or the seller cancels it', async () => {
    const { w, deps } = stocked(1, 'ship-available');
    await validateOrder({ orderId: 'ord_1' }, deps);
    w.putOrder({ ...w.state.orders.get('ord_1')!, status: 'fulfilling' });
    await deps.tokens.store('ord_1', 'fulfilment', 'tok-1', NOW);
    const parcel = (id: string, sku: string, quantity: number) => ({ shipmentId: id, lines: [{ sku, quantity }], carrier: 'DPD', trackingNumber: id });
    await recordShipment({ orderId: 'ord_1', report: parcel('S1', 'BOOK-7', 1) }, deps);
    await recordShipment({ orderId: 'ord_1', report: parcel('S2', 'MUG-01', 1) }, deps);
    expect(await refusal(recordShipment({ orderId: 'ord_1', report: parcel('S3', 'MUG-01', 1) }, deps))).toMatchObject({ status: 409, code: 'StockShort' });
    expect(Object.keys(w.state.orders.get('ord_1')!.shipments!)).toEqual(['S1', 'S2']); // nothing recorded
    w.putProduct({ ...MUG, onHand: 3 }); // stock came in
    expect(await recordShipment({ orderId: 'ord_1', report: parcel('S3', 'MUG-01', 1) }, deps)).toMatchObject({ complete: true });
    expect(w.state.reservations.get('ord_1')!.get('MUG-01')).toMatchObject({ quantity: 2, shipped: 2, released: 0 });
    expect(onHand(w, 'MUG-01')).toBe(2);

    const other = stocked(1, 'ship-available');
    await validateOrder({ orderId: 'ord_1' }, other.deps);
    other.w.putOrder({ ...other.w.state.orders.get('ord_1')!, status: 'fulfilling' });
    await other.deps.tokens.store('ord_1', 'fulfilment', 'tok-1', NOW);
    await recordShipment({ orderId: 'ord_1', report: { shipmentId: 'S1', lines: [{ sku: 'MUG-01', quantity: 1 }, { sku: 'BOOK-7', quantity: 1 }], carrier: 'DPD', trackingNumber: 'S1' } }, other.deps);
    const done = await cancelLines({ orderId: 'ord_1', cancellationId: 'K1', lines: [{ sku: 'MUG-01', quantity: 1 }], reason: 'customer will not wait' }, other.deps);
    expect(done).toMatchObject({ complete: true });
    expect(onHand(other.w, 'MUG-01')).toBe(0); // a backordered unit was never taken: nothing comes back
    expect(other.w.state.reservations.get('ord_1')!.get('MUG-01')).toMatchObject({ quantity: 1, shipped: 1, released: 0, state: 'shipped' });
  });

  it('ship-available with nothing at all in stock waits like "wait"', async () => {
    const w = world();
    w.putProduct({ ...MUG, onHand: 0 });
    w.putProduct({ ...BOOK, onHand: 0 });
    w.putOrder(testOrder('ord_1', 'received'));
    expect(await validateOrder({ orderId: 'ord_1' }, { ...w.deps, backorderPolicy: 'ship-available' })).toEqual({ outcome: 'backordered', reason: 'not enough stock' });
    expect(w.state.reservations.size).toBe(0);
  });

  it('reject: an order short of stock is invalid at once, saying which items, holding nothing', async () => {
    const { w, deps } = stocked(1, 'reject');
    expect(await validateOrder({ orderId: 'ord_1' }, deps)).toEqual({ outcome: 'invalid', reason: 'we do not have enough in stock of Stoneware mug' });
    expect([onHand(w, 'MUG-01'), onHand(w, 'BOOK-7')]).toEqual([1, 10]);
  });

  it('wait (the default): all or nothing, backordered and asked again', async () => {
    const { deps } = stocked(1, 'wait');
    expect(await validateOrder({ orderId: 'ord_1' }, deps)).toEqual({ outcome: 'backordered', reason: 'not enough stock' });
  });
});
