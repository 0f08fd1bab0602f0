/**
 * Stripe webhooks. `Stripe-Signature: t=…,v1=…[,v1=…]` is a hex HMAC-SHA256 of
 * `${t}.${rawBody}` under the endpoint secret; a timestamp more than 300 s away
 * is refused (replay), and any v1 may match any valid secret (rotation).
 *
 * `checkout.session.completed` becomes a prepaid order, keeping the session's
 * payment intent (what a refund through Stripe's API names). `payment_intent.succeeded`
 * for an o2c invoice (metadata `invoice_number`) becomes a payment for accounts
 * receivable; checkout's own payment intents are not, since their order is
 * invoiced as paid already. `charge.refunded` is queued for receivables.
 * Stripe amounts are already integer minor units (JPY has none).
 */
import * as z from 'zod/mini';
import { findInvoiceNumbers } from '#domain/invoice';
import { currencyExponent } from '#domain/money';
import { parseJson } from './parse.ts';
import { hmacSha256, safeEqual, SignatureError } from './signatures.ts';
import { clip, finishDraft, languageOf, PayloadError, type PlatformEvent, type PlatformOrderDraft } from './types.ts';

export const STRIPE_TOLERANCE_SECONDS = 300;

export class StaleSignatureError extends SignatureError {
  override name = 'StaleSignatureError';
}

export function verifyStripeSignature(rawBody: string, header: string | undefined, secrets: readonly string[], nowSeconds: number, toleranceSeconds = STRIPE_TOLERANCE_SECONDS): void {
  if (!header) throw new SignatureError('Stripe-Signature header is missing');
  // The HMAC covers the timestamp exactly as sent; v0 and unknown schemes are ignored.
  let t: string | undefined;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    if (at < 0) continue;
    const k = part.slice(0, at).trim();
    const v = part.slice(at + 1).trim();
    if (k === 't' && /^\d{1,15}$/.test(v)) t = v;
    else if (k === 'v1' && v) v1.push(v);
  }
  if (t === undefined || v1.length === 0) throw new SignatureError('Stripe-Signature has no timestamp or no v1 signature');
  const signed = `${t}.${rawBody}`;
  const matches = secrets.some((secret) => {
    if (secret.length === 0) return false;
    const expected = hmacSha256(secret, signed, 'hex');
    return v1.some((sig) => safeEqual(expected, sig));
  });
  if (!matches) throw new SignatureError('Stripe-Signature does not match');
  const timestamp = Number(t);
  if (Math.abs(nowSeconds - timestamp) > toleranceSeconds) throw new StaleSignatureError(`Stripe-Signature timestamp is more than ${toleranceSeconds} s from now`);
}

const addressSchema = z.nullish(
  z.looseObject({ line1: z.nullish(z.string()), line2: z.nullish(z.string()), city: z.nullish(z.string()), state: z.nullish(z.string()), postal_code: z.nullish(z.string()), country: z.nullish(z.string()) }),
);
const shippingDetails = z.nullish(z.looseObject({ name: z.nullish(z.string()), address: addressSchema }));

const EventSchema = z.looseObject({
  id: z.string(),
  type: z.string(),
  created: z.int(),
  account: z.optional(z.string()),
  data: z.looseObject({ object: z.looseObject({ id: z.string() }) }),
});

export const CheckoutSessionSchema = z.looseObject({
  id: z.string(),
  amount_subtotal: z.int().check(z.gte(0)),
  amount_total: z.int().check(z.gte(0)),
  currency: z.string(),
  client_reference_id: z.nullish(z.string()),
  payment_status: z.optional(z.string()),
  // The payment the session took (an id, or the object when expanded): what a refund names.
  payment_intent: z.nullish(z.union([z.string(), z.looseObject({ id: z.string() })])),
  customer_details: z.nullish(z.looseObject({ email: z.nullish(z.string()), name: z.nullish(z.string()), address: addressSchema, preferred_locales: z.optional(z.array(z.string())) })),
  shipping_details: shippingDetails,
  collected_information: z.nullish(z.looseObject({ shipping_details: shippingDetails })),
  total_details: z.nullish(z.looseObject({ amount_discount: z.int(), amount_shipping: z.int(), amount_tax: z.int() })),
  line_items: z.nullish(
    z.looseObject({
      data: z.array(
        z.looseObject({
          description: z.nullish(z.string()),
          quantity: z.int().check(z.gte(1)),
          amount_subtotal: z.int(),
          amount_discount: z.int(),
          amount_tax: z.int(),
          price: z.nullish(z.looseObject({ id: z.string(), unit_amount: z.nullish(z.int()) })),
        }),
      ),
    }),
  ),
});

