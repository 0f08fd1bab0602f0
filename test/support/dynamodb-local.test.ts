import { PutCommand, TransactWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { isConditionFailure } from '../../functions/adapters/dynamo.ts';
import { useDynamoDbLocal } from './dynamodb.ts';

describe('DynamoDB Local harness', () => {
  const ddb = useDynamoDbLocal();

  it('runs transactions whose failed condition writes nothing', async () => {
    const TableName = await ddb.createTable();
    await ddb.doc().send(new PutCommand({ TableName, Item: { pk: 'A', sk: 'A', n: 1 } }));
    const attempt = ddb.doc().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName, Item: { pk: 'B', sk: 'B' } } },
          { Put: { TableName, Item: { pk: 'A', sk: 'A', n: 2 }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    );
    const error = await attempt.catch((e: unknown) => e);
    expect(isConditionFailure(error)).toBe(true);
    expect((await ddb.doc().send(new GetCommand({ TableName, Key: { pk: 'B', sk: 'B' } }))).Item).toBeUndefined();
    expect((await ddb.doc().send(new GetCommand({ TableName, Key: { pk: 'A', sk: 'A' } }))).Item?.n).toBe(1);
  });
});
