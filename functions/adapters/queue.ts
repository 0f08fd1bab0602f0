/**
 * SQS queues between the steps (port `Outbox`). Locally the endpoint comes
 * from `AWS_ENDPOINT_URL_SQS`; fauxqs queue URLs name a host that does not
 * resolve, so the client must not use the queue URL as its endpoint there (§6).
 */
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Outbox } from '../ports.ts';

let client: SQSClient | undefined;

export function sqsClient(): SQSClient {
  client ??= new SQSClient({ useQueueUrlAsEndpoint: !process.env.AWS_ENDPOINT_URL_SQS });
  return client;
}

export function setSqsClient(next: SQSClient | undefined): void {
  client = next;
}

export async function sendJson(queueUrl: string, body: unknown): Promise<void> {
  await sqsClient().send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify(body) }));
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

export function sqsOutbox<T>(queueUrl: string): Outbox<T> {
  return { send: (message) => sendJson(queueUrl, message), sendMany: (messages) => sendJsonBatch(queueUrl, messages) };
}
