/**
 * Carrier selection from a rate table: the cheapest service that keeps the
 * delivery promise; if none can, the fastest (and the caller is told).
 */
import { DomainError } from './errors.ts';
import type { CurrencyCode } from './model.ts';

export interface CarrierRate {
  readonly carrier: string;
  readonly service: string;
  /** ISO 3166-1 alpha-2 codes served, or '*' for anywhere. */
  readonly countries: readonly string[] | '*';
  readonly maxWeightGrams?: number;
  /** Minor units per parcel. */
  readonly baseCost: number;
  /** Minor units per started kilogram. */
  readonly perKgCost: number;
  readonly currency: CurrencyCode;
  readonly transitDays: number;
}

export interface CarrierChoice {
  readonly rate: CarrierRate;
  readonly cost: number;
  readonly meetsPromise: boolean;
}

export interface ShipmentNeed {
  readonly country: string;
  readonly weightGrams: number;
  readonly promisedDays: number;
  readonly currency: CurrencyCode;
}

export function shippingCost(rate: CarrierRate, weightGrams: number): number {
  return rate.baseCost + Math.ceil(weightGrams / 1000) * rate.perKgCost;
}

export function selectCarrier(rates: readonly CarrierRate[], need: ShipmentNeed): CarrierChoice | null {
  if (!Number.isInteger(need.weightGrams) || need.weightGrams < 0) throw new DomainError('InvalidShipment', 'weight must be whole grams ≥ 0');
  const country = need.country.toUpperCase();
  const candidates = rates
    .filter((r) => r.currency === need.currency)
    .filter((r) => r.countries === '*' || r.countries.includes(country))
    .filter((r) => r.maxWeightGrams === undefined || need.weightGrams <= r.maxWeightGrams)
    .map((rate) => ({ rate, cost: shippingCost(rate, need.weightGrams) }));
  if (candidates.length === 0) return null;
  const onTime = candidates.filter((c) => c.rate.transitDays <= need.promisedDays);
  if (onTime.length > 0) {
    const best = onTime.reduce((a, b) => (b.cost < a.cost || (b.cost === a.cost && b.rate.transitDays < a.rate.transitDays) ? b : a));
    return { ...best, meetsPromise: true };
  }
  const fastest = candidates.reduce((a, b) =>
    b.rate.transitDays < a.rate.transitDays || (b.rate.transitDays === a.rate.transitDays && b.cost < a.cost) ? b : a,
  );
  return { ...fastest, meetsPromise: false };
}

/** A small, realistic UK sender's table (GBP, pence). */
/** Weight assumed per unit of a product the catalog does not know (a platform SKU o2c does not stock). */
export const DEFAULT_PARCEL_WEIGHT_GRAMS = 500;

export const DEFAULT_CARRIER_RATES: readonly CarrierRate[] = [
  { carrier: 'Royal Mail', service: 'Tracked 48', countries: ['GB'], maxWeightGrams: 20_000, baseCost: 349, perKgCost: 25, currency: 'GBP', transitDays: 3 },
  { carrier: 'Royal Mail', service: 'Tracked 24', countries: ['GB'], maxWeightGrams: 20_000, baseCost: 449, perKgCost: 30, currency: 'GBP', transitDays: 1 },
  { carrier: 'DPD', service: 'Next Day', countries: ['GB'], maxWeightGrams: 30_000, baseCost: 599, perKgCost: 20, currency: 'GBP', transitDays: 1 },
  { carrier: 'DPD', service: 'Classic Europe', countries: ['IE', 'FR', 'DE', 'NL', 'BE', 'SE', 'ES', 'IT', 'DK', 'AT'], maxWeightGrams: 31_500, baseCost: 1_295, perKgCost: 60, currency: 'GBP', transitDays: 4 },
  { carrier: 'DHL Express', service: 'Worldwide', countries: '*', maxWeightGrams: 70_000, baseCost: 2_450, perKgCost: 350, currency: 'GBP', transitDays: 2 },
];
