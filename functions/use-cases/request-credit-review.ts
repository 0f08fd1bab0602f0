/**
 * An order is on credit hold; the workflow waits on a task token until finance decides.
 * 1. Keep the token with the order, for decide-credit to answer (the second
 *    approver's wait replaces the first's token). A token forgotten already (the
 *    review was decided or timed out; this is a redelivered wait) asks nobody.
 * 2. Email finance — or, after the first review timed out (`escalated`), the
 *    second approvers — what to decide: the customer, the limit, each part of
 *    the exposure, the payment history, the score and its factors, a standing
 *    approval, and how to decide (key per order and round: a redelivered wait
 *    asks once).
 */
import { formatMoney } from '#domain/money';
import type { Money } from '#domain/model';
import { orderReference, renderMessage } from '#messages';
import type { CreditReviewRequestVars } from '#messages/types';
import { OrderNotFound } from '../errors.ts';
import type { Mail, Orders, TaskTokens } from '../ports.ts';
import { creditView, type CreditView, type CreditViewDeps } from './credit-view.ts';

export type RequestCreditReviewDeps = CreditViewDeps & {
  readonly orders: Orders;
  readonly tokens: TaskTokens;
  readonly mail: Mail;
  readonly financeRecipients: readonly string[];
  /** Who decides a review finance left undecided (absent: finance again). */
  readonly secondApprovers?: readonly string[];
};

export async function requestCreditReview(
  { orderId, taskToken, escalated = false }: { orderId: string; taskToken: string; escalated?: boolean },
  deps: RequestCreditReviewDeps,
): Promise<void> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  if (!(await deps.tokens.store(orderId, 'credit-review', taskToken, deps.clock.now().toISOString()))) return;
  const view = await creditView({ orderId, order }, deps);
  const message = renderMessage('credit-review-request', 'en', {
    orderId,
    orderReference: orderReference(order),
    platform: order.source.platform,
    platformReference: order.source.reference ?? order.source.externalId,
    total: formatMoney({ amount: order.totals.total, currency: order.currency }),
    reason: order.reason ?? null,
    risk: view.customer?.riskFactors.length ? { score: view.customer.riskScore, scoredOn: view.customer.riskScoredOn, factors: view.customer.riskFactors } : null,
    ...reviewParts(view),
    escalated,
  });
  const to = escalated && deps.secondApprovers?.length ? deps.secondApprovers : deps.financeRecipients;
  await deps.mail.enqueue({ key: `credit-review${escalated ? '-escalated' : ''}:${orderId}`, to, subject: message.subject, text: message.text });
}

/** The credit view in the email's words: money formatted in the limit's currency. */
export function reviewParts(view: CreditView): Pick<CreditReviewRequestVars, 'customer' | 'exposure' | 'history' | 'approval'> {
  const ccy = view.exposure.currency;
  const m = (amount: number, currency = ccy) => formatMoney({ amount, currency } satisfies Money);
  const e = view.exposure;
  return {
    customer: view.customer
      ? { id: view.customer.id, name: view.customer.name, email: view.customer.email, limit: formatMoney(view.customer.creditLimit), collectionsStatus: view.customer.collectionsStatus }
      : null,
    exposure: {
      openReceivables: m(e.openReceivables),
      disputed: m(e.disputed),
      inFlightOrders: m(e.inFlightOrders),
      thisOrder: m(e.thisOrder),
      unappliedCash: m(e.unappliedCash),
      total: m(e.total),
      headroom: m(view.headroom),
      conversions: e.foreign.map((f) => {
        const own = m(f.receivables + f.orders - f.unapplied, f.currency);
        return f.converted === null ? `${own}: no reference rate, not counted` : `${own} at ${f.rate} = ${m(f.converted)}`;
      }),
      ratesOn: e.ratesOn ?? null,
    },
    history: view.history,
    approval: view.approval
      ? `up to ${formatMoney({ amount: view.approval.upTo, currency: view.approval.currency })} until ${view.approval.until}, by ${view.approval.by} on ${view.approval.at.slice(0, 10)}${view.approval.covers ? '' : ' (does not cover this order)'}`
      : null,
  };
}
