/**
 * The one catalogue of o2c's errors (ARCHITECTURE.md §7). Business denials
 * (credit declined, payment unmatched) are values with a `code`, never errors;
 * what is here is either a client's mistake or a fault.
 *
 * Every class has a stable `name`, which is:
 * - the `error` field of an HTTP answer, whose status comes from the class's
 *   `kind` in one table (runtime/http.ts: `STATUS_OF_KIND`);
 * - the `errorType` Lambda reports, which the state machine's Retry/Catch
 *   match (`WORKFLOW_ERRORS` below is what lib/ reads), so the workflow branches
 *   on `ConcurrentUpdate`, not on `States.ALL`.
 *
 * Pure: use cases, the runtime and lib/ import it.
 */

export type ErrorKind = 'malformed' | 'invalid' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'too-large' | 'retryable' | 'fault';

export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export class O2cError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly issues?: readonly FieldIssue[],
  ) {
    super(message);
    this.name = code;
  }
}

/** 400: the request is not what the route reads at all (e.g. not JSON). */
export class BadRequestError extends O2cError {
  constructor(message: string) {
    super('malformed', 'BadRequest', message);
  }
}

/** 422: well-formed input that breaks the schema or a rule; `issues` lists the failing fields. */
export class ValidationError extends O2cError {
  declare readonly issues: readonly FieldIssue[];
  constructor(issues: readonly FieldIssue[], message = 'the request failed validation') {
    const detail = issues.filter((i) => i.path || i.message !== message).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
    super('invalid', 'ValidationFailed', detail.length > 0 ? `${message}: ${detail.join('; ')}` : message, issues);
  }
}

/** 401: missing or wrong credentials or signature. */
export class UnauthorizedError extends O2cError {
  constructor(message = 'missing or invalid credentials') {
    super('unauthorized', 'Unauthorized', message);
  }
}

/** 403: valid credentials of a caller that may not use this route. */
export class ForbiddenError extends O2cError {
  constructor(message: string) {
    super('forbidden', 'Forbidden', message);
  }
}

/** 404: the thing named does not exist. */
export class NotFoundError extends O2cError {
  constructor(message: string, code = 'NotFound') {
    super('not-found', code, message);
  }
}

/** An order a workflow step or a callback names does not exist. */
export class OrderNotFound extends NotFoundError {
  constructor(orderId: string) {
    super(`order ${orderId} does not exist`, 'OrderNotFound');
  }
}

/** 409: the request conflicts with the current state (a decision for an order not on hold). */
export class ConflictError extends O2cError {
  constructor(message: string, code = 'Conflict') {
    super('conflict', code, message);
  }
}

/** 413: the body is larger than the route accepts. */
export class PayloadTooLargeError extends O2cError {
  constructor(limitBytes: number) {
    super('too-large', 'PayloadTooLarge', `the body is larger than ${limitBytes} bytes`);
  }
}

/** Another writer changed the record first; nothing was written; the step or message is retried. */
export class ConcurrentUpdate extends O2cError {
  constructor(message: string) {
    super('retryable', 'ConcurrentUpdate', message);
  }
}

/** An invoice number could not be allocated or the order was not invoiceable at that moment; retried. */
export class InvoiceConflict extends O2cError {
  constructor(message: string) {
    super('retryable', 'InvoiceConflict', message);
  }
}

/** An invoice changed while a payment was applied to it; the message is retried. */
export class PaymentConflict extends O2cError {
  constructor(message: string) {
    super('retryable', 'PaymentConflict', message);
  }
}

/** The task token's wait has ended (answered, timed out or stopped): nobody is waiting any more. */
export class TaskTokenSpent extends O2cError {
  constructor(message: string) {
    super('conflict', 'TaskTokenSpent', message);
  }
}

/** A workflow task's input does not have the shape the task reads (a wiring fault, never retried into success). */
export class InvalidTaskInput extends O2cError {
  constructor(issues: readonly FieldIssue[]) {
    super('fault', 'InvalidTaskInput', `task input is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  }
}

/** A queue message that can never be processed: it fails, is retried, then dead-lettered. */
export class PoisonMessageError extends O2cError {
  constructor(reason: string) {
    super('fault', 'PoisonMessage', `unprocessable message: ${reason}`);
  }
}

/** A variable of the bindings contract is missing or malformed (fails the cold start). */
export class ConfigError extends O2cError {
  constructor(message: string) {
    super('fault', 'ConfigError', message);
  }
}

/**
 * 422: a bank file (camt.053/054, MT940, CSV) that cannot be read, or whose
 * figures do not add up; the message says where ("statement 1, entry 3: …")
 * and nothing of it is applied.
 */
export class BankFileInvalid extends O2cError {
  constructor(message: string, issues?: readonly FieldIssue[]) {
    super('invalid', 'BankFileInvalid', message, issues);
  }
}

/** 422: a bank file o2c recognises but does not read (another ISO 20022 message or version). */
export class BankFileUnsupported extends O2cError {
  constructor(message: string) {
    super('invalid', 'BankFileUnsupported', message);
  }
}

/** The warehouse's webhook did not answer, or answered 5xx/429: the delivery is retried (SQS), then dead-lettered. */
/** Units shipped beyond what an order had reserved (a backordered unit) while o2c's stock shows too few of them. */
export class StockShort extends O2cError {
  constructor(message: string) {
    super('conflict', 'StockShort', message);
  }
}

export class WarehouseUnavailable extends O2cError {
  constructor(message: string) {
    super('retryable', 'WarehouseUnavailable', message);
  }
}

/**
 * Error names the order workflow matches. `retryable`: the step lost a race and
 * is simply run again. `warehouseFailed`: the error a warehouse callback
 * reports through SendTaskFailure. `cancelled`: the error StopExecution records.
 */
export const WORKFLOW_ERRORS = {
  retryable: ['ConcurrentUpdate', 'InvoiceConflict'],
  /**
   * How Step Functions reports an invocation that died without answering (a crash, out of memory, a timeout):
   * `Lambda.Unknown` (the Step Functions guide, "Handle Lambda service exceptions"), and the runtime's own names
   * for an exited process and a timed-out sandbox — and `TimeoutError`, what a step that runs out of time actually
   * reports: middy (functions/runtime/wrap.ts) ends the handler with that error 5 ms before Lambda would time it out
   * (`timeoutEarlyInMillis`), so Lambda's own `Sandbox.Timedout` is never seen (the SDK's request timeouts bear the
   * same name). Every step is idempotent, so each Lambda task runs it again.
   */
  crashed: ['Lambda.Unknown', 'Runtime.ExitError', 'Sandbox.Timedout', 'TimeoutError'],
  warehouseFailed: 'WarehouseFailed',
  cancelled: 'OrderCancelled',
  /**
   * How the order steps (Express) hand an order back to the Standard machine's waits (SendTaskFailure on its token):
   * held for a credit review, or short of stock until the backorder wait has passed. Outcomes, not faults.
   */
  creditHold: 'CreditHold',
  backordered: 'OrderBackordered',
  /** What a state answering a token (`aws-sdk:sfn:sendTask*`) fails with when nobody waits on it any more. */
  tokenSpent: ['Sfn.TaskTimedOutException', 'Sfn.InvalidTokenException', 'Sfn.TaskDoesNotExistException'],
} as const;
