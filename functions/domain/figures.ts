/**
 * The finance pack's figures (the `FinancePack` of finance-pack.ts), computed
 * from what was true at the end of the pack's day: the open items then (each
 * invoice's balance as of the day, from its history), the period aggregates
 * (flows per day and month and currency) and the receivables stocks at the
 * period boundaries. Pure: the use case (use-cases/finance-pack.ts) gathers
 * the inputs; nothing here reads a clock.
 *
 * Definitions (README "The finance pack"):
 * - DSO = closing AR ÷ credit sales of the period × days of the period, where
 *   the days are counted from the book's first credit sale when that is later
 *   than the period's start (a book one day old has one day of sales
 *   outstanding at most, not the period's 30 or 90).
 * - Countback DSO: walk back from the period's end through the credit sales
 *   of each earlier period (the same granularity, at most LOOKBACK periods)
 *   until they add up to the closing AR; the days walked (the last period
 *   prorated) are the DSO. Past the look-back: the days of the look-back.
 * - Best possible DSO = closing current (not yet due) AR ÷ credit sales × days.
 * - ADD = DSO − best possible DSO.
 * - CEI = (opening AR + credit sales − closing AR) ÷ (opening AR + credit
 *   sales − closing current AR) × 100.
 * All to one decimal, rounded half up; null without credit sales (CEI: when
 * its denominator is not positive).
 */
import type {
  AccountStatusFigures,
  AgingBucket,
  AgingFigures,
  AutomationFigures,
  CashFigures,
  CurrencyFigures,
  Debtor,
  FinancePack,
  KpiPoint,
  OrderToCashFigures,
  PackKind,
  Percentiles,
} from './finance-pack.ts';
import { AGING_BUCKETS } from './finance-pack.ts';
import { addDays, daysBetween } from './dates.ts';
import { bucketOf } from './metrics.ts';
import type { CurrencyCode, Invoice, IsoDate, IsoInstant, OrderTouch, PaymentSource } from './model.ts';
import { roundDivBig } from './money.ts';
import { balanceAsOf } from './statement.ts';

/** Metric names kept in the period aggregates (`totals#<ccy>` per day and month; README "Aggregates"). */
export const METRIC = {
  /** Stock movements: AR (every balance change on its day) and current AR (and its maturing off the day after the due date). */
  ar: 'ar',
  arCurrent: 'arCurrent',
  unapplied: 'unappliedCash',
  creditSales: 'creditSales',
  collections: 'collections',
  collectedBy: (source: CashSource) => `collected.${source}`,
  discountsOffered: 'discountsOffered',
  discountsTaken: 'discountsTaken',
  deductions: 'deductions',
  creditNotes: 'creditNotes',
  creditNoteCount: 'creditNoteCount',
  writeOffs: 'writeOffs',
  writeOffCount: 'writeOffCount',
  fees: 'feesCharged',
  disputesOpened: 'disputesOpened',
  disputesOpenedCount: 'disputesOpenedCount',
  disputesResolved: 'disputesResolved',
  disputesResolvedCount: 'disputesResolvedCount',
  payments: 'paymentsReceived',
  paymentsAuto: 'paymentsAutoMatched',
  ordersInvoiced: (channel: string) => `orders.${channel}`,
  revenue: (channel: string) => `revenue.${channel}`,
  /** Orders whose invoice was paid off that day (by a payment; a prepaid one at issue): the touchless share's whole. */
  ordersPaidOff: 'ordersPaidOff',
  /** Of those, the ones no person touched (no credit review, no line cancellation, no manual allocation). */
  touchless: 'ordersTouchless',
  orderToInvoice: (days: number) => `o2i.${histogramBucket(days)}`,
  orderToCash: (days: number) => `o2c.${histogramBucket(days)}`,
  orderError: (reason: string) => `error.${reason}`,
  duplicates: 'duplicatesAbsorbed',
  backorders: 'backorders',
  manualAction: (action: string) => `action.${action}`,
} as const;

/** The stocks summed from inception (the rest are flows). */
export const STOCK_METRICS: readonly string[] = [METRIC.ar, METRIC.arCurrent, METRIC.unapplied];

/** Cycle-time histograms count whole days, 0 … 365 (longer ones in the last bucket). */
export const HISTOGRAM_MAX_DAYS = 365;
export const histogramBucket = (days: number) => Math.min(HISTOGRAM_MAX_DAYS, Math.max(0, Math.floor(days)));

