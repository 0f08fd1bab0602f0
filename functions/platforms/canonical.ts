/**
 * The canonical order and payment JSON that the B2B API takes (POST /orders,
 * POST /payments), as zod schemas: one definition gives parsing, the 422 field
 * paths and the published OpenAPI document. Amounts are integer minor units.
 * (zod/mini: the tree-shakable build of zod 4, see runtime/schema.ts.)
 */
import * as z from 'zod/mini';
import { isCurrency } from '#domain/money';
import { isIsoDate } from '#domain/dates';

export const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
export const minorUnits = () => z.int().check(z.gte(0), z.lte(Number.MAX_SAFE_INTEGER));
export const ppm = () => z.int().check(z.gte(0), z.lte(1_000_000));
const between = (min: number, max: number) => z.int().check(z.gte(min), z.lte(max));

export const CurrencySchema = z.string().check(z.refine(isCurrency, 'must be an ISO 4217 currency code, e.g. GBP'));
export const IsoDateSchema = z.string().check(z.refine(isIsoDate, 'must be a calendar date YYYY-MM-DD'));
export const LanguageSchema = z.enum(['en', 'zh', 'ja', 'ru', 'sv']);

export const AddressSchema = z.object({
  name: z.optional(text(0, 200)),
  company: z.optional(text(0, 200)),
  line1: text(1, 200),
  line2: z.optional(text(0, 200)),
  city: text(1, 100),
  region: z.optional(text(0, 100)),
  postalCode: z.optional(text(0, 20)),
  country: z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code, e.g. GB')),
});

export const TermsSchema = z.object({
  netDays: between(0, 365),
  discount: z.optional(z.object({ ratePpm: between(0, 500_000), days: between(0, 365) })),
});

export const OrderLineSchema = z.object({
  sku: text(1, 64),
  description: text(1, 500),
  quantity: between(1, 1_000_000),
  unitPrice: minorUnits(),
  discount: z._default(minorUnits(), 0),
  taxRatePpm: ppm(),
});

export const CustomerInputSchema = z.object({
  email: z.email(),
  name: text(1, 200),
  language: z.optional(LanguageSchema),
});

export const CanonicalOrderSchema = z.object({
  externalId: text(1, 128),
  shop: z.optional(text(1, 255)),
  reference: z.optional(text(1, 64)),
  customer: CustomerInputSchema,
  currency: CurrencySchema,
  lines: z.array(OrderLineSchema).check(z.minLength(1), z.maxLength(250)),
  shipping: z.optional(z.object({ amount: minorUnits(), taxRatePpm: ppm(), method: z.optional(text(0, 100)) })),
  paymentMode: z.enum(['prepaid', 'terms']),
  terms: z.optional(TermsSchema),
  shippingAddress: AddressSchema,
  billingAddress: z.optional(AddressSchema),
});
export type CanonicalOrder = z.infer<typeof CanonicalOrderSchema>;

export const PaymentInputSchema = z.object({
  source: z.enum(['bank', 'csv', 'manual', 'api', 'stripe', 'shopify', 'woocommerce']),
  externalId: text(1, 128),
  amount: z.int().check(z.gte(1), z.lte(Number.MAX_SAFE_INTEGER)),
  currency: CurrencySchema,
  receivedOn: IsoDateSchema,
  payerReference: z.optional(text(0, 140)),
  remittance: z.optional(text(0, 1000)),
  customerId: z.optional(text(0, 64)),
});
export type PaymentInput = z.infer<typeof PaymentInputSchema>;

/** Workflow task input: the state carries more, the step reads the order id. */
export const OrderTaskInput = z.object({ orderId: text(1, 80) });
/** A task-token wait delivered through a queue. */
export const WaitMessage = z.object({ orderId: text(1, 80), taskToken: text(1, 4096), escalated: z.optional(z.boolean()) });
/** Scheduled runs: `{ "asOf": "2026-11-22" }` runs as of that day (time travel). */
/**
 * A scheduled run's input: `asOf` to time-travel; `scheduledTime` is EventBridge Scheduler's `<aws.scheduler.scheduled-time>`
 * (the instant the schedule fired, the same on each retry of that run), so a retried run is the same run.
 */
