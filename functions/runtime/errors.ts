/**
 * Faults and client errors, mapped in ONE place (ARCHITECTURE.md §7):
 * - over HTTP, an `AppError`'s `status` is the response status and its `code`
 *   the machine-readable `error` field; anything else is a 500 that says nothing
 *   about internals;
 * - in the state machine, the error's `name` is what `Catch.ErrorEquals` matches
 *   (Lambda reports `errorType` from the error's name), so the workflow branches
 *   on `OrderNotFound`, not on `States.ALL`.
 *
 * Business denials (credit declined, payment over-applied) are values, not
 * errors: see the domain.
 */

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export class AppError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly issues?: readonly FieldIssue[],
  ) {
    super(message);
    this.name = code;
  }
}

/** 400: the request is not what the route reads at all (e.g. not JSON). */
export class BadRequestError extends AppError {
  constructor(message: string) {
    super(message, 400, 'BadRequest');
  }
}

/** 401: missing or wrong credentials or signature. */
export class UnauthorizedError extends AppError {
  constructor(message = 'missing or invalid credentials') {
    super(message, 401, 'Unauthorized');
  }
}

/** 404: the thing named in the path does not exist. */
export class NotFoundError extends AppError {
  constructor(message: string, code = 'NotFound') {
    super(message, 404, code);
  }
}

/** 409: the request conflicts with the current state (e.g. a decision for an order not on hold). */
export class ConflictError extends AppError {
  constructor(message: string, code = 'Conflict') {
    super(message, 409, code);
  }
}

/** 413: the body is larger than the route accepts. */
export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(`body is larger than ${limitBytes} bytes`, 413, 'PayloadTooLarge');
  }
}

/** 422: valid JSON that fails the schema; `issues` lists every failing field path. */
export class ValidationError extends AppError {
  constructor(issues: readonly FieldIssue[], message = 'the request failed validation') {
    super(`${message}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, 422, 'ValidationFailed', issues);
  }
}

/** A workflow task's input does not have the shape the task reads (a wiring fault). */
export class InvalidTaskInput extends AppError {
  constructor(issues: readonly FieldIssue[]) {
    super(`task input is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, 500, 'InvalidTaskInput', issues);
  }
}

/** A queue message that can never be processed; it is retried, then dead-lettered. */
export class PoisonMessageError extends AppError {
  constructor(reason: string) {
    super(`unprocessable message: ${reason}`, 500, 'PoisonMessage');
  }
}

/** zod issues → field paths a client can act on (`lines.0.quantity`). */
export function toFieldIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FieldIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
}