export type CashSource = 'bank' | 'stripe' | 'manual';

/** Where cash came from, as the pack groups it: bank files (and bank CSV), card platforms, by hand (finance or the API). */
export function cashSource(source: PaymentSource): CashSource {
  if (source === 'bank' || source === 'csv') return 'bank';
  if (source === 'stripe' || source === 'shopify' || source === 'woocommerce') return 'stripe';
  return 'manual';
}

export type Metrics = Readonly<Record<string, number>>;

/** An addition to one day's aggregates of a currency. */
export interface TotalsAdd {
  readonly on: IsoDate;
  readonly currency: CurrencyCode;
  readonly add: Metrics;
}

/**
 * The stock movements of a change of an invoice's balance by `delta` on day `on`: AR moves that day; when the
 * invoice is not yet due that day, current AR moves too, and the same amount matures off current AR on the day
 * after the due date (booked ahead, into that day's aggregates). Settling it to zero by a payment (`settled`) also
 * records its order-to-cash days when the order's day is known, counts the order paid off and — when no person
 * touched it (no `touches`, and the cash was not allocated by hand: `manual`) — touchless.
 */
export function balanceChange(
  invoice: Pick<Invoice, 'currency' | 'dueDate'> & { readonly orderedOn?: IsoDate; readonly touches?: readonly OrderTouch[] },
  delta: number,
  on: IsoDate,
  settled = false,
  manual = false,
): TotalsAdd[] {
  const out: TotalsAdd[] = [];
  if (delta !== 0) {
    out.push({ on, currency: invoice.currency, add: on <= invoice.dueDate ? { [METRIC.ar]: delta, [METRIC.arCurrent]: delta } : { [METRIC.ar]: delta } });
    if (on <= invoice.dueDate) out.push({ on: addDays(invoice.dueDate, 1), currency: invoice.currency, add: { [METRIC.arCurrent]: -delta } });
  }
  if (settled && invoice.orderedOn) out.push({ on, currency: invoice.currency, add: { [METRIC.orderToCash(daysBetween(invoice.orderedOn, on))]: 1, ...paidOff(invoice, manual) } });
  return out;
}

/** An order paid off: counted, and touchless when nobody touched it. */
export function paidOff(invoice: { readonly touches?: readonly OrderTouch[] }, manual = false): Record<string, number> {
  return { [METRIC.ordersPaidOff]: 1, ...(!manual && (invoice.touches ?? []).length === 0 ? { [METRIC.touchless]: 1 } : {}) };
}

/**
 * What people did to an order, from what it records: the touches written on it (a credit hold: `credit-review`),
 * a release from hold by finance (orders from before touches were kept), a seller's line cancellation
 * (`seller:` ids among its line cancellations).
 */
export function orderTouches(order: { readonly touches?: readonly OrderTouch[]; readonly reason?: string; readonly lineCancellations?: Readonly<Record<string, unknown>> }): OrderTouch[] {
  const out = new Set<OrderTouch>(order.touches ?? []);
  if (order.reason === 'approved by finance') out.add('credit-review');
  if (Object.keys(order.lineCancellations ?? {}).some((id) => id.startsWith('seller:'))) out.add('line-cancellation');
  return [...out].sort();
}

/** The touches with one more (each once). */
export function touched(order: { readonly touches?: readonly OrderTouch[] }, touch: OrderTouch): OrderTouch[] {
  return [...new Set([...(order.touches ?? []), touch])];
}

// ── counts that belong to no currency ────────────────────────────────────────

/**
 * ISO 4217's code for "no currency": the aggregates of counts that are not money of a currency (manual finance
 * actions from the audit trail) are kept under it. The pack sums its flows with the others and never shows it as
 * a currency.
 */
export const NO_CURRENCY = 'XXX';

/** The actors o2c itself writes audit entries as (its schedules and consumers); any other actor is a person. */
export const SYSTEM_ACTORS: readonly string[] = ['dunning', 'apply-payment', 'credit-score', 'schedule'];
export const isSystemActor = (actor: string) => SYSTEM_ACTORS.includes(actor) || actor.startsWith('o2c ');

