/** Shopify: signature, topics and the mapping of real order payloads, to the minor unit. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseShopifyWebhook, shopifyTerms } from '../../../functions/platforms/shopify.ts';
import { SignatureError } from '../../../functions/platforms/signatures.ts';
import { PayloadError } from '../../../functions/platforms/types.ts';
import { priceOrder } from '../../../functions/domain/pricing.ts';
import { base64Hmac, fixture } from './support.ts';

const secret = 'shpss_0123456789abcdef';
const deliver = (file: string, topic = 'orders/create', secrets = [secret], body = fixture(`shopify/${file}`)) =>
  parseShopifyWebhook(body, { 'x-shopify-hmac-sha256': base64Hmac(secret, body), 'x-shopify-topic': topic, 'x-shopify-shop-domain': 'o2c-demo.myshopify.com' }, secrets);
const orderOf = (e: ReturnType<typeof deliver>) => {
  if (e.kind !== 'order' && e.kind !== 'cancel') throw new Error(`expected an order, got ${e.kind}`);
  return e.order;
};

describe('Shopify webhooks', () => {
  it('names the delivery by X-Shopify-Webhook-Id (the same on each of its retries), else by a hash of the body', () => {
    const body = fixture('shopify/orders-paid-gbp.json');
    const headers = { 'x-shopify-hmac-sha256': base64Hmac(secret, body), 'x-shopify-topic': 'orders/paid', 'x-shopify-shop-domain': 'o2c-demo.myshopify.com' };
    expect(parseShopifyWebhook(body, { ...headers, 'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' }, [secret])).toMatchObject({ kind: 'order', deliveryId: 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043' });
    const unnamed = parseShopifyWebhook(body, headers, [secret]);
    expect(unnamed).toMatchObject({ kind: 'order', deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(parseShopifyWebhook(body, headers, [secret])).toEqual(unnamed);
  });

  it('maps a paid GBP order exactly: discount allocations, tax lines, shipping, customer, reference', () => {
    const e = deliver('orders-paid-gbp.json', 'orders/paid');
    expect(e).toMatchObject({ kind: 'order', paid: true });
    const o = orderOf(e);
    expect(o).toMatchObject({
      externalId: '5630029709369',
      shop: 'o2c-demo.myshopify.com',
      reference: '#1042',
      currency: 'GBP',
      paymentMode: 'prepaid',
      pricesIncludeTax: false,
      customer: { email: 'ada@example.co.uk', name: 'Ada Lovelace' },
      shippingAddress: { name: 'Ada Lovelace', line1: "12 St James's Square", line2: 'Flat 3', city: 'London', region: 'ENG', postalCode: 'SW1Y 4JH', country: 'GB' },
      shipping: { amount: 499, tax: 100, taxRatePpm: 200_000, method: 'Royal Mail Tracked 48' },
      platformTotal: 3949,
    });
    expect(o.lines).toEqual([
      { sku: 'MUG-01', description: 'Stoneware mug - 350 ml', quantity: 2, unitPrice: 1250, discount: 250, taxRatePpm: 200_000, tax: 450 },
      { sku: 'TEA-250', description: 'Breakfast tea - 250 g', quantity: 1, unitPrice: 650, discount: 0, taxRatePpm: 0, tax: 0 },
    ]);
    // o2c's pricing of the draft comes to Shopify's total_price, £39.49 = 22.50 + 6.50 + 4.99 + 4.50 + 1.00.
    expect(priceOrder(o.lines, o.shipping, { rounding: 'half-even', level: 'invoice' }).totals.total).toBe(3949);
  });

  it('takes the buyer currency (presentment money), not the shop currency', () => {
    const o = orderOf(deliver('orders-create-eur-presentment.json'));
    expect(o.currency).toBe('EUR');
    expect(o.customer.language).toBe('sv');
    expect(o.lines[0]).toMatchObject({ quantity: 3, unitPrice: 1160, tax: 870, taxRatePpm: 250_000 });
    expect(o.shipping).toMatchObject({ amount: 580, tax: 145 });
    expect(o.platformTotal).toBe(5075); // €50.75
  });

  it('handles a zero-decimal currency with taxes included in the prices', () => {
    const o = orderOf(deliver('orders-paid-jpy-taxes-included.json', 'orders/paid'));
    expect(o).toMatchObject({ currency: 'JPY', pricesIncludeTax: true, platformTotal: 7280, customer: { language: 'ja', name: '花子 山田' } });
    expect(o.lines[0]).toMatchObject({ unitPrice: 3240, quantity: 2, tax: 480, taxRatePpm: 80_000 });
    const { totals } = priceOrder(o.lines, o.shipping, { rounding: 'half-up', level: 'line' }, { pricesIncludeTax: true });
    // ¥6,480 incl. ¥480 tax + ¥800 shipping incl. ¥73: net 6,000 + 727, tax 553, total 7,280.
    expect(totals).toMatchObject({ net: 6000, shipping: 727, tax: 553, total: 7280 });
  });

  it('puts a B2B order with payment terms on terms, with its due days', () => {
    const o = orderOf(deliver('orders-create-b2b-net30.json'));
    expect(o).toMatchObject({ paymentMode: 'terms', terms: { netDays: 30 }, platformTotal: 15000 });
  });

  it('turns orders/cancelled into a cancellation', () => {
    expect(deliver('orders-cancelled.json', 'orders/cancelled')).toMatchObject({ kind: 'cancel', reason: 'customer' });
  });

  it('refuses a missing, wrong or stale-secret signature, and accepts either secret during a rotation', () => {
    const body = fixture('shopify/orders-paid-gbp.json');
    const headers = { 'x-shopify-topic': 'orders/paid', 'x-shopify-shop-domain': 'o2c-demo.myshopify.com' };
    expect(() => parseShopifyWebhook(body, headers, [secret])).toThrow(/X-Shopify-Hmac-Sha256/);
    expect(() => parseShopifyWebhook(body, { ...headers, 'x-shopify-hmac-sha256': base64Hmac('other', body) }, [secret])).toThrow(/does not match/);
    expect(parseShopifyWebhook(body, { ...headers, 'x-shopify-hmac-sha256': base64Hmac(secret, body) }, ['new-secret', secret]).kind).toBe('order');
  });

  it('ignores topics o2c does not handle (200, so Shopify stops retrying)', () => {
    expect(deliver('orders-paid-gbp.json', 'products/update')).toEqual({ kind: 'ignored', topic: 'products/update', reason: 'topic not handled by o2c' });
  });

  it('refuses totals that do not add up, with the figures', () => {
    const body = fixture('shopify/orders-paid-gbp.json').replace('"total_price": "39.49"', '"total_price": "39.48"').replaceAll('"amount": "39.49"', '"amount": "39.48"');
    expect(() => deliver('x', 'orders/paid', [secret], body)).toThrow(/come to 3949 but its total is 3948/);
  });

  it('property: any single changed byte of a signed body fails verification', () => {
    const body = fixture('shopify/orders-paid-gbp.json');
    const signature = base64Hmac(secret, body);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: body.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const bytes = Buffer.from(body);
        bytes[at % bytes.length] = (bytes[at % bytes.length]! + delta) % 256;
        const tampered = bytes.toString('latin1');
        expect(() => parseShopifyWebhook(tampered, { 'x-shopify-hmac-sha256': signature, 'x-shopify-topic': 'orders/paid', 'x-shopify-shop-domain': 's' }, [secret])).toThrow();
      }),
      { numRuns: 300 },
    );
  });
});

describe('Shopify webhooks, more', () => {
  const signed = (order: unknown, topic = 'orders/create', extra: Record<string, string> = {}) => {
    const body = JSON.stringify(order);
    return parseShopifyWebhook(body, { 'x-shopify-hmac-sha256': base64Hmac(secret, body), 'x-shopify-topic': topic, 'x-shopify-shop-domain': 'o2c-demo.myshopify.com', ...extra }, [secret]);
  };
  const gbp = () => JSON.parse(fixture('shopify/orders-paid-gbp.json'));
  const issuesOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      if (error instanceof PayloadError) return error.issues.map((i) => i.path);
      throw error;
    }
    throw new Error('did not throw');
  };

  it('orders/paid is prepaid whatever financial_status says by then; a partly refunded order was paid', () => {
    const refunded = { ...gbp(), financial_status: 'partially_refunded' };
    expect(signed(refunded, 'orders/create')).toMatchObject({ kind: 'order', paid: true, order: { paymentMode: 'prepaid' } });
    const authorized = { ...gbp(), financial_status: 'authorized' };
    expect(signed(authorized, 'orders/create')).toMatchObject({ kind: 'order', paid: false, order: { paymentMode: 'terms' } });
    expect(signed(authorized, 'orders/paid')).toMatchObject({ kind: 'order', paid: true, order: { paymentMode: 'prepaid' } });
    // A paid order carries no terms even if the B2B order had them.
    const b2b = JSON.parse(fixture('shopify/orders-create-b2b-net30.json'));
    const e = signed({ ...b2b, financial_status: 'paid' }, 'orders/paid');
    if (e.kind !== 'order') throw new Error(e.kind);
    expect(e.order.paymentMode).toBe('prepaid');
    expect(e.order.terms).toBeUndefined();
  });

  it('maps each kind of Shopify payment terms to days', () => {
    expect(shopifyTerms({ payment_terms_type: 'net', due_in_days: 45 }, '2026-11-20T10:15:00+00:00')).toEqual({ netDays: 45 });
    expect(shopifyTerms({ payment_terms_type: 'RECEIPT', due_in_days: null }, undefined)).toEqual({ netDays: 0 });
    expect(shopifyTerms({ payment_terms_type: 'fulfillment', due_in_days: null }, undefined)).toEqual({ netDays: 0 });
    // Fixed date: ordered 2026-11-20 (UTC), due 2026-12-31T23:59+01:00 = 22:59Z on 31 Dec: 10 days of November + 31 = 41.
    expect(shopifyTerms({ payment_terms_type: 'fixed', due_in_days: null, payment_schedules: [{ due_at: '2026-12-31T23:59:00+01:00' }] }, '2026-11-20T10:15:00+00:00')).toEqual({ netDays: 41 });
    expect(shopifyTerms({ payment_terms_type: 'fixed', due_in_days: null, payment_schedules: [] }, '2026-11-20T10:15:00+00:00')).toBeUndefined();
    expect(shopifyTerms(null, undefined)).toBeUndefined();
  });

  it('a field of the wrong type is a 422 with its path; a missing shop header is a 422', () => {
    const wrong = gbp();
    wrong.line_items[0].price = 12.5;
    expect(issuesOf(() => signed(wrong))).toEqual(['line_items.0.price']);
    const body = JSON.stringify(gbp());
    expect(issuesOf(() => parseShopifyWebhook(body, { 'x-shopify-hmac-sha256': base64Hmac(secret, body), 'x-shopify-topic': 'orders/create' }, [secret]))).toEqual(['X-Shopify-Shop-Domain']);
  });

  it('checks identity fields of the mapped order (SKU, country, email, id) and names them', () => {
    const o = gbp();
    o.line_items[0].sku = 'X'.repeat(65);
    o.shipping_address.country_code = 'GBR';
    o.email = 'not-an-email';
    o.customer.email = 'not-an-email';
    expect(issuesOf(() => signed(o)).sort()).toEqual(['customer.email', 'lines.0.sku', 'shippingAddress.country']);
    expect(issuesOf(() => signed({ ...gbp(), id: '' }))).toEqual(['externalId']);
    expect(issuesOf(() => signed({ ...gbp(), line_items: [], shipping_lines: [], total_price: '0.00', total_price_set: undefined }))).toEqual(['lines']);
  });

  it('cuts long display text (names, address lines, reference) instead of refusing a paid order', () => {
    const o = gbp();
    o.shipping_address.city = 'C'.repeat(300);
    o.shipping_address.address1 = 'A'.repeat(300);
    o.name = `#${'9'.repeat(100)}`;
    const e = signed(o, 'orders/paid');
    if (e.kind !== 'order') throw new Error(e.kind);
    expect(e.order.shippingAddress.city).toHaveLength(100);
    expect(e.order.shippingAddress.line1).toHaveLength(200);
    expect(e.order.reference).toHaveLength(64);
  });

  it('a negative price is refused (422), not priced', () => {
    const o = gbp();
    o.line_items[1].price = '-6.50';
    o.line_items[1].price_set.shop_money.amount = '-6.50';
    o.line_items[1].price_set.presentment_money.amount = '-6.50';
    expect(issuesOf(() => signed(o))).toEqual(['lines.1.unitPrice']);
  });

  it('verification comes first: a bad signature on a malformed body is a 401, not a 422', () => {
    expect(() => parseShopifyWebhook('{not json', { 'x-shopify-hmac-sha256': base64Hmac('other', '{not json'), 'x-shopify-topic': 'orders/create', 'x-shopify-shop-domain': 's' }, [secret])).toThrow(SignatureError);
  });
});
