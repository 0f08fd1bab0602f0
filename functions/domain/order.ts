/**
 * The order's life as a state machine (ARCHITECTURE.md §3). A status change
 * that is not an edge here is a bug or a race, and is refused.
 *
 * Prepaid orders take the same path after shipment: the invoice is issued
 * already paid (shipped → invoiced), then invoiced → paid → closed. A retry of
 * a backordered order that is still short stays `backordered` without a
 * transition (the handler updates the attempt count only).
 */
import { IllegalTransitionError } from './errors.ts';
import type { OrderStatus } from './model.ts';

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  received: ['validated', 'backordered', 'rejected', 'cancelled'],
  backordered: ['validated', 'rejected', 'cancelled'],
  validated: ['approved', 'credit_hold', 'rejected', 'cancelled'],
  credit_hold: ['approved', 'rejected', 'cancelled'],
  approved: ['confirmed', 'cancelled'],
  confirmed: ['fulfilling', 'cancelled'],
  fulfilling: ['shipped', 'cancelled'],
  shipped: ['invoiced'],
  invoiced: ['paid'],
  paid: ['closed'],
  closed: [],
  rejected: [],
  cancelled: [],
};

export const ORDER_STATUSES = Object.keys(ORDER_TRANSITIONS) as OrderStatus[];

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return Object.hasOwn(ORDER_TRANSITIONS, from) && ORDER_TRANSITIONS[from].includes(to);
}

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

export function isTerminal(status: OrderStatus): boolean {
  return status === 'closed' || status === 'rejected' || status === 'cancelled';
}

/** Statuses from which a cancellation still stops the goods (nothing shipped yet). */
export function isCancellable(status: OrderStatus): boolean {
  return canTransition(status, 'cancelled');
}
