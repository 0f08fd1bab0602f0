/**
 * One shard of a dunning run (the dunning-shards queue): the policy carried out for the customers whose invoices
 * are in this shard of the next-action index, then the run's worklist once every shard is done.
 *
 * 1. The run's record; none: a message of a run that was never started (a bug) fails to its DLQ. Then the shard's
 *    lease (until the worker's timeout and a minute have passed), held by this delivery of this message (its queue
 *    message id and receive count): held by another message (a duplicate send, a second run started meanwhile, a
 *    run as of another day) or by this one's delivery at the same moment, the message is retried later
 *    (ConcurrentUpdate) — two workers on one shard would interleave their claims on a customer's invoices and write
 *    two partial letters. Held by an earlier delivery of this same message, it is taken over at once: the queue
 *    delivers a message again only once the earlier delivery's visibility timeout (longer than the worker's) has
 *    passed, so that worker died — its lease must not hold the redelivery off until it expires.
 *    Given back at the end, done or failed.
 * 2. Steps 1–8 of plan-dunning for this shard (`dunShard`): its invoices due for an action, one letter per
 *    customer and currency, the fees, the actions, the confirmations, the rescoring. A redelivered message (or a
 *    rerun) finds every level it had queued marked and every fee charged: it sends no second letter or fee, and a
 *    claim left pending by a crash is queued again under the same mail key.
 * 3. Record the shard in the run (`finishShard`): its counts and its worklist lines, once — a second delivery
 *    after the first was recorded adds nothing. Then mark the claimed levels sent and move the invoices' next
 *    actions (the outcome's `confirm`): done before the record, a worker dying between the two left a redelivery
 *    that no longer found the invoices due and recorded nothing of the first delivery's letters, worklist lines
 *    and rescoring (crash point run-dunning-shard #25 of the full enumeration).
 * 4. When the run's shards are all done: the collectors' worklist of the whole run (plan-dunning `sendWorklist`,
 *    mail key `worklist:<asOf>`: whichever delivery gets here first or again, it goes once).
 */
import type { IsoDate } from '#domain/model';
import type { DunningRuns, DunningShardCounts, DunningShardMessage, ShardLeaseHolder } from '../ports.ts';
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

/** One shard message as delivered: the message and its delivery (queue message id, receive count: the lease's holder). */
export type DunningShardDelivery = DunningShardMessage & { readonly delivery: ShardLeaseHolder };

export async function runDunningShard(input: DunningShardDelivery, deps: RunDunningShardDeps): Promise<DunningShardRun> {
  const { runId, asOf, shard } = input;
  const run = await deps.dunningRuns.get(runId);
  if (!run) throw new Error(`dunning run ${runId} has no record: it was never started`);
  const now = deps.clock.now();
  const holder = input.delivery;
  if (!(await deps.dunningRuns.lease(shard, holder, now.toISOString(), new Date(now.getTime() + LEASE_MS).toISOString()))) {
    throw new ConcurrentUpdate(`shard ${shard} of the next-action index is being worked by another dunning shard worker; this delivery (as of ${asOf}) is retried later`);
  }
  let finished: Awaited<ReturnType<DunningRuns['finishShard']>>;
  let counts: DunningShardCounts;
  try {
    const { worklist, confirm, ...done } = await dunShard({ asOf, shard }, deps);
    counts = done;
    finished = await deps.dunningRuns.finishShard(runId, shard, counts, worklist);
    // Only now do the claimed invoices leave today's actions: a redelivery before this point reads them again.
    await confirm();
  } finally {
    await deps.dunningRuns.release(shard, holder);
  }
  const complete = finished.run.done >= finished.run.shards;
  const worklistSent = complete ? await sendWorklist(asOf, await deps.dunningRuns.worklist(runId), deps) : false;
  return { runId, asOf, shard, ...counts, outcome: finished.outcome, done: finished.run.done, shards: finished.run.shards, worklistSent };
}
