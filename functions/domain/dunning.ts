/**
 * The dunning policy finance configures (`dunningPolicy`), and the rules that
 * carry it out: which level an open invoice is at on a day, what it is paused
 * by, what a letter asks for after netting, which fee a level charges, and
 * which escalation a letter may truthfully announce. Pure: no I/O, no clock.
 * The words, per language, are in functions/messages.
 *
 * Levels are ordered and named (`id`); `offsetDays` counts from the due date
 * (negative: before it). A level is reached on `dueDate + offsetDays`. Levels
 * at or before the due date (offset ≤ 0) are "pre-due": they are sent only
 * while the invoice is not yet overdue, so a customer never gets a courtesy
 * note about an invoice that is already late.
 */
import { addDays, daysBetween } from './dates.ts';
import { DomainError } from './errors.ts';
import type { IsoDate } from './model.ts';
import { currencyExponent, parseDecimal, parseRatePpm, sumAmounts, toDecimalString } from './money.ts';
import type { CurrencyStatement } from './statement.ts';

export type DunningTone = 'courtesy' | 'reminder' | 'firm' | 'final';
export const DUNNING_TONES: readonly DunningTone[] = ['courtesy', 'reminder', 'firm', 'final'];
/** What reaching a level does to the customer's account (in order of severity). */
export type DunningAction = 'credit-hold' | 'suspend' | 'hand-to-agency';
export const DUNNING_ACTIONS: readonly DunningAction[] = ['credit-hold', 'suspend', 'hand-to-agency'];
/** A customer's collections status, set by an action (absent: in good standing). */
export type CollectionsStatus = 'credit-hold' | 'suspended' | 'with-agency';
export const STATUS_OF_ACTION: Readonly<Record<DunningAction, CollectionsStatus>> = { 'credit-hold': 'credit-hold', suspend: 'suspended', 'hand-to-agency': 'with-agency' };
const SEVERITY: Readonly<Record<CollectionsStatus, number>> = { 'credit-hold': 1, suspended: 2, 'with-agency': 3 };

/** A status only ever rises through dunning: the status after `action`, or undefined when the customer is there (or beyond) already. */
export function raisedStatus(current: CollectionsStatus | undefined, action: DunningAction): CollectionsStatus | undefined {
  const next = STATUS_OF_ACTION[action];
  return current !== undefined && SEVERITY[current] >= SEVERITY[next] ? undefined : next;
}

/** `statutory`: the creditor's statutory compensation (GBP: UK bands, EUR: €40); `fixed`: an amount per currency (minor units). */
export type FeeRule = { readonly kind: 'statutory' } | { readonly kind: 'fixed'; readonly amounts: Readonly<Record<string, number>> };

export interface DunningLevel {
  readonly id: string;
  readonly offsetDays: number;
  readonly tone: DunningTone;
  readonly fee?: FeeRule;
  /** Charge statutory interest from the due date (or the last interest charged) to the day the level is reached. */
  readonly interest?: boolean;
  readonly action?: DunningAction;
}

/** A reference rate in force from a day (ppm a year: 5.25 % = 52_500). */
export interface RatePeriod {
  readonly from: IsoDate;
  readonly ratePpm: number;
}

/** Statutory interest of one currency: the reference rate's history plus a margin (UK: base + 8 %; EU: ECB + 8 points). */
export interface InterestRule {
  readonly marginPpm: number;
  readonly rates: readonly RatePeriod[];
}

export interface DunningPolicy {
  readonly levels: readonly DunningLevel[];
  /** Per currency, minor units: a letter asking for less is not sent (absent currency: 5 major units). */
  readonly minimumOverdue: Readonly<Record<string, number>>;
  /** Consumers pay fixed fees only when this is true; statutory fees and interest never apply to them. */
  readonly consumerFees: boolean;
  readonly statutoryInterest: Readonly<Record<string, InterestRule>>;
}

