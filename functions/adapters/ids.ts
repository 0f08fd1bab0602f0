/**
 * Deterministic ids: the same platform order or payment always gets the same
 * o2c id, so every at-least-once delivery converges on one record, and the
 * order id doubles as the workflow's execution name.
 */
import { createHash } from 'node:crypto';

function digest(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24);
}

export const orderId = (platform: string, shop: string, externalId: string) => `ord_${digest([platform, shop, externalId])}`;
export const paymentId = (source: string, externalId: string) => `pay_${digest([source, externalId])}`;
export const bodyHash = (body: string) => createHash('sha256').update(body).digest('hex');
