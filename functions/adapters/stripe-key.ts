/**
 * Stripe's secret key: a development key (local), or the Secrets Manager secret holding it (plain `sk_…`, or
 * `{"secretKey": "sk_…"}`), cached for 5 minutes. On its own so that a function calling Stripe's HTTP API directly
 * (send-reminder's payment links) does not bundle the `stripe` package with it.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';

/** Where the secret key is: a development key (local), or the Secrets Manager secret holding it (plain, or `{"secretKey": "sk_…"}`). */
export interface StripeKeySource {
  readonly local?: string | undefined;
  readonly secretArn?: string | undefined;
}

export async function stripeSecretKey(source: StripeKeySource): Promise<string> {
  if (source.local) return source.local;
  if (!source.secretArn) throw new Error('no Stripe secret key is configured');
  const value = await getSecret(source.secretArn, { maxAge: 300 });
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.startsWith('{')) {
    const key = (JSON.parse(text) as { secretKey?: unknown }).secretKey;
    if (typeof key === 'string' && key) return key;
  } else if (text) return text;
  throw new Error('the Stripe secret holds no secret key (store "sk_…" or {"secretKey": "sk_…"})');
}