/** The default policy (issue 10): −3 courtesy, +7 reminder, +21 firm with the statutory fee, +35 final with a credit hold, +60 to the agency. */
export const DEFAULT_DUNNING_POLICY: DunningPolicy = {
  levels: [
    { id: 'courtesy', offsetDays: -3, tone: 'courtesy' },
    { id: 'reminder', offsetDays: 7, tone: 'reminder' },
    { id: 'firm', offsetDays: 21, tone: 'firm', fee: { kind: 'statutory' } },
    { id: 'final', offsetDays: 35, tone: 'final', action: 'credit-hold' },
    { id: 'agency', offsetDays: 60, tone: 'final', action: 'hand-to-agency' },
  ],
  minimumOverdue: {},
  consumerFees: false,
  statutoryInterest: {},
};

/** Everything wrong with a policy, in words (empty: it is valid). Config validation and the functions' cold start both use it. */
export function dunningPolicyProblems(policy: DunningPolicy): string[] {
  const out: string[] = [];
  const { levels } = policy;
  if (levels.length === 0) out.push('levels: at least one level is needed');
  const ids = new Set<string>();
  levels.forEach((l, i) => {
    const at = `levels.${i} (${l.id})`;
    if (!/^[a-z][a-z0-9-]{0,31}$/.test(l.id)) out.push(`levels.${i}: id ${JSON.stringify(l.id)} must be lower-case letters, digits and dashes (at most 32)`);
    if (ids.has(l.id)) out.push(`${at}: the id is used twice`);
    ids.add(l.id);
    if (!Number.isInteger(l.offsetDays) || l.offsetDays < -60 || l.offsetDays > 730) out.push(`${at}: offsetDays must be a whole number of days from -60 to 730`);
    if (i > 0 && l.offsetDays <= levels[i - 1]!.offsetDays) out.push(`${at}: offsetDays must be later than the level before (${levels[i - 1]!.offsetDays})`);
    if (!DUNNING_TONES.includes(l.tone)) out.push(`${at}: tone must be one of ${DUNNING_TONES.join(', ')}`);
    if (l.offsetDays <= 0 && (l.fee || l.interest || l.action)) out.push(`${at}: a level on or before the due date cannot charge a fee or take an action (nothing is late yet)`);
    if (l.action && !DUNNING_ACTIONS.includes(l.action)) out.push(`${at}: action must be one of ${DUNNING_ACTIONS.join(', ')}`);
    if (l.fee?.kind === 'fixed') for (const [c, v] of Object.entries(l.fee.amounts)) if (!Number.isSafeInteger(v) || v <= 0) out.push(`${at}: the fixed fee in ${c} must be more than nothing`);
  });
  const agency = levels.findIndex((l) => l.action === 'hand-to-agency');
  if (agency >= 0 && agency < levels.length - 1) out.push(`levels.${agency + 1} (${levels[agency + 1]!.id}): no level can follow the hand-over to the agency (o2c sends nothing after it)`);
  for (const [c, rule] of Object.entries(policy.statutoryInterest)) {
    if (rule.rates.length === 0) out.push(`statutoryInterest.${c}: at least one reference rate is needed`);
    rule.rates.forEach((r, i) => {
      if (i > 0 && r.from <= rule.rates[i - 1]!.from) out.push(`statutoryInterest.${c}.rates.${i}: the dates must be ascending`);
    });
  }
  return out;
}

export function assertDunningPolicy(policy: DunningPolicy): DunningPolicy {
  const problems = dunningPolicyProblems(policy);
  if (problems.length > 0) throw new DomainError('InvalidDunningPolicy', `invalid dunning policy: ${problems.join('; ')}`);
  return policy;
}

export function levelById(policy: DunningPolicy, id: string): DunningLevel | undefined {
  return policy.levels.find((l) => l.id === id);
}

