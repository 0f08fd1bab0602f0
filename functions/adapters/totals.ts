/**
 * The items that add to the period totals in a business transaction: a journal entry with its ledger lines and
 * ledger totals (the trial balance), and the report aggregates (the finance pack) — per day, month and since
 * inception (README "Aggregates, kept exactly once per event").
 */
import { ledgerMovements } from '#domain/ledger';
import { mergeTotals, METRIC, STOCK_METRICS, type TotalsAdd } from '#domain/figures';
import type { IsoDate, JournalEntry } from '#domain/model';
import type { DuplicateDeliveries } from '../ports.ts';
import { isConditionFailure, setExpression, transactWrite, type DynamoTable, type TransactItem } from './dynamo.ts';
import { AGGREGATE_INCEPTION, ITEM_TYPES, Keys, TTL_ATTRIBUTE } from './table-schema.ts';

/**
 * Put items for a journal entry and one ledger line per posting (by account and month), and the entry's
 * movements added to the day's and the month's ledger totals of its currency (the trial balance reads these).
 */
export function journalItems(t: DynamoTable, entry: JournalEntry): TransactItem[] {
  return [
    ...dayAndMonth(t, 'ledger', entry.date, entry.currency, Object.entries(ledgerMovements(entry))),
    { Put: { TableName: t.name, Item: { ...Keys.journal(entry.id), type: ITEM_TYPES.journal, ...entry }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ...entry.lines.map((line, n) => ({
      Put: {
        TableName: t.name,
        Item: { ...Keys.ledgerLine(line.account, entry.currency, entry.date, entry.id, n), type: ITEM_TYPES.ledgerLine, entryId: entry.id, date: entry.date, currency: entry.currency, ...line },
      },
    })),
  ];
}

/**
 * Adds `add` to a totals item of a day or a month (`kind`: `totals` for the reports, `ledger` for the trial
 * balance), setting its fixed attributes; monthly ledger totals carry the ledger-periods index keys, monthly
 * report totals the totals-periods ones; `firstSale` is kept once (the inception item's first day of credit sales).
 */
function addToTotals(t: DynamoTable, kind: 'totals' | 'ledger', period: string, currency: string, add: readonly (readonly [string, number])[], firstSale?: IsoDate): TransactItem {
  const monthly = period.length === 7;
  const indexed = monthly ? (kind === 'ledger' ? Keys.ledgerTotalsPeriod(period, currency) : Keys.totalsPeriod(period, currency)) : {};
  const fixed = setExpression({ type: kind === 'ledger' ? ITEM_TYPES.ledgerTotals : ITEM_TYPES.aggregate, period, currency, ...indexed }, { prefix: 's' });
  const clauses = [...fixed.clauses, ...(firstSale ? ['firstSale = if_not_exists(firstSale, :firstSale)'] : [])];
  return {
    Update: {
      TableName: t.name,
      Key: Keys.aggregate(period, kind, currency),
      UpdateExpression: `SET ${clauses.join(', ')} ADD ${add.map((_, i) => `#m${i} :m${i}`).join(', ')}`,
      ExpressionAttributeNames: { ...fixed.names, ...Object.fromEntries(add.map(([k], i) => [`#m${i}`, k])) },
      ExpressionAttributeValues: { ...fixed.values, ...(firstSale ? { ':firstSale': firstSale } : {}), ...Object.fromEntries(add.map(([, v], i) => [`:m${i}`, v])) },
    },
  };
}

/** The day's and the month's `kind` totals, each plus `add`. */
const dayAndMonth = (t: DynamoTable, kind: 'totals' | 'ledger', date: IsoDate, currency: string, add: readonly (readonly [string, number])[]) =>
  [date, date.slice(0, 7)].map((period) => addToTotals(t, kind, period, currency, add));

/**
 * The report aggregates of a change, in the change's own transaction (so each is added exactly once): one update
 * per day and currency, one per month and currency (the adds merged: a transaction touches an item once), and the
 * stock metrics (AR, current AR, unapplied cash) added to the currency's since-inception item.
 */
export function totalsItems(t: DynamoTable, adds: readonly TotalsAdd[]): TransactItem[] {
  const days = mergeTotals(adds);
  const months = mergeTotals(days.map((d) => ({ ...d, on: d.on.slice(0, 7) })));
  const inception = mergeTotals(days.map((d) => ({ on: AGGREGATE_INCEPTION, currency: d.currency, add: Object.fromEntries(Object.entries(d.add).filter(([k]) => STOCK_METRICS.includes(k))) })));
  const firstSale = new Map<string, IsoDate>();
  for (const d of days) if ((d.add[METRIC.creditSales] ?? 0) > 0 && (!firstSale.has(d.currency) || d.on < firstSale.get(d.currency)!)) firstSale.set(d.currency, d.on);
  return [
    ...days.map((d) => addToTotals(t, 'totals', d.on, d.currency, Object.entries(d.add))),
    ...months.map((m) => addToTotals(t, 'totals', m.on, m.currency, Object.entries(m.add))),
    ...inception.map((i) => addToTotals(t, 'totals', i.on, i.currency, Object.entries(i.add), firstSale.get(i.currency))),
  ];
}

/** Adds to daily and monthly aggregates (reports read these, never the invoices), with the stock moves of balance changes. */
export function aggregateItems(t: DynamoTable, date: IsoDate, currency: string, add: Readonly<Record<string, number>>, changes: readonly TotalsAdd[] = []): TransactItem[] {
  return totalsItems(t, [{ on: date, currency, add }, ...changes]);
}


/** How long a duplicate's marker is kept: longer than any redelivery (SQS keeps a message at most 14 days). */
const DUPLICATE_MARK_SECONDS = 30 * 24 * 3600;

/**
 * Port `DuplicateDeliveries`: the delivery's marker (`DUPLICATE#<entity>` / `<deliveryId>`, put only if absent) and
 * the day's `duplicatesAbsorbed` in one transaction — a retry of the same delivery fails the marker and adds nothing.
 */
export function dynamoDuplicates(t: DynamoTable): DuplicateDeliveries {
  return {
    async count({ entity, deliveryId, on, currency, metric = METRIC.duplicates }) {
      const mark: TransactItem = {
        Put: {
          TableName: t.name,
          Item: { ...Keys.duplicateDelivery(entity, deliveryId), type: ITEM_TYPES.duplicateDelivery, entity, deliveryId, on, [TTL_ATTRIBUTE]: Math.floor(Date.parse(`${on}T00:00:00Z`) / 1000) + DUPLICATE_MARK_SECONDS },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      };
      try {
        await transactWrite(t, [mark, ...totalsItems(t, [{ on, currency, add: { [metric]: 1 } }])]);
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
  };
}
