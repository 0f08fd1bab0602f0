/**
 * The credit decision for an order on terms. Exposure is what the customer
 * would owe us if this order went through: open receivables, plus approved
 * orders not yet invoiced, plus this order. A denial is a value, not a throw.
 */
import { DomainError } from './errors.ts';
import { assertMinorUnits, formatMoney, sumAmounts } from './money.ts';
import { daysBetween } from './dates.ts';
import { convert, type ReferenceRates } from './fx.ts';
import { paidOn, type ScoredInvoice } from './credit-score.ts';
import type { CurrencyCode, IsoDate, Money, OrderStatus, PaymentMode } from './model.ts';
import { APPROVED_NOT_INVOICED } from './order.ts';

export type CreditDecision = 'approve' | 'hold' | 'reject';

export interface CreditPolicy {
  /** Exposure up to limit × (1 + band) is held for review instead of rejected. */
  readonly holdBandPpm: number;
  /** A risk score at or above this is always reviewed by a person. */
  readonly reviewRiskScore: number;
}

export const DEFAULT_CREDIT_POLICY: CreditPolicy = { holdBandPpm: 200_000, reviewRiskScore: 80 };

export interface CreditInput {
  readonly paymentMode: PaymentMode;
  readonly orderTotal: number;
  readonly creditLimit: number;
  readonly openReceivables: number;
  readonly openOrders: number;
  readonly riskScore: number;
  readonly policy?: CreditPolicy;
  /** The customer's unapplied cash (in the limit's currency): taken off the exposure. */
  readonly unappliedCash?: number;
  /** Finance's time-boxed approval of the customer (decide-credit), and today, to see whether it still stands. */
  readonly approval?: CreditApproval;
  readonly today?: IsoDate;
}

/**
 * Finance approved the customer's orders on credit up to `upTo` (exposure, in the limit's currency) until the
 * end of `until`: orders within it are approved without another review until it expires. Audited on the customer.
 */
export interface CreditApproval {
  readonly upTo: number;
  readonly currency: CurrencyCode;
  readonly until: IsoDate;
  readonly by: string;
  readonly at: string;
  /** The order whose review granted it. */
  readonly orderId: string;
  readonly note?: string;
}

/** True while the approval covers `exposure` on `today` (the last day included). */
export function approvalCovers(approval: CreditApproval | undefined, currency: CurrencyCode, exposure: number, today: IsoDate | undefined): boolean {
  return approval !== undefined && today !== undefined && approval.currency === currency && today <= approval.until && exposure <= approval.upTo;
}

export interface CreditResult {
  readonly decision: CreditDecision;
  readonly reason: string;
  readonly exposure: number;
  /** Limit left before this order (may be negative). */
  readonly available: number;
}

/**
 * In order: prepaid → approve; no limit (0) → hold (a new customer on terms
 * needs a person); risk score at or above the review score → hold; exposure
 * within the limit → approve; within limit × (1 + band) → hold; else reject.
 */
export function decideCredit(input: CreditInput): CreditResult {
  const { orderTotal, creditLimit, openReceivables, openOrders, riskScore } = input;
  const unappliedCash = input.unappliedCash ?? 0;
  const policy = input.policy ?? DEFAULT_CREDIT_POLICY;
  for (const [name, v] of Object.entries({ orderTotal, creditLimit, openReceivables, openOrders, unappliedCash })) assertMinorUnits(v, name);
  if (!Number.isSafeInteger(policy.holdBandPpm) || policy.holdBandPpm < 0) throw new DomainError('InvalidCreditPolicy', 'hold band must be whole ppm ≥ 0');
  const available = sumAmounts([creditLimit, -openReceivables, -openOrders, unappliedCash]);
  const exposure = sumAmounts([openReceivables, openOrders, orderTotal, -unappliedCash]);
  const result = (decision: CreditDecision, reason: string): CreditResult => ({ decision, reason, exposure, available });

  if (input.paymentMode === 'prepaid') return result('approve', 'paid at checkout');
  if (input.approval && approvalCovers(input.approval, input.approval.currency, exposure, input.today)) {
    return result('approve', `within the approval of ${formatMoney({ amount: input.approval.upTo, currency: input.approval.currency })} until ${input.approval.until} by ${input.approval.by}`);
  }
  if (creditLimit <= 0) return result('hold', 'no credit limit set: needs review');
  if (riskScore >= policy.reviewRiskScore) return result('hold', `high risk: score ${riskScore} needs review`);
  if (exposure <= creditLimit) return result('approve', 'within credit limit');
  const band = BigInt(creditLimit) * BigInt(1_000_000 + policy.holdBandPpm);
  if (BigInt(exposure) * 1_000_000n <= band) return result('hold', 'over credit limit within the review band');
  return result('reject', 'over credit limit');
}

