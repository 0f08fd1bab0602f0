/**
 * plan-dunning (daily schedule): which overdue invoices need a reminder today?
 * 1. Read open invoices due before `asOf` from the sparse, sharded index (never a Scan).
 * 2. For each, the dunning level due (domain): highest reached and not yet sent.
 * 3. Mark the level sent (conditional: once per invoice and level), then queue
 *    the reminder. Running twice on a day queues nothing new.
 */
import * as z from 'zod/mini';
import { todayIn } from '#domain/dates';
import { nextDunningLevel } from '#domain/dunning';
import { markDunningLevel, openInvoicesDueBefore } from '#adapters/invoices';
import { sendJsonBatch } from '#adapters/queue';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { env, envOr, metrics, scheduledHandler } from '#runtime';
import { ScheduleInput } from '#platforms/canonical';


const levels = envOr('DUNNING_LEVELS', '1,7,14,30').split(',').map(Number);
const timezone = envOr('TIMEZONE', 'UTC');

export async function planDunning(input: z.infer<typeof ScheduleInput>, enqueue: (messages: unknown[]) => Promise<void> = (m) => sendJsonBatch(env('DUNNING_QUEUE_URL'), m)) {
  const asOf = input.asOf ?? todayIn(timezone);
  const overdue = await openInvoicesDueBefore(asOf);
  const messages: { invoiceNumber: string; level: number; asOf: string }[] = [];
  for (const inv of overdue) {
    const sent = ((inv as { dunningLevels?: number[] }).dunningLevels ?? []).slice();
    const level = nextDunningLevel({ dueDate: inv.dueDate, asOf, levels, sent });
    if (level === null) continue;
    if (await markDunningLevel(inv.number, level, asOf)) messages.push({ invoiceNumber: inv.number, level, asOf });
  }
  if (messages.length > 0) await enqueue(messages);
  metrics.addMetric('RemindersQueued', MetricUnit.Count, messages.length);
  return { asOf, overdue: overdue.length, reminders: messages.length };
}

export const handler = scheduledHandler(ScheduleInput, (input) => planDunning(input));
