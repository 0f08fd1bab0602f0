/**
 * Reads a function's bindings (functions/bindings.ts) once, at module load:
 * every variable of its manifest is parsed by its declared kind; a missing
 * required one, or a malformed one, fails the cold start naming the variable.
 * Nothing else in functions/ reads process.env for o2c's own settings.
 */
import * as z from 'zod/mini';
import { BINDINGS, FUNCTION_BINDINGS, type BindingName, type BindingSpec, type FunctionName } from '../bindings.ts';
import { ConfigError } from '../errors.ts';
import type { Company, CompanyLegal } from '../ports.ts';
import { parseDecimal } from '#domain/money';
import type { MatchPolicy } from '#domain/cash-matching';
import { dunningPolicyProblems, type DunningPolicy } from '#domain/dunning';
import { parseRate, type ReferenceRates } from '#domain/fx';
import { safeParse } from './schema.ts';
import type { CsvMapping } from '../platforms/bank/csv.ts';

type Kinds = { text: string; int: number; list: string[]; json: unknown };
type ValueOf<N extends BindingName> = Kinds[(typeof BINDINGS)[N]['kind']];
type Optional<N extends BindingName> = (typeof BINDINGS)[N] extends { optional: true } ? true : false;
export type Bound<F extends FunctionName> = { readonly [N in (typeof FUNCTION_BINDINGS)[F][number]]: Optional<N> extends true ? ValueOf<N> | undefined : ValueOf<N> };

function parse(name: BindingName, raw: string): unknown {
  const spec = BINDINGS[name];
  const fail = (why: string) => new ConfigError(`environment variable ${name} ${why}`);
  const int = (s: string) => {
    if (!/^-?\d+$/.test(s.trim())) throw fail(`must be a whole number, got ${JSON.stringify(s)}`);
    return Number(s);
  };
  const items = () => raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  switch (spec.kind) {
    case 'text':
      return raw;
    case 'int':
      return int(raw);
    case 'list':
      return items();
    case 'json':
      try {
        return JSON.parse(raw);
      } catch {
        throw fail('is not valid JSON');
      }
  }
}

/** The manifest's values for function `fn`, read from `env` (process.env by default). */
export function readBindings<F extends FunctionName>(fn: F, env: NodeJS.ProcessEnv = process.env): Bound<F> {
  const out: Record<string, unknown> = {};
  for (const name of FUNCTION_BINDINGS[fn] as readonly BindingName[]) {
    const raw = env[name];
    const spec: BindingSpec = BINDINGS[name];
    if (raw === undefined || raw === '') {
      if (!spec.optional) throw new ConfigError(`environment variable ${name} is not set (function ${fn})`);
      continue;
    }
    out[name] = parse(name, raw);
  }
  return out as Bound<F>;
}

const TermsSchema = z.object({ netDays: z.int().check(z.gte(0)), discount: z.optional(z.object({ ratePpm: z.int(), days: z.int() })) });
const TaxPolicySchema = z.object({ rounding: z.enum(['half-up', 'half-even']), level: z.enum(['line', 'invoice']) });
const AddressSchema = z.array(z.string());
const SchemeSchema = z.enum(['rf', 'se-ocr', 'fi']);
const PostalAddressSchema = z.object({ line1: z.string(), line2: z.optional(z.string()), city: z.string(), postalCode: z.optional(z.string()), region: z.optional(z.string()), country: z.string() });
const CompanyLegalSchema = z.object({
  legalName: z.string().check(z.minLength(1)),
  country: z.string().check(z.regex(/^[A-Z]{2}$/)),
  vatNumber: z.optional(z.string()),
  registration: z.optional(z.string()),
  postalAddress: z.optional(PostalAddressSchema),
  peppolId: z.optional(z.object({ scheme: z.string(), id: z.string() })),
  reverseCharge: z.boolean(),
});
const LanguageSchema = z.enum(['en', 'sv', 'zh', 'ja', 'ru']);
const BankAccountSchema = z.object({ iban: z.string().check(z.minLength(1)), bic: z.string().check(z.minLength(1)), bankName: z.optional(z.string()) });

