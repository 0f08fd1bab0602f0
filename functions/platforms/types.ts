/**
 * What a platform module produces from a verified webhook: an order draft in
 * the canonical shape (plus the platform's own taxes and totals, which o2c
 * takes as sent), a cancellation, a payment for accounts receivable, or an
 * event o2c does not act on.
 */
import type { CanonicalOrder, PaymentInput } from './canonical.ts';

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

export type PlatformEvent =
  | { readonly kind: 'order'; readonly topic: string; readonly order: PlatformOrderDraft; readonly paid: boolean }
  | { readonly kind: 'cancel'; readonly topic: string; readonly order: PlatformOrderDraft; readonly reason: string }
  | { readonly kind: 'payment'; readonly topic: string; readonly payment: PaymentInput }
  | { readonly kind: 'refund'; readonly topic: string; readonly refund: { externalId: string; chargeId: string; amount: number; currency: string; refundedOn: string } }
  | { readonly kind: 'ignored'; readonly topic: string; readonly reason: string }
  | { readonly kind: 'ping'; readonly topic: string };

/** A verified payload that does not make sense (missing fields, totals that do not add up): 422. */
export class PayloadError extends Error {
  override readonly name = 'PayloadError';
  constructor(
    message: string,
    readonly issues: { path: string; message: string }[] = [{ path: '', message }],
  ) {
    super(message);
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
