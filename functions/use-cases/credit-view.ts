/**
 * What finance needs to decide an order's credit: the customer, the limit, each
 * part of the exposure, the score and its factors, the payment history and any
 * standing approval (`GET /finance/orders/{orderId}/credit`, `o2c credit show`,
 * and the credit-review email).
 *
 * 1. The order must exist (404).
 * 2. Read the customer, their invoices and payments (by-customer index).
 * 3. Exposure part by part as check-credit computes it now (this order counted
 *    unless it is approved already, so it is not counted twice), the payment
 *    history, and whether finance's approval still covers it today.
 */
import { approvalCovers, paymentHistory, type CreditApproval, type ExposureBreakdown, type PaymentHistory } from '#domain/credit';
import type { RiskFactor } from '#domain/credit-score';
import { todayIn } from '#domain/dates';
import type { Money, OrderStatus } from '#domain/model';
import { APPROVED_NOT_INVOICED } from '#domain/order';
import { OrderNotFound } from '../errors.ts';
import type { Invoices, StoredCustomer, StoredOrder } from '../ports.ts';
import { customerExposure, type CheckCreditDeps } from './check-credit.ts';

export type CreditViewDeps = Pick<CheckCreditDeps, 'orders' | 'customers' | 'payments' | 'clock' | 'company' | 'referenceRates' | 'rateStore'> & {
  readonly invoices: Pick<Invoices, 'ofCustomer'>;
};

export interface CreditView {
  readonly orderId: string;
  readonly status: OrderStatus;
  readonly paymentMode: string;
  readonly total: Money;
  /** Why it is held or was decided so (the credit step's words). */
  readonly reason: string | null;
  readonly customer: {
    readonly id: string;
    readonly name: string;
    readonly email: string;
    readonly creditLimit: Money;
    readonly riskScore: number;
    readonly riskScoredOn: string | null;
    readonly riskFactors: readonly RiskFactor[];
    readonly collectionsStatus: string | null;
  } | null;
  readonly exposure: ExposureBreakdown;
  /** Limit − exposure with this order (negative: over the limit). */
  readonly headroom: number;
  readonly history: PaymentHistory;
  readonly approval: (CreditApproval & { readonly covers: boolean }) | null;
}

/** `order`: the order as the caller read it already (else read here). */
export async function creditView({ orderId, order: known }: { orderId: string; order?: StoredOrder }, deps: CreditViewDeps): Promise<CreditView> {
  const order = known ?? (await deps.orders.get(orderId));
  if (!order) throw new OrderNotFound(orderId);
  const today = todayIn(deps.company.timezone, deps.clock.now());
  const [customer, invoices] = await Promise.all([deps.customers.get(order.customerId), deps.invoices.ofCustomer(order.customerId, today)]);
  // An approved order is among the in-flight ones already; otherwise it is "this order".
  const counted = APPROVED_NOT_INVOICED.has(order.status) ? undefined : order;
  const exposure = await customerExposure(customer, counted, order.customerId, deps);
  const limit = customer?.creditLimit ?? 0;
  return {
    orderId,
    status: order.status,
    paymentMode: order.paymentMode,
    total: { amount: order.totals.total, currency: order.currency },
    reason: order.reason ?? null,
    customer: customer ? customerPart(customer) : null,
    exposure,
    headroom: limit - exposure.total,
    history: paymentHistory(invoices, today),
    approval: customer?.creditApproval ? { ...customer.creditApproval, covers: approvalCovers(customer.creditApproval, exposure.currency, exposure.total, today) } : null,
  };
}

function customerPart(c: StoredCustomer): NonNullable<CreditView['customer']> {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    creditLimit: { amount: c.creditLimit, currency: c.currency },
    riskScore: c.riskScore,
    riskScoredOn: c.riskScoredOn ?? null,
    riskFactors: c.riskFactors ?? [],
    collectionsStatus: c.collectionsStatus ?? null,
  };
}
