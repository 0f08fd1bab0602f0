/**
 * The stack's configuration: the `o2c` object in cdk.json context, validated at
 * synth so a bad value stops the deploy with the key's name.
 *
 * Overrides on the command line:
 * - one key: `-c o2c.stage=prod`, `-c o2c.senderAddress=billing@acme.com`; a value
 *   that is not valid as text is read as JSON: `-c 'o2c.financeRecipients=["a@acme.com","b@acme.com"]'`,
 *   `-c o2c.logRetentionDays=90`;
 * - the whole object: `-c o2c='{...}'` (replaces cdk.json's object; the per-key overrides still apply on top).
 * Unknown keys (in the object or as `o2c.<key>`) are errors, so a typo cannot silently fall back to a default.
 */
import { z } from 'zod';
import { DUNNING_ACTIONS, DUNNING_TONES, DEFAULT_DUNNING_POLICY, dunningPolicyProblems, policyFromConfig, policyFromDays, type DunningAction, type DunningPolicy, type DunningTone } from '../functions/domain/dunning.ts';
import { PAYMENT_REFERENCE_SCHEMES, parseBankAccount, type PaymentReferenceScheme } from '../functions/domain/references.ts';
import { DEFAULT_MATCH_POLICY, type MatchPolicy } from '../functions/domain/cash-matching.ts';
import { isCurrency, parseDecimal, parseRatePpm } from '../functions/domain/money.ts';
import { CUSTOMER_NOTIFICATIONS } from '../functions/domain/notifications.ts';

const email = z.email();

/**
 * The development stack's account: a made-up bank code (DEMO) with valid check digits, so the dev invoices show a
 * well-formed IBAN. A real seller must set `bankAccount` (customers pay to what the invoice prints).
 */
export const EXAMPLE_BANK_ACCOUNT = { iban: 'GB62DEMO00000012345678', bic: 'DEMOGB22', bankName: 'Demo Bank (example account: set bankAccount)' } as const;

/** The seller's account, checked with ibantools (parseBankAccount) and kept in electronic format; a bad one stops synth saying what is wrong. */
const BankAccountSchema = z
  .strictObject({ iban: z.string().min(1).max(42), bic: z.string().min(1).max(14), bankName: z.string().min(1).max(100).optional() })
  .transform((account, ctx) => {
    const parsed = parseBankAccount(account);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: parsed.error, path: [parsed.error.startsWith('BIC') ? 'bic' : 'iban'] });
      return z.NEVER;
    }
    if (!parsed.account.bic) {
      ctx.addIssue({ code: 'custom', message: 'a BIC is needed beside the IBAN (8 or 11 characters)', path: ['bic'] });
      return z.NEVER;
    }
    return { iban: parsed.account.iban, bic: parsed.account.bic, ...(account.bankName ? { bankName: account.bankName } : {}) };
  });

const decimalAmount = z.string().regex(/^\d{1,15}(\.\d{1,3})?$/, 'a decimal amount such as "40.00"');
const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as GBP');
const percent = z.string().regex(/^\d{1,3}(\.\d{1,4})?%$/, 'a percentage such as "8%" or "4.25%"');

/**
 * `cashMatching`: how sure the matching cascade must be before it applies a payment without a person, how like a
 * customer's name the payer's must be, and how short a payment may be before it opens a deduction case
 * (functions/domain/cash-matching.ts `MatchPolicy`; defaults 0.9, 0.8, the smaller of 1 % and 5 units of the currency).
 */
export const CashMatchingSchema = z
  .strictObject({
    autoApplyConfidence: z.number().min(0.5, 'at least 0.5 (below it a guess would be applied)').max(1).optional(),
    minNameScore: z.number().min(0.5, 'at least 0.5 (a lower score names customers at random)').max(1).optional(),
    shortPaymentTolerance: z
      .strictObject({
        percent: percent.refine((p) => parseRatePpm(p) <= 100_000, 'at most 10%').optional(),
        amounts: z.record(currencyCode, decimalAmount).optional(),
      })
      .optional(),
  })
  .superRefine((c, ctx) => {
    for (const [currency, amount] of Object.entries(c.shortPaymentTolerance?.amounts ?? {})) {
      const path = ['shortPaymentTolerance', 'amounts', currency];
      if (!isCurrency(currency)) ctx.addIssue({ code: 'custom', message: 'not an ISO 4217 currency', path });
      else {
        try {
          parseDecimal(amount, currency);
        } catch {
          ctx.addIssue({ code: 'custom', message: `more decimals than ${currency} has`, path });
        }
      }
    }
  });

