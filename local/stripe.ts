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
 * - `POST /v1/prices` (`currency`, `unit_amount`, `product_data[name]`) and
 *   `POST /v1/payment_links` (`line_items[0][price]`, `line_items[0][quantity]`,
 *   `metadata[...]`, `payment_intent_data[metadata][...]`): Stripe Payment
 *   Links as dunning letters use them, the link's `url` a page of this server
 *   (`/pay/<id>`); `GET /v1/payment_links` lists them. Idempotency-Key as above
 *   (one key space for every endpoint, as Stripe's).
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

export interface EmulatedPaymentLink {
  readonly id: string;
  readonly object: 'payment_link';
  readonly active: true;
  readonly url: string;
  readonly currency: string;
  readonly amount: number;
  readonly price: string;
  readonly metadata: Record<string, string>;
  readonly payment_intent_data: { readonly metadata: Record<string, string> };
}

export interface LocalStripe {
  readonly url: string;
  /** Payment links made, oldest first (an idempotent replay adds none). */
  readonly paymentLinks: readonly EmulatedPaymentLink[];
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
  const paymentLinks: EmulatedPaymentLink[] = [];
  const prices = new Map<string, { id: string; currency: string; unit_amount: number; product: string }>();
  let baseUrl = '';
  const byKey = new Map<string, { params: string; status: number; body: unknown }>();
  let requests = 0;
  let failures = 0;

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://stripe.local');
      if (url.pathname.startsWith('/pay/') && req.method === 'GET') {
        const link = paymentLinks.find((l) => l.url.endsWith(url.pathname));
        res.writeHead(link ? 200 : 404, { 'content-type': 'text/plain; charset=utf-8' });
        return res.end(link ? `Pay ${link.amount} ${link.currency.toUpperCase()} for ${link.metadata.invoice_number ?? 'an invoice'} (local Stripe emulator)` : 'no such payment link');
      }
      const auth = req.headers.authorization ?? '';
      if (auth !== `Bearer ${options.secretKey}`) {
        return stripeError(res, 401, 'invalid_request_error', auth ? 'Invalid API Key provided.' : 'You did not provide an API key.');
      }
      if (url.pathname === '/v1/refunds' && req.method === 'GET') {
        const pi = url.searchParams.get('payment_intent');
        const data = refunds.filter((r) => !pi || r.payment_intent === pi).reverse();
        return send(res, 200, { object: 'list', data, has_more: false, url: '/v1/refunds' });
      }
      if (url.pathname === '/v1/payment_links' && req.method === 'GET') return send(res, 200, { object: 'list', data: [...paymentLinks].reverse(), has_more: false, url: '/v1/payment_links' });
      const create = CREATE[url.pathname];
      if (!create || req.method !== 'POST') return stripeError(res, 404, 'invalid_request_error', `Unrecognized request URL (${req.method}: ${url.pathname}).`);
      if (url.pathname === '/v1/refunds') requests++;
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
      const answer = create(params);
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

  /** `metadata[k]` (or `payment_intent_data[metadata][k]`, …) params as an object. */
  const metadataOf = (params: URLSearchParams, start: string) => {
    const out: Record<string, string> = {};
    for (const [k, v] of params) if (k.startsWith(start) && k.endsWith(']') && !k.slice(start.length, -1).includes('[')) out[k.slice(start.length, -1)] = v;
    return out;
  };
  const invalid = (message: string, param: string) => ({ status: 400, body: { error: { type: 'invalid_request_error', message, param } } });

  function priceFor(params: URLSearchParams): { status: number; body: unknown } {
    const currency = params.get('currency');
    const amount = Number(params.get('unit_amount'));
    if (!currency) return invalid('Missing required param: currency.', 'currency');
    if (!Number.isSafeInteger(amount) || amount < 0) return invalid('Invalid non-negative integer', 'unit_amount');
    if (!params.get('product') && !params.get('product_data[name]')) return invalid('Missing required param: product_data[name].', 'product_data');
    const price = { id: id('price'), object: 'price', currency: currency.toLowerCase(), unit_amount: amount, product: params.get('product') ?? id('prod'), active: true, type: 'one_time' };
    prices.set(price.id, price);
    return { status: 200, body: price };
  }

  function paymentLinkFor(params: URLSearchParams): { status: number; body: unknown } {
    const price = prices.get(params.get('line_items[0][price]') ?? '');
    if (!price) return invalid(`No such price: '${params.get('line_items[0][price]') ?? ''}'`, 'line_items[0][price]');
    const quantity = Number(params.get('line_items[0][quantity]') ?? '1');
    if (!Number.isSafeInteger(quantity) || quantity < 1) return invalid('Invalid positive integer', 'line_items[0][quantity]');
    const linkId = id('plink');
    const link: EmulatedPaymentLink = {
      id: linkId,
      object: 'payment_link',
      active: true,
      url: `${baseUrl}/pay/${linkId}`,
      currency: price.currency,
      amount: price.unit_amount * quantity,
      price: price.id,
      metadata: metadataOf(params, 'metadata['),
      payment_intent_data: { metadata: metadataOf(params, 'payment_intent_data[metadata][') },
    };
    paymentLinks.push(link);
    return { status: 200, body: link };
  }
  const CREATE: Record<string, (params: URLSearchParams) => { status: number; body: unknown }> = { '/v1/refunds': refundFor, '/v1/prices': priceFor, '/v1/payment_links': paymentLinkFor };

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, host, () => ready());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://${host}:${port}`;
  return {
    url: baseUrl,
    refunds,
    paymentLinks,
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
