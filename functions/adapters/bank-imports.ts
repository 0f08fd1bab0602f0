/**
 * Bank-statement imports (port `BankImports`): one item per import
 * (`Keys.bankImport`), created only if absent — its id is the file's
 * fingerprint, so the same file twice is one import — with its payment ids in
 * items of 1,000 beside it (`Keys.bankImportPayments`) and its credits counted
 * on 16 counters (`Keys.bankImportCounter`), and the payments its credits
 * became, read back with BatchGetItem (100 keys a call).
 */
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { BankImports, StoredBankImport, StoredPayment } from '../ports.ts';
import { countShardOf } from '#domain/bank-import';
import { failedConditions, isConditionFailure, transactWrite, type DynamoTable, type TransactItem } from './dynamo.ts';
import { ITEM_TYPES, Keys } from './table-schema.ts';

type CountResult = Awaited<ReturnType<BankImports['countApplied']>>;

function importOf(item: Record<string, unknown> | undefined): StoredBankImport | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, type: _type, ...record } = item;
  return record as unknown as StoredBankImport;
}

/**
 * Counts a payment of an import made before the counters on the import item itself (its mark in the same
 * transaction): `closed` when this count took it to 0 — a first transaction is met only while others are still
 * outstanding, the last credit's goes again without that condition.
 */
async function countOnImport(t: DynamoTable, importId: string, mark: TransactItem): Promise<CountResult> {
  const down = (condition: string): TransactItem => ({ Update: { TableName: t.name, Key: Keys.bankImport(importId), UpdateExpression: 'ADD outstanding :minus', ConditionExpression: condition, ExpressionAttributeValues: { ':minus': -1, ...(condition.includes(':one') ? { ':one': 1 } : {}) } } });
  try {
    await transactWrite(t, [mark, down('outstanding > :one')], 8);
    return 'counted';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    if (failedConditions(error).includes(0)) return 'counted-before';
  }
  try {
    await transactWrite(t, [mark, down('attribute_exists(outstanding)')], 8);
    return 'closed';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    return failedConditions(error).includes(0) ? 'counted-before' : 'untracked';
  }
}

/** Payment ids per item beside the import (~40 bytes each: well inside DynamoDB's 400 KB). */
export const PAYMENT_IDS_PER_ITEM = 1000;

