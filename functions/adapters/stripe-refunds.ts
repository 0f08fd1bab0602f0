/**
 * Stripe's Refunds API (port `PaymentRefunds`) through the official `stripe`
 * package: `refunds.create({ payment_intent | charge, amount }, { idempotencyKey })`
 * with o2c's refund id as the key, so a retried message refunds once.
 *
 * The API's address comes from a binding (`STRIPE_API_URL`: Stripe's own by
 * default, the local emulator in `npm start` and the tests), passed to the
 * client as host, port and protocol. The secret key comes from Secrets Manager
 * (cached for 5 minutes) or, locally, a development key.
 *
 * What Stripe answers decides what happens: a refund → `refunded`; a refusal
 * about the refund itself (400/402/404: already refunded, unknown payment,
 * amount too large) → `declined` with Stripe's message; anything o2c or time
 * can fix — a bad or missing key (401/403), rate limits (429), a conflict on
 * the idempotency key while the first request runs (409), Stripe's 5xx, the
 * network — throws, so SQS retries and finally dead-letters the message.
 */
import Stripe from 'stripe';
import type { PaymentRefunds } from '../ports.ts';

export const STRIPE_API_URL = 'https://api.stripe.com';

export { stripeSecretKey, type StripeKeySource } from './stripe-key.ts';

const DECLINED_STATUS = new Set([400, 402, 404]);

/** The client options that point the package at `apiUrl` (Stripe's API, or an emulator). */
export function stripeClientOptions(apiUrl: string) {
  const url = new URL(apiUrl);
  const protocol = url.protocol === 'http:' ? ('http' as const) : ('https' as const);
  return {
    host: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    protocol,
    // The package retries network faults itself (same idempotency key); SQS retries the rest.
    maxNetworkRetries: 1,
    timeout: 20_000,
    telemetry: false,
  };
}

export function stripeRefunds(options: { readonly apiUrl?: string | undefined; readonly key: () => Promise<string> }): PaymentRefunds {
  const clients = new Map<string, Stripe>();
  const clientFor = (key: string) => {
    let client = clients.get(key);
    if (!client) clients.set(key, (client = new Stripe(key, stripeClientOptions(options.apiUrl ?? STRIPE_API_URL))));
    return client;
  };
  return {
    async refund(request) {
      const stripe = clientFor(await options.key());
      const target = request.paymentIntent ? { payment_intent: request.paymentIntent } : request.charge ? { charge: request.charge } : undefined;
      if (!target) return { kind: 'declined', message: 'the order names no Stripe payment intent or charge' };
      try {
        const refund = await stripe.refunds.create(
          { ...target, amount: request.amount, metadata: { o2c_refund_id: request.refundId } },
          { idempotencyKey: request.refundId },
        );
        return { kind: 'refunded', platformRefundId: refund.id };
      } catch (error) {
        const e = error as { statusCode?: number; code?: string; message?: string };
        if (e.statusCode !== undefined && DECLINED_STATUS.has(e.statusCode) && e.code !== 'rate_limit') {
          return { kind: 'declined', message: e.message || `Stripe answered ${e.statusCode}` };
        }
        throw error;
      }
    },
  };
}
