/**
 * Stripe: our signature check agrees with Stripe's own test-header helper
 * (the official `stripe` package), and checkout sessions and payment events map exactly.
 */
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { parseStripeWebhook, verifyStripeSignature } from '../../../functions/platforms/stripe.ts';
import { fixture } from './support.ts';

const stripe = new Stripe('sk_test_not_used');
const secret = 'whsec_test_0123456789abcdef';
const now = 1_795_596_000;
const header = (payload: string, timestamp = now, s = secret) => stripe.webhooks.generateTestHeaderString({ payload, secret: s, timestamp });

describe('Stripe-Signature', () => {
  const body = fixture('stripe/checkout-session-completed-gbp.json');

  it("accepts Stripe's own test header, and Stripe's verifier accepts the same", () => {
    const h = header(body);
    expect(() => verifyStripeSignature(body, h, [secret], now)).not.toThrow();
    expect(stripe.webhooks.constructEvent(body, h, secret, 300, undefined, now).id).toBe('evt_1QxCheckoutGBP');
  });

  it('refuses a wrong secret, a missing header and a tampered body', () => {
    expect(() => verifyStripeSignature(body, header(body, now, 'whsec_other'), [secret], now)).toThrow(/does not match/);
    expect(() => verifyStripeSignature(body, undefined, [secret], now)).toThrow(/missing/);
    expect(() => verifyStripeSignature(body.replace('3599', '3598'), header(body), [secret], now)).toThrow(/does not match/);
  });

  it('refuses a timestamp more than 300 s away (replay), and accepts 300 s', () => {
    expect(() => verifyStripeSignature(body, header(body, now - 301), [secret], now)).toThrow(/300 s/);
    expect(() => verifyStripeSignature(body, header(body, now - 300), [secret], now)).not.toThrow();
  });

  it('accepts any of several v1 signatures, under any current secret (rotation)', () => {
    const a = header(body, now, 'whsec_old');
    const b = header(body, now, secret);
    const both = `t=${now},v1=${a.split('v1=')[1]},v1=${b.split('v1=')[1]},v0=ignored`;
    expect(() => verifyStripeSignature(body, both, [secret], now)).not.toThrow();
    expect(() => verifyStripeSignature(body, header(body, now, 'whsec_old'), [secret, 'whsec_old'], now)).not.toThrow();
  });
});

describe('Stripe events', () => {
  const deliver = (file: string) => {
    const body = fixture(`stripe/${file}`);
    return parseStripeWebhook(body, header(body), [secret], now);
  };

  it('turns checkout.session.completed into a prepaid order that adds up to amount_total', () => {
    const e = deliver('checkout-session-completed-gbp.json');
    if (e.kind !== 'order') throw new Error(e.kind);
    expect(e.order).toMatchObject({
      externalId: 'cs_test_a1B2c3D4e5F6g7H8i9J0',
      reference: 'WEB-9001',
      currency: 'GBP',
      paymentMode: 'prepaid',
      pricesIncludeTax: false,
      platformTotal: 3599,
      customer: { email: 'jo.bloggs@example.org', name: 'Jo Bloggs' },
      shippingAddress: { line1: '5 Park Row', city: 'Bristol', postalCode: 'BS1 5LJ', country: 'GB' },
      shipping: { amount: 499, tax: 0 },
    });
    expect(e.order.lines).toEqual([{ sku: 'stripe-checkout', description: 'Stripe Checkout purchase', quantity: 1, unitPrice: 2500, discount: 0, taxRatePpm: 0, tax: 600 }]);
  });

  it('keeps yen as yen (zero-decimal) and sees tax-inclusive prices', () => {
    const e = deliver('checkout-session-completed-jpy-inclusive.json');
    if (e.kind !== 'order') throw new Error(e.kind);
    expect(e.order).toMatchObject({ currency: 'JPY', platformTotal: 6480, pricesIncludeTax: true, lines: [{ unitPrice: 6480, tax: 480 }] });
  });

  it('queues a payment for an o2c invoice and a refund; ignores other types', () => {
    expect(deliver('payment-intent-succeeded.json')).toEqual({
      kind: 'payment',
      topic: 'payment_intent.succeeded',
      payment: { source: 'stripe', externalId: 'pi_3QxInvoice', amount: 3898, currency: 'GBP', receivedOn: '2026-11-25', remittance: 'INV-2026-000007', payerReference: 'cus_Qx1' },
    });
    expect(deliver('charge-refunded.json')).toMatchObject({ kind: 'refund', refund: { externalId: 're_3QxR1', chargeId: 'ch_3QxCharge', amount: 1000, currency: 'GBP' } });
    const other = JSON.stringify({ id: 'evt_x', type: 'customer.created', created: now, data: { object: { id: 'cus_1' } } });
    expect(parseStripeWebhook(other, header(other), [secret], now)).toMatchObject({ kind: 'ignored', topic: 'customer.created' });
  });
});
