/**
 * The stack's configuration: the `o2c` object in cdk.json context (or `-c o2c='{...}'`),
 * validated at synth so a bad value stops the deploy with the key's name.
 */
import { z } from 'zod';

const email = z.email();

export const ConfigSchema = z.object({
  stage: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and dashes, at most 20'),
  companyName: z.string().min(1).max(200),
  companyAddress: z.array(z.string().min(1).max(200)).max(8).default([]),
  senderAddress: email,
  financeRecipients: z.array(email).min(1).max(50),
  baseCurrency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as GBP'),
  invoiceSeries: z.string().regex(/^[A-Z]{2,8}$/, '2–8 capital letters'),
  defaultTerms: z.object({
    netDays: z.number().int().min(0).max(365),
    discountPercent: z.number().min(0).max(50).optional(),
    discountDays: z.number().int().min(0).max(365).optional(),
  }),
  taxRounding: z.enum(['half-up', 'half-even']).default('half-up'),
  taxLevel: z.enum(['line', 'invoice']).default('line'),
  dunningLevels: z
    .array(z.number().int().min(1).max(365))
    .min(1)
    .refine((l) => l.every((v, i) => i === 0 || v > l[i - 1]!), 'must be ascending'),
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
  promisedDeliveryDays: z.number().int().min(1).max(60).default(3),
});

export type O2cConfig = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses the context value (an object from cdk.json, or a JSON string from `-c o2c=...`). */
export function parseConfig(raw: unknown): O2cConfig {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      throw new ConfigError('context o2c is not valid JSON');
    }
  }
  if (value === undefined || value === null) throw new ConfigError('context o2c is missing (see cdk.json)');
  const result = ConfigSchema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(`invalid o2c configuration: ${result.error.issues.map((i) => `o2c.${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  return result.data;
}

/** PaymentTerms as the functions read them (rates in ppm). */
export function paymentTerms(config: O2cConfig): { netDays: number; discount?: { ratePpm: number; days: number } } {
  const { netDays, discountPercent, discountDays } = config.defaultTerms;
  if (!discountPercent || discountDays === undefined) return { netDays };
  return { netDays, discount: { ratePpm: Math.round(discountPercent * 10_000), days: discountDays } };
}
