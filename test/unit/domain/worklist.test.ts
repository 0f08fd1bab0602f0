/** domain/worklist: expected loss from the score, the ranking per currency, the CSV. */
import { describe, expect, it } from 'vitest';
import { expectedLoss, lossProbabilityPpm, rankWorklist, worklistCsv, type WorklistEntry } from '../../../functions/domain/worklist.ts';

const entry = (customerId: string, overdue: number, riskScore: number, extra: Partial<WorklistEntry> = {}): WorklistEntry => ({
  customerId,
  customerName: `Name ${customerId}`,
  email: `${customerId}@example.com`,
  currency: 'GBP',
  overdue,
  riskScore,
  level: 'reminder',
  lastContact: null,
  promisesDue: [],
  openDisputes: 0,
  disputed: 0,
  nextAction: '2026-12-22',
  ...extra,
});

describe('the collectors worklist', () => {
  it('reads a probability of loss from the score: 2 % at 0, 42 % at 50, 82 % at 100', () => {
    expect([0, 50, 100, 120, -5].map(lossProbabilityPpm)).toEqual([20_000, 420_000, 820_000, 820_000, 20_000]);
    expect(expectedLoss(100_000, 420_000)).toBe(42_000);
    expect(expectedLoss(333, 20_000)).toBe(7); // 6.66 → 7
  });

  it('ranks by expected loss within each currency, not by the overdue amount alone', () => {
    // a: £1,000 at score 10 (10 %) → £100; b: £400 at score 60 (50 %) → £200; c: £400 at 60 too, tie → by id; d: €50 apart
    const ranked = rankWorklist([entry('a', 100_000, 10), entry('c', 40_000, 60), entry('b', 40_000, 60), entry('d', 5_000, 0, { currency: 'EUR' })]);
    expect(ranked.map((r) => [r.currency, r.rank, r.customerId, r.expectedLoss])).toEqual([
      ['EUR', 1, 'd', 100],
      ['GBP', 1, 'b', 20_000],
      ['GBP', 2, 'c', 20_000],
      ['GBP', 3, 'a', 10_000],
    ]);
  });

  it('writes one CSV row per customer with amounts as decimals', () => {
    const csv = worklistCsv(rankWorklist([entry('a', 123_456, 50, { lastContact: { level: 'courtesy', on: '2026-11-28' }, promisesDue: [{ invoiceNumber: 'INV-1', promisedUntil: '2026-12-12' }], openDisputes: 1, disputed: 500 })]), '2026-12-09');
    expect(csv.split('\r\n')[1]).toBe('2026-12-09,1,GBP,a,Name a,a@example.com,1234.56,50,42.0,518.52,reminder,courtesy,2026-11-28,INV-1 by 2026-12-12,1,5.00,2026-12-22');
  });
});
