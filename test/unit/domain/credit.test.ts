import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approvalCovers, decideCredit, exposureBreakdown, paymentHistory, type CreditDecision, type CustomerAccount } from '../../../functions/domain/credit.ts';
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

describe('exposureBreakdown', () => {
  const rates = { on: '2026-11-30', base: 'EUR', rates: { GBP: '0.8534', SEK: '11.2345' } };
  const account: CustomerAccount = {
    invoices: [
      { currency: 'GBP', balance: 40_000, disputed: 5_000 },
      { currency: 'GBP', balance: 0 }, // paid: not counted
      { currency: 'EUR', balance: 10_000 }, // €100.00 → £85.34
      { currency: 'SEK', balance: 10_000, disputed: 20_000 }, // 100.00 kr → £7.60; disputed capped at the balance → £7.60
      { currency: 'USD', balance: 99_999 }, // no rate: not counted, shown apart
    ],
    orders: [
      { id: 'ord_a', status: 'confirmed', currency: 'GBP', total: 3_000 },
      { id: 'ord_b', status: 'approved', currency: 'EUR', total: 1_000 }, // €10.00 → £8.53
      { id: 'ord_c', status: 'invoiced', currency: 'GBP', total: 9_999 }, // its invoice counts instead
      { id: 'ord_1', status: 'approved', currency: 'GBP', total: 777 }, // this order, when named: not counted twice
    ],
  };

  it('adds each part in the limit’s currency, converting at the reference rates, less unapplied cash: the worked example', () => {
    const b = exposureBreakdown({
      account,
      currency: 'GBP',
      order: { id: 'ord_1', total: { amount: 20_000, currency: 'GBP' } },
      unapplied: [{ amount: 2_500, currency: 'GBP' }, { amount: 1_000, currency: 'EUR' }, { amount: 0, currency: 'GBP' }],
      rates,
    });
    // open: 40,000 + 8,534 + 760 = 49,294; disputed 5,000 + 760 = 5,760; in flight 3,000 + 853 = 3,853
    // unapplied 2,500 + 853 = 3,353; total = 49,294 + 3,853 + 20,000 − 3,353 = 69,794
    expect(b).toMatchObject({ currency: 'GBP', openReceivables: 49_294, disputed: 5_760, inFlightOrders: 3_853, thisOrder: 20_000, unappliedCash: 3_353, total: 69_794, unconverted: ['USD'], ratesOn: '2026-11-30' });
    expect(b.foreign).toEqual([
      { currency: 'EUR', receivables: 10_000, orders: 1_000, unapplied: 1_000, rate: '0.8534', converted: 8_534 + 853 - 853 },
      { currency: 'SEK', receivables: 10_000, orders: 0, unapplied: 0, rate: '0.0759624371', converted: 760 },
      { currency: 'USD', receivables: 99_999, orders: 0, unapplied: 0, rate: null, converted: null },
    ]);
  });

  it('without rates counts only the limit’s currency and lists the others as unconverted', () => {
    const b = exposureBreakdown({ account, currency: 'GBP' });
    expect(b).toMatchObject({ openReceivables: 40_000, inFlightOrders: 3_000 + 777, thisOrder: 0, unappliedCash: 0, total: 43_777, unconverted: ['EUR', 'SEK', 'USD'] });
    expect(b.ratesOn).toBeUndefined();
  });

  it('counts an order shipped in parts once: its invoiced part as receivables, only the rest as an approved order', () => {
    const b = exposureBreakdown({
      account: {
        invoices: [
          { currency: 'GBP', balance: 6_000, orderId: 'ord_p', total: 6_000 }, // first shipment, open
          { currency: 'GBP', balance: 0, orderId: 'ord_p', total: 1_500 }, // second shipment, paid
        ],
        orders: [
          { id: 'ord_p', status: 'fulfilling', currency: 'GBP', total: 10_000 }, // 2,500 still to ship and invoice
          { id: 'ord_q', status: 'fulfilling', currency: 'GBP', total: 4_000 }, // nothing shipped yet
        ],
      },
      currency: 'GBP',
    });
    // 6,000 open + (10,000 − 7,500) + 4,000 = 12,500; the old sum counted ord_p's shipped 7,500 twice (20,000)
    expect(b).toMatchObject({ openReceivables: 6_000, inFlightOrders: 6_500, total: 12_500 });
  });

  it('converts this order when it is in another currency than the limit', () => {
    const b = exposureBreakdown({ account: { invoices: [], orders: [] }, currency: 'GBP', order: { id: 'ord_9', total: { amount: 100_000, currency: 'SEK' } }, rates });
    expect(b).toMatchObject({ thisOrder: 7_596, total: 7_596, unconverted: [] });
  });
});

