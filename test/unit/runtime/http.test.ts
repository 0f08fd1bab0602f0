import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConflictError, deliveryIdOf, MAX_BODY_BYTES, parseJsonBody, runRoute, type HttpRequest, type Route } from '../../../functions/runtime/index.ts';

function event(body: string | undefined, extra: Partial<APIGatewayProxyEventV2> = {}): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: 'POST /orders',
    rawPath: '/orders',
    rawQueryString: '',
    headers: { 'Content-Type': 'application/json', 'X-Api-Key': 'k' },
    requestContext: {
      accountId: '123',
      apiId: 'api',
      domainName: 'localhost',
      domainPrefix: 'localhost',
      http: { method: 'POST', path: '/orders', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: 'r1',
      routeKey: 'POST /orders',
      stage: '$default',
      time: '',
      timeEpoch: Date.UTC(2026, 10, 22),
    },
    isBase64Encoded: false,
    ...(body === undefined ? {} : { body }),
    ...extra,
  };
}

const Schema = z.object({ qty: z.number().int().positive(), lines: z.array(z.object({ sku: z.string().min(1) })).min(1) });
const echo: Route = async (req) => ({ status: 202, body: { got: parseJsonBody(req, Schema), key: req.headers['x-api-key'] } });

describe('HTTP route wrapper', () => {
  it('decodes, validates and answers', async () => {
    const res = await runRoute(echo, event(JSON.stringify({ qty: 2, lines: [{ sku: 'A' }] })));
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(res.body!)).toEqual({ got: { qty: 2, lines: [{ sku: 'A' }] }, key: 'k' });
  });

  it('reads base64 bodies as the bytes that were sent', async () => {
    const raw = JSON.stringify({ qty: 1, lines: [{ sku: 'Å' }] });
    const res = await runRoute(echo, event(Buffer.from(raw).toString('base64'), { isBase64Encoded: true }));
    expect(JSON.parse(res.body!).got.lines[0].sku).toBe('Å');
  });

  it('answers 400 for a body that is not JSON', async () => {
    const res = await runRoute(echo, event('{"qty": 2,'));
    expect(res.statusCode).toBe(400);
    expect(JSON.parse(res.body!).error).toBe('BadRequest');
  });

  it('answers 422 listing every failing field path', async () => {
    const res = await runRoute(echo, event(JSON.stringify({ qty: -1, lines: [{ sku: '' }] })));
    expect(res.statusCode).toBe(422);
    const paths = JSON.parse(res.body!).issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['qty', 'lines.0.sku']));
  });

  it('answers 413 past the body limit, before the route runs', async () => {
    let ran = false;
    const res = await runRoute(async () => ((ran = true), { status: 200 }), event('x'.repeat(MAX_BODY_BYTES + 1)));
    expect(res.statusCode).toBe(413);
    expect(ran).toBe(false);
  });

  it('maps AppErrors to their status and hides unexpected faults behind a 500', async () => {
    const conflict = await runRoute(async () => {
      throw new ConflictError('order is not on credit hold', 'NotOnHold');
    }, event('{}'));
    expect(conflict.statusCode).toBe(409);
    expect(JSON.parse(conflict.body!)).toMatchObject({ error: 'NotOnHold', message: 'order is not on credit hold' });
    const fault = await runRoute(async () => {
      throw new Error('socket hang up at 10.0.0.1');
    }, event('{}'));
    expect(fault.statusCode).toBe(500);
    expect(fault.body).not.toContain('10.0.0.1');
  });
});

describe('deliveryIdOf', () => {
  const request = (rawBody: string, headers: Record<string, string> = {}, receivedAt = '2026-11-22T10:00:00.000Z'): HttpRequest => ({ method: 'POST', path: '/orders', routeKey: 'POST /orders', headers, pathParameters: {}, query: {}, rawBody, receivedAt });
  it("names a request's delivery by its Idempotency-Key, else by its body — never by when it arrived (a retry comes later)", () => {
    const keyed = deliveryIdOf(request('{"a":1}', { 'idempotency-key': 'order-42' }));
    expect(keyed).toMatch(/^key:[0-9a-f]{64}$/);
    expect(deliveryIdOf(request('{"a":1}', { 'idempotency-key': 'order-42' }, '2026-11-22T10:00:09.000Z'))).toBe(keyed);
    expect(deliveryIdOf(request('{"a":1}', { 'idempotency-key': 'order-43' }))).not.toBe(keyed);
    const bare = deliveryIdOf(request('{"a":1}'));
    expect(bare).toMatch(/^body:[0-9a-f]{64}$/);
    expect(deliveryIdOf(request('{"a":1}', {}, '2026-11-22T10:00:09.000Z'))).toBe(bare);
    expect(deliveryIdOf(request('{"a":2}'))).not.toBe(bare);
    // Fits a payment message's deliveryId (at most 80 characters), whatever the key's length (up to 255).
    expect(deliveryIdOf(request('{}', { 'idempotency-key': 'k'.repeat(255) })).length).toBeLessThanOrEqual(80);
  });
});