/** What o2c holds on a customer's account, as the credit check reads it. */
export interface CustomerAccount {
  readonly invoices: readonly {
    readonly currency: string;
    readonly balance: number;
    /** Minor units of the balance under open disputes (absent: none). */
    readonly disputed?: number;
    readonly dueDate?: IsoDate;
    /** The order it bills and its total (an order shipped in parts has several invoices). */
    readonly orderId?: string;
    readonly total?: number;
  }[];
  readonly orders: readonly { readonly id: string; readonly status: OrderStatus; readonly currency: string; readonly total: number }[];
}

/**
 * Exposure before this order: open invoice balances plus orders approved on
 * credit and not invoiced yet (APPROVED_NOT_INVOICED, derived from the order
 * state machine), in the limit's currency only — o2c has no FX rates, so
 * amounts in other currencies are not added to it.
 */
export function creditExposure(account: CustomerAccount, currency: string, excludeOrderId?: string): { openReceivables: number; openOrders: number } {
  const openReceivables = sumAmounts(account.invoices.filter((i) => i.currency === currency && i.balance > 0).map((i) => i.balance));
  const openOrders = sumAmounts(
    account.orders.filter((o) => o.currency === currency && o.id !== excludeOrderId && APPROVED_NOT_INVOICED.has(o.status)).map((o) => o.total),
  );
  return { openReceivables, openOrders };
}

/**
 * The customer's overdue receivables in `currency` as of `asOf` (due before
 * that day), without what is under dispute: the "overdue" view finance chases.
 * The exposure the credit limit is held against (creditExposure) still counts
 * every balance in full — a disputed amount is owed until it is credited.
 */
export function overdueExposure(account: CustomerAccount, currency: string, asOf: IsoDate): number {
  return sumAmounts(
    account.invoices
      .filter((i) => i.currency === currency && i.balance > 0 && i.dueDate !== undefined && daysBetween(i.dueDate, asOf) > 0)
      .map((i) => Math.max(0, i.balance - (i.disputed ?? 0))),
  );
}

/** One currency of the customer's exposure other than the limit's, and what it counts for after conversion. */
export interface ForeignExposure {
  readonly currency: CurrencyCode;
  readonly receivables: number;
  readonly orders: number;
  readonly unapplied: number;
  /** Units of the limit's currency per unit of this one; null without a reference rate. */
  readonly rate: string | null;
  /** receivables + orders − unapplied in the limit's currency; null without a reference rate (then not counted). */
  readonly converted: number | null;
}

/**
 * Each part of a customer's credit exposure, in the limit's currency: what the credit check decides on and
 * what finance reads in the review email and `o2c credit show`.
 */
export interface ExposureBreakdown {
  readonly currency: CurrencyCode;
  /** Open invoice balances (other currencies converted), disputed amounts included: they are owed until credited. */
  readonly openReceivables: number;
  /** Of which under open dispute (shown apart, still counted). */
  readonly disputed: number;
  /** Orders approved on credit and not invoiced yet (other currencies converted). */
  readonly inFlightOrders: number;
  /** This order (0 for an order in another currency without a rate). */
  readonly thisOrder: number;
  /** Cash the customer paid that is not applied yet (other currencies converted): taken off. */
  readonly unappliedCash: number;
  /** openReceivables + inFlightOrders + thisOrder − unappliedCash. */
  readonly total: number;
  readonly foreign: readonly ForeignExposure[];
  /** Currencies that could not be converted (no rate): the total leaves them out, finance sees them apart. */
  readonly unconverted: readonly CurrencyCode[];
  /** The day of the reference rates used, when any conversion was needed. */
  readonly ratesOn?: IsoDate;
}

/**
 * The exposure the credit limit is held against, part by part: open AR, in-flight orders (APPROVED_NOT_INVOICED)
 * and this order, less the customer's unapplied cash, every currency converted into the limit's with the
 * reference rates (exactly, half-up per currency). A currency without a rate is listed in `unconverted`.
 */
