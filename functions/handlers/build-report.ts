/**
 * build-report (daily schedule): accounts-receivable aging and DSO for finance.
 * 1. Aging from the open-invoice index (only open invoices are read).
 * 2. DSO over the last 90 days from the daily aggregates.
 * 3. Email finance the summary with the aging CSV attached (key per as-of date).
 */
import * as z from 'zod/mini';
import { addDays, todayIn } from '#domain/dates';
import { agingBuckets, agingCsv, dso } from '#domain/metrics';
import { toDecimalString } from '#domain/money';
import { aggregateTotals, openInvoicesDueBefore } from '#adapters/invoices';
import { enqueueMail } from '#adapters/mail-queue';
import { envList, envOr, scheduledHandler } from '#runtime';
import { ScheduleInput } from '#platforms/canonical';

const finance = envList('FINANCE_RECIPIENTS');
const timezone = envOr('TIMEZONE', 'UTC');
const companyName = envOr('COMPANY_NAME', 'o2c');
export const DSO_DAYS = 90;

export async function buildReport(input: z.infer<typeof ScheduleInput>) {
  const asOf = input.asOf ?? todayIn(timezone);
  const open = await openInvoicesDueBefore('9999-12-31');
  const aging = agingBuckets(open, asOf);
  const days = Array.from({ length: DSO_DAYS }, (_, i) => addDays(asOf, -i));
  const sums = await aggregateTotals(days);
  const currencies = [...new Set([...Object.keys(aging), ...sums.keys()])].sort();
  const lines = currencies.map((ccy) => {
    const receivables = aging[ccy]?.total ?? 0;
    const d = dso({ receivables, creditSales: sums.get(ccy)?.creditSales ?? 0, days: DSO_DAYS });
    return { currency: ccy, receivables, dso: d };
  });
  const csv = agingCsv(aging, asOf);
  await enqueueMail({
    key: `report:ar:${asOf}`,
    to: finance,
    subject: `${companyName}: receivables report ${asOf}`,
    text: [
      `Accounts receivable as of ${asOf}`,
      '',
      ...lines.map((l) => `${l.currency}: open ${toDecimalString({ amount: l.receivables, currency: l.currency })}, DSO ${l.dso === null ? 'n/a (no credit sales)' : `${l.dso} days`} (last ${DSO_DAYS} days)`),
      '',
      'Aging by days past due is attached (CSV).',
    ].join('\n'),
    attachments: [{ filename: `ar-aging-${asOf}.csv`, contentType: 'text/csv', contentBase64: Buffer.from(csv).toString('base64') }],
  });
  return { asOf, openInvoices: open.length, currencies: lines };
}

export const handler = scheduledHandler(ScheduleInput, buildReport);
