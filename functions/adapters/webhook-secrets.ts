/**
 * Webhook signing secrets per platform. In AWS they live in one Secrets Manager
 * secret, `{"shopify": ["new", "old"], "woocommerce": "…", "stripe": ["whsec_…"]}`,
 * read through Powertools parameters and cached for 5 minutes; a list holds the
 * secrets valid during a rotation. Locally development secrets are given
 * (comma-separated for two).
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import type { Platform } from '#platforms/types';

const list = (value: unknown): string[] =>
  (Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : []).map((s) => String(s).trim()).filter((s) => s.length > 0);

export type WebhookSecrets = (platform: Platform) => Promise<string[]>;

export function webhookSecrets(source: { readonly local: Readonly<Record<Platform, string | undefined>>; readonly secretArn?: string | undefined }): WebhookSecrets {
  return async (platform) => {
    const local = source.local[platform];
    if (local) return list(local);
    if (!source.secretArn) return [];
    const value = await getSecret(source.secretArn, { maxAge: 300, transform: 'json' });
    return list((value as Record<string, unknown> | undefined)?.[platform]);
  };
}
