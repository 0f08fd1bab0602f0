/**
 * The shared handler wrapper: middy + Powertools. Every Lambda in o2c is one of
 * the four shapes below (HTTP route, SQS consumer, workflow task, schedule), so
 * parsing, error mapping, logging context and metrics are written once (traces:
 * Lambda's active tracing, set on every function, without the X-Ray SDK).
 */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { Context } from 'aws-lambda';
import { logger, metrics } from './powertools.ts';

export type LambdaFn<E, R> = (event: E, context: Context) => Promise<R>;

/** Wraps a plain async handler with the observability middlewares. */
export function withObservability<E, R>(fn: LambdaFn<E, R>): LambdaFn<E, R> {
  return middy(fn)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics, { captureColdStartMetric: true })) as unknown as LambdaFn<E, R>;
}
