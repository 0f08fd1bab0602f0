/**
 * May this customer have this order on credit?
 *
 * 1. A decision made before stands (a re-run returns it, writing nothing).
 * 2. Prepaid orders are approved (the money is in).
 * 3. Exposure = open receivables + approved orders not yet invoiced + this
 *    order, in the limit's currency (domain/credit).
 * 4. Within the limit → approved; within the review band or risky →
 *    credit_hold (a person decides); beyond → rejected.
 * 5. Collections comes first for an order on terms: a customer dunning put on
 *    credit hold has it held for review; one suspended or handed to the agency
 *    has it rejected (the rejection tells the customer). Prepaid orders are
 *    not affected (the money is in).
 */
import { creditExposure, decideCredit, type CreditDecision } from '#domain/credit';
import type { CollectionsStatus } from '#domain/dunning';
import { transition } from '#domain/order';
import type { OrderStatus } from '#domain/model';
import { OrderNotFound } from '../errors.ts';
import type { Clock, Customers, Metrics, Orders } from '../ports.ts';

export interface CheckCreditDeps {
  readonly orders: Orders;
  readonly customers: Customers;
  readonly clock: Clock;
  readonly metrics: Metrics;
}

const STATUS_OF: Record<CreditDecision, OrderStatus> = { approve: 'approved', hold: 'credit_hold', reject: 'rejected' };
const DECISION_OF: Partial<Record<OrderStatus, CreditDecision>> = { approved: 'approve', confirmed: 'approve', credit_hold: 'hold', rejected: 'reject' };

/** What the customer's collections status does to a new order on terms (none: the credit rule decides). */
function collectionsDecision(status: CollectionsStatus | undefined): { decision: CreditDecision; reason: string } | undefined {
  if (status === 'credit-hold') return { decision: 'hold', reason: 'account on credit hold for an overdue balance: needs review' };
  if (status === 'suspended') return { decision: 'reject', reason: 'account suspended until the overdue balance is paid' };
  if (status === 'with-agency') return { decision: 'reject', reason: 'account passed to collections: orders on account are not accepted' };
  return undefined;
}

export async function checkCredit({ orderId }: { orderId: string }, deps: CheckCreditDeps): Promise<{ decision: CreditDecision; reason: string }> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  const decided = DECISION_OF[order.status];
  if (decided) return { decision: decided, reason: decided === 'approve' ? 'decided before' : (order.reason ?? 'decided before') };

  const customer = await deps.customers.get(order.customerId);
  const collections = order.paymentMode === 'terms' ? collectionsDecision(customer?.collectionsStatus) : undefined;
  if (collections) {
    deps.metrics.count(`Credit${collections.decision === 'hold' ? 'Hold' : 'Reject'}`);
    const at = deps.clock.now().toISOString();
    await deps.orders.apply(order, transition(order, STATUS_OF[collections.decision], 'credit', at, { reason: collections.reason }, collections.reason));
    return collections;
  }
  const exposure = order.paymentMode === 'prepaid' ? { openReceivables: 0, openOrders: 0 } : creditExposure(await deps.customers.account(order.customerId), order.currency, order.id);
  const result = decideCredit({
    paymentMode: order.paymentMode,
    orderTotal: order.totals.total,
    creditLimit: customer?.currency === order.currency ? customer.creditLimit : 0,
    riskScore: customer?.riskScore ?? 0,
    ...exposure,
  });
  deps.metrics.count(`Credit${result.decision[0]!.toUpperCase()}${result.decision.slice(1)}`);
  const at = deps.clock.now().toISOString();
  await deps.orders.apply(order, transition(order, STATUS_OF[result.decision], 'credit', at, { reason: result.reason, exposure: result.exposure }, result.reason));
  return { decision: result.decision, reason: result.reason };
}
