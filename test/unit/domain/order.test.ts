import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IllegalTransitionError } from '../../../functions/domain/errors.ts';
import type { OrderStatus } from '../../../functions/domain/model.ts';
import { assertTransition, canTransition, isCancellable, isTerminal, ORDER_STATUSES, ORDER_TRANSITIONS } from '../../../functions/domain/order.ts';

/** The edges of ARCHITECTURE.md §3, written out independently of the implementation. */
const EXPECTED_EDGES = [
  'received>validated', 'received>backordered', 'received>rejected', 'received>cancelled',
  'backordered>validated', 'backordered>rejected', 'backordered>cancelled',
  'validated>approved', 'validated>credit_hold', 'validated>rejected', 'validated>cancelled',
  'credit_hold>approved', 'credit_hold>rejected', 'credit_hold>cancelled',
  'approved>confirmed', 'approved>cancelled',
  'confirmed>fulfilling', 'confirmed>cancelled',
  'fulfilling>shipped', 'fulfilling>cancelled', 'fulfilling>rejected',
  'shipped>invoiced', 'invoiced>paid', 'paid>closed',
];

describe('order status machine', () => {
  it('has exactly the documented edges', () => {
    const edges = ORDER_STATUSES.flatMap((from) => ORDER_TRANSITIONS[from].map((to) => `${from}>${to}`));
    expect(edges.sort()).toEqual([...EXPECTED_EDGES].sort());
    expect(ORDER_STATUSES).toHaveLength(13);
  });

  it('allows the happy path, the credit hold, the backorder and the prepaid path', () => {
    const paths: OrderStatus[][] = [
      ['received', 'validated', 'approved', 'confirmed', 'fulfilling', 'shipped', 'invoiced', 'paid', 'closed'],
      ['received', 'validated', 'credit_hold', 'approved', 'confirmed'],
      ['received', 'backordered', 'validated', 'credit_hold', 'rejected'],
      // prepaid: approved without review, invoice issued as paid at shipment, then paid and closed
      ['received', 'validated', 'approved', 'confirmed', 'fulfilling', 'shipped', 'invoiced', 'paid', 'closed'],
    ];
    for (const path of paths) for (let i = 1; i < path.length; i++) expect(() => assertTransition(path[i - 1]!, path[i]!)).not.toThrow();
  });

  it('refuses illegal moves with a named error', () => {
    expect(() => assertTransition('received', 'shipped')).toThrow(/cannot go from received to shipped/);
    expect(() => assertTransition('received', 'shipped')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('shipped', 'cancelled')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('closed', 'paid')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('backordered', 'backordered')).toThrow(IllegalTransitionError);
    expect(() => assertTransition('shipped', 'paid')).toThrow(IllegalTransitionError);
    expect(canTransition('invoiced', 'received')).toBe(false);
    expect(canTransition('toString' as OrderStatus, 'received')).toBe(false);
  });

  it('knows terminal and cancellable statuses', () => {
    expect(ORDER_STATUSES.filter(isTerminal).sort()).toEqual(['cancelled', 'closed', 'rejected']);
    expect(ORDER_STATUSES.filter(isCancellable).sort()).toEqual(['approved', 'backordered', 'confirmed', 'credit_hold', 'fulfilling', 'received', 'validated']);
  });

  it('every status is reachable from received, and every non-terminal one can still end', () => {
    const reach = (from: OrderStatus): Set<OrderStatus> => {
      const seen = new Set<OrderStatus>([from]);
      const todo = [from];
      while (todo.length) for (const n of ORDER_TRANSITIONS[todo.pop()!]) if (!seen.has(n)) (seen.add(n), todo.push(n));
      return seen;
    };
    expect(reach('received').size).toBe(ORDER_STATUSES.length);
    for (const s of ORDER_STATUSES) expect([...reach(s)].some(isTerminal)).toBe(true);
    // a terminal status has no way out
    for (const s of ORDER_STATUSES.filter(isTerminal)) expect(ORDER_TRANSITIONS[s]).toEqual([]);
  });

  it('property: canTransition agrees with the edge list and assertTransition for every pair', () => {
    fc.assert(
      fc.property(fc.constantFrom(...ORDER_STATUSES), fc.constantFrom(...ORDER_STATUSES), (from, to) => {
        const allowed = EXPECTED_EDGES.includes(`${from}>${to}`);
        expect(canTransition(from, to)).toBe(allowed);
        if (allowed) expect(() => assertTransition(from, to)).not.toThrow();
        else expect(() => assertTransition(from, to)).toThrow(IllegalTransitionError);
      }),
    );
  });

  it('property: random walks only follow documented edges; invoiced is only reached after shipped', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 30 }), (choices) => {
        let status: OrderStatus = 'received';
        const seen: OrderStatus[] = [status];
        for (const c of choices) {
          const next: readonly OrderStatus[] = ORDER_TRANSITIONS[status];
          if (next.length === 0) {
            expect(isTerminal(status)).toBe(true);
            break;
          }
          const to: OrderStatus = next[c % next.length]!;
          expect(EXPECTED_EDGES).toContain(`${status}>${to}`);
          assertTransition(status, to);
          status = to;
          seen.push(status);
        }
        if (seen.includes('invoiced')) expect(seen.indexOf('shipped')).toBeLessThan(seen.indexOf('invoiced'));
        if (seen.includes('shipped')) expect(seen).not.toContain('cancelled');
      }),
      { numRuns: 500 },
    );
  });
});
