/**
 * WooCommerce order webhooks (`order.created`, `order.updated`). Verified with
 * `X-WC-Webhook-Signature` (base64 HMAC-SHA256 of the raw body). WooCommerce
 * pings a new webhook with a form-encoded `webhook_id=…` body and disables a
 * webhook after 5 failed deliveries, so the ping gets a 200 and nothing a
 * client can send gets a 5xx.
 *
 * Amounts come from the decimal strings (`subtotal`, `total`, `total_tax`),
 * never from the float `price`. Woo stores line totals net of tax.
 */
import * as z from 'zod/mini';
import { bodyHash } from '#domain/ids';
import { parseDecimal, parseRatePpm } from '#domain/money';
import { parseJson } from './parse.ts';
import { SignatureError, verifyBase64Hmac } from './signatures.ts';
import { finishDraft, headerOf, languageOf, PayloadError, type PlatformEvent, type PlatformLine, type PlatformOrderDraft } from './types.ts';

const party = z.looseObject({
  first_name: z.nullish(z.string()),
  last_name: z.nullish(z.string()),
  company: z.nullish(z.string()),
  address_1: z.nullish(z.string()),
  address_2: z.nullish(z.string()),
  city: z.nullish(z.string()),
  state: z.nullish(z.string()),
  postcode: z.nullish(z.string()),
  country: z.nullish(z.string()),
  email: z.nullish(z.string()),
});
const taxRef = z.looseObject({ id: z.union([z.number(), z.string()]), total: z.union([z.string(), z.number()]) });

export const WooOrderSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  number: z.optional(z.union([z.string(), z.number()])),
  status: z.string(),
  currency: z.string(),
  date_paid: z.nullish(z.string()),
  payment_method: z.nullish(z.string()),
  total: z.string(),
  billing: party,
  shipping: z.nullish(party),
  line_items: z.array(
    z.looseObject({
      id: z.union([z.number(), z.string()]),
      name: z.string(),
      product_id: z.nullish(z.union([z.number(), z.string()])),
      sku: z.nullish(z.string()),
      quantity: z.int().check(z.gte(1)),
      subtotal: z.string(),
      total: z.string(),
      total_tax: z.string(),
      taxes: z.optional(z.array(taxRef)),
    }),
  ),
  shipping_lines: z.optional(z.array(z.looseObject({ method_title: z.nullish(z.string()), total: z.string(), total_tax: z.string(), taxes: z.optional(z.array(taxRef)) }))),
  fee_lines: z.optional(z.array(z.looseObject({ name: z.string(), total: z.string(), total_tax: z.string() }))),
  tax_lines: z.optional(z.array(z.looseObject({ rate_id: z.union([z.number(), z.string()]), rate_percent: z.optional(z.number()) }))),
});
export type WooOrder = z.infer<typeof WooOrderSchema>;

/**
 * The buyer's language, where the shop records it on the order: WooCommerce has no locale of its own, WPML (and
 * WooCommerce Multilingual) stores the checkout's language as the `wpml_language` meta ("sv"). Read loosely: a
 * meta list of another shape is no reason to refuse the order.
 */
function wooLanguage(o: WooOrder) {
  const meta = (o as { meta_data?: unknown }).meta_data;
  if (!Array.isArray(meta)) return undefined;
  const entry: unknown = meta.find((m: unknown) => typeof m === 'object' && m !== null && (m as { key?: unknown }).key === 'wpml_language');
  return languageOf((entry as { value?: unknown } | undefined)?.value);
}

/** Payment methods where the buyer pays later (bank transfer, cheque, cash on delivery): on terms. */
const ON_ACCOUNT = new Set(['bacs', 'cheque', 'cod']);

function addressOf(p: z.infer<typeof party> | null | undefined) {
  if (!p || !p.address_1 || !p.city || !p.country) return undefined;
  const name = [p.first_name, p.last_name].filter(Boolean).join(' ');
  return {
    ...(name ? { name } : {}),
    ...(p.company ? { company: p.company } : {}),
    line1: p.address_1,
    ...(p.address_2 ? { line2: p.address_2 } : {}),
    city: p.city,
    ...(p.state ? { region: p.state } : {}),
    ...(p.postcode ? { postalCode: p.postcode } : {}),
    country: p.country.toUpperCase(),
  };
}

