/**
 * intake: the front door. B2B orders and payments (canonical JSON, API key,
 * Idempotency-Key) and platform webhooks (Shopify, WooCommerce, Stripe; signed)
 * are verified, normalised, written once and queued; the caller gets 202 with
 * o2c's id within the time of one idempotent write and one send. Anything a
 * client can send that is wrong gets a 4xx and writes nothing; an event o2c
 * does not act on gets 200, so the platform stops retrying it.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from 'zod/mini';
import { DomainError } from '#domain/errors';
import type { Order } from '#domain/model';
import { isCancellable } from '#domain/order';
import { priceOrder } from '#domain/pricing';
import { isValidApiKey } from '#adapters/api-keys';
import { releaseStock } from '#adapters/catalog';
import { companyFromEnv } from '#adapters/company';
import { customerExists, customerUpsert } from '#adapters/customers';
import { bodyHash, orderId as orderIdOf, paymentId as paymentIdOf } from '#adapters/ids';
import { createOrderIfAbsent, getOrder, recordOrderEvent, transitionOrder, updateOrder } from '#adapters/orders';
import { sendJson } from '#adapters/queue';
import { recordRefund } from '#adapters/refunds';
import { claimRequestKey } from '#adapters/request-keys';
import { webhookSecrets } from '#adapters/webhook-secrets';
import { stopOrderExecution } from '#adapters/workflow';
import { CanonicalOrderSchema, PaymentInputSchema, type CanonicalOrder, type PaymentInput } from '#platforms/canonical';
import { BodyNotJson } from '#platforms/parse';
import { parseShopifyWebhook } from '#platforms/shopify';
import { SignatureError } from '#platforms/signatures';
import { parseStripeWebhook } from '#platforms/stripe';
import { PayloadError, type Platform, type PlatformEvent, type PlatformOrderDraft } from '#platforms/types';
import { parseWooWebhook } from '#platforms/woocommerce';
import {
  BadRequestError,
  ConflictError,
  env,
  httpHandler,
  logger,
  metrics,
  NotFoundError,
  parseJsonBody,
  UnauthorizedError,
  ValidationError,
  type HttpRequest,
  type HttpResult,
} from '#runtime';

const company = companyFromEnv();

export interface AcceptedOrder {
  readonly orderId: string;
  readonly created: boolean;
}

type OrderDraft = CanonicalOrder | PlatformOrderDraft;

function priced(input: OrderDraft) {
  const pricesIncludeTax = 'pricesIncludeTax' in input && input.pricesIncludeTax;
  try {
    const { totals } = priceOrder(input.lines, input.shipping, company.taxPolicy, { pricesIncludeTax });
    if ('platformTotal' in input && totals.total !== input.platformTotal) {
      throw new ValidationError([{ path: 'total', message: `o2c prices the order at ${totals.total}, the platform at ${input.platformTotal} (minor units)` }]);
    }
    return { totals, pricesIncludeTax };
  } catch (error) {
    if (error instanceof DomainError) throw new ValidationError([{ path: 'lines', message: error.message }]);
    throw error;
  }
}

function orderFrom(input: OrderDraft, platform: Order['source']['platform'], customerId: string, receivedAt: string, status: Order['status']) {
  const shop = input.shop ?? '-';
  const { totals, pricesIncludeTax } = priced(input);
  const order: Order & { totals: typeof totals } = {
    id: orderIdOf(platform, shop, input.externalId),
    source: { platform, externalId: input.externalId, shop, ...(input.reference ? { reference: input.reference } : {}) },
    customerId,
    currency: input.currency,
    lines: input.lines,
    ...(input.shipping ? { shipping: input.shipping } : {}),
    paymentMode: input.paymentMode,
    ...(input.terms ? { terms: input.terms } : {}),
    shippingAddress: input.shippingAddress,
    ...(input.billingAddress ? { billingAddress: input.billingAddress } : {}),
    ...(pricesIncludeTax ? { pricesIncludeTax: true } : {}),
    status,
    createdAt: receivedAt,
    totals,
  };
  return order;
}

/** The customer, matched by email within the shop, created on first sight (part of the order's transaction). */
function customerOf(input: OrderDraft) {
  return customerUpsert(input.shop ?? '-', {
    name: input.customer.name,
    email: input.customer.email,
    language: input.customer.language ?? 'en',
    timezone: company.timezone,
    currency: input.currency,
    terms: company.defaultTerms,
    creditLimit: 0,
    riskScore: 0,
    dunningState: 'none',
    ...(input.billingAddress ? { billingAddress: input.billingAddress } : {}),
  });
}

/**
 * Accepts one order (B2B or platform).
 * 1. Price the lines (422 if the figures are impossible, or do not come to the platform's total).
 * 2. Create the order unless this platform order exists (deterministic id), and the
 *    customer (matched by email within the shop) if new: one transaction.
 * 3. Queue it for the workflow (a duplicate start is a no-op), even when it existed:
 *    that heals a crash between the write and the send.
 */
