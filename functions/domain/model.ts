/**
 * The canonical O2C vocabulary (ARCHITECTURE.md §3). Pure types, no behaviour.
 *
 * Conventions:
 * - Every amount is an integer number of minor units of the record's ISO 4217
 *   `currency` (JPY has 0 decimals, GBP 2, KWD 3). Never a float.
 * - Rates are integers too: tax and discount rates in parts per million
 *   (20 % VAT = 200_000 ppm, 8.875 % = 88_750 ppm), so no rate is ever a float.
 * - Calendar dates are `YYYY-MM-DD` strings; instants are ISO 8601 UTC strings.
 */
import type { RiskFactor } from './credit-score.ts';

/** ISO 4217 alphabetic code, upper case (e.g. `GBP`). */
export type CurrencyCode = string;

/** An exact amount: integer minor units of one currency. */
export interface Money {
  readonly amount: number;
  readonly currency: CurrencyCode;
}

/** How a value exactly halfway between two minor units is rounded. */
export type RoundingMode = 'half-up' | 'half-even';

/** Where tax is rounded: on every line, or once on the invoice's per-rate sums. */
export type TaxRoundingLevel = 'line' | 'invoice';

export interface TaxPolicy {
  readonly rounding: RoundingMode;
  readonly level: TaxRoundingLevel;
}

/** `YYYY-MM-DD`. */
export type IsoDate = string;
/** ISO 8601 instant in UTC, e.g. `2026-11-22T10:15:00.000Z`. */
export type IsoInstant = string;

export type Language = 'en' | 'zh' | 'ja' | 'ru' | 'sv';

export interface Address {
  readonly name?: string;
  readonly company?: string;
  readonly line1: string;
  readonly line2?: string;
  readonly city: string;
  readonly region?: string;
  readonly postalCode?: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
}

/**
 * Payment terms. `Net 30` is `{ netDays: 30 }`; `2/10 net 30` is
 * `{ netDays: 30, discount: { ratePpm: 20_000, days: 10 } }`.
 */
export interface PaymentTerms {
  readonly netDays: number;
  readonly discount?: { readonly ratePpm: number; readonly days: number };
}

export type PaymentMode = 'prepaid' | 'terms';

export type DunningState = 'none' | 'reminded' | 'final_notice' | 'collections';

export interface Customer {
  readonly id: string;
  readonly name: string;
  readonly email: string;
  readonly language: Language;
  /** IANA zone, e.g. `Europe/Stockholm`. */
  readonly timezone: string;
  readonly currency: CurrencyCode;
  readonly terms: PaymentTerms;
  /** Minor units of `currency`. */
  readonly creditLimit: number;
  /** 0 (safe) … 100 (very risky): the dynamic credit score (domain/credit-score), recomputed on payment, overdue and dispute. */
  readonly riskScore: number;
  /** The factors that made up `riskScore`, the largest first (absent: never scored). */
  readonly riskFactors?: readonly RiskFactor[];
  /** The day it was last computed. */
  readonly riskScoredOn?: IsoDate;
  readonly dunningState: DunningState;
  readonly billingAddress?: Address;
  /** VAT number with its country prefix (B2B): printed on invoices as the buyer's, decides reverse charge. */
  readonly vatNumber?: string;
  /** Company registration number (the e-invoice's buyer legal registration). */
  readonly companyNumber?: string;
  /** Peppol participant id (ICD scheme and id): the e-invoice's buyer endpoint. */
  readonly peppolId?: { readonly scheme: string; readonly id: string };
  /** Wants a Peppol BIS 3 e-invoice (UBL) attached to invoice and credit-note emails. */
  readonly eInvoice?: boolean;
}

export type OrderStatus =
  | 'received'
  | 'validated'
  | 'credit_hold'
  | 'approved'
  | 'confirmed'
  | 'fulfilling'
  | 'shipped'
  | 'invoiced'
  | 'paid'
  | 'closed'
  | 'backordered'
  | 'rejected'
  | 'cancelled';

export type Platform = 'api' | 'shopify' | 'woocommerce' | 'stripe';

export interface OrderSource {
  readonly platform: Platform;
  /** The platform's id of the order (idempotency key with platform + shop). */
  readonly externalId: string;
  readonly shop?: string;
  /** What the buyer sees on the platform, e.g. Shopify `#1042`. */
  readonly reference?: string;
  /**
   * The delivery that created it, as its caller marks it (the platform's webhook or event id, the request's
   * Idempotency-Key, else a hash of its body): the same id again is a retry, another a duplicate absorbed.
   */
  readonly deliveryId?: string;
}

