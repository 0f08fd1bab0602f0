/**
 * The finance pack's email: a subject, a short HTML summary with the headline figures and the same in plain text.
 * Money in its currency's format (en-GB), every value escaped in HTML; the detail is in the attachments.
 */
import type { CurrencyFigures, FinancePack, PackKind } from './finance-pack.ts';
import { formatMoney } from './money.ts';

export const KIND_LABELS: Readonly<Record<PackKind, string>> = { flash: 'daily flash', weekly: 'weekly finance pack', 'month-end': 'month-end finance pack' };

export interface PackSummary {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);

const days = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)} days`);
const pct = (v: number | null) => (v === null ? 'n/a' : `${v.toFixed(1)} %`);

/** The headline lines of one currency, label and value: what the summary and the PDF's first page show. */
export function headlines(pack: FinancePack, c: CurrencyFigures): [string, string][] {
  const money = (amount: number) => formatMoney({ amount, currency: c.currency });
  const overdue = c.aging.total - c.aging.buckets.current;
  const lines: [string, string][] = [
    ['Open receivables', money(c.aging.total)],
    ['Overdue', money(overdue)],
    ['Over 90 days', money(c.aging.buckets.d90_plus)],
    ['Disputed (apart)', money(c.aging.disputed)],
    ['Cash collected', money(c.cash.collected)],
    ['Invoiced', money(c.cash.invoiced)],
    ['Disputes opened', `${c.cash.disputesOpened.count} (${money(c.cash.disputesOpened.amount)})`],
  ];
  if (pack.kind === 'flash') return lines;
  return [...lines, ['DSO', days(c.kpi.dso)], ['Countback DSO', days(c.kpi.countbackDso)], ['Best possible DSO', days(c.kpi.bestPossibleDso)], ['ADD', days(c.kpi.add)], ['CEI', pct(c.kpi.cei)]];
}

/** Lines about the whole book (not per currency). */
export function bookHeadlines(pack: FinancePack): [string, string][] {
  return [
    ['Touchless orders', `${pack.automation.touchlessOrders} of ${pack.automation.orders} paid off (${pct(pack.automation.touchlessShare)})`],
    ['Payments matched automatically', `${pack.automation.paymentsAutoMatched} of ${pack.automation.paymentsApplied} (${pct(pack.automation.autoMatchRate)})`],
    ['Customers on credit hold / suspended / with the agency', `${pack.accounts.onCreditHold} / ${pack.accounts.suspended} / ${pack.accounts.withAgency}`],
  ];
}

export function packSummary(pack: FinancePack, attachments: readonly string[], resend = false): PackSummary {
  const label = KIND_LABELS[pack.kind];
  const title = `${pack.company.name}: ${label} as of ${pack.asOf}`;
  const period = pack.period.from === pack.period.to ? pack.period.to : `${pack.period.from} to ${pack.period.to}`;
  const subject = `${title}${resend ? ' (sent again)' : ''}`;
  const noFigures = pack.currencies.length === 0 ? ['No receivables and no activity in any currency.'] : [];

  const text = [
    title,
    `Period: ${period}`,
    '',
    ...noFigures,
    ...pack.currencies.flatMap((c) => [c.currency, ...headlines(pack, c).map(([k, v]) => `  ${k.padEnd(20)} ${v}`), '']),
    ...bookHeadlines(pack).map(([k, v]) => `${k}: ${v}`),
    '',
    `Attached: ${attachments.join(', ')}.`,
  ].join('\n');

  const row = ([k, v]: [string, string]) => `<tr><th style="text-align:left;padding:2px 12px 2px 0;font-weight:normal">${escapeHtml(k)}</th><td style="text-align:right;padding:2px 0">${escapeHtml(v)}</td></tr>`;
  const html = [
    '<!doctype html><html><body style="font-family:Helvetica,Arial,sans-serif;color:#222">',
    `<h2 style="margin:0 0 4px">${escapeHtml(title)}</h2>`,
    `<p style="margin:0 0 12px;color:#555">Period: ${escapeHtml(period)}</p>`,
    ...noFigures.map((n) => `<p>${escapeHtml(n)}</p>`),
    ...pack.currencies.map((c) => `<h3 style="margin:12px 0 4px">${escapeHtml(c.currency)}</h3><table>${headlines(pack, c).map(row).join('')}</table>`),
    `<h3 style="margin:12px 0 4px">The book</h3><table>${bookHeadlines(pack).map(row).join('')}</table>`,
    `<p style="color:#555">Attached: ${attachments.map(escapeHtml).join(', ')}.</p>`,
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}
