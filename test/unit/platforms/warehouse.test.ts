/**
 * The warehouse webhook's signature (x-o2c-signature: t=…,v1=…, HMAC-SHA256 over "t.body") against a known answer
 * computed outside o2c (openssl dgst -sha256 -hmac), its verification, and the adapter that delivers it: signed,
 * with the Idempotency-Key, 2xx accepted, 4xx refused with the reason, 5xx/408/429/network thrown for a retry.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { warehouseWebhook } from '../../../functions/adapters/warehouse-webhook.ts';
import { fulfilmentRequest } from '../../../functions/domain/fulfilment.ts';
import { verifyWarehouseSignature, warehouseSignature } from '../../../functions/platforms/warehouse.ts';
import { fixedClock } from '../../../functions/runtime/clock.ts';
import { testOrder } from '../../support/orders.ts';

const SECRET = 'o2c-test-secret';
const T = 1_767_225_600; // 2026-01-01T00:00:00Z
const BODY = '{"orderId":"ord_1","requestId":"fulfilment-ord_1"}';

describe('warehouse signature', () => {
  it('is t=<unix>,v1=<hex HMAC-SHA256 of "t.body"> (known answer)', () => {
    expect(warehouseSignature(SECRET, T, BODY)).toBe('t=1767225600,v1=471ca2cda95398c6a05fdffb99ff15bdcf845208f8679dd0ddd378f4c22a5513');
  });

  it('verifies the right secret within 5 minutes, also among two secrets during a rotation', () => {
    const header = warehouseSignature(SECRET, T, BODY);
    expect(verifyWarehouseSignature(header, BODY, [SECRET], T + 299)).toBe(true);
    expect(verifyWarehouseSignature(header, BODY, ['old-secret', SECRET], T - 10)).toBe(true);
  });

  it('refuses another secret, another body, a stale or future timestamp, and malformed headers', () => {
    const header = warehouseSignature(SECRET, T, BODY);
    expect(verifyWarehouseSignature(header, BODY, ['another'], T)).toBe(false);
    expect(verifyWarehouseSignature(header, BODY.replace('ord_1', 'ord_2'), [SECRET], T)).toBe(false);
    expect(verifyWarehouseSignature(header, BODY, [SECRET], T + 301)).toBe(false);
    expect(verifyWarehouseSignature(header, BODY, [SECRET], T - 301)).toBe(false);
    expect(verifyWarehouseSignature(header.replace(`t=${T}`, `t=${T + 1}`), BODY, [SECRET], T)).toBe(false);
    for (const bad of [undefined, '', 'v1=abc', `t=${T}`, `t=abc,v1=${'0'.repeat(64)}`, 'garbage']) expect(verifyWarehouseSignature(bad, BODY, [SECRET], T), String(bad)).toBe(false);
    expect(verifyWarehouseSignature(header, BODY, [''], T)).toBe(false);
  });
});

describe('warehouseWebhook (adapter) against a receiver on 127.0.0.1', () => {
  let server: Server;
  let url: string;
  let next: { status: number; body: string } = { status: 202, body: '' };
  const received: { headers: IncomingMessage['headers']; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(next.status, { 'content-type': 'application/json' });
        res.end(next.body);
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  });

  const request = fulfilmentRequest(testOrder('ord_1', 'fulfilling'), { carrier: 'DPD', service: 'Next Day', cost: 599, weightGrams: 900 }, 'https://api.o2c.example', '2026-01-01T00:00:00.000Z');
  const webhook = () => warehouseWebhook({ url, secret: async () => SECRET, clock: fixedClock('2026-01-01T00:00:00.000Z'), timeoutMs: 2_000 });

  it('POSTs the request as JSON, signed over the exact body, with the request id as Idempotency-Key', async () => {
    next = { status: 202, body: '{}' };
    expect(await webhook().deliver(request)).toEqual({ kind: 'accepted', status: 202 });
    const got = received.at(-1)!;
    expect(JSON.parse(got.body)).toEqual(request);
    expect(got.headers['content-type']).toBe('application/json');
    expect(got.headers['idempotency-key']).toBe('fulfilment-ord_1');
    expect(got.headers['x-o2c-signature']).toBe(warehouseSignature(SECRET, T, got.body));
    expect(verifyWarehouseSignature(String(got.headers['x-o2c-signature']), got.body, [SECRET], T)).toBe(true);
  });

  it("4xx: refused with the warehouse's reason (JSON reason, else its text)", async () => {
    next = { status: 422, body: '{"reason":"no such SKU: MUG-01"}' };
    expect(await webhook().deliver(request)).toEqual({ kind: 'refused', status: 422, reason: 'no such SKU: MUG-01' });
    next = { status: 400, body: 'address incomplete' };
    expect(await webhook().deliver(request)).toEqual({ kind: 'refused', status: 400, reason: 'address incomplete' });
  });

  it('5xx, 429 and 408 throw WarehouseUnavailable (SQS retries); so does a receiver that is not there', async () => {
    for (const status of [500, 503, 429, 408]) {
      next = { status, body: '' };
      await expect(webhook().deliver(request), String(status)).rejects.toMatchObject({ name: 'WarehouseUnavailable' });
    }
    const gone = warehouseWebhook({ url: 'http://127.0.0.1:1/hook', secret: async () => SECRET, clock: fixedClock('2026-01-01T00:00:00.000Z'), timeoutMs: 2_000 });
    await expect(gone.deliver(request)).rejects.toMatchObject({ name: 'WarehouseUnavailable' });
  });
});
