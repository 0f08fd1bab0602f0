/** validate-order: catalog rule for B2B orders, all-or-nothing reservation, backorders until the attempts run out, idempotent re-runs. */
import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../../functions/domain/model.ts';
import { ConcurrentUpdate } from '../../../functions/errors.ts';
import { priceProblems, validateOrder } from '../../../functions/use-cases/validate-order.ts';
import { testOrder } from '../../support/orders.ts';
import { BOOK, MUG, NOW, stepsOf, world } from './fixtures.ts';

const shopify = { platform: 'shopify' as const, externalId: '1001', shop: 'acme.myshopify.com' };
const onHand = (w: ReturnType<typeof world>, sku: string) => w.state.products.get(sku)?.onHand;

function stocked(mugs = 10, books = 10, status: OrderStatus = 'received', extra: Parameters<typeof testOrder>[2] = {}) {
  const w = world();
  w.putProduct({ ...MUG, onHand: mugs });
  w.putProduct({ ...BOOK, onHand: books });
  w.putOrder(testOrder('ord_1', status, extra));
  return w;
}

describe('validateOrder: the catalog rule (B2B API orders only)', () => {
  it.each([
    ['an unknown SKU', [BOOK], 'we do not sell Stoneware mug (MUG-01)', { kind: 'not-sold' }],
    ['a SKU sold in another currency', [{ ...MUG, currency: 'EUR' }, BOOK], 'Stoneware mug (MUG-01) is sold in EUR, not GBP', { kind: 'other-currency', soldIn: 'EUR', orderedIn: 'GBP' }],
    ['a unit price that is not the catalog’s', [{ ...MUG, unitPrice: 1300 }, BOOK], "Stoneware mug (MUG-01) is not sold at £12.50 a unit; ask us for today's price", { kind: 'other-price', unitPrice: 1250, currency: 'GBP' }],
  ])('finds an api order with %s invalid, reserving nothing and leaving it received', async (_what, products, reason, problem) => {
    const w = world();
    for (const p of products) w.putProduct(p);
    w.putOrder(testOrder('ord_1', 'received'));
    // The problem as data, for the rejection email to word in the customer's language (the order's price, never the catalog's 1300).
    expect(await validateOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ outcome: 'invalid', reason, problems: [{ description: 'Stoneware mug', sku: 'MUG-01', ...problem }] });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'received', version: 1 });
    expect(w.state.reservations.size).toBe(0);
  });

  it('lists every price problem of an api order', () => {
    const problems = priceProblems(testOrder('ord_1'), new Map([['BOOK-7', { ...BOOK, unitPrice: 900 }]]));
    expect(problems).toEqual(['we do not sell Stoneware mug (MUG-01)', "Field guide (BOOK-7) is not sold at £8.99 a unit; ask us for today's price"]);
  });

  it('keeps a platform order’s own prices and does not block SKUs o2c does not stock: it reserves only what it stocks', async () => {
    const w = world();
    w.putProduct({ ...MUG, unitPrice: 9999 }); // the platform sold it at its own price; BOOK-7 ships from elsewhere
    w.putOrder(testOrder('ord_1', 'received', { source: shopify }));
    expect(await validateOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ outcome: 'validated' });
    expect([...w.state.reservations.get('ord_1')!]).toEqual([['MUG-01', { quantity: 2, state: 'held', shipped: 0, released: 0 }]]);
    expect(w.state.events.get('ord_1')?.at(-1)).toEqual({ at: NOW, step: 'validate', status: 'validated', detail: 'reserved 1 SKU(s)' });
  });

  it('validates a platform order of nothing o2c stocks with nothing to reserve', async () => {
    const w = world();
    w.putOrder(testOrder('ord_1', 'received', { source: shopify }));
    expect(await validateOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ outcome: 'validated' });
    expect(w.state.orders.get('ord_1')?.status).toBe('validated');
    expect(w.state.events.get('ord_1')?.at(-1)?.detail).toBe('nothing to reserve');
  });
});

