/**
 * What each message needs, and the shape every language's catalogue must have.
 *
 * Vars carry text that is already formatted: amounts as formatted money
 * strings (never minor units) and customer-facing dates, both formatted for
 * the message's language (format.ts `formatsFor(language)`). What a template
 * must put in words itself — payment terms, why an order was rejected — comes
 * as data, so no English sentence reaches another language. A template only
 * places the vars in its sentences.
 */
import type { RiskFactor } from '../domain/credit-score.ts';
import type { PaymentHistory } from '../domain/credit.ts';
import type { DunningAction, DunningTone } from '../domain/dunning.ts';
import type { PaymentTerms } from '../domain/model.ts';

/** The reference a customer knows the order by: the platform's, else our order id. */
type OrderReference = string;

export interface ConfirmedLine {
  readonly quantity: number;
  readonly description: string;
  readonly sku: string;
  /** Formatted line amount (quantity × unit price − discount). */
  readonly amount: string;
}

export interface OrderConfirmedVars {
  readonly customerName: string;
  readonly orderReference: OrderReference;
  readonly lines: readonly ConfirmedLine[];
  /** Formatted order total, tax included. */
  readonly total: string;
  /** Formatted tax contained in the total. */
  readonly tax: string;
  readonly companyName: string;
}

export interface OrderShippedVars {
  readonly customerName: string;
  readonly orderReference: OrderReference;
  /** The shipping day, formatted. */
  readonly shippedOn: string;
  readonly carrier: string;
  readonly service: string;
  readonly trackingNumber: string;
  readonly companyName: string;
}

/** One shipment of an order that leaves in parts (or in one): what is in it, what is still to come. */
export interface ShipmentSentVars extends OrderShippedVars {
  readonly lines: readonly { readonly quantity: number; readonly description: string }[];
  /** What has not shipped yet (empty: this shipment completes the order), with the day the warehouse expects it (formatted) where it gave one. */
  readonly toFollow: readonly { readonly quantity: number; readonly description: string; readonly expectedOn?: string | null }[];
}

/** Units of an order that will not ship after all (the warehouse cannot, or the seller cancelled them); the rest ships or shipped. */
export interface LinesCancelledVars {
  readonly customerName: string;
  readonly orderReference: OrderReference;
  readonly lines: readonly { readonly quantity: number; readonly description: string }[];
  /** Cancelled by the seller (at the customer's request, usually) rather than because the warehouse cannot ship them. */
  readonly bySeller: boolean;
  /** The order was paid at checkout: what these units cost is refunded. */
  readonly refunded: boolean;
  readonly companyName: string;
}

/** An order confirmed with some units on backorder (backorderPolicy "ship-available"). */
export interface OrderBackorderedVars {
  readonly customerName: string;
  readonly orderReference: OrderReference;
  readonly shipsNow: readonly { readonly quantity: number; readonly description: string }[];
  readonly later: readonly { readonly quantity: number; readonly description: string }[];
  readonly companyName: string;
}

/** Where and how to pay, already formatted for print. */
export interface PaymentInstructions {
  /** The invoice's structured payment reference as printed (`RF54 INV2 0260 0004 2`); null when it has none (the invoice number is quoted instead). */
  readonly reference: string | null;
  /** The seller's IBAN in groups of four. */
  readonly iban: string;
  readonly bic: string;
  readonly bankName: string | null;
}

interface InvoiceVars {
  readonly customerName: string;
  readonly invoiceNumber: string;
  /** The platform reference of the order, when it has one (no fallback: the invoice then names no order). */
  readonly orderReference: string | null;
  /** Formatted invoice total. */
  readonly total: string;
  readonly companyName: string;
}

/** An invoice with a balance to pay. */
export interface InvoiceBalanceDueVars extends InvoiceVars {
  readonly form: 'balance-due';
  readonly dueDate: string;
  /** The invoice's terms; each language words them (`Net 30`, `30 dagar netto`, …). */
  readonly terms: PaymentTerms;
  /** Formatted amount that takes the early-payment discount, and the last day to pay it. */
  readonly earlyPayment: { readonly amount: string; readonly until: string } | null;
  readonly payment: PaymentInstructions;
}

/** An invoice paid at checkout: nothing is due. */
export interface InvoicePaidVars extends InvoiceVars {
  readonly form: 'paid';
}

export type InvoiceIssuedVars = InvoiceBalanceDueVars | InvoicePaidVars;

export interface CreditNoteIssuedVars {
  readonly customerName: string;
  readonly creditNoteNumber: string;
  readonly invoiceNumber: string;
  /** Already formatted, e.g. "£12.00". */
  readonly total: string;
  readonly reason: string;
  /** What is still due on the invoice after the credit, formatted; "£0.00" when nothing. */
  readonly balance: string;
  /** Credit beyond the invoice's balance that o2c now owes the customer, formatted; null when none. */
  readonly customerCredit: string | null;
  readonly companyName: string;
}

/** An item of an order as the customer wrote it: its description and SKU. */
export interface OrderedItem {
  readonly description: string;
  readonly sku: string;
}

