/**
 * The keys callers present in `x-api-key` (port `Credentials`): the B2B order
 * API's and the warehouse's live in Secrets Manager (read through Powertools
 * parameters, cached for five minutes) and may hold `{"current": "...",
 * "previous": "..."}` so both keys work while callers move to a rotated one.
 * Finance uses IAM in AWS; where there is no authorizer (the local stack) a
 * development finance key stands in. Locally every key is given directly.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { safeEqual } from '#platforms/signatures';
import type { CallerRole, Credentials } from '../ports.ts';

/** Parses a secret value: a bare key, or JSON with `current` and optional `previous`. */
export function keysFromSecret(value: string): string[] {
  const trimmed = value.trim();
  if (trimmed.startsWith('{')) {
    const parsed = JSON.parse(trimmed) as { current?: unknown; previous?: unknown };
    return [parsed.current, parsed.previous].filter((k): k is string => typeof k === 'string' && k.length > 0);
  }
  return trimmed.length > 0 ? [trimmed] : [];
}

export interface KeySource {
  /** A development key (local stack, tests); wins over the secret. */
  readonly localKey?: string | undefined;
  readonly secretArn?: string | undefined;
}

async function keysOf(source: KeySource): Promise<string[]> {
  if (source.localKey) return keysFromSecret(source.localKey);
  if (!source.secretArn) return [];
  const value = await getSecret(source.secretArn, { maxAge: 300 });
  return typeof value === 'string' ? keysFromSecret(value) : [];
}

export function callerCredentials(sources: Readonly<Record<CallerRole, KeySource>>): Credentials {
  const roles = Object.keys(sources) as CallerRole[];
  return {
    async roleOf(presented) {
      if (!presented) return undefined;
      const keys = await Promise.all(roles.map((role) => keysOf(sources[role])));
      return roles.find((_, i) => keys[i]!.some((k) => safeEqual(k, presented)));
    },
  };
}

/** The caller keys as the bindings contract gives them to a function. */
export function callerCredentialsFrom(env: {
  readonly API_KEY_SECRET_ARN: string;
  readonly WAREHOUSE_KEY_SECRET_ARN: string;
  readonly O2C_API_KEY?: string | undefined;
  readonly O2C_WAREHOUSE_KEY?: string | undefined;
  readonly O2C_FINANCE_KEY?: string | undefined;
}): Credentials {
  return callerCredentials({
    b2b: { localKey: env.O2C_API_KEY, secretArn: env.API_KEY_SECRET_ARN },
    warehouse: { localKey: env.O2C_WAREHOUSE_KEY, secretArn: env.WAREHOUSE_KEY_SECRET_ARN },
    finance: { localKey: env.O2C_FINANCE_KEY },
  });
}