const PaymentIntentSchema = z.looseObject({
  id: z.string(),
  amount_received: z.int().check(z.gte(0)),
  currency: z.string(),
  created: z.int(),
  customer: z.nullish(z.string()),
  description: z.nullish(z.string()),
  metadata: z.optional(z.record(z.string(), z.string())),
});

const ChargeSchema = z.looseObject({ id: z.string(), amount_refunded: z.int(), currency: z.string(), created: z.int(), refunds: z.nullish(z.looseObject({ data: z.optional(z.array(z.looseObject({ id: z.string(), amount: z.int(), created: z.int() }))) })) });

const utcDate = (epochSeconds: number) => new Date(epochSeconds * 1000).toISOString().slice(0, 10);

function upperCurrency(c: string): string {
  const code = c.toUpperCase();
  currencyExponent(code);
  return code;
}

export function mapCheckoutSession(s: z.infer<typeof CheckoutSessionSchema>, shop: string): PlatformOrderDraft {
  const currency = upperCurrency(s.currency);
  const details = s.total_details ?? { amount_discount: 0, amount_shipping: 0, amount_tax: 0 };
  const email = s.customer_details?.email;
  if (!email) throw new PayloadError('the checkout session has no customer email', [{ path: 'customer_details.email', message: 'required' }]);
  const ship = s.collected_information?.shipping_details ?? s.shipping_details;
  const a = ship?.address ?? s.customer_details?.address;
  if (!a?.line1 || !a.city || !a.country) throw new PayloadError('the checkout session has no postal address (collect shipping or billing address in Checkout)', [{ path: 'shipping_details.address', message: 'required' }]);
  const items = s.line_items?.data ?? [];
  const taxOnLines = items.reduce((t, i) => t + i.amount_tax, 0);
  const lines =
    items.length > 0
      ? items.map((i, n) => ({
          sku: i.price?.id ?? `stripe-item-${n + 1}`,
          description: (i.description ?? 'Item').slice(0, 500),
          quantity: i.quantity,
          unitPrice: Math.ceil(i.amount_subtotal / i.quantity),
          discount: Math.ceil(i.amount_subtotal / i.quantity) * i.quantity - i.amount_subtotal + i.amount_discount,
          taxRatePpm: 0,
          tax: i.amount_tax,
        }))
      : [{ sku: 'stripe-checkout', description: 'Stripe Checkout purchase', quantity: 1, unitPrice: s.amount_subtotal, discount: details.amount_discount, taxRatePpm: 0, tax: details.amount_tax }];
  // Tax on shipping is whatever of the session's tax is not on the lines.
  const shippingTax = items.length > 0 ? details.amount_tax - taxOnLines : 0;
  const base = { lines, shipping: details.amount_shipping > 0 ? { amount: details.amount_shipping, taxRatePpm: 0, tax: shippingTax } : undefined };
  // Exclusive tax adds up with the tax; inclusive tax is already inside the prices.
  const exclusive = s.amount_subtotal - details.amount_discount + details.amount_shipping + details.amount_tax === s.amount_total;
  // The buyer's preferred locale, else the locale Checkout was shown in (`auto`: the browser's, which the session does not name).
  const language = languageOf(s.customer_details?.preferred_locales?.[0]) ?? languageOf((s as { locale?: unknown }).locale);
  const paymentIntent = typeof s.payment_intent === 'string' ? s.payment_intent : s.payment_intent?.id;
  const draft = {
    externalId: s.id,
    shop,
    reference: s.client_reference_id ?? s.id.slice(-12),
    customer: { email: email.toLowerCase(), name: (s.customer_details?.name ?? email).slice(0, 200), ...(language ? { language } : {}) },
    currency,
    lines: base.lines,
    ...(base.shipping ? { shipping: base.shipping } : {}),
    paymentMode: 'prepaid' as const,
    shippingAddress: {
      ...(ship?.name ? { name: ship.name } : {}),
      line1: a.line1,
      ...(a.line2 ? { line2: a.line2 } : {}),
      city: a.city,
      ...(a.state ? { region: a.state } : {}),
      ...(a.postal_code ? { postalCode: a.postal_code } : {}),
      country: a.country.toUpperCase(),
    },
    pricesIncludeTax: !exclusive,
    ...(paymentIntent ? { paymentReference: { paymentIntent } } : {}),
  };
  return finishDraft(draft, s.amount_total);
}

