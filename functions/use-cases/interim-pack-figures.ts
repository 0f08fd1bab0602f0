/**
 * Interim `PackFigures` from what o2c computes today, until use-cases/finance-pack (`financePack`) replaces it:
 * the pack's sections are filled only where today's data says something, the rest is zero or empty.
 * 1. Period of the kind ending on as-of (flash: the day; weekly: 7 days; month-end: the month to as-of).
 * 2. Aging and top debtors from the open invoices (today's balances: not yet as of a past day).
 * 3. Per currency, 13 periods of invoiced, credit sales and collected cash from the daily aggregates; DSO
 *    (receivables ÷ credit sales of the last 90 days × 90) for the last period only.
 * 4. Cash of the period: collected, invoiced, credit notes from the aggregates; everything else zero.
 */
import { addDays, daysBetween } from '#domain/dates';
import { AGING_BUCKETS, type AgingBucket, type CurrencyFigures, type Debtor, type FinancePack, type KpiPoint, type PackKind } from '#domain/finance-pack';
import { agingBuckets, bucketOf, dso } from '#domain/metrics';
import type { IsoDate } from '#domain/model';
import type { Aggregates, Company, Invoices, PackFigures } from '../ports.ts';

export interface InterimFiguresDeps {
  readonly invoices: Invoices;
  readonly aggregates: Aggregates;
  readonly company: Pick<Company, 'name' | 'timezone'>;
}

const DSO_DAYS = 90;
const END_OF_TIME = '9999-12-31';

/** The period a pack of `kind` covers, ending on `asOf`. */
export function packPeriod(kind: PackKind, asOf: IsoDate): { from: IsoDate; to: IsoDate } {
  if (kind === 'weekly') return { from: addDays(asOf, -6), to: asOf };
  if (kind === 'month-end') return { from: `${asOf.slice(0, 8)}01`, to: asOf };
  return { from: asOf, to: asOf };
}

/** The 13 periods ending on `asOf`, oldest first. */
function periods(kind: PackKind, asOf: IsoDate): { from: IsoDate; to: IsoDate }[] {
  const out = [packPeriod(kind, asOf)];
  while (out.length < 13) {
    const previousEnd = addDays(out[0]!.from, -1);
    out.unshift(packPeriod(kind, previousEnd));
  }
  return out;
}

const daysOf = (p: { from: IsoDate; to: IsoDate }) => {
  const days: IsoDate[] = [];
  for (let d = p.from; d <= p.to; d = addDays(d, 1)) days.push(d);
  return days;
};

export function interimPackFigures(deps: InterimFiguresDeps): PackFigures {
  return async (kind, asOf) => {
    const period = packPeriod(kind, asOf);
    const open = await deps.invoices.openDueBefore(END_OF_TIME);
    const aging = agingBuckets(open, asOf);
    const spans = periods(kind, asOf);
    const sums = await Promise.all(spans.map((p) => deps.aggregates.totals(daysOf(p))));
    const window = await deps.aggregates.totals(Array.from({ length: DSO_DAYS }, (_, i) => addDays(asOf, -i)));
    const codes = [...new Set([...Object.keys(aging), ...sums.flatMap((s) => [...s.keys()]), ...window.keys()])].sort();

    const currencies = codes.map((currency): CurrencyFigures => {
      const a = aging[currency];
      const buckets = Object.fromEntries(AGING_BUCKETS.map((b) => [b, a?.[b] ?? 0])) as Record<AgingBucket, number>;
      const total = a?.total ?? 0;
      const debtors = new Map<AgingBucket, Map<string, number>>(AGING_BUCKETS.map((b) => [b, new Map()]));
      for (const inv of open) {
        if (inv.currency !== currency || inv.balance <= 0) continue;
        const bucket = bucketOf(daysBetween(inv.dueDate, asOf));
        const per = debtors.get(bucket)!;
        const who = inv.customerId ?? 'unknown';
        per.set(who, (per.get(who) ?? 0) + inv.balance);
      }
      const topDebtors = Object.fromEntries(
        AGING_BUCKETS.map((b) => [
          b,
          [...debtors.get(b)!.entries()]
            .sort((x, y) => y[1] - x[1])
            .slice(0, 5)
            .map(([customerId, amount]): Debtor => ({ customerId, name: customerId, amount })),
        ]),
      ) as Record<AgingBucket, Debtor[]>;
      const trend = spans.map((p, i): KpiPoint => {
        const s = sums[i]!.get(currency) ?? {};
        const last = i === spans.length - 1;
        return {
          periodStart: p.from,
          periodEnd: p.to,
          dso: last ? dso({ receivables: total, creditSales: window.get(currency)?.creditSales ?? 0, days: DSO_DAYS }) : null,
          countbackDso: null,
          bestPossibleDso: null,
          add: null,
          cei: null,
          openingAr: 0,
          closingAr: last ? total : 0,
          closingCurrentAr: last ? buckets.current : 0,
          creditSales: s.creditSales ?? 0,
          collected: s.collections ?? 0,
        };
      });
      const now = sums[sums.length - 1]!.get(currency) ?? {};
      const none = { count: 0, amount: 0 };
      return {
        currency,
        aging: { buckets, total, disputed: 0, topDebtors },
        kpi: trend[trend.length - 1]!,
        trend,
        cash: {
          collected: now.collections ?? 0,
          bySource: { bank: 0, stripe: 0, manual: 0 },
          invoiced: now.sales ?? 0,
          discountsOffered: 0,
          discountsTaken: 0,
          unapplied: 0,
          deductions: 0,
          disputesOpened: none,
          disputesResolved: none,
          creditNotes: { count: 0, amount: now.creditNotes ?? 0 },
          writeOffs: none,
          feesCharged: 0,
        },
        revenueByChannel: [],
      };
    });
    const pack: FinancePack = {
      kind,
      asOf,
      period,
      company: { name: deps.company.name, timezone: deps.company.timezone },
      currencies,
      orderToCash: { orderToInvoiceDays: null, orderToCashDays: null, ordersByChannel: [], orderErrors: [], duplicatesAbsorbed: 0, backorders: 0 },
      automation: { orders: 0, touchlessOrders: 0, touchlessShare: null, paymentsApplied: 0, paymentsAutoMatched: 0, autoMatchRate: null, manualActions: [] },
      accounts: { onCreditHold: 0, suspended: 0, withAgency: 0, promisesDue: [] },
    };
    return pack;
  };
}
