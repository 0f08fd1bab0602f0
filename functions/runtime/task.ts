/**
 * Step Functions task handlers and scheduled (EventBridge Scheduler) handlers:
 * the event is the task input; it is validated, and a wrong shape is a wiring
 * fault (`InvalidTaskInput`), not something to retry into success.
 */
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { InvalidTaskInput, toFieldIssues } from './errors.ts';
import { withObservability, type LambdaFn } from './wrap.ts';

export function parseTaskInput<S extends z.ZodType>(schema: S, event: unknown): z.infer<S> {
  const result = schema.safeParse(event);
  if (!result.success) throw new InvalidTaskInput(toFieldIssues(result.error.issues));
  return result.data;
}

export function taskHandler<S extends z.ZodType, R>(schema: S, fn: (input: z.infer<S>) => Promise<R>): LambdaFn<unknown, R> {
  return withObservability((event: unknown, _context: Context) => fn(parseTaskInput(schema, event)));
}

/** Scheduled runs take an optional input such as `{ "asOf": "2026-11-22" }` (time travel for dunning and reports). */
export const scheduledHandler = taskHandler;