export interface OrderLine {
  readonly sku: string;
  readonly description: string;
  /** Whole units, > 0. */
  readonly quantity: number;
  /** Minor units per unit, before discount and tax. */
  readonly unitPrice: number;
  /** Minor units off the whole line (not per unit); 0 when none. */
  readonly discount: number;
  /** Tax rate in ppm applied to the discounted line net. */
  readonly taxRatePpm: number;
  /**
   * Tax as the selling platform charged it (minor units). When present it is
   * authoritative: o2c does not recompute it, so its invoice matches the platform's order.
   */
  readonly tax?: number;
}

export interface PricedLine extends OrderLine {
  /** VAT category (default: `S` when the rate is above zero, else `Z`). */
  readonly vatCategory?: VatCategory;
  /** quantity × unitPrice. */
  readonly gross: number;
  /** gross − discount. */
  readonly net: number;
  /** Line tax (rounded per policy when level is `line`; allocated share when `invoice`). */
  readonly tax: number;
  /** net + tax. */
  readonly total: number;
}

export interface Totals {
  /** Σ line gross. */
  readonly gross: number;
  /** Σ line discounts. */
  readonly discount: number;
  /** Σ line net (goods, after discount). */
  readonly net: number;
  /** Shipping charged, net of tax. */
  readonly shipping: number;
  /** All tax, goods and shipping. */
  readonly tax: number;
  /** net + shipping + tax: what the customer owes. */
  readonly total: number;
}

export interface ShippingCharge {
  /** Minor units, net of tax (or including it, when the order's prices include tax). */
  readonly amount: number;
  readonly taxRatePpm: number;
  /** Tax on shipping as the platform charged it; authoritative when present. */
  readonly tax?: number;
  readonly method?: string;
}

export interface Order {
  readonly id: string;
  readonly source: OrderSource;
  readonly customerId: string;
  readonly currency: CurrencyCode;
  readonly lines: readonly OrderLine[];
  readonly shipping?: ShippingCharge;
  readonly paymentMode: PaymentMode;
  /** Terms for `terms` orders; falls back to the customer's, then the company default. */
  readonly terms?: PaymentTerms;
  readonly shippingAddress: Address;
  readonly billingAddress?: Address;
  /** Unit prices and shipping include tax (e.g. Shopify `taxes_included`, most EU B2C shops). */
  readonly pricesIncludeTax?: boolean;
  readonly status: OrderStatus;
  readonly createdAt: IsoInstant;
  /** How the platform took the money of a prepaid order (what a refund there names); absent when unknown. */
  readonly paymentReference?: PaymentReference;
  /** What a person did to it on its way: an order with none is touchless (domain/figures `balanceChange`). */
  readonly touches?: readonly OrderTouch[];
}

/** A person's hand in an order's cycle: a credit review (it was held), a seller's line cancellation, a manual allocation of its cash. */
export type OrderTouch = 'credit-review' | 'line-cancellation' | 'manual-allocation';

/** The platform's handle on a payment: a Stripe payment intent (`pi_…`) or charge (`ch_…`). */
export interface PaymentReference {
  readonly paymentIntent?: string;
  readonly charge?: string;
}

export interface Shipment {
  readonly carrier: string;
  readonly service: string;
  readonly trackingNumber: string;
  readonly shippedAt: IsoInstant;
  /** Minor units the carrier charges us (cost, not revenue). */
  readonly cost?: number;
}

export type InvoiceStatus = 'open' | 'partially_paid' | 'paid' | 'disputed' | 'void' | 'written_off';

/** The seller's bank account customers pay to (from config, checked at synth): IBAN in electronic format. */
export interface SellerBankAccount {
  readonly iban: string;
  readonly bic: string;
  readonly bankName?: string;
}

/**
 * VAT category of a line or a VAT subtotal, the UNCL 5305 codes EN 16931 uses: `S` standard rate, `Z` zero-rated,
 * `E` exempt, `AE` reverse charge (the buyer accounts for the VAT), `K` intra-community supply, `G` export outside
 * the EU, `O` outside the scope of VAT. A line without one is `S` when its rate is above zero and `Z` otherwise.
 */
export type VatCategory = 'S' | 'Z' | 'E' | 'AE' | 'K' | 'G' | 'O';

/** A party as a VAT invoice and a Peppol e-invoice name it (seller from config, buyer from the customer and order). */
export interface Party {
  /** Legal (registered) name. */
  readonly name: string;
  readonly address?: Address;
  /** VAT identifier with its country prefix, e.g. `GB123456789`, `SE556677889901`. */
  readonly vatNumber?: string;
  /** Company registration number (e.g. UK Companies House, Swedish organisationsnummer). */
  readonly companyNumber?: string;
  /** Peppol participant id: ICD scheme (`0088` GLN, `0007` Swedish org no, `0192` Norwegian org no, …) and the id. */
  readonly endpoint?: { readonly scheme: string; readonly id: string };
  readonly email?: string;
}

