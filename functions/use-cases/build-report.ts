/**
 * Daily: accounts-receivable aging and DSO for finance, as of `asOf` (default
 * today in the company's zone).
 * 1. Aging from the open-invoice index (only open invoices are read).
 * 2. DSO over the last DSO_DAYS days from the daily aggregates.
 * 3. Email finance the summary with the aging CSV attached (key per as-of date).
 */
import { addDays, todayIn } from '#domain/dates';
import { agingBuckets, agingCsv, dso } from '#domain/metrics';
import type { IsoDate } from '#domain/model';
import { toDecimalString } from '#domain/money';
import type { Aggregates, Clock, Company, Invoices, Mail } from '../ports.ts';

export interface BuildReportDeps {
  readonly invoices: Invoices;
  readonly aggregates: Aggregates;
  readonly mail: Mail;
  readonly clock: Clock;
  readonly company: Company;
  readonly financeRecipients: readonly string[];
}

export const DSO_DAYS = 90;
/** Later than any due date: every open invoice. */
const END_OF_TIME = '9999-12-31';

export async function buildReport(input: { asOf?: IsoDate }, deps: BuildReportDeps) {
  const asOf = input.asOf ?? todayIn(deps.company.timezone, deps.clock.now());
  const open = await deps.invoices.openDueBefore(END_OF_TIME);
  const aging = agingBuckets(open, asOf);
  const days = Array.from({ length: DSO_DAYS }, (_, i) => addDays(asOf, -i));
  const sums = await deps.aggregates.totals(days);
  const currencies = [...new Set([...Object.keys(aging), ...sums.keys()])].sort();
  const lines = currencies.map((ccy) => {
    const receivables = aging[ccy]?.total ?? 0;
    return { currency: ccy, receivables, dso: dso({ receivables, creditSales: sums.get(ccy)?.creditSales ?? 0, days: DSO_DAYS }) };
  });
  await deps.mail.enqueue({
    key: `report:ar:${asOf}`,
    to: deps.financeRecipients,
    subject: `${deps.company.name}: receivables report ${asOf}`,
    text: [
      `Accounts receivable as of ${asOf}`,
      '',
      ...lines.map((l) => `${l.currency}: open ${toDecimalString({ amount: l.receivables, currency: l.currency })}, DSO ${l.dso === null ? 'n/a (no credit sales)' : `${l.dso} days`} (last ${DSO_DAYS} days)`),
      '',
      'Aging by days past due is attached (CSV).',
    ].join('\n'),
    attachments: [{ filename: `ar-aging-${asOf}.csv`, contentType: 'text/csv', contentBase64: Buffer.from(agingCsv(aging, asOf)).toString('base64') }],
  });
  return { asOf, openInvoices: open.length, currencies: lines };
}