/**
 * The manual-action count of an audit entry: one `action.<action>` on the entry's day (`on`, the company's day;
 * else the UTC day of `at`), or none when o2c itself acted.
 */
export function manualActionAdd(entry: { readonly actor: string; readonly action: string; readonly at: IsoInstant; readonly on?: IsoDate }): TotalsAdd | undefined {
  const on = entry.on ?? entry.at.slice(0, 10);
  if (isSystemActor(entry.actor) || !/^\d{4}-\d{2}-\d{2}$/.test(on)) return undefined;
  return { on, currency: NO_CURRENCY, add: { [METRIC.manualAction(entry.action)]: 1 } };
}

/**
 * Why an order did not go ahead, as the pack counts it (`error.<reason>`): rejections (validation, stock, the
 * warehouse), refusals (credit: declined by the rule, refused by finance, not decided in time; an account
 * suspended or with the agency), and platform orders refused at intake because their figures do not add up.
 */
export type OrderErrorReason =
  | 'price-mismatch'
  | 'total-mismatch'
  | 'not-sold'
  | 'currency-mismatch'
  | 'out-of-stock'
  | 'invalid'
  | 'credit-declined'
  | 'credit-refused'
  | 'credit-review-expired'
  | 'account-suspended'
  | 'account-with-agency'
  | 'warehouse-refused';

// ── collections status as of a day ───────────────────────────────────────────

/** One change of a customer's collections status, on its day (`none`: in good standing). */
export interface StatusChange {
  readonly on: IsoDate;
  readonly from: string;
  readonly to: string;
}

/** The status history after a change from `before` to `after` on `on` (unchanged when the status is the same). */
export function statusHistoryAfter(history: readonly StatusChange[] | undefined, before: string | undefined, after: string | undefined, on: IsoDate): StatusChange[] | undefined {
  const from = before ?? 'none';
  const to = after ?? 'none';
  if (from === to) return history ? [...history] : undefined;
  return [...(history ?? []), { on, from, to }];
}

/**
 * The status at the end of `asOf`: the last change on or before it, else the status before the first change;
 * without a history (data from before it was kept) the status now.
 */
export function statusAsOf(current: string | undefined, history: readonly StatusChange[] | undefined, asOf: IsoDate): string {
  if (!history || history.length === 0) return current ?? 'none';
  const sorted = [...history].sort((a, b) => a.on.localeCompare(b.on));
  const last = sorted.filter((c) => c.on <= asOf).pop();
  return last ? last.to : sorted[0]!.from;
}

/** Adds merged per day and currency (one update per aggregate item in a transaction). */
export function mergeTotals(adds: readonly TotalsAdd[]): TotalsAdd[] {
  const out = new Map<string, { on: IsoDate; currency: CurrencyCode; add: Record<string, number> }>();
  for (const a of adds) {
    const key = `${a.on}|${a.currency}`;
    const row = out.get(key) ?? { on: a.on, currency: a.currency, add: {} };
    for (const [k, v] of Object.entries(a.add)) row.add[k] = (row.add[k] ?? 0) + v;
    out.set(key, row);
  }
  return [...out.values()].map((r) => ({ ...r, add: Object.fromEntries(Object.entries(r.add).filter(([, v]) => v !== 0)) })).filter((r) => Object.keys(r.add).length > 0);
}

// ── periods ──────────────────────────────────────────────────────────────────

export interface Period {
  readonly from: IsoDate;
  readonly to: IsoDate;
}

export const TREND_PERIODS = 13;
/** Earlier periods countback DSO may walk through (beyond the trend's own). */
export const COUNTBACK_LOOKBACK = 12;

const firstOfMonth = (d: IsoDate) => `${d.slice(0, 7)}-01`;
const monthBefore = (d: IsoDate) => addDays(firstOfMonth(d), -1);

/** The days the pack's flows cover: flash the day, weekly the 7 days ending on it, month-end the month to that day. */
export function packPeriod(kind: PackKind, asOf: IsoDate): Period {
  if (kind === 'flash') return { from: asOf, to: asOf };
  if (kind === 'weekly') return { from: addDays(asOf, -6), to: asOf };
  return { from: firstOfMonth(asOf), to: asOf };
}

/**
 * The KPI periods, oldest first, the last ending on `asOf`: flash — weeks (7 days) ending on `asOf` and every 7 days
 * before; weekly and month-end — calendar months, the last one the month to `asOf`. `count` periods.
 */
