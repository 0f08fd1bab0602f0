/** domain/credit-score: known answers on a small worked book, each factor's cap, the 100 cap. */
import { describe, expect, it } from 'vitest';
import { creditScore, paidOn, type ScoredInvoice } from '../../../functions/domain/credit-score.ts';

const paid = (total: number, dueDate: string, ...payments: [string, number][]): ScoredInvoice => ({
  currency: 'GBP',
  dueDate,
  total,
  balance: 0,
  history: payments.map(([on, amount], n) => ({ on, kind: 'payment' as const, amount, ref: `pay_${n}` })),
});

/**
 * The worked book, as of 2026-12-01, limit £1,000.00:
 *   A £100 due 08-01 paid 08-01 (0 days late) · B £200 due 09-01 paid in two parts, the last on 09-11 (10)
 *   C £100 due 10-01 paid 10-21 (20) · D £100 due 10-15 paid 11-14 (30) · E £500 open, due 11-21 (10 overdue), £50 disputed
 * days late weighted: (0·100 + 10·200 + 20·100 + 30·100 + 10·500) / 1000 = 12 → 12
 * paid late: 3 of 4 = 75 % → 15 · trend: latest three (B, C, D) 20 days on average against A's 0 → 20, capped 10
 * disputes: 1 → 5 · exposure: £500 of £1,000 = 50 % → 0 · score 12 + 15 + 10 + 5 = 42
 */
const BOOK: ScoredInvoice[] = [
  paid(10_000, '2026-08-01', ['2026-08-01', 10_000]),
  paid(20_000, '2026-09-01', ['2026-09-05', 10_000], ['2026-09-11', 10_000]),
  paid(10_000, '2026-10-01', ['2026-10-21', 10_000]),
  paid(10_000, '2026-10-15', ['2026-11-14', 10_000]),
  { currency: 'GBP', dueDate: '2026-11-21', total: 50_000, balance: 50_000, disputed: 5_000 },
];
const score = (extra: Partial<Parameters<typeof creditScore>[0]> = {}) => creditScore({ asOf: '2026-12-01', currency: 'GBP', invoices: BOOK, creditLimit: 100_000, exposure: 50_000, ...extra });

describe('creditScore', () => {
  it('scores the worked book 42 with its factors, the largest first', () => {
    expect(score()).toEqual({
      score: 42,
      factors: [
        { id: 'paid-late', points: 15, value: 75 },
        { id: 'days-late', points: 12, value: 12 },
        { id: 'trend', points: 10, value: 20 },
        { id: 'disputes', points: 5, value: 1 },
      ],
    });
  });

  it('reads the day a paid invoice was settled from its history (fees are not payments)', () => {
    expect(paidOn(BOOK[1]!)).toBe('2026-09-11');
    expect(paidOn({ ...BOOK[0]!, history: [...BOOK[0]!.history!, { on: '2026-09-30', kind: 'fee', amount: -4000, ref: 'fee:firm' }] })).toBe('2026-08-01');
    expect(paidOn(BOOK[4]!)).toBeNull();
  });

  it('adds exposure against the limit (8 above 80 %, 15 over it) and returned payments (10 each, at most 20)', () => {
    expect(score({ exposure: 80_000 }).score).toBe(42);
    expect(score({ exposure: 80_001 }).factors).toContainEqual({ id: 'exposure', points: 8, value: 80 });
    expect(score({ exposure: 110_000 })).toMatchObject({ score: 57, factors: expect.arrayContaining([{ id: 'exposure', points: 15, value: 110 }]) });
    expect(score({ returnedPayments: 1 }).score).toBe(52);
    expect(score({ returnedPayments: 3 }).factors).toContainEqual({ id: 'returned-payments', points: 20, value: 3 });
  });

  it('is 0 with no factors for a customer who always paid on time; other currencies do not count; never above 100', () => {
    expect(creditScore({ asOf: '2026-12-01', currency: 'GBP', invoices: [BOOK[0]!, { ...BOOK[3]!, currency: 'EUR' }], creditLimit: 100_000, exposure: 0 })).toEqual({ score: 0, factors: [] });
    const awful = [0, 1, 2, 3, 4].map((n) => ({ currency: 'GBP', dueDate: '2026-01-01', total: 10_000, balance: 10_000, disputed: 100 + n }));
    expect(creditScore({ asOf: '2026-12-01', currency: 'GBP', invoices: [...BOOK.slice(0, 4), ...awful], creditLimit: 10_000, exposure: 50_000, returnedPayments: 5 }).score).toBe(100);
  });
});