/** Days before the due date the earliest level looks (0 when no level is before it): how far ahead of `asOf` planning reads the due-date index. */
export function lookAheadDays(policy: DunningPolicy): number {
  return Math.max(0, -Math.min(...policy.levels.map((l) => l.offsetDays)));
}

/** The day a level is reached for an invoice. */
export const levelDate = (dueDate: IsoDate, level: DunningLevel): IsoDate => addDays(dueDate, level.offsetDays);

/** The minimum a letter must ask for in `currency`: the configured one, else 5 major units (5.00 GBP, 5 JPY, 5.000 KWD). */
export function minimumOverdue(policy: DunningPolicy, currency: string): number {
  return policy.minimumOverdue[currency] ?? 5 * 10 ** currencyExponent(currency);
}

// ── which level an invoice is at ─────────────────────────────────────────────

export interface LevelInput {
  readonly dueDate: IsoDate;
  readonly asOf: IsoDate;
  /** Ids of the levels sent, in the order sent (the invoice's `dunningLevels`). */
  readonly sent: readonly string[];
  /** The customer promised to pay by this day. */
  readonly promisedUntil?: IsoDate;
  /** How many levels had been sent when the promise was made (absent: all that are sent now). */
  readonly promisedAtLevel?: number;
}

/** Position of the highest level sent (−1: none). Ids no longer in the policy are ignored. */
function highestSentIndex(policy: DunningPolicy, sent: readonly string[]): number {
  return Math.max(-1, ...sent.map((id) => policy.levels.findIndex((l) => l.id === id)));
}

/**
 * The level to send an invoice now, or null:
 * - the highest level reached by `asOf` that is above the highest sent (missed
 *   runs give one letter at the level reached, never a burst of the skipped ones);
 * - a pre-due level (offset ≤ 0) only while the invoice is not overdue;
 * - nothing while a promise to pay holds (`promisedUntil` ≥ `asOf`); after a
 *   broken promise, the level after the last one sent before it, and the
 *   levels after that keep their spacing from the day after the promise (the
 *   days it held are taken off the days past due).
 * Disputes, exemption and the minimum are the letter's business (`chase` and
 * `planLetter`): they do not depend on the level.
 */
export function levelDue(policy: DunningPolicy, input: LevelInput): DunningLevel | null {
  const { dueDate, asOf } = input;
  const highest = highestSentIndex(policy, input.sent);
  let pastDue = daysBetween(dueDate, asOf);
  if (input.promisedUntil !== undefined) {
    const sinceBroken = daysBetween(input.promisedUntil, asOf);
    if (sinceBroken <= 0) return null;
    const before = input.promisedAtLevel === undefined ? highest : highestSentIndex(policy, input.sent.slice(0, input.promisedAtLevel));
    const resume = policy.levels.slice(before + 1).find((l) => l.offsetDays > 0);
    if (resume === undefined) return null;
    // On the first day after the promise the clock stands at the resumed level (never ahead of the real days past due).
    pastDue = Math.min(pastDue, resume.offsetDays + sinceBroken - 1);
  }
  const reached = policy.levels.filter((l, i) => i > highest && l.offsetDays <= pastDue && (l.offsetDays > 0 || daysBetween(dueDate, asOf) <= 0));
  return reached.length > 0 ? reached[reached.length - 1]! : null;
}

/**
 * The next action date of an open invoice: the first day on which `levelDue` can return a level for it,
 * looking from `from` on (issue: its issue date; after a run: the day after it). It is the date of the first
 * level after the highest sent (pre-due levels only while `from` is not past the due date), never before the day
 * after a promise; null when no level is left or the highest sent hands the invoice to the agency. Every day before
 * it `levelDue` is null (a promise only postpones, the clock is never ahead of the real days past due), so a run
 * reads only invoices whose date has come (the sparse next-action index).
 */
