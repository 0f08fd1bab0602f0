import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays, compareDates, daysBetween, isIsoDate, todayIn, toIsoDate, yearOf } from '../../../functions/domain/dates.ts';
import { DomainError } from '../../../functions/domain/errors.ts';

describe('dates', () => {
  it('are calendar arithmetic in UTC', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    // across the UK and EU clock changes a day is still a day
    expect(addDays('2026-03-28', 2)).toBe('2026-03-30');
    expect(addDays('2026-10-24', 2)).toBe('2026-10-26');
    expect(daysBetween('2026-11-22', '2026-12-22')).toBe(30);
    expect(daysBetween('2026-12-22', '2026-11-22')).toBe(-30);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(compareDates('2026-01-02', '2026-01-01')).toBe(1);
    expect(compareDates('2026-01-01', '2026-01-01')).toBe(0);
    expect(compareDates('2025-12-31', '2026-01-01')).toBe(-1);
    expect(yearOf('2026-11-22')).toBe(2026);
  });

  it('validates calendar dates', () => {
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2000-02-29')).toBe(true);
    expect(isIsoDate('2100-02-29')).toBe(false);
    expect(isIsoDate('2026-04-31')).toBe(false);
    expect(isIsoDate('2026-2-3')).toBe(false);
    expect(isIsoDate('2026-11-22T00:00:00Z')).toBe(false);
    expect(isIsoDate(20261122)).toBe(false);
    expect(() => addDays('2026-13-01', 1)).toThrow(/calendar date/);
    expect(() => addDays('2026-01-01', 1.5)).toThrow(DomainError);
    expect(() => yearOf('2026-02-30')).toThrow(DomainError);
  });

  it('takes the UTC date of an instant, and refuses times without a zone', () => {
    expect(toIsoDate('2026-11-22T23:59:59.999Z')).toBe('2026-11-22');
    expect(toIsoDate('2026-11-22T23:30:00-05:00')).toBe('2026-11-23');
    expect(toIsoDate('2026-11-22T00:30:00+02:00')).toBe('2026-11-21');
    expect(toIsoDate('2026-11-22')).toBe('2026-11-22');
    expect(() => toIsoDate('2026-11-22T10:00:00')).toThrow(/zone/);
    expect(() => toIsoDate('Sun, 22 Nov 2026 10:00:00 GMT')).toThrow(DomainError);
    expect(() => toIsoDate('2026-02-30T10:00:00Z')).toThrow(DomainError);
  });

  it('knows today in a time zone', () => {
    expect(todayIn('Asia/Tokyo', new Date('2026-11-22T16:00:00Z'))).toBe('2026-11-23');
    expect(todayIn('Europe/London', new Date('2026-11-22T16:00:00Z'))).toBe('2026-11-22');
    expect(todayIn('America/Los_Angeles', new Date('2026-11-22T06:00:00Z'))).toBe('2026-11-21');
  });

  it('property: addDays and daysBetween are inverses and agree with compareDates', () => {
    const arbDate = fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(arbDate, fc.integer({ min: -20_000, max: 20_000 }), (d, n) => {
        const e = addDays(d, n);
        expect(isIsoDate(e)).toBe(true);
        expect(daysBetween(d, e)).toBe(n);
        expect(addDays(e, -n)).toBe(d);
        expect(compareDates(e, d)).toBe(Math.sign(n));
        // string order is date order for YYYY-MM-DD in these years
        expect(Math.sign(e.localeCompare(d))).toBe(Math.sign(n));
      }),
      { numRuns: 500 },
    );
  });
});
