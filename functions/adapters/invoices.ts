/**
 * Invoices, payments, dunning marks and aggregates on the single table (ports
 * `Invoices`, `Payments`, `DunningMarks`, `Aggregates`). Persistence only: the
 * use cases decide numbers, balances, statuses and postings; this writes each
 * decision as one TransactWriteItems — the business change, its journal entry
 * and ledger lines, and the aggregates — all of it or none.
 */
import { BatchGetCommand, GetCommand, PutCommand, QueryCommand, type BatchGetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { balanceChange, METRIC, type StatusChange } from '#domain/figures';
import { assertBalanced, ledgerMovements } from '#domain/ledger';
import type { CreditNote, Invoice, InvoiceEvent, IsoDate, JournalEntry } from '#domain/model';
import { ConcurrentUpdate, PaymentConflict } from '../errors.ts';
import { auditItems } from './audit.ts';
import { aggregateItems, journalItems } from './totals.ts';
import type { Aggregates, ClaimedKey, DunningMarks, FigureSources, InvoiceAdjustment, InvoiceIssue, InvoiceRef, Invoices, Ledger, PaymentApplication, PaymentEvidence, PaymentReturns, PaymentReturnWrite, Payments, ProposalRejectionWrite, StoredPayment, StoredReturn, UnappliedMove } from '../ports.ts';
import { queryByCustomer } from './customers.ts';
import { failedConditions, isConditionFailure, isTransactionConflict, queryAll, setExpression, transactWrite, type DynamoTable, type TransactItem } from './dynamo.ts';
import { orderChangeItems } from './orders.ts';
import { AGGREGATE_INCEPTION, GSI_BY_CUSTOMER, GSI_OPEN_BY_DUE, ITEM_TYPES, Keys, NEXT_ACTION_SHARDS, OPEN_INDEX_ATTRIBUTES, OPEN_INVOICE_SHARDS, TTL_ATTRIBUTE, VERSION_ATTRIBUTE } from './table-schema.ts';
import { REQUEST_KEY_TTL_SECONDS } from './request-keys.ts';

export { aggregateItems, journalItems, totalsItems } from './totals.ts';

/** Moves a document series' counter from `sequence − 1` to `sequence` (the condition fails when another document took the number). */
function counterItem(t: DynamoTable, doc: { readonly series: string; readonly year: number; readonly sequence: number }): TransactItem {
  const seq = doc.sequence - 1;
  return {
    Update: {
      TableName: t.name,
      Key: Keys.invoiceCounter(doc.series, doc.year),
      UpdateExpression: 'SET seq = :next, #type = :type',
      ConditionExpression: seq === 0 ? 'attribute_not_exists(seq)' : 'seq = :seq',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':next': doc.sequence, ':type': ITEM_TYPES.invoiceCounter, ...(seq === 0 ? {} : { ':seq': seq }) },
    },
  };
}

