/** Reference rates: exact conversion of minor units through the base, known answers worked by hand, and its invariants. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { convert, parseRate, type ReferenceRates } from '../../../functions/domain/fx.ts';

/** ECB style: units per 1 EUR. */
const ECB: ReferenceRates = { on: '2026-11-30', base: 'EUR', rates: { GBP: '0.8534', SEK: '11.2345', JPY: '162.50', KWD: '0.3301', USD: '1.0532' } };

describe('convert', () => {
  it.each([
    // SEK 100.00 → GBP: 100 ÷ 11.2345 × 0.8534 = 7.59624… → £7.60
    [10_000, 'SEK', 'GBP', 760, '0.0759624371'],
    // EUR 100.00 → GBP: × 0.8534 = £85.34 exactly
    [10_000, 'EUR', 'GBP', 8_534, '0.8534'],
    // GBP 85.34 → EUR: ÷ 0.8534 = €100.00 exactly
    [8_534, 'GBP', 'EUR', 10_000, '1.1717834544'],
    // ¥1,000,000 (no minor unit) → EUR: ÷ 162.5 = 6,153.846… → €6,153.85
    [1_000_000, 'JPY', 'EUR', 615_385, '0.0061538462'],
    // EUR 10.00 → JPY: × 162.5 = ¥1,625 (0 decimals)
    [1_000, 'EUR', 'JPY', 1_625, '162.5'],
    // EUR 100.00 → KWD (3 decimals): × 0.3301 = KWD 33.010
    [10_000, 'EUR', 'KWD', 33_010, '0.3301'],
    // GBP 0.01 → SEK: 0.01 ÷ 0.8534 × 11.2345 = 0.131644… → 13 öre
    [1, 'GBP', 'SEK', 13, '13.1644012187'],
  ])('%i minor units of %s in %s are %i (rate %s)', (amount, from, to, expected, rate) => {
    expect(convert(amount, from, to, ECB)).toEqual({ amount: expected, rate });
  });

  it('rounds half up, exactly at the half too: USD 0.01 → GBP 0.0081… is 1 penny; at 0.5 per EUR, €0.01 → 0.5p → 1p and €0.03 → 1.5p → 2p', () => {
    // 1 cent USD → GBP = 0.01 ÷ 1.0532 × 0.8534 = 0.008103… → 1 pence (0.81 of a penny rounds up)
    expect(convert(1, 'USD', 'GBP', ECB)?.amount).toBe(1);
    // a table where the half is exact: 1 unit = 0.5 of the other → 1 minor unit becomes 0.5 → 1
    expect(convert(1, 'EUR', 'GBP', { on: '2026-11-30', base: 'EUR', rates: { GBP: '0.5' } })?.amount).toBe(1);
    expect(convert(3, 'EUR', 'GBP', { on: '2026-11-30', base: 'EUR', rates: { GBP: '0.5' } })?.amount).toBe(2);
  });

  it('is the identity within one currency and undefined without a rate', () => {
    expect(convert(12_345, 'GBP', 'GBP', ECB)).toEqual({ amount: 12_345, rate: '1' });
    expect(convert(100, 'CHF', 'GBP', ECB)).toBeUndefined();
    expect(convert(100, 'GBP', 'CHF', ECB)).toBeUndefined();
  });

  it('stays exact for amounts far beyond a float’s exact range of products', () => {
    // £90,071,992,547,409.91 (2^53 − 1 pence) → EUR: ÷ 0.8534, exactly rounded
    const max = Number.MAX_SAFE_INTEGER;
    const exact = (BigInt(max) * 10_000n * 2n + 8534n) / (8534n * 2n); // half-up of max × 10000 / 8534
    expect(convert(max, 'GBP', 'EUR', ECB)?.amount).toBe(Number(exact));
  });

  it('refuses what is not a plain positive decimal rate', () => {
    for (const bad of ['0', '0.000', '-1.2', '1e3', '1,5', ' 1.2', '', '1.', '.5']) expect(() => parseRate(bad), bad).toThrow(/rate/);
    expect(() => convert(1.5, 'EUR', 'GBP', ECB)).toThrow();
  });

  it('is monotone and additive within one minor unit (property)', () => {
    const ccy = fc.constantFrom('EUR', 'GBP', 'SEK', 'JPY', 'KWD', 'USD');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), fc.integer({ min: 0, max: 1e12 }), ccy, ccy, (a, b, from, to) => {
        const ca = convert(a, from, to, ECB)!.amount;
        const cb = convert(b, from, to, ECB)!.amount;
        const cab = convert(a + b, from, to, ECB)!.amount;
        expect(Math.abs(cab - ca - cb)).toBeLessThanOrEqual(1);
        if (a <= b) expect(ca).toBeLessThanOrEqual(cb);
      }),
    );
  });
});
