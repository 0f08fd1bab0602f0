import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderLine, TaxPolicy } from '../../../functions/domain/model.ts';
import { priceOrder, taxIncluded } from '../../../functions/domain/pricing.ts';

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

  it('refuses bad lines with a clear reason', () => {
    const policy: TaxPolicy = { rounding: 'half-up', level: 'line' };
    expect(() => priceOrder([], undefined, policy)).toThrow(/at least one line/);
    expect(() => priceOrder([line('A', 0, 100)], undefined, policy)).toThrow(/quantity/);
    expect(() => priceOrder([line('A', 1, 10.5)], undefined, policy)).toThrow(/whole number/);
    expect(() => priceOrder([line('A', 1, 100, 200_000, 101)], undefined, policy)).toThrow(/exceeds/);
    expect(() => priceOrder([line('A', 1, 100, 2_000_000)], undefined, policy)).toThrow(/tax rate/);
  });

  it('extracts included tax: £12.00 including 20 % VAT holds £2.00', () => {
    expect(taxIncluded(1200, 200_000, { rounding: 'half-up', level: 'line' })).toBe(200);
  });

  it('property: totals add up, and line taxes add up to the goods tax, at both levels', () => {
    const arbLine = fc.record({
      sku: fc.constantFrom('A', 'B', 'C'),
      description: fc.constant('item'),
      quantity: fc.integer({ min: 1, max: 1000 }),
      unitPrice: fc.integer({ min: 0, max: 1_000_000 }),
      discount: fc.constant(0),
      taxRatePpm: fc.constantFrom(0, 50_000, 200_000, 88_750, 250_000),
    });
    fc.assert(
      fc.property(
        fc.array(arbLine, { minLength: 1, maxLength: 12 }),
        fc.option(fc.record({ amount: fc.integer({ min: 0, max: 10_000 }), taxRatePpm: fc.constantFrom(0, 200_000) }), { nil: undefined }),
        fc.constantFrom<TaxPolicy['level']>('line', 'invoice'),
        fc.constantFrom<TaxPolicy['rounding']>('half-up', 'half-even'),
        (lines, shipping, level, rounding) => {
          const { lines: priced, totals, shippingTax } = priceOrder(lines, shipping, { level, rounding });
          expect(totals.total).toBe(totals.net + totals.shipping + totals.tax);
          expect(priced.reduce((a, l) => a + l.tax, 0)).toBe(totals.tax - shippingTax);
          expect(totals.net).toBe(totals.gross - totals.discount);
          priced.forEach((l) => expect(l.total).toBe(l.net + l.tax));
        },
      ),
      { numRuns: 300 },
    );
  });
});