/** The policy apply-payment carries out (minor units, ppm), from `cashMatching` over the defaults. */
export function matchPolicy(config: { readonly cashMatching?: z.infer<typeof CashMatchingSchema> | undefined }): MatchPolicy {
  const c = config.cashMatching ?? {};
  const amounts = Object.entries(c.shortPaymentTolerance?.amounts ?? {});
  return {
    autoApplyConfidence: c.autoApplyConfidence ?? DEFAULT_MATCH_POLICY.autoApplyConfidence,
    minNameScore: c.minNameScore ?? DEFAULT_MATCH_POLICY.minNameScore!,
    shortPaymentTolerance: {
      ppm: c.shortPaymentTolerance?.percent ? parseRatePpm(c.shortPaymentTolerance.percent) : DEFAULT_MATCH_POLICY.shortPaymentTolerance.ppm,
      ...(amounts.length > 0 ? { byCurrency: Object.fromEntries(amounts.map(([currency, amount]) => [currency, parseDecimal(amount, currency)])) } : {}),
    },
  };
}

const csvColumn = z.string().trim().min(1).max(100);
/**
 * `bankCsvMapping`: how the seller's bank lays out its CSV export (functions/platforms/bank/csv.ts `CsvMapping`).
 * Without it a CSV file posted or dropped is refused (422). A currency column or a fixed currency is required.
 */
export const BankCsvMappingSchema = z
  .strictObject({
    delimiter: z.enum([',', ';', '\t']).optional(),
    decimal: z.enum(['.', ',']),
    dateFormat: z.enum(['YYYY-MM-DD', 'DD.MM.YYYY', 'DD/MM/YYYY', 'MM/DD/YYYY']),
    columns: z.strictObject({
      date: csvColumn,
      amount: csvColumn,
      valueDate: csvColumn.optional(),
      currency: csvColumn.optional(),
      payerName: csvColumn.optional(),
      payerIban: csvColumn.optional(),
      reference: csvColumn.optional(),
      remittance: csvColumn.optional(),
      entryRef: csvColumn.optional(),
    }),
    currency: currencyCode.optional(),
    accountIban: z
      .string()
      .max(42)
      .refine((iban) => parseBankAccount({ iban }).ok, 'a valid IBAN')
      .optional(),
  })
  .refine((m) => m.columns.currency !== undefined || m.currency !== undefined, { message: 'name the currency column (columns.currency) or give the currency of every row (currency)', path: ['currency'] })
  .refine((m) => m.decimal !== m.delimiter, { message: 'the decimal mark cannot also be the delimiter', path: ['delimiter'] });

/** `dunningPolicy` as cdk.json holds it (decimals, percentages); checked as a whole by the domain's rules (dunningPolicyProblems). */
const DunningPolicySchema = z
  .strictObject({
    levels: z
      .array(
        z.strictObject({
          id: z.string().min(1).max(32),
          offsetDays: z.number().int(),
          tone: z.enum(DUNNING_TONES as unknown as [DunningTone, ...DunningTone[]]),
          fee: z.union([z.literal('statutory'), z.strictObject({ fixed: z.record(currencyCode, decimalAmount) })]).optional(),
          interest: z.boolean().optional(),
          action: z.enum(DUNNING_ACTIONS as unknown as [DunningAction, ...DunningAction[]]).optional(),
        }),
      )
      .min(1, 'at least one level is needed'),
    minimumOverdue: z.record(currencyCode, decimalAmount).optional(),
    consumerFees: z.boolean().optional(),
    statutoryInterest: z
      .record(currencyCode, z.strictObject({ margin: percent, rates: z.array(z.strictObject({ from: z.iso.date(), rate: percent })).min(1) }))
      .optional(),
  })
  .superRefine((c, ctx) => {
    let policy;
    try {
      policy = policyFromConfig(c);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return;
    }
    for (const problem of dunningPolicyProblems(policy)) {
      const [path, ...rest] = problem.split(': ');
      ctx.addIssue({ code: 'custom', message: rest.join(': '), path: path!.split(' ')[0]!.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)) });
    }
  });