export function nextActionDate(policy: DunningPolicy, input: Omit<LevelInput, 'asOf'>, from: IsoDate): IsoDate | null {
  const highest = highestSentIndex(policy, input.sent);
  if (highest >= 0 && policy.levels[highest]!.action === 'hand-to-agency') return null;
  const next = policy.levels.slice(highest + 1).find((l) => l.offsetDays > 0 || from <= input.dueDate);
  if (!next) return null;
  const on = levelDate(input.dueDate, next);
  const afterPromise = input.promisedUntil !== undefined ? addDays(input.promisedUntil, 1) : undefined;
  return afterPromise !== undefined && afterPromise > on ? afterPromise : on;
}

// ── what a letter asks for ───────────────────────────────────────────────────

/** Business or consumer: an explicit `kind` decides; without one, a customer with a tax id is a business. */
export function isBusiness(customer: { readonly kind?: 'business' | 'consumer'; readonly taxId?: string }): boolean {
  return customer.kind ? customer.kind === 'business' : customer.taxId !== undefined && customer.taxId.trim() !== '';
}

/** One open invoice as a letter reads it. */
export interface ChaseItem {
  readonly invoiceNumber: string;
  readonly dueDate: IsoDate;
  /** Owed now, fees included. */
  readonly balance: number;
  /** Under open disputes (not asked for). */
  readonly disputed: number;
}

/**
 * Netting: the customer's unapplied cash and credit in its favour (`credit`, in
 * the letter's currency) are set against the oldest amounts first (by due
 * date, then number) — as if that cash had paid them. What each invoice is
 * still chased for is its undisputed balance less the credit set against it;
 * an invoice the credit covers is not chased at all.
 */
export function netAgainstOldest<T extends ChaseItem>(items: readonly T[], credit: number): { item: T; chased: number }[] {
  let left = Math.max(0, credit);
  return [...items]
    .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.invoiceNumber.localeCompare(b.invoiceNumber))
    .map((item) => {
      const owed = Math.max(0, item.balance - item.disputed);
      const netted = Math.min(owed, left);
      left -= netted;
      return { item, chased: owed - netted };
    });
}

/** Tone of a letter: its highest level's. */
export function letterLevel(policy: DunningPolicy, levelIds: readonly string[]): DunningLevel {
  const idx = Math.max(...levelIds.map((id) => policy.levels.findIndex((l) => l.id === id)));
  if (idx < 0) throw new DomainError('InvalidDunningPolicy', `none of ${levelIds.join(', ')} is a level of the policy`);
  return policy.levels[idx]!;
}

/**
 * The escalation a letter may announce: the next level after the letter's own
 * that takes an action, with the day it will be reached for the earliest
 * invoice of the letter (never before tomorrow). Only levels that follow
 * directly are announced — an action two levels away is not promised yet.
 */
export function announcedEscalation(policy: DunningPolicy, level: DunningLevel, dueDates: readonly IsoDate[], asOf: IsoDate): { action: DunningAction; on: IsoDate } | null {
  const next = policy.levels[policy.levels.indexOf(level) + 1];
  if (!next?.action || dueDates.length === 0) return null;
  const earliest = [...dueDates].sort()[0]!;
  const on = levelDate(earliest, next);
  return { action: next.action, on: on > asOf ? on : addDays(asOf, 1) };
}

// ── fees ─────────────────────────────────────────────────────────────────────

/**
 * Fixed compensation under the UK Late Payment of Commercial Debts (Interest)
 * Act 1998 s.5A, by the amount of the debt: £40 under £1,000, £70 under
 * £10,000, £100 from £10,000. Minor units of GBP.
 */
export function ukCompensation(debt: number): number {
  if (debt < 100_000) return 4_000;
  if (debt < 1_000_000) return 7_000;
  return 10_000;
}

