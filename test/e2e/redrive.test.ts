/**
 * A WooCommerce order whose intake died right after writing it — before it was queued — and that WooCommerce never
 * sends again (it does not retry a failed delivery): start-order's scheduled re-drive finds it still `received` and
 * starts its workflow, and it runs to its invoice like any other; run again, the re-drive finds nothing.
 * Through the local stack in its fault-injection mode (local/faults.ts), with the real handlers and emulators.
 */
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderId } from '../../functions/domain/ids.ts';
import { freePort } from '../../local/dynamodb-local.ts';
import { DEV_SECRETS, startLocalStack, type LocalStack } from '../../local/stack.ts';
import { stackClient, until } from '../support/stack-client.ts';

let stack: LocalStack;
const { admin } = stackClient(() => stack);

beforeAll(async () => {
  stack = await startLocalStack({ inMemory: true, faults: true, apiPort: await freePort(), mailPort: await freePort(), warehouseDelayMs: 50, waitMs: 200 });
}, 300_000);
afterAll(async () => {
  await stack?.stop();
}, 60_000);

describe('an order nobody started', () => {
  it('is started by the scheduled re-drive when intake died between its write and its queue message, and is invoiced once', async () => {
    const woo = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/woocommerce/order-created-paid.json'), 'utf8'));
    const body = JSON.stringify({ ...woo, id: 4_242_001, number: 'W-REDRIVE' });
    const source = 'https://redrive-shop.example/';
    const id = orderId('woocommerce', source, '4242001');

    // Intake's first side effect is the order's transaction: it dies right after it, so nothing is queued.
    stack.faults!.arm([{ fn: 'intake', k: 1 }]);
    const res = await fetch(`${stack.apiUrl}/webhooks/woocommerce`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-wc-webhook-topic': 'order.created', 'x-wc-webhook-source': source, 'x-wc-webhook-signature': createHmac('sha256', DEV_SECRETS.O2C_WOOCOMMERCE_WEBHOOK_SECRET).update(body).digest('base64') },
      body,
    });
    expect(res.status).toBe(500);
    expect(stack.faults!.fired().map((f) => [f.fn, f.after.what])).toEqual([['intake', 'DynamoDB.TransactWrite']]);
    const written = await admin(`/_local/orders/${id}`);
    expect([written.order?.status, written.execution]).toEqual(['received', null]);

    // What the schedule sends every 5 minutes, here without waiting for the order to be 5 minutes old.
    expect(await stack.host.invoke('start-order', { redriveReceived: true, olderThanSeconds: 0 })).toEqual({ found: 1, started: 1 });
    const done = await until('the re-driven order invoiced', async () => {
      const o = await admin(`/_local/orders/${id}`);
      return ['invoiced', 'paid'].includes(o.order?.status) && o.execution?.status === 'SUCCEEDED' ? o : undefined;
    }, 60_000);
    expect(done.order.invoiceNumber).toMatch(/^INV-/);
    expect((await admin('/_local/invoices')).invoices.filter((i: { orderReference: string }) => i.orderReference === done.order.source.reference)).toHaveLength(1);
    // Each order is re-driven once; a moved-on order is not in the index at all.
    expect(await stack.host.invoke('start-order', { redriveReceived: true, olderThanSeconds: 0 })).toEqual({ found: 0, started: 0 });
  }, 120_000);
});
