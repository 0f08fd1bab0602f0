import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../../functions/domain/model.ts';
import { assertTransition, canTransition, isTerminal, ORDER_STATUSES, ORDER_TRANSITIONS } from '../../../functions/domain/order.ts';

describe('order status machine', () => {
  it('allows the happy path and the credit hold', () => {
    const path: OrderStatus[] = ['received', 'validated', 'credit_hold', 'approved', 'confirmed', 'fulfilling', 'shipped', 'invoiced', 'paid', 'closed'];
    for (let i = 1; i < path.length; i++) expect(() => assertTransition(path[i - 1]!, path[i]!)).not.toThrow();
  });

  it('refuses illegal moves with a named error', () => {
    expect(() => assertTransition('received', 'shipped')).toThrow(/cannot go from received to shipped/);
    expect(() => assertTransition('shipped', 'cancelled')).toThrow();
    expect(() => assertTransition('closed', 'paid')).toThrow();
    expect(canTransition('invoiced', 'received')).toBe(false);
  });

  it('knows terminal statuses', () => {
    expect(ORDER_STATUSES.filter(isTerminal).sort()).toEqual(['cancelled', 'closed', 'rejected']);
  });

  it('property: a random walk only follows declared edges and ends in a status that exists', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ORDER_STATUSES), { maxLength: 30 }), (targets) => {
        let status: OrderStatus = 'received';
        for (const to of targets) {
          if (canTransition(status, to)) {
            expect(ORDER_TRANSITIONS[status]).toContain(to);
            status = to;
          } else {
            expect(() => assertTransition(status, to)).toThrow();
          }
        }
        expect(ORDER_STATUSES).toContain(status);
      }),
    );
  });
});
