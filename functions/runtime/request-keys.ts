/**
 * The `Idempotency-Key` protocol of the B2B API: a retry with the same key and
 * body gets the first answer; the same key with another body is a 409. The
 * work itself runs again on a retry (it is idempotent), which heals a crash
 * between the claim and the write.
 */
import { bodyHash } from '#domain/ids';
import { ConflictError, ValidationError } from '../errors.ts';
import type { RequestKeys } from '../ports.ts';
import type { HttpRequest } from './http.ts';

/** The request's `Idempotency-Key`, if any (422 if it is empty or too long). */
export function requestKeyOf(req: HttpRequest): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key !== undefined && (key.length < 1 || key.length > 255)) throw new ValidationError([{ path: 'Idempotency-Key', message: 'must be 1–255 characters' }]);
  return key;
}

/**
 * Which delivery a request is, as a caller marks it: its Idempotency-Key (a retry sends the same key), else its body
 * (without a key, the same bytes sent again are taken as a retry). Fits a payment message's `deliveryId` (≤ 80).
 */
export function deliveryIdOf(req: HttpRequest): string {
  const key = requestKeyOf(req);
  return key === undefined ? `body:${bodyHash(req.rawBody)}` : `key:${bodyHash(key)}`;
}

/** The request's key with its body's fingerprint, for use cases that claim the key in their own transaction. */
export function clientKeyOf(req: HttpRequest): { key: string; bodyHash: string } | undefined {
  const key = requestKeyOf(req);
  return key === undefined ? undefined : { key, bodyHash: bodyHash(req.rawBody) };
}

/**
 * With a key: claims it with this body and `firstAnswer()`, and returns the
 * answer to give (the first one on a replay). Without a key: undefined.
 */
export async function replayableAnswer<T>(req: HttpRequest, scope: string, keys: RequestKeys, firstAnswer: () => Promise<T>): Promise<T | undefined> {
  const key = requestKeyOf(req);
  if (key === undefined) return undefined;
  const answer = await firstAnswer();
  const claim = await keys.claim(scope, key, bodyHash(req.rawBody), answer, req.receivedAt);
  if (claim.kind === 'mismatch') throw new ConflictError('Idempotency-Key was used before with a different body', 'IdempotencyKeyReused');
  return claim.kind === 'replay' ? claim.result : answer;
}
