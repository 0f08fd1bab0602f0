/**
 * Webhook signing secrets per platform. In AWS they live in one Secrets Manager
 * secret, `{"shopify": ["new", "old"], "woocommerce": "…", "stripe": ["whsec_…"]}`,
 * read through Powertools parameters and cached for 5 minutes; a list holds the
 * secrets valid during a rotation. Locally they come from
 * O2C_SHOPIFY_WEBHOOK_SECRET, O2C_WOOCOMMERCE_WEBHOOK_SECRET and
 * O2C_STRIPE_WEBHOOK_SECRET (comma-separated for two).
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { Platform } from '#platforms/types';

const LOCAL_ENV: Record<Platform, string> = {
  shopify: 'O2C_SHOPIFY_WEBHOOK_SECRET',
  woocommerce: 'O2C_WOOCOMMERCE_WEBHOOK_SECRET',
  stripe: 'O2C_STRIPE_WEBHOOK_SECRET',
};

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : []).map((s) => String(s).trim()).filter((s) => s.length > 0);

export async function webhookSecrets(platform: Platform): Promise<string[]> {
  const local = process.env[LOCAL_ENV[platform]];
  if (local) return list(local);
  const arn = process.env.WEBHOOK_SECRETS_ARN;
  if (!arn) return [];
  const value = await getSecret(arn, { maxAge: 300, transform: 'json' });
  return list((value as Record<string, unknown> | undefined)?.[platform]);
}
