import { createServer, type Server } from 'node:http';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invocation, tapSdk, type SdkCall } from '../../local/sdk-tap.ts';

// A one-route SQS stand-in (AWS JSON 1.0) so the SDK's real send path runs: no emulator needed for the tap itself.
let server: Server;
let client: SQSClient;
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume().on('end', () => {
      res.setHeader('content-type', 'application/x-amz-json-1.0');
      res.end(JSON.stringify({ QueueUrl: 'http://127.0.0.1/000000000000/q' }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  client = new SQSClient({ endpoint: `http://127.0.0.1:${port}`, region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
});
afterAll(async () => {
  client.destroy();
  await new Promise((ok) => server.close(ok));
});

describe('the SDK tap', () => {
  it('sees each call with its service, operation and invocation, and lets a listener end an invocation after a call succeeded', async () => {
    const seen: SdkCall[] = [];
    const untap = tapSdk({
      after(call) {
        seen.push(call);
        if (call.invocation && call.invocation.calls === 2) {
          call.invocation.crashed = new Error('died after call 2');
          throw call.invocation.crashed;
        }
      },
    });
    try {
      await client.send(new GetQueueUrlCommand({ QueueName: 'q' })); // the platform's own call
      const inv = { fn: 'start-order', requestId: 'r1', memoryMb: 256, calls: 0 };
      await expect(
        invocation.run(inv, async () => {
          await client.send(new GetQueueUrlCommand({ QueueName: 'q' }));
          await client.send(new GetQueueUrlCommand({ QueueName: 'q' })); // succeeds at the server, then "dies"
          await client.send(new GetQueueUrlCommand({ QueueName: 'q' })); // never reached
        }),
      ).rejects.toThrow('died after call 2');
      await expect(invocation.run(inv, () => client.send(new GetQueueUrlCommand({ QueueName: 'q' })))).rejects.toThrow('died after call 2');
      expect(seen.map((c) => [c.invocation?.fn, c.service, c.operation, (c.output as { QueueUrl?: string } | undefined)?.QueueUrl])).toEqual([
        [undefined, 'SQS', 'GetQueueUrl', 'http://127.0.0.1/000000000000/q'],
        ['start-order', 'SQS', 'GetQueueUrl', 'http://127.0.0.1/000000000000/q'],
        ['start-order', 'SQS', 'GetQueueUrl', 'http://127.0.0.1/000000000000/q'],
      ]);
    } finally {
      untap();
    }
    seen.length = 0;
    await client.send(new GetQueueUrlCommand({ QueueName: 'q' }));
    expect(seen).toEqual([]);
  });
});
