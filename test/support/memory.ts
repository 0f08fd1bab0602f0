/**
 * In-memory implementations of every port (functions/ports.ts), sharing one
 * `world`, so use cases are unit-tested as plain functions: no SDK mocks, no
 * decoding of UpdateExpressions. They keep the contracts the DynamoDB adapters
 * keep (versions guard order changes, counters guard invoice numbers, balances
 * guard payments, keys dedupe), which the integration tests check on DynamoDB Local.
 *
 *   const w = memoryWorld({ now: '2026-11-22T10:00:00Z' });
 *   await confirmOrder({ orderId }, w.deps);
 */
import { balanceChange, manualActionAdd, mergeTotals, METRIC, statusHistoryAfter, STOCK_METRICS, type StatusChange, type TotalsAdd } from '../../functions/domain/figures.ts';
import { DEFAULT_CARRIER_RATES } from '../../functions/domain/carrier.ts';
import { creditExposure } from '../../functions/domain/credit.ts';
import { countShardOf } from '../../functions/domain/bank-import.ts';
import type { CreditNote, Customer, Dispute, Invoice, InvoiceEvent, InvoiceFee, Order, Totals } from '../../functions/domain/model.ts';
import { DEFAULT_DUNNING_POLICY, nextActionDate } from '../../functions/domain/dunning.ts';
import type { WorklistEntry } from '../../functions/domain/worklist.ts';
import { NEXT_ACTION_SHARDS, nextActionShardOf } from '../../functions/adapters/table-schema.ts';
import type { OrderChange } from '../../functions/domain/order.ts';
import type { PaymentPlan } from '../../functions/domain/payment-plans.ts';
import type { Refund } from '../../functions/domain/refunds.ts';
import { ConcurrentUpdate, PaymentConflict, StockShort, TaskTokenSpent } from '../../functions/errors.ts';
import { settleReservation, type StockTarget } from '../../functions/domain/shipments.ts';
import type {
  StoredPayment,
  PayerDirectory,
  Audit,
  AuditEntry,
  DuplicateDeliveries,
  Aggregates,
  FigureSources,
  CallerRole,
  Catalog,
  Clock,
  Company,
  Credentials,
  Customers,
  Disputes,
  DunningClaim,
  DunningMarks,
  DunningRunRecord,
  DunningRuns,
  DunningShardMessage,
  Events,
  FulfilmentRequestMessage,
  InvoiceDocuments,
  Invoices,
  Ledger,
  Log,
  Mail,
  MailMessage,
  MailTransport,
  Metrics,
  NewCustomer,
  OrderEvent,
  Orders,
  Outbox,
  PaymentApplication,
  PaymentMessage,
  PaymentRefundRequest,
  PaymentPlans,
  PaymentRefunds,
  Payments,
  PlanInvoiceChange,
  Product,
  RefundMessage,
  RefundRecord,
  RefundRequests,
  Refunds,
  ReminderRequest,
  RequestKeys,
  ShardLeaseHolder,
  StoredOrder,
  TaskTokens,
  WaitKind,
  Workflow,
} from '../../functions/ports.ts';
import type { BankImports, KnownCustomers, DocumentMail, PaymentReturns, StoredBankImport, StoredReturn } from '../../functions/ports.ts';
import { ublDocuments } from '../../functions/adapters/ubl.ts';
import { eInvoiceAttachments } from '../../functions/use-cases/e-invoices.ts';
import { renderDocuments, type RenderDocumentsDeps } from '../../functions/use-cases/render-documents.ts';

export const TEST_COMPANY: Company = {
  name: 'Example Trading Ltd',
  address: ['1 Example Street', 'London EC1A 1AA', 'United Kingdom'],
  baseCurrency: 'GBP',
  timezone: 'Europe/London',
  defaultTerms: { netDays: 30 },
  taxPolicy: { rounding: 'half-up', level: 'line' },
  paymentReferenceScheme: 'rf',
  bankAccount: { iban: 'GB62DEMO00000012345678', bic: 'DEMOGB22', bankName: 'Demo Bank' },
  legal: { legalName: 'Example Trading Limited', country: 'GB', vatNumber: 'GB123456789', registration: '01234567', postalAddress: { line1: '1 Example Street', city: 'London', postalCode: 'EC1A 1AA', country: 'GB' }, reverseCharge: false },
  defaultLanguage: 'en',
};

export interface MemoryOutbox<T> extends Outbox<T> {
  readonly sent: T[];
}

/**
 * The documents queue with render-documents behind it at once: each message is recorded in `sent`, then rendered
 * with the deps `of()` returns (their invoices, documents and mail), as the real consumer would.
 */
export function directRenderQueue(of: () => RenderDocumentsDeps, sent: DocumentMail[] = []): Outbox<DocumentMail> & { readonly sent: DocumentMail[] } {
  const queue = {
    sent,
    async send(m: DocumentMail) {
      sent.push(structuredClone(m));
      await renderDocuments(structuredClone(m), of());
    },
    async sendMany(ms: readonly DocumentMail[]) {
      for (const m of ms) await queue.send(m);
    },
  };
  return queue;
}

export function memoryOutbox<T>(): MemoryOutbox<T> {
  const sent: T[] = [];
  return {
    sent,
    async send(m) {
      sent.push(structuredClone(m));
    },
    async sendMany(ms) {
      sent.push(...ms.map((m) => structuredClone(m)));
    },
  };
}