/** The client's key claimed with the document: the same key again fails this condition and finds the first answer. */
function requestKeyItem(t: DynamoTable, k: ClaimedKey, answer: string): TransactItem {
  return {
    Put: {
      TableName: t.name,
      Item: { ...Keys.requestKey(k.scope, k.key), type: ITEM_TYPES.requestKey, hash: k.bodyHash, result: answer, [TTL_ATTRIBUTE]: Math.floor(Date.parse(k.at) / 1000) + REQUEST_KEY_TTL_SECONDS },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** A settled invoice leaves both families of the second index: its open-by-due keys and its next action date. */
const SETTLED_REMOVES = [...OPEN_INDEX_ATTRIBUTES, 'nextActionOn'].join(', ');

/** The invoice's next action item put at `on` (its place in the next-action index, in its customer's shard), or deleted for none. */
function nextActionItem(t: DynamoTable, invoice: InvoiceRef, on: IsoDate | null | undefined): TransactItem {
  const { number, customerId } = invoice;
  return on
    ? { Put: { TableName: t.name, Item: { ...Keys.nextAction(number), ...Keys.nextActionIndex(customerId, number, on), type: ITEM_TYPES.nextAction, invoiceNumber: number, customerId, nextActionOn: on } } }
    : { Delete: { TableName: t.name, Key: Keys.nextAction(number) } };
}

/** `SET` clauses appending events to an invoice's history (none for no events). */
function historyClause(events: readonly InvoiceEvent[]): { clause: string; values: Record<string, unknown> } {
  return events.length === 0 ? { clause: '', values: {} } : { clause: ', history = list_append(if_not_exists(history, :noHistory), :events)', values: { ':noHistory': [], ':events': events } };
}

/** The settled-on pointer of an invoice settled on `on` (aging as of an earlier day reads these: it was open then). */
function settledItem(t: DynamoTable, number: string, on: IsoDate): TransactItem {
  return { Put: { TableName: t.name, Item: { ...Keys.settledInvoice(number, on), type: ITEM_TYPES.settledInvoice, invoiceNumber: number, settledOn: on } } };
}

/** What settling an invoice writes besides it: its next action item deleted, its settled-on pointer put. */
const onSettled = (t: DynamoTable, number: string, on: IsoDate) => [{ Delete: { TableName: t.name, Key: Keys.nextAction(number) } } satisfies TransactItem, settledItem(t, number, on)];

/** The day an adjustment happened: its history event's, else its entry's. */
const adjustmentDay = (a: InvoiceAdjustment) => a.event?.on ?? a.entry.date;

/** The stock moves (AR, current AR; with `cash`, the order-to-cash days when it is paid off) of an invoice going from `before` to `after` on `on`. */
/** `cash`: paid by a payment (the order-to-cash days, paid off); `manual`: a person allocated the cash (not touchless). */
const moves = (before: Invoice, after: number, on: IsoDate, cash = false, manual = false) => balanceChange(before, after - before.balance, on, cash && after === 0 && before.balance > 0, manual);

/** The next action items of the invoices an adjustment settles (deleted with the settlement), and their settled-on pointers. */
const settledPointers = (t: DynamoTable, adjustments: readonly InvoiceAdjustment[]) =>
  adjustments.filter((a) => a.after.balance === 0 && a.before.balance > 0).flatMap((a) => onSettled(t, a.before.number, adjustmentDay(a)));

/** The invoice's new balance, status and credited total, only if its balance is still the one read; settled invoices leave the open index. */
function adjustmentItem(t: DynamoTable, { before, after, event }: InvoiceAdjustment): TransactItem {
  const settled = after.balance === 0 && before.balance > 0;
  const history = historyClause(event && event.amount > 0 ? [event] : []);
  return {
    Update: {
      TableName: t.name,
      Key: Keys.invoice(before.number),
      UpdateExpression: `SET balance = :b, #status = :s, credited = :c, #version = #version + :one${history.clause}${settled ? ` REMOVE ${SETTLED_REMOVES}` : ''}`,
      ConditionExpression: 'balance = :expected AND #status = :was',
      ExpressionAttributeNames: { '#status': 'status', '#version': VERSION_ATTRIBUTE },
      ExpressionAttributeValues: { ':b': after.balance, ':s': after.status, ':c': after.credited ?? 0, ':one': 1, ':expected': before.balance, ':was': before.status, ...history.values },
    },
  };
}

/** An invoice's new balance and status after cash, guarded by the balance read, with the history events. */
function settlementItem(t: DynamoTable, invoice: Invoice, balance: number, status: Invoice['status'], events: readonly InvoiceEvent[]): TransactItem {
  const history = historyClause(events);
  return {
    Update: {
      TableName: t.name,
      Key: Keys.invoice(invoice.number),
      UpdateExpression: `SET balance = :b, #status = :s, #version = #version + :one${history.clause}${balance === 0 ? ` REMOVE ${SETTLED_REMOVES}` : ''}`,
      ConditionExpression: 'balance = :expected',
      ExpressionAttributeNames: { '#status': 'status', '#version': VERSION_ATTRIBUTE },
      ExpressionAttributeValues: { ':b': balance, ':s': status, ':one': 1, ':expected': invoice.balance, ...history.values },
    },
  };
}

/**
 * Writes a change that must happen once (its first item, or its journal entry, keyed by what it records):
 * `exists` when either is there already (done before), `changed` when something else moved meanwhile.
 */
async function writeOnce(t: DynamoTable, items: TransactItem[]): Promise<'written' | 'exists' | 'changed'> {
  try {
    await transactWrite(t, items, 1);
    return 'written';
  } catch (error) {
    if (isTransactionConflict(error)) return 'changed';
    if (!isConditionFailure(error)) throw error;
    const failed = failedConditions(error);
    const entryAt = items.findIndex((i) => i.Put?.Item?.type === ITEM_TYPES.journal);
    return failed.includes(0) || failed.includes(entryAt) ? 'exists' : 'changed';
  }
}

export function dynamoInvoices(t: DynamoTable): Invoices {
  const get = async (number: string) => (await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.invoice(number), ConsistentRead: true }))).Item as Invoice | undefined;
  return {
    get,
    async lastSequence(series, year) {
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.invoiceCounter(series, year), ConsistentRead: true }));
      return (r.Item?.seq as number | undefined) ?? 0;
    },

    async issue({ invoice, order, orderChange, entry, aggregates }: InvoiceIssue) {
      const open = invoice.balance > 0 ? Keys.openInvoice(invoice.number, invoice.dueDate) : {};
      const items: TransactItem[] = [
        counterItem(t, invoice),
        {
          Put: {
            TableName: t.name,
            Item: { ...Keys.invoice(invoice.number), ...Keys.invoiceByCustomer(invoice.customerId, invoice.issueDate, invoice.number), ...open, type: ITEM_TYPES.invoice, ...invoice, [VERSION_ATTRIBUTE]: 1 },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...orderChangeItems(t, order, orderChange),
        ...journalItems(t, entry),
        ...aggregateItems(t, invoice.issueDate, invoice.currency, aggregates, balanceChange(invoice, invoice.balance, invoice.issueDate)),
        ...(invoice.balance > 0 && invoice.nextActionOn ? [nextActionItem(t, invoice, invoice.nextActionOn)] : []),
      ];
      try {
        await transactWrite(t, items, 30);
        return { kind: 'issued' };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const failed = failedConditions(error);
        if (failed.includes(2)) return { kind: 'order-changed' };
        if (failed.includes(0)) return { kind: 'taken' };
        throw error; // some other condition: not a counter race
      }
    },

    async issueCreditNote(creditNote: CreditNote, adjustment: InvoiceAdjustment) {
      const keyItem = adjustment.requestKey ? requestKeyItem(t, adjustment.requestKey, creditNote.number) : undefined;
      const items: TransactItem[] = [
        counterItem(t, creditNote),
        adjustmentItem(t, adjustment),
        { Put: { TableName: t.name, Item: { ...Keys.creditNote(creditNote.invoiceNumber, creditNote.number), type: ITEM_TYPES.creditNote, ...creditNote }, ConditionExpression: 'attribute_not_exists(pk)' } },
        { Put: { TableName: t.name, Item: { ...Keys.creditNoteRef(creditNote.number), type: ITEM_TYPES.creditNoteRef, invoiceNumber: creditNote.invoiceNumber }, ConditionExpression: 'attribute_not_exists(pk)' } },
        ...journalItems(t, adjustment.entry),
        ...auditItems(t, adjustment.audit),
        ...aggregateItems(t, creditNote.issueDate, creditNote.currency, { [METRIC.creditNotes]: creditNote.total, [METRIC.creditNoteCount]: 1 }, moves(adjustment.before, adjustment.after.balance, adjustmentDay(adjustment))),
        ...(keyItem ? [keyItem] : []),
        ...settledPointers(t, [adjustment]),
      ];
      try {
        await transactWrite(t, items, 10);
        return { kind: 'issued' };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const failed = failedConditions(error);
        if (keyItem && adjustment.requestKey && failed.includes(items.indexOf(keyItem))) {
          // A concurrent request under the same key won: its answer is this one's.
          const prior = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.requestKey(adjustment.requestKey.scope, adjustment.requestKey.key), ConsistentRead: true }));
          return prior.Item?.hash === adjustment.requestKey.bodyHash ? { kind: 'replayed', creditNoteNumber: prior.Item.result as string } : { kind: 'key-reused' };
        }
        if (failed.includes(1)) return { kind: 'invoice-changed' };
        if (failed.includes(0)) return { kind: 'taken' };
        throw error;
      }
    },

    async creditNote(invoiceNumber, number) {
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.creditNote(invoiceNumber, number), ConsistentRead: true }));
      return r.Item as CreditNote | undefined;
    },

    async creditNoteByNumber(number) {
      const ref = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.creditNoteRef(number), ConsistentRead: true }));
      const invoiceNumber = ref.Item?.invoiceNumber;
      if (typeof invoiceNumber !== 'string') return undefined;
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.creditNote(invoiceNumber, number), ConsistentRead: true }));
      return r.Item as CreditNote | undefined;
    },

    async creditNotesOf(invoiceNumber) {
      return queryAll<CreditNote>(t, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': Keys.invoice(invoiceNumber).pk, ':p': Keys.creditNotePrefix },
      });
    },

    async adjust(adjustment) {
      try {
        await transactWrite(
          t,
          [
            adjustmentItem(t, adjustment),
            ...journalItems(t, adjustment.entry),
            ...auditItems(t, adjustment.audit),
            ...settledPointers(t, [adjustment]),
            ...aggregateItems(t, adjustmentDay(adjustment), adjustment.before.currency, adjustment.aggregates ?? {}, moves(adjustment.before, adjustment.after.balance, adjustmentDay(adjustment))),
          ],
          1,
        );
      } catch (error) {
        if (isConditionFailure(error) || isTransactionConflict(error)) throw new ConcurrentUpdate(`invoice ${adjustment.before.number} changed meanwhile; nothing was written`);
        throw error;
      }
    },

    async chargeFee({ before, fee, entry }) {
      const event: InvoiceEvent = { on: fee.on, kind: 'fee', amount: -fee.amount, ref: `fee:${fee.level}` };
      const items: TransactItem[] = [
        {
          Put: {
            TableName: t.name,
            Item: { ...Keys.fee(before.number, fee.level), type: ITEM_TYPES.fee, invoiceNumber: before.number, customerId: before.customerId, currency: before.currency, ...fee, entryId: entry.id },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Update: {
            TableName: t.name,
            Key: Keys.invoice(before.number),
            UpdateExpression:
              'SET balance = :b, fees = list_append(if_not_exists(fees, :none), :fee), history = list_append(if_not_exists(history, :none), :events), #version = if_not_exists(#version, :zero) + :one',
            ConditionExpression: 'balance = :expected AND balance > :zero',
            ExpressionAttributeNames: { '#version': VERSION_ATTRIBUTE },
            ExpressionAttributeValues: { ':b': before.balance + fee.amount, ':none': [], ':fee': [fee], ':events': [event], ':zero': 0, ':one': 1, ':expected': before.balance },
          },
        },
        ...journalItems(t, entry),
        ...aggregateItems(t, fee.on, before.currency, { [METRIC.fees]: fee.amount }, balanceChange(before, fee.amount, fee.on)),
      ];
      // The fee item (or its entry, keyed by invoice and level) is there: charged before.
      const outcome = await writeOnce(t, items);
      return outcome === 'written' ? 'charged' : outcome;
    },

    async openDueBefore(before) {
      const shards = Array.from({ length: OPEN_INVOICE_SHARDS }, (_, i) => i);
      const pages = await Promise.all(
        shards.map((shard) =>
          queryAll<Invoice>(t, {
            IndexName: GSI_OPEN_BY_DUE.indexName,
            KeyConditionExpression: `${GSI_OPEN_BY_DUE.partitionKey} = :pk AND ${GSI_OPEN_BY_DUE.sortKey} < :before`,
            ExpressionAttributeValues: { ':pk': Keys.openShard(shard), ':before': before },
          }),
        ),
      );
      return pages.flat();
    },

    actionShards: NEXT_ACTION_SHARDS,

    async dueForAction(before, shard) {
      const shards = shard === undefined ? Array.from({ length: NEXT_ACTION_SHARDS }, (_, i) => i) : [shard];
      const pointers = await Promise.all(
        shards.map((shard) =>
          queryAll<{ invoiceNumber: string }>(t, {
            IndexName: GSI_OPEN_BY_DUE.indexName,
            KeyConditionExpression: `${GSI_OPEN_BY_DUE.partitionKey} = :pk AND ${GSI_OPEN_BY_DUE.sortKey} < :before`,
            ExpressionAttributeValues: { ':pk': Keys.nextActionShard(shard), ':before': before },
            ProjectionExpression: 'invoiceNumber',
          }),
        ),
      );
      return batchGetInvoices(t, pointers.flat().map((p) => p.invoiceNumber));
    },

    async scheduleNext(invoice, on) {
      const { number } = invoice;
      const item = nextActionItem(t, invoice, on);
      await transactWrite(t, [
        item,
        {
          Update: {
            TableName: t.name,
            Key: Keys.invoice(number),
            UpdateExpression: on ? 'SET nextActionOn = :on' : 'REMOVE nextActionOn',
            // Never back into the index once settled.
            ConditionExpression: on ? 'balance > :zero' : 'attribute_exists(pk)',
            ...(on ? { ExpressionAttributeValues: { ':on': on, ':zero': 0 } } : {}),
          },
        },
      ]).catch((error: unknown) => {
        if (!isConditionFailure(error)) throw error;
      });
    },

    openOfCustomer(customerId) {
      return queryByCustomer<Invoice>(t, customerId, Keys.invoiceByCustomerPrefix, { FilterExpression: 'balance > :zero', ExpressionAttributeValues: { ':zero': 0 } });
    },

    ofCustomer(customerId, through) {
      return queryAll<Invoice>(t, {
        IndexName: GSI_BY_CUSTOMER.indexName,
        KeyConditionExpression: `${GSI_BY_CUSTOMER.partitionKey} = :pk AND ${GSI_BY_CUSTOMER.sortKey} BETWEEN :from AND :through`,
        ExpressionAttributeValues: { ':pk': Keys.customerIndex(customerId).gsi1pk, ':from': Keys.invoiceByCustomerPrefix, ':through': `${Keys.invoiceByCustomerPrefix}${through}~` },
      });
    },
  };
}

