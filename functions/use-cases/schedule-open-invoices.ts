/**
 * One-off, after deploying the next-action index or a change of its sharding (it is sharded by customer since
 * dunning fans out by shard): gives every open invoice issued before it (no `nextActionOn`) its next action date,
 * and puts every dated one's index item again, in its customer's shard, so dunning (which reads only that index,
 * a shard per worker) finds each customer's invoices together. Safe to run again.
 *
 * 1. Every open invoice (the open-by-due index, sharded; never a Scan).
 * 2. Each one without a next action date gets the one the policy gives it from what was sent (domain
 *    `nextActionDate`, looking from `asOf`, default today); none left: nothing to write. One with a date keeps it.
 * 3. Write it (`scheduleNext`: the invoice's attribute and its index item together, in its customer's shard; a
 *    settled one is skipped), a pool of them at once.
 */
import { todayIn } from '#domain/dates';
import { nextActionDate, type DunningPolicy } from '#domain/dunning';
import type { IsoDate } from '#domain/model';
import type { Clock, Company, Invoices } from '../ports.ts';
import { inPool } from './plan-dunning.ts';

export interface ScheduleOpenInvoicesDeps {
  readonly invoices: Pick<Invoices, 'openDueBefore' | 'scheduleNext'>;
  readonly clock: Clock;
  readonly company: Pick<Company, 'timezone'>;
  readonly policy: DunningPolicy;
}

export async function scheduleOpenInvoices(input: { asOf?: IsoDate }, deps: ScheduleOpenInvoicesDeps): Promise<{ scheduled: number; reindexed: number; none: number }> {
  const asOf = input.asOf ?? todayIn(deps.company.timezone, deps.clock.now());
  const open = await deps.invoices.openDueBefore('9999-12-31');
  let scheduled = 0;
  let reindexed = 0;
  let none = 0;
  const writes = open.flatMap((inv) => {
    if (inv.balance <= 0) return [];
    if (inv.nextActionOn !== undefined) {
      reindexed++;
      return [{ inv, next: inv.nextActionOn }];
    }
    const next = nextActionDate(deps.policy, { dueDate: inv.dueDate, sent: inv.dunningLevels ?? [], ...(inv.promisedUntil ? { promisedUntil: inv.promisedUntil } : {}) }, asOf);
    if (next === null) {
      none++;
      return [];
    }
    scheduled++;
    return [{ inv, next }];
  });
  await inPool(writes, ({ inv, next }) => deps.invoices.scheduleNext(inv, next));
  return { scheduled, reindexed, none };
}
