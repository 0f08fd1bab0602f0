import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../functions/domain/dates.ts';
import { dueDunningLevels, nextDunningLevel, reminderTone } from '../../../functions/domain/dunning.ts';

const levels = [1, 7, 14, 30];
const due = '2026-11-01';

describe('dunning levels', () => {
  it('sends each level once, on or after its day', () => {
    expect(nextDunningLevel({ dueDate: due, asOf: '2026-11-01', levels, sent: [] })).toBeNull(); // due today
    expect(nextDunningLevel({ dueDate: due, asOf: '2026-11-02', levels, sent: [] })).toBe(1);
    expect(nextDunningLevel({ dueDate: due, asOf: '2026-11-05', levels, sent: [1] })).toBeNull();
    expect(nextDunningLevel({ dueDate: due, asOf: '2026-11-08', levels, sent: [1] })).toBe(7);
    expect(nextDunningLevel({ dueDate: due, asOf: '2027-06-01', levels, sent: [1, 7, 14, 30] })).toBeNull();
    expect(dueDunningLevels({ dueDate: due, asOf: '2026-11-20', levels, sent: [1] })).toEqual([7, 14]);
    expect(dueDunningLevels({ dueDate: due, asOf: '2026-10-20', levels, sent: [] })).toEqual([]);
  });

  it('sends only the highest reached level when runs were missed, never a milder one after it', () => {
    // 19 days past due, nothing sent: one letter at level 14 (firm), not 1, 7 and 14 at once.
    expect(nextDunningLevel({ dueDate: due, asOf: '2026-11-20', levels, sent: [] })).toBe(14);
    expect(nextDunningLevel({ dueDate: due, asOf: '2026-11-20', levels, sent: [14] })).toBeNull();
    // 7 was skipped and is not sent later: the customer already had the firmer letter.
    expect(nextDunningLevel({ dueDate: due, asOf: '2026-11-25', levels, sent: [1, 14] })).toBeNull();
    expect(nextDunningLevel({ dueDate: due, asOf: '2026-12-01', levels, sent: [1, 14] })).toBe(30);
  });

  it('refuses a bad level list', () => {
    expect(() => nextDunningLevel({ dueDate: due, asOf: '2026-11-20', levels: [7, 1], sent: [] })).toThrow(/ascending/);
    expect(() => nextDunningLevel({ dueDate: due, asOf: '2026-11-20', levels: [], sent: [] })).toThrow(/at least one/);
    expect(() => nextDunningLevel({ dueDate: due, asOf: '2026-11-20', levels: [0, 7], sent: [] })).toThrow(/≥ 1/);
  });

  it('property: a daily run sends every level once, in order; a run with gaps sends ascending levels, at most one per run', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 6 }).map((l) => l.sort((a, b) => a - b)),
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 1, maxLength: 40 }),
        (lv, gaps) => {
          const sentDaily: number[] = [];
          for (let d = 0; d <= 70; d++) {
            const next = nextDunningLevel({ dueDate: due, asOf: addDays(due, d), levels: lv, sent: sentDaily });
            if (next !== null) {
              expect(next).toBe(d); // sent on the very day the level is reached
              sentDaily.push(next);
            }
          }
          expect(sentDaily).toEqual(lv);

          const sent: number[] = [];
          let day = 0;
          for (const g of gaps) {
            day += g;
            const next = nextDunningLevel({ dueDate: due, asOf: addDays(due, day), levels: lv, sent });
            if (next !== null) {
              expect(lv).toContain(next);
              expect(next).toBeLessThanOrEqual(day);
              expect(sent.every((s) => s < next)).toBe(true);
              sent.push(next);
            }
          }
          if (day >= lv[lv.length - 1]!) expect(sent[sent.length - 1]).toBe(lv[lv.length - 1]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('reminder tone', () => {
  it('grows firmer level by level', () => {
    expect(levels.map((l) => reminderTone(l, levels))).toEqual(['friendly', 'firm', 'firm', 'final']);
    expect([7, 30].map((l) => reminderTone(l, [7, 30]))).toEqual(['friendly', 'final']);
    expect(reminderTone(7, [7])).toBe('friendly');
    expect(() => reminderTone(5, levels)).toThrow(/not a dunning level/);
  });
});
