import { describe, expect, it } from 'vitest';
import { DEFAULT_CARRIER_RATES, selectCarrier } from '../../../functions/domain/carrier.ts';
import { decideCredit } from '../../../functions/domain/credit.ts';

describe('decideCredit', () => {
  const base = { paymentMode: 'terms' as const, creditLimit: 100_000, openReceivables: 40_000, openOrders: 10_000, riskScore: 10 };
  it('approves within the limit, holds in the band, rejects beyond', () => {
    expect(decideCredit({ ...base, orderTotal: 50_000 })).toMatchObject({ decision: 'approve', exposure: 100_000, available: 50_000 });
    expect(decideCredit({ ...base, orderTotal: 70_000 })).toMatchObject({ decision: 'hold', exposure: 120_000 });
    expect(decideCredit({ ...base, orderTotal: 70_001 })).toMatchObject({ decision: 'reject', reason: 'over credit limit' });
  });
  it('approves prepaid orders, holds new and risky customers', () => {
    expect(decideCredit({ ...base, paymentMode: 'prepaid', orderTotal: 10_000_000 }).decision).toBe('approve');
    expect(decideCredit({ ...base, creditLimit: 0, orderTotal: 1 }).decision).toBe('hold');
    expect(decideCredit({ ...base, riskScore: 85, orderTotal: 1 })).toMatchObject({ decision: 'hold', reason: 'risk score 85 needs review' });
  });
});

describe('selectCarrier', () => {
  it('takes the cheapest service that keeps the promise', () => {
    // 1.2 kg to York within 3 days: Royal Mail 48 = 349 + 2 × 25 = 399p.
    expect(selectCarrier(DEFAULT_CARRIER_RATES, { country: 'GB', weightGrams: 1200, promisedDays: 3, currency: 'GBP' })).toMatchObject({
      rate: { carrier: 'Royal Mail', service: 'Tracked 48' },
      cost: 399,
      meetsPromise: true,
    });
    // Next day: Royal Mail 24 = 449 + 60 = 509p beats DPD 599 + 40 = 639p.
    expect(selectCarrier(DEFAULT_CARRIER_RATES, { country: 'gb', weightGrams: 1200, promisedDays: 1, currency: 'GBP' })).toMatchObject({
      rate: { service: 'Tracked 24' },
      cost: 509,
    });
  });
  it('falls back to the fastest when no service meets the promise, and to null when none serves', () => {
    expect(selectCarrier(DEFAULT_CARRIER_RATES, { country: 'SE', weightGrams: 500, promisedDays: 1, currency: 'GBP' })).toMatchObject({
      rate: { carrier: 'DHL Express' },
      meetsPromise: false,
    });
    expect(selectCarrier(DEFAULT_CARRIER_RATES, { country: 'GB', weightGrams: 500, promisedDays: 3, currency: 'EUR' })).toBeNull();
    expect(selectCarrier(DEFAULT_CARRIER_RATES, { country: 'US', weightGrams: 90_000, promisedDays: 3, currency: 'GBP' })).toBeNull();
  });
});
