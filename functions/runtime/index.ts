/** `#runtime`: what a handler needs to be thin. */
export { logger, metrics, tracer } from './powertools.ts';
export { env, envOr, envList, envJson, ConfigError } from './env.ts';
export * from './errors.ts';
export { httpHandler, runRoute, parseJsonBody, toRequest, MAX_BODY_BYTES, type HttpRequest, type HttpResult, type Route } from './http.ts';
export { sqsHandler, sqsBatch, parseRecord, type RecordFn } from './sqs.ts';
export { taskHandler, scheduledHandler, parseTaskInput } from './task.ts';
export { withObservability } from './wrap.ts';
