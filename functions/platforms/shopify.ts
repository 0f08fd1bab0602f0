/**
 * Shopify order webhooks (`orders/create`, `orders/paid`, `orders/cancelled`).
 * Verified with `X-Shopify-Hmac-Sha256` (base64 HMAC-SHA256 of the raw body),
 * mapped from the REST order payload: decimal price strings to exact minor
 * units in the presentment (buyer's) currency, discount allocations and tax
 * lines per line item, shipping lines, customer and addresses, and
 * `financial_status` / `payment_terms` to prepaid or on terms.
 */
import * as z from 'zod/mini';
import { daysBetween, toIsoDate } from '#domain/dates';
import { bodyHash } from '#domain/ids';
import { parseDecimal, parseRatePpm } from '#domain/money';
import { SignatureError, verifyBase64Hmac } from './signatures.ts';
import { parseJson } from './parse.ts';
import { finishDraft, headerOf, languageOf, PayloadError, type PlatformEvent, type PlatformLine, type PlatformOrderDraft } from './types.ts';

const money = z.looseObject({ amount: z.string(), currency_code: z.string() });
const moneySet = z.optional(z.looseObject({ shop_money: money, presentment_money: money }));
const taxLine = z.looseObject({ price: z.string(), rate: z.number(), title: z.optional(z.string()), price_set: moneySet });
const allocation = z.looseObject({ amount: z.string(), amount_set: moneySet });
const address = z.nullish(
  z.looseObject({
    first_name: z.nullish(z.string()),
    last_name: z.nullish(z.string()),
    name: z.nullish(z.string()),
    company: z.nullish(z.string()),
    address1: z.nullish(z.string()),
    address2: z.nullish(z.string()),
    city: z.nullish(z.string()),
    province: z.nullish(z.string()),
    province_code: z.nullish(z.string()),
    zip: z.nullish(z.string()),
    country_code: z.nullish(z.string()),
  }),
);

export const ShopifyOrderSchema = z.looseObject({
  id: z.union([z.number(), z.string()]),
  name: z.string(),
  email: z.nullish(z.string()),
  currency: z.string(),
  presentment_currency: z.optional(z.string()),
  financial_status: z.nullish(z.string()),
  taxes_included: z.optional(z.boolean()),
  total_price: z.string(),
  total_price_set: moneySet,
  customer_locale: z.nullish(z.string()),
  cancelled_at: z.nullish(z.string()),
  cancel_reason: z.nullish(z.string()),
  created_at: z.optional(z.string()),
  customer: z.nullish(z.looseObject({ email: z.nullish(z.string()), first_name: z.nullish(z.string()), last_name: z.nullish(z.string()) })),
  billing_address: address,
  shipping_address: address,
  line_items: z.array(
    z.looseObject({
      id: z.union([z.number(), z.string()]),
      variant_id: z.nullish(z.union([z.number(), z.string()])),
      sku: z.nullish(z.string()),
      title: z.string(),
      name: z.optional(z.string()),
      quantity: z.int().check(z.gte(1)),
      price: z.string(),
      price_set: moneySet,
      discount_allocations: z.optional(z.array(allocation)),
      tax_lines: z.optional(z.array(taxLine)),
    }),
  ),
  shipping_lines: z.optional(
    z.array(z.looseObject({ title: z.optional(z.string()), price: z.string(), price_set: moneySet, discount_allocations: z.optional(z.array(allocation)), tax_lines: z.optional(z.array(taxLine)) })),
  ),
  payment_terms: z.nullish(
    z.looseObject({
      due_in_days: z.nullish(z.int()),
      payment_terms_type: z.nullish(z.string()),
      payment_schedules: z.nullish(z.array(z.looseObject({ due_at: z.nullish(z.string()) }))),
    }),
  ),
});
export type ShopifyOrder = z.infer<typeof ShopifyOrderSchema>;

const TOPICS = new Set(['orders/create', 'orders/paid', 'orders/cancelled']);
/** Money was taken: the order is prepaid (a refund later is the platform's business, not a reason for credit). */
const PAID_STATUSES = new Set(['paid', 'partially_refunded', 'refunded']);

/**
 * Shopify B2B payment terms as o2c terms: `net` → its days; due on receipt or
 * on fulfilment → 0 days (o2c invoices at shipment); `fixed` → the days from
 * the order date to the first schedule's due date. Unknown → undefined (the
 * customer's or company's terms apply).
 */
export function shopifyTerms(terms: ShopifyOrder['payment_terms'], createdAt: string | undefined): { netDays: number } | undefined {
  if (!terms) return undefined;
  const type = (terms.payment_terms_type ?? '').toLowerCase();
  if (type === 'receipt' || type === 'fulfillment') return { netDays: 0 };
  if (typeof terms.due_in_days === 'number' && terms.due_in_days >= 0 && terms.due_in_days <= 365) return { netDays: terms.due_in_days };
  const dueAt = terms.payment_schedules?.[0]?.due_at;
  if (type === 'fixed' && dueAt && createdAt) {
    const days = daysBetween(toIsoDate(createdAt), toIsoDate(dueAt));
    if (days >= 0 && days <= 365) return { netDays: days };
  }
  return undefined;
}

export function verifyShopify(rawBody: string, headers: Readonly<Record<string, string>>, secrets: readonly string[]): void {
  if (!verifyBase64Hmac(rawBody, headerOf(headers, 'x-shopify-hmac-sha256'), secrets)) throw new SignatureError('X-Shopify-Hmac-Sha256 is missing or does not match');
}

/** Amount in the buyer's currency: the presentment money of a money set, else the shop-currency string. */
function amountOf(set: z.infer<typeof moneySet>, fallback: string, currency: string): number {
  const m = set?.presentment_money;
  return parseDecimal(m && m.currency_code === currency ? m.amount : fallback, currency);
}