/** A JSON binding checked against `schema` (ConfigError naming the variable otherwise). */
export function checkedBinding<S extends z.ZodMiniType>(name: string, schema: S, value: unknown): z.infer<S> {
  const r = safeParse(schema, value);
  if (!r.success) throw new ConfigError(`environment variable ${name} is invalid: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
  return r.data as z.infer<S>;
}

/** NEW_CUSTOMER_CREDIT_LIMITS (`{"GBP": "500.00"}`, decimal strings) as exact minor units per currency. */
export function creditLimitsOf(value: unknown): Readonly<Record<string, number>> {
  const limits = checkedBinding('NEW_CUSTOMER_CREDIT_LIMITS', z.record(z.string(), z.string()), value);
  const out: Record<string, number> = {};
  for (const [currency, amount] of Object.entries(limits)) {
    try {
      out[currency] = parseDecimal(amount, currency);
    } catch (error) {
      throw new ConfigError(`environment variable NEW_CUSTOMER_CREDIT_LIMITS is invalid: ${currency}: ${(error as Error).message}`);
    }
  }
  return out;
}

const FeeSchema = z.union([z.object({ kind: z.literal('statutory') }), z.object({ kind: z.literal('fixed'), amounts: z.record(z.string(), z.int()) })]);
const PolicySchema = z.object({
  levels: z.array(
    z.object({
      id: z.string(),
      offsetDays: z.int(),
      tone: z.enum(['courtesy', 'reminder', 'firm', 'final']),
      fee: z.optional(FeeSchema),
      interest: z.optional(z.boolean()),
      action: z.optional(z.enum(['credit-hold', 'suspend', 'hand-to-agency'])),
    }),
  ),
  minimumOverdue: z.record(z.string(), z.int()),
  consumerFees: z.boolean(),
  statutoryInterest: z.record(z.string(), z.object({ marginPpm: z.int(), rates: z.array(z.object({ from: z.string(), ratePpm: z.int() })) })),
});

const CsvColumn = z.string().check(z.minLength(1));
const CsvMappingSchema = z.object({
  delimiter: z.optional(z.enum([',', ';', '\t'])),
  decimal: z.enum(['.', ',']),
  dateFormat: z.enum(['YYYY-MM-DD', 'DD.MM.YYYY', 'DD/MM/YYYY', 'MM/DD/YYYY']),
  columns: z.object({
    date: CsvColumn,
    amount: CsvColumn,
    valueDate: z.optional(CsvColumn),
    currency: z.optional(CsvColumn),
    payerName: z.optional(CsvColumn),
    payerIban: z.optional(CsvColumn),
    reference: z.optional(CsvColumn),
    remittance: z.optional(CsvColumn),
    entryRef: z.optional(CsvColumn),
  }),
  currency: z.optional(z.string().check(z.regex(/^[A-Z]{3}$/))),
  accountIban: z.optional(z.string()),
});

/** BANK_CSV_MAPPING (lib/config.ts `bankCsvMapping`, checked at synth) as the CSV parser's mapping; undefined when unset. */
export function bankCsvMappingOf(value: unknown): CsvMapping | undefined {
  return value === undefined ? undefined : (checkedBinding('BANK_CSV_MAPPING', CsvMappingSchema, value) as CsvMapping);
}

const MatchPolicySchema = z.object({
  autoApplyConfidence: z.number().check(z.gte(0), z.lte(1)),
  minNameScore: z.optional(z.number().check(z.gte(0), z.lte(1))),
  shortPaymentTolerance: z.object({ ppm: z.int().check(z.gte(0)), minor: z.optional(z.int().check(z.gte(0))), byCurrency: z.optional(z.record(z.string(), z.int().check(z.gte(0)))) }),
});

/** CASH_MATCHING (lib/config.ts `matchPolicy`: ppm and minor units, checked at synth) as the cascade's policy. */
export function matchPolicyOf(value: unknown): MatchPolicy {
  return checkedBinding('CASH_MATCHING', MatchPolicySchema, value) as MatchPolicy;
}

const Emails = z.array(z.email()).check(z.minLength(1));
const ReportRecipientsSchema = z.object({ flash: Emails, weekly: Emails, 'month-end': Emails });

/** REPORT_RECIPIENTS (lib/config.ts `reports.<kind>.recipients`, default financeRecipients): who receives each finance pack. */
export function reportRecipientsOf(value: unknown): Record<'flash' | 'weekly' | 'month-end', string[]> {
  return checkedBinding('REPORT_RECIPIENTS', ReportRecipientsSchema, value) as Record<'flash' | 'weekly' | 'month-end', string[]>;
}

/** DUNNING_POLICY (minor units and ppm, as lib/config.ts wrote it), checked by the domain's rules. */
export function dunningPolicyOf(value: unknown): DunningPolicy {
  const policy = checkedBinding('DUNNING_POLICY', PolicySchema, value) as DunningPolicy;
  const problems = dunningPolicyProblems(policy);
  if (problems.length > 0) throw new ConfigError(`environment variable DUNNING_POLICY is invalid: ${problems.join('; ')}`);
  return policy;
}

const RatesSchema = z.object({ on: z.string(), base: z.string(), rates: z.record(z.string(), z.string()) });

/** The credit check's reference rates (CREDIT_REFERENCE_RATES), every rate checked; undefined when not configured. */
export function referenceRatesOf(value: unknown): ReferenceRates | undefined {
  if (value === undefined) return undefined;
  const table = checkedBinding('CREDIT_REFERENCE_RATES', RatesSchema, value);
  for (const [currency, rate] of Object.entries(table.rates)) {
    try {
      parseRate(rate);
    } catch {
      throw new ConfigError(`environment variable CREDIT_REFERENCE_RATES is invalid: rate of ${currency} ${JSON.stringify(rate)} is not a positive decimal`);
    }
  }
  return table;
}

/** The seller, from the bindCompany variables. */
export function companyOf(b: {
  COMPANY_NAME: string;
  COMPANY_ADDRESS: unknown;
  BASE_CURRENCY: string;
  TIMEZONE: string;
  DEFAULT_TERMS: unknown;
  TAX_POLICY: unknown;
  PAYMENT_REFERENCE_SCHEME: string;
  BANK_ACCOUNT: unknown;
  COMPANY_LEGAL: unknown;
  DEFAULT_LANGUAGE: string;
}): Company {
  const legal = checkedBinding('COMPANY_LEGAL', CompanyLegalSchema, b.COMPANY_LEGAL);
  const bank = checkedBinding('BANK_ACCOUNT', BankAccountSchema, b.BANK_ACCOUNT);
  return {
    name: b.COMPANY_NAME,
    address: checkedBinding('COMPANY_ADDRESS', AddressSchema, b.COMPANY_ADDRESS),
    baseCurrency: b.BASE_CURRENCY,
    timezone: b.TIMEZONE,
    defaultTerms: checkedBinding('DEFAULT_TERMS', TermsSchema, b.DEFAULT_TERMS),
    taxPolicy: checkedBinding('TAX_POLICY', TaxPolicySchema, b.TAX_POLICY),
    paymentReferenceScheme: checkedBinding('PAYMENT_REFERENCE_SCHEME', SchemeSchema, b.PAYMENT_REFERENCE_SCHEME),
    bankAccount: { iban: bank.iban, bic: bank.bic, ...(bank.bankName ? { bankName: bank.bankName } : {}) },
    legal: JSON.parse(JSON.stringify(legal)) as CompanyLegal,
    defaultLanguage: checkedBinding('DEFAULT_LANGUAGE', LanguageSchema, b.DEFAULT_LANGUAGE),
  };
}
