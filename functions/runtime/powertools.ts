/**
 * The one place where o2c's observability instances live (ARCHITECTURE.md §7):
 * every handler logs and counts through these (tracing is Lambda's own active tracing: no X-Ray SDK in the bundles), imported via `#runtime`,
 * and use cases get them as the `Metrics` and `Log` ports.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Log, Metrics as MetricsPort } from '../ports.ts';

const serviceName = process.env.POWERTOOLS_SERVICE_NAME ?? 'o2c';

export const logger = new Logger({ serviceName });
/** Metrics' own warnings (e.g. an invocation that counted nothing) go through the logger, at its level. */
export const metrics = new Metrics({ serviceName, namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? 'o2c', logger });

/** Port `Metrics`: business counters as CloudWatch EMF. */
export const businessMetrics: MetricsPort = { count: (name, value = 1) => metrics.addMetric(name, MetricUnit.Count, value) };
/** Port `Log`. */
export const log: Log = { info: (message, fields) => logger.info(message, fields ?? {}) };
