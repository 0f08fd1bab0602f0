import { describe, expect, it } from 'vitest';
import { DomainError, IllegalTransitionError } from '../../../functions/domain/errors.ts';

describe('domain errors', () => {
  it('carry a stable code as their name (a Step Functions error name)', () => {
    const e = new DomainError('InvalidAmount', 'bad');
    expect(e).toBeInstanceOf(Error);
    expect([e.code, e.name, e.message]).toEqual(['InvalidAmount', 'InvalidAmount', 'bad']);
  });
  it('an illegal transition is a domain error naming both ends', () => {
    const e = new IllegalTransitionError('shipped', 'cancelled');
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({ code: 'IllegalTransition', from: 'shipped', to: 'cancelled' });
    expect(e.message).toBe('an order cannot go from shipped to cancelled');
  });
});