/** The invoices of these numbers (BatchGetItem, 100 keys a call, unprocessed keys again), eventually consistent: half a read unit per invoice up to 4 KB. */
async function batchGetInvoices(t: DynamoTable, numbers: readonly string[]): Promise<Invoice[]> {
  const out: Invoice[] = [];
  for (let i = 0; i < numbers.length; i += 100) {
    let keys: Record<string, unknown>[] | undefined = numbers.slice(i, i + 100).map((n) => Keys.invoice(n));
    for (let attempt = 0; keys && keys.length > 0; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      const r: BatchGetCommandOutput = await t.doc().send(new BatchGetCommand({ RequestItems: { [t.name]: { Keys: keys } } }));
      out.push(...((r.Responses?.[t.name] ?? []) as Invoice[]));
      keys = r.UnprocessedKeys?.[t.name]?.Keys as Record<string, unknown>[] | undefined;
    }
  }
  return out;
}

/** Who owns a payment and how much of it is unapplied: before and after a write. */
type CashState = { readonly customerId?: string | undefined; readonly unapplied: number };

/**
 * The payment's unapplied-cash item (table comment) to match `after`: put in its owner's partition with the amount
 * while it holds cash, deleted when it no longer does or changed owner — in the write's own transaction, which the
 * payment's condition guards. Nothing when neither owner nor amount moves.
 */
