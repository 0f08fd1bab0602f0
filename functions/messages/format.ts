/**
 * Money and dates as each language writes them, for the vars of its messages
 * (Intl, with the full ICU data Node ships):
 *
 *   formatsFor('sv').money({ amount: 123450, currency: 'SEK' })  → "1 234,50 kr"
 *   formatsFor('ja').date('2026-12-31')                          → "2026年12月31日"
 *
 * Amounts never pass through a float: the minor units become a decimal string
 * (domain/money `toDecimalString`) and Intl formats the string exactly, so
 * 9 007 199 254 740 991 minor units print every digit. The currency keeps its
 * own sign in every language ("12,00 £" in a Swedish email about a GBP
 * invoice, where Swedish has only "GBP"; a currency without a sign, CHF,
 * keeps its code).
 * A calendar date is read as that day in UTC and printed in UTC, so no zone
 * moves it.
 */
import { isIsoDate } from '../domain/dates.ts';
import type { Language, Money } from '../domain/model.ts';
import { formatMoney } from '../domain/money.ts';

/** The Intl locale each catalogue language writes in (English as written in the UK, where o2c's defaults are). */
export const LOCALES: { readonly [L in Language]: string } = { en: 'en-GB', sv: 'sv-SE', zh: 'zh-CN', ja: 'ja-JP', ru: 'ru-RU' };

export interface Formats {
  readonly locale: string;
  /** Minor units in their currency, with the currency's sign, as the language writes it. */
  readonly money: (m: Money) => string;
  /** A `YYYY-MM-DD` calendar date in the language's long form ("31 December 2026", "31 december 2026", "31 декабря 2026 г."). */
  readonly date: (d: string) => string;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The formats of one language (a language without a catalogue formats as English). */
export function formatsFor(language: string): Formats {
  const locale = Object.hasOwn(LOCALES, language) ? LOCALES[language as Language] : LOCALES.en;
  return {
    locale,
    money: (m) => {
      // The locale's symbol ("US$", "kr", "£"); where it has none but the ISO code (GBP in Swedish), the currency's own sign.
      const symbol = formatMoney(m, locale);
      return symbol.includes(m.currency) ? formatMoney(m, locale, 'narrowSymbol') : symbol;
    },
    date: (d) => {
      if (!isIsoDate(d)) return d;
      let f = dateFormats.get(locale);
      if (!f) dateFormats.set(locale, (f = new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' })));
      return f.format(Date.parse(`${d}T00:00:00Z`));
    },
  };
}

/** A rate in parts per million as a percentage number in the locale's digits ("2", "1,5"), exact (no float). */
export function percentIn(locale: string, ratePpm: number): string {
  const whole = Math.trunc(ratePpm / 10_000);
  const frac = String(ratePpm % 10_000).padStart(4, '0').replace(/0+$/, '');
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 4 }).format((frac ? `${whole}.${frac}` : String(whole)) as unknown as number);
}
