/**
 * Invoices, their numbers and their postings. Issuing is one TransactWriteItems:
 * the series counter moves from n to n+1, the invoice is put, the order moves
 * shipped → invoiced, the journal entry and its ledger lines and the day's
 * aggregates are written — all of it or none, so a failed write never consumes
 * a number (gapless) and no invoice exists without its ledger entry.
 */
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { buildInvoice } from '#domain/invoice';
import { assertBalanced } from '#domain/ledger';
import type { Allocation, Invoice, IsoDate, JournalEntry, Payment, PaymentTerms, TaxPolicy } from '#domain/model';
import { env } from '#runtime';
import { documentClient, failedConditions, isConditionFailure, isTransactionConflict, queryAll } from './dynamo.ts';
import type { StoredOrder } from './orders.ts';
import { GSI_BY_CUSTOMER, GSI_OPEN_BY_DUE, Keys, OPEN_INVOICE_SHARDS } from './table-schema.ts';

const table = () => env('TABLE_NAME');

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

export async function getInvoice(number: string): Promise<Invoice | undefined> {
  const r = await documentClient().send(new GetCommand({ TableName: table(), Key: Keys.invoice(number), ConsistentRead: true }));
  return r.Item as Invoice | undefined;
}

/** Put items for a journal entry and one ledger line per posting (by account and month). */
export function journalItems(entry: JournalEntry): TransactItem[] {
  assertBalanced(entry);
  return [
    { Put: { TableName: table(), Item: { ...Keys.journal(entry.id), type: 'JournalEntry', ...entry }, ConditionExpression: 'attribute_not_exists(pk)' } },
    ...entry.lines.map((line, n) => ({
      Put: {
        TableName: table(),
        Item: { ...Keys.ledgerLine(line.account, entry.currency, entry.date, entry.id, n), type: 'LedgerLine', entryId: entry.id, date: entry.date, currency: entry.currency, ...line },
      },
    })),
  ];
}

/** Adds to daily and monthly aggregates (reports read these, never the invoices). */
function aggregateItems(date: IsoDate, currency: string, add: Record<string, number>): TransactItem[] {
  const metrics = Object.entries(add).filter(([, v]) => v !== 0);
  if (metrics.length === 0) return [];
  return [date, date.slice(0, 7)].map((period) => ({
    Update: {
      TableName: table(),
      Key: Keys.aggregate(period, 'totals', currency),
      UpdateExpression: `SET #type = :type, #period = :period, #currency = :ccy ADD ${metrics.map((_, i) => `#m${i} :m${i}`).join(', ')}`,
      ExpressionAttributeNames: { '#type': 'type', '#period': 'period', '#currency': 'currency', ...Object.fromEntries(metrics.map(([k], i) => [`#m${i}`, k])) },
      ExpressionAttributeValues: { ':type': 'Aggregate', ':period': period, ':ccy': currency, ...Object.fromEntries(metrics.map(([, v], i) => [`:m${i}`, v])) },
    },
  }));
}

/** Full-jitter exponential backoff, capped at 250 ms. */
const backoff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(250, 10 * 2 ** attempt)));

export interface IssueRequest {
  readonly order: StoredOrder;
  readonly series: string;
  readonly issueDate: IsoDate;
  readonly terms: PaymentTerms;
  readonly policy: TaxPolicy;
  /** Builds the ledger entry for the invoice (domain ledger). */
  readonly entryFor: (invoice: Invoice) => JournalEntry;
}

export class InvoiceConflict extends Error {
  override readonly name = 'InvoiceConflict';
}

/**
 * Issues the order's invoice with the next number of its series and year.
 * Returns the existing invoice if the order has one (a re-run changes nothing).
 */
