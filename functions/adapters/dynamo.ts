/**
 * The DynamoDB document client, one per module instance (reused across
 * invocations), and the table handle every repository is built on. Locally
 * only the endpoint differs: the SDK reads `AWS_ENDPOINT_URL_DYNAMODB` itself.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { backoffMs } from '../ports.ts';

let client: DynamoDBDocumentClient | undefined;

export function documentClient(): DynamoDBDocumentClient {
  client ??= DynamoDBDocumentClient.from(new DynamoDBClient({}), {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
  return client;
}

/** Lets tests and the local host point the module at another client. */
export function setDocumentClient(next: DynamoDBDocumentClient | undefined): void {
  client = next;
}

/** A repository's view of the table: its name, and the client (resolved per call, so a test can swap it). */
export interface DynamoTable {
  readonly name: string;
  readonly doc: () => DynamoDBDocumentClient;
}

export const dynamoTable = (name: string, doc: () => DynamoDBDocumentClient = documentClient): DynamoTable => ({ name, doc });

export type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

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
  // A plain write of an item a transaction is writing fails with TransactionConflictException.
  if (e?.name === 'TransactionConflictException') return true;
  return e?.name === 'TransactionCanceledException' && (e.CancellationReasons ?? []).some((r) => r.Code === 'TransactionConflict');
}

/** Which items of a cancelled transaction failed their condition (indexes into TransactItems; a lone item sent as a plain write is 0). */
export function failedConditions(error: unknown): number[] {
  if ((error as { name?: string })?.name === 'ConditionalCheckFailedException') return [0];
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
}

/**
 * Runs a transaction, running it again (with backoff) while another transaction holds one of its items.
 * A lone item is sent as the plain write it is (half the capacity of a transaction, the same condition):
 * its condition failure is a ConditionalCheckFailedException, which isConditionFailure and failedConditions read too.
 */
export async function transactWrite(t: DynamoTable, items: TransactItem[], attempts = 5): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      const [only] = items;
      if (items.length === 1 && only?.Put) await t.doc().send(new PutCommand(only.Put));
      else if (items.length === 1 && only?.Update) await t.doc().send(new UpdateCommand(only.Update));
      else await t.doc().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      if (!isTransactionConflict(error) || attempt >= attempts - 1) throw error;
      await new Promise((r) => setTimeout(r, backoffMs(attempt)));
    }
  }
}

/** Every item a Query matches, following LastEvaluatedKey page by page. */
export async function queryAll<T = Record<string, unknown>>(t: DynamoTable, input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'TableName'>): Promise<T[]> {
  const items: T[] = [];
  let startKey: QueryCommandInput['ExclusiveStartKey'];
  do {
    const r = await t.doc().send(new QueryCommand({ ...input, TableName: t.name, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    items.push(...((r.Items ?? []) as T[]));
    startKey = r.LastEvaluatedKey;
  } while (startKey);
  return items;
}

/** `SET #f0 = :f0, …` (or `if_not_exists` for each) from an attribute map: names and values never collide with reserved words. */
export function setExpression(fields: Readonly<Record<string, unknown>>, options: { ifNotExists?: boolean; prefix?: string } = {}) {
  const p = options.prefix ?? 'f';
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
  return {
    clauses: entries.map((_, i) => (options.ifNotExists ? `#${p}${i} = if_not_exists(#${p}${i}, :${p}${i})` : `#${p}${i} = :${p}${i}`)),
    names: Object.fromEntries(entries.map(([k], i) => [`#${p}${i}`, k])),
    values: Object.fromEntries(entries.map(([, v], i) => [`:${p}${i}`, v])),
  };
}
