/** fulfil-order: parcel weight, carrier from the rate table, the token kept with the choice, confirmed → fulfilling once. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CARRIER_RATES, DEFAULT_PARCEL_WEIGHT_GRAMS } from '../../../functions/domain/carrier.ts';
import { fulfilOrder } from '../../../functions/use-cases/fulfil-order.ts';
import { testOrder } from '../../support/orders.ts';
import { BOOK, MUG, NOW, world } from './fixtures.ts';

function given(status: Parameters<typeof testOrder>[1] = 'confirmed', extra: Parameters<typeof testOrder>[2] = {}) {
  const w = world();
  w.putOrder(testOrder('ord_1', status, extra));
  return w;
}

describe('fulfilOrder', () => {
  it('uses the default rate table in the memory deps', () => {
    expect(world().deps.rates).toBe(DEFAULT_CARRIER_RATES);
  });

  it('weighs the parcel from the catalog, picks the cheapest carrier on time, keeps the token with the choice and moves the order to fulfilling', async () => {
    const w = given();
    w.putProduct({ ...MUG, weightGrams: 400 });
    w.putProduct({ ...BOOK, weightGrams: 400 });
    await fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f' }, w.deps);
    // 2 × 400 + 1 × 400 = 1,200 g to GB within 3 days: Tracked 48 at 3.49 + 2 started kg × 0.25
    const carrier = { carrier: 'Royal Mail', service: 'Tracked 48', cost: 399, meetsPromise: true, weightGrams: 1_200 };
    expect(w.state.waits.get('ord_1|fulfilment')).toEqual({ taskToken: 'tok-f', storedAt: NOW, carrier });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'fulfilling', carrier, version: 2 });
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'fulfil', status: 'fulfilling', detail: 'Royal Mail Tracked 48' }]);
  });

  it(`assumes ${DEFAULT_PARCEL_WEIGHT_GRAMS} g per unit the catalog does not know`, async () => {
    const w = given();
    w.putProduct({ ...MUG, weightGrams: 10_000 }); // 20,000 g of mugs + a 500 g book: too heavy for Royal Mail
    await fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f' }, w.deps);
    expect(w.state.orders.get('ord_1')?.carrier).toEqual({ carrier: 'DPD', service: 'Next Day', cost: 599 + 21 * 20, meetsPromise: true, weightGrams: 20_500 });
  });

  it('takes the fastest service, saying the promise is not kept, when none is on time', async () => {
    const w = given();
    await fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f' }, { ...w.deps, promisedDays: 0 });
    expect(w.state.orders.get('ord_1')?.carrier).toEqual({ carrier: 'Royal Mail', service: 'Tracked 24', cost: 449 + 2 * 30, meetsPromise: false, weightGrams: 1_500 });
  });

  it('leaves the choice to the warehouse when no rate fits (no rate in the order’s currency)', async () => {
    const w = given('confirmed', { currency: 'EUR' });
    await fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f' }, w.deps);
    expect(w.state.orders.get('ord_1')?.carrier).toEqual({ carrier: 'warehouse choice', service: 'no rate in table', weightGrams: 1_500 });
    expect(w.state.events.get('ord_1')?.[0]?.detail).toBe('warehouse choice no rate in table');
  });

  it('on a redelivered wait keeps the newest token and does not move the order again', async () => {
    const w = given();
    await fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f1' }, w.deps);
    await fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f2' }, w.deps);
    expect(w.tokenOf('ord_1', 'fulfilment')).toBe('tok-f2');
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'fulfilling', version: 2 });
    expect(w.state.events.get('ord_1')).toHaveLength(1);
  });

  it('throws OrderNotFound for an unknown order and keeps no token', async () => {
    const w = world();
    await expect(fulfilOrder({ orderId: 'ord_nope', taskToken: 't' }, w.deps)).rejects.toMatchObject({ name: 'OrderNotFound' });
    expect(w.state.tokens.size).toBe(0);
  });

  it('hands the order over: one request (lines, ship-to, carrier, callback) as the o2c.FulfilmentRequested event and on the warehouse-requests queue', async () => {
    const w = given();
    await fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f' }, w.deps);
    const request = {
      requestId: 'fulfilment-ord_1',
      orderId: 'ord_1',
      reference: 'PO-ord_1',
      lines: [
        { sku: 'MUG-01', description: 'Stoneware mug', quantity: 2 },
        { sku: 'BOOK-7', description: 'Field guide', quantity: 1 },
      ],
      shipTo: { line1: '1 High St', city: 'York', country: 'GB' },
      carrier: { carrier: 'Royal Mail', service: 'Tracked 48', cost: { amount: 399, currency: 'GBP' }, meetsPromise: true, weightGrams: 1_500 },
      callbackUrl: 'https://api.o2c.example/fulfilment/ord_1/shipment',
      requestedAt: NOW,
    };
    expect(w.deps.warehouseRequests.sent).toEqual([{ request }]);
    expect(w.state.published).toEqual([{ detailType: 'o2c.FulfilmentRequested', detail: request }]);
    expect(w.state.orders.get('ord_1')).toMatchObject({ fulfilmentRequestedAt: NOW });
  });

  it('sends the same request again on a redelivered wait (same id and time), so the warehouse can tell it is one', async () => {
    const w = given();
    await fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f1' }, w.deps);
    w.clock.set('2026-11-22T10:05:00.000Z');
    await fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f2' }, w.deps);
    const [first, second] = w.deps.warehouseRequests.sent;
    expect(second).toEqual(first);
  });

  it('keeps nothing and asks nobody again when the wait was answered before its hand-off was redelivered (a crash after queueing the request)', async () => {
    const w = given();
    await fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f' }, w.deps);
    await w.deps.tokens.delete('ord_1', 'fulfilment'); // the warehouse answered: report-shipment forgot the token
    await fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f' }, w.deps); // the same message again
    expect(w.tokenOf('ord_1', 'fulfilment')).toBeUndefined();
    expect(w.deps.warehouseRequests.sent).toHaveLength(1);
    expect(w.state.published).toHaveLength(1);
    // A new wait (its own token) is kept as ever.
    await fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f2' }, w.deps);
    expect(w.tokenOf('ord_1', 'fulfilment')).toBe('tok-f2');
  });

  it('asks nobody for an order cancelled before its wait began (the token is kept, the workflow is stopped)', async () => {
    const w = given('cancelled');
    await fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f' }, w.deps);
    expect(w.deps.warehouseRequests.sent).toEqual([]);
    expect(w.state.published).toEqual([]);
  });

  it('escapes the order id in the callback URL and ignores a trailing slash of the API URL', async () => {
    const w = world();
    w.putOrder(testOrder('ord a/1', 'confirmed'));
    await fulfilOrder({ orderId: 'ord a/1', taskToken: 't' }, { ...w.deps, apiUrl: 'https://api.o2c.example/' });
    expect(w.deps.warehouseRequests.sent[0]!.request.callbackUrl).toBe('https://api.o2c.example/fulfilment/ord%20a%2F1/shipment');
  });
});
