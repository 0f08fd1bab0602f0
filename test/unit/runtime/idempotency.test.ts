/**
 * The idempotency windows cover the platforms' retry windows (issue 14 §2): a redelivery that comes after o2c forgot
 * the first delivery is done twice. The expiry send-mail gives Powertools and the B2B API's request keys are held
 * against Shopify's 4 hours, Stripe's 3 days, and the margin for late deliveries and a resend by hand.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_KEY_TTL_SECONDS } from '../../../functions/adapters/request-keys.ts';
import { IDEMPOTENCY_EXPIRY_SECONDS, LATE_DELIVERY_MARGIN_SECONDS, PLATFORM_RETRY_WINDOWS_SECONDS } from '../../../functions/runtime/index.ts';
import { setTestBindings } from '../../support/bindings.ts';

const DAY = 86_400;
let sendMailExpiry: number;

beforeAll(async () => {
  setTestBindings({ MAIL_IDEMPOTENCY_SECONDS: undefined });
  const sendMail = await import('../../../functions/handlers/send-mail.ts');
  sendMailExpiry = (sendMail.config as unknown as { expiresAfterSeconds: number }).expiresAfterSeconds;
});

describe('idempotency windows', () => {
  it('knows the platforms’ windows: Shopify 4 hours, Stripe 3 days', () => {
    expect(PLATFORM_RETRY_WINDOWS_SECONDS.shopify).toBe(4 * 3600);
    expect(PLATFORM_RETRY_WINDOWS_SECONDS.stripe).toBe(3 * DAY);
    expect(LATE_DELIVERY_MARGIN_SECONDS).toBeGreaterThanOrEqual(DAY);
  });

  it('keeps send-mail’s Powertools records and the request keys longer than the longest window plus the margin', () => {
    const longest = Math.max(...Object.values(PLATFORM_RETRY_WINDOWS_SECONDS));
    const needed = longest + LATE_DELIVERY_MARGIN_SECONDS;
    expect(needed).toBeGreaterThan(3 * DAY);
    expect(IDEMPOTENCY_EXPIRY_SECONDS).toBeGreaterThanOrEqual(needed);
    // What is configured, not just the constant: the handler's IdempotencyConfig (without the local override).
    expect(sendMailExpiry).toBe(IDEMPOTENCY_EXPIRY_SECONDS);
    expect(sendMailExpiry).toBeGreaterThanOrEqual(needed);
    expect(REQUEST_KEY_TTL_SECONDS).toBeGreaterThanOrEqual(needed);
  });
});
