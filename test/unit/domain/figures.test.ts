/** domain/figures: the KPI formulas on hand-computed answers, the periods, the histogram percentiles, the stock moves of a balance change. */
import { describe, expect, it } from 'vitest';
import { balanceChange, countback, kpiPeriods, kpiPoint, mergeTotals, packPeriod, percentiles } from '../../../functions/domain/figures.ts';

describe('kpiPoint', () => {
  it('computes CEI as in the textbook example: (300,000 + 200,000 − 250,000) ÷ (300,000 + 200,000 − 175,000) × 100 = 76.9', () => {
    // Opening AR 300,000.00, credit sales of the month 200,000.00, closing AR 250,000.00 of which 175,000.00 current.
    const p = kpiPoint({ period: { from: '2026-11-01', to: '2026-11-30' }, opening: { ar: 30_000_000, currentAr: 0 }, closing: { ar: 25_000_000, currentAr: 17_500_000 }, creditSales: 20_000_000, collected: 0 }, []);
    expect(p.cei).toBe(76.9); // 250,000 ÷ 325,000 = 0.76923…
    // DSO = 250,000 ÷ 200,000 × 30 = 37.5; best possible = 175,000 ÷ 200,000 × 30 = 26.25 → 26.3 (half up); ADD = 37.5 − 26.3 = 11.2.
    expect(p.dso).toBe(37.5);
    expect(p.bestPossibleDso).toBe(26.3);
    expect(p.add).toBe(11.2);
    // Countback without earlier periods: all 200,000 of the month's sales (30 days) and 50,000 more it cannot find: the 30 days walked.
    expect(p.countbackDso).toBe(30);
  });

  it('has no DSO, countback or CEI without credit sales', () => {
    const p = kpiPoint({ period: { from: '2026-11-24', to: '2026-11-30' }, opening: { ar: 100, currentAr: 0 }, closing: { ar: 100, currentAr: 0 }, creditSales: 0, collected: 0 }, []);
    expect(p).toMatchObject({ dso: null, countbackDso: null, bestPossibleDso: null, add: null, cei: null, openingAr: 100, closingAr: 100 });
  });

  it('counts the days of a period from the book’s first credit sale: a book one day old has a DSO of one day, not the period’s 30', () => {
    // Every invoice issued today (11-30), nothing paid: AR = credit sales = 1,000.00.
    const sales = { period: { from: '2026-11-01', to: '2026-11-30' }, opening: { ar: 0, currentAr: 0 }, closing: { ar: 100_000, currentAr: 100_000 }, creditSales: 100_000, collected: 0 };
    expect(kpiPoint(sales, [], '2026-11-30').dso).toBe(1);
    expect(kpiPoint(sales, [], '2026-11-21').dso).toBe(10);
    expect(kpiPoint(sales, [], '2026-01-01').dso).toBe(30); // an older book: the whole month
  });
});

describe('countback', () => {
  it('walks back through the latest periods’ credit sales until they add up to the AR, prorating the last', () => {
    // AR 97,000; November sold 76,000 in 30 days (21,000 left), October 25,000 in 31 days: 21/25 × 31 = 26.04 → 56.0 days.
    expect(countback(97_000, [{ days: 30, creditSales: 76_000 }, { days: 31, creditSales: 25_000 }, { days: 30, creditSales: 10_000 }])).toBe(56);
    expect(countback(38_000, [{ days: 30, creditSales: 76_000 }])).toBe(15);
    expect(countback(0, [{ days: 30, creditSales: 76_000 }])).toBe(0);
  });
});

describe('percentiles', () => {
  it('takes p50 and p90 from a day histogram (nearest rank)', () => {
    expect(percentiles(new Map([[1, 1], [2, 1], [5, 1]]))).toEqual({ p50: 2, p90: 5, count: 3 });
    expect(percentiles(new Map([[3, 9], [40, 1]]))).toEqual({ p50: 3, p90: 3, count: 10 });
    expect(percentiles(new Map())).toBeNull();
  });
});

describe('periods', () => {
  it('flash covers the day with weekly KPIs; weekly 7 days; month-end the month, with monthly KPIs, the last to the day', () => {
    expect(packPeriod('flash', '2026-11-30')).toEqual({ from: '2026-11-30', to: '2026-11-30' });
    expect(packPeriod('weekly', '2026-11-30')).toEqual({ from: '2026-11-24', to: '2026-11-30' });
    expect(packPeriod('month-end', '2026-11-30')).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    const weeks = kpiPeriods('flash', '2026-11-30');
    expect(weeks).toHaveLength(13);
    expect(weeks[12]).toEqual({ from: '2026-11-24', to: '2026-11-30' });
    expect(weeks[0]).toEqual({ from: '2026-09-01', to: '2026-09-07' }); // 11-30 − 84 days
    const months = kpiPeriods('weekly', '2026-11-18');
    expect(months[12]).toEqual({ from: '2026-11-01', to: '2026-11-18' });
    expect(months[11]).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(months[0]).toEqual({ from: '2025-11-01', to: '2025-11-30' });
  });
});

describe('balanceChange', () => {
  it('moves AR on the day, and current AR until the day after the due date when it is not yet due', () => {
    const inv = { currency: 'GBP', dueDate: '2026-12-22', orderedOn: '2026-11-20' };
    expect(balanceChange(inv, 3898, '2026-11-22')).toEqual([
      { on: '2026-11-22', currency: 'GBP', add: { ar: 3898, arCurrent: 3898 } },
      { on: '2026-12-23', currency: 'GBP', add: { arCurrent: -3898 } },
    ]);
    // Paid after it fell due: only AR moves, and the order-to-cash days are counted; the order is paid off, touchless.
    expect(balanceChange(inv, -3898, '2027-01-05', true)).toEqual([
      { on: '2027-01-05', currency: 'GBP', add: { ar: -3898 } },
      { on: '2027-01-05', currency: 'GBP', add: { 'o2c.46': 1, ordersPaidOff: 1, ordersTouchless: 1 } },
    ]);
    // Touched on its way (a credit review), or its cash allocated by a person: paid off, not touchless.
    expect(balanceChange({ ...inv, touches: ['credit-review'] }, -3898, '2027-01-05', true)[1]!.add).toEqual({ 'o2c.46': 1, ordersPaidOff: 1 });
    expect(balanceChange(inv, -3898, '2027-01-05', true, true)[1]!.add).toEqual({ 'o2c.46': 1, ordersPaidOff: 1 });
    // On the due date it is still current.
    expect(balanceChange(inv, -100, '2026-12-22')[0]!.add).toEqual({ ar: -100, arCurrent: -100 });
  });

  it('merges adds per day and currency, dropping zeros', () => {
    expect(mergeTotals([{ on: 'd', currency: 'GBP', add: { a: 1, b: 2 } }, { on: 'd', currency: 'GBP', add: { a: 2, b: -2 } }, { on: 'e', currency: 'GBP', add: { z: 0 } }])).toEqual([{ on: 'd', currency: 'GBP', add: { a: 3 } }]);
  });
});
