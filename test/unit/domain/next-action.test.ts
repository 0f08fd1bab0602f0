/** domain/dunning `nextActionDate`: the day an open invoice's next level falls due — the key of the next-action index. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../functions/domain/dates.ts';
import { DEFAULT_DUNNING_POLICY as P, levelDue, nextActionDate } from '../../../functions/domain/dunning.ts';

const due = '2026-12-01';

describe('nextActionDate (default policy: −3 courtesy, +7 reminder, +21 firm, +35 final, +60 agency)', () => {
  it('is the first level after the highest sent; none after the hand-over', () => {
    expect(nextActionDate(P, { dueDate: due, sent: [] }, '2026-11-01')).toBe('2026-11-28'); // courtesy at −3
    expect(nextActionDate(P, { dueDate: due, sent: ['courtesy'] }, '2026-11-29')).toBe('2026-12-08'); // reminder at +7
    expect(nextActionDate(P, { dueDate: due, sent: ['courtesy', 'reminder'] }, '2026-12-09')).toBe('2026-12-22');
    expect(nextActionDate(P, { dueDate: due, sent: ['firm'] }, '2026-12-23')).toBe('2027-01-05'); // a missed level is not revisited
    expect(nextActionDate(P, { dueDate: due, sent: ['final'] }, '2027-01-06')).toBe('2027-01-30');
    expect(nextActionDate(P, { dueDate: due, sent: ['agency'] }, '2027-01-31')).toBeNull();
    expect(nextActionDate({ ...P, levels: P.levels.slice(0, 2) }, { dueDate: due, sent: ['reminder'] }, '2026-12-09')).toBeNull(); // no level left
  });

  it('skips a pre-due level once the invoice is overdue, and waits for the day after a promise', () => {
    expect(nextActionDate(P, { dueDate: due, sent: [] }, '2026-12-01')).toBe('2026-11-28'); // on the due day the courtesy note can still go
    expect(nextActionDate(P, { dueDate: due, sent: [] }, '2026-12-02')).toBe('2026-12-08');
    expect(nextActionDate(P, { dueDate: due, sent: ['reminder'], promisedUntil: '2026-12-31', promisedAtLevel: 1 }, '2026-12-10')).toBe('2027-01-01');
    expect(nextActionDate(P, { dueDate: due, sent: ['reminder'], promisedUntil: '2026-12-10', promisedAtLevel: 1 }, '2026-12-10')).toBe('2026-12-22');
  });

  it('property: no level is due on any day before it (a run that reads only invoices whose date has come misses nothing)', () => {
    const sentSets = [[], ['courtesy'], ['reminder'], ['courtesy', 'reminder'], ['firm'], ['final'], ['agency']];
    fc.assert(
      fc.property(fc.constantFrom(...sentSets), fc.integer({ min: -20, max: 90 }), fc.option(fc.integer({ min: -5, max: 80 }), { nil: undefined }), fc.integer({ min: 0, max: 60 }), (sent, fromOffset, promise, span) => {
        const input = { dueDate: due, sent, ...(promise !== undefined ? { promisedUntil: addDays(due, promise), promisedAtLevel: sent.length } : {}) };
        const from = addDays(due, fromOffset);
        const next = nextActionDate(P, input, from);
        for (let d = 0; d <= span; d++) {
          const day = addDays(from, d);
          if (next !== null && day >= next) break;
          expect(levelDue(P, { ...input, asOf: day }), `${day} before ${next}`).toBeNull();
        }
      }),
    );
  });
});
