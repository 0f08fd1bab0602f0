/**
 * The finance pack: the receivables figures finance receives (daily flash,
 * weekly pack, month-end pack) and `o2c report show` prints.
 *
 * This file is the contract between the code that computes the figures
 * (aggregates, as-of balances: `computeFinancePack`) and the code that
 * renders them (HTML + text summary, PDF with charts, CSV per table, one XLSX
 * workbook). Amounts are integer minor units of the figure's currency; days
 * and percentages are numbers with one decimal, `null` where the figure is
 * undefined (no credit sales, no orders). Fields may be added; none is renamed
 * or removed without changing both sides.
 */
import type { CurrencyCode, IsoDate } from './model.ts';

export type PackKind = 'flash' | 'weekly' | 'month-end';

export const PACK_KINDS: readonly PackKind[] = ['flash', 'weekly', 'month-end'];

export type AgingBucket = 'current' | 'd1_30' | 'd31_60' | 'd61_90' | 'd90_plus';

export const AGING_BUCKETS: readonly AgingBucket[] = ['current', 'd1_30', 'd31_60', 'd61_90', 'd90_plus'];

export interface Debtor {
  readonly customerId: string;
  /** The customer's name as finance knows it (falls back to the id). */
  readonly name: string;
  readonly amount: number;
}

export interface AgingFigures {
  /** Open balance by days past due as of the pack's date, disputed amounts excluded. */
  readonly buckets: Readonly<Record<AgingBucket, number>>;
  /** Sum of the buckets. */
  readonly total: number;
  /** Open balance under an open dispute, kept apart from the buckets. */
  readonly disputed: number;
  /** Largest debtors per bucket, at most five each, largest first. */
  readonly topDebtors: Readonly<Record<AgingBucket, readonly Debtor[]>>;
}

/** Receivables KPIs over one period ending on `periodEnd`. */
export interface KpiPoint {
  readonly periodStart: IsoDate;
  readonly periodEnd: IsoDate;
  /** AR at the end ÷ credit sales of the period × days in the period. */
  readonly dso: number | null;
  /** Days of the most recent credit sales that add up to the AR at the end. */
  readonly countbackDso: number | null;
  /** Current (not yet due) AR ÷ credit sales × days. */
  readonly bestPossibleDso: number | null;
  /** Average days delinquent: dso − bestPossibleDso. */
  readonly add: number | null;
  /** Collection effectiveness index, percent. */
  readonly cei: number | null;
  readonly openingAr: number;
  readonly closingAr: number;
  readonly closingCurrentAr: number;
  readonly creditSales: number;
  readonly collected: number;
}

export interface CashFigures {
  /** Cash applied to receivables in the period, all sources. */
  readonly collected: number;
  readonly bySource: { readonly bank: number; readonly stripe: number; readonly manual: number };
  readonly invoiced: number;
  readonly discountsOffered: number;
  readonly discountsTaken: number;
  /** Unapplied cash held as of the pack's date. */
  readonly unapplied: number;
  readonly deductions: number;
  readonly disputesOpened: { readonly count: number; readonly amount: number };
  readonly disputesResolved: { readonly count: number; readonly amount: number };
  readonly creditNotes: { readonly count: number; readonly amount: number };
  readonly writeOffs: { readonly count: number; readonly amount: number };
  readonly feesCharged: number;
}

export interface CurrencyFigures {
  readonly currency: CurrencyCode;
  readonly aging: AgingFigures;
  /** The period's KPIs (the last point of `trend`). */
  readonly kpi: KpiPoint;
  /** 13 periods, oldest first, the last being `kpi`. */
  readonly trend: readonly KpiPoint[];
  readonly cash: CashFigures;
  /** Revenue contribution per platform (orders invoiced in the period). */
  readonly revenueByChannel: readonly { readonly channel: string; readonly orders: number; readonly amount: number }[];
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly count: number;
}

export interface OrderToCashFigures {
  /** Days from order to invoice, and from order to cash (fully paid). */
  readonly orderToInvoiceDays: Percentiles | null;
  readonly orderToCashDays: Percentiles | null;
  readonly ordersByChannel: readonly { readonly channel: string; readonly orders: number }[];
  /** Rejections and refusals by reason, largest first. */
  readonly orderErrors: readonly { readonly reason: string; readonly count: number }[];
  readonly duplicatesAbsorbed: number;
  readonly backorders: number;
}

export interface AutomationFigures {
  /** Orders paid off in the period (their invoice settled by a payment; a prepaid one at issue). */
  readonly orders: number;
  /** Of those, the ones no person touched: no credit review, no line cancellation by the seller, no manual allocation of their cash. */
  readonly touchlessOrders: number;
  readonly touchlessShare: number | null;
  readonly paymentsApplied: number;
  readonly paymentsAutoMatched: number;
  readonly autoMatchRate: number | null;
  /** Manual finance actions in the period by kind, from the audit trail. */
  readonly manualActions: readonly { readonly action: string; readonly count: number }[];
}

export interface AccountStatusFigures {
  readonly onCreditHold: number;
  readonly suspended: number;
  readonly withAgency: number;
  /** Payment promises falling due in the period or overdue, per currency. */
  readonly promisesDue: readonly { readonly currency: CurrencyCode; readonly count: number; readonly amount: number }[];
}

export interface FinancePack {
  readonly kind: PackKind;
  readonly asOf: IsoDate;
  /** The period the flows cover (flash: the day; weekly: 7 days; month-end: the month). */
  readonly period: { readonly from: IsoDate; readonly to: IsoDate };
  readonly company: { readonly name: string; readonly timezone: string };
  /** Per currency, sorted by code. */
  readonly currencies: readonly CurrencyFigures[];
  readonly orderToCash: OrderToCashFigures;
  readonly automation: AutomationFigures;
  readonly accounts: AccountStatusFigures;
}