export async function issueInvoice(req: IssueRequest, attempts = 30): Promise<{ invoice: Invoice; created: boolean }> {
  const { order } = req;
  const year = Number(req.issueDate.slice(0, 4));
  const counterKey = Keys.invoiceCounter(req.series, year);
  for (let attempt = 0; attempt < attempts; attempt++) {
    const current = await documentClient().send(new GetCommand({ TableName: table(), Key: counterKey, ConsistentRead: true }));
    const seq = (current.Item?.seq as number | undefined) ?? 0;
    const invoice = buildInvoice({
      order,
      series: req.series,
      year,
      sequence: seq + 1,
      issueDate: req.issueDate,
      terms: req.terms,
      policy: req.policy,
      paid: order.paymentMode === 'prepaid',
    });
    const entry = req.entryFor(invoice);
    const open = invoice.balance > 0 ? Keys.openInvoice(invoice.number, invoice.dueDate) : {};
    const items: TransactItem[] = [
      {
        Update: {
          TableName: table(),
          Key: counterKey,
          UpdateExpression: 'SET seq = :next, #type = :type',
          ConditionExpression: seq === 0 ? 'attribute_not_exists(seq)' : 'seq = :seq',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':next': seq + 1, ':type': 'InvoiceCounter', ...(seq === 0 ? {} : { ':seq': seq }) },
        },
      },
      {
        Put: {
          TableName: table(),
          Item: { ...Keys.invoice(invoice.number), ...Keys.invoiceByCustomer(invoice.customerId, invoice.issueDate, invoice.number), ...open, type: 'Invoice', ...invoice, version: 1 },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: table(),
          Key: Keys.order(order.id),
          UpdateExpression: 'SET #status = :invoiced, invoiceNumber = :n, #version = #version + :one, updatedAt = :at',
          ConditionExpression: '#status = :shipped AND attribute_not_exists(invoiceNumber)',
          ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
          ExpressionAttributeValues: { ':invoiced': 'invoiced', ':shipped': 'shipped', ':n': invoice.number, ':one': 1, ':at': new Date().toISOString() },
        },
      },
      {
        Put: {
          TableName: table(),
          Item: { ...Keys.orderEvent(order.id, new Date().toISOString(), 'invoice'), type: 'OrderEvent', orderId: order.id, at: new Date().toISOString(), step: 'invoice', status: 'invoiced', detail: invoice.number },
        },
      },
      ...journalItems(entry),
      ...aggregateItems(invoice.issueDate, invoice.currency, {
        creditSales: order.paymentMode === 'terms' ? invoice.totals.total : 0,
        sales: invoice.totals.total,
        invoices: 1,
      }),
    ];
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
      return { invoice, created: true };
    } catch (error) {
      if (isTransactionConflict(error)) {
        await backoff(attempt);
        continue;
      }
      if (!isConditionFailure(error)) throw error;
      const failed = failedConditions(error);
      if (failed.includes(2)) {
        const fresh = await documentClient().send(new GetCommand({ TableName: table(), Key: Keys.order(order.id), ConsistentRead: true }));
        const number = fresh.Item?.invoiceNumber as string | undefined;
        const existing = number ? await getInvoice(number) : undefined;
        if (existing) return { invoice: existing, created: false };
        throw new InvoiceConflict(`order ${order.id} is ${String(fresh.Item?.status)}, not shipped: no invoice issued`);
      }
      if (!failed.includes(0)) throw error; // some other condition: not a counter race
      await backoff(attempt); // another invoice took this number first: read the counter again
    }
  }
  throw new InvoiceConflict(`could not allocate an invoice number in ${req.series}-${year} after ${attempts} attempts`);
}

/** Open invoices due before `before` (exclusive), from every shard of the sparse index, in parallel. */
export async function openInvoicesDueBefore(before: IsoDate | '9999-12-31'): Promise<Invoice[]> {
  const shards = Array.from({ length: OPEN_INVOICE_SHARDS }, (_, i) => i);
  const pages = await Promise.all(
    shards.map((shard) =>
      queryAll<Invoice>({
        TableName: table(),
        IndexName: GSI_OPEN_BY_DUE.indexName,
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk < :before',
        ExpressionAttributeValues: { ':pk': Keys.openShard(shard), ':before': before },
      }),
    ),
  );
  return pages.flat();
}

