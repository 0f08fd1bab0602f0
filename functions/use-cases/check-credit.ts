/**
 * May this customer have this order on credit?
 *
 * 1. A decision made before stands (a re-run returns it, writing nothing).
 * 2. Prepaid orders are approved (the money is in).
 * 3. Exposure = open receivables + approved orders not yet invoiced + this
 *    order − the customer's unapplied cash (read from the payments holding
 *    some, not the customer's whole payment history), in the limit's currency, other
 *    currencies converted with the reference rates (domain/credit
 *    exposureBreakdown; a currency without a rate is not counted, shown
 *    apart); disputed amounts are shown apart, still counted.
 * 4. Within finance's time-boxed approval (decide-credit) → approved; within
 *    the limit → approved; within the review band, risky, or the order in a
 *    currency without a rate → credit_hold (a person decides); beyond →
 *    rejected. The
 *    breakdown is kept on the order's timeline (what the review shows).
 * 5. Collections comes first for an order on terms: a customer dunning put on
 *    credit hold has it held for review; one suspended or handed to the agency
 *    has it rejected (the rejection tells the customer). Prepaid orders are
 *    not affected (the money is in).
 * 6. A hold marks the order touched by a person (`credit-review`: not
 *    touchless); a rejection is counted as an order error (`credit-declined`,
 *    `account-suspended`, `account-with-agency`) in the same write.
 */
import { decideCredit, exposureBreakdown, type CreditDecision, type ExposureBreakdown } from '#domain/credit';
import { todayIn } from '#domain/dates';
import type { CollectionsStatus } from '#domain/dunning';
import { laterRates, type ReferenceRates } from '#domain/fx';
import { counting, transition, type OrderChange } from '#domain/order';
import { METRIC, touched, type OrderErrorReason } from '#domain/figures';
import type { OrderStatus } from '#domain/model';
import { OrderNotFound } from '../errors.ts';
import type { Clock, Company, Customers, Metrics, Orders, Payments, ReferenceRateStore, StoredCustomer, StoredOrder } from '../ports.ts';

export interface CheckCreditDeps {
  readonly orders: Orders;
  readonly customers: Customers;
  /** The customer's unapplied cash (only the payments holding some): it lowers the exposure. */
  readonly payments: Pick<Payments, 'unappliedOf'>;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly company: Pick<Company, 'timezone'>;
  /** Reference rates from config for exposure in other currencies (absent: such exposure is not counted). */
  readonly referenceRates?: ReferenceRates;
  /** The rates the scheduled refresh keeps (refresh-rates); the later day of the two is used. */
  readonly rateStore?: Pick<ReferenceRateStore, 'latest'>;
}

/**
 * The customer's exposure part by part in the limit's currency (the customer's; the order's when o2c has no
 * customer record), this order included unless it is `undefined`.
 */
export async function customerExposure(
  customer: StoredCustomer | undefined,
  order: Pick<StoredOrder, 'id' | 'customerId' | 'currency' | 'totals'> | undefined,
  customerId: string,
  deps: Pick<CheckCreditDeps, 'customers' | 'payments' | 'referenceRates' | 'rateStore'>,
): Promise<ExposureBreakdown> {
  const [account, unapplied, stored] = await Promise.all([deps.customers.account(customerId), deps.payments.unappliedOf(customerId), deps.rateStore?.latest()]);
  const rates = laterRates(deps.referenceRates, stored);
  return exposureBreakdown({
    account,
    currency: customer?.currency ?? order?.currency ?? 'GBP',
    ...(order ? { order: { id: order.id, total: { amount: order.totals.total, currency: order.currency } } } : {}),
    unapplied: unapplied.filter((p) => p.amount > 0).map((p) => ({ amount: p.amount, currency: p.currency })),
    ...(rates ? { rates } : {}),
  });
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

/** A hold is a person's review: the order is touched (not touchless). */
const heldFor = (order: StoredOrder, decision: CreditDecision) => (decision === 'hold' ? { touches: touched(order, 'credit-review') } : {});

/** A refusal is an order error, counted with the change that rejects the order. */
const countedRefusal = (change: OrderChange, decision: CreditDecision, reason: OrderErrorReason, on: string): OrderChange =>
  decision === 'reject' ? counting(change, on, { [METRIC.orderError(reason)]: 1 }) : change;

export async function checkCredit({ orderId }: { orderId: string }, deps: CheckCreditDeps): Promise<{ decision: CreditDecision; reason: string }> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  const decided = DECISION_OF[order.status];
  if (decided) return { decision: decided, reason: decided === 'approve' ? 'decided before' : (order.reason ?? 'decided before') };

  const customer = await deps.customers.get(order.customerId);
  const collections = order.paymentMode === 'terms' ? collectionsDecision(customer?.collectionsStatus) : undefined;
  if (collections) {
    deps.metrics.count(`Credit${collections.decision === 'hold' ? 'Hold' : 'Reject'}`);
    const now = deps.clock.now();
    const change = transition(order, STATUS_OF[collections.decision], 'credit', now.toISOString(), { reason: collections.reason, ...heldFor(order, collections.decision) }, collections.reason);
    await deps.orders.apply(order, countedRefusal(change, collections.decision, customer?.collectionsStatus === 'with-agency' ? 'account-with-agency' : 'account-suspended', todayIn(deps.company.timezone, now)));
    return collections;
  }
  const at = deps.clock.now().toISOString();
  if (order.paymentMode === 'prepaid') {
    const result = decideCredit({ paymentMode: 'prepaid', orderTotal: order.totals.total, creditLimit: 0, riskScore: 0, openReceivables: 0, openOrders: 0 });
    deps.metrics.count('CreditApprove');
    await deps.orders.apply(order, transition(order, 'approved', 'credit', at, { reason: result.reason, exposure: result.exposure }, result.reason));
    return { decision: result.decision, reason: result.reason };
  }
  const breakdown = await customerExposure(customer, order, order.customerId, deps);
  const result = decideCredit({
    paymentMode: order.paymentMode,
    orderTotal: breakdown.thisOrder,
    // An order in a currency the limit cannot be compared with (no reference rate) has no limit: a person decides.
    creditLimit: breakdown.unconverted.includes(order.currency) ? 0 : (customer?.creditLimit ?? 0),
    riskScore: customer?.riskScore ?? 0,
    openReceivables: breakdown.openReceivables,
    openOrders: breakdown.inFlightOrders,
    unappliedCash: breakdown.unappliedCash,
    ...(customer?.creditApproval ? { approval: customer.creditApproval } : {}),
    today: todayIn(deps.company.timezone, deps.clock.now()),
  });
  deps.metrics.count(`Credit${result.decision[0]!.toUpperCase()}${result.decision.slice(1)}`);
  const change = transition(order, STATUS_OF[result.decision], 'credit', at, { reason: result.reason, exposure: result.exposure, breakdown, ...heldFor(order, result.decision) }, result.reason);
  await deps.orders.apply(order, countedRefusal(change, result.decision, 'credit-declined', todayIn(deps.company.timezone, deps.clock.now())));
  return { decision: result.decision, reason: result.reason };
}
