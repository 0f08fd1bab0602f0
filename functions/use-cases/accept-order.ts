/**
 * Accept one order, from the B2B API or a platform webhook.
 *
 * 1. Price the lines (422 if the figures are impossible, or do not come to the
 *    platform's own total).
 * 2. Match the customer by email within the shop (the id is derived from
 *    both); one o2c has not seen is created with the order (company timezone
 *    and terms, the new-customer credit limit).
 * 3. Create the order unless this source order exists (deterministic id) — one
 *    transaction with the customer unless this instance remembers it exists
 *    (then it is not written: no read, and no conflict between a busy
 *    customer's orders); the transaction leaves a known customer untouched.
 * 4. Queue it for the workflow even when it existed (a duplicate start is a
 *    no-op): that heals a crash between the write and the send.
 * 5. Another delivery of an order o2c already had is a duplicate absorbed:
 *    counted once per delivery in the day's aggregates. A delivery is what the
 *    caller marks as one (`deliveryId`: the platform's webhook or event id, the
 *    request's Idempotency-Key, else its body; without one, its arrival): the
 *    creating delivery's id is kept on the order (`source.deliveryId`), so a
 *    retry of it — the caller sending again what o2c crashed on or answered
 *    with a 5xx — is no duplicate. An order refused because its figures do not
 *    come to the platform's total is counted once per order and figures
 *    (`error.total-mismatch`) — only that count is written, never the order.
 */
import { formatMoney } from '#domain/money';
import { bodyHash, customerId as customerIdOf, orderId as orderIdOf } from '#domain/ids';
import { todayIn } from '#domain/dates';
import { METRIC } from '#domain/figures';
import type { Order, OrderStatus, Platform } from '#domain/model';
import { isTerminal, NO_SHOP } from '#domain/order';
import { priceOrder } from '#domain/pricing';
import { DomainError } from '#domain/errors';
import { ValidationError } from '../errors.ts';
import type { Company, DuplicateDeliveries, KnownCustomers, Metrics, NewCustomer, OrderDraft, OrderMessage, Orders, Outbox } from '../ports.ts';

export interface AcceptOrderDeps {
  readonly orders: Orders;
  readonly knownCustomers: KnownCustomers;
  readonly orderQueue: Outbox<OrderMessage>;
  readonly company: Company;
  /** The credit limit a customer first seen with an order gets, per currency (minor units; none = 0). */
  readonly newCustomerCreditLimits: Readonly<Record<string, number>>;
  readonly metrics: Metrics;
  /** Where a duplicate delivery (and a refused order's figures) is counted once; absent: not counted. */
  readonly duplicates?: DuplicateDeliveries;
}

export interface AcceptedOrder {
  readonly orderId: string;
  readonly created: boolean;
}

export const shopOf = (draft: Pick<OrderDraft, 'shop'>) => draft.shop ?? NO_SHOP;
export const orderIdOfDraft = (draft: OrderDraft, platform: Platform) => orderIdOf(platform, shopOf(draft), draft.externalId);

/** The draft priced as o2c's order in `status`; a ValidationError when its figures do not hold. */
export function orderFromDraft(draft: OrderDraft, platform: Platform, receivedAt: string, status: OrderStatus, company: Company): Order & { totals: ReturnType<typeof priceOrder>['totals'] } {
  const pricesIncludeTax = draft.pricesIncludeTax === true;
  let totals: ReturnType<typeof priceOrder>['totals'];
  try {
    totals = priceOrder(draft.lines, draft.shipping, company.taxPolicy, { pricesIncludeTax }).totals;
  } catch (error) {
    if (error instanceof DomainError) throw new ValidationError([{ path: 'lines', message: error.message }]);
    throw error;
  }
  if (draft.platformTotal !== undefined && totals.total !== draft.platformTotal) {
    throw new ValidationError([{ path: 'total', message: `o2c prices the order at ${formatMoney({ amount: totals.total, currency: draft.currency })}, the platform at ${formatMoney({ amount: draft.platformTotal, currency: draft.currency })}` }]);
  }
  const shop = shopOf(draft);
  return {
    id: orderIdOf(platform, shop, draft.externalId),
    source: { platform, externalId: draft.externalId, shop, ...(draft.reference ? { reference: draft.reference } : {}) },
    customerId: customerIdOf(shop, draft.customer.email),
    currency: draft.currency,
    lines: draft.lines,
    ...(draft.shipping ? { shipping: draft.shipping } : {}),
    paymentMode: draft.paymentMode,
    ...(draft.terms ? { terms: draft.terms } : {}),
    shippingAddress: draft.shippingAddress,
    ...(draft.billingAddress ? { billingAddress: draft.billingAddress } : {}),
    ...(pricesIncludeTax ? { pricesIncludeTax: true } : {}),
    ...(draft.paymentReference ? { paymentReference: draft.paymentReference } : {}),
    status,
    createdAt: receivedAt,
    totals,
  };
}

