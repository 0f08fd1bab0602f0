/**
 * The stored reference rates, read at most every `maxAgeMs` per container: they change once a day, and a
 * credit check should not pay a read for them each time.
 */
import type { ReferenceRates } from '#domain/fx';
import type { ReferenceRateStore } from '../ports.ts';

export function cachedRates(store: Pick<ReferenceRateStore, 'latest'>, maxAgeMs = 10 * 60_000, now: () => number = Date.now): Pick<ReferenceRateStore, 'latest'> {
  let cached: { at: number; rates: ReferenceRates | undefined } | undefined;
  return {
    async latest() {
      if (!cached || now() - cached.at > maxAgeMs) cached = { at: now(), rates: await store.latest() };
      return cached.rates;
    },
  };
}