export function parseStripeWebhook(rawBody: string, signatureHeader: string | undefined, secrets: readonly string[], nowSeconds: number): PlatformEvent {
  verifyStripeSignature(rawBody, signatureHeader, secrets, nowSeconds);
  const event = parseJson(rawBody, EventSchema);
  const object = event.data.object;
  const shop = event.account ?? 'stripe';
  const parse = <S extends z.ZodMiniType>(schema: S) => {
    const r = z.safeParse(schema, object);
    if (!r.success) throw new PayloadError(`${event.type} object does not match Stripe's format`, r.error.issues.map((i) => ({ path: ['data', 'object', ...i.path.map(String)].join('.'), message: i.message })));
    return r.data as z.infer<S>;
  };
  switch (event.type) {
    case 'checkout.session.completed': {
      const session = parse(CheckoutSessionSchema);
      if (session.payment_status && session.payment_status !== 'paid' && session.payment_status !== 'no_payment_required') {
        return { kind: 'ignored', topic: event.type, reason: `payment_status ${session.payment_status}: wait for async_payment_succeeded` };
      }
      return { kind: 'order', topic: event.type, order: mapCheckoutSession(session, shop), paid: true, deliveryId: event.id };
    }
    case 'payment_intent.succeeded': {
      const pi = parse(PaymentIntentSchema);
      // An o2c invoice payment names the invoice in metadata.invoice_number, or failing that in its description.
      const invoiceNumber = pi.metadata?.invoice_number || findInvoiceNumbers(pi.description ?? undefined)[0];
      if (!invoiceNumber) return { kind: 'ignored', topic: event.type, reason: 'not an o2c invoice payment (no invoice number in metadata or description)' };
      if (pi.amount_received < 1) return { kind: 'ignored', topic: event.type, reason: 'nothing received' };
      return {
        kind: 'payment',
        topic: event.type,
        // Stripe's event id: the same on each of its retries of the event.
        deliveryId: event.id,
        payment: {
          source: 'stripe',
          externalId: pi.id,
          amount: pi.amount_received,
          currency: upperCurrency(pi.currency),
          receivedOn: utcDate(pi.created),
          remittance: clip(invoiceNumber, 1000),
          ...(pi.customer ? { payerReference: pi.customer } : {}),
        },
      };
    }
    case 'charge.refunded': {
      const charge = parse(ChargeSchema);
      const latest = charge.refunds?.data?.[0];
      return {
        kind: 'refund',
        topic: event.type,
        refund: { externalId: latest?.id ?? `${charge.id}:${charge.amount_refunded}`, chargeId: charge.id, amount: latest?.amount ?? charge.amount_refunded, currency: upperCurrency(charge.currency), refundedOn: utcDate(latest?.created ?? event.created) },
      };
    }
    default:
      return { kind: 'ignored', topic: event.type, reason: 'event type not handled by o2c' };
  }
}