export function kpiPeriods(kind: PackKind, asOf: IsoDate, count = TREND_PERIODS): Period[] {
  const out: Period[] = [];
  if (kind === 'flash') {
    for (let i = count - 1; i >= 0; i--) {
      const to = addDays(asOf, -7 * i);
      out.push({ from: addDays(to, -6), to });
    }
    return out;
  }
  let to = asOf;
  const rev: Period[] = [];
  for (let i = 0; i < count; i++) {
    rev.push({ from: firstOfMonth(to), to });
    to = monthBefore(to);
  }
  return rev.reverse();
}

const daysIn = (p: Period) => daysBetween(p.from, p.to) + 1;

// ── the math ─────────────────────────────────────────────────────────────────

/** `n ÷ d` to one decimal, half up (d > 0). */
function tenths(n: bigint, d: bigint): number {
  return Number(roundDivBig(n * 10n, d, 'half-up')) / 10;
}

const oneDecimal = (x: number) => Math.round(x * 10) / 10;

/** Receivables stocks at the end of a day. */
export interface Stocks {
  readonly ar: number;
  readonly currentAr: number;
}

export interface KpiInput {
  readonly period: Period;
  /** Stocks at the end of the day before the period. */
  readonly opening: Stocks;
  readonly closing: Stocks;
  readonly creditSales: number;
  readonly collected: number;
}

/**
 * One period's KPIs. `earlierSales`: credit sales of the periods before this one, most recent first, with their
 * days (countback). `bookStart`: the book's first day with credit sales (the days of a period start there at the earliest).
 */
export function kpiPoint(input: KpiInput, earlier: readonly { readonly days: number; readonly creditSales: number }[], bookStart?: IsoDate): KpiPoint {
  const { period, opening, closing, creditSales } = input;
  const from = bookStart && bookStart > period.from ? bookStart : period.from;
  const days = from > period.to ? 0 : daysBetween(from, period.to) + 1;
  const perSales = (amount: number) => (creditSales > 0 && days > 0 ? tenths(BigInt(amount) * BigInt(days), BigInt(creditSales)) : null);
  const dso = perSales(closing.ar);
  const bestPossibleDso = perSales(closing.currentAr);
  const ceiDenominator = opening.ar + creditSales - closing.currentAr;
  const cei = creditSales > 0 && ceiDenominator > 0 ? tenths(BigInt(opening.ar + creditSales - closing.ar) * 100n, BigInt(ceiDenominator)) : null;
  return {
    periodStart: period.from,
    periodEnd: period.to,
    dso,
    countbackDso: creditSales > 0 ? countback(closing.ar, [{ days, creditSales }, ...earlier]) : null,
    bestPossibleDso,
    add: dso !== null && bestPossibleDso !== null ? oneDecimal(dso - bestPossibleDso) : null,
    cei,
    openingAr: opening.ar,
    closingAr: closing.ar,
    closingCurrentAr: closing.currentAr,
    creditSales,
    collected: input.collected,
  };
}

/** Countback DSO: the days of the latest credit sales (most recent period first) that add up to `ar`, the last period prorated. */
export function countback(ar: number, periods: readonly { readonly days: number; readonly creditSales: number }[]): number {
  let remaining = BigInt(Math.max(0, ar));
  // In tenths of a day, exact: whole periods add their days, the last one its share.
  let dayTenths = 0n;
  for (const p of periods) {
    if (remaining === 0n) break;
    const sales = BigInt(Math.max(0, p.creditSales));
    if (sales >= remaining && sales > 0n) {
      dayTenths += roundDivBig(remaining * BigInt(p.days) * 10n, sales, 'half-up');
      remaining = 0n;
      break;
    }
    remaining -= sales;
    dayTenths += BigInt(p.days) * 10n;
  }
  return Number(dayTenths) / 10;
}

/** The pth percentile (0–100) of a day histogram (`{ days: count }`): the smallest day with that share at or below it. */
export function percentiles(histogram: ReadonlyMap<number, number>): Percentiles | null {
  const entries = [...histogram.entries()].filter(([, n]) => n > 0).sort(([a], [b]) => a - b);
  const count = entries.reduce((a, [, n]) => a + n, 0);
  if (count === 0) return null;
  const at = (p: number) => {
    const rank = Math.ceil((p / 100) * count);
    let seen = 0;
    for (const [d, n] of entries) {
      seen += n;
      if (seen >= rank) return d;
    }
    return entries[entries.length - 1]![0];
  };
  return { p50: at(50), p90: at(90), count };
}

