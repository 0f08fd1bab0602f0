/**
 * The canonical order and payment JSON that the B2B API takes (POST /orders,
 * POST /payments), as zod schemas: one definition gives parsing, the 422 field
 * paths and the published OpenAPI document. Amounts are integer minor units.
 */
import { z } from 'zod';
import { isCurrency } from '#domain/money';
import { isIsoDate } from '#domain/dates';

const minor = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const ppm = z.number().int().min(0).max(1_000_000);

export const CurrencySchema = z.string().refine(isCurrency, 'must be an ISO 4217 currency code, e.g. GBP');
export const IsoDateSchema = z.string().refine(isIsoDate, 'must be a calendar date YYYY-MM-DD');
export const LanguageSchema = z.enum(['en', 'zh', 'ja', 'ru', 'sv']);

export const AddressSchema = z.object({
  name: z.string().max(200).optional(),
  company: z.string().max(200).optional(),
  line1: z.string().min(1).max(200),
  line2: z.string().max(200).optional(),
  city: z.string().min(1).max(100),
  region: z.string().max(100).optional(),
  postalCode: z.string().max(20).optional(),
  country: z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code, e.g. GB'),
});

export const TermsSchema = z.object({
  netDays: z.number().int().min(0).max(365),
  discount: z.object({ ratePpm: ppm.max(500_000), days: z.number().int().min(0).max(365) }).optional(),
});

export const OrderLineSchema = z.object({
  sku: z.string().min(1).max(64),
  description: z.string().min(1).max(500),
  quantity: z.number().int().min(1).max(1_000_000),
  unitPrice: minor,
  discount: minor.default(0),
  taxRatePpm: ppm,
});

export const CustomerInputSchema = z.object({
  email: z.email(),
  name: z.string().min(1).max(200),
  language: LanguageSchema.optional(),
});

export const CanonicalOrderSchema = z.object({
  externalId: z.string().min(1).max(128),
  shop: z.string().min(1).max(255).optional(),
  reference: z.string().min(1).max(64).optional(),
  customer: CustomerInputSchema,
  currency: CurrencySchema,
  lines: z.array(OrderLineSchema).min(1).max(250),
  shipping: z.object({ amount: minor, taxRatePpm: ppm, method: z.string().max(100).optional() }).optional(),
  paymentMode: z.enum(['prepaid', 'terms']),
  terms: TermsSchema.optional(),
  shippingAddress: AddressSchema,
  billingAddress: AddressSchema.optional(),
});
export type CanonicalOrder = z.infer<typeof CanonicalOrderSchema>;

export const PaymentInputSchema = z.object({
  source: z.enum(['bank', 'csv', 'manual', 'api', 'stripe']),
  externalId: z.string().min(1).max(128),
  amount: minor.min(1),
  currency: CurrencySchema,
  receivedOn: IsoDateSchema,
  payerReference: z.string().max(140).optional(),
  remittance: z.string().max(1000).optional(),
  customerId: z.string().max(64).optional(),
});
export type PaymentInput = z.infer<typeof PaymentInputSchema>;
