/**
 * An order is on credit hold; the workflow waits on a task token until finance decides.
 * 1. Keep the token with the order, for decide-credit to answer.
 * 2. Email finance what to decide and where to post the decision (key per
 *    order: a redelivered wait asks once), with the customer's credit score
 *    and the factors that make it up when it has any.
 */
import { formatMoney } from '#domain/money';
import { orderReference, renderMessage } from '#messages';
import { OrderNotFound } from '../errors.ts';
import type { Clock, Customers, Mail, Orders, TaskTokens } from '../ports.ts';

export interface RequestCreditReviewDeps {
  readonly orders: Orders;
  readonly tokens: TaskTokens;
  readonly mail: Mail;
  readonly clock: Clock;
  readonly financeRecipients: readonly string[];
  /** The customer's credit score for the email (absent: not shown). */
  readonly customers?: Pick<Customers, 'get'>;
}

export async function requestCreditReview({ orderId, taskToken }: { orderId: string; taskToken: string }, deps: RequestCreditReviewDeps): Promise<void> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  await deps.tokens.store(orderId, 'credit-review', taskToken, deps.clock.now().toISOString());
  const customer = await deps.customers?.get(order.customerId);
  const message = renderMessage('credit-review-request', 'en', {
    orderId,
    orderReference: orderReference(order),
    platform: order.source.platform,
    platformReference: order.source.reference ?? order.source.externalId,
    total: formatMoney({ amount: order.totals.total, currency: order.currency }),
    reason: order.reason ?? null,
    risk: customer?.riskFactors?.length ? { score: customer.riskScore, scoredOn: customer.riskScoredOn ?? null, factors: customer.riskFactors } : null,
  });
  await deps.mail.enqueue({ key: `credit-review:${orderId}`, to: deps.financeRecipients, subject: message.subject, text: message.text });
}
