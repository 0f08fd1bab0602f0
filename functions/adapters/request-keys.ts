/**
 * Client idempotency keys (`Idempotency-Key` header): the first request with a
 * key records a hash of its body and its answer; a retry with the same body
 * gets the same answer, a different body under the same key is refused (409).
 * Records expire after 3 days (TTL), longer than any platform's retry window.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '#runtime';
import { documentClient, isConditionFailure } from './dynamo.ts';
import { TTL_ATTRIBUTE } from './table-schema.ts';

export const REQUEST_KEY_TTL_SECONDS = 3 * 24 * 3600;

export type KeyClaim<T> = { readonly kind: 'new' } | { readonly kind: 'replay'; readonly result: T } | { readonly kind: 'mismatch' };

const key = (scope: string, id: string) => ({ pk: `REQUEST#${scope}#${id}`, sk: 'REQUEST' });

export async function claimRequestKey<T>(scope: string, id: string, hash: string, result: T): Promise<KeyClaim<T>> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: env('TABLE_NAME'),
        Item: { ...key(scope, id), type: 'RequestKey', hash, result, [TTL_ATTRIBUTE]: Math.floor(Date.now() / 1000) + REQUEST_KEY_TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return { kind: 'new' };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const r = await documentClient().send(new GetCommand({ TableName: env('TABLE_NAME'), Key: key(scope, id), ConsistentRead: true }));
    if (r.Item?.hash !== hash) return { kind: 'mismatch' };
    return { kind: 'replay', result: r.Item.result as T };
  }
}
