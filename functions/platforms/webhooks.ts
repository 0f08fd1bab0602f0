/** Each platform's webhook verifier and mapper, by platform (the intake routes are built from this table). */
import { parseShopifyWebhook } from './shopify.ts';
import { parseStripeWebhook } from './stripe.ts';
import type { Platform, PlatformEvent } from './types.ts';
import { parseWooWebhook } from './woocommerce.ts';

export interface WebhookRequest {
  readonly rawBody: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly receivedAt: string;
}

export const WEBHOOK_PARSERS: Readonly<Record<Platform, (req: WebhookRequest, secrets: string[]) => PlatformEvent>> = {
  shopify: (req, secrets) => parseShopifyWebhook(req.rawBody, req.headers, secrets),
  woocommerce: (req, secrets) => parseWooWebhook(req.rawBody, req.headers, secrets),
  stripe: (req, secrets) => parseStripeWebhook(req.rawBody, req.headers['stripe-signature'], secrets, Math.floor(Date.parse(req.receivedAt) / 1000)),
};