/** Statutory fixed compensation in a currency (GBP: UK bands; EUR: Directive 2011/7/EU art. 6, €40); 0 where o2c knows no statute. */
export function statutoryCompensation(currency: string, debt: number): number {
  if (debt <= 0) return 0;
  if (currency === 'GBP') return ukCompensation(debt);
  if (currency === 'EUR') return 4_000;
  return 0;
}

/** The annual rate (reference + margin, ppm) in force on `day`; null before the first rate. */
export function interestRateOn(rule: InterestRule, day: IsoDate): number | null {
  let rate: number | null = null;
  for (const r of rule.rates) if (r.from <= day) rate = r.ratePpm;
  return rate === null ? null : rate + rule.marginPpm;
}

/**
 * Simple statutory interest on `principal` for every day after `from` up to and
 * including `through`, each day at the rate in force that day, on a 365-day
 * year: principal × Σ(daily rate ppm) / (365 × 10⁶), computed exactly in
 * integers and rounded once, half up, to the minor unit. A day before the
 * first configured rate earns nothing.
 */
export function statutoryInterest(principal: number, from: IsoDate, through: IsoDate, rule: InterestRule): number {
  const days = daysBetween(from, through);
  if (principal <= 0 || days <= 0) return 0;
  let ppmDays = 0n;
  for (let d = 1; d <= days; d++) ppmDays += BigInt(interestRateOn(rule, addDays(from, d)) ?? 0);
  const n = BigInt(principal) * ppmDays;
  const den = 365n * 1_000_000n;
  return Number((n * 2n + den) / (den * 2n));
}

/** A fee charged on an invoice at a level: what it is made of. */
export interface FeeCharge {
  readonly level: string;
  readonly compensation: number;
  readonly interest: number;
  /** The last day the interest covers (the next interest starts after it). */
  readonly interestThrough?: IsoDate;
  readonly amount: number;
}

export interface FeeInput {
  readonly level: DunningLevel;
  readonly policy: DunningPolicy;
  readonly business: boolean;
  readonly currency: string;
  readonly dueDate: IsoDate;
  readonly asOf: IsoDate;
  /** The debt: the undisputed balance before any fee. */
  readonly debt: number;
  /** Fees charged on the invoice before (statutory compensation is due once per invoice; interest continues from the last). */
  readonly earlier: readonly FeeCharge[];
}

/**
 * The fee a level charges an invoice, or null for none: consumers are charged
 * only fixed fees and only when `consumerFees` is on; statutory compensation
 * once per invoice (a second statutory level adds only interest); interest
 * when the level asks for it and the currency has a configured rule.
 */
export function feeFor(input: FeeInput): FeeCharge | null {
  const { level, policy, business, currency, debt } = input;
  if (debt <= 0) return null;
  let compensation = 0;
  if (level.fee?.kind === 'fixed' && (business || policy.consumerFees)) compensation = level.fee.amounts[currency] ?? 0;
  if (level.fee?.kind === 'statutory' && business && !input.earlier.some((f) => f.compensation > 0 && levelById(policy, f.level)?.fee?.kind === 'statutory')) {
    compensation = statutoryCompensation(currency, debt);
  }
  let interest = 0;
  let interestThrough: IsoDate | undefined;
  const rule = policy.statutoryInterest[currency];
  if (level.interest && business && rule) {
    const from = [input.dueDate, ...input.earlier.flatMap((f) => (f.interestThrough ? [f.interestThrough] : []))].sort().at(-1)!;
    interest = statutoryInterest(debt, from, input.asOf, rule);
    if (interest > 0) interestThrough = input.asOf;
  }
  const amount = sumAmounts([compensation, interest]);
  return amount > 0 ? { level: level.id, compensation, interest, ...(interestThrough ? { interestThrough } : {}), amount } : null;
}

// ── config ───────────────────────────────────────────────────────────────────