function taxOf(lines: readonly z.infer<typeof taxLine>[] | undefined, currency: string) {
  const list = lines ?? [];
  return {
    tax: list.reduce((a, t) => a + amountOf(t.price_set, t.price, currency), 0),
    ratePpm: list.reduce((a, t) => a + parseRatePpm(String(t.rate)), 0),
  };
}

function mapAddress(a: z.infer<typeof address>) {
  if (!a || !a.address1 || !a.city || !a.country_code) return undefined;
  const name = a.name ?? ([a.first_name, a.last_name].filter(Boolean).join(' ') || undefined);
  return {
    ...(name ? { name } : {}),
    ...(a.company ? { company: a.company } : {}),
    line1: a.address1,
    ...(a.address2 ? { line2: a.address2 } : {}),
    city: a.city,
    ...(a.province_code || a.province ? { region: (a.province_code ?? a.province)! } : {}),
    ...(a.zip ? { postalCode: a.zip } : {}),
    country: a.country_code.toUpperCase(),
  };
}

/**
 * Maps a Shopify order to a draft in the buyer's (presentment) currency.
 * `paid`: the delivery says the order is paid (topic `orders/paid`), whatever
 * its `financial_status` shows by then.
 */
export function mapShopifyOrder(o: ShopifyOrder, shop: string, options: { paid?: boolean } = {}): PlatformOrderDraft {
  const currency = o.presentment_currency ?? o.currency;
  const lines: PlatformLine[] = o.line_items.map((li) => {
    const { tax, ratePpm } = taxOf(li.tax_lines, currency);
    return {
      sku: li.sku || `shopify-variant-${li.variant_id ?? li.id}`,
      description: (li.name ?? li.title).slice(0, 500),
      quantity: li.quantity,
      unitPrice: amountOf(li.price_set, li.price, currency),
      discount: (li.discount_allocations ?? []).reduce((a, d) => a + amountOf(d.amount_set, d.amount, currency), 0),
      taxRatePpm: ratePpm,
      tax,
    };
  });
  const shippingLines = o.shipping_lines ?? [];
  const shippingTax = shippingLines.map((s) => taxOf(s.tax_lines, currency));
  const shipping =
    shippingLines.length === 0
      ? undefined
      : {
          amount: shippingLines.reduce((a, s) => a + amountOf(s.price_set, s.price, currency) - (s.discount_allocations ?? []).reduce((d, x) => d + amountOf(x.amount_set, x.amount, currency), 0), 0),
          tax: shippingTax.reduce((a, t) => a + t.tax, 0),
          taxRatePpm: shippingTax[0]?.ratePpm ?? 0,
          ...(shippingLines[0]?.title ? { method: shippingLines[0].title.slice(0, 100) } : {}),
        };
  const shippingAddress = mapAddress(o.shipping_address) ?? mapAddress(o.billing_address);
  if (!shippingAddress) throw new PayloadError('the order has neither a shipping nor a billing address', [{ path: 'shipping_address', message: 'required' }]);
  const billingAddress = mapAddress(o.billing_address);
  const email = o.email || o.customer?.email;
  if (!email) throw new PayloadError('the order has no customer email', [{ path: 'email', message: 'required' }]);
  const customerName = [o.customer?.first_name, o.customer?.last_name].filter(Boolean).join(' ') || shippingAddress.name || email;
  const paid = options.paid === true || PAID_STATUSES.has(o.financial_status ?? '');
  const terms = paid ? undefined : shopifyTerms(o.payment_terms, o.created_at);
  const language = languageOf(o.customer_locale);
  const draft = {
    externalId: String(o.id),
    shop,
    reference: o.name,
    customer: { email: email.toLowerCase(), name: customerName.slice(0, 200), ...(language ? { language } : {}) },
    currency,
    lines,
    ...(shipping ? { shipping } : {}),
    paymentMode: paid ? ('prepaid' as const) : ('terms' as const),
    ...(terms ? { terms } : {}),
    shippingAddress,
    ...(billingAddress ? { billingAddress } : {}),
    pricesIncludeTax: o.taxes_included === true,
  };
  const platformTotal = amountOf(o.total_price_set, o.total_price, currency);
  return finishDraft(draft, platformTotal);
}

/** Verifies, parses and maps one Shopify delivery. */
export function parseShopifyWebhook(rawBody: string, headers: Readonly<Record<string, string>>, secrets: readonly string[]): PlatformEvent {
  verifyShopify(rawBody, headers, secrets);
  const topic = headerOf(headers, 'x-shopify-topic') ?? '';
  if (!TOPICS.has(topic)) return { kind: 'ignored', topic, reason: 'topic not handled by o2c' };
  const shop = headerOf(headers, 'x-shopify-shop-domain');
  if (!shop) throw new PayloadError('X-Shopify-Shop-Domain header is missing', [{ path: 'X-Shopify-Shop-Domain', message: 'required' }]);
  const order = parseJson(rawBody, ShopifyOrderSchema);
  const draft = mapShopifyOrder(order, shop, { paid: topic === 'orders/paid' });
  if (topic === 'orders/cancelled' || order.cancelled_at) {
    return { kind: 'cancel', topic, order: draft, reason: order.cancel_reason ?? 'cancelled in Shopify' };
  }
  // Shopify's id of the webhook, the same on each of its retries (a new topic or subscription is another webhook).
  const deliveryId = headerOf(headers, 'x-shopify-webhook-id') ?? bodyHash(rawBody);
  return { kind: 'order', topic, order: draft, paid: draft.paymentMode === 'prepaid', deliveryId };
}