export function openInvoicesOfCustomer(customerId: string): Promise<Invoice[]> {
  return queryAll<Invoice>({
    TableName: table(),
    IndexName: GSI_BY_CUSTOMER.indexName,
    KeyConditionExpression: 'gsi1pk = :pk AND begins_with(gsi1sk, :p)',
    FilterExpression: 'balance > :zero',
    ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}`, ':p': 'INVOICE#', ':zero': 0 },
  });
}

export async function paymentExists(id: string): Promise<boolean> {
  const r = await documentClient().send(new GetCommand({ TableName: table(), Key: Keys.payment(id), ProjectionExpression: 'pk', ConsistentRead: true }));
  return r.Item !== undefined;
}

export class PaymentConflict extends Error {
  override readonly name = 'PaymentConflict';
}

export interface PaymentApplication {
  readonly payment: Payment;
  readonly allocations: readonly Allocation[];
  readonly discounts: readonly Allocation[];
  readonly invoices: readonly Invoice[];
  readonly entry: JournalEntry;
  readonly unapplied: number;
}

/**
 * Applies a payment: the payment item (once per payment id), each invoice's new
 * balance guarded by the balance read (optimistic), the open-index keys removed
 * when an invoice is paid, and the journal entry — one transaction.
 * Returns false if this payment was applied before.
 */
export async function applyPayment(app: PaymentApplication): Promise<boolean> {
  const byId = new Map(app.invoices.map((i) => [i.id, i]));
  const settle = new Map<string, number>();
  for (const a of [...app.allocations, ...app.discounts]) settle.set(a.invoiceId, (settle.get(a.invoiceId) ?? 0) + a.amount);
  const invoiceUpdates: TransactItem[] = [...settle].map(([id, amount]) => {
    const inv = byId.get(id);
    if (!inv) throw new Error(`allocation to unknown invoice ${id}`);
    const balance = inv.balance - amount;
    if (balance < 0) throw new Error(`allocation exceeds the balance of ${id}`);
    const status = balance === 0 ? 'paid' : 'partially_paid';
    return {
      Update: {
        TableName: table(),
        Key: Keys.invoice(inv.number),
        UpdateExpression: `SET balance = :b, #status = :s, #version = #version + :one${balance === 0 ? ' REMOVE gsi2pk, gsi2sk' : ''}`,
        ConditionExpression: 'balance = :expected',
        ExpressionAttributeNames: { '#status': 'status', '#version': 'version' },
        ExpressionAttributeValues: { ':b': balance, ':s': status, ':one': 1, ':expected': inv.balance },
      },
    };
  });
  const applied = app.allocations.reduce((a, x) => a + x.amount, 0);
  const items: TransactItem[] = [
    {
      Put: {
        TableName: table(),
        Item: {
          ...Keys.payment(app.payment.id),
          ...(app.payment.payerReference ? Keys.paymentByReference(app.payment.payerReference, app.payment.receivedOn, app.payment.id) : {}),
          type: 'Payment',
          ...app.payment,
          allocations: app.allocations,
          discounts: app.discounts,
          unapplied: app.unapplied,
          appliedAt: new Date().toISOString(),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...invoiceUpdates,
    ...journalItems(app.entry),
    ...aggregateItems(app.payment.receivedOn, app.payment.currency, { collections: applied, unappliedCash: app.unapplied }),
  ];
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const failed = failedConditions(error);
    if (failed.includes(0)) return false;
    throw new PaymentConflict(`an invoice changed while applying payment ${app.payment.id}; it will be retried`);
  }
}

/**
 * The state of one invoice's dunning level: `new` — claimed by this call;
 * `pending` — claimed earlier but never confirmed queued (that run died between
 * claiming and queueing: queue it again, the reminder's mail key dedupes);
 * `queued` — done before, nothing to do.
 */
export type DunningClaim = 'new' | 'pending' | 'queued';

/** Claims a dunning level of an invoice (conditional put of its DUNNING# item). */
export async function claimDunningLevel(number: string, level: number, asOf: IsoDate): Promise<DunningClaim> {
  try {
    await documentClient().send(
      new PutCommand({
        TableName: table(),
        Item: { ...Keys.dunning(number, level), type: 'Dunning', invoiceNumber: number, level, asOf, at: new Date().toISOString() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return 'new';
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const mark = await documentClient().send(new GetCommand({ TableName: table(), Key: Keys.dunning(number, level), ConsistentRead: true }));
    return mark.Item?.queuedAt ? 'queued' : 'pending';
  }
}

/**
 * Confirms a claimed level queued: stamps the DUNNING# item and adds the level
 * to the invoice's `dunningLevels` (once; a second confirmation changes nothing).
 */
export async function confirmDunningQueued(number: string, level: number): Promise<void> {
  const at = new Date().toISOString();
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table(),
              Key: Keys.dunning(number, level),
              UpdateExpression: 'SET queuedAt = if_not_exists(queuedAt, :at)',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':at': at },
            },
          },
          {
            Update: {
              TableName: table(),
              Key: Keys.invoice(number),
              UpdateExpression: 'SET dunningLevels = list_append(if_not_exists(dunningLevels, :empty), :levels)',
              ConditionExpression: 'attribute_exists(pk) AND NOT contains(dunningLevels, :level)',
              ExpressionAttributeValues: { ':empty': [], ':levels': [level], ':level': level },
            },
          },
        ],
      }),
    );
  } catch (error) {
    // Only "already confirmed" is expected here; a missing mark or invoice is a bug.
    if (!isConditionFailure(error) || !failedConditions(error).every((i) => i === 1)) throw error;
  }
}

/** Sums of an aggregate metric over the days [from, to] (inclusive), per currency. */
export async function aggregateTotals(days: readonly IsoDate[]): Promise<Map<string, Record<string, number>>> {
  const out = new Map<string, Record<string, number>>();
  await Promise.all(
    days.map(async (day) => {
      const r = await documentClient().send(new QueryCommand({ TableName: table(), KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': `AGG#${day}` } }));
      for (const item of r.Items ?? []) {
        const sums = out.get(item.currency as string) ?? {};
        for (const [k, v] of Object.entries(item)) if (typeof v === 'number') sums[k] = (sums[k] ?? 0) + v;
        out.set(item.currency as string, sums);
      }
    }),
  );
  return out;
}

