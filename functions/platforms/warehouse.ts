/**
 * The warehouse webhook's wire format: the queued fulfilment request
 * (`warehouse-requests` queue → send-fulfilment-request) and the signature
 * o2c puts on every delivery, in Stripe's scheme:
 *
 *   x-o2c-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * The timestamp is the delivery's (a retry is signed again), so a receiver
 * refuses stale or replayed deliveries by its age; the Idempotency-Key header
 * (the request id) is the same on every delivery. The receiver verifies with
 * `verifyWarehouseSignature` (the local simulated warehouse does, and the README
 * shows the same check for integrators).
 */
import * as z from 'zod/mini';
import { hmacSha256, safeEqual } from './signatures.ts';
import { text } from './canonical.ts';

export const WAREHOUSE_SIGNATURE_HEADER = 'x-o2c-signature';
export const WAREHOUSE_IDEMPOTENCY_HEADER = 'idempotency-key';
/** How old a signed delivery a receiver accepts (seconds), as Stripe's default tolerance. */
export const WAREHOUSE_SIGNATURE_TOLERANCE_SECONDS = 300;

/** The request as queued (built by fulfil-order: domain/fulfilment.ts); what the warehouse reads is kept as it is. */
export const FulfilmentRequestMessage = z.object({
  request: z.looseObject({
    requestId: text(1, 200),
    orderId: text(1, 80),
    callbackUrl: text(1, 2000),
    requestedAt: z.iso.datetime({ offset: true }),
  }),
});

/** The header for `body` signed with `secret` at `timestamp` (unix seconds). */
export function warehouseSignature(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${hmacSha256(secret, `${timestamp}.${body}`, 'hex')}`;
}

/**
 * True when `header` signs `body` under one of `secrets` (two during a rotation) and its timestamp is within
 * the tolerance of `nowSeconds`; any other header — missing, malformed, stale, another secret — is false.
 */
export function verifyWarehouseSignature(
  header: string | undefined,
  body: string,
  secrets: readonly string[],
  nowSeconds: number,
  toleranceSeconds = WAREHOUSE_SIGNATURE_TOLERANCE_SECONDS,
): boolean {
  if (!header) return false;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = parts.find(([k]) => k === 't')?.[1];
  const signatures = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v!);
  if (!t || !/^\d{1,12}$/.test(t) || signatures.length === 0) return false;
  if (Math.abs(nowSeconds - Number(t)) > toleranceSeconds) return false;
  return secrets.some((secret) => {
    if (!secret) return false;
    const expected = hmacSha256(secret, `${t}.${body}`, 'hex');
    return signatures.some((s) => safeEqual(s, expected));
  });
}
