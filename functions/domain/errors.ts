/**
 * Errors of the domain. A `DomainError` means the input breaks a business rule
 * or an invariant (a bad amount, an illegal transition); its `code` is stable
 * and is its name in the error catalogue (functions/errors.ts), so over HTTP it
 * is a 422 and in the workflow an error name a Catch can match.
 */
import { O2cError, type ErrorKind } from '../errors.ts';

export class DomainError extends O2cError {
  constructor(code: string, message: string, kind: ErrorKind = 'invalid') {
    super(kind, code, message);
  }
}

export class IllegalTransitionError extends DomainError {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super('IllegalTransition', `an order cannot go from ${from} to ${to}`, 'conflict');
  }
}
