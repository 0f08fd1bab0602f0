/** The seller's identity and policies, as the stack passes them to every function that needs them. */
import * as z from 'zod/mini';
import type { PaymentTerms, TaxPolicy } from '#domain/model';
import { envJson, envOr } from '#runtime';

const TermsSchema = z.object({ netDays: z.int().check(z.gte(0)), discount: z.optional(z.object({ ratePpm: z.int(), days: z.int() })) });
const TaxPolicySchema = z.object({ rounding: z.enum(['half-up', 'half-even']), level: z.enum(['line', 'invoice']) });

export interface Company {
  readonly name: string;
  readonly address: string[];
  readonly baseCurrency: string;
  readonly timezone: string;
  readonly defaultTerms: PaymentTerms;
  readonly taxPolicy: TaxPolicy;
}

export function companyFromEnv(): Company {
  return {
    name: envOr('COMPANY_NAME', 'o2c'),
    address: process.env.COMPANY_ADDRESS ? envJson('COMPANY_ADDRESS', z.array(z.string())) : [],
    baseCurrency: envOr('BASE_CURRENCY', 'GBP'),
    timezone: envOr('TIMEZONE', 'UTC'),
    defaultTerms: process.env.DEFAULT_TERMS ? envJson('DEFAULT_TERMS', TermsSchema) : { netDays: 30 },
    taxPolicy: process.env.TAX_POLICY ? envJson('TAX_POLICY', TaxPolicySchema) : { rounding: 'half-up', level: 'line' },
  };
}