function unappliedCashItems(t: DynamoTable, payment: Pick<StoredPayment, 'id' | 'currency' | 'receivedOn'>, before: CashState | undefined, after: CashState): TransactItem[] {
  if (before && before.customerId === after.customerId && before.unapplied === after.unapplied) return [];
  const items: TransactItem[] = [];
  if (before?.customerId && before.unapplied > 0 && (before.customerId !== after.customerId || after.unapplied <= 0)) items.push({ Delete: { TableName: t.name, Key: Keys.unappliedCash(before.customerId, payment.id) } });
  if (after.customerId && after.unapplied > 0) {
    items.push({ Put: { TableName: t.name, Item: { ...Keys.unappliedCash(after.customerId, payment.id), type: ITEM_TYPES.unappliedCash, paymentId: payment.id, amount: after.unapplied, currency: payment.currency, receivedOn: payment.receivedOn } } });
  }
  return items;
}

/** A customer's (or, with none, the unowned) payments from the second index, received on or before `through`. */
const paymentsOf = (t: DynamoTable, customerId: string | undefined, through: IsoDate, extra: { FilterExpression?: string; ExpressionAttributeValues?: Record<string, unknown> } = {}) =>
  queryAll<StoredPayment>(t, {
    IndexName: GSI_OPEN_BY_DUE.indexName,
    KeyConditionExpression: `${GSI_OPEN_BY_DUE.partitionKey} = :pk AND ${GSI_OPEN_BY_DUE.sortKey} < :after`,
    ...extra,
    ExpressionAttributeValues: { ':pk': Keys.paymentsOf(customerId), ':after': `${through}~`, ...extra.ExpressionAttributeValues },
  });

