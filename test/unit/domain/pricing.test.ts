import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocate } from '../../../functions/domain/money.ts';
import type { OrderLine, TaxPolicy } from '../../../functions/domain/model.ts';
import { priceOrder, taxIncluded } from '../../../functions/domain/pricing.ts';
import { arbLine, arbPolicy } from './fixtures.ts';

const line = (sku: string, quantity: number, unitPrice: number, taxRatePpm = 200_000, discount = 0): OrderLine => ({
  sku,
  description: sku,
  quantity,
  unitPrice,
  discount,
  taxRatePpm,
});

describe('priceOrder', () => {
  it('rounds VAT per line or per invoice, as the policy says (known answer)', () => {
    // Three lines of £0.99 at 20 % VAT: each line's VAT is 19.8p.
    const lines = [line('A', 1, 99), line('B', 1, 99), line('C', 1, 99)];
    // Per line: 20p + 20p + 20p = 60p.
    const perLine = priceOrder(lines, undefined, { rounding: 'half-up', level: 'line' });
    expect(perLine.totals).toEqual({ gross: 297, discount: 0, net: 297, shipping: 0, tax: 60, total: 357 });
    // Per invoice: 297p × 20 % = 59.4p → 59p, shared back 20/20/19 by largest remainder.
    const perInvoice = priceOrder(lines, undefined, { rounding: 'half-up', level: 'invoice' });
    expect(perInvoice.totals.tax).toBe(59);
    expect(perInvoice.lines.map((l) => l.tax)).toEqual([20, 20, 19]);
    expect(perInvoice.totals.total).toBe(356);
  });

  it('applies discounts before tax and taxes shipping at its own rate', () => {
    // 2 × £12.50 = £25.00, £5.00 off → £20.00 net; 20 % → £4.00. Shipping £4.99 at 20 % → 99.8p → £1.00.
    const priced = priceOrder([line('MUG', 2, 1250, 200_000, 500)], { amount: 499, taxRatePpm: 200_000 }, { rounding: 'half-up', level: 'line' });
    expect(priced.lines[0]).toMatchObject({ gross: 2500, net: 2000, tax: 400, total: 2400 });
    expect(priced.shippingTax).toBe(100);
    expect(priced.totals).toEqual({ gross: 2500, discount: 500, net: 2000, shipping: 499, tax: 500, total: 2999 });
  });

  it('rounds an exact half by the mode', () => {
    // 25p at 10 % = 2.5p.
    const up = priceOrder([line('X', 1, 25, 100_000)], undefined, { rounding: 'half-up', level: 'line' });
    const even = priceOrder([line('X', 1, 25, 100_000)], undefined, { rounding: 'half-even', level: 'line' });
    expect([up.totals.tax, even.totals.tax]).toEqual([3, 2]);
  });

  it('rounds once per rate at invoice level and shares each rate back to its own lines (known answer)', () => {
    // £10.00 at 20 %, and two £3.33 lines at 5 %.
    const lines = [line('A', 1, 1000, 200_000), line('B', 1, 333, 50_000), line('C', 1, 333, 50_000)];
    // Per line: 200 + 16.65→17 + 16.65→17 = 234.
    expect(priceOrder(lines, undefined, { rounding: 'half-up', level: 'line' }).totals.tax).toBe(234);
    // Per invoice: 20 %: 1000 → 200; 5 %: 666 → 33.3 → 33, shared 17/16 (tie: earlier line first). Total 233.
    const inv = priceOrder(lines, undefined, { rounding: 'half-up', level: 'invoice' });
    expect(inv.lines.map((l) => l.tax)).toEqual([200, 17, 16]);
    expect(inv.totals).toEqual({ gross: 1666, discount: 0, net: 1666, shipping: 0, tax: 233, total: 1899 });
  });

  it('rounds an exact half by the mode at invoice level too', () => {
    // Two lines of £0.50 and £0.75 at 10 %: net 125p → 12.5p: half-up 13, half-even 12.
    const lines = [line('A', 1, 50, 100_000), line('B', 1, 75, 100_000)];
    expect(priceOrder(lines, undefined, { rounding: 'half-up', level: 'invoice' }).totals.tax).toBe(13);
    expect(priceOrder(lines, undefined, { rounding: 'half-even', level: 'invoice' }).totals.tax).toBe(12);
    // Line level: 5p + 7.5p → half-up 5 + 8 = 13, half-even 5 + 8 = 13 (7.5 → 8, the even neighbour).
    expect(priceOrder(lines, undefined, { rounding: 'half-even', level: 'line' }).totals.tax).toBe(13);
  });

  it('keeps tax a platform charged, and takes tax out of tax-inclusive prices', () => {
    const withPlatformTax = priceOrder([{ ...line('A', 1, 1000), tax: 123 }], { amount: 500, taxRatePpm: 200_000, tax: 99 }, { rounding: 'half-up', level: 'invoice' });
    expect(withPlatformTax.lines[0]!.tax).toBe(123);
    expect(withPlatformTax.totals).toMatchObject({ net: 1000, shipping: 500, tax: 222, total: 1722 });
    // £12.00 including 20 % VAT = £10.00 + £2.00; shipping £6.00 including VAT = £5.00 + £1.00.
    const inclusive = priceOrder([line('A', 1, 1200)], { amount: 600, taxRatePpm: 200_000 }, { rounding: 'half-up', level: 'line' }, { pricesIncludeTax: true });
    expect(inclusive.lines[0]).toMatchObject({ gross: 1200, net: 1000, tax: 200, total: 1200 });
    expect(inclusive.totals).toEqual({ gross: 1200, discount: 0, net: 1000, shipping: 500, tax: 300, total: 1800 });
  });

  it('refuses bad lines with a clear reason', () => {
    const policy: TaxPolicy = { rounding: 'half-up', level: 'line' };
    expect(() => priceOrder([], undefined, policy)).toThrow(/at least one line/);
    expect(() => priceOrder([line('A', 0, 100)], undefined, policy)).toThrow(/quantity/);
    expect(() => priceOrder([line('A', 1, 10.5)], undefined, policy)).toThrow(/whole number/);
    expect(() => priceOrder([line('A', 1, 100, 200_000, 101)], undefined, policy)).toThrow(/exceeds/);
    expect(() => priceOrder([line('A', 1, 100, 2_000_000)], undefined, policy)).toThrow(/tax rate/);
    expect(() => priceOrder([line('A', 1, -100)], undefined, policy)).toThrow(/negative/);
    expect(() => priceOrder([line('A', 1, 100)], { amount: -1, taxRatePpm: 0 }, policy)).toThrow(/shipping/);
    expect(() => priceOrder([line('A', 1_000_000_000, 100_000_000)], undefined, policy)).toThrow(/whole number/);
  });

  it('extracts included tax: £12.00 including 20 % VAT holds £2.00', () => {
    expect(taxIncluded(1200, 200_000, { rounding: 'half-up', level: 'line' })).toBe(200);
  });

  it('property: totals add up, and line taxes add up to the goods tax, at both levels', () => {
    fc.assert(
      fc.property(
        fc.array(arbLine, { minLength: 1, maxLength: 12 }),
        fc.option(fc.record({ amount: fc.integer({ min: 0, max: 10_000 }), taxRatePpm: fc.constantFrom(0, 200_000) }), { nil: undefined }),
        arbPolicy,
        (lines, shipping, policy) => {
          const { lines: priced, totals, shippingTax } = priceOrder(lines, shipping, policy);
          expect(totals.total).toBe(totals.net + totals.shipping + totals.tax);
          expect(priced.reduce((a, l) => a + l.tax, 0)).toBe(totals.tax - shippingTax);
          expect(shippingTax).toBe(shipping ? priceOrder([line('S', 1, shipping.amount, shipping.taxRatePpm)], undefined, policy).totals.tax : 0);
          expect(totals.net).toBe(totals.gross - totals.discount);
          priced.forEach((l, i) => {
            expect(l.gross).toBe(lines[i]!.quantity * lines[i]!.unitPrice);
            expect(l.net).toBe(l.gross - l.discount);
            expect(l.total).toBe(l.net + l.tax);
            expect(Number.isSafeInteger(l.tax) && l.tax >= 0).toBe(true);
          });
          if (policy.level === 'invoice') {
            // per rate, the lines' taxes are the rate's net rounded once
            for (const rate of new Set(lines.map((l) => l.taxRatePpm))) {
              const ofRate = priced.filter((l) => l.taxRatePpm === rate);
              const net = ofRate.reduce((a, l) => a + l.net, 0);
              const tax = ofRate.reduce((a, l) => a + l.tax, 0);
              expect(tax).toBe(priceOrder([line('R', 1, net, rate)], undefined, policy).totals.tax);
              if (net > 0) expect(ofRate.map((l) => l.tax)).toEqual(allocate(tax, ofRate.map((l) => l.net)));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
