/**
 * Stripe Payment Links for dunning letters (port `PaymentLinks`), on Stripe's HTTP API directly (form-encoded, as
 * Stripe's own clients send it) so send-reminder does not carry the `stripe` package (241 KB): a one-time Price for
 * the amount asked (`POST /v1/prices`), then a Payment Link for it (`POST /v1/payment_links`) whose payment intent
 * carries `metadata[invoice_number]` — the Stripe webhook applies such a payment to the invoice. Both calls carry an
 * Idempotency-Key per invoice and dunning level (`o2c-price-…`, `o2c-link-…`): a retried letter gets the same link.
 *
 * Stripe's refusal of the request (4xx but 401/403/409/429) → no link (the letter goes without it, with the reason
 * for the log); a bad key, a rate limit, Stripe's 5xx or the network throw, so the queue retries the letter.
 */
import type { PaymentLinks } from '../ports.ts';

const REFUSED = (status: number) => status >= 400 && status < 500 && ![401, 403, 409, 429].includes(status);

export function stripePaymentLinks(options: { readonly apiUrl: string; readonly key: () => Promise<string>; readonly fetch?: typeof fetch }): PaymentLinks {
  const call = options.fetch ?? fetch;
  const post = async (path: string, params: Record<string, string>, idempotencyKey: string) => {
    const res = await call(`${options.apiUrl.replace(/\/$/, '')}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await options.key()}`, 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': idempotencyKey },
      body: new URLSearchParams(params).toString(),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await res.json().catch(() => ({}))) as { id?: string; url?: string; error?: { message?: string } };
    if (res.ok) return { ok: true as const, body };
    if (REFUSED(res.status)) return { ok: false as const, message: body.error?.message ?? `HTTP ${res.status}` };
    throw new Error(`Stripe answered ${res.status} to ${path}: ${body.error?.message ?? 'no message'}`);
  };
  return {
    async linkFor(r) {
      const key = `${r.invoiceNumber}-${r.level}`;
      const price = await post('/v1/prices', { currency: r.currency.toLowerCase(), unit_amount: String(r.amount), 'product_data[name]': r.description }, `o2c-price-${key}`);
      if (!price.ok || !price.body.id) return { kind: 'none', reason: price.ok ? 'Stripe returned no price id' : price.message };
      const link = await post(
        '/v1/payment_links',
        {
          'line_items[0][price]': price.body.id,
          'line_items[0][quantity]': '1',
          'metadata[invoice_number]': r.invoiceNumber,
          'metadata[dunning_level]': r.level,
          'payment_intent_data[metadata][invoice_number]': r.invoiceNumber,
          'restrictions[completed_sessions][limit]': '1',
        },
        `o2c-link-${key}`,
      );
      if (!link.ok || !link.body.url) return { kind: 'none', reason: link.ok ? 'Stripe returned no url' : link.message };
      return { kind: 'link', url: link.body.url };
    },
  };
}