/** One reason a B2B order does not match the catalogue, in the customer's own terms (their price, never ours). */
export type CatalogProblem =
  | { readonly kind: 'not-sold'; readonly item: OrderedItem }
  | { readonly kind: 'other-currency'; readonly item: OrderedItem; readonly soldIn: string; readonly orderedIn: string }
  /** `unitPrice`: the unit price the customer ordered at, formatted. */
  | { readonly kind: 'other-price'; readonly item: OrderedItem; readonly unitPrice: string };

/** Why an order is rejected, as data each language puts in its own words. */
export type RejectionReason =
  | { readonly kind: 'catalog'; readonly problems: readonly CatalogProblem[] }
  | { readonly kind: 'out-of-stock' }
  | { readonly kind: 'warehouse' }
  /** `note`: why, in the customer's language (functions/messages/credit-reasons: finance's reason code or the review's timeout), else null. */
  | { readonly kind: 'credit'; readonly note: string | null }
  | { readonly kind: 'other' };

export interface OrderRejectedVars {
  readonly customerName: string;
  readonly orderReference: OrderReference;
  readonly reason: RejectionReason;
  readonly companyName: string;
  /** The order was paid at checkout: the payment is being refunded (else nothing was charged). */
  readonly refunded: boolean;
}

/** One invoice in a dunning letter, formatted. */
export interface DunningLetterLine {
  readonly invoiceNumber: string;
  readonly dueDate: string;
  /** Days past due (0 or less: not overdue yet; −3: due in 3 days). */
  readonly daysOverdue: number;
  /** Formatted amount asked for: the open balance (fees included) less what is disputed and what was netted. */
  readonly amount: string;
  /** Formatted late-payment fees and interest in it; null when none. */
  readonly fee: string | null;
  /** Formatted part under dispute (not asked for); null when none. */
  readonly disputed: string | null;
  /** What to quote: the invoice's structured reference as printed, else its number. */
  readonly reference: string;
  /** The Stripe payment link to pay it online (where configured); null when none. */
  readonly payLink?: string | null;
}

/** One letter to one customer for every invoice that reached a dunning level in a run. */
export interface DunningLetterVars {
  readonly tone: DunningTone;
  readonly customerName: string;
  readonly companyName: string;
  readonly lines: readonly DunningLetterLine[];
  /** Formatted total asked for. */
  readonly total: string;
  /** Formatted unapplied cash and credit in the customer's favour set against the oldest amounts; null when none. */
  readonly netted: string | null;
  /** A reminder about an overdue invoice of this letter was really sent before. */
  readonly earlierReminder: boolean;
  /** What this run did to the account (absent: nothing). */
  readonly action: DunningAction | null;
  /** The next step the policy will take, and the day; null when none is due next. */
  readonly escalation: { readonly action: DunningAction; readonly on: string } | null;
  readonly payment: Omit<PaymentInstructions, 'reference'>;
}

/** To the customer: the payment plan finance agreed, its instalments and where to pay. */
export interface PaymentPlanAgreedVars {
  readonly customerName: string;
  readonly companyName: string;
  /** Formatted total the instalments add up to. */
  readonly total: string;
  readonly invoices: readonly string[];
  /** Each instalment: its due date and formatted amount. */
  readonly instalments: readonly { readonly dueDate: string; readonly amount: string }[];
  readonly graceDays: number;
  readonly payment: Omit<PaymentInstructions, 'reference'>;
}

/** To the collection agency (English, like finance's messages): a debtor handed over, with the CSV of its open items attached. */
export interface CollectionsHandoverVars {
  readonly companyName: string;
  readonly customerName: string;
  readonly customerEmail: string;
  /** Formatted overdue total handed over. */
  readonly total: string;
  readonly invoices: number;
  readonly asOf: string;
}

/** The collectors' worklist of a dunning run (to finance, English): one line per customer, ranked. */
export interface CollectorsWorklistVars {
  readonly asOf: string;
  readonly rows: readonly {
    readonly rank: number;
    readonly customerName: string;
    readonly customerId: string;
    /** Formatted amounts. */
    readonly overdue: string;
    readonly expectedLoss: string;
    readonly riskScore: number;
    /** e.g. `42.0%`. */
    readonly probability: string;
    readonly level: string;
    readonly lastContact: string | null;
    readonly promisesDue: string | null;
    readonly disputes: string | null;
    readonly nextAction: string | null;
  }[];
}

