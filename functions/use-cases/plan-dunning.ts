/**
 * Daily: which overdue invoices need a reminder today (as of `asOf`, default
 * today in the company's zone)?
 *
 * 1. Open invoices due before `asOf`, from the sparse, sharded index (never a Scan).
 * 2. For each, the level due (domain `reminderLevel`): the highest reached and
 *    not yet sent; none while the undisputed balance is nothing or a promise to
 *    pay holds; after a broken promise, the level after the last one sent.
 * 3. Claim the level (once per invoice and level).
 * 4. Queue the reminders, then confirm each claimed level queued.
 * Running twice on a day queues nothing new. A run that dies between 3 and 4
 * leaves claims unconfirmed; the next run queues those again (the reminder's
 * mail key `reminder:<number>:<level>` makes that at most one email), so a
 * reminder is never lost to a crash.
 */
import { todayIn } from '#domain/dates';
import { reminderLevel } from '#domain/dunning';
import type { IsoDate } from '#domain/model';
import type { Clock, Company, DunningMarks, Invoices, Metrics, Outbox, ReminderRequest } from '../ports.ts';

export interface PlanDunningDeps {
  readonly invoices: Invoices;
  readonly dunning: DunningMarks;
  readonly reminderQueue: Outbox<ReminderRequest>;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly company: Company;
  readonly levels: readonly number[];
}

const CLAIMS_IN_PARALLEL = 16;

async function inChunks<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += CLAIMS_IN_PARALLEL) out.push(...(await Promise.all(items.slice(i, i + CLAIMS_IN_PARALLEL).map(fn))));
  return out;
}

export async function planDunning(input: { asOf?: IsoDate }, deps: PlanDunningDeps): Promise<{ asOf: IsoDate; overdue: number; reminders: number }> {
  const now = deps.clock.now();
  const asOf = input.asOf ?? todayIn(deps.company.timezone, now);
  const overdue = await deps.invoices.openDueBefore(asOf);
  const candidates = overdue.flatMap((inv) => {
    const level = reminderLevel({
      dueDate: inv.dueDate,
      asOf,
      levels: deps.levels,
      sent: inv.dunningLevels ?? [],
      balance: inv.balance,
      ...(inv.disputed !== undefined ? { disputed: inv.disputed } : {}),
      ...(inv.promisedUntil !== undefined ? { promisedUntil: inv.promisedUntil } : {}),
      ...(inv.promisedAtLevel !== undefined ? { promisedAtLevel: inv.promisedAtLevel } : {}),
    });
    return level === null ? [] : [{ invoiceNumber: inv.number, level, asOf }];
  });
  const at = now.toISOString();
  const claims = await inChunks(candidates, (c) => deps.dunning.claim(c.invoiceNumber, c.level, asOf, at));
  const messages = candidates.filter((_, n) => claims[n] !== 'queued');
  if (messages.length > 0) await deps.reminderQueue.sendMany(messages);
  await inChunks(messages, (m) => deps.dunning.confirmQueued(m.invoiceNumber, m.level, at));
  deps.metrics.count('RemindersQueued', messages.length);
  return { asOf, overdue: overdue.length, reminders: messages.length };
}
