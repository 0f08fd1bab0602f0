/** WooCommerce: ping, signature, topics and mapping from decimal strings. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { priceOrder } from '../../../functions/domain/pricing.ts';
import { BodyNotJson } from '../../../functions/platforms/parse.ts';
import { SignatureError } from '../../../functions/platforms/signatures.ts';
import { PayloadError } from '../../../functions/platforms/types.ts';
import { parseWooWebhook } from '../../../functions/platforms/woocommerce.ts';
import { base64Hmac, fixture } from './support.ts';

const secret = 'woo-webhook-secret';
const deliver = (file: string, topic = 'order.created') => {
  const body = fixture(`woocommerce/${file}`);
  return parseWooWebhook(body, { 'x-wc-webhook-signature': base64Hmac(secret, body), 'x-wc-webhook-topic': topic, 'x-wc-webhook-source': 'https://shop.example.co.uk/' }, [secret]);
};

describe('WooCommerce webhooks', () => {
  it('names the delivery by X-WC-Webhook-Delivery-ID, else by a hash of the body', () => {
    const body = fixture('woocommerce/order-created-paid.json');
    const headers = { 'x-wc-webhook-signature': base64Hmac(secret, body), 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-source': 'https://shop.example.co.uk/' };
    expect(parseWooWebhook(body, { ...headers, 'x-wc-webhook-delivery-id': '8f1c2b9e3d' }, [secret])).toMatchObject({ kind: 'order', deliveryId: '8f1c2b9e3d' });
    expect(parseWooWebhook(body, headers, [secret])).toMatchObject({ kind: 'order', deliveryId: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('answers the ping WooCommerce sends when a webhook is created', () => {
    expect(parseWooWebhook('webhook_id=15', { 'content-type': 'application/x-www-form-urlencoded' }, [secret])).toEqual({ kind: 'ping', topic: 'ping' });
  });

  it('maps a paid order from its decimal strings (never the float price)', () => {
    const e = deliver('order-created-paid.json');
    expect(e).toMatchObject({ kind: 'order', paid: true });
    if (e.kind !== 'order') throw new Error();
    expect(e.order).toMatchObject({ externalId: '727', reference: '#727', shop: 'https://shop.example.co.uk/', currency: 'GBP', paymentMode: 'prepaid', platformTotal: 3949, customer: { email: 'ada@example.co.uk', name: 'Ada Lovelace' } });
    expect(e.order.lines).toEqual([
      { sku: 'MUG-01', description: 'Stoneware mug - 350 ml', quantity: 2, unitPrice: 1250, discount: 250, taxRatePpm: 200_000, tax: 450 },
      { sku: 'TEA-250', description: 'Breakfast tea - 250 g', quantity: 1, unitPrice: 650, discount: 0, taxRatePpm: 0, tax: 0 },
    ]);
    expect(e.order.shipping).toEqual({ amount: 499, tax: 100, taxRatePpm: 200_000, method: 'Flat rate' });
  });

  it('keeps an uneven unit price exact: £10.00 for 3 is 3 × 334p less 2p', () => {
    const e = deliver('order-created-uneven-unit-price.json');
    if (e.kind !== 'order') throw new Error();
    expect(e.order.lines[0]).toMatchObject({ quantity: 3, unitPrice: 334, discount: 2, tax: 200 });
    expect(e.order.platformTotal).toBe(1799);
  });

  it('takes the buyer\'s language from WPML\'s `wpml_language` order meta, and none from a meta list of another shape', () => {
    const signed = (order: Record<string, unknown>) => {
      const body = JSON.stringify(order);
      return parseWooWebhook(body, { 'x-wc-webhook-signature': base64Hmac(secret, body), 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-source': 'https://shop.example.se/' }, [secret]);
    };
    const paid = JSON.parse(fixture('woocommerce/order-created-paid.json')) as Record<string, unknown>;
    const withMeta = (meta: unknown) => signed({ ...paid, meta_data: meta });
    expect(withMeta([{ id: 1, key: '_order_source', value: 'web' }, { id: 2, key: 'wpml_language', value: 'sv' }])).toMatchObject({ kind: 'order', order: { customer: { language: 'sv' } } });
    expect(withMeta([{ id: 2, key: 'wpml_language', value: 'ja-JP' }])).toMatchObject({ order: { customer: { language: 'ja' } } });
    for (const meta of [[{ key: 'wpml_language', value: 'de' }], [{ key: 'wpml_language', value: 7 }], 'sv', [null, 3], undefined]) {
      const e = withMeta(meta);
      if (e.kind !== 'order') throw new Error('not an order');
      expect(e.order.customer).not.toHaveProperty('language');
    }
  });

  it('puts a bank-transfer order awaiting payment on terms', () => {
    const e = deliver('order-created-bacs.json');
    expect(e).toMatchObject({ kind: 'order', paid: false, order: { paymentMode: 'terms' } });
  });

  it('turns an update to cancelled into a cancellation, and ignores other topics', () => {
    expect(deliver('order-updated-cancelled.json', 'order.updated')).toMatchObject({ kind: 'cancel', reason: 'cancelled in WooCommerce' });
    expect(deliver('order-created-paid.json', 'product.created')).toMatchObject({ kind: 'ignored', topic: 'product.created' });
  });

  it('refuses a bad signature', () => {
    const body = fixture('woocommerce/order-created-paid.json');
    expect(() => parseWooWebhook(body, { 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-signature': base64Hmac('nope', body) }, [secret])).toThrow(/X-WC-Webhook-Signature/);
  });
});

describe('WooCommerce webhooks, more', () => {
  const headersFor = (body: string, topic = 'order.created', s = secret) => ({
    'x-wc-webhook-signature': base64Hmac(s, body),
    'x-wc-webhook-topic': topic,
    'x-wc-webhook-source': 'https://shop.example.co.uk/',
    'x-wc-webhook-id': '15',
    'x-wc-webhook-delivery-id': 'a1b2c3',
  });
  const caught = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (error) {
      return error;
    }
    throw new Error('did not throw');
  };
  const paid = fixture('woocommerce/order-created-paid.json');

  it('refuses a missing signature, accepts either secret during a rotation', () => {
    const { 'x-wc-webhook-signature': _, ...unsigned } = headersFor(paid);
    expect(caught(() => parseWooWebhook(paid, unsigned, [secret]))).toBeInstanceOf(SignatureError);
    expect(parseWooWebhook(paid, headersFor(paid, 'order.created', 'old-secret'), [secret, 'old-secret']).kind).toBe('order');
    expect(parseWooWebhook(paid, headersFor(paid), ['old-secret', secret]).kind).toBe('order');
    expect(caught(() => parseWooWebhook(paid, headersFor(paid, 'order.created', 'old-secret'), [secret]))).toBeInstanceOf(SignatureError);
  });

  it('a ping is only a ping without a topic; anything else unsigned is refused', () => {
    expect(parseWooWebhook('webhook_id=15\n', {}, [secret])).toEqual({ kind: 'ping', topic: 'ping' });
    expect(caught(() => parseWooWebhook('webhook_id=15', { 'x-wc-webhook-topic': 'order.created' }, [secret]))).toBeInstanceOf(SignatureError);
    expect(caught(() => parseWooWebhook('webhook_id=15&x=1', {}, [secret]))).toBeInstanceOf(SignatureError);
    expect(caught(() => parseWooWebhook(paid, {}, [secret]))).toBeInstanceOf(SignatureError);
  });

  it('property: any single changed byte of a signed body is refused as unsigned', () => {
    const headers = headersFor(paid);
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const bytes = Buffer.from(paid);
        const i = at % bytes.length;
        bytes[i] = (bytes[i]! + delta) % 256;
        expect(caught(() => parseWooWebhook(bytes.toString('latin1'), headers, [secret]))).toBeInstanceOf(SignatureError);
      }),
      { numRuns: 300 },
    );
  });

  it('a signed body that is not JSON is a 400; a field of the wrong type a 422 with its path', () => {
    expect(caught(() => parseWooWebhook('{"id": 727,', headersFor('{"id": 727,'), [secret]))).toBeInstanceOf(BodyNotJson);
    const body = paid.replace('"subtotal": "25.00"', '"subtotal": 25');
    const error = caught(() => parseWooWebhook(body, headersFor(body), [secret]));
    expect(error).toBeInstanceOf(PayloadError);
    expect((error as PayloadError).issues.map((i) => i.path)).toEqual(['line_items.0.subtotal']);
    const noSource = caught(() => parseWooWebhook(paid, { ...headersFor(paid), 'x-wc-webhook-source': '' }, [secret]));
    expect(noSource).toBeInstanceOf(PayloadError);
  });

  it('waits for a card order still pending payment; cash on delivery is on terms', () => {
    const pending = JSON.parse(paid);
    Object.assign(pending, { status: 'pending', date_paid: null, date_paid_gmt: null });
    const body = JSON.stringify(pending);
    expect(parseWooWebhook(body, headersFor(body), [secret])).toMatchObject({ kind: 'ignored', reason: 'order is pending: waiting for payment' });
    const cod = JSON.stringify({ ...pending, payment_method: 'cod', payment_method_title: 'Cash on delivery', status: 'processing' });
    expect(parseWooWebhook(cod, headersFor(cod), [secret])).toMatchObject({ kind: 'order', paid: false, order: { paymentMode: 'terms' } });
  });

  it('maps a yen order (no decimals) exactly: 3 for ¥1,000 is 3 × ¥334 less ¥2, 8 % food and 10 % shipping tax', () => {
    const o = JSON.parse(paid);
    Object.assign(o, {
      currency: 'JPY',
      total: '1630',
      total_tax: '130',
      shipping_total: '500',
      shipping_tax: '50',
      line_items: [
        { id: 1, name: '抹茶 (Matcha) 30 g', product_id: 5, variation_id: 0, quantity: 3, tax_class: 'reduced-rate', subtotal: '1000', subtotal_tax: '80', total: '1000', total_tax: '80', taxes: [{ id: 2, total: '80', subtotal: '80' }], meta_data: [], sku: 'MATCHA-30', price: 333.3333333333333 },
      ],
      shipping_lines: [{ id: 9, method_title: 'Yamato', method_id: 'flat_rate', instance_id: '2', total: '500', total_tax: '50', taxes: [{ id: 3, total: '50', subtotal: '' }], meta_data: [] }],
      tax_lines: [
        { id: 10, rate_code: 'JP-JCT-8', rate_id: 2, label: 'JCT 8%', compound: false, tax_total: '80', shipping_tax_total: '0', rate_percent: 8, meta_data: [] },
        { id: 11, rate_code: 'JP-JCT-10', rate_id: 3, label: 'JCT 10%', compound: false, tax_total: '0', shipping_tax_total: '50', rate_percent: 10, meta_data: [] },
      ],
    });
    const body = JSON.stringify(o);
    const e = parseWooWebhook(body, headersFor(body), [secret]);
    if (e.kind !== 'order') throw new Error(e.kind);
    expect(e.order.lines).toEqual([{ sku: 'MATCHA-30', description: '抹茶 (Matcha) 30 g', quantity: 3, unitPrice: 334, discount: 2, taxRatePpm: 80_000, tax: 80 }]);
    expect(e.order.shipping).toEqual({ amount: 500, tax: 50, taxRatePpm: 100_000, method: 'Yamato' });
    // ¥1,630 = (3 × 334 − 2) + 500 + 80 + 50.
    expect(e.order.platformTotal).toBe(1630);
    expect(priceOrder(e.order.lines, e.order.shipping, { rounding: 'half-up', level: 'line' }).totals).toMatchObject({ net: 1000, shipping: 500, tax: 130, total: 1630 });
  });
});