export async function acceptOrder(input: OrderDraft, platform: Order['source']['platform'], receivedAt: string): Promise<AcceptedOrder> {
  const customer = customerOf(input);
  // A known customer is not written again: every order of a busy customer touching its item would make the orders' transactions conflict.
  const known = await customerExists(customer.customerId);
  const result = await createOrderIfAbsent(orderFrom(input, platform, customer.customerId, receivedAt, 'received'), known ? [] : [{ Update: customer.update }]);
  await sendJson(env('ORDERS_QUEUE_URL'), { orderId: result.orderId });
  metrics.addMetric(result.created ? 'OrdersAccepted' : 'DuplicateOrders', MetricUnit.Count, 1);
  return result;
}

/**
 * The platform says the order is paid. If o2c has not invoiced it yet, it is
 * invoiced as paid; if it has, the money is a payment against that invoice.
 */
async function markPaid(draft: PlatformOrderDraft, platform: Platform, orderId: string): Promise<void> {
  const order = await getOrder(orderId);
  if (!order || order.paymentMode === 'prepaid') return;
  if (order.invoiceNumber) {
    const payment: PaymentInput = { source: platform, externalId: `${draft.externalId}:paid`, amount: draft.platformTotal, currency: draft.currency, receivedOn: new Date().toISOString().slice(0, 10), remittance: order.invoiceNumber };
    await sendJson(env('PAYMENTS_QUEUE_URL'), { ...payment, id: paymentIdOf(payment.source, payment.externalId) });
  } else if (!['rejected', 'cancelled'].includes(order.status)) {
    await updateOrder(order, { paymentMode: 'prepaid' });
    await recordOrderEvent(orderId, 'paid', `paid on ${platform}`);
  }
}

/**
 * The platform cancelled the order. Before shipment the workflow is stopped and
 * the stock released; after shipment the cancellation is recorded for a credit
 * note. A cancellation that arrives before the order is recorded as a cancelled order.
 */
async function cancel(draft: PlatformOrderDraft, platform: Platform, reason: string, receivedAt: string): Promise<string> {
  const orderId = orderIdOf(platform, draft.shop, draft.externalId);
  let order = await getOrder(orderId);
  if (!order) {
    const customer = customerOf(draft);
    const created = await createOrderIfAbsent(orderFrom(draft, platform, customer.customerId, receivedAt, 'cancelled'), [{ Update: customer.update }]);
    if (created.created) return orderId;
    order = await getOrder(orderId);
    if (!order) return orderId;
  }
  if (order.status === 'cancelled') return orderId;
  if (isCancellable(order.status)) {
    await stopOrderExecution(env('STATE_MACHINE_ARN'), orderId, reason);
    await transitionOrder(order, 'cancelled', 'cancel', { reason }, reason);
    await releaseStock(orderId);
  } else {
    await updateOrder(order, { cancellationRequested: reason, creditNoteRequested: true });
    await recordOrderEvent(orderId, 'cancel-after-shipment', `${reason}: credit note needed`);
  }
  return orderId;
}

async function handlePlatformEvent(platform: Platform, event: PlatformEvent, req: HttpRequest): Promise<HttpResult> {
  switch (event.kind) {
    case 'ping':
      return { status: 200, body: { ok: true } };
    case 'ignored':
      logger.info('webhook ignored', { platform, topic: event.topic, reason: event.reason });
      return { status: 200, body: { ignored: event.reason, topic: event.topic } };
    case 'order': {
      const accepted = await acceptOrder(event.order, platform, req.receivedAt);
      if (event.paid && !accepted.created) await markPaid(event.order, platform, accepted.orderId);
      return { status: 202, body: { orderId: accepted.orderId, duplicate: !accepted.created } };
    }
    case 'cancel':
      return { status: 202, body: { orderId: await cancel(event.order, platform, event.reason, req.receivedAt), cancelled: true } };
    case 'payment': {
      const id = paymentIdOf(event.payment.source, event.payment.externalId);
      await sendJson(env('PAYMENTS_QUEUE_URL'), { ...event.payment, id });
      return { status: 202, body: { paymentId: id } };
    }
    case 'refund':
      await recordRefund({ platform, ...event.refund });
      return { status: 202, body: { refund: event.refund.externalId } };
  }
}

/** Maps what a platform module throws to the answer the platform gets. */
function platformErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SignatureError) throw new UnauthorizedError(error.message);
    if (error instanceof BodyNotJson) throw new BadRequestError(error.message);
    if (error instanceof PayloadError) throw new ValidationError(error.issues);
    if (error instanceof DomainError) throw new ValidationError([{ path: '', message: error.message }]);
    throw error;
  }
}

const webhook = (platform: Platform, parse: (req: HttpRequest, secrets: string[]) => PlatformEvent) => async (req: HttpRequest) => {
  const secrets = await webhookSecrets(platform);
  if (secrets.length === 0) throw new UnauthorizedError(`no ${platform} webhook secret is configured`);
  const event = platformErrors(() => parse(req, secrets));
  return handlePlatformEvent(platform, event, req);
};

