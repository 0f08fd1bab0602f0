/**
 * Exact money: integer minor units of an ISO 4217 currency. Nothing here ever
 * holds an amount in a float; products that could pass 2^53 are done in BigInt.
 */
import { DomainError } from './errors.ts';
import type { CurrencyCode, Money, RoundingMode } from './model.ts';

/** Currencies whose minor unit is not 1/100 (ISO 4217 list, current codes). */
const EXPONENT_EXCEPTIONS: Readonly<Record<string, number>> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, UYI: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
  CLF: 4, UYW: 4,
};

/** Active ISO 4217 codes with a two-decimal minor unit. */
const TWO_DECIMAL = (
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY COP CRC CUP CVE CZK ' +
  'DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK ' +
  'LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON ' +
  'RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU UZS VED VES WST XCD ' +
  'XCG YER ZAR ZMW ZWG'
).split(' ');

const EXPONENTS: ReadonlyMap<string, number> = new Map([
  ...TWO_DECIMAL.map((c) => [c, 2] as const),
  ...Object.entries(EXPONENT_EXCEPTIONS),
]);

export function isCurrency(code: unknown): code is CurrencyCode {
  return typeof code === 'string' && EXPONENTS.has(code);
}

/** Decimal places of the currency's minor unit (JPY 0, GBP 2, KWD 3). */
export function currencyExponent(code: CurrencyCode): number {
  const e = EXPONENTS.get(code);
  if (e === undefined) throw new DomainError('UnknownCurrency', `${JSON.stringify(code)} is not an ISO 4217 currency code`);
  return e;
}

export function assertMinorUnits(amount: number, what = 'amount'): void {
  if (!Number.isSafeInteger(amount)) throw new DomainError('InvalidAmount', `${what} must be a whole number of minor units, got ${amount}`);
}

export function money(amount: number, currency: CurrencyCode): Money {
  assertMinorUnits(amount);
  currencyExponent(currency);
  return { amount, currency };
}

function sameCurrency(a: Money, b: Money): void {
  if (a.currency !== b.currency) throw new DomainError('CurrencyMismatch', `cannot combine ${a.currency} with ${b.currency}`);
}

function checked(n: number): number {
  if (!Number.isSafeInteger(n)) throw new DomainError('AmountOverflow', 'amount exceeds the exact integer range');
  return n;
}

export function add(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: checked(a.amount + b.amount), currency: a.currency };
}

export function subtract(a: Money, b: Money): Money {
  sameCurrency(a, b);
  return { amount: checked(a.amount - b.amount), currency: a.currency };
}

export function sum(list: readonly Money[], currency: CurrencyCode): Money {
  return list.reduce((acc, m) => add(acc, m), money(0, currency));
}

/** Integer sum of minor-unit amounts, checked for exactness. */
export function sumAmounts(amounts: readonly number[]): number {
  let total = 0;
  for (const a of amounts) {
    assertMinorUnits(a);
    total = checked(total + a);
  }
  return total;
}

/** roundDiv on BigInts, with no range limit on the result. */
export function roundDivBig(n: bigint, d: bigint, mode: RoundingMode): bigint {
  if (mode !== 'half-up' && mode !== 'half-even') throw new DomainError('InvalidRounding', `unknown rounding mode ${JSON.stringify(mode)}`);
  if (d === 0n) throw new DomainError('DivisionByZero', 'division by zero');
  if (d < 0n) {
    n = -n;
    d = -d;
  }
  const negative = n < 0n;
  const abs = negative ? -n : n;
  let q = abs / d;
  const r2 = (abs % d) * 2n;
  if (r2 > d || (r2 === d && (mode === 'half-up' || q % 2n === 1n))) q += 1n;
  return negative ? -q : q;
}

/**
 * n / d rounded to an integer. `half-up` rounds halves away from zero (the
 * commercial rule, HMRC's for VAT); `half-even` rounds halves to the even neighbour.
 */
export function roundDiv(n: number | bigint, d: number | bigint, mode: RoundingMode): number {
  for (const v of [n, d]) {
    if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new DomainError('InvalidAmount', `roundDiv needs whole numbers, got ${v}`);
  }
  const q = roundDivBig(BigInt(n), BigInt(d), mode);
  return checked(Number(q));
}

/** amount × ratePpm / 1,000,000, rounded by `mode` (e.g. 20 % VAT = 200,000 ppm). */
export function applyRatePpm(amount: number, ratePpm: number, mode: RoundingMode): number {
  assertMinorUnits(amount);
  if (!Number.isSafeInteger(ratePpm)) throw new DomainError('InvalidRate', `rate must be an integer number of ppm, got ${ratePpm}`);
  return roundDiv(BigInt(amount) * BigInt(ratePpm), 1_000_000n, mode);
}

