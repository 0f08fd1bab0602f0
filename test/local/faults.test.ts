/**
 * The fault injector on its own (no emulators): SDK writes count and reads do not, a refused write is no side effect,
 * the crash comes right after the chosen call succeeded and ends the invocation (its later calls never leave), and
 * fetch and node:http writes count at the same point.
 */
import { createHash } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRASH_ERROR_NAME, injectFaults, isSideEffect } from '../../local/faults.ts';
import { invocation, type Invocation } from '../../local/sdk-tap.ts';

let server: Server;
let url: string;
let client: SQSClient;
const received: string[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c)).on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? `${req.method} ${req.url}`);
      received.push(target);
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      if (target.endsWith('SendMessage') && body.includes('refuse')) {
        res.statusCode = 400;
        return res.end(JSON.stringify({ __type: 'com.amazonaws.sqs#InvalidMessageContents', message: 'refused' }));
      }
      const md5 = target.endsWith('SendMessage') ? createHash('md5').update(String(JSON.parse(body).MessageBody)).digest('hex') : '';
      res.end(JSON.stringify(target.endsWith('GetQueueUrl') ? { QueueUrl: 'http://127.0.0.1/000000000000/q' } : { MessageId: 'm1', MD5OfMessageBody: md5 }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  client = new SQSClient({ endpoint: url, region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
});
afterAll(async () => {
  client.destroy();
  await new Promise((ok) => server.close(ok));
});

const inv = (fn: string): Invocation => ({ fn, requestId: `${fn}-1`, memoryMb: 128, calls: 0 });
const send = (body: string) => client.send(new SendMessageCommand({ QueueUrl: `${url}/000000000000/q`, MessageBody: body }));
const post = (path: string) => new Promise<number>((ok, fail) => request(`${url}${path}`, { method: 'POST' }, (res) => (res.resume(), ok(res.statusCode ?? 0))).on('error', fail).end('x'));

describe('the fault injector', () => {
  it('knows writes from reads', () => {
    expect(isSideEffect({ service: 'DynamoDB', operation: 'TransactWrite' })).toBe(true);
    expect(isSideEffect({ service: 'DynamoDB', operation: 'Query' })).toBe(false);
    expect(isSideEffect({ service: 'SQS', operation: 'ReceiveMessage' })).toBe(false);
    expect(isSideEffect({ service: 'SFN', operation: 'SendTaskSuccess' })).toBe(true);
  });

  it('counts successful writes of each function, and crashes one right after its k-th: the call happened, nothing after it does', async () => {
    const faults = injectFaults();
    try {
      faults.count();
      await invocation.run(inv('a'), async () => {
        await client.send(new GetQueueUrlCommand({ QueueName: 'q' })); // a read
        await send('one');
        await expect(send('refuse')).rejects.toThrow('refused'); // refused: changed nothing
        await fetch(`${url}/hook`, { method: 'POST', body: 'x' });
        await fetch(`${url}/status`); // a read
        await post('/v1/refunds');
      });
      await send('the platform’s own'); // outside any invocation
      expect([...faults.counts()]).toEqual([['a', 3]]);
      expect(faults.log.map((e) => [e.nth, e.what.replace(/:\d+/, '')])).toEqual([[1, 'SQS.SendMessage'], [2, 'http.POST 127.0.0.1/hook'], [3, 'http.POST 127.0.0.1/v1/refunds']]);

      for (const k of [1, 2, 3]) {
        faults.arm([{ fn: 'a', k }]);
        received.length = 0;
        const current = inv('a');
        const run = invocation.run(current, async () => {
          await send('one');
          await fetch(`${url}/hook`, { method: 'POST', body: 'x' });
          await post('/v1/refunds');
          await send('never, if it died before');
        });
        await expect(run).rejects.toMatchObject({ name: CRASH_ERROR_NAME });
        expect(current.crashed?.message).toContain(`side effect ${k} of a`);
        expect(faults.fired()).toEqual([expect.objectContaining({ fn: 'a', k })]);
        // Everything up to the k-th reached the server; nothing after it.
        expect(received.length).toBe(k);
      }
      // Another function is not touched by a's crash point.
      faults.arm([{ fn: 'a', k: 1 }]);
      await invocation.run(inv('b'), () => send('b is fine'));
      expect(faults.fired()).toEqual([]);
    } finally {
      faults.stop();
    }
  });
});