export function memoryWorld(options: { now?: string; company?: Company } = {}) {
  let now = new Date(options.now ?? '2026-11-22T10:00:00.000Z');
  const clone = <T>(v: T): T => structuredClone(v);

  const orderRows = new Map<string, StoredOrder>();
  const sourceKeys = new Map<string, string>();
  const events = new Map<string, OrderEvent[]>();
  const customerRows = new Map<string, Customer & { shop?: string }>();
  const productRows = new Map<string, Product>();
  const reservations = new Map<string, Map<string, { quantity: number; state: 'held' | 'released' | 'shipped'; shipped: number; released: number }>>();
  const invoiceRows = new Map<string, Invoice>();
  const counters = new Map<string, number>();
  const paymentRows = new Map<string, StoredPayment>();
  /** The stored history plus `events` (what the table's list_append does). */
  const withHistory = (next: Invoice, stored: Invoice, events: readonly InvoiceEvent[]): Invoice => {
    const added = events.filter((e) => e.amount > 0);
    const { history: _ignored, ...rest } = next;
    return stored.history || added.length > 0 ? { ...rest, history: [...(stored.history ?? []), ...clone(added)] } : rest;
  };
  const journal = new Map<string, PaymentApplication['entry']>();
  const dunningMarks = new Map<string, { queuedAt?: string }>();
  /** Late fees by invoice and level (the fee items). */
  const feeRows = new Map<string, InvoiceFee>();
  const aggregateRows = new Map<string, Record<string, number>>();
  const tokenRows = new Map<string, string>();
  const forgottenTokens = new Map<string, string>();
  /** What a wait keeps beside its token (when it was stored, and the caller's extra, e.g. the carrier choice). */
  const waitRows = new Map<string, { taskToken: string; storedAt: string } & Record<string, unknown>>();
  const requestKeyRows = new Map<string, { hash: string; result: unknown }>();
  const refundRows = new Map<string, RefundRecord>();
  /** Refunds o2c owes and makes (RefundRequests), by refund id. */
  const refundRequestRows = new Map<string, Refund>();
  /** What the payment platform was asked (every call), and the refunds it made, one per idempotency key. */
  const platformCalls: PaymentRefundRequest[] = [];
  const platformRefunds = new Map<string, { id: string } & PaymentRefundRequest>();
  /** The platform's next answers: `declined` (a 4xx) or `fault` (a 5xx: it throws), then normal again. */
  const platformScript: ({ kind: 'declined'; message: string } | { kind: 'fault'; message: string })[] = [];
  const mailbox: MailMessage[] = [];
  const creditNoteRows = new Map<string, CreditNote>();
  const auditRows: AuditEntry[] = [];
  const disputeRows = new Map<string, Dispute>();
  /** What the mail transport sent (send-mail), in order. */
  const transmitted: MailMessage[] = [];
  const counted: Record<string, number> = {};
  const logged: { message: string; fields?: Record<string, unknown> }[] = [];
  const workflowCalls: { op: 'start' | 'stop' | 'complete' | 'fail'; args: unknown[] }[] = [];
  const executions = new Set<string>();
  const spentTokens = new Set<string>();

  const addEvent = (orderId: string, e: OrderEvent) => events.set(orderId, [...(events.get(orderId) ?? []), e]);
  /** The book's first day of credit sales per currency (the inception item's `firstSale`). */
  const firstSales = new Map<string, string>();
  /** As the DynamoDB adapter's `totalsItems`: each add to its day and month, the stocks also to `ALL|<ccy>`. */
  const addAggregates = (date: string, currency: string, add: Readonly<Record<string, number>>, changes: readonly TotalsAdd[] = []) => {
    for (const a of mergeTotals([{ on: date, currency, add }, ...changes])) {
      if ((a.add.creditSales ?? 0) > 0 && (!firstSales.has(a.currency) || a.on < firstSales.get(a.currency)!)) firstSales.set(a.currency, a.on);
      for (const period of [a.on, a.on.slice(0, 7), 'ALL']) {
        const key = `${period}|${a.currency}`;
        const row = aggregateRows.get(key) ?? {};
        for (const [k, v] of Object.entries(a.add)) if (period !== 'ALL' || STOCK_METRICS.includes(k)) row[k] = (row[k] ?? 0) + v;
        aggregateRows.set(key, row);
      }
    }
  };
  const moves = (before: Invoice, after: number, on: string, cash = false, manual = false) => balanceChange(before, after - before.balance, on, cash && after === 0 && before.balance > 0, manual);
  const applyChange = (order: StoredOrder, change: OrderChange): StoredOrder => {
    const stored = orderRows.get(order.id);
    if (!stored || stored.version !== order.version) throw new ConcurrentUpdate(`order ${order.id} changed meanwhile`);
    const next = { ...stored, ...clone(change.set), ...(change.to ? { status: change.to } : {}), version: stored.version + 1, updatedAt: change.event?.at ?? stored.updatedAt } as StoredOrder;
    orderRows.set(order.id, next);
    if (change.event) addEvent(order.id, { ...change.event, ...(change.to ? { status: change.to } : {}) });
    if (change.counts) addAggregates(change.counts.on, stored.currency, change.counts.add);
    return clone(next);
  };
  /** An audit entry, and a person's action counted in the day's manual-action aggregates (as auditItems does). */
  const recordAudit = (entry: AuditEntry) => {
    auditRows.push(clone(entry));
    const count = manualActionAdd(entry);
    if (count) addAggregates(count.on, count.currency, count.add);
  };
  const duplicateMarks = new Set<string>();
  const duplicates: DuplicateDeliveries = {
    async count({ entity, deliveryId, on, currency, metric = METRIC.duplicates }) {
      const key = `${entity}|${deliveryId}`;
      if (duplicateMarks.has(key)) return false;
      duplicateMarks.add(key);
      addAggregates(on, currency, { [metric]: 1 });
      return true;
    },
  };

  const clock: Clock & { set(at: string): void } = {
    now: () => new Date(now),
    sleep: async () => undefined,
    set: (at) => void (now = new Date(at)),
  };

  const orders: Orders = {
    async get(id) {
      const o = orderRows.get(id);
      return o && clone(o);
    },
    async create(order: Order & { totals: Totals }, customer?: NewCustomer) {
      const source = `${order.source.platform}|${order.source.shop}|${order.source.externalId}`;
      const existing = sourceKeys.get(source);
      if (existing || orderRows.has(order.id)) return { orderId: existing ?? order.id, created: false };
      sourceKeys.set(source, order.id);
      orderRows.set(order.id, { ...clone(order), version: 1, updatedAt: order.createdAt });
      addEvent(order.id, { at: order.createdAt, step: order.status, status: order.status, detail: `from ${order.source.platform}` });
      if (customer && !customerRows.has(customer.id)) customerRows.set(customer.id, clone(customer));
      return { orderId: order.id, created: true };
    },
    async apply(order, change) {
      return applyChange(order, change);
    },
    async recordEvent(orderId, event) {
      addEvent(orderId, clone(event));
    },
    async receivedBefore(before, limit) {
      return [...orderRows.values()].filter((o) => o.status === 'received' && o.createdAt < before && !leftReceived.has(o.id)).slice(0, limit).map((o) => o.id);
    },
    async leaveReceived(orderId) {
      leftReceived.add(orderId);
    },
  };
  /** Orders taken out of the received-orders index by the re-drive (the index itself: status `received`). */
  const leftReceived = new Set<string>();

  const customers: Customers = {
    async get(id) {
      const c = customerRows.get(id);
      return c && clone(c);
    },
    async findByEmail(shop, email) {
      const c = [...customerRows.values()].find((x) => (x.shop ?? '-') === shop && x.email === email.trim().toLowerCase());
      return c && clone(c);
    },
    async create(customer, entry) {
      if (customerRows.has(customer.id)) return { created: false };
      customerRows.set(customer.id, { ...clone(customer), version: 1 } as Customer);
      recordAudit(entry);
      return { created: true };
    },
    async update(before, afterAsked, entry) {
      const stored = customerRows.get(before.id) as (Customer & { version?: number }) | undefined;
      if (!stored || (stored.version ?? 0) !== (before.version ?? 0)) throw new ConcurrentUpdate(`customer ${before.id} changed meanwhile`);
      const history = statusHistoryAfter(before.collectionsHistory, before.collectionsStatus, afterAsked.collectionsStatus, afterAsked.collectionsStatus ? (afterAsked.collectionsSince ?? entry.on ?? entry.at.slice(0, 10)) : (entry.on ?? entry.at.slice(0, 10)));
      const after = history ? { ...afterAsked, collectionsHistory: history } : afterAsked;
      const next = { ...clone(after), version: (before.version ?? 0) + 1 };
      customerRows.set(before.id, next as Customer);
      recordAudit(entry);
      return clone(next);
    },
    async account(customerId) {
      return {
        invoices: [...invoiceRows.values()].filter((i) => i.customerId === customerId).map((i) => ({ currency: i.currency, balance: i.balance, disputed: i.disputed ?? 0, dueDate: i.dueDate })),
        orders: [...orderRows.values()].filter((o) => o.customerId === customerId).map((o) => ({ id: o.id, status: o.status, currency: o.currency, total: o.totals.total })),
      };
    },
  };

  const catalog: Catalog = {
    async products(skus) {
      return new Map(skus.flatMap((s) => (productRows.has(s) ? [[s, clone(productRows.get(s)!)] as const] : [])));
    },
    async reserve(orderId, lines) {
      const held = reservations.get(orderId) ?? new Map();
      if (held.size > 0 && [...lines.keys()].every((sku) => held.get(sku) && held.get(sku)!.state !== 'released')) return true;
      if ([...lines].some(([sku, q]) => (productRows.get(sku)?.onHand ?? 0) < q)) return false;
      for (const [sku, q] of lines) {
        const p = productRows.get(sku)!;
        productRows.set(sku, { ...p, onHand: p.onHand - q });
        held.set(sku, { quantity: q, state: 'held', shipped: 0, released: 0 });
      }
      reservations.set(orderId, held);
      return true;
    },
    release: async (orderId) => moveReservations(orderId, (r) => ({ shipped: r.shipped, open: 0 })),
    ship: async (orderId) => moveReservations(orderId, (r) => ({ shipped: r.quantity - r.released, open: 0 })),
    settleLines: async (orderId, targets) => moveReservations(orderId, (_r, sku) => targets.get(sku)),
    async reserveAvailable(orderId, lines) {
      const held = reservations.get(orderId);
      const live = [...(held ?? [])].filter(([, r]) => r.state !== 'released');
      if (live.length > 0) return new Map(live.map(([sku, r]) => [sku, r.quantity]));
      const take = new Map([...lines].map(([sku, q]) => [sku, Math.min(q, Math.max(0, productRows.get(sku)?.onHand ?? 0))] as const).filter(([, q]) => q > 0));
      for (const [sku, q] of take) {
        const p = productRows.get(sku)!;
        productRows.set(sku, { ...p, onHand: p.onHand - q });
      }
      if (take.size > 0) reservations.set(orderId, new Map([...take].map(([sku, q]) => [sku, { quantity: q, state: 'held' as const, shipped: 0, released: 0 }])));
      return take;
    },
  };

  /** The adapter's rule (adapters/catalog.ts, domain settleReservation): only held reservations move, never backwards; the shelf gives and takes back. */
  function moveReservations(orderId: string, target: (r: { quantity: number; shipped: number; released: number }, sku: string) => StockTarget | undefined): number {
    // One transaction: every move is decided first, then all of them are applied or none (StockShort).
    const moves: { sku: string; r: { quantity: number; shipped: number; released: number; state: string }; next: ReturnType<typeof settleReservation>; shelf: number }[] = [];
    for (const [sku, r] of reservations.get(orderId) ?? []) {
      const asked = target(r, sku);
      const want = asked && (r.state === 'held' || asked.shipped > r.shipped) ? asked : undefined;
      if (!want) continue;
      const next = settleReservation(r, want);
      if (next.shipped === r.shipped && next.released === r.released && next.topUp === 0) continue;
      moves.push({ sku, r, next, shelf: next.released - r.released - next.topUp });
    }
    const short = moves.filter((m) => productRows.get(m.sku)!.onHand + m.shelf < 0).map((m) => m.sku);
    if (short.length > 0) throw new StockShort(`o2c's stock shows too few of ${short.join(', ')}`);
    for (const { sku, r, next, shelf } of moves) {
      const p = productRows.get(sku)!;
      productRows.set(sku, { ...p, onHand: p.onHand + shelf });
      Object.assign(r, { quantity: next.quantity, shipped: next.shipped, released: next.released, state: next.shipped + next.released < next.quantity ? 'held' : next.shipped > 0 ? 'shipped' : 'released' });
    }
    return moves.length;
  }

  const invoices: Invoices = {
    async get(number) {
      const i = invoiceRows.get(number);
      return i && clone(i);
    },
    async lastSequence(series, year) {
      return counters.get(`${series}|${year}`) ?? 0;
    },
    async issue({ invoice, order, orderChange, entry, aggregates }) {
      const key = `${invoice.series}|${invoice.year}`;
      const stored = orderRows.get(order.id);
      if (!stored || stored.version !== order.version) return { kind: 'order-changed' };
      if ((counters.get(key) ?? 0) !== invoice.sequence - 1 || invoiceRows.has(invoice.number)) return { kind: 'taken' };
      counters.set(key, invoice.sequence);
      invoiceRows.set(invoice.number, clone(invoice));
      applyChange(order, orderChange);
      journal.set(entry.id, clone(entry));
      addAggregates(invoice.issueDate, invoice.currency, aggregates, balanceChange(invoice, invoice.balance, invoice.issueDate));
      return { kind: 'issued' };
    },
    async issueCreditNote(creditNote, adjustment) {
      const { before, after, entry, audit, requestKey } = adjustment;
      if (requestKey) {
        const prior = requestKeyRows.get(`${requestKey.scope}|${requestKey.key}`);
        if (prior) return prior.hash === requestKey.bodyHash ? { kind: 'replayed', creditNoteNumber: String(prior.result) } : { kind: 'key-reused' };
      }
      const key = `${creditNote.series}|${creditNote.year}`;
      const stored = invoiceRows.get(before.number);
      if (!stored || stored.balance !== before.balance || stored.status !== before.status) return { kind: 'invoice-changed' };
      if ((counters.get(key) ?? 0) !== creditNote.sequence - 1) return { kind: 'taken' };
      counters.set(key, creditNote.sequence);
      invoiceRows.set(before.number, withHistory(clone(after), stored, adjustment.event ? [adjustment.event] : []));
      creditNoteRows.set(creditNote.number, clone(creditNote));
      addAggregates(creditNote.issueDate, creditNote.currency, { creditNotes: creditNote.total, creditNoteCount: 1 }, moves(before, after.balance, adjustment.event?.on ?? entry.date));
      if (requestKey) requestKeyRows.set(`${requestKey.scope}|${requestKey.key}`, { hash: requestKey.bodyHash, result: creditNote.number });
      journal.set(entry.id, clone(entry));
      recordAudit(audit);
      return { kind: 'issued' };
    },
    async creditNote(invoiceNumber, number) {
      const c = creditNoteRows.get(number);
      return c && c.invoiceNumber === invoiceNumber ? clone(c) : undefined;
    },
    async creditNoteByNumber(number) {
      const c = creditNoteRows.get(number);
      return c ? clone(c) : undefined;
    },
    async creditNotesOf(number) {
      return [...creditNoteRows.values()].filter((c) => c.invoiceNumber === number).map(clone);
    },
    async adjust({ before, after, entry, audit, event, aggregates: adds }) {
      const stored = invoiceRows.get(before.number);
      if (!stored || stored.balance !== before.balance || stored.status !== before.status) throw new ConcurrentUpdate(`invoice ${before.number} changed meanwhile`);
      if (journal.has(entry.id)) throw new ConcurrentUpdate(`entry ${entry.id} exists`);
      invoiceRows.set(before.number, withHistory(clone(after), stored, event ? [event] : []));
      addAggregates(event?.on ?? entry.date, before.currency, adds ?? {}, moves(before, after.balance, event?.on ?? entry.date));
      journal.set(entry.id, clone(entry));
      recordAudit(audit);
    },
    async chargeFee({ before, fee, entry }) {
      const stored = invoiceRows.get(before.number);
      if (feeRows.has(`${before.number}|${fee.level}`) || journal.has(entry.id)) return 'exists';
      if (!stored || stored.balance !== before.balance || stored.balance <= 0) return 'changed';
      feeRows.set(`${before.number}|${fee.level}`, clone(fee));
      const event: InvoiceEvent = { on: fee.on, kind: 'fee', amount: -fee.amount, ref: `fee:${fee.level}` };
      invoiceRows.set(before.number, { ...stored, balance: stored.balance + fee.amount, fees: [...(stored.fees ?? []), clone(fee)], history: [...(stored.history ?? []), event] });
      journal.set(entry.id, clone(entry));
      addAggregates(fee.on, before.currency, { feesCharged: fee.amount }, balanceChange(before, fee.amount, fee.on));
      return 'charged';
    },
    async openDueBefore(before) {
      return [...invoiceRows.values()].filter((i) => i.balance > 0 && i.dueDate < before).map(clone);
    },
    // The next-action index: an invoice leaves it when settled (as the DynamoDB adapter's settlement deletes its item).
    actionShards: NEXT_ACTION_SHARDS,
    async dueForAction(before, shard) {
      return [...invoiceRows.values()].filter((i) => i.balance > 0 && i.nextActionOn !== undefined && i.nextActionOn < before && (shard === undefined || nextActionShardOf(i.customerId) === shard)).map(clone);
    },
    async scheduleNext({ number }, on) {
      const inv = invoiceRows.get(number);
      if (!inv) return;
      const { nextActionOn: _, ...rest } = inv;
      invoiceRows.set(number, on && inv.balance > 0 ? { ...rest, nextActionOn: on } : rest);
    },
    async openOfCustomer(customerId) {
      return [...invoiceRows.values()].filter((i) => i.customerId === customerId && i.balance > 0).map(clone);
    },
    async ofCustomer(customerId, through) {
      return [...invoiceRows.values()].filter((i) => i.customerId === customerId && i.issueDate <= through).map(clone);
    },
  };

  /** The invoice as read still is: its balance, status, disputed amount and promise (the DynamoDB adapter guards on its version). */
  const unchanged = (before: Invoice) => {
    const stored = invoiceRows.get(before.number);
    return !!stored && stored.balance === before.balance && stored.status === before.status && (stored.disputed ?? 0) === (before.disputed ?? 0) && stored.promisedUntil === before.promisedUntil;
  };
  const disputes: Disputes = {
    async get(id) {
      const d = disputeRows.get(id);
      return d && clone(d);
    },
    async ofInvoice(number) {
      return [...disputeRows.values()].filter((d) => d.invoiceNumber === number).map(clone);
    },
    async open({ before, dispute, disputed, audit: entry }) {
      if (disputeRows.has(dispute.disputeId)) return 'exists';
      if (!unchanged(before)) throw new ConcurrentUpdate(`invoice ${before.number} changed meanwhile`);
      const stored = invoiceRows.get(before.number)!;
      invoiceRows.set(before.number, { ...stored, disputed: (stored.disputed ?? 0) + disputed - (before.disputed ?? 0) });
      addAggregates(dispute.openedOn, dispute.currency, { disputesOpened: dispute.amount, disputesOpenedCount: 1 });
      disputeRows.set(dispute.disputeId, clone(dispute));
      recordAudit(entry);
      return 'opened';
    },
    async resolve({ before, after, audit: entry }) {
      if (disputeRows.get(before.disputeId)?.status !== 'open') return 'already-resolved';
      const stored = invoiceRows.get(before.invoiceNumber)!;
      const resolvedOn = after.resolvedOn ?? entry.at.slice(0, 10);
      invoiceRows.set(before.invoiceNumber, { ...stored, disputed: (stored.disputed ?? 0) - before.amount, disputeResolvedOn: resolvedOn });
      addAggregates(resolvedOn, before.currency, { disputesResolved: before.amount, disputesResolvedCount: 1 });
      disputeRows.set(before.disputeId, clone(after));
      recordAudit(entry);
      return 'resolved';
    },
    async promise(before, promise, entry) {
      if (!unchanged(before)) throw new ConcurrentUpdate(`invoice ${before.number} changed meanwhile`);
      invoiceRows.set(before.number, { ...invoiceRows.get(before.number)!, ...clone(promise) });
      recordAudit(entry);
    },
  };

  /** Payment plans by customer and plan id (one transaction each, like the DynamoDB adapter). */
  const planRows = new Map<string, PaymentPlan>();
  const planKey = (customerId: string, planId: string) => `${customerId}|${planId}`;
  const applyPlanChanges = (changes: readonly PlanInvoiceChange[]) => {
    for (const c of changes) {
      const { paymentPlan: _hold, ...rest } = invoiceRows.get(c.invoice.number)!;
      invoiceRows.set(c.invoice.number, { ...rest, ...(c.hold ? { paymentPlan: clone(c.hold) } : {}), ...(c.resume ? clone(c.resume) : {}), ...(c.nextActionOn ? { nextActionOn: c.nextActionOn } : {}) });
    }
  };
  const paymentPlans: PaymentPlans = {
    async get(customerId, planId) {
      const p = planRows.get(planKey(customerId, planId));
      return p && clone(p);
    },
    async ofCustomer(customerId) {
      return [...planRows.values()].filter((p) => p.customerId === customerId).sort((a, b) => a.agreedAt.localeCompare(b.agreedAt)).map(clone);
    },
    async agree(plan, changes, entry) {
      if (planRows.has(planKey(plan.customerId, plan.planId))) return 'exists';
      if (changes.some((c) => invoiceRows.get(c.invoice.number)?.balance !== c.invoice.balance || invoiceRows.get(c.invoice.number)?.paymentPlan)) return 'changed';
      planRows.set(planKey(plan.customerId, plan.planId), { ...clone(plan), version: 1 });
      applyPlanChanges(changes);
      recordAudit(entry);
      return 'agreed';
    },
    async change(before, after, changes, entry) {
      const stored = planRows.get(planKey(before.customerId, before.planId));
      if (!stored || stored.version !== (before.version ?? 1)) return 'changed';
      if (changes.some((c) => invoiceRows.get(c.invoice.number)?.balance !== c.invoice.balance)) return 'changed';
      planRows.set(planKey(after.customerId, after.planId), { ...clone(after), version: (before.version ?? 1) + 1 });
      applyPlanChanges(changes);
      if (entry) recordAudit(entry);
      return 'done';
    },
  };

  /** IBAN → the customer it last paid for (what the payment transaction writes). */
  const payerAccounts = new Map<string, string>();
  const payers: PayerDirectory = {
    async customerOfIban(iban) {
      return payerAccounts.get(iban);
    },
    async remember({ iban, customerId }) {
      payerAccounts.set(iban, customerId);
    },
    async customerNames() {
      return [...customerRows.values()].map((c) => ({ customerId: c.id, name: c.name }));
    },
  };

  const payments: Payments = {
    async rejectProposal(w) {
      const row = paymentRows.get(w.before.id);
      if (!row || !row.match?.proposal || row.match.rejected || row.unapplied !== w.before.unapplied) return 'changed';
      const { customerId: _owner, ...rest } = row;
      paymentRows.set(row.id, { ...(w.releaseCustomer ? rest : row), match: { ...row.match, rejected: clone(w.rejection) } });
      recordAudit(w.audit);
      return 'done';
    },
    async exists(id) {
      return paymentRows.has(id);
    },
    async get(id) {
      const row = paymentRows.get(id);
      return row && clone(row);
    },
    async ofCustomer(customerId, through) {
      return [...paymentRows.values()].filter((p) => p.customerId === customerId && p.receivedOn <= through).map(clone);
    },
    async unassigned() {
      return [...paymentRows.values()].filter((p) => !p.customerId && p.unapplied > 0).map(clone);
    },
    async unappliedOf(customerId) {
      return [...paymentRows.values()].filter((p) => p.customerId === customerId && p.unapplied > 0).map((p) => ({ paymentId: p.id, amount: p.unapplied, currency: p.currency, receivedOn: p.receivedOn }));
    },
    async fileUnapplied(payment) {
      const row = paymentRows.get(payment.id);
      if (!payment.customerId || payment.unapplied <= 0) return 'none';
      return row && row.unapplied === payment.unapplied && row.customerId === payment.customerId ? 'filed' : 'changed';
    },
    async apply(app) {
      if (paymentRows.has(app.payment.id)) return false;
      for (const s of app.settlements) if (invoiceRows.get(s.invoice.number)?.balance !== s.invoice.balance) throw new PaymentConflict(`invoice ${s.invoice.number} changed`);
      for (const s of app.settlements) {
        const row = invoiceRows.get(s.invoice.number)!;
        invoiceRows.set(s.invoice.number, withHistory({ ...row, balance: s.balance, status: s.status }, row, s.events));
      }
      paymentRows.set(app.payment.id, clone({ ...app.payment, ...(app.customerId ? { customerId: app.customerId } : {}), allocations: app.allocations, discounts: app.discounts, unapplied: app.unapplied, appliedAt: app.appliedAt, ...(app.match ? { match: app.match } : {}) }));
      if (app.payment.payerIban && app.payerAccountFor) payerAccounts.set(app.payment.payerIban, app.payerAccountFor);
      journal.set(app.entry.id, clone(app.entry));
      addAggregates(app.payment.receivedOn, app.payment.currency, app.aggregates, app.settlements.flatMap((x) => moves(x.invoice, x.balance, app.payment.receivedOn, true)));
      return true;
    },
    async moveUnapplied(move) {
      if (move.requestKey) {
        const prior = requestKeyRows.get(`${move.requestKey.scope}|${move.requestKey.key}`);
        if (prior) return prior.hash === move.requestKey.bodyHash ? { kind: 'replayed', answer: String(prior.result) } : { kind: 'key-reused' };
      }
      const row = paymentRows.get(move.before.id);
      if (!row || row.unapplied !== move.before.unapplied) return { kind: 'changed' };
      const invoiceRow = move.invoice && invoiceRows.get(move.invoice.before.number);
      if (move.invoice && (!invoiceRow || invoiceRow.balance !== move.invoice.before.balance)) return { kind: 'changed' };
      if (journal.has(move.entry.id)) return { kind: 'changed' };
      const owner = move.customerId ?? row.customerId;
      paymentRows.set(row.id, { ...row, unapplied: move.unapplied, ...(owner ? { customerId: owner } : {}), applications: [...(row.applications ?? []), clone(move.event)] });
      if (move.invoice && invoiceRow) invoiceRows.set(invoiceRow.number, withHistory({ ...invoiceRow, balance: move.invoice.after.balance, status: move.invoice.after.status }, invoiceRow, [move.invoice.event]));
      journal.set(move.entry.id, clone(move.entry));
      recordAudit(move.audit);
      addAggregates(move.entry.date, move.entry.currency, move.aggregates, move.invoice ? moves(move.invoice.before, move.invoice.after.balance, move.invoice.event.on, true, true) : []);
      if (move.requestKey) requestKeyRows.set(`${move.requestKey.scope}|${move.requestKey.key}`, { hash: move.requestKey.bodyHash, result: row.id });
      return { kind: 'done' };
    },
  };

  const dunning: DunningMarks = {
    async claim(number, level): Promise<DunningClaim> {
      const key = `${number}|${level}`;
      const mark = dunningMarks.get(key);
      if (!mark) {
        dunningMarks.set(key, {});
        return 'new';
      }
      return mark.queuedAt ? 'queued' : 'pending';
    },
    async confirmQueued({ number }, level, at, nextActionOn) {
      const mark = dunningMarks.get(`${number}|${level}`);
      if (!mark) throw new Error(`no dunning mark ${number}/${level}`);
      mark.queuedAt ??= at;
      const inv = invoiceRows.get(number)!;
      if (!(inv.dunningLevels ?? []).includes(level)) {
        const { nextActionOn: _, ...rest } = inv;
        invoiceRows.set(number, { ...rest, dunningLevels: [...(inv.dunningLevels ?? []), level], ...(nextActionOn ? { nextActionOn } : {}) });
      }
    },
  };

  const ledger: Ledger = {
    async movementsAsOf(asOf) {
      const out = new Map<string, Record<string, number>>();
      for (const e of journal.values()) {
        if (e.date > asOf) continue;
        const sums = out.get(e.currency) ?? {};
        for (const l of e.lines) sums[`${l.account}.${l.side}`] = (sums[`${l.account}.${l.side}`] ?? 0) + l.amount;
        out.set(e.currency, sums);
      }
      return out;
    },
  };

  const periodRows = (period: string) => {
    const out = new Map<string, Record<string, number>>();
    for (const [key, row] of aggregateRows) {
      const [p, currency] = key.split('|') as [string, string];
      if (p === period) out.set(currency, { ...row });
    }
    return out;
  };
  const figures: FigureSources = {
    // A superset (any invoice whose balance moved after the day): the figures undo what happened after it.
    async settledAfter(after, through) {
      return [...invoiceRows.values()].filter((i) => (i.history ?? []).some((e) => e.on > after && e.on <= through)).map((i) => i.number);
    },
    async invoicesOf(numbers) {
      return [...new Set(numbers)].flatMap((n) => (invoiceRows.has(n) ? [clone(invoiceRows.get(n)!)] : []));
    },
    async customerDirectory() {
      return [...customerRows.values()].map((c) => {
        const { collectionsStatus: status, collectionsHistory: history } = c as { collectionsStatus?: string; collectionsHistory?: StatusChange[] };
        return { customerId: c.id, name: c.name, ...(status ? { collectionsStatus: status } : {}), ...(history ? { collectionsHistory: clone(history) } : {}) };
      });
    },
  };

  const aggregates: Aggregates = {
    async days(days) {
      return new Map(days.map((d) => [d, periodRows(d)] as const).filter(([, r]) => r.size > 0));
    },
    async monthsFrom(fromMonth) {
      const months = new Set([...aggregateRows.keys()].map((k) => k.split('|')[0]!).filter((p) => p.length === 7 && p >= fromMonth));
      return new Map([...months].map((m) => [m, periodRows(m)]));
    },
    async sinceInception() {
      return new Map([...periodRows('ALL')].map(([c, metrics]) => [c, { metrics, ...(firstSales.has(c) ? { firstSale: firstSales.get(c)! } : {}) }]));
    },
    async totals(days) {
      const out = new Map<string, Record<string, number>>();
      for (const day of days) {
        for (const [key, row] of aggregateRows) {
          const [period, currency] = key.split('|') as [string, string];
          if (period !== day) continue;
          const sums = out.get(currency) ?? {};
          for (const [k, v] of Object.entries(row)) sums[k] = (sums[k] ?? 0) + v;
          out.set(currency, sums);
        }
      }
      return out;
    },
  };

  const tokens: TaskTokens = {
    async store(orderId, kind, taskToken, at, extra = {}) {
      if (forgottenTokens.get(`${orderId}|${kind}`) === taskToken) return false;
      tokenRows.set(`${orderId}|${kind}`, taskToken);
      waitRows.set(`${orderId}|${kind}`, { ...clone(extra), taskToken, storedAt: at });
      return true;
    },
    async get(orderId, kind) {
      return tokenRows.get(`${orderId}|${kind}`);
    },
    async delete(orderId, kind, event) {
      const token = tokenRows.get(`${orderId}|${kind}`);
      if (token !== undefined && event) await orders.recordEvent(orderId, event);
      if (token !== undefined) forgottenTokens.set(`${orderId}|${kind}`, token);
      tokenRows.delete(`${orderId}|${kind}`);
      waitRows.delete(`${orderId}|${kind}`);
    },
    async noted(orderId, kind) {
      const row = waitRows.get(`${orderId}|${kind}`);
      const token = tokenRows.get(`${orderId}|${kind}`);
      return row?.answeredWith !== undefined && token ? { token, answer: row.answeredWith as string, at: row.answeredAt as string } : undefined;
    },
    async noteAnswer(orderId, kind, taskToken, answer, at) {
      const row = waitRows.get(`${orderId}|${kind}`);
      if (!row || tokenRows.get(`${orderId}|${kind}`) !== taskToken) return { outcome: 'taken', at };
      if (row.answeredWith === undefined) {
        Object.assign(row, { answeredWith: answer, answeredAt: at });
        return { outcome: 'first', at };
      }
      return row.answeredWith === answer ? { outcome: 'again', at: row.answeredAt as string } : { outcome: 'taken', at: row.answeredAt as string, noted: row.answeredWith as string };
    },
  };

  const workflow: Workflow = {
    async start(orderId) {
      workflowCalls.push({ op: 'start', args: [orderId] });
      if (executions.has(orderId)) return false;
      executions.add(orderId);
      return true;
    },
    async stop(orderId, cause) {
      workflowCalls.push({ op: 'stop', args: [orderId, cause] });
      return executions.has(orderId);
    },
    async complete(token, output) {
      if (spentTokens.has(token)) throw new TaskTokenSpent(`token ${token} is spent`);
      workflowCalls.push({ op: 'complete', args: [token, clone(output)] });
      spentTokens.add(token);
    },
    async fail(token, error, cause) {
      if (spentTokens.has(token)) throw new TaskTokenSpent(`token ${token} is spent`);
      workflowCalls.push({ op: 'fail', args: [token, error, cause] });
      spentTokens.add(token);
    },
  };

  const audit: Audit = {
    async entriesOf(entity) {
      return auditRows.filter((e) => e.entity === entity).map(clone);
    },
    async record(entry) {
      if (!auditRows.some((e) => JSON.stringify(e) === JSON.stringify(entry))) recordAudit(entry);
    },
    async recordOnce(entry) {
      if (!auditRows.some((e) => e.entity === entry.entity && e.action === entry.action)) recordAudit(entry);
    },
  };

  const mail: Mail = {
    async enqueue(m) {
      mailbox.push(clone(m));
    },
  };

  const transport: MailTransport = {
    async send(m) {
      transmitted.push(clone(m));
      return `msg-${transmitted.length}`;
    },
  };

  const requestKeys: RequestKeys = {
    async find(scope, key) {
      const row = requestKeyRows.get(`${scope}|${key}`);
      return row ? { bodyHash: row.hash, answer: clone(row.result) } : undefined;
    },
    async claim(scope, key, hash, answer) {
      const k = `${scope}|${key}`;
      const row = requestKeyRows.get(k);
      if (!row) {
        requestKeyRows.set(k, { hash, result: clone(answer) });
        return { kind: 'new' };
      }
      return row.hash === hash ? { kind: 'replay', result: clone(row.result) as typeof answer } : { kind: 'mismatch' };
    },
  };

  const refunds: Refunds = {
    async record(refund) {
      const k = `${refund.platform}|${refund.externalId}`;
      if (refundRows.has(k)) return false;
      refundRows.set(k, clone(refund));
      return true;
    },
  };

  const refundRequests: RefundRequests = {
    async get(id) {
      const r = refundRequestRows.get(id);
      return r && clone(r);
    },
    async requestWith(order, change, refund) {
      const next = applyChange(order, change);
      if (!refundRequestRows.has(refund.id)) refundRequestRows.set(refund.id, clone(refund));
      return next;
    },
    async request(refund) {
      if (refundRequestRows.has(refund.id)) return false;
      refundRequestRows.set(refund.id, clone(refund));
      return true;
    },
    async settle(before, after, entry, audit) {
      if (refundRequestRows.get(before.id)?.status !== before.status) return false;
      refundRequestRows.set(before.id, clone(after));
      if (entry) journal.set(entry.id, clone(entry));
      if (audit) recordAudit(audit);
      return true;
    },
    async withStatus(status) {
      return [...refundRequestRows.values()].filter((r) => r.status === status).sort((a, b) => a.requestedAt.localeCompare(b.requestedAt)).map(clone);
    },
  };

  const paymentRefunds: PaymentRefunds = {
    async refund(request) {
      platformCalls.push(clone(request));
      const next = platformScript.shift();
      if (next?.kind === 'fault') throw Object.assign(new Error(next.message), { statusCode: 500 });
      if (next?.kind === 'declined') return next;
      const made = platformRefunds.get(request.refundId) ?? { id: `re_mem_${platformRefunds.size + 1}`, ...clone(request) };
      platformRefunds.set(request.refundId, made);
      return { kind: 'refunded', platformRefundId: made.id };
    },
  };

  const metrics: Metrics = { count: (name, value = 1) => void (counted[name] = (counted[name] ?? 0) + value) };
  const log: Log = { info: (message, fields) => void logged.push({ message, ...(fields ? { fields } : {}) }) };
  const documents: InvoiceDocuments = {
    pdf: async (invoice) => new TextEncoder().encode(`%PDF-1.7 invoice ${invoice.number}`),
    creditNotePdf: async (note) => new TextEncoder().encode(`%PDF-1.7 credit note ${note.number}`),
    statementPdf: async (s) => new TextEncoder().encode(`%PDF-1.7 statement ${s.customer.id} ${s.asOf}`),
  };
  const credentials = (keys: Readonly<Record<string, CallerRole>>): Credentials => ({ roleOf: async (k) => (k === undefined ? undefined : keys[k]) });

  const orderQueue = memoryOutbox<{ orderId: string }>();
  const paymentQueue = memoryOutbox<PaymentMessage>();
  /** Bank-statement imports by id (BankImports), and how often each was created. */
  const bankImportRows = new Map<string, StoredBankImport>();
  /** Each import's counters (`<importId>|<k>` → credits not yet counted) and those closed at 0. */
  const bankImportCounters = new Map<string, number>();
  const bankImportCountersClosed = new Set<string>();
  const bankImports: BankImports = {
    async create(record, options = {}) {
      const existing = bankImportRows.get(record.importId);
      if (existing) return { created: false, record: clone(existing) };
      for (const [k, n] of (options.shardCounts ?? []).entries()) if (n > 0) bankImportCounters.set(`${record.importId}|${k}`, n);
      bankImportRows.set(record.importId, clone(record));
      return { created: true, record: clone(record) };
    },
    async get(importId) {
      const row = bankImportRows.get(importId);
      return row && clone(row);
    },
    async paymentIdsOf(record) {
      return [...(record.paymentIds ?? bankImportRows.get(record.importId)?.paymentIds ?? [])];
    },
    async markQueued(importId, at) {
      const row = bankImportRows.get(importId);
      if (!row) throw new Error(`no import ${importId}`);
      bankImportRows.set(importId, { ...row, status: 'queued', queuedAt: at });
    },
    async recordReturns(importId, returnOutcomes) {
      const row = bankImportRows.get(importId);
      if (!row) throw new Error(`no import ${importId}`);
      bankImportRows.set(importId, { ...row, returnOutcomes: clone(returnOutcomes) });
    },
    async paymentsOf(ids) {
      return [...new Set(ids)].flatMap((id) => (paymentRows.has(id) ? [clone(paymentRows.get(id)!)] : []));
    },
    async countApplied(importId, paymentId) {
      const row = bankImportRows.get(importId);
      if (!row || row.outstanding === undefined) return 'untracked';
      const before = bankImportCounted.has(`${importId}|${paymentId}`);
      bankImportCounted.add(`${importId}|${paymentId}`);
      if (row.countShards === undefined) {
        if (before) return 'counted-before';
        bankImportRows.set(importId, { ...row, outstanding: row.outstanding - 1 });
        return row.outstanding - 1 <= 0 ? 'closed' : 'counted';
      }
      // As DynamoDB's: the payment's counter down once; its last credit closes it in the same write, one off the import's open counters.
      const counter = `${importId}|${countShardOf(paymentId, row.countShards)}`;
      if (before) return 'counted-before';
      bankImportCounters.set(counter, (bankImportCounters.get(counter) ?? 0) - 1);
      if (bankImportCounters.get(counter) === 0 && !bankImportCountersClosed.has(counter)) {
        bankImportCountersClosed.add(counter);
        bankImportRows.set(importId, { ...row, outstanding: row.outstanding - 1 });
        return 'closed';
      }
      return 'counted';
    },
    async claimSummary(importId, holder, at, staleBefore) {
      const row = bankImportRows.get(importId);
      if (!row || row.summarisedAt) return false;
      // As DynamoDB's condition: free, stale, or held by an earlier delivery of this message.
      const earlierDelivery = row.summaryHolder !== undefined && row.summaryHolder.messageId === holder.messageId && row.summaryHolder.receiveCount < holder.receiveCount;
      if (row.summaryClaimedAt && row.summaryClaimedAt >= staleBefore && !earlierDelivery) return false;
      bankImportRows.set(importId, { ...row, summaryClaimedAt: at, summaryHolder: { messageId: holder.messageId, receiveCount: holder.receiveCount } });
      return true;
    },
    async releaseSummary(importId, holder) {
      const row = bankImportRows.get(importId);
      if (!row || row.summarisedAt || row.summaryHolder?.messageId !== holder.messageId || row.summaryHolder.receiveCount !== holder.receiveCount) return;
      const { summaryClaimedAt: _at, summaryHolder: _holder, ...rest } = row;
      bankImportRows.set(importId, rest);
    },
    async markSummarised(importId, at) {
      const row = bankImportRows.get(importId);
      if (!row) throw new Error(`no import ${importId}`);
      const { summaryHolder: _holder, ...rest } = row;
      bankImportRows.set(importId, { ...rest, summarisedAt: row.summarisedAt ?? at });
    },
  };
  const bankImportCounted = new Set<string>();
  /** Returns of bank credits carried out (PaymentReturns), by `<account>|<entry key>`. */
  const returnRows = new Map<string, StoredReturn>();
  const paymentReturns: PaymentReturns = {
    async find(account, entryKey) {
      const row = returnRows.get(`${account}|${entryKey}`);
      return row && clone(row);
    },
    async paymentsQuoting({ endToEndIds, entryKeys }) {
      return [...paymentRows.values()].filter((p) => (p.endToEndId && endToEndIds.includes(p.endToEndId)) || (p.entryKey && entryKeys.includes(p.entryKey))).map((p) => p.id);
    },
    async reverse(w) {
      const key = `${w.record.account}|${w.record.entryKey}`;
      if (returnRows.has(key) || journal.has(w.entry.id)) return 'exists';
      const row = paymentRows.get(w.payment.id);
      if (!row || row.unapplied !== w.payment.unapplied || row.returned) return 'changed';
      if (w.reopened.some((r) => invoiceRows.get(r.invoice.number)?.balance !== r.invoice.balance)) return 'changed';
      returnRows.set(key, clone(w.record));
      paymentRows.set(row.id, { ...row, unapplied: 0, returned: { on: w.record.on, entryKey: w.record.entryKey, account: w.record.account }, applications: [...(row.applications ?? []), clone(w.paymentEvent)] });
      for (const r of w.reopened) {
        const inv = invoiceRows.get(r.invoice.number)!;
        invoiceRows.set(inv.number, { ...inv, balance: r.balance, status: r.status, history: [...(inv.history ?? []), clone(r.event)] });
      }
      journal.set(w.entry.id, clone(w.entry));
      recordAudit(w.audit);
      addAggregates(w.entry.date, w.entry.currency, w.aggregates, w.reopened.flatMap((r) => moves(r.invoice, r.balance, r.event.on)));
      return 'reversed';
    },
  };
  const reminderQueue = memoryOutbox<ReminderRequest>();
  /** Dunning runs fanned out by shard: each shard counted once (as the DynamoDB adapter's conditional transaction does). */
  const dunningRunRows = new Map<string, { -readonly [K in keyof DunningRunRecord]: DunningRunRecord[K] } & { doneShards: Set<number>; worklist: WorklistEntry[] }>();
  const dunningLeases = new Map<number, { holder: ShardLeaseHolder; until: string }>();
  const dunningRuns: DunningRuns = {
    async start({ runId, asOf, shards, at }) {
      if (!dunningRunRows.has(runId)) dunningRunRows.set(runId, { runId, asOf, startedAt: at, shards, done: 0, read: 0, letters: 0, invoices: 0, fees: 0, actions: 0, plansBroken: 0, doneShards: new Set(), worklist: [] });
    },
    async finishShard(runId, shard, counts, worklist) {
      const row = dunningRunRows.get(runId);
      if (!row) throw new Error(`no dunning run ${runId}`);
      const view = (): DunningRunRecord => {
        const { doneShards: _, worklist: __, ...rest } = row;
        return { ...rest };
      };
      if (row.doneShards.has(shard)) return { outcome: 'again', run: view() };
      row.doneShards.add(shard);
      row.done++;
      for (const k of ['read', 'letters', 'invoices', 'fees', 'actions', 'plansBroken'] as const) row[k] += counts[k];
      row.worklist.push(...clone(worklist));
      return { outcome: 'recorded', run: view() };
    },
    async lease(shard, holder, at, until) {
      const held = dunningLeases.get(shard);
      const earlierDelivery = held !== undefined && held.holder.messageId === holder.messageId && held.holder.receiveCount < holder.receiveCount;
      if (held && held.until >= at && !earlierDelivery) return false;
      dunningLeases.set(shard, { holder: { ...holder }, until });
      return true;
    },
    async release(shard, holder) {
      const held = dunningLeases.get(shard)?.holder;
      if (held?.messageId === holder.messageId && held.receiveCount === holder.receiveCount) dunningLeases.delete(shard);
    },
    async worklist(runId) {
      return clone(dunningRunRows.get(runId)?.worklist ?? []);
    },
    async get(runId) {
      const row = dunningRunRows.get(runId);
      if (!row) return undefined;
      const { doneShards: _, worklist: __, ...rest } = row;
      return { ...rest };
    },
  };
  /** The dunning-shards queue (plan-dunning → run-dunning-shard). */
  const dunningShardQueue = memoryOutbox<DunningShardMessage>();
  const refundQueue = memoryOutbox<RefundMessage>();
  /** The warehouse-requests queue (fulfil-order → send-fulfilment-request). */
  const warehouseRequests = memoryOutbox<FulfilmentRequestMessage>();
  /** What was published on the o2c event bus. */
  const published: { detailType: string; detail: object }[] = [];
  const eventBus: Events = { publish: async (detailType, detail) => void published.push({ detailType, detail: clone(detail) }) };

  /** The documents queue: what was queued for render-documents, each rendered at once (with these deps' documents and mail). */
  const documentMails: DocumentMail[] = [];
  const renderQueue = directRenderQueue(() => deps, documentMails);

  /** The customers intake remembers having seen (a unit test's "Lambda instance" lives as long as these deps). */
  const knownIds = new Set<string>();
  const knownCustomers: KnownCustomers = { has: (id) => knownIds.has(id), add: (id) => void knownIds.add(id) };

  const deps = {
    renderQueue,
    orders,
    customers,
    knownCustomers,
    catalog,
    invoices,
    payments,
    payers,
    dunning,
    dunningRuns,
    dunningShardQueue,
    aggregates,
    figures,
    ledger,
    tokens,
    workflow,
    mail,
    transport,
    pace: async () => undefined,
    requestKeys,
    refunds,
    refundRequests,
    paymentRefunds,
    audit,
    disputes,
    paymentPlans,
    duplicates,
    metrics,
    log,
    documents,
    eInvoices: ublDocuments,
    extraAttachments: eInvoiceAttachments({ invoices, eInvoices: ublDocuments, company: options.company ?? TEST_COMPANY }),
    clock,
    orderQueue,
    paymentQueue,
    bankImports,
    paymentReturns,
    reminderQueue,
    refundQueue,
    warehouseRequests,
    eventBus,
    apiUrl: 'https://api.o2c.example',
    company: options.company ?? TEST_COMPANY,
    newCustomerCreditLimits: {} as Readonly<Record<string, number>>,
    series: 'INV',
    creditNoteSeries: 'CN',
    financeRecipients: ['finance@example.com'],
    policy: DEFAULT_DUNNING_POLICY,
    agencyAddress: 'cases@agency.example',
    maxBackorderAttempts: 3,
    promisedDays: 3,
    rates: DEFAULT_CARRIER_RATES,
  };
  /** apply-payment's bank-import hook (counting an import's credits, finishing it): the same memory ports. */
  const withImports = { ...deps, imports: { bankImports: deps.bankImports, mail: deps.mail, financeRecipients: deps.financeRecipients, paymentReturns: deps.paymentReturns } };

  return {
    deps: withImports,
    credentials,
    clock,
    /** Seeds and inspects the state directly. */
    state: {
      orders: orderRows,
      events,
      customers: customerRows,
      products: productRows,
      reservations,
      invoices: invoiceRows,
      counters,
      payments: paymentRows,
      bankImports: bankImportRows,
      returns: returnRows,
      journal,
      dunningMarks,
      dunningRuns: dunningRunRows,
      fees: feeRows,
      aggregates: aggregateRows,
      tokens: tokenRows,
      waits: waitRows,
      spentTokens,
      refunds: refundRows,
      refundRequests: refundRequestRows,
      platformCalls,
      platformRefunds,
      platformScript,
      creditNotes: creditNoteRows,
      audit: auditRows,
      disputes: disputeRows,
      paymentPlans: planRows,
      mailbox,
      transmitted,
      counted,
      logged,
      workflowCalls,
      executions,
      published,
    },
    /** Puts an order as the repository would have stored it. */
    putOrder(order: Order & { totals: Totals } & Partial<StoredOrder>) {
      orderRows.set(order.id, { version: 1, updatedAt: order.createdAt, ...clone(order) } as StoredOrder);
    },
    putCustomer(customer: Customer) {
      customerRows.set(customer.id, clone(customer));
    },
    /** Puts a payment as apply-payment would have stored it (its unapplied cash and owner included). */
    putPayment(payment: StoredPayment) {
      paymentRows.set(payment.id, clone(payment));
    },
    putProduct(product: Product) {
      productRows.set(product.sku, clone(product));
    },
    /** Puts an invoice as issue-invoice would have stored it: an open one with its next action date from the world's policy (unless given). */
    putInvoice(invoice: Invoice) {
      const next = invoice.balance > 0 && !('nextActionOn' in invoice) ? nextActionDate(deps.policy, { dueDate: invoice.dueDate, sent: invoice.dunningLevels ?? [] }, invoice.issueDate) : null;
      invoiceRows.set(invoice.number, clone(next ? { ...invoice, nextActionOn: next } : invoice));
    },
    exposureOf(customerId: string, currency: string) {
      return customers.account(customerId).then((a) => creditExposure(a, currency));
    },
    tokenOf: (orderId: string, kind: WaitKind) => tokenRows.get(`${orderId}|${kind}`),
  };
}

export type MemoryWorld = ReturnType<typeof memoryWorld>;