// ── aging ────────────────────────────────────────────────────────────────────

/** An invoice that may have been open at the end of the day, with the part of it under a dispute open then. */
export interface OpenItemInput {
  readonly invoice: Invoice;
  readonly disputedAsOf: number;
}

const emptyBuckets = (): Record<AgingBucket, number> => ({ current: 0, d1_30: 0, d31_60: 0, d61_90: 0, d90_plus: 0 });
export const TOP_DEBTORS = 5;

/** Aging per currency as of `asOf`: balances then (history undone), invoices issued later left out, disputed parts apart. */
export function agingAsOf(items: readonly OpenItemInput[], asOf: IsoDate, names: ReadonlyMap<string, string>): Map<CurrencyCode, AgingFigures> {
  const acc = new Map<CurrencyCode, { buckets: Record<AgingBucket, number>; disputed: number; debtors: Record<AgingBucket, Map<string, number>> }>();
  const seen = new Set<string>();
  for (const { invoice, disputedAsOf } of items) {
    if (seen.has(invoice.number) || invoice.issueDate > asOf) continue;
    seen.add(invoice.number);
    const balance = balanceAsOf(invoice, asOf);
    if (balance <= 0) continue;
    const a = acc.get(invoice.currency) ?? { buckets: emptyBuckets(), disputed: 0, debtors: { current: new Map(), d1_30: new Map(), d31_60: new Map(), d61_90: new Map(), d90_plus: new Map() } };
    acc.set(invoice.currency, a);
    const disputed = Math.min(balance, Math.max(0, disputedAsOf));
    a.disputed += disputed;
    const rest = balance - disputed;
    if (rest === 0) continue;
    const bucket = bucketOf(daysBetween(invoice.dueDate, asOf));
    a.buckets[bucket] += rest;
    a.debtors[bucket].set(invoice.customerId, (a.debtors[bucket].get(invoice.customerId) ?? 0) + rest);
  }
  const out = new Map<CurrencyCode, AgingFigures>();
  for (const [currency, a] of acc) {
    const top = (m: Map<string, number>): Debtor[] =>
      [...m.entries()]
        .sort(([ia, x], [ib, y]) => y - x || ia.localeCompare(ib))
        .slice(0, TOP_DEBTORS)
        .map(([customerId, amount]) => ({ customerId, name: names.get(customerId) ?? customerId, amount }));
    out.set(currency, {
      buckets: a.buckets,
      total: AGING_BUCKETS.reduce((s, b) => s + a.buckets[b], 0),
      disputed: a.disputed,
      topDebtors: Object.fromEntries(AGING_BUCKETS.map((b) => [b, top(a.debtors[b])])) as Record<AgingBucket, Debtor[]>,
    });
  }
  return out;
}

// ── the pack ─────────────────────────────────────────────────────────────────

/** Daily flows of one currency: day → metrics (any day missing is all zeros). */
export type DailyFlows = ReadonlyMap<IsoDate, Metrics>;

export interface PackInputs {
  readonly company: { readonly name: string; readonly timezone: string };
  /** Invoices that may have been open at the end of `asOf` (open now, or settled after it). */
  readonly openItems: readonly OpenItemInput[];
  readonly names: ReadonlyMap<string, string>;
  /** Per currency, the flows summed over each of `flowPeriods(kind, asOf)` (same order). */
  readonly periodFlows: ReadonlyMap<CurrencyCode, readonly Metrics[]>;
  /** Per currency, the flows of the pack's period (`packPeriod`). */
  readonly packFlows: ReadonlyMap<CurrencyCode, Metrics>;
  /** Per currency, the stocks at the end of each day asked for by `stockDays(kind, asOf)`. */
  readonly stocks: ReadonlyMap<CurrencyCode, ReadonlyMap<IsoDate, Stocks & { readonly unapplied: number }>>;
  /** Per currency, the book's first day with credit sales. */
  readonly bookStart: ReadonlyMap<CurrencyCode, IsoDate>;
  readonly accounts: { readonly onCreditHold: number; readonly suspended: number; readonly withAgency: number };
}

