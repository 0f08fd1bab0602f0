/**
 * One-off, after deploying the next-action index: gives every open invoice issued before it (no `nextActionOn`)
 * its next action date, so dunning (which reads only that index) finds it again. Safe to run again: invoices with
 * a date are left alone.
 *
 * 1. Every open invoice (the open-by-due index, sharded; never a Scan).
 * 2. Each one without a next action date gets the one the policy gives it from what was sent (domain
 *    `nextActionDate`, looking from `asOf`, default today); none left: nothing to write.
 * 3. Write it (`scheduleNext`: the invoice's attribute and its index item together; a settled one is skipped).
 */
import { todayIn } from '#domain/dates';
import { nextActionDate, type DunningPolicy } from '#domain/dunning';
import type { IsoDate } from '#domain/model';
import type { Clock, Company, Invoices } from '../ports.ts';

export interface ScheduleOpenInvoicesDeps {
  readonly invoices: Pick<Invoices, 'openDueBefore' | 'scheduleNext'>;
  readonly clock: Clock;
  readonly company: Pick<Company, 'timezone'>;
  readonly policy: DunningPolicy;
}

export async function scheduleOpenInvoices(input: { asOf?: IsoDate }, deps: ScheduleOpenInvoicesDeps): Promise<{ scheduled: number; none: number }> {
  const asOf = input.asOf ?? todayIn(deps.company.timezone, deps.clock.now());
  const open = await deps.invoices.openDueBefore('9999-12-31');
  let scheduled = 0;
  let none = 0;
  for (const inv of open) {
    if (inv.nextActionOn !== undefined || inv.balance <= 0) continue;
    const next = nextActionDate(deps.policy, { dueDate: inv.dueDate, sent: inv.dunningLevels ?? [], ...(inv.promisedUntil ? { promisedUntil: inv.promisedUntil } : {}) }, asOf);
    if (next === null) {
      none++;
      continue;
    }
    await deps.invoices.scheduleNext(inv.number, next);
    scheduled++;
  }
  return { scheduled, none };
}
