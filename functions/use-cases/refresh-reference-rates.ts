/**
 * Scheduled: keep the credit check's reference rates current from the
 * configured source (`creditRatesSourceUrl`, e.g. the ECB's daily file).
 * 1. Fetch and read the source's rates for its latest day (the adapter refuses
 *    a malformed file; the scheduler retries a source that is down).
 * 2. Keep them: the latest is replaced only by a later day, each day's copy
 *    is kept once — a second run the same day, or a run that reads an older
 *    file, changes nothing.
 */
import type { ReferenceRates } from '#domain/fx';
import type { Clock, ReferenceRateStore } from '../ports.ts';

export interface RefreshRatesDeps {
  readonly source: { fetchRates(): Promise<ReferenceRates> };
  readonly store: ReferenceRateStore;
  readonly clock: Clock;
}

export async function refreshReferenceRates(_input: unknown, deps: RefreshRatesDeps): Promise<{ on: string; currencies: number; outcome: 'saved' | 'unchanged' }> {
  const rates = await deps.source.fetchRates();
  const outcome = await deps.store.save(rates, deps.clock.now().toISOString());
  return { on: rates.on, currencies: Object.keys(rates.rates).length, outcome };
}
