/**
 * The local queues across a restart: a message received by a poller of the process that died (in flight, its
 * visibility timeout minutes away) is made visible again at once on the next start, so whatever it carried — a
 * credit review's task token, a fulfilment request — is not held back for the queue's visibility timeout, and is
 * not lost. (fauxqs 2.4.1 loses a message whose visibility is set to 0 s with persistence on: local/queues.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteMessageCommand, ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb-local.ts';
import { startQueues, type LocalQueues } from '../../local/queues.ts';

const queue = { logicalId: 'Review', name: 'ReviewQueue', visibilityTimeoutSeconds: 180 };
const dirs: string[] = [];
const running: LocalQueues[] = [];
afterEach(async () => {
  for (const q of running.splice(0)) await q.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const start = async (dataDir: string) => {
  const q = await startQueues([queue], 'eu-west-1', await freePort(), { dataDir });
  running.push(q);
  return q;
};
const receive = async (q: LocalQueues) =>
  (await q.client.send(new ReceiveMessageCommand({ QueueUrl: q.url(queue.name), MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }))).Messages ?? [];

describe('local queues: a restart on the same data directory', () => {
  it('makes a message that was in flight in the process before visible again within seconds, and keeps the one that was waiting', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'o2c-queues-'));
    dirs.push(dataDir);
    const first = await start(dataDir);
    await first.client.send(new SendMessageCommand({ QueueUrl: first.url(queue.name), MessageBody: '{"taskToken":"t-1"}' }));
    const taken = await receive(first); // a poller took it (180 s invisible) and its process died
    expect(taken.map((m) => m.Body)).toEqual(['{"taskToken":"t-1"}']);
    await first.client.send(new SendMessageCommand({ QueueUrl: first.url(queue.name), MessageBody: '{"taskToken":"t-2"}' }));
    await first.stop();
    running.splice(0);

    const second = await start(dataDir);
    expect(second.restored).toEqual({ ready: 1, inFlight: 1 });
    const seen = new Map<string, string>();
    for (const deadline = Date.now() + 10_000; seen.size < 2 && Date.now() < deadline; ) {
      for (const m of await receive(second)) {
        seen.set(m.Body!, m.Attributes?.ApproximateReceiveCount ?? '');
        await second.client.send(new DeleteMessageCommand({ QueueUrl: second.url(queue.name), ReceiptHandle: m.ReceiptHandle! }));
      }
    }
    expect(Object.fromEntries(seen)).toEqual({ '{"taskToken":"t-1"}': '2', '{"taskToken":"t-2"}': '1' });
    const depths = await second.depths();
    expect(depths.map((d) => d.visible + d.inFlight)).toEqual([0]);
  }, 30_000);
});