/** A dated table of reference rates (domain/fx): every rate a plain positive decimal string. */
const ReferenceRatesSchema = z.strictObject({
  on: z.iso.date(),
  base: currencyCode,
  rates: z.record(currencyCode, z.string().regex(/^\d{1,9}(\.\d{1,10})?$/, 'a decimal rate such as "0.8534"').refine((r) => /[1-9]/.test(r), 'above zero')),
});

const cron = z.string().regex(/^cron\(.+\)$/, 'an EventBridge Scheduler cron(...) expression');

/** One finance-pack schedule: when (a cron in `timezone`) and to whom (default `financeRecipients`); `enabled: false` drops it. */
const ReportScheduleSchema = z.strictObject({
  cron: cron.optional(),
  recipients: z.array(email).min(1).max(50).optional(),
  enabled: z.boolean().optional(),
});

/** The finance pack's kinds as config names them (`monthEnd`) and as the functions do (`month-end`). */
export const REPORT_KINDS = [
  { key: 'flash', kind: 'flash', defaultCron: undefined, description: 'daily flash: aging, cash collected, new disputes' },
  { key: 'weekly', kind: 'weekly', defaultCron: 'cron(0 7 ? * MON *)', description: 'weekly finance pack (the week to Sunday)' },
  { key: 'monthEnd', kind: 'month-end', defaultCron: 'cron(0 7 1 * ? *)', description: 'month-end finance pack (the month just ended)' },
] as const;

export type ReportKind = (typeof REPORT_KINDS)[number]['kind'];

