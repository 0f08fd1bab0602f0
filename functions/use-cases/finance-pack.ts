/**
 * The finance pack's figures as of a day (`financePack`): what finance's flash, weekly and month-end packs and
 * `o2c report show` carry. Reads aggregates and open items only, never the invoice history:
 * 1. The day (default: today in the company's zone) and the periods (domain `kpiPeriods`, `flowPeriods`).
 * 2. The invoices that may have been open at the end of the day: the open-by-due index now, plus those settled
 *    after the day (settled-on pointers); for the few with a dispute open now or resolved after the day, their
 *    disputes, to tell what was disputed then.
 * 3. The flows of each period: full months from the monthly aggregates (one index query), the rest from the days.
 * 4. The stocks (AR, current AR, unapplied cash) at each period boundary: the since-inception item less the months
 *    after the boundary's month and the days after it in its month.
 * 5. The customers' names and collections statuses as of the day (one partition; each status's changes ride along,
 *    domain `statusAsOf`).
 * 6. The domain computes the pack (`computeFinancePack`).
 */
import { addDays, todayIn } from '#domain/dates';
import { computeFinancePack, flowPeriods, packPeriod, statusAsOf, stockDays, STOCK_METRICS, type Metrics, type OpenItemInput, type Period, type Stocks } from '#domain/figures';
import type { FinancePack, PackKind } from '#domain/finance-pack';
import type { Invoice, IsoDate } from '#domain/model';
import type { Aggregates, Clock, Company, Disputes, FigureSources, Invoices, PeriodTotals } from '../ports.ts';

export interface FinancePackDeps {
  readonly invoices: Pick<Invoices, 'openDueBefore'>;
  readonly disputes: Pick<Disputes, 'ofInvoice'>;
  readonly aggregates: Aggregates;
  readonly figures: FigureSources;
  readonly clock: Clock;
  readonly company: Pick<Company, 'name' | 'timezone'>;
}

/** Later than any due date: every open invoice. */
const END_OF_TIME = '9999-12-31';

