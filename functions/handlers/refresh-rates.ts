/** refresh-rates (schedule, when `creditRatesSourceUrl` is configured): the credit check's reference rates from the source — use-cases/refresh-reference-rates. */
import { httpRateSource } from '#adapters/rate-source';
import { repositories } from '#adapters/repositories';
import { ScheduleInput } from '#platforms/canonical';
import { readBindings, scheduledHandler, systemClock } from '#runtime';
import { refreshReferenceRates } from '#use-cases/refresh-reference-rates';

const env = readBindings('refresh-rates');
export const deps = { source: httpRateSource(env.CREDIT_RATES_SOURCE_URL), store: repositories(env.TABLE_NAME).rateStore, clock: systemClock };
export const handler = scheduledHandler(ScheduleInput, (input) => refreshReferenceRates(input, deps));
