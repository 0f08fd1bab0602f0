import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../functions/domain/errors.ts';
import {
  add,
  allocate,
  applyRatePpm,
  currencyExponent,
  formatMoney,
  isCurrency,
  money,
  parseDecimal,
  parseRatePpm,
  roundDiv,
  subtract,
  sum,
  toDecimalString,
} from '../../../functions/domain/money.ts';

describe('currencies', () => {
  it('knows ISO 4217 exponents', () => {
    expect(currencyExponent('GBP')).toBe(2);
    expect(currencyExponent('JPY')).toBe(0);
    expect(currencyExponent('KRW')).toBe(0);
    expect(currencyExponent('KWD')).toBe(3);
    expect(currencyExponent('BHD')).toBe(3);
    expect(isCurrency('SEK')).toBe(true);
    expect(isCurrency('gbp')).toBe(false);
    expect(isCurrency('XYZ')).toBe(false);
    expect(() => currencyExponent('XYZ')).toThrow(/not an ISO 4217/);
    for (const c of ['VND', 'CLP', 'ISK', 'UGX', 'XAF', 'XOF']) expect(currencyExponent(c)).toBe(0);
    for (const c of ['JOD', 'OMR', 'TND', 'IQD', 'LYD']) expect(currencyExponent(c)).toBe(3);
    for (const c of ['USD', 'EUR', 'CHF', 'CNY', 'INR', 'BRL', 'MXN', 'ZAR', 'AUD', 'CAD', 'NOK', 'DKK', 'PLN', 'RUB', 'TRY', 'AED', 'SGD', 'HKD']) {
      expect(currencyExponent(c)).toBe(2);
    }
    // Withdrawn codes are not accepted (HRK became EUR in 2023).
    expect(isCurrency('HRK')).toBe(false);
    expect(() => money(1, 'gbp')).toThrow(DomainError);
  });
});

describe('arithmetic', () => {
  it('adds and subtracts in one currency only', () => {
    expect(add(money(150, 'GBP'), money(275, 'GBP'))).toEqual({ amount: 425, currency: 'GBP' });
    expect(subtract(money(150, 'GBP'), money(275, 'GBP')).amount).toBe(-125);
    expect(sum([money(1, 'EUR'), money(2, 'EUR')], 'EUR').amount).toBe(3);
    expect(() => add(money(1, 'GBP'), money(1, 'EUR'))).toThrow(/GBP with EUR/);
    expect(() => money(1.5, 'GBP')).toThrow(/whole number/);
    expect(() => add(money(Number.MAX_SAFE_INTEGER, 'GBP'), money(1, 'GBP'))).toThrow(/exact integer range/);
  });

  it('rounds halves by the named mode', () => {
    expect(roundDiv(5, 2, 'half-up')).toBe(3);
    expect(roundDiv(5, 2, 'half-even')).toBe(2);
    expect(roundDiv(7, 2, 'half-even')).toBe(4);
    expect(roundDiv(-5, 2, 'half-up')).toBe(-3);
    expect(roundDiv(-5, 2, 'half-even')).toBe(-2);
    expect(roundDiv(14, 10, 'half-up')).toBe(1);
    expect(roundDiv(16, 10, 'half-even')).toBe(2);
    // 25p at 10 % = 2.5p: HMRC-style half-up gives 3p, banker's rounding 2p.
    expect(applyRatePpm(25, 100_000, 'half-up')).toBe(3);
    expect(applyRatePpm(25, 100_000, 'half-even')).toBe(2);
    // 8.875 % of $19.99 = 177.41125 cents → 177.
    expect(applyRatePpm(1999, 88_750, 'half-up')).toBe(177);
  });

  it('refuses what it cannot do exactly', () => {
    expect(() => roundDiv(1.5, 2, 'half-up')).toThrow(DomainError);
    expect(() => roundDiv(1, 0, 'half-up')).toThrow(/division by zero/);
    expect(() => roundDiv(1, 2, 'nearest' as never)).toThrow(/rounding mode/);
    expect(() => applyRatePpm(100, 0.5, 'half-up')).toThrow(/ppm/);
  });

  it('property: roundDiv is within half a unit of the exact quotient, and breaks exact halves by the mode', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: 1n, max: 10n ** 7n }), fc.boolean(), (n, d, negD) => {
        const dd = negD ? -d : d;
        for (const mode of ['half-up', 'half-even'] as const) {
          const q = BigInt(roundDiv(n, dd, mode));
          // |q·d − n| ≤ d/2, i.e. |2(q·d − n)| ≤ |d|
          const err = 2n * (q * dd - n);
          expect(err < 0n ? -err : err).toBeLessThanOrEqual(d);
          if (err === d || err === -d) {
            // an exact half: half-up goes away from zero, half-even to the even neighbour
            if (mode === 'half-up') expect(q * dd * (n < 0n ? -1n : 1n) >= (n < 0n ? -n : n)).toBe(true);
            else expect(q % 2n).toBe(0n);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps large products exact (BigInt inside)', () => {
    expect(applyRatePpm(9_007_199_254_740, 200_000, 'half-up')).toBe(1_801_439_850_948);
  });
});

