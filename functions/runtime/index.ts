/** `#runtime`: what a handler needs to be thin. */
export { logger, metrics, businessMetrics, log } from './powertools.ts';
export { readBindings, companyOf, checkedBinding, creditLimitsOf, dunningPolicyOf, reportRecipientsOf, bankCsvMappingOf, matchPolicyOf, referenceRatesOf, type Bound } from './bindings.ts';
export { systemClock, fixedClock, pacer } from './clock.ts';
export * from './errors.ts';
export { accepts, binary, httpHandler, runRoute, parseJsonBody, parseQuery, queryParam, toRequest, routeBy, withRole, webhookRoutes, type RoleRoute, MAX_BODY_BYTES, type HttpRequest, type HttpResult, type Route } from './http.ts';
export { requestKeyOf, replayableAnswer, clientKeyOf, deliveryIdOf } from './request-keys.ts';
export { sqsHandler, sqsBatch, parseRecord, deliveryOf, type RecordFn } from './sqs.ts';
export { taskHandler, scheduledHandler, parseTaskInput } from './task.ts';
export { withObservability } from './wrap.ts';
export { cachedRates } from './rates.ts';
export { IDEMPOTENCY_EXPIRY_SECONDS, LATE_DELIVERY_MARGIN_SECONDS, PLATFORM_RETRY_WINDOWS_SECONDS } from './idempotency.ts';
