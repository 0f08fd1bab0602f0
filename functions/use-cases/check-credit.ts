/**
 * May this customer have this order on credit?
 *
 * 1. A decision made before stands (a re-run returns it, writing nothing).
 * 2. Prepaid orders are approved (the money is in).
 * 3. Exposure = open receivables + approved orders not yet invoiced + this
 *    order, in the limit's currency (domain/credit).
 * 4. Within the limit → approved; within the review band or risky →
 *    credit_hold (a person decides); beyond → rejected.
 */
import { creditExposure, decideCredit, type CreditDecision } from '#domain/credit';
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

export async function checkCredit({ orderId }: { orderId: string }, deps: CheckCreditDeps): Promise<{ decision: CreditDecision; reason: string }> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  const decided = DECISION_OF[order.status];
  if (decided) return { decision: decided, reason: decided === 'approve' ? 'decided before' : (order.reason ?? 'decided before') };

  const customer = await deps.customers.get(order.customerId);
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
