/**
 * API keys for the B2B and warehouse routes (port `Credentials`). In AWS the
 * key lives in Secrets Manager (read through Powertools parameters, cached for
 * five minutes); the secret may hold `{"current": "...", "previous": "..."}` so
 * both keys work while clients move to a rotated one. Locally a development
 * key is given instead.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { safeEqual } from '#platforms/signatures';
import type { Credentials } from '../ports.ts';

/** Parses a secret value: a bare key, or JSON with `current` and optional `previous`. */
export function keysFromSecret(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    const parsed = JSON.parse(trimmed) as { current?: unknown; previous?: unknown };
    return [parsed.current, parsed.previous].filter((k): k is string => typeof k === 'string' && k.length > 0);
  }
  return trimmed.length > 0 ? [trimmed] : [];
}

export function apiKeyCredentials(source: { readonly localKey?: string | undefined; readonly secretArn?: string | undefined }): Credentials {
  const keys = async (): Promise<string[]> => {
    if (source.localKey) return keysFromSecret(source.localKey);
    if (!source.secretArn) throw new Error('no API key is configured (neither a local key nor a secret)');
    const value = await getSecret(source.secretArn, { maxAge: 300 });
    return typeof value === 'string' ? keysFromSecret(value) : [];
  };
  return {
    async isApiKey(presented) {
      if (!presented) return false;
      return (await keys()).some((k) => safeEqual(k, presented));
    },
  };
}
