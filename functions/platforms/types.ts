/**
 * What a platform module produces from a verified webhook: an order draft in
 * the canonical shape (plus the platform's own taxes and totals, which o2c
 * takes as sent), a cancellation, a payment for accounts receivable, or an
 * event o2c does not act on.
 */
import * as z from 'zod/mini';
import { ValidationError } from '../errors.ts';
import { AddressSchema, CurrencySchema, LanguageSchema, minorUnits, ppm, TermsSchema, text, type CanonicalOrder, type PaymentInput } from './canonical.ts';

export type Platform = 'shopify' | 'woocommerce' | 'stripe';

export interface PlatformLine {
  readonly sku: string;
  readonly description: string;
  readonly quantity: number;
  readonly unitPrice: number;
  readonly discount: number;
  readonly taxRatePpm: number;
  /** Tax the platform charged on the line; o2c keeps it. */
  readonly tax: number;
}

export interface PlatformOrderDraft extends Omit<CanonicalOrder, 'lines' | 'shipping' | 'shop'> {
  readonly shop: string;
  readonly lines: PlatformLine[];
  readonly shipping?: { amount: number; taxRatePpm: number; tax: number; method?: string };
  readonly pricesIncludeTax: boolean;
  /** The platform's order total (minor units): the invoice must come to exactly this. */
  readonly platformTotal: number;
}

/**
 * `deliveryId`: the platform's id of the delivery (Shopify `X-Shopify-Webhook-Id`, WooCommerce
 * `X-WC-Webhook-Delivery-ID`, Stripe's event id; a hash of the body when the header is missing) — the same on a
 * platform's retry of a delivery o2c did not answer, another on a new delivery (another topic, another
 * subscription, a resend): what tells a duplicate absorbed from a retry.
 */
export type PlatformEvent =
  | { readonly kind: 'order'; readonly topic: string; readonly order: PlatformOrderDraft; readonly paid: boolean; readonly deliveryId: string }
  | { readonly kind: 'cancel'; readonly topic: string; readonly order: PlatformOrderDraft; readonly reason: string }
  | { readonly kind: 'payment'; readonly topic: string; readonly payment: PaymentInput; readonly deliveryId: string }
  | { readonly kind: 'refund'; readonly topic: string; readonly refund: { externalId: string; chargeId: string; amount: number; currency: string; refundedOn: string } }
  | { readonly kind: 'ignored'; readonly topic: string; readonly reason: string }
  | { readonly kind: 'ping'; readonly topic: string };

/** A verified payload that does not make sense (missing fields, totals that do not add up): 422. */
export class PayloadError extends ValidationError {
  constructor(message: string, issues: { path: string; message: string }[] = [{ path: '', message }]) {
    super(issues, message);
  }
}

export function headerOf(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  return headers[name.toLowerCase()];
}

const LANGUAGES = new Set(['en', 'zh', 'ja', 'ru', 'sv']);
/** Maps a locale such as `sv-SE` or `ja` to one of o2c's languages, if it is one. */
export function languageOf(locale: unknown): CanonicalOrder['customer']['language'] {
  if (typeof locale !== 'string') return undefined;
  const lang = locale.slice(0, 2).toLowerCase();
  return LANGUAGES.has(lang) ? (lang as CanonicalOrder['customer']['language']) : undefined;
}

/** Checks that the lines, shipping and tax add up to the platform's total. */
export function assertAddsUp(order: Omit<PlatformOrderDraft, 'platformTotal'>, platformTotal: number): void {
  const lines = order.lines.reduce((a, l) => a + l.quantity * l.unitPrice - l.discount + (order.pricesIncludeTax ? 0 : l.tax), 0);
  const shipping = order.shipping ? order.shipping.amount + (order.pricesIncludeTax ? 0 : order.shipping.tax) : 0;
  if (lines + shipping !== platformTotal) {
    throw new PayloadError(`the order's lines, shipping and tax come to ${lines + shipping} but its total is ${platformTotal} (minor units)`, [
      { path: 'total', message: `lines + shipping + tax = ${lines + shipping}, total = ${platformTotal}` },
    ]);
  }
}

