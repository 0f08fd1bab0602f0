/**
 * API keys for the B2B and warehouse routes. In AWS the key lives in Secrets
 * Manager (read through Powertools parameters, cached for five minutes); the
 * secret may hold `{"current": "...", "previous": "..."}` so that both keys
 * work while clients move to a rotated one. Locally `O2C_API_KEY` is used.
 */
import { timingSafeEqual } from 'node:crypto';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Parses a secret value: a bare key, or JSON with `current` and optional `previous`. */
export function keysFromSecret(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    const parsed = JSON.parse(trimmed) as { current?: unknown; previous?: unknown };
    return [parsed.current, parsed.previous].filter((k): k is string => typeof k === 'string' && k.length > 0);
  }
  return trimmed.length > 0 ? [trimmed] : [];
}

export async function validApiKeys(): Promise<string[]> {
  const local = process.env.O2C_API_KEY;
  if (local) return keysFromSecret(local);
  const arn = process.env.API_KEY_SECRET_ARN;
  if (!arn) throw new Error('neither O2C_API_KEY nor API_KEY_SECRET_ARN is set');
  const value = await getSecret(arn, { maxAge: 300 });
  return typeof value === 'string' ? keysFromSecret(value) : [];
}

export async function isValidApiKey(presented: string | undefined): Promise<boolean> {
  if (!presented) return false;
  const keys = await validApiKeys();
  return keys.some((k) => constantTimeEqual(k, presented));
}
