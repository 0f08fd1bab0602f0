/**
 * EventBridge Scheduler locally: fires the template's `cron(...)` schedules at
 * their minute in their time zone while the stack runs, and on demand (the CLI's
 * `schedule run`) with an as-of date; a failed run is retried per the target's RetryPolicy (runSchedule).
 */
import { randomBytes } from 'node:crypto';
import type { FunctionHost } from './functions.ts';
import type { LocalSchedule } from './template.ts';

function fieldMatches(field: string, value: number): boolean {
  if (field === '*' || field === '?') return true;
  return field.split(',').some((part) => {
    const [range, stepText] = part.split('/') as [string, string | undefined];
    const step = stepText ? Number(stepText) : 1;
    const [lo, hi] = range === '*' ? [0, 59] : range.includes('-') ? range.split('-').map(Number) : [Number(range), stepText ? 59 : Number(range)];
    return value >= lo! && value <= hi! && (value - lo!) % step === 0;
  });
}

const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** EventBridge's day of week: 1-7 (1 = Sunday) or SUN-SAT, lists and ranges; `?` or `*` any day. */
function weekdayMatches(field: string, weekday: number): boolean {
  if (field === '*' || field === '?') return true;
  const numbered = field.toUpperCase().replace(/[A-Z]{3}/g, (name) => String(WEEKDAYS.indexOf(name) + 1));
  return fieldMatches(numbered, weekday + 1);
}

/** True when `cron(min hour day-of-month month day-of-week year)` fires at `now` in `timeZone` (day-of-week by name or number 1-7; `L`, `W` and `#` are not supported). */
export function cronFires(expression: string, timeZone: string, now: Date): boolean {
  const m = /^cron\((.+)\)$/.exec(expression.trim());
  if (!m) return false;
  const [min, hour, dom, month, dow = '?'] = m[1]!.trim().split(/\s+/) as [string, string, string, string, string?];
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone, hour12: false, minute: 'numeric', hour: 'numeric', day: 'numeric', month: 'numeric' })
      .formatToParts(now)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<string, number>;
  const weekday = WEEKDAYS.indexOf(new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short' }).format(now).toUpperCase());
  return fieldMatches(min, parts.minute!) && fieldMatches(hour, parts.hour! % 24) && fieldMatches(dom, parts.day!) && fieldMatches(month, parts.month!) && weekdayMatches(dow, weekday);
}

/** How long the local scheduler waits before it retries a failed run (EventBridge backs off for longer). */
export const LOCAL_SCHEDULE_RETRY_MS = 200;

/**
 * The input with EventBridge Scheduler's context attributes filled in
 * (https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html):
 * `<aws.scheduler.scheduled-time>` the instant the schedule fired (the same on every retry of that run),
 * `<aws.scheduler.execution-id>` and `<aws.scheduler.attempt-number>` this attempt's, `<aws.scheduler.schedule-arn>`.
 */
export function withContextAttributes(input: unknown, context: { scheduleArn: string; scheduledTime: string; executionId: string; attempt: number }): unknown {
  const values: Record<string, string> = { 'schedule-arn': context.scheduleArn, 'scheduled-time': context.scheduledTime, 'execution-id': context.executionId, 'attempt-number': String(context.attempt) };
  return JSON.parse(JSON.stringify(input ?? {}).replace(/<aws\.scheduler\.([a-z-]+)>/g, (whole, name: string) => values[name] ?? whole));
}

/** A fire time as EventBridge Scheduler writes it (`2022-03-22T18:59:43Z`, no milliseconds unless it has some: a run by hand). */
const schedulerTime = (at: Date) => at.toISOString().replace('.000Z', 'Z');

/**
 * Runs a schedule's target as EventBridge Scheduler does: a failed run (an error, or an invocation that died) is run
 * again, up to the target's RetryPolicy.MaximumRetryAttempts times, with the same input (the same scheduled time,
 * `scheduledAt`: when the cron fired, or now for a run by hand); the last error is thrown.
 */
export async function runSchedule(schedule: Pick<LocalSchedule, 'fn' | 'retryAttempts'> & { logicalId?: string }, input: unknown, host: FunctionHost, retryMs = LOCAL_SCHEDULE_RETRY_MS, scheduledAt = new Date()): Promise<unknown> {
  const scheduleArn = `arn:aws:scheduler:local:000000000000:schedule/default/${schedule.logicalId ?? schedule.fn}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const context = { scheduleArn, scheduledTime: schedulerTime(scheduledAt), executionId: randomBytes(8).toString('hex'), attempt: attempt + 1 };
      return await host.invoke(schedule.fn, withContextAttributes(input, context));
    } catch (error) {
      if (attempt >= schedule.retryAttempts) throw error;
      await new Promise((r) => setTimeout(r, retryMs));
    }
  }
}

export function startScheduler(schedules: readonly LocalSchedule[], host: FunctionHost, log: (line: string) => void, options: { timers?: boolean } = {}): { schedules: readonly LocalSchedule[]; stop(): void } {
  if (options.timers === false) return { schedules, stop: () => undefined }; // fired by the admin route only
  let lastMinute = -1;
  const timer = setInterval(() => {
    const now = new Date();
    const minute = Math.floor(now.getTime() / 60_000);
    if (minute === lastMinute) return;
    lastMinute = minute;
    for (const s of schedules) {
      if (!cronFires(s.expression, s.timezone, now)) continue;
      log(`schedule ${s.logicalId} fired`);
      runSchedule(s, s.input, host, LOCAL_SCHEDULE_RETRY_MS, new Date(minute * 60_000)).catch((e: Error) => log(`schedule ${s.logicalId} failed: ${e.message}`));
    }
  }, 15_000);
  timer.unref();
  return { schedules, stop: () => clearInterval(timer) };
}
