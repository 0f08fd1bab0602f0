/** WooCommerce: ping, signature, topics and mapping from decimal strings. */
import { describe, expect, it } from 'vitest';
import { parseWooWebhook } from '../../../functions/platforms/woocommerce.ts';
import { base64Hmac, fixture } from './support.ts';

const secret = 'woo-webhook-secret';
const deliver = (file: string, topic = 'order.created') => {
  const body = fixture(`woocommerce/${file}`);
  return parseWooWebhook(body, { 'x-wc-webhook-signature': base64Hmac(secret, body), 'x-wc-webhook-topic': topic, 'x-wc-webhook-source': 'https://shop.example.co.uk/' }, [secret]);
};

describe('WooCommerce webhooks', () => {
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
