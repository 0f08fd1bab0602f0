/**
 * Errors of the domain. A `DomainError` means the input breaks a business rule
 * or an invariant (a bad amount, an illegal transition); its `code` is stable
 * so handlers can map it to an HTTP status or a Step Functions error name.
 */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

export class IllegalTransitionError extends DomainError {
  constructor(
    readonly from: string,
    readonly to: string,
  ) {
    super('IllegalTransition', `an order cannot go from ${from} to ${to}`);
  }
}