export const ScheduleInput = z.looseObject({ asOf: z.optional(IsoDateSchema), scheduledTime: z.optional(z.iso.datetime({ offset: true })), scheduleOpenInvoices: z.optional(z.boolean()), fileUnappliedCash: z.optional(z.boolean()) });

/** start-order's scheduled input: re-drive orders still `received` after `olderThanSeconds` (default 300). */
export const RedriveInput = z.looseObject({ redriveReceived: z.literal(true), olderThanSeconds: z.optional(z.number().check(z.int(), z.gte(0), z.lte(86_400))) });

/** build-report's input: the schedule's `{ kind }`, or the CLI's kind, as-of date and resend request. */
export const ReportScheduleInput = z.looseObject({
  kind: z.optional(z.enum(['flash', 'weekly', 'month-end'])),
  asOf: z.optional(IsoDateSchema),
  resend: z.optional(z.boolean()),
  requestedBy: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
});

/** Finance's decision on an order on credit hold. */
export const CREDIT_REFUSAL_REASONS = ['credit-limit', 'overdue-balance', 'credit-history', 'prepayment-required'] as const;
/**
 * Finance's decision on an order on credit hold: approve this order (`approve`), or it and the customer's later orders
 * up to an exposure of `upTo` until the end of `until`; or reject, telling the customer `reason` in their language.
 * `note` stays on the order's timeline (finance's words, never sent to the customer).
 */
export const CreditDecisionSchema = z.object({
  decision: z.enum(['approve', 'reject']),
  note: z.optional(text(0, 1000)),
  upTo: z.optional(z.object({ amount: z.int().check(z.gte(1), z.lte(Number.MAX_SAFE_INTEGER)), currency: CurrencySchema })),
  until: z.optional(IsoDateSchema),
  reason: z.optional(z.enum(CREDIT_REFUSAL_REASONS)),
});

/** The warehouse's report: the shipment, or that it cannot ship. */
export const ShipmentReportSchema = z.union([
  z.object({
    carrier: text(1, 100),
    service: text(1, 100),
    trackingNumber: text(1, 100),
    shippedAt: z.iso.datetime({ offset: true }),
    cost: z.optional(minorUnits()),
  }),
  z.object({ failed: z.literal(true), reason: text(1, 1000) }),
]);

const ShipmentLinesSchema = z.array(z.object({ sku: text(1, 100), quantity: z.int().check(z.gte(1), z.lte(1_000_000)) })).check(z.minLength(1), z.maxLength(200));

/**
 * One report of the warehouse at POST /fulfilment/{orderId}/shipments: a shipment (its id, the lines and quantities
 * in it, carrier and tracking), or lines it cannot ship (`cancelled: true`, with the reason). The id makes a report
 * sent twice one report.
 */
export const ShipmentsReportSchema = z.union([
  z.object({
    shipmentId: text(1, 100),
    lines: ShipmentLinesSchema,
    carrier: text(1, 100),
    service: z.optional(text(1, 100)),
    trackingNumber: text(1, 100),
    shippedAt: z.optional(z.iso.datetime({ offset: true })),
    cost: z.optional(minorUnits()),
    /** When the warehouse expects the units still to follow, per SKU (the customer is told). */
    expected: z.optional(z.array(z.object({ sku: text(1, 100), expectedOn: IsoDateSchema })).check(z.maxLength(500))),
  }),
  z.object({ shipmentId: text(1, 100), cancelled: z.literal(true), lines: ShipmentLinesSchema, reason: text(1, 1000) }),
]);

/** The seller (B2B key) cancels units of an order not shipped yet: POST /orders/{orderId}/lines/cancel. The id makes a retry one cancellation. */
export const LineCancellationSchema = z.object({ cancellationId: text(1, 100), lines: ShipmentLinesSchema, reason: text(1, 1000) });

