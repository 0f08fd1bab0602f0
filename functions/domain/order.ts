/**
 * The order's life as a state machine (ARCHITECTURE.md §3). A status change
 * that is not an edge here is a bug or a race, and is refused. Every status
 * set the rest of o2c needs is derived from the edges, never listed again.
 *
 * Prepaid orders take the same path after shipment: the invoice is issued
 * already paid (shipped → invoiced), then invoiced → paid → closed. A retry of
 * a backordered order that is still short stays `backordered` without a
 * transition (only its attempt count changes: `amendOrder`).
 */
import { IllegalTransitionError } from './errors.ts';
import type { IsoDate, IsoInstant, OrderStatus } from './model.ts';

export const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  received: ['validated', 'backordered', 'rejected', 'cancelled'],
  backordered: ['validated', 'rejected', 'cancelled'],
  validated: ['approved', 'credit_hold', 'rejected', 'cancelled'],
  credit_hold: ['approved', 'rejected', 'cancelled'],
  approved: ['confirmed', 'cancelled'],
  confirmed: ['fulfilling', 'cancelled'],
  fulfilling: ['shipped', 'cancelled', 'rejected'],
  shipped: ['invoiced'],
  invoiced: ['paid'],
  paid: ['closed'],
  closed: [],
  rejected: [],
  cancelled: [],
};

export const ORDER_STATUSES = Object.keys(ORDER_TRANSITIONS) as OrderStatus[];

/** The shop of an order that came without one (the B2B API): part of its id and its customer's. */
export const NO_SHOP = '-';

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return Object.hasOwn(ORDER_TRANSITIONS, from) && ORDER_TRANSITIONS[from].includes(to);
}

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

export function isTerminal(status: OrderStatus): boolean {
  return ORDER_TRANSITIONS[status].length === 0;
}

/** Statuses from which a cancellation still stops the goods (nothing shipped yet). */
export function isCancellable(status: OrderStatus): boolean {
  return canTransition(status, 'cancelled');
}

/** Every status reachable from `from` (itself included) along the edges. */
export function reachableFrom(from: OrderStatus): Set<OrderStatus> {
  const seen = new Set<OrderStatus>([from]);
  const queue: OrderStatus[] = [from];
  while (queue.length > 0) for (const next of ORDER_TRANSITIONS[queue.shift()!]) if (!seen.has(next)) seen.add(next), queue.push(next);
  return seen;
}

const ENDED_WITHOUT_GOODS: ReadonlySet<OrderStatus> = new Set(['rejected', 'cancelled']);

/** Validated, and on the way to cash since: re-running validation has nothing to do. */
export const PAST_VALIDATION: ReadonlySet<OrderStatus> = new Set([...reachableFrom('validated')].filter((s) => !ENDED_WITHOUT_GOODS.has(s)));

/** Approved on credit and not invoiced yet: these orders count towards the customer's exposure. */
export const APPROVED_NOT_INVOICED: ReadonlySet<OrderStatus> = new Set(
  [...reachableFrom('approved')].filter((s) => s !== 'invoiced' && !ENDED_WITHOUT_GOODS.has(s) && reachableFrom(s).has('invoiced')),
);

/**
 * One change to an order, decided by a use case and written by the order
 * repository as a versioned update plus a timeline event. `to` is checked
 * against the edges here, so no adapter can move an order any other way.
 */
export interface OrderChange {
  readonly to?: OrderStatus;
  readonly set: Readonly<Record<string, unknown>>;
  readonly event?: { readonly at: IsoInstant; readonly step: string; readonly detail?: string };
  /** Flows the change adds to its day's report aggregates in the order's currency (an order error), written with it. */
  readonly counts?: { readonly on: IsoDate; readonly add: Readonly<Record<string, number>> };
}

/** The change with flows added to its day's aggregates. */
export const counting = (change: OrderChange, on: IsoDate, add: Readonly<Record<string, number>>): OrderChange => ({ ...change, counts: { on, add } });

/** A status change along an edge (throws IllegalTransition otherwise), with its event. */
export function transition(
  order: { readonly status: OrderStatus },
  to: OrderStatus,
  step: string,
  at: IsoInstant,
  set: Readonly<Record<string, unknown>> = {},
  detail?: string,
): OrderChange {
  assertTransition(order.status, to);
  return { to, set, event: { at, step, ...(detail ? { detail } : {}) } };
}

/** Attributes changed without a status change (an event only when a step is named). */
export function amendOrder(set: Readonly<Record<string, unknown>>, event?: OrderChange['event']): OrderChange {
  return { set, ...(event ? { event } : {}) };
}
