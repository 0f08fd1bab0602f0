/**
 * SQS locally: fauxqs in-process, the template's queues created with their
 * redrive policies, and one poller per event source mapping (one per handler
 * module: Powertools' BatchProcessor keeps module state, ARCHITECTURE.md §6).
 * A poller receives up to the mapping's batch size, invokes the function with
 * an SQS event, deletes what succeeded and returns the failures to the queue.
 * Locally a failed message is visible again after 1 s instead of the queue's
 * visibility timeout, so a poison message reaches its DLQ in seconds.
 *
 * With a data directory, fauxqs 2 keeps the queues and every message (ready,
 * delayed, in flight) in SQLite there (`<dataDir>/` — written through on every
 * change, so a `kill -9` loses nothing that was acknowledged). On a restart the
 * messages that were in flight belonged to pollers of the process that died:
 * they are made visible again at once instead of after the queue's visibility
 * timeout (what Lambda's poller would see after its own crash, only sooner).
 */
import { mkdirSync } from 'node:fs';
import { Server as NetServer } from 'node:net';
import {
  ChangeMessageVisibilityBatchCommand,
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { FauxqsServer } from 'fauxqs';
import { withoutSqliteWarning } from './sqlite.ts';
import { FunctionError, type FunctionHost } from './functions.ts';
import type { LocalEventSource, LocalQueue } from './template.ts';

export const LOCAL_RETRY_SECONDS = 1;

export interface LocalQueues {
  server: FauxqsServer;
  /** Messages found in the queues when they started (kept from the run before): waiting, and in flight when it stopped. */
  readonly restored: { ready: number; inFlight: number };
  endpoint: string;
  client: SQSClient;
  url(queueName: string): string;
  depths(): Promise<{ queue: string; visible: number; inFlight: number; isDeadLetter: boolean }[]>;
  stop(): Promise<void>;
}

/**
 * fauxqs 2.4 listens on 0.0.0.0 whatever its `host` says (that option only names the host in queue URLs), and it
 * checks no credentials: while it starts — nothing else in this process listens meanwhile — a listen on every
 * interface is made a listen on 127.0.0.1.
 */
async function onLoopback<T>(start: () => Promise<T>): Promise<T> {
  const listen = NetServer.prototype.listen;
  NetServer.prototype.listen = function listenOnLoopback(this: NetServer, ...args: unknown[]) {
    const first = args[0] as { host?: string } | undefined;
    if (first && typeof first === 'object' && (first.host === '0.0.0.0' || first.host === '::')) args[0] = { ...first, host: '127.0.0.1' };
    return (listen as (...a: unknown[]) => NetServer).apply(this, args);
  } as typeof listen;
  try {
    return await start();
  } finally {
    NetServer.prototype.listen = listen;
  }
}

export async function startQueues(queues: readonly LocalQueue[], region: string, port: number, options: { dataDir?: string } = {}): Promise<LocalQueues> {
  const { startFauxqs } = await withoutSqliteWarning(() => import('fauxqs'));
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const server = await onLoopback(() => startFauxqs({ port, host: '127.0.0.1', logger: false, defaultRegion: region, ...(options.dataDir ? { dataDir: options.dataDir } : {}) }));
  const endpoint = `http://127.0.0.1:${server.port}`;
  const client = new SQSClient({ endpoint, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const urls = new Map<string, string>();
  const arns = new Map<string, string>();
  const byId = new Map(queues.map((q) => [q.logicalId, q]));
  // Dead-letter queues first: a redrive policy names its target's ARN.
  const ordered = [...queues].sort((a, b) => Number(Boolean(a.deadLetter)) - Number(Boolean(b.deadLetter)));
  for (const q of ordered) {
    const attributes: Record<string, string> = { VisibilityTimeout: String(q.visibilityTimeoutSeconds) };
    if (q.deadLetter) {
      const dlq = byId.get(q.deadLetter.logicalId);
      const arn = dlq && arns.get(dlq.name);
      if (!arn) throw new Error(`queue ${q.name}: dead-letter queue ${q.deadLetter.logicalId} is not in the template`);
      attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: q.deadLetter.maxReceiveCount });
    }
    // A queue kept from the run before is reused: creating it again would replace it, and fauxqs's REPLACE of the
    // queue's row deletes its messages (ON DELETE CASCADE). Its URL names the old port; lookups go by name.
    const kept = server.inspectQueue(q.name);
    if (kept) {
      // (Not `new URL`: a host like sqs.eu-west-1.127.0.0.1 ends in a number, which WHATWG URLs refuse.)
      const url = kept.url.replace(/^(https?:\/\/[^/:]+)(:\d+)?/, `$1:${server.port}`);
      urls.set(q.name, url);
      arns.set(q.name, kept.arn);
      await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
      continue;
    }
    const created = server.createQueue(q.name, { region, attributes });
    urls.set(q.name, created.queueUrl);
    arns.set(q.name, created.queueArn);
  }
  const deadLetters = new Set(queues.flatMap((q) => (q.deadLetter ? [byId.get(q.deadLetter.logicalId)!.name] : [])));
  const restored = { ready: 0, inFlight: 0 };
  for (const q of queues) {
    const found = server.inspectQueue(q.name);
    if (!found) continue;
    restored.ready += found.messages.ready.length + found.messages.delayed.length;
    restored.inFlight += found.messages.inflight.length;
    for (const m of found.messages.inflight) {
      // One whose deadline passed meanwhile is visible already (fauxqs then refuses the change). Not 0 s: with
      // persistence, fauxqs 2.4.1 takes a 0-s change off its in-flight list, then fails writing the message as ready
      // (it sets approximate_receive_count to NULL, a NOT NULL column) before putting it back on the ready list — the
      // message was lost to that run and stayed in flight on disk (the restart test's credit review never came back).
      // A 1-s change takes fauxqs's other path (a new deadline, written whole): visible again within a second.
      await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: urls.get(q.name)!, ReceiptHandle: m.receiptHandle, VisibilityTimeout: 1 })).catch(() => undefined);
    }
  }
  return {
    restored,
    server,
    endpoint,
    client,
    url: (name) => {
      const url = urls.get(name);
      if (!url) throw new Error(`no local queue ${name}`);
      return url;
    },
    async depths() {
      return Promise.all(
        queues.map(async (q) => {
          const r = await client.send(
            new GetQueueAttributesCommand({ QueueUrl: urls.get(q.name)!, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
          );
          return {
            queue: q.name,
            visible: Number(r.Attributes?.ApproximateNumberOfMessages ?? 0),
            inFlight: Number(r.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
            isDeadLetter: deadLetters.has(q.name),
          };
        }),
      );
    },
    async stop() {
      client.destroy();
      await server.stop();
    },
  };
}

function sqsEvent(messages: Message[], queueArn: string, region: string): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  };
}