/** To finance, who read English: internal ids are fine here. */
export interface CreditReviewRequestVars {
  readonly orderId: string;
  readonly orderReference: OrderReference;
  /** The order's platform and its reference there (the platform reference, else its external id). */
  readonly platform: string;
  readonly platformReference: string;
  /** Formatted order total. */
  readonly total: string;
  /** Why the order is held; null when no reason was recorded. */
  readonly reason: string | null;
  /** The customer's credit score and what made it up (null or absent: never scored, or nothing counted against them). */
  readonly risk?: { readonly score: number; readonly scoredOn: string | null; readonly factors: readonly RiskFactor[] } | null;
  /** The customer and their limit (formatted); null: o2c has no customer record. */
  readonly customer?: { readonly id: string; readonly name: string; readonly email: string; readonly limit: string; readonly collectionsStatus: string | null } | null;
  /** Each part of the exposure, formatted in the limit's currency. */
  readonly exposure?: {
    readonly openReceivables: string;
    readonly disputed: string;
    readonly inFlightOrders: string;
    readonly thisOrder: string;
    readonly unappliedCash: string;
    readonly total: string;
    /** Limit − exposure (negative: over). */
    readonly headroom: string;
    /** "SEK 12 000,00 at 0.0871 = £1,045.20", or "USD … (no reference rate: not counted)". */
    readonly conversions: readonly string[];
    readonly ratesOn: string | null;
  } | null;
  /** How the customer has paid (domain/credit `paymentHistory`). */
  readonly history?: PaymentHistory | null;
  /** Finance's standing approval of the customer, in words; null: none. */
  readonly approval?: string | null;
  /** Sent to the second approver because the first review was not decided in time. */
  readonly escalated?: boolean;
}

/** A refund paid back to the customer's card or account. */
export interface RefundIssuedVars {
  readonly customerName: string;
  readonly orderReference: OrderReference;
  /** Formatted amount refunded. */
  readonly amount: string;
  /** The credit note's reason as finance wrote it; null: the order ended (rejected or cancelled), which the template says in its words. */
  readonly reason: string | null;
  /** The credit note the refund pays out, when there is one. */
  readonly creditNoteNumber: string | null;
  readonly companyName: string;
}

/** To finance: a refund o2c could not make itself (owed on a platform o2c cannot refund on, or refused by Stripe). */
export interface RefundAttentionVars {
  readonly form: 'owed' | 'failed';
  readonly refundId: string;
  readonly orderId: string;
  readonly orderReference: OrderReference;
  readonly platform: string;
  /** The platform's payment reference, when the order kept one. */
  readonly paymentReference: string | null;
  /** Formatted amount to refund. */
  readonly amount: string;
  readonly reason: string;
  /** Stripe's words (failed), or why o2c cannot refund it (owed). */
  readonly note: string;
}

export interface MessageVars {
  readonly 'order-confirmed': OrderConfirmedVars;
  readonly 'order-shipped': OrderShippedVars;
  readonly 'shipment-sent': ShipmentSentVars;
  readonly 'order-backordered': OrderBackorderedVars;
  readonly 'lines-cancelled': LinesCancelledVars;
  readonly 'invoice-issued': InvoiceIssuedVars;
  readonly 'order-rejected': OrderRejectedVars;
  readonly 'credit-note-issued': CreditNoteIssuedVars;
  readonly 'dunning-letter': DunningLetterVars;
  readonly 'collections-handover': CollectionsHandoverVars;
  readonly 'credit-review-request': CreditReviewRequestVars;
  readonly 'collectors-worklist': CollectorsWorklistVars;
  readonly 'refund-issued': RefundIssuedVars;
  readonly 'refund-attention': RefundAttentionVars;
  readonly 'payment-plan-agreed': PaymentPlanAgreedVars;
}

export type MessageKind = keyof MessageVars;
/** Messages for finance: written once, in English. */
export type FinanceMessageKind = 'credit-review-request' | 'refund-attention' | 'collections-handover' | 'collectors-worklist';
/** Messages a customer reads: every language has them all. */
export type CustomerMessageKind = Exclude<MessageKind, FinanceMessageKind>;

export interface MessageText {
  readonly subject: string;
  readonly text: string;
}

export type Template<V> = (vars: V) => MessageText;

/** The templates of a customer message kind: one, or one per form or tone. */
interface CustomerTemplates {
  readonly 'order-confirmed': Template<OrderConfirmedVars>;
  readonly 'order-shipped': Template<OrderShippedVars>;
  readonly 'shipment-sent': Template<ShipmentSentVars>;
  readonly 'order-backordered': Template<OrderBackorderedVars>;
  readonly 'lines-cancelled': Template<LinesCancelledVars>;
  readonly 'invoice-issued': { readonly 'balance-due': Template<InvoiceBalanceDueVars>; readonly paid: Template<InvoicePaidVars> };
  readonly 'order-rejected': Template<OrderRejectedVars>;
  readonly 'credit-note-issued': Template<CreditNoteIssuedVars>;
  readonly 'dunning-letter': { readonly [T in DunningTone]: Template<DunningLetterVars> };
  readonly 'refund-issued': Template<RefundIssuedVars>;
  readonly 'payment-plan-agreed': Template<PaymentPlanAgreedVars>;
}

/**
 * One language's customer messages: every `CustomerMessageKind`, so a kind
 * added to `MessageVars` without a template in every language (or without its
 * entry here) does not compile.
 */
export type Catalogue = { readonly [K in CustomerMessageKind]: K extends keyof CustomerTemplates ? CustomerTemplates[K] : Template<MessageVars[K]> };

export interface FinanceCatalogue {
  readonly 'credit-review-request': Template<CreditReviewRequestVars>;
  readonly 'refund-attention': Template<RefundAttentionVars>;
  readonly 'collections-handover': Template<CollectionsHandoverVars>;
  readonly 'collectors-worklist': Template<CollectorsWorklistVars>;
}
