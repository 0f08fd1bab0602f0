import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deliveryOf, sqsBatch } from '../../../functions/runtime/index.ts';

const context = { functionName: 'test', awsRequestId: 'req', getRemainingTimeInMillis: () => 10_000 } as unknown as Context;

function record(id: string, body: string): SQSRecord {
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 's', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:123456789012:orders',
    awsRegion: 'eu-west-1',
  };
}

describe('SQS consumer wrapper', () => {
  it('reports exactly the failed records (bad JSON, bad schema, thrown) and processes the rest', async () => {
    const seen: string[] = [];
    const batch = sqsBatch(z.object({ orderId: z.string().startsWith('ord_') }), async ({ orderId }) => {
      if (orderId === 'ord_boom') throw new Error('transient');
      seen.push(orderId);
    });
    const event: SQSEvent = {
      Records: [
        record('1', JSON.stringify({ orderId: 'ord_a' })),
        record('2', 'not json'),
        record('3', JSON.stringify({ orderId: 'x' })),
        record('4', JSON.stringify({ orderId: 'ord_boom' })),
        record('5', JSON.stringify({ orderId: 'ord_b' })),
      ],
    };
    const response = await batch(event, context);
    expect(seen).toEqual(['ord_a', 'ord_b']);
    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(['2', '3', '4']);
  });

  it('throws when every record fails, so the whole batch returns to the queue', async () => {
    const batch = sqsBatch(z.object({ n: z.number() }), async () => {
      throw new Error('down');
    });
    await expect(batch({ Records: [record('1', '{"n":1}'), record('2', '{"n":2}')] }, context)).rejects.toThrow();
  });

  it("names a record's delivery: its message id and receive count (what holds a dunning shard's lease), 1 when the count is missing", () => {
    expect(deliveryOf({ ...record('m-1', '{}'), attributes: { ...record('m-1', '{}').attributes, ApproximateReceiveCount: '3' } })).toEqual({ messageId: 'm-1', receiveCount: 3 });
    expect(deliveryOf({ ...record('m-2', '{}'), attributes: {} as SQSRecord['attributes'] })).toEqual({ messageId: 'm-2', receiveCount: 1 });
  });
});
