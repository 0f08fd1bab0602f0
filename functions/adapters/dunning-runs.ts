/**
 * Port `DunningRuns` on the single table: a run's record and its shards' worklist parts in the run's partition
 * (see the table comment in table-schema.ts). A shard is counted once: its number joins `doneShards` in the
 * transaction that adds its counts and puts its worklist parts, on the condition that it is not there yet.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { WorklistEntry } from '#domain/worklist';
import type { DunningRunRecord, DunningRuns, DunningShardCounts } from '../ports.ts';
import { isConditionFailure, queryAll, transactWrite, type DynamoTable, type TransactItem } from './dynamo.ts';
import { ITEM_TYPES, Keys, TTL_ATTRIBUTE, WORKLIST_PART_ENTRIES } from './table-schema.ts';

/** A run's items expire (TTL) this long after it started. */
const RUN_TTL_SECONDS = 35 * 24 * 3600;
const COUNTS = ['read', 'letters', 'invoices', 'fees', 'actions', 'plansBroken'] as const;

const recordOf = (item: Record<string, unknown>): DunningRunRecord => ({
  runId: item.runId as string,
  asOf: item.asOf as string,
  startedAt: item.startedAt as string,
  shards: item.shards as number,
  done: (item.done as number | undefined) ?? 0,
  ...(Object.fromEntries(COUNTS.map((c) => [c, (item[c] as number | undefined) ?? 0])) as Record<(typeof COUNTS)[number], number>),
});

export function dynamoDunningRuns(t: DynamoTable): DunningRuns {
  const get = async (runId: string) => {
    const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.dunningRun(runId), ConsistentRead: true }));
    return r.Item ? recordOf(r.Item) : undefined;
  };
  return {
    get,

    async start({ runId, asOf, shards, at }) {
      try {
        await t.doc().send(
          new PutCommand({
            TableName: t.name,
            Item: { ...Keys.dunningRun(runId), type: ITEM_TYPES.dunningRun, runId, asOf, startedAt: at, shards, done: 0, ...Object.fromEntries(COUNTS.map((c) => [c, 0])), [TTL_ATTRIBUTE]: Math.floor(Date.parse(at) / 1000) + RUN_TTL_SECONDS },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async finishShard(runId, shard, counts: DunningShardCounts, worklist: readonly WorklistEntry[]) {
      const before = await get(runId);
      if (!before) throw new Error(`no dunning run ${runId}`);
      const expiration = Math.floor(Date.parse(before.startedAt) / 1000) + RUN_TTL_SECONDS;
      const parts: TransactItem[] = [];
      for (let i = 0, part = 0; i < worklist.length; i += WORKLIST_PART_ENTRIES, part++) {
        parts.push({ Put: { TableName: t.name, Item: { ...Keys.dunningRunWorklist(runId, shard, part), type: ITEM_TYPES.dunningRunWorklist, runId, shard, entries: worklist.slice(i, i + WORKLIST_PART_ENTRIES), [TTL_ATTRIBUTE]: expiration } } });
      }
      const values = Object.fromEntries(COUNTS.map((c) => [`:${c}`, counts[c]]));
      try {
        await transactWrite(t, [
          {
            Update: {
              TableName: t.name,
              Key: Keys.dunningRun(runId),
              // `read` and the like are reserved words: every count by a name placeholder.
              UpdateExpression: `ADD done :one, doneShards :shard, ${COUNTS.map((c) => `#${c} :${c}`).join(', ')}`,
              ConditionExpression: 'attribute_exists(pk) AND NOT contains(doneShards, :n)',
              ExpressionAttributeNames: Object.fromEntries(COUNTS.map((c) => [`#${c}`, c])),
              ExpressionAttributeValues: { ':one': 1, ':shard': new Set([shard]), ':n': shard, ...values },
            },
          },
          ...parts,
        ]);
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return { outcome: 'again', run: (await get(runId))! };
      }
      return { outcome: 'recorded', run: (await get(runId))! };
    },

    async lease(shard, { messageId, receiveCount }, at, until) {
      try {
        await t.doc().send(
          new PutCommand({
            TableName: t.name,
            Item: { ...Keys.dunningShardLease(shard), type: ITEM_TYPES.dunningShardLease, holder: messageId, delivery: receiveCount, until, [TTL_ATTRIBUTE]: Math.floor(Date.parse(until) / 1000) + RUN_TTL_SECONDS },
            // Free, expired, or held by an earlier delivery of this message (which is over: its visibility timeout passed).
            ConditionExpression: 'attribute_not_exists(pk) OR #until < :at OR (holder = :holder AND delivery < :delivery)',
            ExpressionAttributeNames: { '#until': 'until' },
            ExpressionAttributeValues: { ':at': at, ':holder': messageId, ':delivery': receiveCount },
          }),
        );
        return true;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        return false;
      }
    },

    async release(shard, { messageId, receiveCount }) {
      try {
        await t.doc().send(
          new DeleteCommand({ TableName: t.name, Key: Keys.dunningShardLease(shard), ConditionExpression: 'holder = :holder AND delivery = :delivery', ExpressionAttributeValues: { ':holder': messageId, ':delivery': receiveCount } }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async worklist(runId) {
      const parts = await queryAll<{ entries: WorklistEntry[] }>(t, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': Keys.dunningRun(runId).pk, ':prefix': Keys.dunningRunWorklistPrefix },
        ConsistentRead: true,
      });
      return parts.flatMap((p) => p.entries);
    },
  };
}
