/**
 * `o2c report show`: the finance pack as a person reads it in a terminal — money in its currency's format, days
 * and percentages to one decimal, aligned columns, plain text (no colours, so it pipes into less, grep or a mail).
 */
import { AGING_BUCKETS, type AgingBucket, type FinancePack, type KpiPoint } from '../functions/domain/finance-pack.ts';
import { formatMoney } from '../functions/domain/money.ts';

const BUCKET_NAMES: Readonly<Record<AgingBucket, string>> = { current: 'current', d1_30: '1–30', d31_60: '31–60', d61_90: '61–90', d90_plus: '90+' };

/** A table with a header row, columns padded to their widest cell (`right`: indexes aligned right). */
function columns(header: readonly string[], rows: readonly (readonly string[])[], right: readonly number[] = []): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (right.includes(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

const days = (d: number | null) => (d === null ? 'n/a' : d.toFixed(1));
const pct = (p: number | null) => (p === null ? 'n/a' : `${p.toFixed(1)} %`);

export function packText(pack: FinancePack): string {
  const out: string[] = [`${pack.company.name}: ${pack.kind} pack as of ${pack.asOf} (flows ${pack.period.from} … ${pack.period.to})`];
  if (pack.currencies.length === 0) out.push('', 'nothing invoiced or open by then');
  for (const c of pack.currencies) {
    const m = (amount: number) => formatMoney({ amount, currency: c.currency });
    out.push('', `== ${c.currency} ==`, '');
    out.push(columns(['aging', ...AGING_BUCKETS.map((b) => BUCKET_NAMES[b]), 'total', 'disputed'], [['open', ...AGING_BUCKETS.map((b) => m(c.aging.buckets[b])), m(c.aging.total), m(c.aging.disputed)]], [1, 2, 3, 4, 5, 6, 7]));
    const debtors = AGING_BUCKETS.flatMap((b) => c.aging.topDebtors[b].map((d) => [BUCKET_NAMES[b], d.name, m(d.amount)]));
    if (debtors.length > 0) out.push('', columns(['bucket', 'top debtors', 'amount'], debtors, [2]));
    const k = c.kpi;
    out.push(
      '',
      columns(
        ['KPIs', 'value'],
        [
          ['DSO (days)', days(k.dso)],
          ['countback DSO', days(k.countbackDso)],
          ['best possible DSO', days(k.bestPossibleDso)],
          ['ADD (days delinquent)', days(k.add)],
          ['CEI', pct(k.cei)],
          ['opening AR', m(k.openingAr)],
          ['closing AR', m(k.closingAr)],
          ['closing current AR', m(k.closingCurrentAr)],
          ['credit sales', m(k.creditSales)],
        ],
        [1],
      ),
    );
    const trendRow = (p: KpiPoint) => [`${p.periodStart} … ${p.periodEnd}`, days(p.dso), days(p.countbackDso), days(p.bestPossibleDso), days(p.add), pct(p.cei), m(p.closingAr), m(p.creditSales), m(p.collected)];
    out.push('', columns(['trend', 'DSO', 'countback', 'best', 'ADD', 'CEI', 'AR', 'credit sales', 'collected'], c.trend.map(trendRow), [1, 2, 3, 4, 5, 6, 7, 8]));
    const cash = c.cash;
    out.push(
      '',
      columns(
        ['cash in the period', 'amount'],
        [
          ['collected', m(cash.collected)],
          ['  from the bank', m(cash.bySource.bank)],
          ['  by card (Stripe)', m(cash.bySource.stripe)],
          ['  by hand', m(cash.bySource.manual)],
          ['invoiced on credit', m(cash.invoiced)],
          ['discounts offered', m(cash.discountsOffered)],
          ['discounts taken', m(cash.discountsTaken)],
          ['unapplied cash held', m(cash.unapplied)],
          ['deductions', m(cash.deductions)],
          [`disputes opened (${cash.disputesOpened.count})`, m(cash.disputesOpened.amount)],
          [`disputes resolved (${cash.disputesResolved.count})`, m(cash.disputesResolved.amount)],
          [`credit notes (${cash.creditNotes.count})`, m(cash.creditNotes.amount)],
          [`write-offs (${cash.writeOffs.count})`, m(cash.writeOffs.amount)],
          ['fees charged', m(cash.feesCharged)],
        ],
        [1],
      ),
    );
    if (c.revenueByChannel.length > 0) out.push('', columns(['channel', 'orders', 'revenue'], c.revenueByChannel.map((r) => [r.channel, String(r.orders), m(r.amount)]), [1, 2]));
  }
  const o = pack.orderToCash;
  const pctl = (p: typeof o.orderToInvoiceDays) => (p === null ? ['n/a', 'n/a', '0'] : [String(p.p50), String(p.p90), String(p.count)]);
  out.push('', '== order to cash ==', '', columns(['cycle (days)', 'p50', 'p90', 'count'], [['order → invoice', ...pctl(o.orderToInvoiceDays)], ['order → cash', ...pctl(o.orderToCashDays)]], [1, 2, 3]));
  if (o.ordersByChannel.length > 0) out.push('', columns(['channel', 'orders'], o.ordersByChannel.map((c) => [c.channel, String(c.orders)]), [1]));
  out.push('', columns(['orders', 'count'], [...o.orderErrors.map((e) => [`error: ${e.reason}`, String(e.count)]), ['duplicates absorbed', String(o.duplicatesAbsorbed)], ['backordered', String(o.backorders)]], [1]));
  const a = pack.automation;
  out.push(
    '',
    '== automation ==',
    '',
    columns(
      ['measure', 'value'],
      [
        ['touchless orders', `${a.touchlessOrders} of ${a.orders} paid off (${pct(a.touchlessShare)})`],
        ['payments matched automatically', `${a.paymentsAutoMatched} of ${a.paymentsApplied} (${pct(a.autoMatchRate)})`],
        ...a.manualActions.map((x) => [`manual: ${x.action}`, String(x.count)]),
      ],
    ),
  );
  const s = pack.accounts;
  out.push(
    '',
    '== accounts ==',
    '',
    columns(
      ['status', 'customers'],
      [
        ['on credit hold', String(s.onCreditHold)],
        ['suspended', String(s.suspended)],
        ['with the agency', String(s.withAgency)],
      ],
      [1],
    ),
  );
  if (s.promisesDue.length > 0) out.push('', columns(['promises due', 'count', 'amount'], s.promisesDue.map((p) => [p.currency, String(p.count), formatMoney({ amount: p.amount, currency: p.currency })]), [1, 2]));
  return out.join('\n');
}