export const ConfigSchema = z.strictObject({
  stage: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and dashes, at most 20'),
  companyName: z.string().min(1).max(200),
  companyAddress: z.array(z.string().min(1).max(200)).max(8).default([]),
  senderAddress: email,
  financeRecipients: z.array(email).min(1).max(50),
  baseCurrency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as GBP'),
  /** The language of a customer who has none (no platform locale, none set by finance): en, sv, zh, ja or ru. */
  defaultLanguage: z.enum(['en', 'sv', 'zh', 'ja', 'ru'], { error: 'one of the languages o2c writes in: en, sv, zh, ja, ru' }).default('en'),
  invoiceSeries: z.string().regex(/^[A-Z]{2,8}$/, '2–8 capital letters'),
  creditNoteSeries: z.string().regex(/^[A-Z]{2,8}$/, '2–8 capital letters').default('CN'),
  /** The credit limit a customer first seen with an order (or created by finance without one) gets, per currency, as a decimal amount: {"GBP": "500.00"}. */
  newCustomerCreditLimit: z
    .record(z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as GBP'), z.string().regex(/^\d{1,15}(\.\d{1,3})?$/, 'a decimal amount such as "500.00"'))
    .default({}),
  defaultTerms: z.object({
    netDays: z.number().int().min(0).max(365),
    discountPercent: z.number().min(0).max(50).optional(),
    discountDays: z.number().int().min(0).max(365).optional(),
  }),
  taxRounding: z.enum(['half-up', 'half-even']).default('half-up'),
  taxLevel: z.enum(['line', 'invoice']).default('line'),
  /** Deprecated: days past due of each reminder (read only when `dunningPolicy` is absent, as reminder → firm → final levels without fees or actions). */
  dunningLevels: z
    .array(z.number().int().min(1).max(365))
    .min(1)
    .refine((l) => l.every((v, i) => i === 0 || v > l[i - 1]!), 'must be ascending')
    .optional(),
  /** The collections policy: ordered levels (negative offsets: before the due date), fees, actions, minimum, consumer fees, statutory interest. */
  dunningPolicy: DunningPolicySchema.optional(),
  /** Where a debt handed to the collection agency goes (the `hand-to-agency` action needs it). */
  collectionsAgencyAddress: email.optional(),
  dunningScheduleCron: z.string().regex(/^cron\(.+\)$/, 'an EventBridge Scheduler cron(...) expression'),
  /** The daily flash's cron when `reports.flash.cron` is absent (kept for existing configurations; prefer `reports.flash.cron`). */
  reportScheduleCron: cron,
  /**
   * The finance pack's schedules: `{ flash: { cron, recipients }, weekly: {…}, monthEnd: {…} }`, each optional.
   * Defaults: flash at `reportScheduleCron`, weekly Mondays 07:00, month-end on the 1st at 07:00 (in `timezone`,
   * after the month's last day); recipients `financeRecipients`.
   */
  reports: z.strictObject({ flash: ReportScheduleSchema.optional(), weekly: ReportScheduleSchema.optional(), monthEnd: ReportScheduleSchema.optional() }).default({}),
  timezone: z.string().refine((tz) => {
    try {
      new Intl.DateTimeFormat('en', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  }, 'an IANA time zone such as Europe/London'),
  logRetentionDays: z.union([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653].map((d) => z.literal(d)) as unknown as [z.ZodLiteral<number>, z.ZodLiteral<number>]),
  sesSendRatePerSecond: z.number().int().min(1).max(1000),
  backorderMaxAttempts: z.number().int().min(1).max(1000).default(24),
  /**
   * An order short of stock: "ship-available" reserves what is there, the rest is backordered per line (shipped
   * later or cancelled, the customer told at confirmation); "wait" re-checks the whole order (backorderMaxAttempts);
   * "reject" rejects it at once, saying which items.
   */
  backorderPolicy: z.enum(['ship-available', 'wait', 'reject']).default('wait'),
  promisedDeliveryDays: z.number().int().min(1).max(60).default(3),
  /** An order the warehouse ships in parts (POST /fulfilment/{orderId}/shipments): an invoice per shipment, or one of what shipped once the order is complete. */
  invoiceOn: z.enum(['shipment', 'order']).default('order'),
  /**
   * The customer notifications sent by email (functions/domain/notifications.ts): any of confirmation, backorder,
   * shipment, cancellation, invoice, rejection, refund. Default: all of them. Each is an SES message; a shop whose
   * platform confirms and tracks its orders may keep `["invoice", "rejection", "refund"]`. Without `invoice`,
   * customers on terms get no invoice email (send them their invoices another way).
   */
  customerEmails: z
    .array(z.enum(CUSTOMER_NOTIFICATIONS))
    .max(CUSTOMER_NOTIFICATIONS.length)
    .refine((list) => new Set(list).size === list.length, 'each notification once')
    .default([...CUSTOMER_NOTIFICATIONS]),
  /** Base URL of Stripe's API, which refund-payment calls (the secret key is the `StripeKey` secret of the data stack). */
  stripeApiUrl: z.url({ protocol: /^https?$/ }).default('https://api.stripe.com'),
  /** `stripe`: every invoice in a dunning letter gets a Stripe Payment Link (send-reminder, with the `StripeKey` secret) printed under its line; `none` (default): bank transfer only. */
  dunningPaymentLinks: z.enum(['none', 'stripe']).default('none'),
  /**
   * The seller's warehouse/3PL webhook that fulfilment requests are POSTed to, signed (README: warehouse integration).
   * HTTPS; plain HTTP only to this machine (127.0.0.1, localhost: a receiver you run beside `npm start`). Absent = no
   * webhook: the `o2c.FulfilmentRequested` event on the bus is the only hand-off.
   */
  warehouseWebhookUrl: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .refine((u) => {
      const url = new URL(u);
      return url.protocol === 'https:' || ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
    }, 'an https:// URL (plain http only to 127.0.0.1 or localhost)')
    .refine((u) => !new URL(u).username && !new URL(u).password, 'no credentials in the URL (deliveries are signed instead)')
    .optional(),
  /** The structured reference printed on every invoice: ISO 11649 RF (default), Swedish OCR or Finnish reference. RF is always read back as well. */
  paymentReferenceScheme: z.enum(PAYMENT_REFERENCE_SCHEMES as unknown as [PaymentReferenceScheme, ...PaymentReferenceScheme[]]).default('rf'),
  /** Where customers pay: printed on invoices, quoted in invoice emails and reminders. */
  bankAccount: BankAccountSchema.default(EXAMPLE_BANK_ACCOUNT),
  /** Days after which a bank file dropped into the S3 bucket moves to Glacier (kept, never expired: statements are accounting records). */
  bankFileGlacierDays: z.number().int().min(1).max(3650).default(90),
  /** The column mapping of the bank's CSV export; absent: CSV files are refused (camt and MT940 need none). */
  bankCsvMapping: BankCsvMappingSchema.optional(),
  /**
   * Reference exchange rates the credit check converts a customer's exposure in other currencies with (ECB style:
   * units of each currency per one `base`, decimal strings, for the day `on`). Absent: exposure in another currency
   * than the limit's cannot be added up, so such an order is held for a person (README: credit).
   */
  creditReferenceRates: ReferenceRatesSchema.optional(),
  /** Where a daily job reads the reference rates from (the ECB's `eurofxref-daily.xml`, or a file in its layout); absent: only `creditReferenceRates`. */
  creditRatesSourceUrl: z.url({ protocol: /^https$/ }).max(2000).optional(),
  /** When that job runs (EventBridge Scheduler cron, the company's time zone): after the ECB publishes, around 16:00 CET. */
  creditRatesScheduleCron: z.string().regex(/^cron\(.+\)$/, 'an EventBridge Scheduler cron(...) expression').default('cron(30 16 ? * MON-FRI *)'),
  /** Who decides a credit review the finance team left undecided past `creditReviewTimeoutHours`; absent: the order is then rejected (stock released). */
  creditSecondApprovers: z.array(email).min(1).max(20).optional(),
  /** Hours a held order waits for finance's decision (default 7 days). */
  creditReviewTimeoutHours: z.number().int().min(1).max(24 * 60).default(168),
  /** Hours the second approver has before the order is rejected (default 3 days). */
  creditEscalationTimeoutHours: z.number().int().min(1).max(24 * 60).default(72),
  /** The seller's registered name on invoices (default: companyName). */
  companyLegalName: z.string().min(1).max(200).optional(),
  /** VAT number with its country prefix (GB123456789, SE556677889901): printed on invoices, the e-invoice's seller VAT id. */
  companyVatNumber: z.string().trim().toUpperCase().regex(/^[A-Z]{2}[0-9A-Z+*.]{2,13}$/, 'a VAT number with its country prefix, such as GB123456789').optional(),
  /** Company registration number (Companies House, organisationsnummer). */
  companyRegistration: z.string().trim().min(1).max(40).optional(),
  /** ISO 3166-1 alpha-2 country of the seller (default: the postal address's, else the VAT number's prefix). */
  companyCountry: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as GB').optional(),
  /** The seller's address, structured (the e-invoice needs city and country). */
  companyPostalAddress: z
    .strictObject({
      line1: z.string().min(1).max(200),
      line2: z.string().min(1).max(200).optional(),
      city: z.string().min(1).max(100),
      postalCode: z.string().min(1).max(20).optional(),
      region: z.string().min(1).max(100).optional(),
      country: z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code such as GB'),
    })
    .optional(),
  /** The seller's Peppol participant id: ICD scheme (0088 GLN, 0007 Swedish org no, 0192 Norwegian org no, 9932 UK VAT…) and id. */
  companyPeppolId: z.strictObject({ scheme: z.string().regex(/^\d{4}$/, 'a four-digit ICD such as 0088'), id: z.string().min(1).max(100) }).optional(),
  /** Business supplies at 0 % to a VAT-registered buyer in another EU member state are reverse charge (category AE, with the wording). */
  vatReverseCharge: z.boolean().default(false),
  /** Confidence thresholds and the short-payment tolerance of cash matching; absent: the defaults. */
  cashMatching: CashMatchingSchema.optional(),
});

export type O2cConfig = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** The `o2c.<key>` entries of a context object (e.g. `node.getAllContext()`), keyed by `<key>`. */
export function configOverrides(context: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(context)
      .filter(([k]) => k.startsWith('o2c.'))
      .map(([k, v]) => [k.slice('o2c.'.length), v]),
  );
}

/**
 * Parses the context value (an object from cdk.json, or a JSON string from `-c o2c=...`)
 * with per-key `overrides` (values from `-c o2c.<key>=...`) applied on top.
 */
export function parseConfig(raw: unknown, overrides: Record<string, unknown> = {}): O2cConfig {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ConfigError('context o2c is not valid JSON');
    }
  }
  if (value === undefined || value === null) throw new ConfigError('context o2c is missing (see cdk.json)');
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError('context o2c must be an object (see cdk.json)');
  const merged: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const shape = ConfigSchema.shape as Record<string, z.ZodType>;
  for (const [key, override] of Object.entries(overrides)) {
    const field = shape[key];
    if (!field) throw new ConfigError(`context o2c.${key}: unknown key (known: ${Object.keys(shape).join(', ')})`);
    merged[key] = overrideValue(field, override);
  }
  const result = ConfigSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(`invalid o2c configuration: ${result.error.issues.map((i) => `o2c.${[...i.path, ...('keys' in i ? [i.keys] : [])].join('.')}: ${i.message}`).join('; ')}`);
  }
  const config = result.data;
  if (!config.collectionsAgencyAddress && dunningPolicy(config).levels.some((l) => l.action === 'hand-to-agency')) {
    throw new ConfigError('invalid o2c configuration: o2c.collectionsAgencyAddress: a dunning level hands debts to the agency, so its address is needed');
  }
  return config;
}