/** The policy as cdk.json holds it: amounts and rates as decimal strings. */
export interface DunningPolicyConfig {
  readonly levels: readonly {
    readonly id: string;
    readonly offsetDays: number;
    readonly tone: DunningTone;
    readonly fee?: 'statutory' | { readonly fixed: Readonly<Record<string, string>> };
    readonly interest?: boolean;
    readonly action?: DunningAction;
  }[];
  readonly minimumOverdue?: Readonly<Record<string, string>>;
  readonly consumerFees?: boolean;
  /** Per currency: `{ margin: "8%", rates: [{ from: "2025-08-07", rate: "4%" }] }`. */
  readonly statutoryInterest?: Readonly<Record<string, { readonly margin: string; readonly rates: readonly { readonly from: IsoDate; readonly rate: string }[] }>>;
}

/** The configured policy in minor units and ppm (throws DomainError on an amount that is not one of its currency). */
export function policyFromConfig(c: DunningPolicyConfig): DunningPolicy {
  const parseRate = parseRatePpm;
  return {
    levels: c.levels.map((l) => ({
      id: l.id,
      offsetDays: l.offsetDays,
      tone: l.tone,
      ...(l.fee === 'statutory' ? { fee: { kind: 'statutory' as const } } : l.fee ? { fee: { kind: 'fixed' as const, amounts: Object.fromEntries(Object.entries(l.fee.fixed).map(([cur, v]) => [cur, parseDecimal(v, cur)])) } } : {}),
      ...(l.interest ? { interest: true } : {}),
      ...(l.action ? { action: l.action } : {}),
    })),
    minimumOverdue: Object.fromEntries(Object.entries(c.minimumOverdue ?? {}).map(([cur, v]) => [cur, parseDecimal(v, cur)])),
    consumerFees: c.consumerFees ?? false,
    statutoryInterest: Object.fromEntries(
      Object.entries(c.statutoryInterest ?? {}).map(([cur, r]) => [cur, { marginPpm: parseRate(r.margin), rates: r.rates.map((p) => ({ from: p.from, ratePpm: parseRate(p.rate) })) }]),
    ),
  };
}

/** The old `dunningLevels` (days past due) as a policy: reminder, firm … final, no fees, no actions. */
export function policyFromDays(days: readonly number[]): DunningPolicy {
  return {
    ...DEFAULT_DUNNING_POLICY,
    levels: days.map((d, i) => ({ id: `day-${d}`, offsetDays: d, tone: i === 0 ? 'reminder' : i === days.length - 1 && days.length > 1 ? 'final' : 'firm' })),
  };
}

// ── the agency's case ────────────────────────────────────────────────────────

const csvCell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/**
 * The case handed to the collection agency as CSV (RFC 4180, amounts as decimals in the currency): one row per
 * open item with the debtor's contact on every row, so the file stands on its own.
 */
export function agencyCaseCsv(
  customer: { readonly id: string; readonly name: string; readonly email: string; readonly taxId?: string; readonly billingAddress?: { readonly line1: string; readonly line2?: string; readonly city: string; readonly postalCode?: string; readonly country: string } },
  section: Pick<CurrencyStatement, 'currency' | 'openItems'>,
  asOf: IsoDate,
): string {
  const a = customer.billingAddress;
  const address = a ? [a.line1, a.line2, a.postalCode, a.city, a.country].filter((x) => x).join(', ') : '';
  const amount = (n: number) => toDecimalString({ amount: n, currency: section.currency });
  const header = ['as_of', 'debtor_id', 'debtor_name', 'email', 'tax_id', 'address', 'invoice', 'issue_date', 'due_date', 'days_overdue', 'currency', 'total', 'balance', 'fees', 'disputed', 'payment_reference'];
  const rows = section.openItems.map((i) => [asOf, customer.id, customer.name, customer.email, customer.taxId ?? '', address, i.invoiceNumber, i.issueDate, i.dueDate, String(i.daysOverdue), section.currency, amount(i.total), amount(i.balance), amount(i.fees), amount(i.disputed), i.paymentReference]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
