/**
 * Errors as the edges answer them, mapped in ONE place: over HTTP an error's
 * `kind` (functions/errors.ts) gives the status and its `name` the `error`
 * field; anything else is a 500 that says nothing about internals. In the state
 * machine Lambda reports the error's name as `errorType`, which Retry/Catch match.
 */
import { O2cError, type ErrorKind, type FieldIssue } from '../errors.ts';

export * from '../errors.ts';

export const STATUS_OF_KIND: Readonly<Record<ErrorKind, number>> = {
  malformed: 400,
  invalid: 422,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'too-large': 413,
  retryable: 503,
  fault: 500,
};

export function statusOf(error: unknown): number {
  return error instanceof O2cError ? STATUS_OF_KIND[error.kind] : 500;
}

/** zod issues → field paths a client can act on (`lines.0.quantity`). */
export function toFieldIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}
