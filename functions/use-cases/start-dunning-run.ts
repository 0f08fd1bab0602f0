/**
 * The scheduled dunning run (and `o2c schedule run dunning --as-of`), fanned out by shard: a run at 100,000 open
 * invoices is more than one Lambda's 5 minutes, so each shard of the next-action index gets its own worker.
 *
 * 1. The run's day: `asOf`, default today in the company's zone; its id: the day and the instant the schedule fired
 *    (`scheduledTime`, EventBridge Scheduler's — the same on each of its retries of that run, so a run whose
 *    invocation died after step 2 is retried as the same run), else, invoked without one, the instant it started.
 *    A second run the same day is a run of its own: its letters, fees and actions are the ones still due.
 * 2. Put the run's record (its shard count, none done) unless it is there (a retry of the run: kept as it is,
 *    with the shards it has counted) — the shard workers count themselves in there, once each.
 * 3. Queue one message per shard of the next-action index (`{ runId, asOf, shard }`): run-dunning-shard works it
 *    (use-cases/run-dunning-shard). A retry queues them all again; a message queued twice, or a run started
 *    again, sends nothing twice: the dunning marks, fee items and mail keys are per invoice and level, the
 *    record counts a shard once.
 */
import { todayIn } from '#domain/dates';
import type { IsoDate, IsoInstant } from '#domain/model';
import type { Clock, Company, DunningRuns, DunningShardMessage, Invoices, Outbox } from '../ports.ts';

export interface StartDunningRunDeps {
  readonly invoices: Pick<Invoices, 'actionShards'>;
  readonly dunningRuns: Pick<DunningRuns, 'start'>;
  readonly dunningShardQueue: Outbox<DunningShardMessage>;
  readonly clock: Clock;
  readonly company: Pick<Company, 'timezone'>;
}

export interface StartedDunningRun {
  readonly runId: string;
  readonly asOf: IsoDate;
  readonly shards: number;
}

export async function startDunningRun(input: { asOf?: IsoDate; scheduledTime?: IsoInstant }, deps: StartDunningRunDeps): Promise<StartedDunningRun> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const asOf = input.asOf ?? todayIn(deps.company.timezone, now);
  const runId = `${asOf}@${input.scheduledTime ?? at}`;
  const shards = deps.invoices.actionShards;
  await deps.dunningRuns.start({ runId, asOf, shards, at });
  await deps.dunningShardQueue.sendMany(Array.from({ length: shards }, (_, shard) => ({ runId, asOf, shard })));
  return { runId, asOf, shards };
}