export interface Poller {
  readonly source: LocalEventSource & { queueName: string; fnName: string };
  stop(): Promise<void>;
  /** Resolves when the poller is between batches. */
  idle(): boolean;
}

export function startPoller(
  queues: LocalQueues,
  source: LocalEventSource & { queueName: string; fnName: string },
  host: FunctionHost,
  region: string,
  onProcessed?: (fnName: string, bodies: string[]) => void,
  /** How long a failed message stays invisible (default LOCAL_RETRY_SECONDS); the fault-injection mode keeps it closer to AWS. */
  failedRetrySeconds = LOCAL_RETRY_SECONDS,
): Poller {
  let running = true;
  let busy = false;
  const queueUrl = queues.url(source.queueName);
  const queueArn = `arn:aws:sqs:${region}:000000000000:${source.queueName}`;
  const loop = (async () => {
    while (running) {
      let messages: Message[] = [];
      try {
        const r = await queues.client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, source.batchSize),
            WaitTimeSeconds: 1,
            MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
          }),
        );
        messages = r.Messages ?? [];
      } catch (error) {
        if (!running) break;
        await new Promise((r) => setTimeout(r, 200));
        continue;
      }
      if (messages.length === 0) continue;
      busy = true;
      let failedIds = new Set<string>();
      let retrySeconds = failedRetrySeconds;
      try {
        const response = (await host.invoke(source.fn, sqsEvent(messages, queueArn, region))) as SQSBatchResponse | undefined;
        failedIds = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      } catch (error) {
        failedIds = new Set(messages.map((m) => m.MessageId!)); // whole batch failed
        // An invocation that died is seen again only after its deadline, as in AWS (a queue's visibility timeout is at
        // least its consumer's timeout): what it left in progress — a Powertools idempotency record — has expired by then.
        const left = error instanceof FunctionError ? error.crashedWithMsLeft : undefined;
        if (left !== undefined) retrySeconds = Math.max(failedRetrySeconds, Math.ceil(left / 1000));
      }
      const ok = messages.filter((m) => !failedIds.has(m.MessageId!));
      const failed = messages.filter((m) => failedIds.has(m.MessageId!));
      if (ok.length > 0) {
        await queues.client.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: ok.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
        onProcessed?.(source.fnName, ok.map((m) => m.Body ?? ''));
      }
      if (failed.length > 0) {
        await queues.client
          .send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: queueUrl,
              Entries: failed.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle!, VisibilityTimeout: retrySeconds })),
            }),
          )
          .catch(() => undefined);
      }
      busy = false;
    }
  })();
  return {
    source,
    idle: () => !busy,
    async stop() {
      running = false;
      await loop;
    },
  };
}
