/** Seeding a benchmark table fast: BatchWriteItem in chunks of 25, eight writers at once, unprocessed items again. */
import { BatchWriteCommand, type BatchWriteCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export async function batchWrite(doc: DynamoDBDocumentClient, table: string, items: Record<string, unknown>[]): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let cursor = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (cursor < chunks.length) {
        let requests = chunks[cursor++]!.map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const r: BatchWriteCommandOutput = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
          requests = (r.UnprocessedItems?.[table] ?? []) as typeof requests;
        }
      }
    }),
  );
}
