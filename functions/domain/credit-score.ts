/**
 * The dynamic credit score: how risky a customer's payment behaviour is, 0 (safe) … 100 (very risky), with the
 * factors that make it up (stored on the customer as `riskScore` and `riskFactors`; check-credit holds an order at
 * the policy's `reviewRiskScore`, and the credit-review email lists the factors). Pure: the use case reads the
 * customer's invoices, its disputes and its exposure and passes them in.
 *
 * Points, each factor capped, the sum capped at 100:
 * - days late, weighted by amount (≤ 30): Σ(total × days late) / Σ total over the customer's invoices in its credit
 *   currency — a paid one late by the day its balance reached zero (its history), an open one by the days it is
 *   overdue now; 1 point a day.
 * - paid late (≤ 20): the share of paid invoices settled after their due date, × 20.
 * - trend (≤ 10): with 4 or more paid invoices, how many days later the latest 3 were paid than the ones
 *   before, on average (1 point a day; paying earlier than before scores nothing).
 * - open disputes (≤ 15): 5 an invoice with an amount under dispute.
 * - returned payments (≤ 20): 10 each (a payment the bank returned).
 * - exposure vs limit (≤ 15): 15 over the limit, 8 above 80 % of it.
 * Integers throughout (rounded half up once per factor).
 */
import { daysBetween } from './dates.ts';
import type { InvoiceEvent, IsoDate } from './model.ts';

export type RiskFactorId = 'days-late' | 'paid-late' | 'trend' | 'disputes' | 'returned-payments' | 'exposure';

export interface RiskFactor {
  readonly id: RiskFactorId;
  /** What it adds to the score. */
  readonly points: number;
  /** The measure behind it (days, percent, a count), for the words. */
  readonly value: number;
}

export interface CreditScore {
  readonly score: number;
  /** Every factor that added points, the largest first. */
  readonly factors: readonly RiskFactor[];
}

export interface ScoredInvoice {
  readonly currency: string;
  readonly dueDate: IsoDate;
  readonly total: number;
  readonly balance: number;
  readonly disputed?: number;
  readonly history?: readonly InvoiceEvent[];
}

export interface ScoreInput {
  readonly asOf: IsoDate;
  /** The credit limit's currency: lateness is weighted by amounts in it only (o2c has no FX rates). */
  readonly currency: string;
  readonly invoices: readonly ScoredInvoice[];
  readonly creditLimit: number;
  /** Open receivables and approved orders not invoiced, in `currency`. */
  readonly exposure: number;
  readonly returnedPayments?: number;
}

const div = (n: number, d: number) => (d === 0 ? 0 : Math.floor((2 * n + d) / (2 * d)));

/** The day a paid invoice was settled: the last history event that left a balance of nothing (null: not known). */
export function paidOn(invoice: ScoredInvoice): IsoDate | null {
  if (invoice.balance > 0) return null;
  const settling = (invoice.history ?? []).filter((e) => e.kind !== 'fee' && e.amount > 0);
  return settling.length > 0 ? settling.reduce((last, e) => (e.on > last ? e.on : last), settling[0]!.on) : null;
}

export function creditScore(input: ScoreInput): CreditScore {
  const mine = input.invoices.filter((i) => i.currency === input.currency && i.total > 0);
  const paid = mine.flatMap((i) => {
    const on = paidOn(i);
    return on ? [{ invoice: i, on, late: Math.max(0, daysBetween(i.dueDate, on)) }] : [];
  });
  const open = mine.filter((i) => i.balance > 0).map((i) => ({ invoice: i, late: Math.max(0, daysBetween(i.dueDate, input.asOf)) }));
  const weighed = [...paid, ...open];
  const weight = weighed.reduce((s, x) => s + x.invoice.total, 0);
  const daysLate = div(
    weighed.reduce((s, x) => s + x.invoice.total * x.late, 0),
    weight,
  );
  const paidLate = paid.length === 0 ? 0 : div(100 * paid.filter((p) => p.late > 0).length, paid.length);
  const byDay = [...paid].sort((a, b) => a.on.localeCompare(b.on));
  const recent = byDay.slice(-3);
  const earlier = byDay.slice(0, -3);
  const mean = (xs: readonly { late: number }[]) => div(xs.reduce((s, x) => s + x.late, 0), xs.length);
  const trend = paid.length >= 4 ? mean(recent) - mean(earlier) : 0;
  const disputes = mine.filter((i) => (i.disputed ?? 0) > 0 && i.balance > 0).length;
  const returned = input.returnedPayments ?? 0;
  const usePct = input.creditLimit > 0 ? div(100 * input.exposure, input.creditLimit) : 0;

  const factors: RiskFactor[] = [
    { id: 'days-late', points: Math.min(30, daysLate), value: daysLate },
    { id: 'paid-late', points: div(20 * paidLate, 100), value: paidLate },
    { id: 'trend', points: Math.min(10, Math.max(0, trend)), value: trend },
    { id: 'disputes', points: Math.min(15, 5 * disputes), value: disputes },
    { id: 'returned-payments', points: Math.min(20, 10 * returned), value: returned },
    { id: 'exposure', points: input.creditLimit <= 0 ? 0 : input.exposure > input.creditLimit ? 15 : 100 * input.exposure > 80 * input.creditLimit ? 8 : 0, value: usePct },
  ];
  const scoring = factors.filter((f) => f.points > 0).sort((a, b) => b.points - a.points || a.id.localeCompare(b.id));
  return { score: Math.min(100, scoring.reduce((s, f) => s + f.points, 0)), factors: scoring };
}