/** ship-order's input: the order and the shipment the warehouse reported. */
export const ShipTaskInput = z.object({
  orderId: text(1, 80),
  shipment: z.object({ carrier: z.string(), service: z.string(), trackingNumber: z.string(), shippedAt: z.string(), cost: z.optional(z.int()) }),
});

/** reject-order's input: what the workflow knows of why. */
/** validate-order's catalog problems as the workflow passes them on (use-cases/validate-order `CatalogIssue`), for the rejection email to word. */
const CatalogIssueSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('not-sold'), description: z.string(), sku: z.string() }),
  z.object({ kind: z.literal('other-currency'), description: z.string(), sku: z.string(), soldIn: z.string(), orderedIn: z.string() }),
  z.object({ kind: z.literal('other-price'), description: z.string(), sku: z.string(), unitPrice: z.int(), currency: z.string() }),
]);

export const RejectTaskInput = z.object({
  orderId: text(1, 80),
  validation: z.optional(z.object({ reason: z.optional(z.string()), problems: z.optional(z.array(CatalogIssueSchema)) })),
  credit: z.optional(z.object({ reason: z.optional(z.string()) })),
  review: z.optional(z.object({ note: z.optional(z.string()), reason: z.optional(z.enum(CREDIT_REFUSAL_REASONS)) })),
  /** The credit review timed out undecided (the workflow's catch of States.Timeout). */
  reviewExpired: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
  /** The warehouse said it cannot ship (the workflow's catch of WarehouseFailed). */
  warehouse: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
});

/** release-stock's input: the order and the error the failing step's catch recorded (`$.error`). */
export const ReleaseStockTaskInput = z.object({
  orderId: text(1, 80),
  error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })),
});

/**
 * A payment on the payments queue: the report with its deterministic id, and
 * (from a bank file) the evidence the bank gave with it, for matching: the
 * payer's name and account, the import it came in and the bank's entry key.
 */
export const PaymentMessageSchema = z.extend(PaymentInputSchema, {
  id: text(1, 80),
  payerName: z.optional(text(0, 140)),
  payerIban: z.optional(text(0, 34)),
  endToEndId: z.optional(text(0, 35)),
  importId: z.optional(text(1, 80)),
  entryKey: z.optional(text(1, 128)),
  /** The delivery it came in (apply-payment counts another delivery of a known payment as a duplicate absorbed). */
  deliveryId: z.optional(text(1, 80)),
});

/** A message on the refunds queue: a refund to make, or an invoiced order a platform cancelled (credit note first). */
export const RefundMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('refund'), refundId: text(1, 80) }),
  z.object({ kind: z.literal('cancelled-after-invoice'), orderId: text(1, 80) }),
]);

/** A reminder to render: one invoice, one level, as of a day. */
const DunningActionSchema = z.enum(['credit-hold', 'suspend', 'hand-to-agency']);
/** One dunning letter (ports ReminderRequest), as plan-dunning queues it. */
export const ReminderMessageSchema = z.object({
  customerId: text(1, 100),
  currency: CurrencySchema,
  asOf: IsoDateSchema,
  items: z.array(z.object({ invoiceNumber: text(1, 40), level: text(1, 32) })).check(z.minLength(1)),
  earlierReminder: z.boolean(),
  action: z.optional(DunningActionSchema),
  escalation: z.optional(z.object({ action: DunningActionSchema, on: IsoDateSchema })),
  key: text(1, 20_000),
});

/** One shard of a dunning run (the dunning-shards queue). */
export const DunningShardMessageSchema = z.object({
  runId: text(1, 100),
  asOf: IsoDateSchema,
  shard: between(0, 999),
});

/** The carrier rate table (CARRIER_RATES). */
export const CarrierRatesSchema = z.array(
  z.object({
    carrier: z.string(),
    service: z.string(),
    countries: z.union([z.literal('*'), z.array(z.string())]),
    maxWeightGrams: z.optional(z.int()),
    baseCost: z.int(),
    perKgCost: z.int(),
    currency: z.string(),
    transitDays: z.int(),
  }),
);