const lastOfMonth = (month: string) => {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return addDays(m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`, -1);
};
const isFullMonth = (p: Period) => p.from.endsWith('-01') && p.to === lastOfMonth(p.from.slice(0, 7)) && p.from.slice(0, 7) === p.to.slice(0, 7);

function daysOf(p: Period): IsoDate[] {
  const out: IsoDate[] = [];
  for (let d = p.from; d <= p.to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Adds `from` into `into`, per currency. */
function addInto(into: Map<string, Record<string, number>>, from: PeriodTotals | undefined, sign = 1) {
  for (const [currency, metrics] of from ?? []) {
    const row = into.get(currency) ?? {};
    for (const [k, v] of Object.entries(metrics)) row[k] = (row[k] ?? 0) + sign * v;
    into.set(currency, row);
  }
}

/** The part of each invoice's balance under a dispute open at the end of `asOf`. */
async function disputedAsOf(invoice: Invoice, asOf: IsoDate, deps: FinancePackDeps): Promise<number> {
  if (!((invoice.disputed ?? 0) > 0 || (invoice.disputeResolvedOn !== undefined && invoice.disputeResolvedOn > asOf))) return 0;
  const disputes = await deps.disputes.ofInvoice(invoice.number);
  return disputes.filter((d) => d.openedOn <= asOf && (d.status === 'open' || (d.resolvedOn !== undefined && d.resolvedOn > asOf))).reduce((a, d) => a + d.amount, 0);
}

export async function financePack(input: { kind: PackKind; asOf?: IsoDate }, deps: FinancePackDeps): Promise<FinancePack> {
  const today = todayIn(deps.company.timezone, deps.clock.now());
  const asOf = input.asOf ?? today;
  const { kind } = input;

  // 2. Open then: open now, or settled after the day.
  const [open, settledNumbers, directory] = await Promise.all([deps.invoices.openDueBefore(END_OF_TIME), deps.figures.settledAfter(asOf, asOf > today ? asOf : today), deps.figures.customerDirectory()]);
  const openNumbers = new Set(open.map((i) => i.number));
  const settled = await deps.figures.invoicesOf(settledNumbers.filter((n) => !openNumbers.has(n)));
  const candidates = [...open, ...settled].filter((i) => i.issueDate <= asOf);
  const openItems: OpenItemInput[] = [];
  for (let i = 0; i < candidates.length; i += 25) {
    const batch = candidates.slice(i, i + 25);
    openItems.push(...(await Promise.all(batch.map(async (invoice) => ({ invoice, disputedAsOf: await disputedAsOf(invoice, asOf, deps) })))));
  }

  // 3–4. Flows and stocks.
  const periods = flowPeriods(kind, asOf);
  const boundaries = stockDays(kind, asOf);
  const pack = packPeriod(kind, asOf);
  const needDays = new Set<IsoDate>();
  for (const p of [...periods, pack]) if (!isFullMonth(p)) daysOf(p).forEach((d) => needDays.add(d));
  for (const b of boundaries) daysOf({ from: addDays(b, 1), to: lastOfMonth(b.slice(0, 7)) }).forEach((d) => needDays.add(d));
  const firstMonth = [periods[0]!.from, ...boundaries].sort()[0]!.slice(0, 7);
  const [days, months, inception] = await Promise.all([deps.aggregates.days([...needDays].sort()), deps.aggregates.monthsFrom(firstMonth), deps.aggregates.sinceInception()]);

  const flowsOf = (p: Period) => {
    const sum = new Map<string, Record<string, number>>();
    if (isFullMonth(p)) addInto(sum, months.get(p.from.slice(0, 7)));
    else for (const d of daysOf(p)) addInto(sum, days.get(d));
    return sum;
  };
  const periodSums = periods.map(flowsOf);
  const packSum = flowsOf(pack);
  const currencies = new Set<string>([...inception.keys(), ...periodSums.flatMap((s) => [...s.keys()]), ...packSum.keys()]);
  const periodFlows = new Map<string, Metrics[]>([...currencies].map((c) => [c, periodSums.map((s) => s.get(c) ?? {})]));

  const stocks = new Map<string, Map<IsoDate, Stocks & { unapplied: number }>>();
  for (const b of boundaries) {
    const later = new Map<string, Record<string, number>>();
    for (const [month, totals] of months) if (month > b.slice(0, 7)) addInto(later, totals);
    for (const d of daysOf({ from: addDays(b, 1), to: lastOfMonth(b.slice(0, 7)) })) addInto(later, days.get(d));
    for (const currency of currencies) {
      const base = inception.get(currency)?.metrics ?? {};
      const at = (k: string) => (base[k] ?? 0) - (later.get(currency)?.[k] ?? 0);
      const row = stocks.get(currency) ?? new Map();
      row.set(b, { ar: at(STOCK_METRICS[0]!), currentAr: at(STOCK_METRICS[1]!), unapplied: at(STOCK_METRICS[2]!) });
      stocks.set(currency, row);
    }
  }
  const bookStart = new Map<string, IsoDate>([...inception].flatMap(([c, v]) => (v.firstSale ? [[c, v.firstSale] as const] : [])));

  // 5. Names, and statuses as of the day (from each status's history; without one, as now).
  const names = new Map(directory.map((c) => [c.customerId, c.name]));
  const statuses = directory.map((c) => statusAsOf(c.collectionsStatus, c.collectionsHistory, asOf));
  const count = (status: string) => statuses.filter((s) => s === status).length;

  return computeFinancePack(kind, asOf, {
    company: { name: deps.company.name, timezone: deps.company.timezone },
    openItems,
    names,
    periodFlows,
    packFlows: new Map([...currencies].map((c) => [c, packSum.get(c) ?? {}])),
    stocks,
    bookStart,
    accounts: { onCreditHold: count('credit-hold'), suspended: count('suspended'), withAgency: count('with-agency') },
  });
}
