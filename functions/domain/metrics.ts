/**
 * Finance metrics: accounts-receivable aging and days sales outstanding.
 */
import { daysBetween, isIsoDate } from './dates.ts';
import { DomainError } from './errors.ts';
import type { CurrencyCode, Invoice, IsoDate } from './model.ts';
import { roundDivBig, sumAmounts, toDecimalString } from './money.ts';

export interface AgingBuckets {
  current: number;
  d1_30: number;
  d31_60: number;
  d61_90: number;
  d90_plus: number;
  total: number;
}

export type AgingReport = Record<CurrencyCode, AgingBuckets>;

export function bucketOf(daysPastDue: number): Exclude<keyof AgingBuckets, 'total'> {
  if (daysPastDue <= 0) return 'current';
  if (daysPastDue <= 30) return 'd1_30';
  if (daysPastDue <= 60) return 'd31_60';
  if (daysPastDue <= 90) return 'd61_90';
  return 'd90_plus';
}

/** Open balances per currency by days past due on `asOf`. */
export function agingBuckets(invoices: readonly Pick<Invoice, 'currency' | 'balance' | 'dueDate'>[], asOf: IsoDate): AgingReport {
  const out: AgingReport = {};
  for (const inv of invoices) {
    if (inv.balance <= 0) continue;
    const b = (out[inv.currency] ??= { current: 0, d1_30: 0, d31_60: 0, d61_90: 0, d90_plus: 0, total: 0 });
    const key = bucketOf(daysBetween(inv.dueDate, asOf));
    b[key] = sumAmounts([b[key], inv.balance]);
    b.total = sumAmounts([b.total, inv.balance]);
  }
  return out;
}

/**
 * DSO = receivables ÷ credit sales × days, in days to one decimal
 * (e.g. 30,000 owed after 180,000 of credit sales in 90 days → 15.0).
 * Null when there were no credit sales in the period.
 */
export function dso(input: { receivables: number; creditSales: number; days: number }): number | null {
  for (const [name, v] of Object.entries(input)) {
    if (!Number.isSafeInteger(v)) throw new DomainError('InvalidAmount', `dso ${name} must be a whole number, got ${v}`);
  }
  if (input.creditSales <= 0) return null;
  const tenths = roundDivBig(BigInt(input.receivables) * BigInt(input.days) * 10n, BigInt(input.creditSales), 'half-up');
  return Number(tenths) / 10;
}

/**
 * RFC 4180 CSV of an aging report: header `currency,current,1-30,31-60,61-90,90+,total`,
 * one row per currency (sorted), exact decimal amounts, CRLF line ends. `asOf`
 * is validated; the date belongs in the attachment's name, not in every row.
 */
export function agingCsv(report: AgingReport, asOf: IsoDate): string {
  if (!isIsoDate(asOf)) throw new DomainError('InvalidDate', `${JSON.stringify(asOf)} is not a calendar date (YYYY-MM-DD)`);
  const rows = [['currency', 'current', '1-30', '31-60', '61-90', '90+', 'total']];
  for (const currency of Object.keys(report).sort()) {
    const b = report[currency]!;
    const d = (amount: number) => toDecimalString({ amount, currency });
    rows.push([currency, d(b.current), d(b.d1_30), d(b.d31_60), d(b.d61_90), d(b.d90_plus), d(b.total)]);
  }
  return rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
}