/**
 * Splits `total` in proportion to `weights` by the largest-remainder method:
 * every share is the floor of its exact quota, and the units left over go to
 * the largest remainders (ties to the earlier index). The shares always sum
 * to `total` exactly. Negative totals are split as the mirror of the positive.
 */
export function allocate(total: number, weights: readonly number[]): number[] {
  assertMinorUnits(total, 'total');
  if (weights.length === 0) throw new DomainError('InvalidAllocation', 'nothing to allocate to');
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new DomainError('InvalidAllocation', `weights must be non-negative integers, got ${w}`);
  }
  if (total < 0) return allocate(-total, weights).map((s) => (s === 0 ? 0 : -s));
  const weightSum = weights.reduce((a, w) => a + BigInt(w), 0n);
  if (weightSum === 0n) throw new DomainError('InvalidAllocation', 'weights sum to zero');
  const t = BigInt(total);
  const shares = weights.map((w) => (t * BigInt(w)) / weightSum);
  const remainders = weights.map((w, i) => ({ i, r: (t * BigInt(w)) % weightSum }));
  let left = t - shares.reduce((a, s) => a + s, 0n);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0n) break;
    shares[i] = (shares[i] ?? 0n) + 1n;
    left -= 1n;
  }
  return shares.map((s) => Number(s));
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * Parses a decimal string ("12.34", "-0.5", "1000") into exact minor units of
 * `currency`. Extra decimals beyond the currency's exponent are accepted only
 * when they are zeros ("12.340" GBP); anything else (floats, exponents, commas,
 * spaces) is rejected rather than guessed.
 */
export function parseDecimal(text: string, currency: CurrencyCode): number {
  const exp = currencyExponent(currency);
  const m = DECIMAL.exec(typeof text === 'string' ? text.trim() : '');
  if (!m) throw new DomainError('InvalidDecimal', `${JSON.stringify(text)} is not a decimal amount`);
  const [, sign, whole = '0', frac = ''] = m;
  const significant = frac.slice(0, exp);
  if (/[^0]/.test(frac.slice(exp))) {
    throw new DomainError('InvalidDecimal', `${text} has more than ${exp} decimal places for ${currency}`);
  }
  const units = BigInt(whole + significant.padEnd(exp, '0'));
  const value = Number(sign ? -units : units);
  if (!Number.isSafeInteger(value)) throw new DomainError('AmountOverflow', `${text} exceeds the exact integer range`);
  return value === 0 ? 0 : value;
}

/** "12.34" for 1234 GBP, "1234" for 1234 JPY, "1.234" for 1234 KWD. */
export function toDecimalString(m: Money): string {
  assertMinorUnits(m.amount);
  const exp = currencyExponent(m.currency);
  const negative = m.amount < 0;
  const digits = String(Math.abs(m.amount)).padStart(exp + 1, '0');
  const whole = digits.slice(0, digits.length - exp);
  const frac = digits.slice(digits.length - exp);
  return `${negative ? '-' : ''}${whole}${exp > 0 ? `.${frac}` : ''}`;
}

/**
 * Locale formatting ("£1,234.56", "￥1,234"). The decimal string goes to Intl
 * as a string, which formats it exactly (no float division). `display`:
 * Intl's `currencyDisplay` (default `symbol`; `narrowSymbol` gives "£" where
 * a locale's symbol is the ISO code, e.g. GBP in Swedish).
 */
export function formatMoney(m: Money, locale = 'en-GB', display: 'symbol' | 'narrowSymbol' = 'symbol'): string {
  const exp = currencyExponent(m.currency);
  const fmt = new Intl.NumberFormat(locale, { style: 'currency', currency: m.currency, currencyDisplay: display, minimumFractionDigits: exp, maximumFractionDigits: exp });
  return fmt.format(toDecimalString(m) as unknown as number);
}

/** Parses a decimal rate ("0.2", "0.08875", "20%") into integer parts per million. */
export function parseRatePpm(text: string): number {
  const t = text.trim();
  const percent = t.endsWith('%');
  const m = /^(\d+)(?:\.(\d+))?$/.exec(percent ? t.slice(0, -1).trim() : t);
  if (!m) throw new DomainError('InvalidRate', `${JSON.stringify(text)} is not a rate`);
  const [, whole = '0', frac = ''] = m;
  const scale = percent ? 4 : 6;
  if (/[^0]/.test(frac.slice(scale))) throw new DomainError('InvalidRate', `${text} is finer than one part per million`);
  return Number(BigInt(whole + frac.slice(0, scale).padEnd(scale, '0')));
}
