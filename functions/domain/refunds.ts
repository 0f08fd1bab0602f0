/**
 * Refunds o2c owes its customers (pure): a prepaid order that ended without
 * goods (rejected, cancelled before shipment) gives back what was paid; a
 * paid invoice cancelled after shipment gives back the customer credit its
 * credit note left. One refund per order (`refundId` of domain/ids.ts), so
 * every retry converges on it.
 *
 *   requested ─► refunded   (the platform refunded it; Stripe's refund id kept)
 *             ├► failed     (the platform refused it, e.g. already refunded: finance looks)
 *             └► owed       (o2c cannot refund on this platform: finance pays it back)
 *
 * Only `requested` moves, and only once.
 */
import { DomainError } from './errors.ts';
import { refundId } from './ids.ts';
import { assertBalanced } from './ledger.ts';
import type { CreditNote, IsoDate, IsoInstant, JournalEntry, Order, PaymentReference, Platform, Totals } from './model.ts';

export const REFUND_STATUSES = ['requested', 'refunded', 'failed', 'owed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

/** Why o2c owes the money: the order ended before any invoice, or a credit note left customer credit on a paid invoice. */
export type RefundCause = 'order-ended' | 'credit-note';

export interface Refund {
  /** `rf_…`, derived from the order: the idempotency key at the platform too. */
  readonly id: string;
  readonly orderId: string;
  readonly customerId: string;
  readonly platform: Platform;
  /** The reference the customer knows the order by. */
  readonly orderReference: string;
  /** Minor units of `currency`, > 0. */
  readonly amount: number;
  readonly currency: string;
  readonly cause: RefundCause;
  readonly reason: string;
  readonly invoiceNumber?: string;
  readonly creditNoteNumber?: string;
  readonly paymentReference?: PaymentReference;
  readonly status: RefundStatus;
  readonly requestedAt: IsoInstant;
  readonly settledAt?: IsoInstant;
  /** The platform's id of the refund (Stripe `re_…`). */
  readonly platformRefundId?: string;
  /** Why it failed (the platform's words) or why it is owed. */
  readonly note?: string;
}

type EndedOrder = Pick<Order, 'id' | 'customerId' | 'source' | 'currency' | 'paymentMode' | 'paymentReference'> & { readonly totals: Pick<Totals, 'total'> };

const base = (order: EndedOrder) => ({
  id: refundId(order.id),
  orderId: order.id,
  customerId: order.customerId,
  platform: order.source.platform,
  orderReference: order.source.reference ?? order.id,
  currency: order.currency,
  ...(order.paymentReference ? { paymentReference: order.paymentReference } : {}),
  status: 'requested' as const,
});

/** What a prepaid order that ended without goods gives back: all it was paid (its total); nothing for an order on terms. */
export function refundOfEndedOrder(order: EndedOrder, reason: string, at: IsoInstant): Refund | undefined {
  if (order.paymentMode !== 'prepaid' || order.totals.total <= 0) return undefined;
  return { ...base(order), amount: order.totals.total, cause: 'order-ended', reason, requestedAt: at };
}

/**
 * What a prepaid order gives back for the units that never shipped (lines cancelled — by the warehouse or at the
 * customer's request — of an order that shipped the rest): its total less what its invoices billed, so the invoices
 * and the refund add up to what was paid exactly. One per order (its own id beside the order's other refund); like a
 * refund of an order that ended, its cash was never booked (a prepaid order's cash is booked on its invoices).
 */
export function refundOfCancelledLines(order: EndedOrder, invoiced: number, reason: string, at: IsoInstant): Refund | undefined {
  const amount = order.totals.total - invoiced;
  if (order.paymentMode !== 'prepaid' || amount <= 0) return undefined;
  return { ...base(order), id: refundId(`${order.id}:cancelled-lines`), amount, cause: 'order-ended', reason, requestedAt: at };
}

/** What a credit note on a paid invoice gives back: the customer credit it left (nothing when it only reduced the balance). */
export function refundOfCreditNote(order: EndedOrder, note: CreditNote, at: IsoInstant): Refund | undefined {
  if (note.customerCredit <= 0) return undefined;
  return { ...base(order), amount: note.customerCredit, currency: note.currency, cause: 'credit-note', reason: note.reason, invoiceNumber: note.invoiceNumber, creditNoteNumber: note.number, requestedAt: at };
}

/** Where the money goes back: through Stripe's API when the order names a Stripe payment, else by finance's hand. */
export function refundChannel(refund: Pick<Refund, 'platform' | 'paymentReference'>): 'stripe' | 'by-hand' {
  return refund.platform === 'stripe' && (refund.paymentReference?.paymentIntent || refund.paymentReference?.charge) ? 'stripe' : 'by-hand';
}

export type RefundOutcome =
  | { readonly kind: 'refunded'; readonly platformRefundId: string }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'owed'; readonly why: string };

const STATUS_OF: Record<RefundOutcome['kind'], RefundStatus> = { refunded: 'refunded', failed: 'failed', owed: 'owed' };

/** The refund after its outcome; only a `requested` refund moves (a settled one is a DomainError: the caller read a stale copy). */
export function settleRefund(refund: Refund, outcome: RefundOutcome, at: IsoInstant): Refund {
  if (refund.status !== 'requested') throw new DomainError('RefundSettled', `refund ${refund.id} is ${refund.status} already`, 'conflict');
  const detail = outcome.kind === 'refunded' ? { platformRefundId: outcome.platformRefundId } : { note: outcome.kind === 'failed' ? outcome.message : outcome.why };
  return { ...refund, status: STATUS_OF[outcome.kind], settledAt: at, ...detail };
}

/**
 * Finance paid back by hand a refund o2c could not make itself (`owed`: another platform; `failed`: the
 * platform refused it) — it becomes `refunded`, with finance's payment reference. A refund still
 * `requested` is being made by refund-payment, and a refunded one is done: both are conflicts.
 */
export function refundPaidByHand(refund: Refund, reference: string, at: IsoInstant): Refund {
  if (refund.status === 'requested') throw new DomainError('RefundInProgress', `refund ${refund.id} is being made on ${refund.platform}; wait for its outcome`, 'conflict');
  if (refund.status === 'refunded') throw new DomainError('RefundSettled', `refund ${refund.id} was refunded already${refund.settledAt ? ` (${refund.settledAt.slice(0, 10)})` : ''}`, 'conflict');
  return { ...refund, status: 'refunded', settledAt: at, platformRefundId: `by-hand:${reference}`, note: `paid back by finance (${reference})${refund.note ? `; before: ${refund.note}` : ''}` };
}

/**
 * The posting of a refund paid out. Customer credit left by a credit note is
 * paid back: Dr customer credit / Cr cash. A prepaid order refunded before it
 * was invoiced has none: o2c books a prepaid order's cash on its invoice
 * (invoiceIssuedEntry, paid at checkout), and that order never had one, so
 * the money went out the way it came in, past o2c's books — nothing to post.
 */
export function refundEntry(refund: Refund, entryId: string, date: IsoDate): JournalEntry | undefined {
  if (refund.cause !== 'credit-note') return undefined;
  return assertBalanced({
    id: entryId,
    date,
    currency: refund.currency,
    memo: `Refund ${refund.id} of credit note ${refund.creditNoteNumber ?? ''} (order ${refund.orderReference})`.replace('  ', ' '),
    reference: `refund:${refund.id}`,
    lines: [
      { account: 'customer_credit', side: 'debit', amount: refund.amount },
      { account: 'cash', side: 'credit', amount: refund.amount },
    ],
  });
}