export function exposureBreakdown(input: {
  readonly account: CustomerAccount;
  readonly currency: CurrencyCode;
  readonly order?: { readonly id: string; readonly total: Money };
  readonly unapplied?: readonly Money[];
  readonly rates?: ReferenceRates;
}): ExposureBreakdown {
  const { account, currency } = input;
  type Sums = { receivables: number; disputed: number; orders: number; unapplied: number; thisOrder: number };
  const by = new Map<CurrencyCode, Sums>();
  const sums = (c: CurrencyCode) => {
    let s = by.get(c);
    if (!s) by.set(c, (s = { receivables: 0, disputed: 0, orders: 0, unapplied: 0, thisOrder: 0 }));
    return s;
  };
  for (const i of account.invoices) {
    if (i.balance <= 0) continue;
    const s = sums(i.currency);
    s.receivables = sumAmounts([s.receivables, i.balance]);
    s.disputed = sumAmounts([s.disputed, Math.min(i.balance, i.disputed ?? 0)]);
  }
  // An order shipped in parts is invoiced in parts: only what is not invoiced yet is still an approved order (the
  // invoiced part is already in the receivables, or paid).
  const invoiced = new Map<string, number>();
  for (const i of account.invoices) if (i.orderId) invoiced.set(i.orderId, sumAmounts([invoiced.get(i.orderId) ?? 0, i.total ?? 0]));
  for (const o of account.orders) {
    if (o.id === input.order?.id || !APPROVED_NOT_INVOICED.has(o.status)) continue;
    const remaining = Math.max(0, o.total - (invoiced.get(o.id) ?? 0));
    if (remaining === 0) continue;
    const s = sums(o.currency);
    s.orders = sumAmounts([s.orders, remaining]);
  }
  for (const m of input.unapplied ?? []) {
    if (m.amount <= 0) continue;
    const s = sums(m.currency);
    s.unapplied = sumAmounts([s.unapplied, m.amount]);
  }
  if (input.order) sums(input.order.total.currency).thisOrder = input.order.total.amount;

  const own = by.get(currency) ?? { receivables: 0, disputed: 0, orders: 0, unapplied: 0, thisOrder: 0 };
  let openReceivables = own.receivables;
  let disputed = own.disputed;
  let inFlightOrders = own.orders;
  let unappliedCash = own.unapplied;
  let thisOrder = own.thisOrder;
  const foreign: ForeignExposure[] = [];
  const unconverted: CurrencyCode[] = [];
  for (const c of [...by.keys()].filter((c) => c !== currency).sort()) {
    const s = by.get(c)!;
    const conv = (amount: number) => (input.rates ? convert(amount, c, currency, input.rates) : undefined);
    const parts = [conv(s.receivables), conv(s.disputed), conv(s.orders), conv(s.unapplied), conv(s.thisOrder)];
    if (parts.some((p) => p === undefined)) {
      unconverted.push(c);
      foreign.push({ currency: c, receivables: s.receivables, orders: s.orders + s.thisOrder, unapplied: s.unapplied, rate: null, converted: null });
      continue;
    }
    const [r, d, o, u, t] = parts.map((p) => p!.amount) as [number, number, number, number, number];
    openReceivables = sumAmounts([openReceivables, r]);
    disputed = sumAmounts([disputed, d]);
    inFlightOrders = sumAmounts([inFlightOrders, o]);
    unappliedCash = sumAmounts([unappliedCash, u]);
    thisOrder = sumAmounts([thisOrder, t]);
    foreign.push({ currency: c, receivables: s.receivables, orders: s.orders + s.thisOrder, unapplied: s.unapplied, rate: parts[0]!.rate, converted: sumAmounts([r, o, t, -u]) });
  }
  const total = sumAmounts([openReceivables, inFlightOrders, thisOrder, -unappliedCash]);
  return {
    currency,
    openReceivables,
    disputed,
    inFlightOrders,
    thisOrder,
    unappliedCash,
    total,
    foreign,
    unconverted,
    ...(foreign.length > 0 && input.rates ? { ratesOn: input.rates.on } : {}),
  };
}

/** How a customer has paid: what finance reads beside the exposure before deciding a review. */
export interface PaymentHistory {
  /** Invoices issued to the customer (any currency). */
  readonly invoices: number;
  /** Of which settled, and of those by their due date. */
  readonly paid: number;
  readonly paidOnTime: number;
  /** Over the settled ones: mean days from issue to settlement, and mean days past due (0 when on time), one decimal. */
  readonly averageDaysToPay: number | null;
  readonly averageDaysLate: number | null;
  /** Open now, and of those past due on `asOf`. */
  readonly open: number;
  readonly overdue: number;
  readonly lastPaidOn: IsoDate | null;
}

const mean = (values: readonly number[]) => (values.length === 0 ? null : Math.round((values.reduce((a, b) => a + b, 0) * 10) / values.length) / 10);

/** The customer's payment record from their invoices' histories (settlement day = the event that left nothing owed). */
export function paymentHistory(
  invoices: readonly { readonly issueDate: IsoDate; readonly dueDate: IsoDate; readonly balance: number; readonly history?: ScoredInvoice['history'] }[],
  asOf: IsoDate,
): PaymentHistory {
  const settled = invoices.flatMap((i) => {
    const on = paidOn({ ...i, currency: '', total: 0 });
    return on === null ? [] : [{ toPay: Math.max(0, daysBetween(i.issueDate, on)), late: Math.max(0, daysBetween(i.dueDate, on)), on }];
  });
  const open = invoices.filter((i) => i.balance > 0);
  return {
    invoices: invoices.length,
    paid: settled.length,
    paidOnTime: settled.filter((s) => s.late === 0).length,
    averageDaysToPay: mean(settled.map((s) => s.toPay)),
    averageDaysLate: mean(settled.map((s) => s.late)),
    open: open.length,
    overdue: open.filter((i) => daysBetween(i.dueDate, asOf) > 0).length,
    lastPaidOn: settled.reduce<IsoDate | null>((last, s) => (last === null || s.on > last ? s.on : last), null),
  };
}