async function requireApiKey(req: HttpRequest): Promise<void> {
  if (!(await isValidApiKey(req.headers['x-api-key']))) throw new UnauthorizedError('missing or wrong x-api-key');
}

/** The request's `Idempotency-Key`, if any (422 if it is empty or too long). */
function requestKey(req: HttpRequest): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key !== undefined && (key.length < 1 || key.length > 255)) throw new ValidationError([{ path: 'Idempotency-Key', message: 'must be 1–255 characters' }]);
  return key;
}

/**
 * Claims the `Idempotency-Key` with this body and the answer to give: a retry
 * with the same body gets the first answer, another body under the key is a 409.
 * The work itself runs again on a retry (it is idempotent), which heals a crash
 * between the claim and the write.
 */
async function claimKey<T>(req: HttpRequest, key: string, scope: string, answer: T): Promise<T> {
  const claim = await claimRequestKey(scope, key, bodyHash(req.rawBody), answer);
  if (claim.kind === 'mismatch') throw new ConflictError('Idempotency-Key was used before with a different body', 'IdempotencyKeyReused');
  return claim.kind === 'replay' ? claim.result : answer;
}

async function postOrder(req: HttpRequest): Promise<HttpResult> {
  await requireApiKey(req);
  const input = parseJsonBody(req, CanonicalOrderSchema);
  const key = requestKey(req);
  if (key === undefined) {
    const accepted = await acceptOrder(input, 'api', req.receivedAt);
    return { status: 202, body: { orderId: accepted.orderId, duplicate: !accepted.created } };
  }
  const id = orderIdOf('api', input.shop ?? '-', input.externalId);
  const answer = await claimKey(req, key, 'orders', { orderId: id, duplicate: (await getOrder(id)) !== undefined });
  await acceptOrder(input, 'api', req.receivedAt);
  return { status: 202, body: answer };
}

async function postPayment(req: HttpRequest): Promise<HttpResult> {
  await requireApiKey(req);
  const input = parseJsonBody(req, PaymentInputSchema);
  const key = requestKey(req);
  const id = paymentIdOf(input.source, input.externalId);
  const answer = key === undefined ? { paymentId: id } : await claimKey(req, key, 'payments', { paymentId: id });
  await sendJson(env('PAYMENTS_QUEUE_URL'), { ...input, id });
  return { status: 202, body: answer };
}

/** The B2B API's contract, generated from the same zod schemas that validate it. */
export function openApiDocument() {
  const schema = (s: z.ZodMiniType) => z.toJSONSchema(s, { target: 'openapi-3.0', io: 'input' });
  const error = { description: 'what is wrong', content: { 'application/json': { schema: { type: 'object', properties: { error: { type: 'string' }, message: { type: 'string' }, issues: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } } } } } } };
  const post = (summary: string, body: z.ZodMiniType, idName: string) => ({
    summary,
    security: [{ apiKey: [] }],
    parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 255 }, description: 'same key and body → same answer; another body → 409' }],
    requestBody: { required: true, content: { 'application/json': { schema: schema(body) } } },
    responses: {
      '202': { description: 'accepted', content: { 'application/json': { schema: { type: 'object', properties: { [idName]: { type: 'string' } } } } } },
      '400': error,
      '401': error,
      '409': error,
      '413': error,
      '422': error,
    },
  });
  return {
    openapi: '3.0.3',
    info: { title: 'o2c B2B API', version: '1', description: 'Amounts are integer minor units of the ISO 4217 currency; tax rates are parts per million.' },
    components: { securitySchemes: { apiKey: { type: 'apiKey', in: 'header', name: 'x-api-key' } } },
    paths: {
      '/orders': { post: post('Submit an order', CanonicalOrderSchema, 'orderId') },
      '/payments': { post: post('Report a payment received', PaymentInputSchema, 'paymentId') },
    },
  };
}

export const routes: Record<string, (req: HttpRequest) => Promise<HttpResult>> = {
  'POST /orders': postOrder,
  'POST /payments': postPayment,
  'POST /webhooks/shopify': webhook('shopify', (req, secrets) => parseShopifyWebhook(req.rawBody, req.headers, secrets)),
  'POST /webhooks/woocommerce': webhook('woocommerce', (req, secrets) => parseWooWebhook(req.rawBody, req.headers, secrets)),
  'POST /webhooks/stripe': webhook('stripe', (req, secrets) => parseStripeWebhook(req.rawBody, req.headers['stripe-signature'], secrets, Math.floor(Date.parse(req.receivedAt) / 1000))),
  'GET /openapi.json': async () => ({ status: 200, body: openApiDocument() }),
};

export async function intake(req: HttpRequest): Promise<HttpResult> {
  const route = routes[req.routeKey];
  if (!route) throw new NotFoundError(`no route ${req.routeKey}`);
  return route(req);
}

export const handler = httpHandler(intake);