/** `-c` values arrive as text: keep the text when the field takes it, else read it as JSON. */
function overrideValue(field: z.ZodType, value: unknown): unknown {
  if (typeof value !== 'string' || field.safeParse(value).success) return value;
  try {
    return JSON.parse(value);
  } catch {
    return value; // not JSON either: validation reports the field with the original text
  }
}

/** The dunning policy the functions carry out (minor units, ppm): `dunningPolicy`, else the old `dunningLevels`, else the default. */
export function dunningPolicy(config: O2cConfig): DunningPolicy {
  if (config.dunningPolicy) return policyFromConfig(config.dunningPolicy);
  if (config.dunningLevels) return policyFromDays(config.dunningLevels);
  return DEFAULT_DUNNING_POLICY;
}

/** The seller's legal identity as the functions read it (COMPANY_LEGAL): defaults filled, the country decided. */
export function companyLegal(config: O2cConfig) {
  const country = config.companyCountry ?? config.companyPostalAddress?.country ?? (config.companyVatNumber ? config.companyVatNumber.slice(0, 2).replace('EL', 'GR').replace('XI', 'GB') : undefined) ?? countryOfAddressLines(config.companyAddress) ?? 'GB';
  return {
    legalName: config.companyLegalName ?? config.companyName,
    country,
    ...(config.companyVatNumber ? { vatNumber: config.companyVatNumber } : {}),
    ...(config.companyRegistration ? { registration: config.companyRegistration } : {}),
    ...(config.companyPostalAddress ? { postalAddress: config.companyPostalAddress } : {}),
    ...(config.companyPeppolId ? { peppolId: config.companyPeppolId } : {}),
    reverseCharge: config.vatReverseCharge,
  };
}