export function dynamoBankImports(t: DynamoTable): BankImports {
  const get = async (importId: string) => importOf((await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.bankImport(importId), ConsistentRead: true }))).Item);
  return {
    async create({ paymentIds = [], ...rest }, options = {}) {
      const chunks = Math.ceil(paymentIds.length / PAYMENT_IDS_PER_ITEM);
      // The counters, each only if absent (an import that exists keeps its own count).
      for (const [k, outstanding] of (options.shardCounts ?? []).entries()) {
        if (outstanding === 0) continue;
        try {
          await t.doc().send(new PutCommand({ TableName: t.name, Item: { ...Keys.bankImportCounter(rest.importId, k), type: ITEM_TYPES.bankImportCounter, outstanding }, ConditionExpression: 'attribute_not_exists(pk)' }));
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
      // The ids first, each item only if absent (a retry after a crash puts the missing ones; an import that exists keeps its own).
      for (let n = 0; n < chunks; n++) {
        const ids = paymentIds.slice(n * PAYMENT_IDS_PER_ITEM, (n + 1) * PAYMENT_IDS_PER_ITEM);
        try {
          await t.doc().send(new PutCommand({ TableName: t.name, Item: { ...Keys.bankImportPayments(rest.importId, n), type: ITEM_TYPES.bankImportPayments, ids }, ConditionExpression: 'attribute_not_exists(pk)' }));
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
        }
      }
      const record: StoredBankImport = { ...rest, paymentChunks: chunks };
      try {
        await t.doc().send(new PutCommand({ TableName: t.name, Item: { ...Keys.bankImport(record.importId), type: ITEM_TYPES.bankImport, ...record }, ConditionExpression: 'attribute_not_exists(pk)' }));
        return { created: true, record };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const existing = await get(record.importId);
        if (!existing) throw error;
        return { created: false, record: existing };
      }
    },

    get,

    async paymentIdsOf(record) {
      if (record.paymentChunks === undefined) return record.paymentIds ?? [];
      const ids: string[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const r = await t.doc().send(
          new QueryCommand({
            TableName: t.name,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': Keys.bankImport(record.importId).pk, ':prefix': Keys.bankImportPaymentsPrefix },
            ProjectionExpression: 'ids',
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        for (const item of r.Items ?? []) ids.push(...((item.ids ?? []) as string[]));
        start = r.LastEvaluatedKey;
      } while (start);
      return ids;
    },

    async markQueued(importId, at) {
      await t.doc().send(
        new UpdateCommand({
          TableName: t.name,
          Key: Keys.bankImport(importId),
          UpdateExpression: 'SET #status = :queued, queuedAt = :at',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':queued': 'queued', ':at': at },
        }),
      );
    },

    async recordReturns(importId, returnOutcomes) {
      await t.doc().send(
        new UpdateCommand({
          TableName: t.name,
          Key: Keys.bankImport(importId),
          UpdateExpression: 'SET returnOutcomes = :returns',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':returns': returnOutcomes },
        }),
      );
    },

    async countApplied(importId, paymentId) {
      const counter = Keys.bankImportCounter(importId, countShardOf(paymentId));
      const mark: TransactItem = { Put: { TableName: t.name, Item: { ...Keys.bankImportApplied(importId, paymentId), type: ITEM_TYPES.bankImportApplied, paymentId }, ConditionExpression: 'attribute_not_exists(pk)' } };
      /** One off the import's open counters (with a counter's close). */
      const importDown: TransactItem = { Update: { TableName: t.name, Key: Keys.bankImport(importId), UpdateExpression: 'ADD outstanding :minus', ConditionExpression: 'attribute_exists(outstanding)', ExpressionAttributeValues: { ':minus': -1 } } };
      const readCounter = async () => (await t.doc().send(new GetCommand({ TableName: t.name, Key: counter, ConsistentRead: true }))).Item;
      /** The mark was there: counted before. A counter left at 0 but not closed (by a version that closed in a second step, then crashed) is closed now. */
      const countedBefore = async (): Promise<CountResult> => {
        const read = await readCounter();
        if (read && read.outstanding === 0 && !read.closed) {
          try {
            await transactWrite(t, [
              { Update: { TableName: t.name, Key: counter, UpdateExpression: 'SET closed = :yes', ConditionExpression: 'outstanding = :zero AND attribute_not_exists(closed)', ExpressionAttributeValues: { ':yes': true, ':zero': 0 } } },
              importDown,
            ], 8);
          } catch (error) {
            if (!isConditionFailure(error)) throw error; // closed by another applier meanwhile
          }
        }
        return 'counted-before';
      };
      for (let attempt = 0; attempt < 3; attempt++) {
        // Not the counter's last credit: its condition holds while another is outstanding (no read: nothing closes).
        try {
          await transactWrite(t, [mark, { Update: { TableName: t.name, Key: counter, UpdateExpression: 'ADD outstanding :minus', ConditionExpression: 'outstanding > :one', ExpressionAttributeValues: { ':minus': -1, ':one': 1 } } }], 8);
          return 'counted';
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          if (failedConditions(error).includes(0)) return countedBefore();
        }
        // The counter's condition failed: no counter (an import made before the counters, or none at all), or this is its last credit.
        const read = await readCounter();
        if (!read) return countOnImport(t, importId, mark);
        if (read.outstanding !== 1 || read.closed) {
          // A count that does not add up (more credits than the counter was given): counted, never closing it.
          try {
            await transactWrite(t, [mark, { Update: { TableName: t.name, Key: counter, UpdateExpression: 'ADD outstanding :minus', ExpressionAttributeValues: { ':minus': -1 } } }], 8);
            return 'counted';
          } catch (error) {
            if (!isConditionFailure(error)) throw error;
            return countedBefore();
          }
        }
        // The last: counted, the counter closed and one off the import's open counters, in one transaction.
        try {
          await transactWrite(t, [
            mark,
            { Update: { TableName: t.name, Key: counter, UpdateExpression: 'ADD outstanding :minus SET closed = :yes', ConditionExpression: 'outstanding = :one AND attribute_not_exists(closed)', ExpressionAttributeValues: { ':minus': -1, ':one': 1, ':yes': true } } },
            importDown,
          ], 8);
          return 'closed';
        } catch (error) {
          if (!isConditionFailure(error)) throw error;
          if (failedConditions(error).includes(0)) return countedBefore();
          // The counter moved since it was read: look again.
        }
      }
      throw new Error(`the count of import ${importId} kept moving while counting payment ${paymentId}`);
    },

    async claimSummary(importId, holder, at, staleBefore) {
      try {
        await t.doc().send(
          new UpdateCommand({
            TableName: t.name,
            Key: Keys.bankImport(importId),
            UpdateExpression: 'SET summaryClaimedAt = :at, summaryHolder = :holder',
            // Free, stale, or held by an earlier delivery of this message (which is over: its visibility timeout passed).
            ConditionExpression:
              'attribute_exists(pk) AND attribute_not_exists(summarisedAt) AND (attribute_not_exists(summaryClaimedAt) OR summaryClaimedAt < :stale OR (summaryHolder.messageId = :message AND summaryHolder.receiveCount < :count))',
            ExpressionAttributeValues: { ':at': at, ':stale': staleBefore, ':holder': { messageId: holder.messageId, receiveCount: holder.receiveCount }, ':message': holder.messageId, ':count': holder.receiveCount },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async releaseSummary(importId, holder) {
      try {
        await t.doc().send(
          new UpdateCommand({
            TableName: t.name,
            Key: Keys.bankImport(importId),
            UpdateExpression: 'REMOVE summaryClaimedAt, summaryHolder',
            ConditionExpression: 'attribute_not_exists(summarisedAt) AND summaryHolder.messageId = :message AND summaryHolder.receiveCount = :count',
            ExpressionAttributeValues: { ':message': holder.messageId, ':count': holder.receiveCount },
          }),
        );
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    },

    async markSummarised(importId, at) {
      // Done: the lease's holder goes (whichever delivery finished is no part of the import).
      await t.doc().send(new UpdateCommand({ TableName: t.name, Key: Keys.bankImport(importId), UpdateExpression: 'SET summarisedAt = if_not_exists(summarisedAt, :at) REMOVE summaryHolder', ConditionExpression: 'attribute_exists(pk)', ExpressionAttributeValues: { ':at': at } }));
    },

    async paymentsOf(paymentIds) {
      const found: StoredPayment[] = [];
      const unique = [...new Set(paymentIds)];
      for (let start = 0; start < unique.length; start += 100) {
        let keys: Record<string, unknown>[] = unique.slice(start, start + 100).map((id) => Keys.payment(id));
        for (let attempt = 0; keys.length > 0; attempt++) {
          if (attempt >= 5) throw new Error(`DynamoDB left ${keys.length} payment reads unprocessed`);
          const r = await t.doc().send(new BatchGetCommand({ RequestItems: { [t.name]: { Keys: keys, ConsistentRead: true } } }));
          found.push(...((r.Responses?.[t.name] ?? []) as StoredPayment[]));
          keys = (r.UnprocessedKeys?.[t.name]?.Keys ?? []) as Record<string, unknown>[];
          if (keys.length > 0) await new Promise((resolve) => setTimeout(resolve, 20 * 2 ** attempt));
        }
      }
      return found;
    },
  };
}
