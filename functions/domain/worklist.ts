/**
 * The collectors' worklist sent with a dunning run: the customers the run wrote to, ranked by expected loss —
 * the overdue amount times a probability of loss read from the customer's credit score (domain/credit-score).
 * Pure: the use case gathers each customer's figures. Currencies are ranked apart (o2c has no FX rates).
 */
import { toDecimalString } from './money.ts';
import type { IsoDate } from './model.ts';

export interface WorklistEntry {
  readonly customerId: string;
  readonly customerName: string;
  readonly email: string;
  readonly currency: string;
  /** Overdue and undisputed, minor units. */
  readonly overdue: number;
  readonly riskScore: number;
  /** The level of today's letter. */
  readonly level: string;
  /** The letter before today's: its level and the day that level was reached (null: today's is the first). */
  readonly lastContact: { readonly level: string; readonly on: IsoDate } | null;
  /** Promises to pay that fall due within a week. */
  readonly promisesDue: readonly { readonly invoiceNumber: string; readonly promisedUntil: IsoDate }[];
  readonly openDisputes: number;
  readonly disputed: number;
  /** The next day dunning acts for this customer (null: nothing left). */
  readonly nextAction: IsoDate | null;
}

export interface RankedEntry extends WorklistEntry {
  readonly rank: number;
  /** Probability of loss, ppm. */
  readonly probabilityPpm: number;
  /** overdue × probability, minor units (rounded half up). */
  readonly expectedLoss: number;
}

/**
 * Probability of loss from a score (0–100): 2 % at 0 rising by 0.8 points a score point to 82 % at 100. A first
 * calibration, linear in the score; replace it with observed write-off rates by score band when there are some.
 */
export function lossProbabilityPpm(score: number): number {
  const s = Math.max(0, Math.min(100, Math.round(score)));
  return 20_000 + 8_000 * s;
}

export function expectedLoss(overdue: number, probabilityPpm: number): number {
  return Number((BigInt(overdue) * BigInt(probabilityPpm) * 2n + 1_000_000n) / 2_000_000n);
}

/** Ranked by currency, then expected loss (largest first), the overdue amount, the customer id; ranks count per currency. */
export function rankWorklist(entries: readonly WorklistEntry[]): RankedEntry[] {
  const scored = entries.map((e) => {
    const probabilityPpm = lossProbabilityPpm(e.riskScore);
    return { ...e, probabilityPpm, expectedLoss: expectedLoss(e.overdue, probabilityPpm) };
  });
  scored.sort((a, b) => a.currency.localeCompare(b.currency) || b.expectedLoss - a.expectedLoss || b.overdue - a.overdue || a.customerId.localeCompare(b.customerId));
  const counter = new Map<string, number>();
  return scored.map((e) => {
    const rank = (counter.get(e.currency) ?? 0) + 1;
    counter.set(e.currency, rank);
    return { ...e, rank };
  });
}

const cell = (v: string) => (/[",\n\r]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** The worklist as CSV (RFC 4180; amounts as decimals of their currency, probability in percent). */
export function worklistCsv(rows: readonly RankedEntry[], asOf: IsoDate): string {
  const header = ['as_of', 'rank', 'currency', 'customer_id', 'customer', 'email', 'overdue', 'risk_score', 'loss_probability_pct', 'expected_loss', 'level', 'last_contact_level', 'last_contact_on', 'promises_due', 'open_disputes', 'disputed', 'next_action'];
  const money = (r: RankedEntry, n: number) => toDecimalString({ amount: n, currency: r.currency });
  const lines = rows.map((r) => [
    asOf,
    String(r.rank),
    r.currency,
    r.customerId,
    r.customerName,
    r.email,
    money(r, r.overdue),
    String(r.riskScore),
    (r.probabilityPpm / 10_000).toFixed(1),
    money(r, r.expectedLoss),
    r.level,
    r.lastContact?.level ?? '',
    r.lastContact?.on ?? '',
    r.promisesDue.map((p) => `${p.invoiceNumber} by ${p.promisedUntil}`).join('; '),
    String(r.openDisputes),
    money(r, r.disputed),
    r.nextAction ?? '',
  ]);
  return [header, ...lines].map((l) => l.map(cell).join(',')).join('\r\n') + '\r\n';
}
