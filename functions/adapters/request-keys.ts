/**
 * Client idempotency keys (port `RequestKeys`, the `Idempotency-Key` header):
 * the first request with a key records a hash of its body and its answer; a
 * retry with the same body gets the same answer, a different body under the
 * same key is refused (409). Records expire after IDEMPOTENCY_EXPIRY_SECONDS (a week: TTL), longer than any
 * platform's retry window and its late deliveries (runtime/idempotency.ts).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { RequestKeys } from '../ports.ts';
import { isConditionFailure, type DynamoTable } from './dynamo.ts';
import { ITEM_TYPES, Keys, TTL_ATTRIBUTE } from './table-schema.ts';
import { IDEMPOTENCY_EXPIRY_SECONDS } from '../runtime/idempotency.ts';

export const REQUEST_KEY_TTL_SECONDS = IDEMPOTENCY_EXPIRY_SECONDS;

export function dynamoRequestKeys(t: DynamoTable): RequestKeys {
  return {
    async find(scope, id) {
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.requestKey(scope, id), ConsistentRead: true }));
      return r.Item ? { bodyHash: r.Item.hash as string, answer: r.Item.result } : undefined;
    },
    async claim(scope, id, hash, answer, at) {
      const key = Keys.requestKey(scope, id);
      try {
        await t.doc().send(
          new PutCommand({
            TableName: t.name,
            Item: { ...key, type: ITEM_TYPES.requestKey, hash, result: answer, [TTL_ATTRIBUTE]: Math.floor(Date.parse(at) / 1000) + REQUEST_KEY_TTL_SECONDS },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return { kind: 'new' };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: key, ConsistentRead: true }));
        if (r.Item?.hash !== hash) return { kind: 'mismatch' };
        return { kind: 'replay', result: r.Item.result as typeof answer };
      }
    },
  };
}
