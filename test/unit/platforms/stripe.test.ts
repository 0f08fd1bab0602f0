/**
 * Stripe: our signature check agrees with Stripe's own test-header helper
 * (the official `stripe` package), and checkout sessions and payment events map exactly.
 */
import fc from 'fast-check';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { priceOrder } from '../../../functions/domain/pricing.ts';
import { hmacSha256, SignatureError } from '../../../functions/platforms/signatures.ts';
import { parseStripeWebhook, StaleSignatureError, verifyStripeSignature } from '../../../functions/platforms/stripe.ts';
import { PayloadError } from '../../../functions/platforms/types.ts';
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

  it("names the delivery by the event's id (what Stripe sends again when it retries), not by the signature's time", () => {
    const e = deliver('checkout-session-completed-jpy-inclusive.json');
    const body = fixture('stripe/checkout-session-completed-jpy-inclusive.json');
    expect(e).toMatchObject({ kind: 'order', deliveryId: JSON.parse(body).id });
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
      deliveryId: 'evt_1QxPI', // the event's id: the same on each of Stripe's retries of it
      payment: { source: 'stripe', externalId: 'pi_3QxInvoice', amount: 3898, currency: 'GBP', receivedOn: '2026-11-25', remittance: 'INV-2026-000007', payerReference: 'cus_Qx1' },
    });
    expect(deliver('charge-refunded.json')).toMatchObject({ kind: 'refund', refund: { externalId: 're_3QxR1', chargeId: 'ch_3QxCharge', amount: 1000, currency: 'GBP' } });
    const other = JSON.stringify({ id: 'evt_x', type: 'customer.created', created: now, data: { object: { id: 'cus_1' } } });
    expect(parseStripeWebhook(other, header(other), [secret], now)).toMatchObject({ kind: 'ignored', topic: 'customer.created' });
  });
});

describe('Stripe-Signature, edge cases', () => {
  const body = fixture('stripe/payment-intent-succeeded.json');
  const v1 = (t: number | string, s = secret) => hmacSha256(s, `${t}.${body}`, 'hex');
  const thrown = (fn: () => unknown): unknown => {
    try {
      fn();
    } catch (error) {
      return error;
    }
    throw new Error('did not throw');
  };

  it('a stale timestamp is its own error (the handler answers 401 "timestamp outside tolerance"); a bad signature is not stale', () => {
    const stale = thrown(() => verifyStripeSignature(body, header(body, now - 301), [secret], now));
    expect(stale).toBeInstanceOf(StaleSignatureError);
    expect(stale).toBeInstanceOf(SignatureError);
    // Wrong secret and stale: reported as a bad signature, so a forger learns nothing about the clock.
    const forged = thrown(() => verifyStripeSignature(body, header(body, now - 3600, 'whsec_other'), [secret], now));
    expect(forged).toBeInstanceOf(SignatureError);
    expect(forged).not.toBeInstanceOf(StaleSignatureError);
    // Stale check can be tightened by the caller.
    expect(thrown(() => verifyStripeSignature(body, header(body, now - 61), [secret], now, 60))).toBeInstanceOf(StaleSignatureError);
  });

  it('refuses a timestamp more than 300 s in the future too (stricter than the Stripe SDK, which only bounds age)', () => {
    expect(thrown(() => verifyStripeSignature(body, header(body, now + 301), [secret], now))).toBeInstanceOf(StaleSignatureError);
    expect(() => verifyStripeSignature(body, header(body, now + 300), [secret], now)).not.toThrow();
  });

  it('ignores v0 and unknown schemes and tolerates spaces; needs a t and at least one v1', () => {
    expect(() => verifyStripeSignature(body, `t=${now}, v0=${v1(now)}, v9=abc, v1=${v1(now)}`, [secret], now)).not.toThrow();
    expect(() => verifyStripeSignature(body, `t=${now},v0=${v1(now)}`, [secret], now)).toThrow(/no timestamp or no v1/);
    expect(() => verifyStripeSignature(body, `v1=${v1(now)}`, [secret], now)).toThrow(/no timestamp or no v1/);
    expect(() => verifyStripeSignature(body, `t=abc,v1=${v1(now)}`, [secret], now)).toThrow(/no timestamp or no v1/);
    expect(() => verifyStripeSignature(body, `t=${now}e0,v1=${v1(now)}`, [secret], now)).toThrow(/no timestamp or no v1/);
    expect(() => verifyStripeSignature(body, 'garbage', [secret], now)).toThrow(SignatureError);
    expect(() => verifyStripeSignature(body, '', [secret], now)).toThrow(/missing/);
  });

  it('accepts a v1 from the old secret alongside a junk v1, while both secrets are valid', () => {
    expect(() => verifyStripeSignature(body, `t=${now},v1=${'0'.repeat(64)},v1=${v1(now, 'whsec_old')}`, ['whsec_new', 'whsec_old'], now)).not.toThrow();
    expect(() => verifyStripeSignature(body, `t=${now},v1=${v1(now, 'whsec_old')}`, ['whsec_new'], now)).toThrow(/does not match/);
    expect(() => verifyStripeSignature(body, `t=${now},v1=${hmacSha256('', `${now}.${body}`, 'hex')}`, [''], now)).toThrow(/does not match/);
  });

  it('property: any single-byte change to a body signed by Stripe\'s helper fails; so does a changed timestamp', () => {
    const h = header(body);
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const bytes = Buffer.from(body);
        const i = at % bytes.length;
        bytes[i] = (bytes[i]! + delta) % 256;
        expect(() => verifyStripeSignature(bytes.toString('latin1'), h, [secret], now)).toThrow(SignatureError);
      }),
      { numRuns: 500 },
    );
    expect(() => verifyStripeSignature(body, h.replace(`t=${now}`, `t=${now + 1}`), [secret], now)).toThrow(/does not match/);
  });
});

