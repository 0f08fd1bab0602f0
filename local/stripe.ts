/**
 * A small Stripe-compatible endpoint for the local stack and the tests — an
 * emulator of a partner, like the simulated warehouse: just the part of
 * Stripe's Refunds API o2c uses, in Stripe's own wire format.
 *
 * - `POST /v1/refunds`: form-encoded (`payment_intent` or `charge`, `amount`,
 *   `metadata[...]`), `Authorization: Bearer sk_…` checked against the key it was
 *   started with. `Idempotency-Key` is honoured: the same key returns the same
 *   refund object and records nothing new (the same key with other parameters
 *   is Stripe's 400 `idempotency_error`). A second refund of a payment already
 *   refunded is Stripe's 400 `charge_already_refunded`.
 * - `GET /v1/refunds`: the list object (newest first), `payment_intent` filter.
 * - `failNext(n)`: the next n POSTs answer 500 (`api_error`), for retry tests (`failNext(0)` ends it).
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EmulatedRefund {
  readonly id: string;
  readonly object: 'refund';
  readonly amount: number;
  readonly currency: string;
  readonly status: 'succeeded';
  readonly payment_intent: string | null;
  readonly charge: string | null;
  readonly created: number;
  readonly metadata: Record<string, string>;
  readonly reason: string | null;
}

export interface LocalStripe {
  readonly url: string;
  /** Refunds made, oldest first (an idempotent replay adds none). */
  readonly refunds: readonly EmulatedRefund[];
  /** Every POST /v1/refunds received, replays and refusals included. */
  readonly requests: number;
  failNext(count?: number): void;
  stop(): Promise<void>;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;

function stripeError(res: ServerResponse, status: number, type: string, message: string, extra: Record<string, string> = {}) {
  send(res, status, { error: { type, message, ...extra } });
}

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
  res.end(JSON.stringify(body));
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export async function startLocalStripe(options: { secretKey: string; port?: number; host?: string }): Promise<LocalStripe> {
  const refunds: EmulatedRefund[] = [];
  const byKey = new Map<string, { params: string; status: number; body: unknown }>();
  let requests = 0;
  let failures = 0;

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://stripe.local');
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${options.secretKey}`) {
        return stripeError(res, 401, 'invalid_request_error', auth ? 'Invalid API Key provided.' : 'You did not provide an API key.');
      }
      if (url.pathname === '/v1/refunds' && req.method === 'GET') {
        const pi = url.searchParams.get('payment_intent');
        const data = refunds.filter((r) => !pi || r.payment_intent === pi).reverse();
        return send(res, 200, { object: 'list', data, has_more: false, url: '/v1/refunds' });
      }
      if (url.pathname !== '/v1/refunds' || req.method !== 'POST') return stripeError(res, 404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${url.pathname}).`);
      requests++;
      const raw = await bodyOf(req);
      if (failures > 0) {
        failures--;
        return stripeError(res, 500, 'api_error', 'An unknown error occurred (emulated).');
      }
      const params = new URLSearchParams(raw);
      const canonical = [...params].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join('&');
      const key = req.headers['idempotency-key'];
      const idempotencyKey = typeof key === 'string' && key ? key : undefined;
      if (idempotencyKey) {
        const prior = byKey.get(idempotencyKey);
        if (prior) {
          if (prior.params !== canonical) return stripeError(res, 400, 'idempotency_error', `Keys for idempotent requests can only be used with the same parameters they were first used with.`);
          res.setHeader('idempotent-replayed', 'true');
          return send(res, prior.status, prior.body);
        }
      }
      const answer = refundFor(params);
      if (idempotencyKey) byKey.set(idempotencyKey, { params: canonical, ...answer });
      return send(res, answer.status, answer.body);
    } catch (error) {
      stripeError(res, 500, 'api_error', (error as Error).message);
    }
  });

  function refundFor(params: URLSearchParams): { status: number; body: unknown } {
    const invalid = (message: string, extra: Record<string, string> = {}) => ({ status: 400, body: { error: { type: 'invalid_request_error', message, ...extra } } });
    const paymentIntent = params.get('payment_intent');
    const charge = params.get('charge');
    if (!paymentIntent && !charge) return invalid('One of the following params should be provided for this request: payment_intent or charge.');
    const amountText = params.get('amount');
    const amount = amountText === null ? undefined : Number(amountText);
    if (amount !== undefined && (!Number.isSafeInteger(amount) || amount < 1)) return invalid('Invalid positive integer', { param: 'amount' });
    const target = paymentIntent ?? charge!;
    if (refunds.some((r) => (r.payment_intent ?? r.charge) === target)) {
      return invalid(`Charge for ${target} has already been refunded.`, { code: 'charge_already_refunded' });
    }
    const metadata: Record<string, string> = {};
    for (const [k, v] of params) {
      const m = /^metadata\[(.+)\]$/.exec(k);
      if (m) metadata[m[1]!] = v;
    }
    const refund: EmulatedRefund = {
      id: id('re'),
      object: 'refund',
      amount: amount ?? 0,
      currency: (params.get('currency') ?? 'gbp').toLowerCase(),
      status: 'succeeded',
      payment_intent: paymentIntent,
      charge: charge ?? (paymentIntent ? `ch_${paymentIntent.replace(/^pi_/, '')}` : null),
      created: Math.floor(Date.now() / 1000),
      metadata,
      reason: params.get('reason'),
    };
    refunds.push(refund);
    return { status: 200, body: refund };
  }

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ready());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    refunds,
    get requests() {
      return requests;
    },
    failNext(count = 1) {
      failures = count;
    },
    stop: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