describe('validateOrder: stock', () => {
  it('reserves every line and moves the order to validated', async () => {
    const w = stocked();
    expect(await validateOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ outcome: 'validated' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'validated', version: 2 });
    expect([onHand(w, 'MUG-01'), onHand(w, 'BOOK-7')]).toEqual([8, 9]);
    expect(stepsOf(w, 'ord_1')).toEqual(['validate']);
  });

  it('adds up lines of the same SKU before reserving', async () => {
    const w = world();
    w.putProduct({ ...MUG, onHand: 5 });
    const line = { sku: 'MUG-01', description: 'Stoneware mug', quantity: 2, unitPrice: 1250, discount: 0, taxRatePpm: 200_000 };
    w.putOrder(testOrder('ord_1', 'received', { lines: [line, { ...line, quantity: 3 }] }));
    expect(await validateOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ outcome: 'validated' });
    expect(w.state.reservations.get('ord_1')?.get('MUG-01')).toEqual({ quantity: 5, state: 'held', shipped: 0, released: 0 });
    expect(onHand(w, 'MUG-01')).toBe(0);
  });

  it('reserves all or nothing: one short line backorders the order and holds none of the others', async () => {
    const w = stocked(10, 0);
    expect(await validateOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ outcome: 'backordered', reason: 'not enough stock' });
    expect([onHand(w, 'MUG-01'), onHand(w, 'BOOK-7')]).toEqual([10, 0]);
    expect(w.state.reservations.size).toBe(0);
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'backordered', backorderAttempts: 1 });
    expect(w.state.events.get('ord_1')?.at(-1)).toEqual({ at: NOW, step: 'validate', status: 'backordered', detail: 'not enough stock' });
  });

  it('stays backordered while short, counting attempts, and is invalid at maxBackorderAttempts (3) without another write', async () => {
    const w = stocked(10, 0);
    expect((await validateOrder({ orderId: 'ord_1' }, w.deps)).outcome).toBe('backordered');
    expect((await validateOrder({ orderId: 'ord_1' }, w.deps)).outcome).toBe('backordered');
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'backordered', backorderAttempts: 2, version: 3 });
    expect(w.state.events.get('ord_1')).toHaveLength(1); // the retry amends the count, with no status event
    expect(await validateOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ outcome: 'invalid', reason: 'some items stayed out of stock for too long' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'backordered', backorderAttempts: 2, version: 3 });
  });

  it('validates a backordered order once the stock has come in', async () => {
    const w = stocked(10, 0, 'backordered', { backorderAttempts: 2 });
    w.putProduct({ ...BOOK, onHand: 1 });
    expect(await validateOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ outcome: 'validated' });
    expect(w.state.orders.get('ord_1')?.status).toBe('validated');
    expect(onHand(w, 'BOOK-7')).toBe(0);
  });

  it('honours the deps’ maxBackorderAttempts', async () => {
    const w = stocked(10, 0);
    expect(await validateOrder({ orderId: 'ord_1' }, { ...w.deps, maxBackorderAttempts: 1 })).toEqual({ outcome: 'invalid', reason: 'some items stayed out of stock for too long' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'received', version: 1 });
  });
});

describe('validateOrder: re-runs', () => {
  it.each<OrderStatus>(['validated', 'credit_hold', 'approved', 'confirmed', 'fulfilling', 'shipped', 'invoiced', 'paid', 'closed'])(
    'returns validated for an order already %s, reserving and writing nothing',
    async (status) => {
      const w = stocked(10, 10, status);
      expect(await validateOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ outcome: 'validated' });
      expect(w.state.reservations.size).toBe(0);
      expect(w.state.orders.get('ord_1')?.version).toBe(1);
    },
  );

  it.each([
    ['rejected', { reason: 'credit refused' }, 'credit refused'],
    ['cancelled', {}, 'cancelled'],
  ] as const)('returns invalid for an order that ended %s', async (status, extra, reason) => {
    const w = stocked(10, 10, status, extra);
    expect(await validateOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ outcome: 'invalid', reason });
    expect(w.state.reservations.size).toBe(0);
  });

  it('a second run after validation reserves nothing twice', async () => {
    const w = stocked();
    await validateOrder({ orderId: 'ord_1' }, w.deps);
    expect(await validateOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ outcome: 'validated' });
    expect([onHand(w, 'MUG-01'), onHand(w, 'BOOK-7')]).toEqual([8, 9]);
    expect(w.state.orders.get('ord_1')?.version).toBe(2);
  });

  it('a retry after losing the status write (ConcurrentUpdate) finds its reservation and holds no more stock', async () => {
    const w = stocked();
    const apply = w.deps.orders.apply;
    let lost = false;
    const deps = {
      ...w.deps,
      orders: { ...w.deps.orders, apply: (o: Parameters<typeof apply>[0], c: Parameters<typeof apply>[1]) => (lost ? apply(o, c) : ((lost = true), Promise.reject(new ConcurrentUpdate('raced')))) },
    };
    await expect(validateOrder({ orderId: 'ord_1' }, deps)).rejects.toBeInstanceOf(ConcurrentUpdate);
    expect([onHand(w, 'MUG-01'), onHand(w, 'BOOK-7')]).toEqual([8, 9]);
    expect(await validateOrder({ orderId: 'ord_1' }, deps)).toEqual({ outcome: 'validated' });
    expect([onHand(w, 'MUG-01'), onHand(w, 'BOOK-7')]).toEqual([8, 9]);
    expect(w.state.orders.get('ord_1')?.status).toBe('validated');
  });

  it('throws OrderNotFound for an unknown order', async () => {
    await expect(validateOrder({ orderId: 'ord_nope' }, world().deps)).rejects.toMatchObject({ name: 'OrderNotFound' });
  });
});
