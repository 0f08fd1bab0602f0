/**
 * send-mail after a crashed send: the invocation's context is registered with
 * the idempotency config, so the in-progress record of a send that never
 * finished expires with that invocation, and the redelivery sends. (Without
 * the context the record would block the key for its whole 7-day life and the
 * mail would end in the DLQ.) DynamoDB Local holds the idempotency records.
 */
import { SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { setTestBindings } from '../../support/bindings.ts';
import { useDynamoDbLocal } from '../../support/dynamodb.ts';

const ses = mockClient(SESClient);

const event = (body: unknown): SQSEvent => ({
  Records: [{ messageId: 'm1', body: JSON.stringify(body), receiptHandle: 'r', attributes: {} as never, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:eu-west-1:0:mail', awsRegion: 'eu-west-1' }],
});
const context = (remainingMs: number) => ({ functionName: 'send-mail', awsRequestId: `req-${remainingMs}`, getRemainingTimeInMillis: () => remainingMs }) as unknown as Context;
const message = { key: 'reminder:INV-2026-000009:7', to: ['ada@example.com'], subject: 'Second reminder', text: 'Invoice INV-2026-000009 is overdue.' };

describe('send-mail after a crash mid-send (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let mod: typeof import('../../../functions/handlers/send-mail.ts');
  let table: string;

  beforeAll(async () => {
    table = await ddb.createTable();
    // The handler reads its bindings (the idempotency table among them) once, at import.
    setTestBindings({ TABLE_NAME: table, SENDER_ADDRESS: 'billing@example.com' });
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'send-mail';
    mod = await import('../../../functions/handlers/send-mail.ts');
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lets the redelivery send once the crashed invocation is out of time, and then sends no more', async () => {
    let release: (v: { MessageId: string }) => void = () => {};
    let calls = 0;
    ses.on(SendRawEmailCommand).callsFake(() => (++calls === 1 ? new Promise((resolve) => (release = resolve)) : Promise.resolve({ MessageId: `ses-${calls}` })));

    // 1. The first delivery hangs inside SES with 60 s left: it does not finish in its time (a timeout).
    //    (Its deadline is far enough off that step 2 is in time however loaded the machine; step 3
    //    moves the clock past it rather than waiting.)
    const deadline = Date.now() + 60_000;
    const hung = mod.handler(event(message), context(60_000)).catch((e: unknown) => e);
    while (calls === 0) await new Promise((r) => setTimeout(r, 20)); // it has saved its INPROGRESS record and called SES
    const record = await ddb.doc().send(new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': 'IDEMPOTENCY#send-mail' } }));
    expect(record.Items).toHaveLength(1);
    expect(record.Items![0]).toMatchObject({ status: 'INPROGRESS' });
    expect(record.Items![0]!.in_progress_expiration).toBeTypeOf('number');

    // 2. While it is still in time, a duplicate goes back to the queue (a batch of one failing whole), no second email.
    await expect(mod.handler(event(message), context(30_000))).rejects.toThrow(/All records failed/);
    expect(calls).toBe(1);

    // 3. After its deadline the redelivery sends (only Date moves; timers and I/O stay real).
    vi.useFakeTimers({ toFake: ['Date'], now: deadline + 1000 });
    expect((await mod.handler(event(message), context(30_000))).batchItemFailures).toEqual([]);
    expect(calls).toBe(2);

    // 4. And once sent, further deliveries send nothing.
    expect((await mod.handler(event(message), context(30_000))).batchItemFailures).toEqual([]);
    expect(calls).toBe(2);
    release({ MessageId: 'late' });
    await hung;
  });
});
