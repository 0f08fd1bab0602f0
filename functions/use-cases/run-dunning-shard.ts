/**
 * One shard of a dunning run (the dunning-shards queue): the policy carried out for the customers whose invoices
 * are in this shard of the next-action index, then the run's worklist once every shard is done.
 *
 * 1. The run's record; none: a message of a run that was never started (a bug) fails to its DLQ. Then the shard's
 *    lease (until the worker's timeout and a minute have passed): held by another worker (a duplicate delivery, a
 *    second run started meanwhile, a run as of another day), the message is retried later (ConcurrentUpdate) — two
 *    workers on one shard would interleave their claims on a customer's invoices and write two partial letters.
 *    Given back at the end, done or failed.
 * 2. Steps 1–8 of plan-dunning for this shard (`dunShard`): its invoices due for an action, one letter per
 *    customer and currency, the fees, the actions, the confirmations, the rescoring. A redelivered message (or a
 *    rerun) finds every level it had queued marked and every fee charged: it sends no second letter or fee, and a
 *    claim left pending by a crash is queued again under the same mail key.
 * 3. Record the shard in the run (`finishShard`): its counts and its worklist lines, once — a second delivery
 *    after the first was recorded adds nothing.
 * 4. When the run's shards are all done: the collectors' worklist of the whole run (plan-dunning `sendWorklist`,
 *    mail key `worklist:<asOf>`: whichever delivery gets here first or again, it goes once).
 */
import type { IsoDate } from '#domain/model';
import type { DunningRuns, DunningShardCounts } from '../ports.ts';
import { ConcurrentUpdate } from '../errors.ts';
import { dunShard, sendWorklist, type PlanDunningDeps } from './plan-dunning.ts';

/** How long a shard worker holds its lease: the function's timeout (5 minutes) and a minute. */
export const LEASE_MS = 6 * 60_000;

export interface RunDunningShardDeps extends PlanDunningDeps {
  readonly dunningRuns: DunningRuns;
}

export interface DunningShardRun extends DunningShardCounts {
  readonly runId: string;
  readonly asOf: IsoDate;
  readonly shard: number;
  /** `again`: this shard was recorded before (a redelivery): its counts here are what this delivery did. */
  readonly outcome: 'recorded' | 'again';
  /** Shards of the run done, of `shards`. */
  readonly done: number;
  readonly shards: number;
  readonly worklistSent: boolean;
}

export async function runDunningShard(input: { runId: string; asOf: IsoDate; shard: number }, deps: RunDunningShardDeps): Promise<DunningShardRun> {
  const { runId, asOf, shard } = input;
  const run = await deps.dunningRuns.get(runId);
  if (!run) throw new Error(`dunning run ${runId} has no record: it was never started`);
  const now = deps.clock.now();
  const holder = `${runId}/${now.toISOString()}/${Math.random().toString(36).slice(2, 10)}`;
  if (!(await deps.dunningRuns.lease(shard, holder, now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString()))) {
    throw new ConcurrentUpdate(`shard ${shard} of the next-action index is being worked by another dunning shard worker; this delivery (as of ${asOf}) is retried later`);
  }
  let finished: Awaited<ReturnType<DunningRuns['finishShard']>>;
  let counts: DunningShardCounts;
  try {
    const { worklist, ...done } = await dunShard({ asOf, shard }, deps);
    counts = done;
    finished = await deps.dunningRuns.finishShard(runId, shard, counts, worklist);
  } finally {
    await deps.dunningRuns.release(shard, holder);
  }
  const complete = finished.run.done >= finished.run.shards;
  const worklistSent = complete ? await sendWorklist(asOf, await deps.dunningRuns.worklist(runId), deps) : false;
  return { runId, asOf, shard, ...counts, outcome: finished.outcome, done: finished.run.done, shards: finished.run.shards, worklistSent };
}
