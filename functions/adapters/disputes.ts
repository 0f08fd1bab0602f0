/**
 * Disputes and promises to pay on the single table (port `Disputes`). A dispute
 * item lives in its invoice's partition; a pointer item finds it by its id; the
 * invoice item carries `disputed` (minor units under open disputes). Each
 * action is one transaction with its audit line.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Dispute } from '#domain/model';
import { ConcurrentUpdate } from '../errors.ts';
import type { Disputes, DisputeOpening, DisputeSettlement } from '../ports.ts';
import { auditItems } from './audit.ts';
import { failedConditions, isConditionFailure, isTransactionConflict, queryAll, transactWrite, type DynamoTable, type TransactItem } from './dynamo.ts';
import { aggregateItems } from './invoices.ts';
import { ITEM_TYPES, Keys, VERSION_ATTRIBUTE } from './table-schema.ts';
import { METRIC } from '#domain/figures';

/** The invoice only as read: the version (or, for an item written before versions, its absence) and the balance. */
function invoiceGuard(before: { readonly version?: number; readonly balance: number }) {
  return before.version === undefined
    ? { condition: 'attribute_exists(pk) AND attribute_not_exists(#version) AND balance = :balance', values: { ':balance': before.balance } as Record<string, unknown> }
    : { condition: '#version = :version AND balance = :balance', values: { ':version': before.version, ':balance': before.balance } as Record<string, unknown> };
}

const resolvedDay = (d: Dispute, at: string) => d.resolvedOn ?? at.slice(0, 10);

export function dynamoDisputes(t: DynamoTable): Disputes {
  const disputeAt = async (invoiceNumber: string, id: string) =>
    (await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.dispute(invoiceNumber, id), ConsistentRead: true }))).Item as Dispute | undefined;
  const strip = (item: Record<string, unknown> | undefined) => {
    if (!item) return undefined;
    const { pk: _pk, sk: _sk, type: _type, ...dispute } = item;
    return dispute as unknown as Dispute;
  };
  return {
    async get(disputeId) {
      const ref = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.disputeRef(disputeId), ConsistentRead: true }));
      const invoiceNumber = ref.Item?.invoiceNumber as string | undefined;
      return invoiceNumber === undefined ? undefined : strip((await disputeAt(invoiceNumber, disputeId)) as Record<string, unknown> | undefined);
    },

    async ofInvoice(invoiceNumber) {
      const items = await queryAll<Record<string, unknown>>(t, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': Keys.invoice(invoiceNumber).pk, ':p': Keys.disputePrefix },
      });
      return items.map((i) => strip(i)!).sort((a, b) => a.openedAt.localeCompare(b.openedAt));
    },

    async open({ before, dispute, disputed, audit }: DisputeOpening) {
      const guard = invoiceGuard(before);
      const added = disputed - (before.disputed ?? 0);
      const items: TransactItem[] = [
        { Put: { TableName: t.name, Item: { ...Keys.dispute(dispute.invoiceNumber, dispute.disputeId), type: ITEM_TYPES.dispute, ...dispute }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: t.name, Item: { ...Keys.disputeRef(dispute.disputeId), type: ITEM_TYPES.disputeRef, invoiceNumber: dispute.invoiceNumber }, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          // ADD, not SET: a resolution that lowers `disputed` meanwhile (it does not move the version) is kept.
          Update: {
            TableName: t.name,
            Key: Keys.invoice(before.number),
            UpdateExpression: 'SET #version = if_not_exists(#version, :zero) + :one ADD disputed :added',
            ConditionExpression: guard.condition,
            ExpressionAttributeNames: { '#version': VERSION_ATTRIBUTE },
            ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':added': added, ...guard.values },
          },
        },
        ...auditItems(t, audit),
        ...aggregateItems(t, dispute.openedOn, dispute.currency, { [METRIC.disputesOpened]: dispute.amount, [METRIC.disputesOpenedCount]: 1 }),
      ];
      try {
        await transactWrite(t, items, 1);
        return 'opened';
      } catch (error) {
        if (isConditionFailure(error)) {
          const failed = failedConditions(error);
          if (failed.includes(0) || failed.includes(1)) return 'exists';
        }
        if (isConditionFailure(error) || isTransactionConflict(error)) throw new ConcurrentUpdate(`invoice ${before.number} changed while the dispute was opened; nothing was written`);
        throw error;
      }
    },

    async resolve({ before, after, audit }: DisputeSettlement) {
      const items: TransactItem[] = [
        {
          Put: {
            TableName: t.name,
            Item: { ...Keys.dispute(after.invoiceNumber, after.disputeId), type: ITEM_TYPES.dispute, ...after },
            ConditionExpression: '#status = :open',
            ExpressionAttributeNames: { '#status': 'status' },
            ExpressionAttributeValues: { ':open': 'open' },
          },
        },
        {
          Update: {
            TableName: t.name,
            Key: Keys.invoice(before.invoiceNumber),
            // The day it was last resolved: aging as of an earlier day reads this invoice's disputes (one was open then).
            UpdateExpression: 'SET disputeResolvedOn = :on ADD disputed :less',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeValues: { ':less': -before.amount, ':on': resolvedDay(after, audit.at) },
          },
        },
        ...auditItems(t, audit),
        ...aggregateItems(t, resolvedDay(after, audit.at), before.currency, { [METRIC.disputesResolved]: before.amount, [METRIC.disputesResolvedCount]: 1 }),
      ];
      try {
        await transactWrite(t, items, 5);
        return 'resolved';
      } catch (error) {
        if (isConditionFailure(error) && failedConditions(error).includes(0)) return 'already-resolved';
        if (isTransactionConflict(error)) throw new ConcurrentUpdate(`dispute ${before.disputeId} was being written meanwhile; try again`);
        throw error;
      }
    },

    async promise(before, promise, audit) {
      const guard = invoiceGuard(before);
      try {
        await transactWrite(
          t,
          [
            {
              Update: {
                TableName: t.name,
                Key: Keys.invoice(before.number),
                UpdateExpression: 'SET promisedUntil = :until, promisedAtLevel = :level, #version = if_not_exists(#version, :zero) + :one',
                ConditionExpression: guard.condition,
                ExpressionAttributeNames: { '#version': VERSION_ATTRIBUTE },
                ExpressionAttributeValues: { ':until': promise.promisedUntil, ':level': promise.promisedAtLevel, ':zero': 0, ':one': 1, ...guard.values },
              },
            },
            ...auditItems(t, audit),
          ],
          1,
        );
      } catch (error) {
        if (isConditionFailure(error) || isTransactionConflict(error)) throw new ConcurrentUpdate(`invoice ${before.number} changed while the promise was recorded; nothing was written`);
        throw error;
      }
    },
  };
}
