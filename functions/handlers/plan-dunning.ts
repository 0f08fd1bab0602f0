/**
 * plan-dunning (daily schedule): which overdue invoices need a reminder today?
 * 1. Read open invoices due before `asOf` from the sparse, sharded index, all
 *    shards in parallel (never a Scan).
 * 2. For each, the dunning level due (domain): the highest reached and not yet sent.
 * 3. Claim the level (conditional put DUNNING#<level>: once per invoice and level).
 * 4. Queue the reminders (batches of ten), then confirm each claimed level queued.
 * Running twice on a day queues nothing new. A run that dies between 3 and 4
 * leaves claims unconfirmed; the next run queues those again (send-mail's key
 * `reminder:<number>:<level>` makes that at most one email), so a reminder is
 * never lost to a crash.
 */
import * as z from 'zod/mini';
import { todayIn } from '#domain/dates';
import { nextDunningLevel } from '#domain/dunning';
import type { Invoice } from '#domain/model';
import { claimDunningLevel, confirmDunningQueued, openInvoicesDueBefore } from '#adapters/invoices';
import { sendJsonBatch } from '#adapters/queue';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { env, envOr, metrics, scheduledHandler } from '#runtime';
import { ScheduleInput } from '#platforms/canonical';

const levels = envOr('DUNNING_LEVELS', '1,7,14,30').split(',').map(Number);
const timezone = envOr('TIMEZONE', 'UTC');

export interface ReminderRequest {
  readonly invoiceNumber: string;
  readonly level: number;
  readonly asOf: string;
}
export type Enqueue = (messages: ReminderRequest[]) => Promise<void>;

const CLAIMS_IN_PARALLEL = 16;

export async function planDunning(input: z.infer<typeof ScheduleInput>, enqueue: Enqueue = (m) => sendJsonBatch(env('DUNNING_QUEUE_URL'), m)) {
  const asOf = input.asOf ?? todayIn(timezone);
  const overdue = await openInvoicesDueBefore(asOf);
  const candidates = overdue.flatMap((inv) => {
    const sent = (inv as Invoice & { dunningLevels?: number[] }).dunningLevels ?? [];
    const level = nextDunningLevel({ dueDate: inv.dueDate, asOf, levels, sent });
    return level === null ? [] : [{ invoiceNumber: inv.number, level, asOf }];
  });
  const messages: ReminderRequest[] = [];
  for (let i = 0; i < candidates.length; i += CLAIMS_IN_PARALLEL) {
    const chunk = candidates.slice(i, i + CLAIMS_IN_PARALLEL);
    const claims = await Promise.all(chunk.map((c) => claimDunningLevel(c.invoiceNumber, c.level, asOf)));
    messages.push(...chunk.filter((_, n) => claims[n] !== 'queued'));
  }
  if (messages.length > 0) await enqueue(messages);
  for (let i = 0; i < messages.length; i += CLAIMS_IN_PARALLEL) {
    await Promise.all(messages.slice(i, i + CLAIMS_IN_PARALLEL).map((m) => confirmDunningQueued(m.invoiceNumber, m.level)));
  }
  metrics.addMetric('RemindersQueued', MetricUnit.Count, messages.length);
  return { asOf, overdue: overdue.length, reminders: messages.length };
}

export const handler = scheduledHandler(ScheduleInput, (input) => planDunning(input));