export function mapWooOrder(o: WooOrder, shop: string): PlatformOrderDraft {
  const currency = o.currency.toUpperCase();
  const d = (text: string) => parseDecimal(text, currency);
  const rates = new Map((o.tax_lines ?? []).map((t) => [String(t.rate_id), t.rate_percent === undefined ? 0 : parseRatePpm(`${t.rate_percent}%`)]));
  const rateOf = (taxes: readonly z.infer<typeof taxRef>[] | undefined) => (taxes ?? []).filter((t) => Number(t.total) !== 0).reduce((a, t) => a + (rates.get(String(t.id)) ?? 0), 0);
  const lines: PlatformLine[] = o.line_items.map((li) => {
    const subtotal = d(li.subtotal);
    // The unit price is subtotal ÷ quantity; when that is not whole, round up and count the excess as discount, so the line nets exactly to Woo's total.
    const unitPrice = Math.ceil(subtotal / li.quantity);
    return {
      sku: li.sku || `woo-product-${li.product_id ?? li.id}`,
      description: li.name.slice(0, 500),
      quantity: li.quantity,
      unitPrice,
      discount: unitPrice * li.quantity - d(li.total),
      taxRatePpm: rateOf(li.taxes),
      tax: d(li.total_tax),
    };
  });
  for (const fee of o.fee_lines ?? []) {
    const total = d(fee.total);
    if (total < 0) throw new PayloadError('negative fee lines (order-level discounts) are not supported', [{ path: 'fee_lines', message: 'negative total' }]);
    lines.push({ sku: 'fee', description: fee.name.slice(0, 500), quantity: 1, unitPrice: total, discount: 0, taxRatePpm: 0, tax: d(fee.total_tax) });
  }
  const ship = o.shipping_lines ?? [];
  const shipping =
    ship.length === 0
      ? undefined
      : {
          amount: ship.reduce((a, s) => a + d(s.total), 0),
          tax: ship.reduce((a, s) => a + d(s.total_tax), 0),
          taxRatePpm: rateOf(ship[0]?.taxes),
          ...(ship[0]?.method_title ? { method: ship[0].method_title.slice(0, 100) } : {}),
        };
  const shippingAddress = addressOf(o.shipping) ?? addressOf(o.billing);
  if (!shippingAddress) throw new PayloadError('the order has neither a shipping nor a billing address', [{ path: 'shipping', message: 'required' }]);
  const billingAddress = addressOf(o.billing);
  const email = o.billing.email;
  if (!email) throw new PayloadError('the order has no billing email', [{ path: 'billing.email', message: 'required' }]);
  const name = [o.billing.first_name, o.billing.last_name].filter(Boolean).join(' ') || o.billing.company || email;
  const paid = Boolean(o.date_paid);
  const language = wooLanguage(o);
  const draft = {
    externalId: String(o.id),
    shop,
    reference: `#${o.number ?? o.id}`,
    customer: { email: email.toLowerCase(), name: name.slice(0, 200), ...(language ? { language } : {}) },
    currency,
    lines,
    ...(shipping ? { shipping } : {}),
    // Only `date_paid` means the money is in; anything else (bank transfer, cheque, COD, a pending gateway) is collected on terms.
    paymentMode: paid ? ('prepaid' as const) : ('terms' as const),
    shippingAddress,
    ...(billingAddress ? { billingAddress } : {}),
    pricesIncludeTax: false,
  };
  const platformTotal = d(o.total);
  return finishDraft(draft, platformTotal);
}

/** Statuses that mean the money is not coming: the order is not processed. */
const NOT_PAYABLE = new Set(['failed', 'pending', 'checkout-draft']);

export function parseWooWebhook(rawBody: string, headers: Readonly<Record<string, string>>, secrets: readonly string[]): PlatformEvent {
  const topic = headerOf(headers, 'x-wc-webhook-topic') ?? '';
  if (!topic && /^webhook_id=\d+$/.test(rawBody.trim())) return { kind: 'ping', topic: 'ping' };
  if (!verifyBase64Hmac(rawBody, headerOf(headers, 'x-wc-webhook-signature'), secrets)) throw new SignatureError('X-WC-Webhook-Signature is missing or does not match');
  if (topic !== 'order.created' && topic !== 'order.updated') return { kind: 'ignored', topic, reason: 'topic not handled by o2c' };
  const shop = headerOf(headers, 'x-wc-webhook-source');
  if (!shop) throw new PayloadError('X-WC-Webhook-Source header is missing', [{ path: 'X-WC-Webhook-Source', message: 'required' }]);
  const order = parseJson(rawBody, WooOrderSchema);
  if (order.status === 'cancelled' || order.status === 'refunded') {
    return { kind: 'cancel', topic, order: mapWooOrder(order, shop), reason: `${order.status} in WooCommerce` };
  }
  if (NOT_PAYABLE.has(order.status) && !order.date_paid && !ON_ACCOUNT.has(order.payment_method ?? '')) {
    return { kind: 'ignored', topic, reason: `order is ${order.status}: waiting for payment` };
  }
  const draft = mapWooOrder(order, shop);
  // WooCommerce numbers each delivery (it does not retry one by itself).
  const deliveryId = headerOf(headers, 'x-wc-webhook-delivery-id') ?? bodyHash(rawBody);
  return { kind: 'order', topic, order: draft, paid: Boolean(order.date_paid), deliveryId };
}
