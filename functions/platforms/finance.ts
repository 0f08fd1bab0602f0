/**
 * The finance API's request bodies (zod/mini): one definition gives parsing,
 * the 422 field paths and the published OpenAPI. Money is `{ "amount": <minor
 * units>, "currency": "GBP" }`, checked against the currency's exponent.
 */
import * as z from 'zod/mini';
import { AddressSchema, CurrencySchema, IsoDateSchema, LanguageSchema, PaymentInputSchema, TermsSchema, text } from './canonical.ts';

export const MoneySchema = z.object({
  amount: z.int().check(z.gte(0), z.lte(Number.MAX_SAFE_INTEGER)),
  currency: CurrencySchema,
});

const customerFields = {
  language: z.optional(LanguageSchema),
  terms: z.optional(TermsSchema),
  taxId: z.optional(text(2, 40)),
  billingAddress: z.optional(AddressSchema),
  /** VAT number with its country prefix (GB123456789, DE123456789): the buyer's on invoices; decides reverse charge. */
  vatNumber: z.optional(z.string().check(z.trim(), z.toUpperCase(), z.regex(/^[A-Z]{2}[0-9A-Z+*.]{2,13}$/, 'a VAT number with its country prefix, such as DE123456789'))),
  /** Company registration number. */
  companyNumber: z.optional(text(1, 40)),
  /** Peppol participant id: four-digit ICD scheme (0088 GLN, 0007 Swedish org no, 0192 Norwegian org no, 9930 German VAT…) and id. */
  peppolId: z.optional(z.object({ scheme: z.string().check(z.regex(/^\d{4}$/, 'a four-digit ICD scheme such as 0088')), id: text(1, 100) })),
  /** Attach a Peppol BIS 3 e-invoice (UBL) to invoice and credit-note emails. */
  eInvoice: z.optional(z.boolean()),
  /** Business or consumer: dunning charges consumers no fee unless the policy says so (absent: a business when it has a tax id). */
  kind: z.optional(z.enum(['business', 'consumer'])),
};

export const NewCustomerSchema = z.object({
  email: z.email(),
  name: text(1, 200),
  shop: z.optional(text(1, 255)),
  creditLimit: z.optional(MoneySchema),
  ...customerFields,
});

export const CustomerChangesSchema = z.object({
  name: z.optional(text(1, 200)),
  /** The limit is in the customer's currency. */
  creditLimit: z.optional(MoneySchema),
  dunningExempt: z.optional(z.boolean()),
  /** Finance's decision on the collections status: `none` lifts a credit hold, a suspension or the hand-over to the agency. */
  collectionsStatus: z.optional(z.enum(['none', 'credit-hold', 'suspended', 'with-agency'])),
  reason: z.optional(text(1, 500)),
  ...customerFields,
});

/** `?asOf=YYYY-MM-DD` (optional; today in the company's zone when absent). */
export const AsOfQuerySchema = z.object({ asOf: z.optional(IsoDateSchema) });

/** `?asOf=YYYY-MM-DD&kind=flash|weekly|month-end` for the finance pack's figures (kind: month-end when absent). */
export const PackQuerySchema = z.object({ asOf: z.optional(IsoDateSchema), kind: z.optional(z.enum(['flash', 'weekly', 'month-end'])) });

export const CreditNoteRequestSchema = z.object({ amount: MoneySchema, reason: text(1, 500) });
export const WriteOffRequestSchema = z.object({ reason: text(1, 500) });
/** Finance turns a proposed match of a bank credit down: why. */
export const ProposalRejectionSchema = z.object({ reason: text(1, 500) });

/** Cash recorded by hand: the payment report without a source (finance's is `manual`). */
export const ManualPaymentSchema = z.omit(PaymentInputSchema, { source: true });

/** Unapplied cash of a payment applied to an invoice. */
export const AllocationRequestSchema = z.object({ invoiceNumber: text(1, 40), amount: MoneySchema });
/** Unapplied cash paid back to the payer: all of it unless an amount is given. */
export const CashRefundRequestSchema = z.object({ amount: z.optional(MoneySchema), reason: text(1, 500) });
/** A dispute of part (or all) of an invoice's balance, in the invoice's currency. */
export const DisputeRequestSchema = z.object({ amount: MoneySchema, reason: text(1, 500) });
/** `credit` issues a credit note for `amount` (default: the whole dispute); `reinstate` makes it owed again. */
export const DisputeResolutionSchema = z.object({ outcome: z.enum(['credit', 'reinstate']), amount: z.optional(MoneySchema), reason: z.optional(text(1, 500)) });
/** The day the customer promised to pay by (today or later). */
export const PromiseToPaySchema = z.object({ date: IsoDateSchema, reason: z.optional(text(1, 500)) });
/** A payment plan for overdue invoices of a customer (default: every overdue one in the instalments' currency): instalments that add up exactly to what they owe. */
export const PaymentPlanRequestSchema = z.object({
  instalments: z.array(z.object({ dueDate: IsoDateSchema, amount: MoneySchema })).check(z.minLength(1), z.maxLength(36)),
  invoiceNumbers: z.optional(z.array(text(1, 40)).check(z.minLength(1), z.maxLength(25))),
  /** Days after an instalment's date before it counts as missed (default 3). */
  graceDays: z.optional(z.int().check(z.gte(0), z.lte(30))),
  reason: z.optional(text(1, 500)),
});
/** Why finance ends a payment plan early (dunning resumes the next day). */
export const PlanCancellationSchema = z.object({ reason: text(1, 500) });
/** `GET /finance/refunds?status=owed`: the refunds o2c owes or made, in one status (all four when absent). */
export const REFUND_STATUS_VALUES = ['requested', 'refunded', 'failed', 'owed'] as const;
export const RefundsQuerySchema = z.object({ status: z.optional(z.enum(REFUND_STATUS_VALUES)) });
/** Finance paid an owed (or refused) refund back by hand: its payment reference (bank transfer, platform refund id). */
export const RefundPaidSchema = z.object({ reference: text(1, 140), reason: z.optional(text(1, 500)) });

/**
 * An S3 object-created notification as the bank-files queue delivers it (S3 → SQS): the records name the
 * bucket and the object (the key URL-encoded, `+` for a space). The test event S3 sends when the
 * notification is configured has no `Records` and names nothing to import.
 */
export const BankFileDropSchema = z.looseObject({
  Records: z.optional(
    z.array(
      z.looseObject({
        eventName: z.optional(z.string()),
        s3: z.looseObject({
          bucket: z.looseObject({ name: text(1, 255) }),
          object: z.looseObject({ key: text(1, 2048), eTag: z.optional(z.string()), size: z.optional(z.number()) }),
        }),
      }),
    ),
  ),
});
export type BankFileDrop = z.infer<typeof BankFileDropSchema>;
