/**
 * Refunds reported by a payment platform, kept for accounts receivable (credit
 * notes and their postings are a later step): one item per refund id, so a
 * redelivered event records nothing twice.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '#runtime';
import { documentClient, isConditionFailure } from './dynamo.ts';

export interface RefundRecord {
  readonly platform: string;
  readonly externalId: string;
  readonly chargeId: string;
  readonly amount: number;
  readonly currency: string;
  readonly refundedOn: string;
}

export async function recordRefund(refund: RefundRecord): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: env('TABLE_NAME'),
        Item: { pk: `REFUND#${refund.platform}#${refund.externalId}`, sk: 'REFUND', type: 'Refund', status: 'pending', ...refund, receivedAt: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if (isConditionFailure(error)) return false;
    throw error;
  }
}
