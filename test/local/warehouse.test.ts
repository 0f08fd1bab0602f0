/**
 * The simulated warehouse (local/warehouse.ts) is a real receiver of the signed webhook: it refuses a bad or missing
 * signature with 401 (and never ships), accepts a signed request with 202, calls back once through the callback URL
 * with the warehouse key — also when the same request is delivered again — and can be told to refuse (422) or to leave an order.
 * With a state file it remembers what it accepted across a restart: a request accepted and not yet reported is shipped
 * by the next one, a reported one is not shipped again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warehouseSignature } from '../../functions/platforms/warehouse.ts';
import { startLocalWarehouse, type LocalWarehouse } from '../../local/warehouse.ts';

const SECRET = 'test-webhook-secret';
let api: Server;
let apiUrl: string;
const callbacks: { path: string; key: string | undefined; body: any }[] = [];
/** Orders whose callback answers 503 (o2c down or failing), so the warehouse keeps sending the report. */
const unavailable = new Set<string>();
let warehouse: LocalWarehouse;

beforeAll(async () => {
  api = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      callbacks.push({ path: req.url ?? '', key: req.headers['x-api-key'] as string | undefined, body: JSON.parse(raw) });
      res.writeHead([...unavailable].some((o) => req.url?.includes(o)) ? 503 : 202).end('{}');
    });
  });
  await new Promise<void>((ok) => api.listen(0, '127.0.0.1', ok));
  apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  warehouse = await startLocalWarehouse({ secret: SECRET, warehouseKey: 'wh-key', delayMs: 10 });
});
afterAll(async () => {
  await warehouse?.stop();
  api.closeAllConnections();
  await new Promise<void>((ok) => api.close(() => ok()));
});

const request = (orderId: string) => ({
  requestId: `fulfilment-${orderId}`,
  orderId,
  reference: `PO-${orderId}`,
  lines: [{ sku: 'MUG-01', description: 'Stoneware mug', quantity: 1 }],
  shipTo: { line1: '1 High St', city: 'York', country: 'GB' },
  carrier: { carrier: 'DPD', service: 'Next Day', weightGrams: 500 },
  callbackUrl: `${apiUrl}/fulfilment/${orderId}/shipment`,
  requestedAt: new Date().toISOString(),
});
const deliver = (body: string, signature?: string) =>
  fetch(warehouse.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(signature ? { 'x-o2c-signature': signature } : {}), 'idempotency-key': JSON.parse(body).requestId }, body });
const now = () => Math.floor(Date.now() / 1000);
const settle = () => new Promise((r) => setTimeout(r, 100));

