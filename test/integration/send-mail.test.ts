/**
 * send-mail: raw MIME with the attachment goes to SES once per message key,
 * however often the message is delivered (Powertools idempotency on DynamoDB Local).
 */
import { SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import type { SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, describe, expect, it } from 'vitest';
import { setTestBindings } from '../support/bindings.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';

const ses = mockClient(SESClient);

describe('send-mail', () => {
  const ddb = useDynamoDbLocal();
  let mod: typeof import('../../functions/handlers/send-mail.ts');

  beforeAll(async () => {
    // The handler reads its bindings (the idempotency table among them) once, at import.
    setTestBindings({ TABLE_NAME: await ddb.createTable(), SENDER_ADDRESS: 'billing@example.com' });
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'send-mail';
    mod = await import('../../functions/handlers/send-mail.ts');
    ses.on(SendRawEmailCommand).resolves({ MessageId: 'ses-1' });
  });

  const message = {
    key: 'invoice:INV-2026-000007',
    to: ['buyer@acme.example'],
    subject: 'Invoice INV-2026-000007 — Räkning',
    text: 'Please find attached invoice INV-2026-000007.',
    language: 'sv',
    attachments: [{ filename: 'INV-2026-000007.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('%PDF-1.7 test').toString('base64') }],
  };
  const event = (bodies: string[]): SQSEvent => ({
    Records: bodies.map((body, i) => ({ messageId: `m${i}`, body, receiptHandle: 'r', attributes: {} as never, messageAttributes: {}, md5OfBody: '', eventSource: 'aws:sqs', eventSourceARN: 'arn:aws:sqs:eu-west-1:0:mail', awsRegion: 'eu-west-1' })),
  });

  it('sends raw MIME with subject, language and the PDF attached, once per key', async () => {
    const ctx = { functionName: 'send-mail', awsRequestId: 'req', getRemainingTimeInMillis: () => 30_000 } as never;
    const result = await mod.handler(event([JSON.stringify(message), JSON.stringify(message), '{"not":"a mail"}']), ctx);
    // m0 and m1 are the same mail delivered twice in one batch: records are sent one at a time (paced to the
    // SES rate), so m1 finds m0's send completed and sends nothing; m2 is poison.
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m2']);
    const again = await mod.handler(event([JSON.stringify(message)]), ctx); // a later redelivery
    expect(again.batchItemFailures).toEqual([]);
    const calls = ses.commandCalls(SendRawEmailCommand);
    expect(calls).toHaveLength(1);
    const mime = Buffer.from(calls[0]!.args[0].input.RawMessage!.Data!).toString('utf8');
    expect(mime).toMatch(/^From: billing@example\.com/m);
    expect(mime).toMatch(/^To: buyer@acme\.example/m);
    expect(mime).toMatch(/^Subject: =\?UTF-8\?/m); // non-ASCII subject is encoded
    expect(mime).toMatch(/^Content-Language: sv/m);
    expect(mime).toMatch(/Content-Type: application\/pdf; name=INV-2026-000007\.pdf/);
    expect(mime).toContain(Buffer.from('%PDF-1.7 test').toString('base64'));
  });
});