/** VAT on one category and rate of a document: what the VAT summary prints and the e-invoice's `TaxSubtotal` carries. */
export interface VatSubtotal {
  readonly category: VatCategory;
  readonly ratePpm: number;
  /** Net amount taxed here: goods lines, shipping and charges at this category and rate. */
  readonly taxable: number;
  readonly tax: number;
  /** Why no VAT is charged (`AE`, `E`, `K`, `G`, `O`): printed on the document and sent as the exemption reason. */
  readonly exemptionReason?: string;
}

/**
 * The VAT-invoice content of a document beyond its lines and totals, fixed when the document is issued (the
 * seller's details from config at that moment, the buyer's from the customer and the order). Absent on
 * documents issued before it existed: renderers fall back to the company's and customer's current details.
 */
export interface DocumentParties {
  readonly seller?: Party;
  readonly buyer?: Party;
  /** The day the goods were supplied (shipped); the tax point when it differs from the issue date. */
  readonly supplyDate?: IsoDate;
  /** One subtotal per VAT category and rate, shipping included; Σ tax equals the document's tax. */
  readonly vatBreakdown?: readonly VatSubtotal[];
  /** VAT category of the shipping charge (default as for a line). */
  readonly shippingVatCategory?: VatCategory;
}

export interface Invoice extends DocumentParties {
  /** Equals `number`: gapless per series and year, e.g. `INV-2026-000042`. */
  readonly id: string;
  readonly number: string;
  readonly series: string;
  readonly year: number;
  readonly sequence: number;
  readonly orderId: string;
  /** The platform's order reference shown beside our number (e.g. `#1042`). */
  readonly orderReference?: string;
  readonly customerId: string;
  readonly currency: CurrencyCode;
  readonly issueDate: IsoDate;
  readonly dueDate: IsoDate;
  readonly terms: PaymentTerms;
  /** Present when terms carry an early-payment discount. */
  readonly earlyPayment?: { readonly until: IsoDate; readonly discount: number; readonly amountDue: number };
  readonly lines: readonly PricedLine[];
  readonly totals: Totals;
  /** What is still owed; total − Σ payments applied. */
  readonly balance: number;
  readonly status: InvoiceStatus;
  /** Ids of the dunning levels (the policy's) whose letter was queued, in the order sent. */
  readonly dunningLevels?: readonly string[];
  /** The day its next dunning level falls due (domain `nextActionDate`); absent when none is left (or it is settled). Kept in the sparse next-action index. */
  readonly nextActionOn?: IsoDate;
  /** Late-payment fees and interest charged on it, one per level at most (each raised the balance). */
  readonly fees?: readonly InvoiceFee[];
  /** Minor units of the balance under open disputes (0 when none): not chased while disputed. */
  readonly disputed?: number;
  /** The day a dispute of it was last resolved (aging as of an earlier day looks at its disputes). */
  readonly disputeResolvedOn?: IsoDate;
  /** The day its order was placed (the order-to-cash cycle time when it is settled); absent on older invoices. */
  readonly orderedOn?: IsoDate;
  /** The order's touches when it was invoiced (absent: none): it is touchless when it is paid off by rule without any. */
  readonly touches?: readonly OrderTouch[];
  /** The customer promised to pay by this day: no reminder until the day after. */
  readonly promisedUntil?: IsoDate;
  /** How many dunning levels had been sent when the promise was made (0: none): a broken promise resumes after the last of them. */
  readonly promisedAtLevel?: number;
  /** Covered by an active payment plan (domain/payment-plans): dunning holds it until `heldUntil`. */
  readonly paymentPlan?: PlanHold;
  /** Every change of the balance after issue, oldest first: what a statement "as of" a day undoes. */
  readonly history?: readonly InvoiceEvent[];
  /**
   * The structured payment reference printed on the invoice (ISO 11649 `RF…`, or the configured national
   * scheme), compact: no spaces. Absent on invoices issued before references existed.
   */
  readonly paymentReference?: string;
}

/** What a covered invoice carries while its payment plan is active: dunning holds it until `heldUntil` (inclusive). */
export interface PlanHold {
  readonly planId: string;
  readonly heldUntil: IsoDate;
  /** How many dunning levels had been sent when the plan was agreed: a broken plan resumes after the last of them. */
  readonly atLevel: number;
}

/**
 * A late-payment fee on an invoice (dunning level `level`, charged as of `on`): statutory or fixed compensation plus
 * statutory interest up to `interestThrough`. It is part of the invoice's balance from that day (the invoice's history
 * has a `fee` event with the negative amount, so a statement as of an earlier day leaves it out).
 */
