/**
 * The credit decision for an order on terms. Exposure is what the customer
 * would owe us if this order went through: open receivables, plus approved
 * orders not yet invoiced, plus this order. A denial is a value, not a throw.
 */
import { DomainError } from './errors.ts';
import { assertMinorUnits, sumAmounts } from './money.ts';
import { daysBetween } from './dates.ts';
import type { IsoDate, OrderStatus, PaymentMode } from './model.ts';
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
  const policy = input.policy ?? DEFAULT_CREDIT_POLICY;
  for (const [name, v] of Object.entries({ orderTotal, creditLimit, openReceivables, openOrders })) assertMinorUnits(v, name);
  if (!Number.isSafeInteger(policy.holdBandPpm) || policy.holdBandPpm < 0) throw new DomainError('InvalidCreditPolicy', 'hold band must be whole ppm ≥ 0');
  const available = sumAmounts([creditLimit, -openReceivables, -openOrders]);
  const exposure = sumAmounts([openReceivables, openOrders, orderTotal]);
  const result = (decision: CreditDecision, reason: string): CreditResult => ({ decision, reason, exposure, available });

  if (input.paymentMode === 'prepaid') return result('approve', 'paid at checkout');
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