describe('the local warehouse receiver', () => {
  it('refuses a bad, stale or missing signature with 401 and ships nothing', async () => {
    const body = JSON.stringify(request('ord_bad'));
    expect((await deliver(body)).status).toBe(401);
    expect((await deliver(body, warehouseSignature('another-secret', now(), body))).status).toBe(401);
    expect((await deliver(body, warehouseSignature(SECRET, now() - 3600, body))).status).toBe(401);
    expect((await deliver(body, warehouseSignature(SECRET, now(), body.replace('MUG-01', 'MUG-02')))).status).toBe(401);
    await settle();
    expect(warehouse.unauthorized).toBe(4);
    expect(callbacks.filter((c) => c.path.includes('ord_bad'))).toEqual([]);
  });

  it('accepts a signed request with 202 and ships it once through the callback URL with the warehouse key, however often it is delivered', async () => {
    const body = JSON.stringify(request('ord_ok'));
    for (let i = 0; i < 3; i++) expect((await deliver(body, warehouseSignature(SECRET, now(), body))).status).toBe(202);
    await settle();
    const shipped = callbacks.filter((c) => c.path === '/fulfilment/ord_ok/shipment');
    expect(shipped).toHaveLength(1);
    expect(shipped[0]).toMatchObject({ key: 'wh-key', body: { carrier: 'DPD', service: 'Next Day', trackingNumber: expect.stringMatching(/^LOCAL\d{9}GB$/) } });
  });

  it('refuses an order it was told to refuse (422 with the reason) and leaves an order it was told to leave', async () => {
    warehouse.refuse('PO-ord_no', 'no such SKU here');
    const refused = JSON.stringify(request('ord_no'));
    const answer = await deliver(refused, warehouseSignature(SECRET, now(), refused));
    expect(answer.status).toBe(422);
    expect(await answer.json()).toEqual({ reason: 'no such SKU here' });
    warehouse.leave('ord_left');
    const left = JSON.stringify(request('ord_left'));
    expect((await deliver(left, warehouseSignature(SECRET, now(), left))).status).toBe(202);
    await settle();
    expect(callbacks.filter((c) => c.path.includes('ord_no') || c.path.includes('ord_left'))).toEqual([]);
  });

  it('keeps what it accepted in its state file: after a restart it ships what was pending, and nothing twice', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'o2c-warehouse-'));
    const stateFile = join(dir, 'warehouse.jsonl');
    try {
      // Accepted, then the process "dies" before the shipment is reported (a long delay: the timer never fires).
      const before = await startLocalWarehouse({ secret: SECRET, warehouseKey: 'wh-key', delayMs: 60_000, stateFile });
      const pending = JSON.stringify(request('ord_pending'));
      expect((await fetch(before.url, { method: 'POST', headers: { 'x-o2c-signature': warehouseSignature(SECRET, now(), pending), 'idempotency-key': 'fulfilment-ord_pending' }, body: pending })).status).toBe(202);
      await before.stop();
      expect(callbacks.filter((c) => c.path.includes('ord_pending'))).toEqual([]);

      const after = await startLocalWarehouse({ secret: SECRET, warehouseKey: 'wh-key', delayMs: 10, stateFile });
      expect(after.pending).toBe(1);
      after.resumePending();
      for (let i = 0; i < 100 && callbacks.filter((c) => c.path.includes('ord_pending')).length === 0; i++) await settle();
      await settle(); // its "reported" line is written once the callback has answered
      await after.stop();
      expect(callbacks.filter((c) => c.path === '/fulfilment/ord_pending/shipment')).toHaveLength(1);

      // Reported: a third start ships nothing more.
      const third = await startLocalWarehouse({ secret: SECRET, warehouseKey: 'wh-key', delayMs: 10, stateFile });
      expect(third.pending).toBe(0);
      third.resumePending();
      await settle();
      await third.stop();
      expect(callbacks.filter((c) => c.path === '/fulfilment/ord_pending/shipment')).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends a shipment reported before a restart and never answered again as the same report (tracking number and time) after it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'o2c-warehouse-'));
    const stateFile = join(dir, 'warehouse.jsonl');
    const reports = () => callbacks.filter((c) => c.path === '/fulfilment/ord_again/shipment').map((c) => c.body);
    try {
      unavailable.add('ord_again');
      const before = await startLocalWarehouse({ secret: SECRET, warehouseKey: 'wh-key', delayMs: 10, stateFile });
      const body = JSON.stringify(request('ord_again'));
      expect((await fetch(before.url, { method: 'POST', headers: { 'x-o2c-signature': warehouseSignature(SECRET, now(), body), 'idempotency-key': 'fulfilment-ord_again' }, body })).status).toBe(202);
      for (let i = 0; i < 100 && reports().length === 0; i++) await settle();
      await before.stop(); // the report made and sent, never answered but with a 503
      unavailable.delete('ord_again');

      const after = await startLocalWarehouse({ secret: SECRET, warehouseKey: 'wh-key', delayMs: 10, stateFile });
      expect(after.pending).toBe(1);
      after.resumePending();
      const sent = reports().length;
      for (let i = 0; i < 100 && reports().length === sent; i++) await settle();
      await after.stop();
      const all = reports();
      expect(all.length).toBeGreaterThan(sent);
      expect(new Set(all.map((r) => JSON.stringify(r))).size).toBe(1);
      expect(all[0]).toMatchObject({ carrier: 'DPD', service: 'Next Day', trackingNumber: expect.stringMatching(/^LOCAL\d{9}GB$/) });
    } finally {
      unavailable.clear();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
