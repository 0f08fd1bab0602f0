import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideCredit, type CreditDecision } from '../../../functions/domain/credit.ts';
import { DomainError } from '../../../functions/domain/errors.ts';

const base = { paymentMode: 'terms' as const, creditLimit: 100_000, openReceivables: 40_000, openOrders: 10_000, riskScore: 10 };

describe('decideCredit', () => {
  it('approves within the limit, holds in the 20 % band, rejects beyond (known answers)', () => {
    // exposure 40,000 + 10,000 + 50,000 = 100,000 = limit; available 100,000 − 50,000 = 50,000
    expect(decideCredit({ ...base, orderTotal: 50_000 })).toEqual({ decision: 'approve', reason: 'within credit limit', exposure: 100_000, available: 50_000 });
    expect(decideCredit({ ...base, orderTotal: 50_001 })).toMatchObject({ decision: 'hold', exposure: 100_001 });
    // 120,000 = 100,000 × 1.2: still held
    expect(decideCredit({ ...base, orderTotal: 70_000 })).toMatchObject({ decision: 'hold', exposure: 120_000, reason: 'over credit limit within the review band' });
    expect(decideCredit({ ...base, orderTotal: 70_001 })).toMatchObject({ decision: 'reject', reason: 'over credit limit' });
    // a narrower band from the policy
    expect(decideCredit({ ...base, orderTotal: 60_000, policy: { holdBandPpm: 50_000, reviewRiskScore: 80 } }).decision).toBe('reject');
    expect(decideCredit({ ...base, orderTotal: 55_000, policy: { holdBandPpm: 50_000, reviewRiskScore: 80 } }).decision).toBe('hold');
  });

  it('approves prepaid orders, holds new and risky customers', () => {
    expect(decideCredit({ ...base, paymentMode: 'prepaid', orderTotal: 10_000_000, riskScore: 100 })).toMatchObject({ decision: 'approve', reason: 'paid at checkout' });
    expect(decideCredit({ ...base, creditLimit: 0, orderTotal: 1 })).toMatchObject({ decision: 'hold', reason: 'no credit limit set: needs review', available: -50_000 });
    expect(decideCredit({ ...base, riskScore: 80, orderTotal: 1 })).toMatchObject({ decision: 'hold', reason: 'high risk: score 80 needs review' });
    expect(decideCredit({ ...base, riskScore: 79, orderTotal: 1 }).decision).toBe('approve');
  });

  it('refuses amounts that are not minor units', () => {
    expect(() => decideCredit({ ...base, orderTotal: 1.5 })).toThrow(DomainError);
  });

  it('property: a bigger order is never treated more leniently, and exposure/available are exact', () => {
    const rank: Record<CreditDecision, number> = { approve: 0, hold: 1, reject: 2 };
    fc.assert(
      fc.property(
        fc.record({
          creditLimit: fc.integer({ min: 0, max: 10_000_000 }),
          openReceivables: fc.integer({ min: 0, max: 10_000_000 }),
          openOrders: fc.integer({ min: 0, max: 10_000_000 }),
          riskScore: fc.integer({ min: 0, max: 100 }),
        }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        (c, a, b) => {
          const [small, big] = a <= b ? [a, b] : [b, a];
          const r1 = decideCredit({ ...c, paymentMode: 'terms', orderTotal: small });
          const r2 = decideCredit({ ...c, paymentMode: 'terms', orderTotal: big });
          expect(rank[r2.decision]).toBeGreaterThanOrEqual(rank[r1.decision]);
          expect(r2.exposure).toBe(c.openReceivables + c.openOrders + big);
          expect(r2.available).toBe(c.creditLimit - c.openReceivables - c.openOrders);
          if (r2.decision === 'approve') expect(r2.exposure).toBeLessThanOrEqual(c.creditLimit);
          if (r2.decision === 'reject') expect(r2.exposure * 10).toBeGreaterThan(c.creditLimit * 12);
          expect(decideCredit({ ...c, paymentMode: 'prepaid', orderTotal: big }).decision).toBe('approve');
        },
      ),
      { numRuns: 500 },
    );
  });
});
