import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CARRIER_RATES, selectCarrier, shippingCost, type CarrierRate } from '../../../functions/domain/carrier.ts';
import { isCurrency } from '../../../functions/domain/money.ts';

describe('selectCarrier', () => {
  it('takes the cheapest service that keeps the promise', () => {
    // 1.2 kg to York within 3 days: Royal Mail 48 = 349 + 2 started kg × 25 = 399p.
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
    // 25 kg is over Royal Mail's 20 kg: DPD Next Day 599 + 25 × 20 = 1099p.
    expect(selectCarrier(DEFAULT_CARRIER_RATES, { country: 'GB', weightGrams: 25_000, promisedDays: 3, currency: 'GBP' })).toMatchObject({
      rate: { carrier: 'DPD', service: 'Next Day' },
      cost: 1099,
    });
    // To Germany in 5 days: DPD Classic Europe 1295 + 60 = 1355p beats DHL 2450 + 350 = 2800p.
    expect(selectCarrier(DEFAULT_CARRIER_RATES, { country: 'DE', weightGrams: 1000, promisedDays: 5, currency: 'GBP' })).toMatchObject({
      rate: { carrier: 'DPD', service: 'Classic Europe' },
      cost: 1355,
    });
  });

  it('charges per started kilogram', () => {
    const rate = DEFAULT_CARRIER_RATES[0]!;
    expect([0, 1, 1000, 1001, 2000].map((g) => shippingCost(rate, g))).toEqual([349, 374, 374, 399, 399]);
  });

  it('falls back to the fastest when no service meets the promise, and to null when none serves', () => {
    expect(selectCarrier(DEFAULT_CARRIER_RATES, { country: 'SE', weightGrams: 500, promisedDays: 1, currency: 'GBP' })).toMatchObject({
      rate: { carrier: 'DHL Express' },
      meetsPromise: false,
    });
    expect(selectCarrier(DEFAULT_CARRIER_RATES, { country: 'GB', weightGrams: 500, promisedDays: 3, currency: 'EUR' })).toBeNull();
    expect(selectCarrier(DEFAULT_CARRIER_RATES, { country: 'US', weightGrams: 90_000, promisedDays: 3, currency: 'GBP' })).toBeNull();
    expect(selectCarrier([], { country: 'GB', weightGrams: 1, promisedDays: 3, currency: 'GBP' })).toBeNull();
    expect(() => selectCarrier(DEFAULT_CARRIER_RATES, { country: 'GB', weightGrams: 1.5, promisedDays: 3, currency: 'GBP' })).toThrow(/grams/);
  });

  it('ships a sane default table', () => {
    for (const r of DEFAULT_CARRIER_RATES) {
      expect(isCurrency(r.currency)).toBe(true);
      expect(Number.isSafeInteger(r.baseCost) && Number.isSafeInteger(r.perKgCost)).toBe(true);
    }
  });

  it('property: the choice is the cheapest on-time rate, else the fastest (cheapest among equals), else null', () => {
    const arbRate: fc.Arbitrary<CarrierRate> = fc.record({
      carrier: fc.constantFrom('A', 'B', 'C'),
      service: fc.constantFrom('x', 'y'),
      countries: fc.oneof(fc.constant('*' as const), fc.subarray(['GB', 'SE', 'DE'], { minLength: 1 })),
      maxWeightGrams: fc.option(fc.integer({ min: 1, max: 30_000 }), { nil: undefined }),
      baseCost: fc.integer({ min: 0, max: 5_000 }),
      perKgCost: fc.integer({ min: 0, max: 500 }),
      currency: fc.constantFrom('GBP', 'EUR'),
      transitDays: fc.integer({ min: 1, max: 7 }),
    });
    fc.assert(
      fc.property(
        fc.array(arbRate, { maxLength: 8 }),
        fc.record({ country: fc.constantFrom('GB', 'SE', 'US'), weightGrams: fc.integer({ min: 0, max: 30_000 }), promisedDays: fc.integer({ min: 1, max: 7 }), currency: fc.constantFrom('GBP', 'EUR') }),
        (rates, need) => {
          const covering = rates.filter(
            (r) => r.currency === need.currency && (r.countries === '*' || r.countries.includes(need.country)) && (r.maxWeightGrams ?? Infinity) >= need.weightGrams,
          );
          const choice = selectCarrier(rates, need);
          if (covering.length === 0) {
            expect(choice).toBeNull();
            return;
          }
          expect(choice).not.toBeNull();
          expect(covering).toContain(choice!.rate);
          expect(choice!.cost).toBe(choice!.rate.baseCost + Math.ceil(need.weightGrams / 1000) * choice!.rate.perKgCost);
          const onTime = covering.filter((r) => r.transitDays <= need.promisedDays);
          expect(choice!.meetsPromise).toBe(onTime.length > 0);
          if (onTime.length > 0) {
            for (const r of onTime) expect(choice!.cost).toBeLessThanOrEqual(shippingCost(r, need.weightGrams));
          } else {
            for (const r of covering) {
              expect(choice!.rate.transitDays).toBeLessThanOrEqual(r.transitDays);
              if (r.transitDays === choice!.rate.transitDays) expect(choice!.cost).toBeLessThanOrEqual(shippingCost(r, need.weightGrams));
            }
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
