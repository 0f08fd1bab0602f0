/**
 * Calendar dates as `YYYY-MM-DD` strings, computed in UTC so a machine's local
 * zone never moves a due date. Time zones enter only in `todayIn`.
 */
import { DomainError } from './errors.ts';
import type { IsoDate } from './model.ts';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

export function isIsoDate(value: unknown): value is IsoDate {
  if (typeof value !== 'string') return false;
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [, y, mo, d] = m.map(Number) as [number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

function epochDay(date: IsoDate): number {
  if (!isIsoDate(date)) throw new DomainError('InvalidDate', `${JSON.stringify(date)} is not a calendar date (YYYY-MM-DD)`);
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function fromEpochDay(day: number): IsoDate {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(date: IsoDate, days: number): IsoDate {
  if (!Number.isInteger(days)) throw new DomainError('InvalidDate', `days must be whole, got ${days}`);
  return fromEpochDay(epochDay(date) + days);
}

/** Whole days from `a` to `b` (b − a): positive when b is later. */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return epochDay(b) - epochDay(a);
}

export function compareDates(a: IsoDate, b: IsoDate): number {
  return Math.sign(daysBetween(b, a));
}

const INSTANT = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;

/**
 * The UTC calendar date of an ISO instant. A time without a zone designator
 * is refused: `Date.parse` would read it in the machine's local zone.
 */
export function toIsoDate(instant: string): IsoDate {
  if (typeof instant !== 'string' || !INSTANT.test(instant) || !isIsoDate(instant.slice(0, 10))) {
    throw new DomainError('InvalidDate', `${JSON.stringify(instant)} is not an ISO instant with a zone (Z or ±hh:mm)`);
  }
  const t = Date.parse(instant);
  if (Number.isNaN(t)) throw new DomainError('InvalidDate', `${JSON.stringify(instant)} is not an ISO instant`);
  return new Date(t).toISOString().slice(0, 10);
}

export function yearOf(date: IsoDate): number {
  epochDay(date);
  return Number(date.slice(0, 4));
}

/** The calendar date in an IANA time zone at instant `now` (e.g. for "today" in Europe/London). */
export function todayIn(timeZone: string, now: Date): IsoDate {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return parts;
}
