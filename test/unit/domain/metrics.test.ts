import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../functions/domain/dates.ts';
import { agingBuckets, agingCsv, bucketOf, dso } from '../../../functions/domain/metrics.ts';

const asOf = '2026-11-22';

describe('aging', () => {
  it('buckets balances by days past due per currency (boundaries by hand)', () => {
    const invs = [
      { currency: 'GBP', balance: 100, dueDate: '2026-11-30' }, // −8: current
      { currency: 'GBP', balance: 200, dueDate: '2026-11-22' }, // 0, due today: current
      { currency: 'GBP', balance: 300, dueDate: '2026-11-21' }, // 1
      { currency: 'GBP', balance: 400, dueDate: '2026-10-23' }, // 30
      { currency: 'GBP', balance: 500, dueDate: '2026-10-22' }, // 31
      { currency: 'GBP', balance: 600, dueDate: '2026-08-24' }, // 90
      { currency: 'GBP', balance: 700, dueDate: '2026-08-23' }, // 91
      { currency: 'JPY', balance: 5000, dueDate: '2026-01-01' },
      { currency: 'KWD', balance: 1234, dueDate: '2026-09-23' }, // 60
      { currency: 'GBP', balance: 0, dueDate: '2020-01-01' }, // paid: not aged
    ];
    const report = agingBuckets(invs, asOf);
    expect(report.GBP).toEqual({ current: 300, d1_30: 700, d31_60: 500, d61_90: 600, d90_plus: 700, total: 2800 });
    expect(report.JPY).toEqual({ current: 0, d1_30: 0, d31_60: 0, d61_90: 0, d90_plus: 5000, total: 5000 });
    expect(report.KWD).toMatchObject({ d31_60: 1234, total: 1234 });
    expect(Object.keys(report).sort()).toEqual(['GBP', 'JPY', 'KWD']);
    expect([0, 1, 30, 31, 60, 61, 90, 91].map(bucketOf)).toEqual(['current', 'd1_30', 'd1_30', 'd31_60', 'd31_60', 'd61_90', 'd61_90', 'd90_plus']);
  });

  it('writes RFC 4180 CSV with exact decimals per currency', () => {
    const report = agingBuckets(
      [
        { currency: 'JPY', balance: 5000, dueDate: '2026-01-01' },
        { currency: 'GBP', balance: 123_456, dueDate: '2026-11-21' },
        { currency: 'KWD', balance: 1234, dueDate: '2026-12-01' },
      ],
      asOf,
    );
    expect(agingCsv(report, asOf)).toBe(
      'currency,current,1-30,31-60,61-90,90+,total\r\n' +
        'GBP,0.00,1234.56,0.00,0.00,0.00,1234.56\r\n' +
        'JPY,0,0,0,0,5000,5000\r\n' +
        'KWD,1.234,0.000,0.000,0.000,0.000,1.234\r\n',
    );
    expect(agingCsv({}, asOf)).toBe('currency,current,1-30,31-60,61-90,90+,total\r\n');
    expect(() => agingCsv(report, '2026-02-30')).toThrow(/calendar date/);
  });

  it('property: the buckets of each currency add up to its total, which is the sum of open balances', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ currency: fc.constantFrom('GBP', 'EUR', 'JPY'), balance: fc.integer({ min: -100, max: 1_000_000 }), days: fc.integer({ min: -60, max: 400 }) })),
        (rows) => {
          const report = agingBuckets(rows.map((r) => ({ currency: r.currency, balance: r.balance, dueDate: addDays(asOf, -r.days) })), asOf);
          for (const ccy of ['GBP', 'EUR', 'JPY']) {
            const open = rows.filter((r) => r.currency === ccy && r.balance > 0);
            const b = report[ccy];
            if (open.length === 0) {
              expect(b).toBeUndefined();
              continue;
            }
            expect(b!.current + b!.d1_30 + b!.d31_60 + b!.d61_90 + b!.d90_plus).toBe(b!.total);
            expect(b!.total).toBe(open.reduce((a, r) => a + r.balance, 0));
            expect(b!.d90_plus).toBe(open.filter((r) => r.days > 90).reduce((a, r) => a + r.balance, 0));
          }
        },
      ),
    );
  });
});

describe('DSO', () => {
  it('computes days sales outstanding (textbook: 30,000 owed on 180,000 credit sales over 90 days is 15 days)', () => {
    expect(dso({ receivables: 30_000, creditSales: 180_000, days: 90 })).toBe(15);
    expect(dso({ receivables: 10_000, creditSales: 30_000, days: 30 })).toBe(10);
    // 1/3 × 1 day = 0.333… → 0.3; 2/3 → 0.7 (one decimal, half-up)
    expect(dso({ receivables: 1, creditSales: 3, days: 1 })).toBe(0.3);
    expect(dso({ receivables: 2, creditSales: 3, days: 1 })).toBe(0.7);
    // 25,000 / 100,000 × 365 = 91.25 → 91.3
    expect(dso({ receivables: 25_000, creditSales: 100_000, days: 365 })).toBe(91.3);
    expect(dso({ receivables: 0, creditSales: 100, days: 90 })).toBe(0);
    expect(dso({ receivables: 1, creditSales: 0, days: 30 })).toBeNull();
    expect(() => dso({ receivables: 1.5, creditSales: 10, days: 30 })).toThrow(/whole number/);
    // absurd but valid: no overflow error for a day count
    expect(dso({ receivables: Number.MAX_SAFE_INTEGER, creditSales: 1, days: 365 })).toBeGreaterThan(1e18);
  });

  it('property: exact to one decimal for amounts past float precision', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: BigInt(Number.MAX_SAFE_INTEGER) }), fc.bigInt({ min: 0n, max: 100_000n }), fc.integer({ min: 1, max: 366 }), (s, ratio, days) => {
        // receivables up to 1,000 × sales (capped at 2^53 − 1): the products pass 2^53
        const raw = (s * ratio) / 100n + (ratio % 7n);
        const r = raw > BigInt(Number.MAX_SAFE_INTEGER) ? BigInt(Number.MAX_SAFE_INTEGER) : raw;
        const tenths = BigInt(Math.round(dso({ receivables: Number(r), creditSales: Number(s), days })! * 10));
        // |tenths·s − 10·r·days| ≤ s/2
        const err = 2n * (tenths * s - 10n * r * BigInt(days));
        expect(err < 0n ? -err : err).toBeLessThanOrEqual(s);
      }),
      { numRuns: 300 },
    );
  });
});
