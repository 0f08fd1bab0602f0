/**
 * `npm run bench:intake`: the intake route's latency at 50 concurrent requests
 * against the local stack (Shopify webhooks: verify, map, one idempotent write,
 * one enqueue), beside the physical floor measured in the same run: one bare
 * DynamoDB PutItem plus one SQS SendMessage against the same emulators, at the
 * same concurrency. Figures only, never pass/fail.
 */
import { Keys } from '../functions/adapters/table-schema.ts';
import '../local/quiet.ts';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { freePort } from '../local/dynamodb-local.ts';
import { DEV_SECRETS, startLocalStack } from '../local/stack.ts';
import { quantile, runConcurrently } from './concurrent.ts';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '50' } } });
const total = Number(values.requests);
const concurrency = Number(values.concurrency);

async function measure(label: string, op: (i: number) => Promise<void>): Promise<string> {
  const { latencies, wallMs } = await runConcurrently(total, concurrency, op);
  const p = (q: number) => quantile(latencies, q).toFixed(1);
  return `${label.padEnd(44)} p50 ${p(0.5).padStart(7)} ms · p99 ${p(0.99).padStart(7)} ms · ${(total / (wallMs / 1000)).toFixed(0)}/s`;
}

const stack = await startLocalStack({ inMemory: true, apiPort: await freePort(), mailPort: await freePort(), simulateWarehouse: false });
try {
  const queueUrl = stack.queues.url(stack.topology.queues.find((q) => !q.deadLetter && !stack.topology.eventSources.some((e) => e.queue === q.logicalId))?.name ?? stack.topology.queues[0]!.name);
  const floor = await measure('floor: 1 DynamoDB PutItem + 1 SQS send', async (i) => {
    await stack.doc.send(new PutCommand({ TableName: stack.tableName, Item: { ...Keys.benchFloor(i), n: i } }));
    await stack.queues.client.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: JSON.stringify({ i }) }));
  });
  const template = JSON.parse(readFileSync(resolve(import.meta.dirname, '../test/fixtures/shopify/orders-paid-gbp.json'), 'utf8'));
  const secret = process.env.O2C_SHOPIFY_WEBHOOK_SECRET || DEV_SECRETS.O2C_SHOPIFY_WEBHOOK_SECRET;
  const intake = await measure('intake: POST /webhooks/shopify (new orders)', async (i) => {
    const body = JSON.stringify({ ...template, id: 900_000 + i, name: `#B${i}` });
    const res = await fetch(`${stack.apiUrl}/webhooks/shopify`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-shopify-topic': 'orders/paid', 'x-shopify-shop-domain': 'bench.myshopify.com', 'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64') },
      body,
    });
    if (res.status !== 202) throw new Error(`intake answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  });
  console.log(`intake latency, ${total} requests at ${concurrency} concurrent — ${availableParallelism()} cores, Node ${process.version} (the workflow runs behind intake, sharing the cores)`);
  console.log(`  ${floor}`);
  console.log(`  ${intake}`);
} finally {
  await stack.stop();
}
