/**
 * Refunds reported by a payment platform (port `Refunds`), kept for accounts
 * receivable: one item per refund id, so a redelivered event records nothing twice.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Refunds } from '../ports.ts';
import { isConditionFailure, type DynamoTable } from './dynamo.ts';
import { ITEM_TYPES, Keys } from './table-schema.ts';

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
