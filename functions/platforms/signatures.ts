/**
 * Webhook signatures: HMAC-SHA256 over the raw body, compared in constant
 * time, against every secret currently valid (two during a rotation).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { UnauthorizedError } from '../errors.ts';

export function hmacSha256(secret: string, data: string | Buffer, encoding: 'base64' | 'hex'): string {
  return createHmac('sha256', secret).update(data).digest(encoding);
}

/** Base64 HMAC-SHA256, the form Shopify and WooCommerce sign with. */
export function hmacSha256Base64(secret: string, data: string | Buffer): string {
  return hmacSha256(secret, data, 'base64');
}

/** Constant-time comparison; different lengths are simply unequal. */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** True when `signature` is the base64 HMAC of `body` under any of `secrets`. */
export function verifyBase64Hmac(body: string | Buffer, signature: string | undefined, secrets: readonly string[]): boolean {
  if (!signature) return false;
  const presented = signature.trim();
  return secrets.some((secret) => secret.length > 0 && safeEqual(hmacSha256(secret, body, 'base64'), presented));
}

/** Thrown when a webhook is not signed by the platform: answered 401, nothing written. */
export class SignatureError extends UnauthorizedError {}