/**
 * What a mapped platform order must satisfy before intake stores it: the
 * canonical order's limits, plus the platform's own taxes and total. Identity
 * fields (external id, SKU, email, country) are checked, not repaired.
 */
const draftLine = z.object({
  sku: text(1, 64),
  description: text(1, 500),
  quantity: z.int().check(z.gte(1), z.lte(1_000_000)),
  unitPrice: minorUnits(),
  discount: minorUnits(),
  taxRatePpm: ppm(),
  tax: minorUnits(),
});
export const PlatformOrderDraftSchema = z.object({
  externalId: text(1, 128),
  shop: text(1, 255),
  reference: z.optional(text(1, 64)),
  // Platforms accept addresses a strict e-mail pattern would refuse (e.g. non-ASCII local parts).
  customer: z.object({ email: z.string().check(z.maxLength(254), z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an e-mail address')), name: text(1, 200), language: z.optional(LanguageSchema) }),
  currency: CurrencySchema,
  lines: z.array(draftLine).check(z.minLength(1), z.maxLength(250)),
  shipping: z.optional(z.object({ amount: minorUnits(), taxRatePpm: ppm(), tax: minorUnits(), method: z.optional(text(0, 100)) })),
  paymentMode: z.enum(['prepaid', 'terms']),
  terms: z.optional(TermsSchema),
  shippingAddress: AddressSchema,
  billingAddress: z.optional(AddressSchema),
  pricesIncludeTax: z.boolean(),
  platformTotal: minorUnits(),
  paymentReference: z.optional(z.object({ paymentIntent: z.optional(text(1, 255)), charge: z.optional(text(1, 255)) })),
});

/** Cuts display text to `max` UTF-16 units without splitting a surrogate pair. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  const code = s.charCodeAt(max - 1);
  return s.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

type DraftAddress = PlatformOrderDraft['shippingAddress'];
function clipAddress(a: DraftAddress): DraftAddress {
  return {
    ...a,
    ...(a.name !== undefined ? { name: clip(a.name, 200) } : {}),
    ...(a.company !== undefined ? { company: clip(a.company, 200) } : {}),
    line1: clip(a.line1, 200),
    ...(a.line2 !== undefined ? { line2: clip(a.line2, 200) } : {}),
    city: clip(a.city, 100),
    ...(a.region !== undefined ? { region: clip(a.region, 100) } : {}),
    ...(a.postalCode !== undefined ? { postalCode: clip(a.postalCode, 20) } : {}),
  };
}

/**
 * The last step of every platform mapping: display text (names, address
 * lines, descriptions, reference) is cut to the canonical limits, the draft is
 * checked against {@link PlatformOrderDraftSchema} (422 with the draft's field
 * paths), and its lines, shipping and tax must add up to the platform's total.
 */
export function finishDraft(draft: Omit<PlatformOrderDraft, 'platformTotal'>, platformTotal: number): PlatformOrderDraft {
  const clipped: PlatformOrderDraft = {
    ...draft,
    ...(draft.reference !== undefined ? { reference: clip(draft.reference, 64) } : {}),
    customer: { ...draft.customer, name: clip(draft.customer.name, 200) },
    lines: draft.lines.map((l) => ({ ...l, description: clip(l.description, 500) })),
    ...(draft.shipping ? { shipping: { ...draft.shipping, ...(draft.shipping.method !== undefined ? { method: clip(draft.shipping.method, 100) } : {}) } } : {}),
    shippingAddress: clipAddress(draft.shippingAddress),
    ...(draft.billingAddress ? { billingAddress: clipAddress(draft.billingAddress) } : {}),
    platformTotal,
  };
  const checked = z.safeParse(PlatformOrderDraftSchema, clipped);
  if (!checked.success) {
    throw new PayloadError("the platform's order does not make a valid o2c order", checked.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  }
  assertAddsUp(clipped, platformTotal);
  return clipped;
}
