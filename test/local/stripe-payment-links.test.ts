/**
 * Payment links for dunning letters against the local Stripe emulator, which speaks Stripe's wire format: a Price
 * then a Payment Link, form-encoded with the Stripe key as bearer; the same invoice and level twice (a retried
 * letter) gives one link; a refusal gives no link; Stripe's 5xx throws (the queue retries the letter).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stripePaymentLinks } from '../../functions/adapters/stripe-payment-links.ts';
import { startLocalStripe, type LocalStripe } from '../../local/stripe.ts';

describe('Stripe payment links (local emulator)', () => {
  let stripe: LocalStripe;
  beforeAll(async () => {
    stripe = await startLocalStripe({ secretKey: 'sk_test_links' });
  });
  afterAll(async () => {
    await stripe.stop();
  });
  const links = (key = 'sk_test_links') => stripePaymentLinks({ apiUrl: stripe.url, key: async () => key });
  const request = { invoiceNumber: 'INV-2026-000007', level: 'reminder', amount: 3898, currency: 'GBP', description: 'Acme: invoice INV-2026-000007' };

  it('creates one link per invoice and level, whose payment carries the invoice number, however often it is asked', async () => {
    const first = await links().linkFor(request);
    const again = await links().linkFor(request);
    expect(first).toEqual({ kind: 'link', url: expect.stringMatching(new RegExp(`^${stripe.url}/pay/plink_`)) });
    expect(again).toEqual(first);
    expect(stripe.paymentLinks).toHaveLength(1);
    expect(stripe.paymentLinks[0]).toMatchObject({ amount: 3898, currency: 'gbp', metadata: { invoice_number: 'INV-2026-000007', dunning_level: 'reminder' }, payment_intent_data: { metadata: { invoice_number: 'INV-2026-000007' } } });
    const page = await fetch((first as { url: string }).url);
    expect(await page.text()).toContain('3898 GBP for INV-2026-000007');
    // the next level is a new link
    await links().linkFor({ ...request, level: 'firm', amount: 7898 });
    expect(stripe.paymentLinks.map((l) => l.amount)).toEqual([3898, 7898]);
  });

  it('a refusal (the same key with another amount) gives no link; a bad key or a 5xx throws', async () => {
    expect(await links().linkFor({ ...request, amount: 1000 })).toEqual({ kind: 'none', reason: expect.stringContaining('same parameters') });
    await expect(links('sk_wrong').linkFor({ ...request, invoiceNumber: 'INV-2026-000008' })).rejects.toThrow('401');
    stripe.failNext(1);
    await expect(links().linkFor({ ...request, invoiceNumber: 'INV-2026-000009' })).rejects.toThrow('500');
    expect((await links().linkFor({ ...request, invoiceNumber: 'INV-2026-000009' })).kind).toBe('link');
  });
});