describe('allocate (largest remainder)', () => {
  it('splits known cases', () => {
    expect(allocate(100, [1, 1, 1])).toEqual([34, 33, 33]);
    expect(allocate(5, [3, 7])).toEqual([2, 3]); // quotas 1.5, 3.5 → tie on remainder, earlier first
    expect(allocate(-100, [1, 1, 1])).toEqual([-34, -33, -33]);
    expect(allocate(10, [0, 5, 0])).toEqual([0, 10, 0]);
    expect(() => allocate(10, [0, 0])).toThrow(/sum to zero/);
    expect(() => allocate(10, [])).toThrow();
    expect(() => allocate(10, [-1, 2])).toThrow(/non-negative/);
    expect(() => allocate(10.5, [1, 2])).toThrow(DomainError);
    // Ties go to the earlier index: 2 over four equal weights.
    expect(allocate(2, [1, 1, 1, 1])).toEqual([1, 1, 0, 0]);
    // Quotas 3.33…, 3.33…, 3.33… of 10 → 4, 3, 3; with weights 1, 1, 2 of 7 → 1.75, 1.75, 3.5 → 2, 2, 3.
    expect(allocate(10, [1, 1, 1])).toEqual([4, 3, 3]);
    expect(allocate(7, [1, 1, 2])).toEqual([2, 2, 3]);
    // Large totals and weights stay exact.
    expect(allocate(Number.MAX_SAFE_INTEGER, [1, 1])).toEqual([4503599627370496, 4503599627370495]);
  });

  it('property: shares sum exactly to the total and each is within one unit of its exact quota', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 20 }).filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const shares = allocate(total, weights);
          expect(shares.reduce((a, b) => a + b, 0)).toBe(total);
          const wsum = weights.reduce((a, b) => a + b, 0);
          shares.forEach((s, i) => {
            // |s − total·w/W| < 1  ⇔  |s·W − total·w| < W, checked exactly in BigInt
            const diff = BigInt(s) * BigInt(wsum) - BigInt(total) * BigInt(weights[i]!);
            expect(diff < 0n ? -diff : diff).toBeLessThan(BigInt(wsum));
            if (weights[i] === 0) expect(s).toBe(0);
            expect(s === 0 || Math.sign(s) === Math.sign(total)).toBe(true);
          });
          // deterministic
          expect(allocate(total, weights)).toEqual(shares);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('decimal strings', () => {
  it('parses exactly, per currency exponent', () => {
    expect(parseDecimal('12.34', 'GBP')).toBe(1234);
    expect(parseDecimal('0.1', 'GBP')).toBe(10);
    expect(parseDecimal('12.340', 'GBP')).toBe(1234);
    expect(parseDecimal('1234', 'JPY')).toBe(1234);
    expect(parseDecimal('1234.00', 'JPY')).toBe(1234);
    expect(parseDecimal('1.234', 'KWD')).toBe(1234);
    expect(parseDecimal('-0.50', 'EUR')).toBe(-50);
    expect(parseDecimal('0.00', 'EUR')).toBe(0);
    for (const bad of ['12.345', '1e3', '1.5e2', '12,34', '', 'abc', '1.2.3', ' . ', '+1', '.5', '5.', '0x10', 'Infinity', 'NaN', '£12', '1 000', '--1', '12.34.']) {
      expect(() => parseDecimal(bad, 'GBP')).toThrow(DomainError);
    }
    expect(() => parseDecimal('99999999999999999', 'GBP')).toThrow(/exact integer range/);
    expect(() => parseDecimal(12.34 as unknown as string, 'GBP')).toThrow(DomainError);
    expect(() => parseDecimal('1', 'XXX')).toThrow(/ISO 4217/);
    expect(parseDecimal('1.2340', 'KWD')).toBe(1234);
    expect(() => parseDecimal('1.5', 'JPY')).toThrow(/decimal places/);
  });

  it('prints exactly', () => {
    expect(toDecimalString({ amount: 1234, currency: 'GBP' })).toBe('12.34');
    expect(toDecimalString({ amount: 5, currency: 'GBP' })).toBe('0.05');
    expect(toDecimalString({ amount: -5, currency: 'GBP' })).toBe('-0.05');
    expect(toDecimalString({ amount: 1234, currency: 'JPY' })).toBe('1234');
    expect(toDecimalString({ amount: 1234, currency: 'KWD' })).toBe('1.234');
    expect(formatMoney({ amount: 123456, currency: 'GBP' })).toBe('£1,234.56');
    expect(formatMoney({ amount: 1234, currency: 'JPY' }, 'en-GB')).toBe('JP¥1,234');
    expect(formatMoney({ amount: 1234, currency: 'JPY' }, 'ja-JP')).toBe('￥1,234');
    expect(formatMoney({ amount: 1234, currency: 'KWD' })).toBe('KWD\u00a01.234');
    expect(formatMoney({ amount: -50, currency: 'GBP' })).toBe('-£0.50');
    expect(formatMoney({ amount: 123456, currency: 'EUR' }, 'de-DE')).toBe('1.234,56\u00a0€');
    // Beyond float precision for cents: still exact, because Intl gets the decimal string.
    expect(formatMoney({ amount: Number.MAX_SAFE_INTEGER, currency: 'GBP' })).toBe('£90,071,992,547,409.91');
  });

  it('property: parseDecimal ∘ toDecimalString is the identity', () => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom('GBP', 'JPY', 'KWD', 'CLF'), (amount, currency) => {
        expect(parseDecimal(toDecimalString({ amount, currency }), currency)).toBe(amount);
      }),
      { numRuns: 1000 },
    );
  });

  it('parses rates into ppm without floats', () => {
    expect(parseRatePpm('0.2')).toBe(200_000);
    expect(parseRatePpm('0.08875')).toBe(88_750);
    expect(parseRatePpm('20%')).toBe(200_000);
    expect(parseRatePpm('8.875%')).toBe(88_750);
    expect(parseRatePpm('0')).toBe(0);
    expect(() => parseRatePpm('0.12345678')).toThrow(/part per million/);
    expect(() => parseRatePpm('abc')).toThrow();
  });
});
