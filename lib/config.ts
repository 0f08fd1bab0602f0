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

export const ConfigSchema = z.strictObject({
  stage: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and dashes, at most 20'),
  companyName: z.string().min(1).max(200),
  companyAddress: z.array(z.string().min(1).max(200)).max(8).default([]),
  senderAddress: email,
  financeRecipients: z.array(email).min(1).max(50),
  baseCurrency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as GBP'),
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
  reportScheduleCron: z.string().regex(/^cron\(.+\)$/, 'an EventBridge Scheduler cron(...) expression'),
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
  /** Base URL of Stripe's API, which refund-payment calls (the secret key is the `StripeKey` secret of the data stack). */
  stripeApiUrl: z.url({ protocol: /^https?$/ }).default('https://api.stripe.com'),
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

/** PaymentTerms as the functions read them (rates in ppm). */
export function paymentTerms(config: O2cConfig): { netDays: number; discount?: { ratePpm: number; days: number } } {
  const { netDays, discountPercent, discountDays } = config.defaultTerms;
  if (!discountPercent || discountDays === undefined) return { netDays };
  return { netDays, discount: { ratePpm: Math.round(discountPercent * 10_000), days: discountDays } };
}
