/**
 * The order cannot go ahead (invalid, out of stock too long — a backorder
 * that gave up —, credit refused, or the warehouse cannot ship it): mark it
 * rejected, put reserved stock back, tell the customer. The reason is the
 * warehouse's failure, else the review's note, else validation's, else the
 * credit check's.
 *
 * 1. Not rejected yet: the move to rejected, with the refund request of a
 *    prepaid order in the same write (request-refund). Rejected already (a
 *    re-run, or check-credit's own rejection): its refund request is created
 *    if it is missing.
 * 2. Release the stock; mail the customer (key per order, when customerEmails has "rejection") in their language,
 *    the reason as data the template words (never the warehouse's words,
 *    minor units, the catalog's prices or o2c ids).
 * 3. A prepaid order's refund goes to the refunds queue (refund-payment).
 * The move to rejected counts the order error by reason (`rejectionCode`) — and
 * finance's refusal after review as a manual action (`credit-review.reject`) — in
 * the report aggregates of its day, in the same write (once: the version guard).
 */
import { emails } from '#domain/notifications';
import { todayIn } from '#domain/dates';
import { METRIC, type OrderErrorReason } from '#domain/figures';
import { counting, transition } from '#domain/order';
import type { Language, Money } from '#domain/model';
import { customerLanguage, formatsFor, orderReference, renderMessage, type RejectionReason } from '#messages';
import { creditRefusalText } from '#messages/credit-reasons';
import type { CreditRefusalReason } from './decide-credit.ts';
import { OrderNotFound } from '../errors.ts';
import { mailTo } from './customer-mail.ts';
import { endOrder, ensureRefund, queueRefund, type RequestRefundDeps } from './request-refund.ts';
import type { ShipOrderDeps } from './ship-order.ts';
import { NOT_ENOUGH_STOCK, OUT_OF_STOCK, type CatalogIssue } from './validate-order.ts';

/** The ports of ship-order (the order, its customer, the stock and the mail) and the refund request's. */
export type RejectOrderDeps = ShipOrderDeps & RequestRefundDeps;

export interface RejectOrderInput {
  readonly orderId: string;
  readonly validation?: { readonly reason?: string; readonly problems?: readonly CatalogIssue[] };
  readonly credit?: { readonly reason?: string };
  /** Finance's decision: `reason` is what the customer is told, `note` stays on the timeline. */
  readonly review?: { readonly note?: string; readonly reason?: CreditRefusalReason };
  /** The credit review (and the second approver's, when configured) timed out undecided. */
  readonly reviewExpired?: unknown;
  readonly warehouse?: { readonly Error?: string; readonly Cause?: string };
}

/** Why, for the order's timeline (the warehouse's own words stay there too, not in the customer's mail). */
export function rejectionReason(input: RejectOrderInput): string {
  if (input.warehouse) return 'it could not be shipped from our warehouse';
  if (input.reviewExpired !== undefined) return 'credit review not decided in time';
  if (input.review) return `credit refused after review${input.review.reason ? ` (${input.review.reason})` : ''}${input.review.note ? `: ${input.review.note}` : ''}`;
  return input.validation?.reason ?? input.credit?.reason ?? 'rejected';
}

/** Why, as data the customer's email puts in their language (a prepaid order's amounts in their formats). */
export function customerReason(input: RejectOrderInput, money: (m: Money) => string, language: Language = 'en'): RejectionReason {
  if (input.warehouse) return { kind: 'warehouse' };
  // Credit refused by a person (finance's reason code, never their note) or by the review's timeout: in the customer's words.
  if (input.reviewExpired !== undefined) return { kind: 'credit', note: creditRefusalText('review-expired', language) };
  if (input.review) return { kind: 'credit', note: creditRefusalText(input.review.reason ?? 'refused', language) };
  if (input.validation) {
    const problems = input.validation.problems ?? [];
    if (problems.length > 0) {
      return {
        kind: 'catalog',
        problems: problems.map((p) => {
          const item = { description: p.description, sku: p.sku };
          if (p.kind === 'not-sold') return { kind: 'not-sold', item };
          if (p.kind === 'other-currency') return { kind: 'other-currency', item, soldIn: p.soldIn, orderedIn: p.orderedIn };
          return { kind: 'other-price', item, unitPrice: money({ amount: p.unitPrice, currency: p.currency }) };
        }),
      };
    }
    return input.validation.reason === OUT_OF_STOCK ? { kind: 'out-of-stock' } : { kind: 'other' };
  }
  return input.credit ? { kind: 'credit', note: null } : { kind: 'other' };
}

/** The order error the pack counts for this rejection (domain/figures `OrderErrorReason`). */
export function rejectionCode(input: RejectOrderInput): OrderErrorReason {
  if (input.warehouse) return 'warehouse-refused';
  if (input.reviewExpired !== undefined) return 'credit-review-expired';
  if (input.review) return 'credit-refused';
  if (input.validation) {
    const kinds = new Set((input.validation.problems ?? []).map((p) => p.kind));
    if (kinds.has('other-price')) return 'price-mismatch';
    if (kinds.has('other-currency')) return 'currency-mismatch';
    if (kinds.has('not-sold')) return 'not-sold';
    if (input.validation.reason === OUT_OF_STOCK || input.validation.reason?.startsWith(NOT_ENOUGH_STOCK)) return 'out-of-stock';
    return 'invalid';
  }
  return input.credit ? 'credit-declined' : 'invalid';
}

export async function rejectOrder(input: RejectOrderInput, deps: RejectOrderDeps): Promise<{ status: string; reason: string }> {
  const reason = rejectionReason(input);
  let order = await deps.orders.get(input.orderId);
  if (!order) throw new OrderNotFound(input.orderId);
  const at = deps.clock.now().toISOString();
  let refund;
  // Counted as an order error in the write that rejects it (an order check-credit rejected was counted there).
  const counts = { [METRIC.orderError(rejectionCode(input))]: 1, ...(input.review ? { [METRIC.manualAction('credit-review.reject')]: 1 } : {}) };
  if (order.status !== 'rejected') ({ order, refund } = await endOrder(order, counting(transition(order, 'rejected', 'reject', at, { reason }, reason), todayIn(deps.company.timezone, deps.clock.now()), counts), reason, at, deps));
  else refund = await ensureRefund(order, order.reason ?? reason, at, deps);
  await deps.catalog.release(order.id);
  const customer = await deps.customers.get(order.customerId);
  if (customer && emails(deps.customerEmails, 'rejection')) {
    const language = customerLanguage(customer, deps.company);
    const message = renderMessage('order-rejected', language, { customerName: customer.name, orderReference: orderReference(order), reason: customerReason(input, formatsFor(language).money, language), companyName: deps.company.name, refunded: refund !== undefined });
    await deps.mail.enqueue(mailTo(customer, `order-rejected:${order.id}`, message));
  }
  await queueRefund(refund, deps);
  return { status: order.status, reason };
}
