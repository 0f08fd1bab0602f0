/** Shared fixtures and generators for the domain tests (not a test file itself). */
import fc from 'fast-check';
import type { Order, OrderLine, PaymentTerms, TaxPolicy } from '../../../functions/domain/model.ts';

export const LINE_POLICY: TaxPolicy = { rounding: 'half-up', level: 'line' };

/** A Shopify order: 2 mugs at £12.50 with £5 off (20 % VAT), a zero-rated book, £4.99 shipping (20 % VAT). */
export const ORDER: Order = {
  id: 'ord_1',
  source: { platform: 'shopify', externalId: '450789469', shop: 'acme.myshopify.com', reference: '#1042' },
  customerId: 'cus_1',
  currency: 'GBP',
  lines: [
    { sku: 'MUG-01', description: 'Mug', quantity: 2, unitPrice: 1250, discount: 500, taxRatePpm: 200_000 },
    { sku: 'BOOK-7', description: 'Book', quantity: 1, unitPrice: 899, discount: 0, taxRatePpm: 0 },
  ],
  shipping: { amount: 499, taxRatePpm: 200_000 },
  paymentMode: 'terms',
  shippingAddress: { line1: '1 High St', city: 'York', country: 'GB' },
  status: 'shipped',
  createdAt: '2026-11-20T10:00:00.000Z',
};

export const TWO_TEN_NET_30: PaymentTerms = { netDays: 30, discount: { ratePpm: 20_000, days: 10 } };

/** Order lines with a discount no larger than the line's gross. */
export const arbLine: fc.Arbitrary<OrderLine> = fc
  .record({
    sku: fc.constantFrom('A', 'B', 'C', 'D'),
    quantity: fc.integer({ min: 1, max: 1000 }),
    unitPrice: fc.integer({ min: 0, max: 1_000_000 }),
    discountPpm: fc.integer({ min: 0, max: 1_000_000 }),
    taxRatePpm: fc.constantFrom(0, 50_000, 88_750, 200_000, 250_000),
  })
  .map(({ sku, quantity, unitPrice, discountPpm, taxRatePpm }) => ({
    sku,
    description: `item ${sku}`,
    quantity,
    unitPrice,
    discount: Math.floor((quantity * unitPrice * discountPpm) / 1_000_000 / 3),
    taxRatePpm,
  }));

export const arbPolicy: fc.Arbitrary<TaxPolicy> = fc.record({
  rounding: fc.constantFrom('half-up' as const, 'half-even' as const),
  level: fc.constantFrom('line' as const, 'invoice' as const),
});
