/**
 * Where the scheduled refresh reads reference rates from: an HTTPS URL serving
 * the ECB's daily file (`eurofxref-daily.xml`) or a file in its layout. A
 * non-2xx answer or a timeout throws (the scheduler retries); what it serves
 * is read by platforms/ecb-rates, which refuses anything malformed.
 */
import type { ReferenceRates } from '#domain/fx';
import { parseEcbRates } from '#platforms/ecb-rates';

export function httpRateSource(url: string, timeoutMs = 10_000): { fetchRates(): Promise<ReferenceRates> } {
  return {
    async fetchRates() {
      const res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs), headers: { accept: 'application/xml, text/xml' } });
      if (!res.ok) throw new Error(`reference rates: ${url} answered HTTP ${res.status}`);
      return parseEcbRates(await res.text());
    },
  };
}