export function dynamoPayments(t: DynamoTable): Payments {
  return {
    async exists(id) {
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.payment(id), ProjectionExpression: 'pk', ConsistentRead: true }));
      return r.Item !== undefined;
    },

    async get(id) {
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.payment(id), ConsistentRead: true }));
      return r.Item as StoredPayment | undefined;
    },

    ofCustomer: (customerId, through) => paymentsOf(t, customerId, through),

    async unappliedOf(customerId) {
      const items = await queryAll<{ paymentId: string; amount: number; currency: string; receivedOn: IsoDate }>(t, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': Keys.customer(customerId).pk, ':prefix': Keys.unappliedCashPrefix },
        ProjectionExpression: 'paymentId, amount, currency, receivedOn',
        ConsistentRead: true,
      });
      return items.map(({ paymentId, amount, currency, receivedOn }) => ({ paymentId, amount, currency, receivedOn }));
    },

    async fileUnapplied(payment) {
      const [put] = unappliedCashItems(t, payment, undefined, payment);
      if (!put || !payment.customerId) return 'none';
      try {
        // Only while the payment is as read (a move meanwhile writes the item itself).
        await transactWrite(t, [
          { ConditionCheck: { TableName: t.name, Key: Keys.payment(payment.id), ConditionExpression: 'unapplied = :was AND customerId = :owner', ExpressionAttributeValues: { ':was': payment.unapplied, ':owner': payment.customerId } } },
          put,
        ], 5);
        return 'filed';
      } catch (error) {
        if (isConditionFailure(error)) return 'changed';
        throw error;
      }
    },

    unassigned: () => paymentsOf(t, undefined, '9999-12-31', { FilterExpression: 'unapplied > :zero', ExpressionAttributeValues: { ':zero': 0 } }),

    async moveUnapplied(move: UnappliedMove) {
      const { before } = move;
      // The cash becomes the invoice's customer's (listed under them); an unowned payment with nothing left leaves the index.
      const owner = move.customerId ?? before.customerId;
      const index = owner ? Keys.paymentByCustomer(owner, before.receivedOn, before.id) : move.unapplied > 0 ? Keys.paymentByCustomer(undefined, before.receivedOn, before.id) : undefined;
      const set = setExpression({ unapplied: move.unapplied, ...(owner ? { customerId: owner } : {}), ...(index ?? {}) }, { prefix: 'p' });
      const paymentItem: TransactItem = {
        Update: {
          TableName: t.name,
          Key: Keys.payment(before.id),
          UpdateExpression: `SET ${set.clauses.join(', ')}, applications = list_append(if_not_exists(applications, :none), :move)${index ? '' : ` REMOVE ${OPEN_INDEX_ATTRIBUTES.join(', ')}`}`,
          ConditionExpression: 'unapplied = :was',
          ExpressionAttributeNames: set.names,
          ExpressionAttributeValues: { ...set.values, ':none': [], ':move': [move.event], ':was': before.unapplied },
        },
      };
      const keyItem = move.requestKey ? requestKeyItem(t, move.requestKey, before.id) : undefined;
      const items: TransactItem[] = [
        paymentItem,
        ...unappliedCashItems(t, before, before, { customerId: owner, unapplied: move.unapplied }),
        ...(move.invoice ? [settlementItem(t, move.invoice.before, move.invoice.after.balance, move.invoice.after.status, [move.invoice.event])] : []),
        ...journalItems(t, move.entry),
        ...auditItems(t, move.audit),
        ...aggregateItems(t, move.entry.date, before.currency, move.aggregates, move.invoice ? moves(move.invoice.before, move.invoice.after.balance, move.invoice.event.on, true, true) : []),
        ...(keyItem ? [keyItem] : []),
        ...(move.invoice && move.invoice.after.balance === 0 && move.invoice.before.balance > 0 ? onSettled(t, move.invoice.before.number, move.invoice.event.on) : []),
      ];
      try {
        await transactWrite(t, items, 1);
        return { kind: 'done' };
      } catch (error) {
        if (isTransactionConflict(error)) return { kind: 'changed' };
        if (!isConditionFailure(error)) throw error;
        if (keyItem && move.requestKey && failedConditions(error).includes(items.indexOf(keyItem))) {
          const prior = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.requestKey(move.requestKey.scope, move.requestKey.key), ConsistentRead: true }));
          return prior.Item?.hash === move.requestKey.bodyHash ? { kind: 'replayed', answer: String(prior.Item.result) } : { kind: 'key-reused' };
        }
        return { kind: 'changed' };
      }
    },

    async rejectProposal(w: ProposalRejectionWrite) {
      const { before } = w;
      // Released from a customer only guessed by name: listed as unassigned while it holds cash.
      const index = w.releaseCustomer ? (before.unapplied > 0 ? Keys.paymentByCustomer(undefined, before.receivedOn, before.id) : undefined) : undefined;
      const set = setExpression({ ...(index ?? {}) }, { prefix: 'p' });
      const removes = w.releaseCustomer ? ['customerId', ...(index ? [] : OPEN_INDEX_ATTRIBUTES)] : [];
      try {
        await transactWrite(
          t,
          [
            {
              Update: {
                TableName: t.name,
                Key: Keys.payment(before.id),
                UpdateExpression: `SET ${[...set.clauses, '#m.rejected = :rejection'].join(', ')}${removes.length > 0 ? ` REMOVE ${removes.join(', ')}` : ''}`,
                ConditionExpression: 'attribute_exists(#m.proposal) AND attribute_not_exists(#m.rejected) AND unapplied = :was',
                ExpressionAttributeNames: { ...set.names, '#m': 'match' },
                ExpressionAttributeValues: { ...set.values, ':rejection': w.rejection, ':was': before.unapplied },
              },
            },
            ...unappliedCashItems(t, before, before, { customerId: w.releaseCustomer ? undefined : before.customerId, unapplied: before.unapplied }),
            ...auditItems(t, w.audit),
          ],
          1,
        );
        return 'done';
      } catch (error) {
        if (isTransactionConflict(error) || isConditionFailure(error)) return 'changed';
        throw error;
      }
    },

    async apply(app: PaymentApplication) {
      const { payment } = app;
      const invoiceUpdates = app.settlements.map(({ invoice, balance, status, events }) => settlementItem(t, invoice, balance, status, events));
      const items: TransactItem[] = [
        {
          Put: {
            TableName: t.name,
            Item: {
              ...Keys.payment(payment.id),
              ...(payment.payerReference ? Keys.paymentByReference(payment.payerReference, payment.receivedOn, payment.id) : {}),
              // Owned payments are listed by customer; an unowned one only while it holds cash.
              ...(app.customerId || app.unapplied > 0 ? Keys.paymentByCustomer(app.customerId, payment.receivedOn, payment.id) : {}),
              type: ITEM_TYPES.payment,
              ...payment,
              ...(app.customerId ? { customerId: app.customerId } : {}),
              [VERSION_ATTRIBUTE]: 1,
              allocations: app.allocations,
              discounts: app.discounts,
              unapplied: app.unapplied,
              appliedAt: app.appliedAt,
              ...(app.match ? { match: app.match } : {}),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        ...invoiceUpdates,
        ...unappliedCashItems(t, payment, undefined, { customerId: app.customerId, unapplied: app.unapplied }),
        ...journalItems(t, app.entry),
        ...aggregateItems(t, payment.receivedOn, payment.currency, app.aggregates, app.settlements.flatMap((s) => moves(s.invoice, s.balance, payment.receivedOn, true))),
        // What a return quoting the credit finds it by (bank credits only).
        ...evidenceItems(t, payment),
        // The account this customer paid from: the next payment from it is theirs.
        ...(payment.payerIban && app.payerAccountFor
          ? [{ Put: { TableName: t.name, Item: { ...Keys.payerAccount(payment.payerIban), type: ITEM_TYPES.payerAccount, customerId: app.payerAccountFor, seenOn: payment.receivedOn, paymentId: payment.id } } }]
          : []),
        ...app.settlements.filter((s) => s.balance === 0 && s.invoice.balance > 0).flatMap((s) => onSettled(t, s.invoice.number, payment.receivedOn)),
      ];
      try {
        await transactWrite(t, items, 1);
        return true;
      } catch (error) {
        if (isTransactionConflict(error)) throw new PaymentConflict(`an invoice was being written while applying payment ${payment.id}; it will be retried`);
        if (!isConditionFailure(error)) throw error;
        if (failedConditions(error).includes(0)) return false;
        throw new PaymentConflict(`an invoice changed while applying payment ${payment.id}; it will be retried`);
      }
    },
  };
}

export function dynamoDunning(t: DynamoTable): DunningMarks {
  return {
    async claim(number, level, asOf, at) {
      try {
        await t.doc().send(
          new PutCommand({
            TableName: t.name,
            Item: { ...Keys.dunning(number, level), type: ITEM_TYPES.dunning, invoiceNumber: number, level, asOf, at },
            ConditionExpression: 'attribute_not_exists(pk)',
          }),
        );
        return 'new';
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const mark = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.dunning(number, level), ConsistentRead: true }));
        return mark.Item?.queuedAt ? 'queued' : 'pending';
      }
    },

    /** Stamps the mark and adds the level to the invoice's `dunningLevels` (once; a second confirmation changes nothing). */
    async confirmQueued(invoice, level, at, nextActionOn) {
      const { number } = invoice;
      try {
        await transactWrite(t, [
          {
            Update: {
              TableName: t.name,
              Key: Keys.dunning(number, level),
              UpdateExpression: 'SET queuedAt = if_not_exists(queuedAt, :at)',
              ConditionExpression: 'attribute_exists(pk)',
              ExpressionAttributeValues: { ':at': at },
            },
          },
          {
            Update: {
              TableName: t.name,
              Key: Keys.invoice(number),
              // The next action date moves in the write that records the level (a settled invoice gets none back).
              UpdateExpression: `SET dunningLevels = list_append(if_not_exists(dunningLevels, :empty), :levels)${nextActionOn ? ', nextActionOn = :next' : ' REMOVE nextActionOn'}`,
              ConditionExpression: 'attribute_exists(pk) AND NOT contains(dunningLevels, :level)',
              ExpressionAttributeValues: { ':empty': [], ':levels': [level], ':level': level, ...(nextActionOn ? { ':next': nextActionOn } : {}) },
            },
          },
          nextActionItem(t, invoice, nextActionOn),
        ]);
      } catch (error) {
        // Only "already confirmed" is expected here; a missing mark or invoice is a bug.
        if (!isConditionFailure(error) || !failedConditions(error).every((i) => i === 1)) throw error;
      }
    },
  };
}

