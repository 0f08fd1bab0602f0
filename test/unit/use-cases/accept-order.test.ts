/** accept-order: price, match or create the customer, create the order once, always queue it. */
import { describe, expect, it } from 'vitest';
import { customerId, orderId } from '../../../functions/domain/ids.ts';
import { ValidationError } from '../../../functions/errors.ts';
import { statusOf } from '../../../functions/runtime/errors.ts';
import type { NewCustomer } from '../../../functions/ports.ts';
import { acceptOrder, customerFromDraft, orderFromDraft } from '../../../functions/use-cases/accept-order.ts';
import { TEST_COMPANY } from '../../support/memory.ts';
import { testCustomer } from '../../support/orders.ts';
import { draft, NOW, world } from './fixtures.ts';

const SHOP = 'acme.myshopify.com';
const ORDER_ID = orderId('shopify', SHOP, '450789469');
const CUSTOMER_ID = customerId(SHOP, 'ada@example.com');

describe('acceptOrder', () => {
  it('creates a new platform order as received, with its customer first seen, and queues it for the workflow', async () => {
    const w = world();
    expect(await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: NOW }, w.deps)).toEqual({ orderId: ORDER_ID, created: true });

    expect(w.state.orders.get(ORDER_ID)).toMatchObject({
      id: ORDER_ID,
      status: 'received',
      source: { platform: 'shopify', externalId: '450789469', shop: SHOP, reference: '#1042' },
      customerId: CUSTOMER_ID,
      paymentMode: 'terms',
      totals: { net: 2899, shipping: 499, tax: 500, total: 3898 },
      version: 1,
      createdAt: NOW,
    });
    expect(w.state.customers.get(CUSTOMER_ID)).toEqual({
      id: CUSTOMER_ID,
      shop: SHOP,
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      language: 'en',
      timezone: 'Europe/London',
      currency: 'GBP',
      terms: { netDays: 30 },
      creditLimit: 0,
      riskScore: 0,
      dunningState: 'none',
      createdAt: NOW,
    });
    expect(w.state.events.get(ORDER_ID)).toEqual([{ at: NOW, step: 'received', status: 'received', detail: 'from shopify' }]);
    expect(w.deps.orderQueue.sent).toEqual([{ orderId: ORDER_ID }]);
    expect(w.state.counted).toEqual({ OrdersAccepted: 1 });
  });

  it('brings a customer it does not remember to the repository as first seen (which keeps a known one as it was), and one it remembers not at all', async () => {
    const w = world();
    const known = testCustomer(CUSTOMER_ID, { email: 'ada@example.com', creditLimit: 50_000, riskScore: 5 });
    w.putCustomer(known);
    const passed: (NewCustomer | undefined)[] = [];
    const create = w.deps.orders.create;
    w.deps.orders.create = (order, customer) => (passed.push(customer), create(order, customer));

    expect(await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: NOW }, w.deps)).toEqual({ orderId: ORDER_ID, created: true });
    expect(passed).toEqual([expect.objectContaining({ id: CUSTOMER_ID, creditLimit: 0 })]);
    expect(w.state.customers.get(CUSTOMER_ID)).toEqual(known);
    expect(w.state.orders.get(ORDER_ID)?.customerId).toBe(CUSTOMER_ID);
    // Remembered now: the next order of the customer does not bring it at all (no write to conflict on).
    expect(await acceptOrder({ draft: { ...draft(), externalId: '450789470' }, platform: 'shopify', receivedAt: NOW }, w.deps)).toMatchObject({ created: true });
    expect(passed).toHaveLength(2);
    expect(passed[1]).toBeUndefined();
    expect(w.state.customers.get(CUSTOMER_ID)).toEqual(known);
  });

  it('answers a duplicate delivery with created false, writes nothing new, and still queues the order (heals a lost send)', async () => {
    const w = world();
    await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: NOW }, w.deps);
    const later = '2026-11-22T10:05:00.000Z';
    expect(await acceptOrder({ draft: draft({ reference: '#1042-resent' }), platform: 'shopify', receivedAt: later }, w.deps)).toEqual({ orderId: ORDER_ID, created: false });

    expect(w.state.orders.size).toBe(1);
    expect(w.state.orders.get(ORDER_ID)).toMatchObject({ version: 1, createdAt: NOW, source: { reference: '#1042' } });
    expect(w.state.events.get(ORDER_ID)).toHaveLength(1);
    expect(w.deps.orderQueue.sent).toEqual([{ orderId: ORDER_ID }, { orderId: ORDER_ID }]);
    expect(w.state.counted).toEqual({ OrdersAccepted: 1, DuplicateOrders: 1 });
  });

  it('gives a B2B API order (no shop) the "-" shop in its order and customer ids', async () => {
    const w = world();
    const { orderId: id } = await acceptOrder({ draft: draft({ shop: undefined, platformTotal: undefined }), platform: 'api', receivedAt: NOW }, w.deps);
    expect(id).toBe(orderId('api', '-', '450789469'));
    expect(w.state.orders.get(id)).toMatchObject({ source: { platform: 'api', shop: '-' }, customerId: customerId('-', 'ada@example.com') });
    expect(w.state.customers.get(customerId('-', 'ada@example.com'))).toMatchObject({ shop: '-' });
  });

  it('refuses with a 422 on "total" when o2c prices the order differently from the platform, creating and queueing nothing', async () => {
    const w = world();
    const attempt = acceptOrder({ draft: draft({ platformTotal: 3899 }), platform: 'shopify', receivedAt: NOW }, w.deps);
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(statusOf(error)).toBe(422);
    expect((error as ValidationError).issues).toEqual([{ path: 'total', message: 'o2c prices the order at £38.98, the platform at £38.99' }]);
    expect(w.state.orders.size).toBe(0);
    expect(w.state.customers.size).toBe(0);
    expect(w.deps.orderQueue.sent).toEqual([]);
    expect(w.state.counted).toEqual({});
  });

  it('refuses impossible figures (a zero quantity) with a 422 on "lines"', async () => {
    const w = world();
    const bad = draft({ lines: [{ sku: 'MUG-01', description: 'Stoneware mug', quantity: 0, unitPrice: 1250, discount: 0, taxRatePpm: 200_000 }], platformTotal: undefined });
    const error = await acceptOrder({ draft: bad, platform: 'shopify', receivedAt: NOW }, w.deps).catch((e: unknown) => e);
    expect(statusOf(error)).toBe(422);
    expect((error as ValidationError).issues?.[0]).toMatchObject({ path: 'lines' });
    expect(w.state.orders.size).toBe(0);
  });
});

