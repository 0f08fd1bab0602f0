/**
 * Step Functions task handlers and scheduled (EventBridge Scheduler) handlers:
 * the event is the task input; it is validated, and a wrong shape is a wiring
 * fault (`InvalidTaskInput`), not something to retry into success.
 */
import type { Context } from 'aws-lambda';
import { safeParse, type Infer, type Schema } from './schema.ts';
import { InvalidTaskInput, toFieldIssues } from './errors.ts';
import { withObservability, type LambdaFn } from './wrap.ts';

export function parseTaskInput<S extends Schema>(schema: S, event: unknown): Infer<S> {
  const result = safeParse(schema, event);
  if (!result.success) throw new InvalidTaskInput(toFieldIssues(result.error.issues));
  return result.data;
}

export function taskHandler<S extends Schema, R>(schema: S, fn: (input: Infer<S>) => Promise<R>): LambdaFn<unknown, R> {
  return withObservability((event: unknown, _context: Context) => fn(parseTaskInput(schema, event)));
}

/** Scheduled runs take an optional input such as `{ "asOf": "2026-11-22" }` (time travel for dunning and reports). */
export const scheduledHandler = taskHandler;
