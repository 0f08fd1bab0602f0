/**
 * The finance pack as tables: one table per section (aging, top debtors, KPIs with their 13-period trend, cash,
 * revenue by channel, order to cash, order errors, automation, manual actions, accounts), each a list of typed
 * columns and rows. Every renderer reads these: the CSV files (here), the XLSX sheets and the PDF's tables
 * (adapters/pack-documents). Money cells carry their currency; each renderer formats them for its reader.
 */
import { AGING_BUCKETS, type AgingBucket, type FinancePack, type Percentiles } from './finance-pack.ts';
import type { CurrencyCode, IsoDate } from './model.ts';
import { toDecimalString } from './money.ts';

/**
 * `text` free text (names, reasons: escaped against formula injection in CSV), `code` a fixed vocabulary (currency,
 * bucket), `money` minor units of the cell's currency, `count` a whole number, `days` and `percent` one decimal,
 * `date` an ISO date.
 */
export type ColumnType = 'text' | 'code' | 'money' | 'count' | 'days' | 'percent' | 'date';

export interface PackColumn {
  readonly header: string;
  readonly type: ColumnType;
}

export interface MoneyCell {
  readonly amount: number;
  readonly currency: CurrencyCode;
}

export type PackCell = string | number | MoneyCell | null;

export interface PackTable {
  /** File and sheet name: `aging`, `top-debtors` … */
  readonly id: string;
  readonly title: string;
  readonly columns: readonly PackColumn[];
  readonly rows: readonly (readonly PackCell[])[];
}

export const BUCKET_LABELS: Readonly<Record<AgingBucket, string>> = { current: 'Current', d1_30: '1-30 days', d31_60: '31-60 days', d61_90: '61-90 days', d90_plus: '90+ days' };

const col = (header: string, type: ColumnType): PackColumn => ({ header, type });
const m = (amount: number, currency: CurrencyCode): MoneyCell => ({ amount, currency });

/** The pack's tables, in the order the PDF and the workbook show them. */
export function packTables(pack: FinancePack): PackTable[] {
  const cur = pack.currencies;
  return [
    {
      id: 'aging',
      title: `Aging by due date as of ${pack.asOf} (disputed amounts apart)`,
      columns: [col('Currency', 'code'), ...AGING_BUCKETS.map((b) => col(BUCKET_LABELS[b], 'money')), col('Total', 'money'), col('Disputed', 'money')],
      rows: cur.map((c) => [c.currency, ...AGING_BUCKETS.map((b) => m(c.aging.buckets[b], c.currency)), m(c.aging.total, c.currency), m(c.aging.disputed, c.currency)]),
    },
    {
      id: 'top-debtors',
      title: 'Top debtors per aging bucket',
      columns: [col('Currency', 'code'), col('Bucket', 'code'), col('Rank', 'count'), col('Customer', 'text'), col('Customer id', 'text'), col('Amount', 'money')],
      rows: cur.flatMap((c) => AGING_BUCKETS.flatMap((b) => c.aging.topDebtors[b].map((d, i) => [c.currency, BUCKET_LABELS[b], i + 1, d.name, d.customerId, m(d.amount, c.currency)]))),
    },
    {
      id: 'kpis',
      title: 'Receivables KPIs: DSO, countback DSO, best possible DSO, ADD and CEI, 13 periods',
      columns: [
        col('Currency', 'code'),
        col('Period start', 'date'),
        col('Period end', 'date'),
        col('DSO (days)', 'days'),
        col('Countback DSO (days)', 'days'),
        col('Best possible DSO (days)', 'days'),
        col('ADD (days)', 'days'),
        col('CEI (%)', 'percent'),
        col('Opening AR', 'money'),
        col('Closing AR', 'money'),
        col('Closing current AR', 'money'),
        col('Credit sales', 'money'),
        col('Collected', 'money'),
      ],
      rows: cur.flatMap((c) =>
        c.trend.map((k) => [
          c.currency,
          k.periodStart,
          k.periodEnd,
          k.dso,
          k.countbackDso,
          k.bestPossibleDso,
          k.add,
          k.cei,
          m(k.openingAr, c.currency),
          m(k.closingAr, c.currency),
          m(k.closingCurrentAr, c.currency),
          m(k.creditSales, c.currency),
          m(k.collected, c.currency),
        ]),
      ),
    },
    {
      id: 'cash',
      title: `Cash from ${pack.period.from} to ${pack.period.to}`,
      columns: [col('Currency', 'code'), col('Measure', 'code'), col('Count', 'count'), col('Amount', 'money')],
      rows: cur.flatMap((c) => {
        const k = c.cash;
        const row = (measure: string, amount: number, count: number | null = null): PackCell[] => [c.currency, measure, count, m(amount, c.currency)];
        return [
          row('Collected', k.collected),
          row('Collected by bank transfer', k.bySource.bank),
          row('Collected by Stripe', k.bySource.stripe),
          row('Collected by hand', k.bySource.manual),
          row('Invoiced', k.invoiced),
          row('Early-payment discounts offered', k.discountsOffered),
          row('Early-payment discounts taken', k.discountsTaken),
          row('Unapplied cash held', k.unapplied),
          row('Deductions', k.deductions),
          row('Disputes opened', k.disputesOpened.amount, k.disputesOpened.count),
          row('Disputes resolved', k.disputesResolved.amount, k.disputesResolved.count),
          row('Credit notes', k.creditNotes.amount, k.creditNotes.count),
          row('Write-offs', k.writeOffs.amount, k.writeOffs.count),
          row('Late fees charged', k.feesCharged),
        ];
      }),
    },
    {
      id: 'revenue-by-channel',
      title: 'Revenue contribution by channel (orders invoiced in the period)',
      columns: [col('Currency', 'code'), col('Channel', 'text'), col('Orders', 'count'), col('Amount', 'money')],
      rows: cur.flatMap((c) => c.revenueByChannel.map((r) => [c.currency, r.channel, r.orders, m(r.amount, c.currency)])),
    },
    {
      id: 'order-to-cash',
      title: 'Order to cash: cycle times, orders by channel, duplicates and backorders',
      columns: [col('Measure', 'code'), col('Median (days)', 'days'), col('90th percentile (days)', 'days'), col('Orders', 'count')],
      rows: [
        cycle('Order to invoice', pack.orderToCash.orderToInvoiceDays),
        cycle('Order to cash', pack.orderToCash.orderToCashDays),
        ...pack.orderToCash.ordersByChannel.map((c): PackCell[] => [`Orders from ${c.channel}`, null, null, c.orders]),
        ['Duplicates absorbed', null, null, pack.orderToCash.duplicatesAbsorbed],
        ['Backorders', null, null, pack.orderToCash.backorders],
      ],
    },
    {
      id: 'order-errors',
      title: 'Order errors: rejections and refusals by reason',
      columns: [col('Reason', 'text'), col('Orders', 'count')],
      rows: pack.orderToCash.orderErrors.map((e) => [e.reason, e.count]),
    },
    {
      id: 'automation',
      title: 'Automation: touchless orders and payments matched by rule',
      columns: [col('Measure', 'code'), col('Count', 'count'), col('Out of', 'count'), col('Share (%)', 'percent')],
      rows: [
        ['Touchless orders (of those paid off)', pack.automation.touchlessOrders, pack.automation.orders, pack.automation.touchlessShare],
        ['Payments applied automatically', pack.automation.paymentsAutoMatched, pack.automation.paymentsApplied, pack.automation.autoMatchRate],
      ],
    },
    {
      id: 'manual-actions',
      title: 'Manual finance actions in the period (audit trail)',
      columns: [col('Action', 'text'), col('Count', 'count')],
      rows: pack.automation.manualActions.map((a) => [a.action, a.count]),
    },
    {
      id: 'accounts',
      title: `Customer accounts as of ${pack.asOf}`,
      columns: [col('Measure', 'code'), col('Currency', 'code'), col('Count', 'count'), col('Amount', 'money')],
      rows: [
        ['On credit hold', null, pack.accounts.onCreditHold, null],
        ['Suspended', null, pack.accounts.suspended, null],
        ['With the collection agency', null, pack.accounts.withAgency, null],
        ...pack.accounts.promisesDue.map((p): PackCell[] => ['Promises to pay due', p.currency, p.count, m(p.amount, p.currency)]),
      ],
    },
  ];
}

