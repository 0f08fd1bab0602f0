/**
 * Dunning policy: which reminder an overdue invoice is due, and in what tone.
 * Its words, per language, are in functions/messages.
 */
import { daysBetween } from './dates.ts';
import { DomainError } from './errors.ts';
import type { IsoDate } from './model.ts';

export type ReminderTone = 'friendly' | 'firm' | 'final';

export function assertDunningLevels(levels: readonly number[]): void {
  if (levels.length === 0) throw new DomainError('InvalidDunningLevels', 'at least one dunning level is needed');
  levels.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 1) throw new DomainError('InvalidDunningLevels', `dunning level ${l} must be a whole number of days ≥ 1`);
    if (i > 0 && l <= levels[i - 1]!) throw new DomainError('InvalidDunningLevels', 'dunning levels must be ascending');
  });
}

export interface DunningInput {
  readonly dueDate: IsoDate;
  readonly asOf: IsoDate;
  readonly levels: readonly number[];
  readonly sent: readonly number[];
}

/** Levels reached by `asOf` (days past due ≥ level) that have not been sent. */
export function dueDunningLevels({ dueDate, asOf, levels, sent }: DunningInput): number[] {
  assertDunningLevels(levels);
  const pastDue = daysBetween(dueDate, asOf);
  return levels.filter((l) => pastDue >= l && !sent.includes(l));
}

/**
 * The one reminder to send now: the highest level reached and not yet sent.
 * When runs were missed, the customer gets one letter in the right tone, not
 * a burst of every level skipped; lower levels are then considered passed.
 */
export function nextDunningLevel(input: DunningInput): number | null {
  const due = dueDunningLevels(input);
  const highestSent = Math.max(0, ...input.sent);
  const next = due.filter((l) => l > highestSent);
  return next.length > 0 ? next[next.length - 1]! : null;
}

export function reminderTone(level: number, levels: readonly number[]): ReminderTone {
  assertDunningLevels(levels);
  const i = levels.indexOf(level);
  if (i < 0) throw new DomainError('InvalidDunningLevels', `${level} is not a dunning level`);
  if (i === levels.length - 1 && levels.length > 1) return 'final';
  return i === 0 ? 'friendly' : 'firm';
}