/** The customer as first seen with this draft: the platform's locale as language (else the company's default), the company's timezone and terms, the new-customer credit limit of the order's currency. */
export function customerFromDraft(draft: OrderDraft, receivedAt: string, company: Company, creditLimits: Readonly<Record<string, number>>): NewCustomer {
  const shop = shopOf(draft);
  return {
    id: customerIdOf(shop, draft.customer.email),
    shop,
    name: draft.customer.name,
    email: draft.customer.email.trim().toLowerCase(),
    language: draft.customer.language ?? company.defaultLanguage,
    timezone: company.timezone,
    currency: draft.currency,
    terms: company.defaultTerms,
    creditLimit: creditLimits[draft.currency] ?? 0,
    riskScore: 0,
    dunningState: 'none',
    ...(draft.billingAddress ? { billingAddress: draft.billingAddress } : {}),
    createdAt: receivedAt,
  };
}

export async function acceptOrder(input: { draft: OrderDraft; platform: Platform; receivedAt: string; deliveryId?: string }, deps: AcceptOrderDeps): Promise<AcceptedOrder> {
  const day = todayIn(deps.company.timezone, new Date(input.receivedAt));
  let order: ReturnType<typeof orderFromDraft>;
  try {
    const drafted = orderFromDraft(input.draft, input.platform, input.receivedAt, 'received', deps.company);
    order = input.deliveryId ? { ...drafted, source: { ...drafted.source, deliveryId: input.deliveryId } } : drafted;
  } catch (error) {
    if (error instanceof ValidationError && error.issues.some((i) => i.path === 'total') && deps.duplicates) {
      const id = orderIdOfDraft(input.draft, input.platform);
      await deps.duplicates.count({ entity: `refused:${id}`, deliveryId: bodyHash(JSON.stringify([input.draft.lines, input.draft.shipping ?? null, input.draft.platformTotal ?? null])), on: day, currency: input.draft.currency, metric: METRIC.orderError('total-mismatch') });
    }
    throw error;
  }
  const known = deps.knownCustomers.has(order.customerId);
  const result = await deps.orders.create(order, known ? undefined : customerFromDraft(input.draft, input.receivedAt, deps.company, deps.newCustomerCreditLimits));
  deps.knownCustomers.add(order.customerId);
  // An order that ended before it was created here (a cancellation that came first) has no workflow to start:
  // starting one would only fail and alarm finance. Any other duplicate is queued again (it heals a lost send).
  const existing = result.created ? undefined : await deps.orders.get(result.orderId);
  // Another delivery of the order: not the creating one's id (an order from before delivery ids: its arrival), which is a retry.
  const delivery = input.deliveryId ?? input.receivedAt;
  const creating = existing && (existing.source?.deliveryId ?? existing.createdAt);
  if (existing && creating !== delivery && deps.duplicates) await deps.duplicates.count({ entity: `order:${result.orderId}`, deliveryId: delivery, on: day, currency: order.currency });
  const ended = existing !== undefined && isTerminal(existing.status);
  if (ended) {
    deps.metrics.count('DuplicateOrders');
    return result;
  }
  await deps.orderQueue.send({ orderId: result.orderId });
  deps.metrics.count(result.created ? 'OrdersAccepted' : 'DuplicateOrders');
  return result;
}