/** Every period the pack reads flows for: the look-back periods then the trend's, oldest first. */
export function flowPeriods(kind: PackKind, asOf: IsoDate): Period[] {
  return kpiPeriods(kind, asOf, TREND_PERIODS + COUNTBACK_LOOKBACK);
}

/** The days whose end-of-day stocks the pack needs: each trend period's end and the day before its start. */
export function stockDays(kind: PackKind, asOf: IsoDate): IsoDate[] {
  return [...new Set(kpiPeriods(kind, asOf).flatMap((p) => [addDays(p.from, -1), p.to]))].sort();
}

/** The flows of the days of a period, summed. */
export function sumFlows(flows: DailyFlows | undefined, period: Period): Record<string, number> {
  const out: Record<string, number> = {};
  if (!flows) return out;
  for (let d = period.from; d <= period.to; d = addDays(d, 1)) {
    for (const [k, v] of Object.entries(flows.get(d) ?? {})) out[k] = (out[k] ?? 0) + v;
  }
  return out;
}

const n = (m: Metrics, k: string) => m[k] ?? 0;
const ratio = (part: number, whole: number) => (whole > 0 ? tenths(BigInt(part) * 100n, BigInt(whole)) : null);

/** Metrics under a prefix (`orders.` → channel → value). */
function byPrefix(m: Metrics, prefix: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, v] of Object.entries(m)) if (k.startsWith(prefix) && v !== 0) out.set(k.slice(prefix.length), v);
  return out;
}

function histogram(m: Metrics, prefix: string): Map<number, number> {
  return new Map([...byPrefix(m, prefix)].map(([d, c]) => [Number(d), c]));
}

function cashOf(f: Metrics, unapplied: number): CashFigures {
  return {
    collected: n(f, METRIC.collections),
    bySource: { bank: n(f, METRIC.collectedBy('bank')), stripe: n(f, METRIC.collectedBy('stripe')), manual: n(f, METRIC.collectedBy('manual')) },
    invoiced: n(f, METRIC.creditSales),
    discountsOffered: n(f, METRIC.discountsOffered),
    discountsTaken: n(f, METRIC.discountsTaken),
    unapplied,
    deductions: n(f, METRIC.deductions),
    disputesOpened: { count: n(f, METRIC.disputesOpenedCount), amount: n(f, METRIC.disputesOpened) },
    disputesResolved: { count: n(f, METRIC.disputesResolvedCount), amount: n(f, METRIC.disputesResolved) },
    creditNotes: { count: n(f, METRIC.creditNoteCount), amount: n(f, METRIC.creditNotes) },
    writeOffs: { count: n(f, METRIC.writeOffCount), amount: n(f, METRIC.writeOffs) },
    feesCharged: n(f, METRIC.fees),
  };
}

const sortedEntries = (m: Map<string, number>) => [...m.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));

