/**
 * Sending JSON messages to SQS. Locally the endpoint comes from
 * `AWS_ENDPOINT_URL_SQS`; fauxqs queue URLs name a host that does not resolve,
 * so the client must not use the queue URL as its endpoint there (§6).
 */
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { tracer } from '#runtime';

let client: SQSClient | undefined;

export function sqsClient(): SQSClient {
  client ??= tracer.captureAWSv3Client(new SQSClient({ useQueueUrlAsEndpoint: !process.env.AWS_ENDPOINT_URL_SQS }));
  return client;
}

export function setSqsClient(next: SQSClient | undefined): void {
  client = next;
}

export async function sendJson(queueUrl: string, body: unknown, options: { delaySeconds?: number } = {}): Promise<string | undefined> {
  const result = await sqsClient().send(
    new SendMessageCommand({
      QueueUrl: queueUrl,
      MessageBody: JSON.stringify(body),
      ...(options.delaySeconds ? { DelaySeconds: options.delaySeconds } : {}),
    }),
  );
  return result.MessageId;
}

/** Sends many messages, ten per call; entries SQS refuses are retried once, then it throws. */
export async function sendJsonBatch(queueUrl: string, bodies: readonly unknown[]): Promise<void> {
  for (let start = 0; start < bodies.length; start += 10) {
    let entries = bodies.slice(start, start + 10).map((body, i) => ({ Id: String(start + i), MessageBody: JSON.stringify(body) }));
    for (let attempt = 0; attempt < 2 && entries.length > 0; attempt++) {
      const result = await sqsClient().send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      const failed = new Set((result.Failed ?? []).map((f) => f.Id));
      entries = entries.filter((e) => failed.has(e.Id));
    }
    if (entries.length > 0) throw new Error(`SQS refused ${entries.length} message(s) to ${queueUrl}`);
  }
}