describe('decideCredit with unapplied cash and a time-boxed approval', () => {
  const base = { paymentMode: 'terms' as const, creditLimit: 10_000, openReceivables: 9_000, openOrders: 0, riskScore: 10 };
  const approval = { upTo: 50_000, currency: 'GBP', until: '2026-12-31', by: 'ana@finance', at: '2026-11-20T09:00:00.000Z', orderId: 'ord_0' };

  it('takes the customer’s unapplied cash off the exposure: 9,000 + 3,000 − 2,500 = 9,500 within 10,000', () => {
    expect(decideCredit({ ...base, orderTotal: 3_000 })).toMatchObject({ decision: 'hold', exposure: 12_000 });
    expect(decideCredit({ ...base, orderTotal: 3_000, unappliedCash: 2_500 })).toMatchObject({ decision: 'approve', exposure: 9_500, available: 3_500 });
  });

  it('approves within a standing approval until its last day, then the limit decides again', () => {
    const order = { ...base, orderTotal: 30_000, approval };
    expect(decideCredit({ ...order, today: '2026-12-31' })).toEqual({ decision: 'approve', reason: 'within the approval of £500.00 until 2026-12-31 by ana@finance', exposure: 39_000, available: 1_000 });
    expect(decideCredit({ ...order, today: '2027-01-01' })).toMatchObject({ decision: 'reject', reason: 'over credit limit' });
  });

  it('does not stretch an approval beyond its amount or to another currency', () => {
    expect(decideCredit({ ...base, orderTotal: 41_001, approval, today: '2026-12-01' })).toMatchObject({ decision: 'reject' });
    expect(approvalCovers(approval, 'EUR', 1, '2026-12-01')).toBe(false);
    expect(approvalCovers(approval, 'GBP', 50_000, '2026-12-01')).toBe(true);
    expect(approvalCovers(undefined, 'GBP', 1, '2026-12-01')).toBe(false);
  });
});

describe('paymentHistory', () => {
  const paid = (issueDate: string, dueDate: string, on: string) => ({ issueDate, dueDate, balance: 0, history: [{ on, kind: 'payment' as const, amount: 100, ref: 'p' }] });
  it('counts settled invoices, on time and late, from their histories: (10 + 40) ÷ 2 days to pay, (0 + 10) ÷ 2 days late', () => {
    expect(
      paymentHistory(
        [
          paid('2026-09-01', '2026-10-01', '2026-09-11'), // 10 days, on time
          paid('2026-09-10', '2026-10-10', '2026-10-20'), // 40 days, 10 late
          { issueDate: '2026-10-15', dueDate: '2026-11-14', balance: 500 }, // open, overdue on 11-22
          { issueDate: '2026-11-10', dueDate: '2026-12-10', balance: 500 }, // open, not due
        ],
        '2026-11-22',
      ),
    ).toEqual({ invoices: 4, paid: 2, paidOnTime: 1, averageDaysToPay: 25, averageDaysLate: 5, open: 2, overdue: 1, lastPaidOn: '2026-10-20' });
  });
  it('has no averages before the first payment', () => {
    expect(paymentHistory([], '2026-11-22')).toEqual({ invoices: 0, paid: 0, paidOnTime: 0, averageDaysToPay: null, averageDaysLate: null, open: 0, overdue: 0, lastPaidOn: null });
  });
});