const COUNTRY_NAMES: Readonly<Record<string, string>> = { 'united kingdom': 'GB', uk: 'GB', sweden: 'SE', sverige: 'SE', germany: 'DE', deutschland: 'DE', france: 'FR', netherlands: 'NL', ireland: 'IE', norway: 'NO', finland: 'FI', denmark: 'DK' };
/** The country named on the last line of the free-text address, when it is one o2c knows. */
function countryOfAddressLines(lines: readonly string[]): string | undefined {
  return COUNTRY_NAMES[(lines.at(-1) ?? '').trim().toLowerCase()];
}

/** PaymentTerms as the functions read them (rates in ppm). */
export function paymentTerms(config: O2cConfig): { netDays: number; discount?: { ratePpm: number; days: number } } {
  const { netDays, discountPercent, discountDays } = config.defaultTerms;
  if (!discountPercent || discountDays === undefined) return { netDays };
  return { netDays, discount: { ratePpm: Math.round(discountPercent * 10_000), days: discountDays } };
}

/** The finance-pack schedules to create: kind, cron, recipients, in flash → weekly → month-end order (disabled ones left out). */
export function reportSchedules(config: O2cConfig): { kind: ReportKind; cron: string; recipients: string[]; description: string }[] {
  return REPORT_KINDS.flatMap((k) => {
    const s = config.reports[k.key];
    if (s?.enabled === false) return [];
    return [{ kind: k.kind, cron: s?.cron ?? k.defaultCron ?? config.reportScheduleCron, recipients: s?.recipients ?? config.financeRecipients, description: k.description }];
  });
}

/** Who receives each kind (also the kinds whose schedule is disabled: a run by hand still goes somewhere). */
export function reportRecipients(config: O2cConfig): Record<ReportKind, string[]> {
  return Object.fromEntries(REPORT_KINDS.map((k) => [k.kind, config.reports[k.key]?.recipients ?? config.financeRecipients])) as Record<ReportKind, string[]>;
}
