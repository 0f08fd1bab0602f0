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

/** An open invoice as dunning reads it: its due date, the levels sent, what is owed, disputed and promised. */
export interface ChaseInput extends DunningInput {
  readonly balance: number;
  /** Minor units under open disputes (0 when none). */
  readonly disputed?: number;
  /** The customer promised to pay by this day. */
  readonly promisedUntil?: IsoDate;
  /** The highest level sent when the promise was made (0: none; absent: the highest sent now). */
  readonly promisedAtLevel?: number;
}

/**
 * The reminder to send an invoice now, disputes and promises included:
 * - nothing when the balance minus what is disputed is nothing (a dispute is not chased);
 * - nothing while a promise to pay holds (`promisedUntil` ≥ `asOf`);
 * - a broken promise (the day after it, unpaid) resumes at the level after the
 *   last one sent before the promise — not at the highest level reached
 *   meanwhile — and the levels after it keep their spacing from there: the days
 *   the promise held are taken off the days past due, so the customer is not
 *   sent the rest of the ladder one level a day;
 * - otherwise `nextDunningLevel`.
 */
export function reminderLevel(input: ChaseInput): number | null {
  if (input.balance - (input.disputed ?? 0) <= 0) return null;
  const { promisedUntil } = input;
  if (promisedUntil === undefined) return nextDunningLevel(input);
  const sinceBroken = daysBetween(promisedUntil, input.asOf);
  if (sinceBroken <= 0) return null;
  assertDunningLevels(input.levels);
  const highestSent = Math.max(0, ...input.sent);
  const resume = input.levels.find((l) => l > (input.promisedAtLevel ?? highestSent));
  if (resume === undefined) return null;
  // On the first day after the promise the clock stands at the resumed level (never ahead of the real days past due).
  const pastDue = Math.min(daysBetween(input.dueDate, input.asOf), resume + sinceBroken - 1);
  const due = input.levels.filter((l) => l > highestSent && l <= pastDue);
  return due.length > 0 ? due[due.length - 1]! : null;
}