export interface InvoiceFee {
  readonly level: string;
  readonly on: IsoDate;
  readonly compensation: number;
  readonly interest: number;
  readonly interestThrough?: IsoDate;
  readonly amount: number;
}

/** One change of an invoice's balance: `amount` minor units taken off it on day `on` by `ref` (a fee is negative: it adds to the balance). */
export interface InvoiceEvent {
  readonly on: IsoDate;
  /** `reversal`: a payment the bank returned (negative: the amount comes back onto the balance, like a fee). */
  readonly kind: 'payment' | 'discount' | 'credit-note' | 'write-off' | 'fee' | 'reversal';
  readonly amount: number;
  /** The payment id, credit note number or write-off. */
  readonly ref: string;
}

export type DisputeStatus = 'open' | 'credited' | 'reinstated';

/** How finance settled a dispute: credited (with the credit note issued) or reinstated (owed again). */
export interface DisputeResolution {
  readonly outcome: 'credit' | 'reinstate';
  /** Minor units: what was credited, or reinstated. */
  readonly amount: number;
  readonly creditNoteNumber?: string;
}

/** Part (or all) of an invoice's balance the customer disputes; it lives in the invoice's partition. */
export interface Dispute {
  readonly disputeId: string;
  readonly invoiceNumber: string;
  readonly customerId: string;
  readonly currency: CurrencyCode;
  /** Minor units disputed, > 0. */
  readonly amount: number;
  readonly reason: string;
  readonly openedOn: IsoDate;
  readonly openedAt: IsoInstant;
  readonly status: DisputeStatus;
  readonly resolvedOn?: IsoDate;
  readonly resolution?: DisputeResolution;
}

export type PaymentSource = 'stripe' | 'shopify' | 'woocommerce' | 'bank' | 'csv' | 'manual' | 'api';

export interface Allocation {
  readonly invoiceId: string;
  readonly amount: number;
}

/** What happened to a payment's unapplied cash after it was received: applied to an invoice, or paid back. */
export interface PaymentEvent {
  readonly on: IsoDate;
  /** `return`: the bank took the payment back (what was unapplied then left with it). */
  readonly kind: 'allocation' | 'refund' | 'return';
  readonly amount: number;
  readonly invoiceNumber?: string;
  readonly reason?: string;
}

export interface Payment {
  readonly id: string;
  readonly source: PaymentSource;
  /** Id at the source (Stripe charge, bank entry reference): dedupe key. */
  readonly externalId: string;
  readonly amount: number;
  readonly currency: CurrencyCode;
  readonly receivedOn: IsoDate;
  readonly payerReference?: string;
  /** Free remittance text, e.g. "INV-2026-000042 thanks". */
  readonly remittance?: string;
  readonly customerId?: string;
  /** Who paid, as the bank reports it (name and account), for matching the payer to a customer. */
  readonly payerName?: string;
  readonly payerIban?: string;
}

export type Account =
  | 'accounts_receivable'
  | 'cash'
  | 'revenue'
  | 'shipping_revenue'
  | 'tax_payable'
  | 'sales_discounts'
  | 'unapplied_cash'
  | 'late_fees'
  | 'bad_debt'
  /** What o2c owes a customer: credit notes on invoices already paid, until refunded or used. */
  | 'customer_credit';

export interface JournalLine {
  readonly account: Account;
  readonly side: 'debit' | 'credit';
  /** Minor units, > 0. */
  readonly amount: number;
}

/** An immutable, balanced journal entry in one currency. */
export interface JournalEntry {
  readonly id: string;
  readonly date: IsoDate;
  readonly currency: CurrencyCode;
  readonly memo: string;
  /** What caused it: `invoice:INV-2026-000042`, `payment:pay_123`. */
  readonly reference: string;
  readonly lines: readonly JournalLine[];
}

/** A credit note: part (or all) of an invoice taken back, with its tax, numbered gaplessly in its own series. */
export interface CreditNote extends DocumentParties {
  /** Equals `number`, e.g. `CN-2026-000001`. */
  readonly id: string;
  readonly number: string;
  readonly series: string;
  readonly year: number;
  readonly sequence: number;
  readonly invoiceNumber: string;
  readonly customerId: string;
  readonly currency: CurrencyCode;
  readonly issueDate: IsoDate;
  readonly reason: string;
  /** Goods revenue, shipping and tax reversed; they sum to `total`. */
  readonly net: number;
  readonly shipping: number;
  readonly tax: number;
  readonly total: number;
  /** Taken off the invoice's balance. */
  readonly appliedToInvoice: number;
  /** Beyond the balance (the invoice was paid): owed to the customer. */
  readonly customerCredit: number;
}
