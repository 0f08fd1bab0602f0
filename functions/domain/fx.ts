/**
 * Reference exchange rates (ECB-style: units of each currency per one unit of
 * the base, as decimal strings, for one day) and exact conversion of minor
 * units through them. Used where o2c must add amounts in several currencies
 * for a decision — the credit exposure — never to book money: the ledger
 * stays in each invoice's own currency.
 */
import { DomainError } from './errors.ts';
import type { CurrencyCode, IsoDate } from './model.ts';
import { assertMinorUnits, currencyExponent, roundDivBig } from './money.ts';

export interface ReferenceRates {
  /** The day the rates are for (e.g. the ECB's publication date). */
  readonly on: IsoDate;
  /** The currency the rates are quoted against (the ECB's is EUR). */
  readonly base: CurrencyCode;
  /** Units of the currency per one unit of `base`, e.g. `{ GBP: "0.8534", SEK: "11.234" }`. */
  readonly rates: Readonly<Record<CurrencyCode, string>>;
}

const RATE = /^(\d{1,9})(?:\.(\d{1,10}))?$/;

/** A positive decimal rate as a fraction `n / d` (exact). Throws on anything that is not a plain positive decimal. */
export function parseRate(text: string): { n: bigint; d: bigint } {
  const m = RATE.exec(text);
  if (!m) throw new DomainError('InvalidRate', `exchange rate ${JSON.stringify(text)} is not a plain decimal such as 0.8534`);
  const frac = m[2] ?? '';
  const n = BigInt(m[1]! + frac);
  if (n === 0n) throw new DomainError('InvalidRate', `exchange rate ${JSON.stringify(text)} must be above zero`);
  return { n, d: 10n ** BigInt(frac.length) };
}

/** Units of `currency` per unit of the base (the base itself is 1), or undefined when the table has no rate. */
function rateOf(table: ReferenceRates, currency: CurrencyCode): { n: bigint; d: bigint } | undefined {
  if (currency === table.base) return { n: 1n, d: 1n };
  const text = table.rates[currency];
  return text === undefined ? undefined : parseRate(text);
}

export interface Conversion {
  /** Minor units of the target currency, rounded half-up. */
  readonly amount: number;
  /** Units of the target per unit of the source, for display (10 significant decimals at most). */
  readonly rate: string;
}

/**
 * `amount` minor units of `from` in minor units of `to` through the table's base:
 * to = amount / 10^e(from) ÷ rate(from) × rate(to) × 10^e(to), computed exactly and
 * rounded once (half-up). Undefined when the table lacks either currency's rate.
 */
export function convert(amount: number, from: CurrencyCode, to: CurrencyCode, table: ReferenceRates): Conversion | undefined {
  assertMinorUnits(amount);
  if (from === to) return { amount, rate: '1' };
  const rf = rateOf(table, from);
  const rt = rateOf(table, to);
  if (!rf || !rt) return undefined;
  const ef = 10n ** BigInt(currencyExponent(from));
  const et = 10n ** BigInt(currencyExponent(to));
  // amount/ef ÷ (rf.n/rf.d) × (rt.n/rt.d) × et
  const num = BigInt(amount) * rf.d * rt.n * et;
  const den = ef * rf.n * rt.d;
  const converted = Number(roundDivBig(num, den, 'half-up'));
  return { amount: converted, rate: ratio(rt.n * rf.d, rt.d * rf.n) };
}

/** n/d as a decimal string with up to 10 places, trailing zeros dropped. */
function ratio(n: bigint, d: bigint): string {
  const scaled = roundDivBig(n * 10n ** 10n, d, 'half-up');
  const s = scaled.toString().padStart(11, '0');
  const whole = s.slice(0, -10);
  const frac = s.slice(-10).replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : whole;
}

/** The table of the later day (the refreshed one when both are of one day); undefined when there is none. */
export function laterRates(a: ReferenceRates | undefined, b: ReferenceRates | undefined): ReferenceRates | undefined {
  if (!a) return b;
  if (!b) return a;
  return b.on >= a.on ? b : a;
}