describe('orderFromDraft and customerFromDraft', () => {
  it('orderFromDraft takes the tax out of tax-inclusive platform prices and keeps the flag', () => {
    const d = draft({
      lines: [{ sku: 'MUG-01', description: 'Stoneware mug', quantity: 1, unitPrice: 1200, discount: 0, taxRatePpm: 200_000 }],
      shipping: undefined,
      pricesIncludeTax: true,
      platformTotal: 1200,
    });
    const order = orderFromDraft(d, 'shopify', NOW, 'received', TEST_COMPANY);
    expect(order.totals).toMatchObject({ net: 1000, tax: 200, total: 1200 });
    expect(order.pricesIncludeTax).toBe(true);
    expect(order).not.toHaveProperty('shipping');
  });

  it('orderFromDraft throws a ValidationError (422) when the platform total differs by one minor unit', () => {
    expect(() => orderFromDraft(draft({ platformTotal: 3897 }), 'shopify', NOW, 'cancelled', TEST_COMPANY)).toThrow(ValidationError);
    expect(orderFromDraft(draft(), 'shopify', NOW, 'cancelled', TEST_COMPANY)).toMatchObject({ id: ORDER_ID, status: 'cancelled', totals: { total: 3898 } });
  });

  it('customerFromDraft keeps the customer’s language and billing address, with the company’s zone and terms and no credit limit', () => {
    const billing = { line1: '2 Low St', city: 'Leeds', country: 'GB' };
    const company = { ...TEST_COMPANY, timezone: 'Europe/Stockholm', defaultTerms: { netDays: 14 } };
    expect(customerFromDraft(draft({ customer: { email: ' Ada@Example.COM ', name: 'Ada', language: 'sv' }, billingAddress: billing }), NOW, company, {})).toEqual({
      id: CUSTOMER_ID,
      shop: SHOP,
      name: 'Ada',
      email: 'ada@example.com',
      language: 'sv',
      timezone: 'Europe/Stockholm',
      currency: 'GBP',
      terms: { netDays: 14 },
      creditLimit: 0,
      riskScore: 0,
      dunningState: 'none',
      billingAddress: billing,
      createdAt: NOW,
    });
  });
});

describe('a new customer\'s language', () => {
  it('is the platform\'s locale when it sent one, else the company\'s defaultLanguage', () => {
    const swedishShop = { ...TEST_COMPANY, defaultLanguage: 'sv' as const };
    expect(customerFromDraft(draft({ customer: { email: 'a@x.example', name: 'A' } }), NOW, swedishShop, {}).language).toBe('sv');
    expect(customerFromDraft(draft({ customer: { email: 'a@x.example', name: 'A', language: 'ja' } }), NOW, swedishShop, {}).language).toBe('ja');
    expect(customerFromDraft(draft({ customer: { email: 'a@x.example', name: 'A' } }), NOW, TEST_COMPANY, {}).language).toBe('en');
  });
});

describe('the new-customer credit policy', () => {
  it('gives a customer first seen with an order the configured limit of the order currency, and 0 in a currency without one', async () => {
    const w = world();
    const deps = { ...w.deps, newCustomerCreditLimits: { GBP: 50_000 } };
    await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: NOW }, deps);
    expect(w.state.customers.get(CUSTOMER_ID)).toMatchObject({ creditLimit: 50_000, currency: 'GBP' });
    const eur = draft({ externalId: 'eur-1', currency: 'EUR', customer: { email: 'eu@example.com', name: 'EU buyer' } });
    const { orderId } = await acceptOrder({ draft: eur, platform: 'shopify', receivedAt: NOW }, deps);
    expect(w.state.customers.get(w.state.orders.get(orderId)!.customerId)).toMatchObject({ creditLimit: 0, currency: 'EUR' });
  });
});
