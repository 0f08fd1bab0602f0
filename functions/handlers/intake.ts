/**
 * intake: the front door. B2B orders and payments arrive as canonical JSON;
 * each is validated, written once (idempotently) and queued, and the caller
 * gets 202 with o2c's id within the time of one write and one send.
 */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Order } from '#domain/model';
import { priceOrder } from '#domain/pricing';
import { DomainError } from '#domain/errors';
import { isValidApiKey } from '#adapters/api-keys';
import { companyFromEnv } from '#adapters/company';
import { findOrCreateCustomer } from '#adapters/customers';
import { bodyHash, orderId as orderIdOf, paymentId as paymentIdOf } from '#adapters/ids';
import { createOrderIfAbsent } from '#adapters/orders';
import { sendJson } from '#adapters/queue';
import { claimRequestKey } from '#adapters/request-keys';
import { CanonicalOrderSchema, PaymentInputSchema, type CanonicalOrder } from '#platforms/canonical';
import {
  ConflictError,
  env,
  httpHandler,
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

/**
 * Accepts one canonical order.
 * 1. Price the lines (422 if the figures are impossible, e.g. a discount above the line).
 * 2. Find or create the customer by email within the shop.
 * 3. Create the order unless this platform order exists (deterministic id).
 * 4. Queue it for the workflow (a duplicate start is a no-op), even when it existed:
 *    that heals a crash between the write and the send.
 */
export async function acceptOrder(input: CanonicalOrder, platform: Order['source']['platform'], receivedAt: string): Promise<AcceptedOrder> {
  const shop = input.shop ?? '-';
  let totals;
  try {
    totals = priceOrder(input.lines, input.shipping, company.taxPolicy).totals;
  } catch (error) {
    if (error instanceof DomainError) throw new ValidationError([{ path: 'lines', message: error.message }]);
    throw error;
  }
  const customer = await findOrCreateCustomer(shop, {
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
  const id = orderIdOf(platform, shop, input.externalId);
  const order: Order & { totals: typeof totals } = {
    id,
    source: { platform, externalId: input.externalId, shop, ...(input.reference ? { reference: input.reference } : {}) },
    customerId: customer.id,
    currency: input.currency,
    lines: input.lines,
    ...(input.shipping ? { shipping: input.shipping } : {}),
    paymentMode: input.paymentMode,
    ...(input.terms ? { terms: input.terms } : {}),
    shippingAddress: input.shippingAddress,
    ...(input.billingAddress ? { billingAddress: input.billingAddress } : {}),
    status: 'received',
    createdAt: receivedAt,
    totals,
  };
  const result = await createOrderIfAbsent(order);
  await sendJson(env('ORDERS_QUEUE_URL'), { orderId: result.orderId });
  metrics.addMetric(result.created ? 'OrdersAccepted' : 'DuplicateOrders', MetricUnit.Count, 1);
  return result;
}

async function requireApiKey(req: HttpRequest): Promise<void> {
  if (!(await isValidApiKey(req.headers['x-api-key']))) throw new UnauthorizedError('missing or wrong x-api-key');
}

/** Honours `Idempotency-Key`: same key and body → same answer; other body → 409. */
async function withRequestKey(req: HttpRequest, scope: string, result: { id: string }, run: () => Promise<void>): Promise<void> {
  const key = req.headers['idempotency-key'];
  if (key !== undefined) {
    if (key.length < 1 || key.length > 255) throw new ValidationError([{ path: 'Idempotency-Key', message: 'must be 1–255 characters' }]);
    const claim = await claimRequestKey(scope, key, bodyHash(req.rawBody), result);
    if (claim.kind === 'mismatch') throw new ConflictError('Idempotency-Key was used before with a different body', 'IdempotencyKeyReused');
  }
  await run();
}

async function postOrder(req: HttpRequest): Promise<HttpResult> {
  await requireApiKey(req);
  const input = parseJsonBody(req, CanonicalOrderSchema);
  const id = orderIdOf('api', input.shop ?? '-', input.externalId);
  let accepted: AcceptedOrder = { orderId: id, created: false };
  await withRequestKey(req, 'orders', { id }, async () => {
    accepted = await acceptOrder(input, 'api', req.receivedAt);
  });
  return { status: 202, body: { orderId: accepted.orderId, duplicate: !accepted.created } };
}

async function postPayment(req: HttpRequest): Promise<HttpResult> {
  await requireApiKey(req);
  const input = parseJsonBody(req, PaymentInputSchema);
  const id = paymentIdOf(input.source, input.externalId);
  await withRequestKey(req, 'payments', { id }, async () => {
    await sendJson(env('PAYMENTS_QUEUE_URL'), { ...input, id });
  });
  return { status: 202, body: { paymentId: id } };
}

export const routes: Record<string, (req: HttpRequest) => Promise<HttpResult>> = {
  'POST /orders': postOrder,
  'POST /payments': postPayment,
};

export async function intake(req: HttpRequest): Promise<HttpResult> {
  const route = routes[req.routeKey];
  if (!route) throw new NotFoundError(`no route ${req.routeKey}`);
  return route(req);
}

export const handler = httpHandler(intake);