const MOVEMENT = /^[a-z_]+\.(debit|credit)$/;

/** Port `Ledger`: the months before `asOf`'s from the ledger-periods index (one small query), then each day of its month up to it. */
export function dynamoLedger(t: DynamoTable): Ledger {
  return {
    async movementsAsOf(asOf) {
      const month = asOf.slice(0, 7);
      const days = Array.from({ length: Number(asOf.slice(8, 10)) }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`);
      const [months, ...daily] = await Promise.all([
        queryAll<Record<string, unknown>>(t, {
          IndexName: GSI_BY_CUSTOMER.indexName,
          KeyConditionExpression: `${GSI_BY_CUSTOMER.partitionKey} = :p AND ${GSI_BY_CUSTOMER.sortKey} < :month`,
          ExpressionAttributeValues: { ':p': Keys.ledgerTotalsPeriods, ':month': month },
        }),
        ...days.map((day) =>
          queryAll<Record<string, unknown>>(t, { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)', ExpressionAttributeValues: { ':pk': Keys.aggregatePeriod(day), ':kind': Keys.aggregatePrefix('ledger') } }),
        ),
      ]);
      const out = new Map<string, Record<string, number>>();
      for (const item of [...months!, ...daily.flat()]) {
        const sums = out.get(item.currency as string) ?? {};
        for (const [k, v] of Object.entries(item)) if (MOVEMENT.test(k) && typeof v === 'number') sums[k] = (sums[k] ?? 0) + v;
        out.set(item.currency as string, sums);
      }
      return out;
    },
  };
}

/** The numeric attributes of an aggregate item (its metrics). */
function metricsOf(item: Record<string, unknown>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(item)) if (typeof v === 'number') out[k] = v;
  return out;
}

/** A day's (or month's) report totals items, per currency. */
async function totalsOfPeriod(t: DynamoTable, period: string): Promise<Map<string, Record<string, number>>> {
  const items = await queryAll<Record<string, unknown>>(t, { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)', ExpressionAttributeValues: { ':pk': Keys.aggregatePeriod(period), ':kind': Keys.aggregatePrefix('totals') } });
  return new Map(items.map((i) => [i.currency as string, metricsOf(i)]));
}

export function dynamoAggregates(t: DynamoTable): Aggregates {
  return {
    async totals(days) {
      const out = new Map<string, Record<string, number>>();
      for (const perCurrency of await Promise.all(days.map((day) => totalsOfPeriod(t, day)))) {
        for (const [currency, metrics] of perCurrency) {
          const sums = out.get(currency) ?? {};
          for (const [k, v] of Object.entries(metrics)) sums[k] = (sums[k] ?? 0) + v;
          out.set(currency, sums);
        }
      }
      return out;
    },

    async days(days) {
      const unique = [...new Set(days)];
      const out = new Map<IsoDate, Map<string, Record<string, number>>>();
      // At most 16 queries at a time (a pack reads a few hundred small day partitions).
      for (let i = 0; i < unique.length; i += 16) {
        const batch = unique.slice(i, i + 16);
        const read = await Promise.all(batch.map((d) => totalsOfPeriod(t, d)));
        batch.forEach((d, n) => {
          if (read[n]!.size > 0) out.set(d, read[n]!);
        });
      }
      return out;
    },

    async monthsFrom(fromMonth) {
      const items = await queryAll<Record<string, unknown>>(t, {
        IndexName: GSI_BY_CUSTOMER.indexName,
        KeyConditionExpression: `${GSI_BY_CUSTOMER.partitionKey} = :p AND ${GSI_BY_CUSTOMER.sortKey} >= :from`,
        ExpressionAttributeValues: { ':p': Keys.totalsPeriods, ':from': fromMonth },
      });
      const out = new Map<string, Map<string, Record<string, number>>>();
      for (const i of items) {
        const month = i.period as string;
        const row = out.get(month) ?? new Map<string, Record<string, number>>();
        row.set(i.currency as string, metricsOf(i));
        out.set(month, row);
      }
      return out;
    },

    async sinceInception() {
      const items = await queryAll<Record<string, unknown>>(t, { KeyConditionExpression: 'pk = :pk AND begins_with(sk, :kind)', ExpressionAttributeValues: { ':pk': Keys.aggregatePeriod(AGGREGATE_INCEPTION), ':kind': Keys.aggregatePrefix('totals') } });
      return new Map(items.map((i) => [i.currency as string, { metrics: metricsOf(i), ...(typeof i.firstSale === 'string' ? { firstSale: i.firstSale } : {}) }]));
    },
  };
}

/** Port `FigureSources`: settled-on pointers (one query per month), invoices by BatchGet, the customer directory partition. */
export function dynamoFigureSources(t: DynamoTable): FigureSources {
  return {
    async settledAfter(after, through) {
      const months: string[] = [];
      for (let m = after.slice(0, 7); m <= through.slice(0, 7); m = nextMonth(m)) months.push(m);
      const found = await Promise.all(
        months.map((m) =>
          queryAll<{ invoiceNumber: string }>(t, {
            KeyConditionExpression: 'pk = :pk AND sk BETWEEN :after AND :through',
            ExpressionAttributeValues: { ':pk': Keys.settledMonth(m), ':after': `${after}~`, ':through': `${through}~` },
            ProjectionExpression: 'invoiceNumber',
          }),
        ),
      );
      return [...new Set(found.flat().map((i) => i.invoiceNumber))];
    },
    invoicesOf: (numbers) => batchGetInvoices(t, [...new Set(numbers)]),
    async customerDirectory() {
      const items = await queryAll<{ sk: string; name: string; collectionsStatus?: string; collectionsHistory?: StatusChange[] }>(t, {
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': Keys.customerNames },
        ProjectionExpression: 'sk, #name, collectionsStatus, collectionsHistory',
        ExpressionAttributeNames: { '#name': 'name' },
      });
      return items.map((i) => ({ customerId: i.sk, name: i.name, ...(i.collectionsStatus ? { collectionsStatus: i.collectionsStatus } : {}), ...(i.collectionsHistory ? { collectionsHistory: i.collectionsHistory } : {}) }));
    },
  };
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** Pointers from a bank credit's end-to-end id and entry key to its payment (written with it). */
function evidenceItems(t: DynamoTable, payment: PaymentApplication['payment'] & PaymentEvidence): TransactItem[] {
  const pointers = [...(payment.endToEndId ? [['e2e', payment.endToEndId] as const] : []), ...(payment.entryKey ? [['entry', payment.entryKey] as const] : [])];
  return pointers.map(([kind, value]) => ({ Put: { TableName: t.name, Item: { ...Keys.paymentEvidence(kind, value, payment.id), type: ITEM_TYPES.paymentEvidence, paymentId: payment.id } } }));
}

/**
 * Port `PaymentReturns`: a payment the bank took back, in one transaction — the return item (only if absent:
 * the same return entry twice reverses once), the payment (nothing unapplied, `returned`, guarded by the
 * unapplied cash read and that it was not returned), each invoice reopened (balance guarded, `reversal`
 * event, back in the open-by-due index), the entry, the audit line and the aggregates.
 */
export function dynamoPaymentReturns(t: DynamoTable): PaymentReturns {
  return {
    async find(account, entryKey) {
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.bankReturn(account, entryKey), ConsistentRead: true }));
      if (!r.Item) return undefined;
      const { pk: _pk, sk: _sk, type: _type, ...record } = r.Item;
      return record as StoredReturn;
    },

    async paymentsQuoting({ endToEndIds, entryKeys }) {
      const partitions = [...endToEndIds.map((v) => Keys.paymentEvidencePartition('e2e', v)), ...entryKeys.map((v) => Keys.paymentEvidencePartition('entry', v))];
      const found = await Promise.all(partitions.map((pk) => queryAll<{ paymentId: string }>(t, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': pk }, ProjectionExpression: 'paymentId' })));
      return [...new Set(found.flat().map((i) => i.paymentId))];
    },

    async reverse(w: PaymentReturnWrite) {
      const { payment, record } = w;
      const returned = { on: record.on, entryKey: record.entryKey, account: record.account };
      const items: TransactItem[] = [
        { Put: { TableName: t.name, Item: { ...Keys.bankReturn(record.account, record.entryKey), type: ITEM_TYPES.bankReturn, ...record }, ConditionExpression: 'attribute_not_exists(pk)' } },
        {
          Update: {
            TableName: t.name,
            Key: Keys.payment(payment.id),
            // An unowned payment with nothing left leaves the unassigned partition of the second index.
            UpdateExpression: `SET unapplied = :zero, returned = :returned, applications = list_append(if_not_exists(applications, :none), :move)${payment.customerId ? '' : ` REMOVE ${OPEN_INDEX_ATTRIBUTES.join(', ')}`}`,
            ConditionExpression: 'unapplied = :was AND attribute_not_exists(returned)',
            ExpressionAttributeValues: { ':zero': 0, ':returned': returned, ':none': [], ':move': [w.paymentEvent], ':was': payment.unapplied },
          },
        },
        ...w.reopened.map(({ invoice, balance, status, event }) => ({
          Update: {
            TableName: t.name,
            Key: Keys.invoice(invoice.number),
            UpdateExpression: 'SET balance = :b, #status = :s, #version = if_not_exists(#version, :zero) + :one, history = list_append(if_not_exists(history, :none), :events), #gpk = :gpk, #gsk = :gsk',
            ConditionExpression: 'balance = :expected',
            ExpressionAttributeNames: { '#status': 'status', '#version': VERSION_ATTRIBUTE, '#gpk': OPEN_INDEX_ATTRIBUTES[0], '#gsk': OPEN_INDEX_ATTRIBUTES[1] },
            ExpressionAttributeValues: (() => {
              const open = Keys.openInvoice(invoice.number, invoice.dueDate);
              return { ':b': balance, ':s': status, ':zero': 0, ':one': 1, ':none': [], ':events': [event], ':gpk': open.gsi2pk, ':gsk': open.gsi2sk, ':expected': invoice.balance };
            })(),
          },
        })),
        ...unappliedCashItems(t, payment, payment, { customerId: payment.customerId, unapplied: 0 }),
        ...journalItems(t, w.entry),
        ...auditItems(t, w.audit),
        ...aggregateItems(t, w.entry.date, payment.currency, w.aggregates, w.reopened.flatMap((r) => moves(r.invoice, r.balance, r.event.on))),
      ];
      const outcome = await writeOnce(t, items);
      return outcome === 'written' ? 'reversed' : outcome;
    },
  };
}