function cycle(measure: string, p: Percentiles | null): PackCell[] {
  return [measure, p?.p50 ?? null, p?.p90 ?? null, p?.count ?? 0];
}

export const isMoneyCell = (cell: PackCell): cell is MoneyCell => typeof cell === 'object' && cell !== null;

// ── CSV ──────────────────────────────────────────────────────────────────────

/** A cell a spreadsheet would run as a formula (or that hides one behind a tab or CR) gets a leading apostrophe. */
export function formulaSafe(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** RFC 4180: every field quoted, quotes doubled, CRLF between records (a line break inside a field stays inside the quotes). */
export function csvRecord(fields: readonly string[]): string {
  return fields.map((f) => `"${f.replaceAll('"', '""')}"`).join(',');
}

/** A cell as a CSV field: money as a decimal amount of its currency (the row names it), numbers as they are, text formula-safe. */
export function csvField(cell: PackCell, type: ColumnType): string {
  if (cell === null) return '';
  if (isMoneyCell(cell)) return toDecimalString(cell);
  if (typeof cell === 'number') return String(cell);
  return type === 'text' || type === 'code' ? formulaSafe(cell) : cell;
}

/**
 * One table as an RFC 4180 CSV file: a header row, then a record per row, CRLF line ends. Amounts are decimal
 * amounts of their currency (the table's currency column says which; no minor units): what a spreadsheet user reads.
 */
export function tableCsv(table: PackTable): string {
  const records = [csvRecord(table.columns.map((c) => c.header)), ...table.rows.map((row) => csvRecord(row.map((cell, i) => csvField(cell, table.columns[i]!.type))))];
  return records.join('\r\n') + '\r\n';
}

/** The attachment name of a table's CSV: `<kind>-<asOf>-<table>.csv`. */
export const csvFilename = (pack: Pick<FinancePack, 'kind' | 'asOf'>, table: PackTable) => `${pack.kind}-${pack.asOf}-${table.id}.csv`;

/** The document names of a pack: `finance-<kind>-<asOf>.pdf` / `.xlsx`. */
export const packFilename = (pack: { kind: string; asOf: IsoDate }, ext: 'pdf' | 'xlsx') => `finance-${pack.kind}-${pack.asOf}.${ext}`;