describe('Stripe events, more', () => {
  const deliverBody = (body: string) => parseStripeWebhook(body, header(body), [secret], now);

  it('maps expanded line_items exactly (discount, per-line tax; shipping tax is the rest) in EUR', () => {
    const e = deliverBody(fixture('stripe/checkout-session-completed-eur-line-items.json'));
    if (e.kind !== 'order') throw new Error(e.kind);
    expect(e.order).toMatchObject({
      externalId: 'cs_test_b1EurItems0000000000',
      currency: 'EUR',
      paymentMode: 'prepaid',
      pricesIncludeTax: false,
      platformTotal: 3949,
      customer: { email: 'karin.larsson@example.se', name: 'Karin Larsson' },
      // collected_information.shipping_details (API 2025-03-31) wins over the billing address.
      shippingAddress: { name: 'Karin Larsson', line1: 'Svartbäcksgatan 12', line2: 'lgh 1101', city: 'Uppsala', postalCode: '753 20', country: 'SE' },
      shipping: { amount: 499, tax: 100 },
    });
    expect(e.order.lines).toEqual([
      { sku: 'price_1QxMug', description: 'Stoneware mug - 350 ml', quantity: 2, unitPrice: 1250, discount: 250, taxRatePpm: 0, tax: 450 },
      { sku: 'price_1QxTea', description: 'Breakfast tea - 250 g', quantity: 1, unitPrice: 650, discount: 0, taxRatePpm: 0, tax: 0 },
    ]);
    // €39.49 = (2 × 12.50 − 2.50) + 6.50 + 4.99 shipping + 4.50 + 1.00 tax = 22.50 + 6.50 + 4.99 + 5.50.
    expect(priceOrder(e.order.lines, e.order.shipping, { rounding: 'half-even', level: 'line' }).totals.total).toBe(3949);
  });

  it('takes the buyer\'s language from their preferred locale, else from the locale Checkout was shown in (not `auto`)', () => {
    const session = (edit: (o: any) => void) => {
      const event = JSON.parse(fixture('stripe/checkout-session-completed-eur-line-items.json'));
      edit(event.data.object);
      const e = deliverBody(JSON.stringify(event));
      if (e.kind !== 'order') throw new Error(e.kind);
      return e.order.customer;
    };
    expect(session((s) => ((s.customer_details.preferred_locales = ['sv-SE']), (s.locale = 'ja')))).toMatchObject({ language: 'sv' });
    expect(session((s) => (delete s.customer_details.preferred_locales, (s.locale = 'ru')))).toMatchObject({ language: 'ru' });
    expect(session((s) => (delete s.customer_details.preferred_locales, (s.locale = 'auto')))).not.toHaveProperty('language');
  });

  it('waits for an unpaid (asynchronous) checkout instead of creating a prepaid order', () => {
    const body = fixture('stripe/checkout-session-completed-gbp.json').replace('"payment_status": "paid"', '"payment_status": "unpaid"');
    expect(deliverBody(body)).toMatchObject({ kind: 'ignored', topic: 'checkout.session.completed' });
  });

  it('a malformed object field is a 422 naming its path under data.object', () => {
    const body = fixture('stripe/checkout-session-completed-gbp.json').replace('"amount_total": 3599', '"amount_total": "35.99"');
    const error = (() => {
      try {
        deliverBody(body);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(PayloadError);
    expect((error as PayloadError).issues.map((i) => i.path)).toContain('data.object.amount_total');
  });

  it('an invoice payment named only in the description is still a payment; a checkout payment intent is not', () => {
    const pi = JSON.parse(fixture('stripe/payment-intent-succeeded.json'));
    pi.data.object.metadata = {};
    pi.data.object.description = 'Payment for invoice inv-2026-000042, thank you';
    expect(deliverBody(JSON.stringify(pi))).toMatchObject({ kind: 'payment', payment: { externalId: 'pi_3QxInvoice', remittance: 'INV-2026-000042', amount: 3898, currency: 'GBP' } });
    pi.data.object.description = null;
    expect(deliverBody(JSON.stringify(pi))).toMatchObject({ kind: 'ignored' });
  });

  it('keeps zero-decimal amounts as they are (¥6,480 is 6480, not 648000)', () => {
    const pi = JSON.parse(fixture('stripe/payment-intent-succeeded.json'));
    pi.data.object.currency = 'jpy';
    pi.data.object.amount = 6480;
    pi.data.object.amount_received = 6480;
    expect(deliverBody(JSON.stringify(pi))).toMatchObject({ kind: 'payment', payment: { amount: 6480, currency: 'JPY' } });
  });
});
