/**
 * Integration-test support: one DynamoDB Local per test file, a fresh table per
 * test (random name), built from the same table-schema the CDK stack uses.
 *
 *   const ddb = useDynamoDbLocal();           // in a describe block
 *   beforeEach(async () => { table = await ddb.createTable(); });
 */
import { CreateTableCommand, DynamoDBClient, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { GSI_BY_CUSTOMER, GSI_OPEN_BY_DUE, TABLE_KEYS } from '../../functions/adapters/table-schema.ts';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../local/dynamodb-local.ts';

export function tableCreateInput(tableName: string): CreateTableCommandInput {
  const s = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      s(TABLE_KEYS.partitionKey),
      s(TABLE_KEYS.sortKey),
      s(GSI_BY_CUSTOMER.partitionKey),
      s(GSI_BY_CUSTOMER.sortKey),
      s(GSI_OPEN_BY_DUE.partitionKey),
      s(GSI_OPEN_BY_DUE.sortKey),
    ],
    KeySchema: [
      { AttributeName: TABLE_KEYS.partitionKey, KeyType: 'HASH' },
      { AttributeName: TABLE_KEYS.sortKey, KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [GSI_BY_CUSTOMER, GSI_OPEN_BY_DUE].map((g) => ({
      IndexName: g.indexName,
      KeySchema: [
        { AttributeName: g.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: g.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
  };
}

export interface DynamoDbFixture {
  readonly endpoint: () => string;
  readonly client: () => DynamoDBClient;
  readonly doc: () => DynamoDBDocumentClient;
  /** Creates a fresh table, sets `TABLE_NAME` and `AWS_ENDPOINT_URL_DYNAMODB`, returns its name. */
  createTable(): Promise<string>;
}

export function useDynamoDbLocal(): DynamoDbFixture {
  let ddb: DynamoDbLocal | undefined;
  let client: DynamoDBClient | undefined;
  let doc: DynamoDBDocumentClient | undefined;
  // The JVM's start is slow when the shared cores are busy (several suites at once): give it 90 s.
  beforeAll(async () => {
    ddb = await startDynamoDbLocal({ timeoutMs: 90_000 });
    process.env.AWS_ENDPOINT_URL_DYNAMODB = ddb.endpoint;
    client = new DynamoDBClient({ endpoint: ddb.endpoint, region: 'eu-west-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }, 120_000);
  afterAll(async () => {
    client?.destroy();
    await ddb?.stop();
  });
  const need = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('DynamoDB Local is not started (use useDynamoDbLocal() inside a describe block)');
    return v;
  };
  return {
    endpoint: () => need(ddb).endpoint,
    client: () => need(client),
    doc: () => need(doc),
    async createTable() {
      const name = `o2c-test-${Math.random().toString(36).slice(2, 10)}`;
      await need(client).send(new CreateTableCommand(tableCreateInput(name)));
      process.env.TABLE_NAME = name;
      return name;
    },
  };
}
