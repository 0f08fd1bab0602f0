/**
 * The DynamoDB document client, one per module instance (reused across
 * invocations). Locally only the endpoint differs: the SDK reads
 * `AWS_ENDPOINT_URL_DYNAMODB` itself.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { tracer } from '#runtime';

let client: DynamoDBDocumentClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return client;
}

/** Lets tests and the local host point the module at another client. */
export function setDocumentClient(next: DynamoDBDocumentClient | undefined): void {
  client = next;
}

/** True when a TransactWriteItems was cancelled because a condition failed (not a throttle or conflict). */
export function isConditionFailure(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  if (e?.name === 'ConditionalCheckFailedException') return true;
  return e?.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
}

/**
 * True when DynamoDB cancelled a transaction because another transaction was
 * writing one of its items at that moment (`TransactionConflict`). Nothing was
 * written; running it again is right. Callers report it as `ConcurrentUpdate`,
 * which the workflow retries (a raw TransactionCanceledException is not).
 */
export function isTransactionConflict(error: unknown): boolean {
  const e = error as { name?: string; CancellationReasons?: { Code?: string }[] };
  return e?.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
}

/** Which items of a cancelled transaction failed their condition (indexes into TransactItems). */
export function failedConditions(error: unknown): number[] {
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
}

/** Every item a Query matches, following LastEvaluatedKey page by page. */
export async function queryAll<T = Record<string, unknown>>(input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<T[]> {
  const items: T[] = [];
  let startKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const r = await documentClient().send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    items.push(...((r.Items ?? []) as T[]));
    startKey = r.LastEvaluatedKey;
  } while (startKey);
  return items;
}
