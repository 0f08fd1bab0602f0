/**
 * check-credit: may this customer have this order on credit?
 * 1. Prepaid orders are approved (the money is in).
 * 2. Exposure = open receivables + approved orders not yet invoiced + this order.
 * 3. Within the limit → approved; within the review band or risky → credit_hold
 *    (a person decides); beyond → rejected. A re-run returns the decision made.
 */
import * as z from 'zod/mini';
import { OrderTaskInput } from '#platforms/canonical';
import { decideCredit, type CreditDecision } from '#domain/credit';
import { creditExposure, getCustomer } from '#adapters/customers';
import { requireOrder, transitionOrder } from '#adapters/orders';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { metrics, taskHandler } from '#runtime';

export const TaskInput = OrderTaskInput;

const STATUS_OF: Record<CreditDecision, 'approved' | 'credit_hold' | 'rejected'> = { approve: 'approved', hold: 'credit_hold', reject: 'rejected' };

export async function checkCredit({ orderId }: z.infer<typeof TaskInput>): Promise<{ decision: CreditDecision; reason: string }> {
  const order = await requireOrder(orderId);
  if (order.status === 'approved' || order.status === 'confirmed') return { decision: 'approve', reason: 'decided before' };
  if (order.status === 'credit_hold') return { decision: 'hold', reason: order.reason ?? 'decided before' };
  if (order.status === 'rejected') return { decision: 'reject', reason: order.reason ?? 'decided before' };

  const customer = await getCustomer(order.customerId);
  const exposure = order.paymentMode === 'prepaid' ? { openReceivables: 0, openOrders: 0 } : await creditExposure(order.customerId, order.currency, order.id);
  const result = decideCredit({
    paymentMode: order.paymentMode,
    orderTotal: order.totals.total,
    creditLimit: customer?.currency === order.currency ? customer.creditLimit : 0,
    riskScore: customer?.riskScore ?? 0,
    ...exposure,
  });
  metrics.addMetric(`Credit${result.decision[0]!.toUpperCase()}${result.decision.slice(1)}`, MetricUnit.Count, 1);
  await transitionOrder(order, STATUS_OF[result.decision], 'credit', { reason: result.reason, exposure: result.exposure }, result.reason);
  return { decision: result.decision, reason: result.reason };
}

export const handler = taskHandler(TaskInput, checkCredit);