/** The finance pack of `kind` as of the end of `asOf`, from the inputs gathered for that day. */
export function computeFinancePack(kind: PackKind, asOf: IsoDate, input: PackInputs): FinancePack {
  const period = packPeriod(kind, asOf);
  const aging = agingAsOf(input.openItems, asOf, input.names);
  const all = flowPeriods(kind, asOf);
  const trendPeriods = all.slice(COUNTBACK_LOOKBACK);
  // A currency is in the pack when it had something by then: open items, a flow in the periods read, or a stock.
  const nonZero = (m: Metrics | undefined) => Object.values(m ?? {}).some((v) => v !== 0);
  const active = (c: CurrencyCode) =>
    aging.has(c) || (input.periodFlows.get(c) ?? []).some(nonZero) || nonZero(input.packFlows.get(c)) || [...(input.stocks.get(c)?.values() ?? [])].some((s) => s.ar !== 0 || s.currentAr !== 0 || s.unapplied !== 0);
  const currencies = [...new Set([...aging.keys(), ...input.periodFlows.keys(), ...input.packFlows.keys(), ...input.stocks.keys()])].filter((c) => c !== NO_CURRENCY && active(c)).sort();
  const empty: Stocks & { unapplied: number } = { ar: 0, currentAr: 0, unapplied: 0 };
  const perCurrency: CurrencyFigures[] = [];
  const packFlows: Record<string, number> = {};
  for (const currency of currencies) {
    const flows = input.periodFlows.get(currency) ?? [];
    const stocks = input.stocks.get(currency);
    const stockAt = (d: IsoDate) => stocks?.get(d) ?? empty;
    const sums = all.map((p, i) => ({ p, f: flows[i] ?? {} }));
    const trend = trendPeriods.map((p, i) => {
      const at = COUNTBACK_LOOKBACK + i;
      const f = sums[at]!.f;
      const earlier = sums.slice(0, at).reverse().slice(0, COUNTBACK_LOOKBACK).map((s) => ({ days: daysIn(s.p), creditSales: n(s.f, METRIC.creditSales) }));
      return kpiPoint({ period: p, opening: stockAt(addDays(p.from, -1)), closing: stockAt(p.to), creditSales: n(f, METRIC.creditSales), collected: n(f, METRIC.collections) }, earlier, input.bookStart.get(currency));
    });
    const f = input.packFlows.get(currency) ?? {};
    for (const [k, v] of Object.entries(f)) packFlows[k] = (packFlows[k] ?? 0) + v;
    const agingOf = aging.get(currency) ?? { buckets: emptyBuckets(), total: 0, disputed: 0, topDebtors: { current: [], d1_30: [], d31_60: [], d61_90: [], d90_plus: [] } };
    const ordersBy = byPrefix(f, 'orders.');
    const revenueBy = byPrefix(f, 'revenue.');
    perCurrency.push({
      currency,
      aging: agingOf,
      kpi: trend[trend.length - 1]!,
      trend,
      cash: cashOf(f, stockAt(asOf).unapplied),
      revenueByChannel: [...new Set([...ordersBy.keys(), ...revenueBy.keys()])].sort().map((channel) => ({ channel, orders: ordersBy.get(channel) ?? 0, amount: revenueBy.get(channel) ?? 0 })),
    });
  }
  // Counts that belong to no currency (manual actions) join the book's flows.
  for (const [k, v] of Object.entries(input.packFlows.get(NO_CURRENCY) ?? {})) packFlows[k] = (packFlows[k] ?? 0) + v;
  const ordersByChannel = byPrefix(packFlows, 'orders.');
  const orderToCash: OrderToCashFigures = {
    orderToInvoiceDays: percentiles(histogram(packFlows, 'o2i.')),
    orderToCashDays: percentiles(histogram(packFlows, 'o2c.')),
    ordersByChannel: sortedEntries(ordersByChannel).map(([channel, count]) => ({ channel, orders: count })),
    orderErrors: sortedEntries(byPrefix(packFlows, 'error.')).map(([reason, count]) => ({ reason, count })),
    duplicatesAbsorbed: n(packFlows, METRIC.duplicates),
    backorders: n(packFlows, METRIC.backorders),
  };
  const payments = n(packFlows, METRIC.payments);
  const auto = n(packFlows, METRIC.paymentsAuto);
  const touchless = n(packFlows, METRIC.touchless);
  const paidOffOrders = n(packFlows, METRIC.ordersPaidOff);
  const automation: AutomationFigures = {
    orders: paidOffOrders,
    touchlessOrders: touchless,
    touchlessShare: ratio(touchless, paidOffOrders),
    paymentsApplied: payments,
    paymentsAutoMatched: auto,
    autoMatchRate: ratio(auto, payments),
    manualActions: sortedEntries(byPrefix(packFlows, 'action.')).map(([action, count]) => ({ action, count })),
  };
  const promises = new Map<CurrencyCode, { count: number; amount: number }>();
  const seen = new Set<string>();
  for (const { invoice } of input.openItems) {
    if (seen.has(invoice.number) || invoice.issueDate > asOf) continue;
    seen.add(invoice.number);
    const balance = balanceAsOf(invoice, asOf);
    if (balance <= 0 || !invoice.promisedUntil || invoice.promisedUntil > period.to) continue;
    const p = promises.get(invoice.currency) ?? { count: 0, amount: 0 };
    promises.set(invoice.currency, { count: p.count + 1, amount: p.amount + balance });
  }
  const accounts: AccountStatusFigures = { ...input.accounts, promisesDue: [...promises.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([currency, p]) => ({ currency, ...p })) };
  return { kind, asOf, period, company: input.company, currencies: perCurrency, orderToCash, automation, accounts };
}
