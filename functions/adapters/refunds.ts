/**
 * Refunds reported by a payment platform (port `Refunds`), kept for accounts
 * receivable: one item per refund id, so a redelivered event records nothing twice.
 * Beside them, the refunds o2c itself owes and makes (port `RefundRequests`).
 */
import { auditItems } from './audit.ts';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Refund } from '#domain/refunds';
import { ConcurrentUpdate } from '../errors.ts';
import type { RefundRequests, Refunds } from '../ports.ts';
import { failedConditions, isConditionFailure, isTransactionConflict, queryAll, transactWrite, type DynamoTable, type TransactItem } from './dynamo.ts';
import { journalItems } from './invoices.ts';
import { changedOrder, dynamoOrders, orderChangeItems } from './orders.ts';
import { GSI_BY_CUSTOMER, ITEM_TYPES, Keys } from './table-schema.ts';

export function dynamoRefunds(t: DynamoTable): Refunds {
  return {
    async record(refund, at) {
      try {
        await t.doc().send(
          new PutCommand({
            TableName: t.name,
            Item: { ...Keys.refund(refund.platform, refund.externalId), type: ITEM_TYPES.refund, status: 'pending', ...refund, receivedAt: at },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}

const refundItem = (t: DynamoTable, refund: Refund) => ({
  ...Keys.refundRequest(refund.id),
  ...Keys.refundByStatus(refund.status, refund.requestedAt, refund.id),
  type: ITEM_TYPES.refundRequest,
  ...refund,
});

/** The refund without the table's attributes. */
function refundOf(item: Record<string, unknown> | undefined): Refund | undefined {
  if (!item) return undefined;
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, type: _type, ...refund } = item;
  return refund as unknown as Refund;
}

/**
 * Refunds o2c owes and makes (port `RefundRequests`): one item per refund id
 * (`Keys.refundRequest`), created only if absent, settled only from `requested`
 * (a conditional Put of the whole item, with the journal entry in the same
 * transaction), listed by status from the generic index.
 */
export function dynamoRefundRequests(t: DynamoTable): RefundRequests {
  const createItem = (refund: Refund): TransactItem => ({ Put: { TableName: t.name, Item: refundItem(t, refund), ConditionExpression: 'attribute_not_exists(pk)' } });
  return {
    async get(refundId) {
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.refundRequest(refundId), ConsistentRead: true }));
      return refundOf(r.Item);
    },

    async requestWith(order, change, refund) {
      try {
        await transactWrite(t, [...orderChangeItems(t, order, change), createItem(refund)], 1);
        return changedOrder(order, change);
      } catch (error) {
        if (isTransactionConflict(error)) throw new ConcurrentUpdate(`order ${order.id} changed while moving it to ${change.to ?? 'its next state'}`);
        if (!isConditionFailure(error)) throw error;
        const failed = failedConditions(error);
        if (failed.includes(0)) throw new ConcurrentUpdate(`order ${order.id} changed while moving it to ${change.to ?? 'its next state'}`);
      }
      // The refund exists already (an earlier run wrote it): the order's move alone.
      return dynamoOrders(t).apply(order, change);
    },

    async request(refund) {
      try {
        await transactWrite(t, [createItem(refund)]);
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async settle(before, after, entry, audit) {
      const put: TransactItem = {
        Put: {
          TableName: t.name,
          Item: refundItem(t, after),
          ConditionExpression: '#status = :requested',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':requested': before.status },
        },
      };
      try {
        await transactWrite(t, [put, ...(entry ? journalItems(t, entry) : []), ...(audit ? auditItems(t, audit) : [])]);
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },

    async withStatus(status) {
      const items = await queryAll<Record<string, unknown>>(t, {
        IndexName: GSI_BY_CUSTOMER.indexName,
        KeyConditionExpression: `${GSI_BY_CUSTOMER.partitionKey} = :pk`,
        ExpressionAttributeValues: { ':pk': Keys.refundStatusPartition(status) },
      });
      return items.map((i) => refundOf(i)!);
    },
  };
}
