/**
 * The ports: small interfaces the use cases depend on (ARCHITECTURE.md §7).
 * A use case takes `deps` built from these; a handler passes the AWS adapters
 * (functions/adapters/), a unit test passes plain in-memory objects
 * (test/support/memory.ts). Nothing here does I/O or knows a key format.
 *
 * Ledger postings have no port of their own: a journal entry is written in the
 * same DynamoDB transaction as the business change it records (an invoice, a
 * payment), so it travels with that repository call (`entry`), built by the
 * domain (domain/ledger.ts) and checked balanced before anything is written.
 */
import type { CreditApproval, CustomerAccount } from '#domain/credit';
import type { ReferenceRates } from '#domain/fx';
import type { CollectionsStatus, DunningAction } from '#domain/dunning';
import type { OrderChange } from '#domain/order';
import type { PaymentReferenceScheme } from '#domain/references';
import type { CustomerStatement } from '#domain/statement';
import type { Refund, RefundStatus } from '#domain/refunds';
import type { BankImportSummary } from '#domain/bank-import';
import type { InvoiceReopening, ReturnOutcome } from '#domain/bank-returns';
import type { FulfilmentRequest } from '#domain/fulfilment';
import type { FinancePack, PackKind } from '#domain/finance-pack';
import type { StatusChange } from '#domain/figures';
import type { PackTable } from '#domain/pack-tables';
import type { DocumentLabels } from '#messages/documents/index';
import type { PaymentPlan } from '#domain/payment-plans';
import type { WorklistEntry } from '#domain/worklist';
import type { LineCancellation, RecordedShipment, StockTarget } from '#domain/shipments';
import type {
  Address,
  Allocation,
  CreditNote,
  Customer,
  Dispute,
  Invoice,
  InvoiceEvent,
  InvoiceFee,
  InvoiceStatus,
  IsoDate,
  IsoInstant,
  JournalEntry,
  Language,
  Order,
  OrderStatus,
  Payment,
  PaymentEvent,
  PaymentTerms,
  PlanHold,
  SellerBankAccount,
  TaxPolicy,
  Totals,
} from '#domain/model';

// ── time ─────────────────────────────────────────────────────────────────────

/** The clock is a port, so dunning and reports really run "as of" any date. */
export interface Clock {
  now(): Date;
  /** Waits (backoff between attempts of a contended write). */
  sleep(ms: number): Promise<void>;
}

/** Full-jitter exponential backoff, capped at 250 ms. */
export const backoffMs = (attempt: number) => Math.random() * Math.min(250, 10 * 2 ** attempt);

// ── the seller ───────────────────────────────────────────────────────────────

export interface Company {
  readonly name: string;
  readonly address: readonly string[];
  readonly baseCurrency: string;
  readonly timezone: string;
  readonly defaultTerms: PaymentTerms;
  readonly taxPolicy: TaxPolicy;
  /** The structured reference every invoice carries (RF is read back whatever the scheme). */
  readonly paymentReferenceScheme: PaymentReferenceScheme;
  /** Where customers pay: on the invoice, in its email and in reminders. */
  readonly bankAccount: SellerBankAccount;
  /** The language of a customer who has none (`defaultLanguage`). */
  readonly defaultLanguage: Language;
  /**
   * The seller as a VAT invoice and a Peppol e-invoice name it (config `companyLegalName`, `companyVatNumber`,
   * `companyRegistration`, `companyCountry`, `companyPostalAddress`, `companyPeppolId`, `vatReverseCharge`).
   * Absent: documents fall back to `name` and `address`.
   */
  readonly legal?: CompanyLegal;
}

/** The seller's legal identity: what art. 226 of the VAT Directive and HMRC require on an invoice. */
export interface CompanyLegal {
  readonly legalName: string;
  /** ISO 3166-1 alpha-2. */
  readonly country: string;
  readonly vatNumber?: string;
  readonly registration?: string;
  readonly postalAddress?: Address;
  readonly peppolId?: { readonly scheme: string; readonly id: string };
  /** Intra-EU business supplies at 0 % are reverse charge (`AE`). */
  readonly reverseCharge: boolean;
}

// ── orders ───────────────────────────────────────────────────────────────────

export interface StoredOrder extends Order {
  readonly totals: Totals;
  readonly version: number;
  readonly updatedAt: string;
  readonly invoiceNumber?: string;
  readonly shipment?: Record<string, unknown>;
  readonly reason?: string;
  readonly backorderAttempts?: number;
  readonly carrier?: Record<string, unknown>;
  /** When fulfil-order first asked the warehouse (kept so a re-run sends the same request). */
  readonly fulfilmentRequestedAt?: string;
  readonly cancellationRequested?: string;
  readonly creditNoteRequested?: boolean;
  /** Shipments the warehouse reported (POST /fulfilment/{orderId}/shipments), by its shipment id (domain/shipments). */
  readonly shipments?: Readonly<Record<string, RecordedShipment>>;
  /** Units per SKU not in stock at validation (backorderPolicy "ship-available"): they ship later or are cancelled. */
  readonly backorders?: Readonly<Record<string, number>>;
  /** Lines the warehouse reported it cannot ship, by its report id: their stock went back. */
  readonly lineCancellations?: Readonly<Record<string, LineCancellation>>;
}

export interface OrderEvent {
  readonly at: string;
  readonly step: string;
  readonly status?: OrderStatus;
  readonly detail?: string;
}

/** A customer first seen with an order: written with it, and only if o2c does not know them yet. */
export type NewCustomer = Customer & { readonly shop: string; readonly createdAt: IsoInstant };

export interface Orders {
  get(orderId: string): Promise<StoredOrder | undefined>;
  /**
   * Creates the order unless the same platform order exists (platform + shop +
   * external id), with `customer` in the same transaction when given and not
   * known (a known one is never written again). Returns the id of the order that exists afterwards.
   */
  create(order: Order & { readonly totals: Totals }, customer?: NewCustomer): Promise<{ orderId: string; created: boolean }>;
  /** Writes a change decided by the domain, guarded by the version read; throws ConcurrentUpdate when the order moved meanwhile. */
  apply(order: StoredOrder, change: OrderChange): Promise<StoredOrder>;
  /** Adds an event to the order's timeline without changing it. */
  recordEvent(orderId: string, event: OrderEvent): Promise<void>;
  /**
   * Orders created before `before` and still `received` (up to `limit`, from the received-orders index, never a
   * Scan): none in the normal course, where the validate step moves an order on within seconds.
   */
  receivedBefore(before: IsoInstant, limit: number): Promise<string[]>;
  /** Takes the order out of that index (a re-driven one is re-driven once). */
  leaveReceived(orderId: string): Promise<void>;
}

// ── customers ────────────────────────────────────────────────────────────────

/**
 * One line of the append-only audit trail: who did what to which entity, the
 * state before and after, and why. Written in the same transaction as the
 * change it records (it travels with the repository call), never updated.
 */
export interface AuditEntry {
  readonly at: IsoInstant;
  /** IAM principal, or the role whose key was used (`finance key`). */
  readonly actor: string;
  readonly action: string;
  /** `customer:<id>`, `invoice:<number>`, `payment:<id>`. */
  readonly entity: string;
  readonly before?: Readonly<Record<string, unknown>>;
  readonly after?: Readonly<Record<string, unknown>>;
  readonly reason?: string;
  /** The action's day in the company's zone (a person's action is counted on it: `action.<action>`); absent: the UTC day of `at`. */
  readonly on?: IsoDate;
}

export interface Audit {
  /** The entity's trail, oldest first. */
  entriesOf(entity: string): Promise<AuditEntry[]>;
  /** For actions that change nothing stored yet (cash queued for matching): the entry alone. */
  record(entry: AuditEntry): Promise<void>;
  /** The entry for an action an entity has at most once (a payment recorded): a retry, even a concurrent one, writes nothing. */
  recordOnce(entry: AuditEntry): Promise<void>;
}

/** A customer as finance keeps it (credit, terms, tax id, dunning exemption), with its version for optimistic updates. */
export type StoredCustomer = Customer & {
  readonly shop?: string;
  readonly taxId?: string;
  /** Business or consumer (absent: a business when it has a tax id; domain/dunning `isBusiness`). */
  readonly kind?: 'business' | 'consumer';
  readonly dunningExempt?: boolean;
  /** Set by a dunning action (credit hold, suspension, hand-over to the agency); absent: in good standing. */
  readonly collectionsStatus?: CollectionsStatus;
  /** Finance's time-boxed credit approval (decide-credit): orders within it are approved without a review until it expires. */
  readonly creditApproval?: CreditApproval;
  /** The day (as of the dunning run) the status was set, and the level that set it. */
  readonly collectionsSince?: IsoDate;
  readonly collectionsLevel?: string;
  /** Every change of `collectionsStatus`, on its day (the finance pack counts the statuses as of a past day from it). */
  readonly collectionsHistory?: readonly StatusChange[];
  readonly version?: number;
  readonly createdAt?: IsoInstant;
};

export interface Customers {
  get(customerId: string): Promise<StoredCustomer | undefined>;
  /** The customer's invoices and orders as the credit rule reads them (by-customer index, never a Scan). */
  account(customerId: string): Promise<CustomerAccount>;
  /** The customer with this email in this shop (by-email index). */
  findByEmail(shop: string, email: string): Promise<StoredCustomer | undefined>;
  /** Creates the customer unless its id exists; `created: false` when it did (nothing written). */
  create(customer: NewCustomer, audit: AuditEntry): Promise<{ created: boolean }>;
  /** Writes the changed customer if its version is still the one read; ConcurrentUpdate otherwise. */
  update(before: StoredCustomer, after: StoredCustomer, audit: AuditEntry): Promise<StoredCustomer>;
}

/**
 * The customers this instance has seen exist, in its memory: intake writes a new customer with its first order and
 * needs no read for that, but it skips the write (and the transaction conflicts of a busy customer's orders all
 * touching its item) for one it remembers. o2c never deletes a customer, so a remembered one stays true.
 */
export interface KnownCustomers {
  has(customerId: string): boolean;
  add(customerId: string): void;
}

// ── catalog and stock ────────────────────────────────────────────────────────

export interface Product {
  readonly sku: string;
  readonly description: string;
  readonly unitPrice: number;
  readonly currency: string;
  readonly taxRatePpm: number;
  readonly onHand: number;
  readonly weightGrams: number;
}

export interface Catalog {
  products(skus: readonly string[]): Promise<ReadonlyMap<string, Product>>;
  /** Reserves every line (sku → quantity), all or nothing; false when a product has too little stock. */
  reserve(orderId: string, lines: ReadonlyMap<string, number>, at: IsoInstant): Promise<boolean>;
  /** Puts held units back on the shelf (rejection, cancellation). */
  release(orderId: string): Promise<number>;
  /** Marks held units as gone with the shipment. */
  ship(orderId: string): Promise<number>;
  /**
   * Brings the order's reservations to these targets per SKU (partial shipments, cancelled lines, backordered units
   * shipped later): units shipped and units still open in all (domain/shipments `settleReservation`). Absolute, so a
   * re-run moves nothing; never backwards; held units beyond what is open go back on the shelf; units shipped beyond
   * the reservation are taken from the shelf (StockShort, nothing moved, when it has too few). Returns the reservations moved.
   */
  settleLines(orderId: string, targets: ReadonlyMap<string, StockTarget>): Promise<number>;
  /**
   * Reserves what the shelf has of each line, up to the quantity (backorderPolicy "ship-available"); what was
   * reserved per SKU (an earlier run's reservations when there are any).
   */
  reserveAvailable(orderId: string, lines: ReadonlyMap<string, number>, at: IsoInstant): Promise<Map<string, number>>;
}

// ── invoices, payments, dunning, aggregates ──────────────────────────────────

export interface InvoiceIssue {
  readonly invoice: Invoice;
  /** The order's move shipped → invoiced, decided by the domain. */
  readonly order: StoredOrder;
  readonly orderChange: OrderChange;
  readonly entry: JournalEntry;
  /** Added to the day's and the month's aggregates. */
  readonly aggregates: Readonly<Record<string, number>>;
}

/** An invoice as it is after an adjustment, with what was read (the guard). */
export interface InvoiceAdjustment {
  readonly before: Invoice;
  readonly after: Invoice & { readonly credited?: number };
  readonly entry: JournalEntry;
  readonly audit: AuditEntry;
  /** The change of the balance, added to the invoice's history (none when the balance stays). */
  readonly event?: InvoiceEvent;
  /** Added to the day's and the month's aggregates (a write-off's amount and count). */
  readonly aggregates?: Readonly<Record<string, number>>;
  /** The client's Idempotency-Key, claimed in the same transaction (the answer is the document's number). */
  readonly requestKey?: ClaimedKey;
}

/** A client's Idempotency-Key claimed inside the transaction of the change it asks for. */
export interface ClaimedKey {
  readonly scope: string;
  readonly key: string;
  readonly bodyHash: string;
  readonly at: IsoInstant;
}

export interface Invoices {
  get(number: string): Promise<(Invoice & { readonly credited?: number }) | undefined>;
  /**
   * Writes the credit note with its number (series counter `sequence − 1` → `sequence`), the invoice's new
   * balance guarded by the one read, the entry and the audit line in one transaction. `taken`: another
   * document got the number first; `invoice-changed`: the invoice moved meanwhile (read it again).
   */
  issueCreditNote(
    creditNote: CreditNote,
    adjustment: InvoiceAdjustment,
  ): Promise<{ kind: 'issued' } | { kind: 'taken' } | { kind: 'invoice-changed' } | { kind: 'replayed'; creditNoteNumber: string } | { kind: 'key-reused' }>;
  /** One credit note of an invoice. */
  creditNote(invoiceNumber: string, number: string): Promise<CreditNote | undefined>;
  /** A credit note by its number alone (through its pointer; notes issued before pointers existed are not found). */
  creditNoteByNumber(number: string): Promise<CreditNote | undefined>;
  /** The invoice's credit notes. */
  creditNotesOf(invoiceNumber: string): Promise<CreditNote[]>;
  /** Writes a write-off (or any adjustment without a document), guarded by the balance read; ConcurrentUpdate when it moved. */
  adjust(adjustment: InvoiceAdjustment): Promise<void>;
  /** The last number used in a series and year (0 when none). */
  lastSequence(series: string, year: number): Promise<number>;
  /**
   * Writes the invoice with its number, the order's change, the journal entry
   * and the aggregates in one transaction, moving the series counter from
   * `sequence − 1` to `sequence`. `taken`: another invoice got the number first
   * (read the counter again); `exists`: the order was invoiced meanwhile.
   */
  issue(issue: InvoiceIssue): Promise<{ kind: 'issued' } | { kind: 'taken' } | { kind: 'order-changed' }>;
  /**
   * Charges a late-payment fee: the fee item (one per invoice and level: a conditional put), the invoice's balance
   * raised by it (guarded by the balance read) with its history event and its `fees`, and the journal entry
   * (Dr receivables / Cr late fees), in one transaction. `exists`: this level's fee was charged before (nothing
   * written); `changed`: the invoice moved meanwhile (read it again).
   */
  chargeFee(charge: FeeCharging): Promise<'charged' | 'exists' | 'changed'>;
  /** Open invoices due before `before` (exclusive), from every shard of the sparse index. */
  openDueBefore(before: IsoDate): Promise<Invoice[]>;
  /**
   * Open invoices whose next action date (`nextActionOn`) is before `before` (exclusive): the sparse, sharded
   * next-action index, then the invoices themselves (eventually consistent; the dunning marks and the guarded fee
   * write are what make acting on them safe). Dunning reads only these. With `shard`, only that shard of the
   * index (`shards` of them, by customer: every invoice of a customer is in the same one); without, all of them.
   */
  dueForAction(before: IsoDate, shard?: number): Promise<Invoice[]>;
  /** Shards of the next-action index (a dunning run works one per shard worker). */
  readonly actionShards: number;
  /** Moves the invoice's next action date (null: none left — it leaves the next-action index), in its customer's shard. */
  scheduleNext(invoice: InvoiceRef, nextActionOn: IsoDate | null): Promise<void>;
  /** The customer's invoices with a balance (by-customer index). */
  openOfCustomer(customerId: string): Promise<Invoice[]>;
  /** Every invoice of the customer issued on or before `through` (by-customer index). */
  ofCustomer(customerId: string, through: IsoDate): Promise<Invoice[]>;
}

/** A fee to charge: the invoice as read (its balance is the guard), the fee, and its journal entry. */
export interface FeeCharging {
  readonly before: Invoice;
  readonly fee: InvoiceFee;
  readonly entry: JournalEntry;
}

/** A dispute opened: the invoice as read (its version is the guard), the dispute, what the invoice's `disputed` becomes, the audit line. */
export interface DisputeOpening {
  readonly before: Invoice & { readonly version?: number };
  readonly dispute: Dispute;
  readonly disputed: number;
  readonly audit: AuditEntry;
}

/** A dispute resolved: the dispute as it was (open) and as it becomes, and the audit line. */
export interface DisputeSettlement {
  readonly before: Dispute;
  readonly after: Dispute;
  readonly audit: AuditEntry;
}

/** Disputes and promises to pay: the collections side of an invoice. */
export interface Disputes {
  /** A dispute by its id alone (through its pointer), undefined when there is none. */
  get(disputeId: string): Promise<Dispute | undefined>;
  /** The invoice's disputes, open and resolved. */
  ofInvoice(invoiceNumber: string): Promise<Dispute[]>;
  /**
   * Writes the dispute, its pointer, the invoice's new `disputed` (guarded by the invoice's version read:
   * a concurrent action cannot over-dispute) and the audit line in one transaction. `exists`: a dispute
   * with this id is there already (a retried request); ConcurrentUpdate when the invoice moved meanwhile.
   */
  open(opening: DisputeOpening): Promise<'opened' | 'exists'>;
  /**
   * Marks the dispute resolved — only if it is still open — and takes its amount off the invoice's
   * `disputed`, with the audit line, in one transaction. `already-resolved`: it was not open any more.
   */
  resolve(settlement: DisputeSettlement): Promise<'resolved' | 'already-resolved'>;
  /** Stores the promise on the invoice, guarded by its version read (ConcurrentUpdate when it moved), audited. */
  promise(before: Invoice & { readonly version?: number }, promise: { readonly promisedUntil: IsoDate; readonly promisedAtLevel: number }, audit: AuditEntry): Promise<void>;
}

/** A payment's effect, decided by the domain: new balances and statuses, the entry, the aggregates. */
export interface PaymentApplication {
  readonly payment: Payment;
  readonly allocations: readonly Allocation[];
  readonly discounts: readonly Allocation[];
  readonly unapplied: number;
  /** Each invoice touched: the balance read (the guard), what it becomes, and the history events of the change. */
  readonly settlements: readonly { readonly invoice: Invoice; readonly balance: number; readonly status: InvoiceStatus; readonly events: readonly InvoiceEvent[] }[];
  /** Whose cash this is: given with the payment, or the customer of the invoices it quoted (unknown: nobody's yet). */
  readonly customerId?: string;
  readonly entry: JournalEntry;
  readonly aggregates: Readonly<Record<string, number>>;
  readonly appliedAt: IsoInstant;
  /** How the cascade placed it (rule, confidence, evidence; a proposal when it was not sure enough). */
  readonly match?: PaymentMatch;
  /**
   * The customer the payer's IBAN is remembered for (the next payment from it is theirs): only when the customer
   * was known for sure — given, quoted invoices or references, the IBAN itself — never a guess from the payer's name.
   */
  readonly payerAccountFor?: string;
}

/** The cascade's decision as kept on the payment: what finance reads on the worklist. */
export interface PaymentMatch {
  readonly matchedBy: string;
  readonly confidence: number;
  /** Carried out without a person. */
  readonly auto: boolean;
  readonly reason: string;
  readonly evidence: readonly string[];
  readonly customerBy?: string;
  /** A short payment beyond the tolerance, opened as a `short-payment` dispute. */
  readonly deduction?: { readonly invoiceNumber: string; readonly amount: number; readonly reason: string };
  /** Not sure enough: what the cascade would apply, for finance to confirm. */
  readonly proposal?: { readonly applications: readonly { readonly invoiceNumber: string; readonly amount: number }[]; readonly discounts: readonly { readonly invoiceNumber: string; readonly amount: number }[]; readonly deduction?: { readonly invoiceNumber: string; readonly amount: number; readonly reason: string } };
  readonly currencyMismatch?: { readonly invoiceNumbers: readonly string[]; readonly invoiceCurrency: string; readonly paymentCurrency: string };
  /** Finance turned the proposal down (`POST /finance/bank-statements/{importId}/items/{itemId}/reject`): nothing of it is applied. */
  readonly rejected?: ProposalRejection;
}

/** Who turned a proposal down, when and why. */
export interface ProposalRejection {
  readonly by: string;
  readonly at: IsoInstant;
  readonly reason: string;
  /** The customer was only a guess from the payer's name: the cash went to the unassigned list. */
  readonly customerReleased?: string;
}

/** A proposal turned down: the payment as read (its unapplied cash and the proposal not yet decided are the guard). */
export interface ProposalRejectionWrite {
  readonly before: StoredPayment;
  readonly rejection: ProposalRejection;
  /** Take the payment off its customer (listed as unassigned cash). */
  readonly releaseCustomer: boolean;
  readonly audit: AuditEntry;
}

/** A payment as applied: what it settled, the cash left over and whose it is, and every later move of that cash. */
export type StoredPayment = Payment & {
  readonly allocations: readonly Allocation[];
  readonly discounts: readonly Allocation[];
  readonly unapplied: number;
  readonly appliedAt: IsoInstant;
  readonly applications?: readonly PaymentEvent[];
  readonly match?: PaymentMatch;
  /** The bank took it back (a return or reversal on a later statement): its return entry. */
  readonly returned?: { readonly on: IsoDate; readonly entryKey: string; readonly account: string };
} & PaymentEvidence;

/** A move of a payment's unapplied cash (to an invoice, or back to the payer), decided by the domain. */
export interface UnappliedMove {
  /** The payment as read: its unapplied amount is the guard. */
  readonly before: StoredPayment;
  readonly unapplied: number;
  readonly customerId?: string;
  readonly event: PaymentEvent;
  /** The invoice the cash goes to: as read (the guard), as it becomes, and its history event. */
  readonly invoice?: { readonly before: Invoice; readonly after: Invoice; readonly event: InvoiceEvent };
  readonly entry: JournalEntry;
  readonly audit: AuditEntry;
  readonly aggregates: Readonly<Record<string, number>>;
  readonly requestKey?: ClaimedKey;
}

/** Who pays from where: what cash matching knows of payers beyond what a payment quotes. */
export interface PayerDirectory {
  /** The customer this IBAN last paid for, if o2c has seen it. */
  customerOfIban(iban: string): Promise<string | undefined>;
  /**
   * Every customer's id and name, to score a payer's name against (one partition; cached briefly).
   * `fresh`: read again unless the cached list is only seconds old (a payer no cached name matched).
   */
  customerNames(options?: { readonly fresh?: boolean }): Promise<readonly { readonly customerId: string; readonly name: string }[]>;
  /** Remembers the IBAN for this customer (finance confirmed a payment from it was theirs): the next payment from it is theirs. */
  remember(account: { readonly iban: string; readonly customerId: string; readonly seenOn: IsoDate; readonly paymentId: string }): Promise<void>;
}

/** Reference exchange rates kept by the scheduled refresh (refresh-rates): the latest day, and each day as published. */
export interface ReferenceRateStore {
  latest(): Promise<ReferenceRates | undefined>;
  /** Keeps a day's rates; `unchanged` when that day, or a later one, is the latest already (the dated copy is kept once). */
  save(rates: ReferenceRates, at: IsoInstant): Promise<'saved' | 'unchanged'>;
}

/** A payment's unapplied cash as the customer's exposure reads it (`Payments.unappliedOf`). */
export interface UnappliedCash {
  readonly paymentId: string;
  /** Minor units of `currency`, > 0. */
  readonly amount: number;
  readonly currency: string;
  readonly receivedOn: IsoDate;
}

export interface Payments {
  exists(paymentId: string): Promise<boolean>;
  get(paymentId: string): Promise<StoredPayment | undefined>;
  /** The customer's payments received on or before `through` (by-customer index). */
  ofCustomer(customerId: string, through: IsoDate): Promise<StoredPayment[]>;
  /** Payments nobody owns yet that still hold unapplied cash. */
  unassigned(): Promise<StoredPayment[]>;
  /**
   * The customer's unapplied cash now: one entry per payment of theirs that holds some, kept beside the customer in
   * the transactions that change a payment's unapplied cash or owner — so it costs what is unapplied, not the
   * customer's payment history (what the credit exposure needs; a statement as of a day reads `ofCustomer`).
   */
  unappliedOf(customerId: string): Promise<readonly UnappliedCash[]>;
  /**
   * One-off upgrade (use-cases/file-unapplied-cash): files a payment that held unapplied cash before those entries
   * were kept — only while the payment is as read (`changed`: it moved meanwhile, and its move filed it); `none`:
   * no owner or no cash.
   */
  fileUnapplied(payment: StoredPayment): Promise<'filed' | 'changed' | 'none'>;
  /** One transaction; false if this payment was applied before; PaymentConflict if an invoice changed. */
  apply(application: PaymentApplication): Promise<boolean>;
  /**
   * Writes the move with the payment's and the invoice's new state (each guarded by what was read), the
   * entry, the audit line and the client's key in one transaction. `changed`: the payment or the invoice
   * moved meanwhile (read again); `replayed`: the key was used for this body before (its answer).
   */
  moveUnapplied(move: UnappliedMove): Promise<{ kind: 'done' } | { kind: 'changed' } | { kind: 'replayed'; answer: string } | { kind: 'key-reused' }>;
  /** The rejection on the payment's match (and its release from the customer) with the audit line, in one transaction; `changed`: decided or moved meanwhile. */
  rejectProposal(write: ProposalRejectionWrite): Promise<'done' | 'changed'>;
}

// ── bank-statement imports ───────────────────────────────────────────────────

/** Where a bank file came from: posted to the API, or dropped into the S3 bucket. */
export type BankFileSource = { readonly kind: 'api'; readonly actor: string } | { readonly kind: 's3'; readonly bucket: string; readonly key: string };

/**
 * One bank file imported (one item, keyed by its id, which the file's fingerprint gives): what the file held
 * and the payments it queued. `received` — claimed, payments not yet confirmed queued (a retry of the same
 * file queues them again: apply-payment applies each id once); `queued` — all handed to apply-payment.
 */
export type StoredBankImport = BankImportSummary & {
  readonly importId: string;
  readonly fingerprint: string;
  readonly status: 'received' | 'queued';
  readonly source: BankFileSource;
  readonly receivedAt: IsoInstant;
  readonly queuedAt?: IsoInstant;
  /**
   * The payments its credits became, in file order (what GET reads back): given to `create`, which keeps them
   * beside the import in items of 1,000 (`paymentChunks` of them) — read them with `paymentIdsOf`. Imports made
   * before that hold them here.
   */
  readonly paymentIds?: readonly string[];
  /** How many items of payment ids the import keeps beside it (absent: `paymentIds` holds them). */
  readonly paymentChunks?: number;
  /** What became of each return or reversal debit (set once the credits are matched, or at once when there are none). */
  readonly returnOutcomes?: readonly ReturnOutcome[];
  /**
   * What apply-payment has not yet counted: with `countShards`, the import's counters (`countShardOf` its payment
   * ids) that have not reached 0 — each counter counts its credits down, once per payment id (`countApplied`), and
   * takes one off here when it reaches 0; without, imports made before the counters: credits not yet counted. When
   * it reaches 0 the matching is finished: the returns are carried out and finance is emailed. Absent on imports
   * made before the count existed (they emailed at queuing and took back their returns at once).
   */
  readonly outstanding?: number;
  /** How many counters the import's credits are counted on (absent: on the import item itself). */
  readonly countShards?: number;
  /**
   * The summary is being written (a lease, held by `summaryHolder`: a later delivery of the holder's message takes
   * it over at once; anyone else once it is stale).
   */
  readonly summaryClaimedAt?: IsoInstant;
  /** Who holds the summary's lease (absent on a lease taken before holders were kept: taken over only when stale). */
  readonly summaryHolder?: SummaryLeaseHolder;
  /** The matching finished: returns carried out, finance's summary queued. */
  readonly summarisedAt?: IsoInstant;
};

export interface BankImports {
  /**
   * Creates the import unless its id exists; the one that exists afterwards, and whether this call made it.
   * `shardCounts`: the credits on each of its `countShards` counters (written with it).
   */
  create(record: StoredBankImport, options?: { readonly shardCounts?: readonly number[] }): Promise<{ created: boolean; record: StoredBankImport }>;
  /** The import (without its payment ids when they are kept beside it: `paymentIdsOf`). */
  get(importId: string): Promise<StoredBankImport | undefined>;
  /** The payment ids of an import, in file order. */
  paymentIdsOf(record: StoredBankImport): Promise<readonly string[]>;
  markQueued(importId: string, at: IsoInstant): Promise<void>;
  /** Keeps what became of the import's returns (after it is queued). */
  recordReturns(importId: string, returnOutcomes: readonly ReturnOutcome[]): Promise<void>;
  /**
   * apply-payment has written (or found) this payment of the import: its mark is put only if absent, in one
   * transaction with its counter's `outstanding − 1` (imports made before the counters: the import's), so each
   * payment id counts once however often its message comes. The counting write says whether it closed its
   * counter: a counter's last credit is counted, the counter closed and one taken off the import's `outstanding`
   * in one transaction (`closed`; for an import made before the counters: its own count reached 0), so only then
   * may the import be finished — the other counts read nothing back. `counted-before`: marked already (a
   * redelivery, or the same entry in an overlapping file); it may be the retry of a count that closed and then
   * crashed before finishing, so the import must be looked at (a counter found at 0 but not closed is closed
   * then, once). `untracked`: the import keeps no count (made before it existed, or unknown).
   */
  countApplied(importId: string, paymentId: string): Promise<'counted' | 'closed' | 'counted-before' | 'untracked'>;
  /**
   * Takes the summary's lease for `holder` (not once the import is summarised): true when nobody holds it, when its
   * holder took it before `staleBefore`, or when its holder is an earlier delivery of `holder`'s message (same
   * message id, lower receive count) — the queue delivers a message again only once the earlier delivery's
   * visibility timeout passed, so that finisher died and its own retry carries on at once. Another message (a
   * duplicate delivery of another credit, a concurrent finisher) or the same delivery twice is refused while the
   * lease is live.
   */
  claimSummary(importId: string, holder: SummaryLeaseHolder, at: IsoInstant, staleBefore: IsoInstant): Promise<boolean>;
  /** Gives the summary's lease back (a finisher that failed): only `holder`'s, not once another took it over. */
  releaseSummary(importId: string, holder: SummaryLeaseHolder): Promise<void>;
  /** The import summarised (once: the first instant stays); the lease's holder is dropped. */
  markSummarised(importId: string, at: IsoInstant): Promise<void>;
  /**
   * The stored payments among these ids (BatchGet, 100 a call; ids not applied yet are missing). Read at
   * request time: fine for statements of a few thousand credits, not for a dashboard over many imports.
   */
  paymentsOf(paymentIds: readonly string[]): Promise<StoredPayment[]>;
}

/** A return or reversal debit o2c carried out: the bank entry (account and entry key) and the payment it took back. */
export interface StoredReturn {
  readonly account: string;
  readonly entryKey: string;
  readonly paymentId: string;
  readonly on: IsoDate;
  readonly amount: number;
  readonly currency: string;
  readonly importId?: string;
}

/** A payment the bank took back, decided by the domain (domain/bank-returns): what is written in one transaction. */
export interface PaymentReturnWrite {
  /** The payment as read: its unapplied cash and that it was not returned are the guard. */
  readonly payment: StoredPayment;
  readonly record: StoredReturn;
  /** Each invoice reopened: as read (the guard), its balance and status after, the `reversal` event. */
  readonly reopened: readonly InvoiceReopening[];
  readonly paymentEvent: PaymentEvent;
  readonly entry: JournalEntry;
  readonly audit: AuditEntry;
  readonly aggregates: Readonly<Record<string, number>>;
}

/** Returns of bank credits (one item per return entry: its conditional put makes a return reverse once). */
export interface PaymentReturns {
  find(account: string, entryKey: string): Promise<StoredReturn | undefined>;
  /** Ids of the bank payments that carried one of these end-to-end ids or entry keys (pointers written with each payment). */
  paymentsQuoting(quoted: { readonly endToEndIds: readonly string[]; readonly entryKeys: readonly string[] }): Promise<string[]>;
  /**
   * The return item, the payment's new state (nothing unapplied, `returned`), each invoice's balance, status and
   * history (back in the open index), the entry, the audit line and the aggregates in one transaction.
   * `exists`: this return entry was carried out before (nothing written); `changed`: the payment or an invoice moved meanwhile.
   */
  reverse(write: PaymentReturnWrite): Promise<'reversed' | 'exists' | 'changed'>;
}

/** Reads a dropped bank file (S3) as a stream of UTF-8 text, as often as asked; `eTag`: only that version of it. */
export interface BankFileStore {
  stream(bucket: string, key: string, eTag?: string): AsyncIterable<string>;
}

/**
 * One invoice's dunning level (the policy level's id): `new` — claimed by this call; `pending` —
 * claimed earlier but never confirmed queued (queue it again: the reminder's
 * mail key dedupes); `queued` — done before.
 */
export type DunningClaim = 'new' | 'pending' | 'queued';

export interface DunningMarks {
  claim(invoiceNumber: string, level: string, asOf: IsoDate, at: IsoInstant): Promise<DunningClaim>;
  /** Records the level as sent on the invoice and, in the same write, moves its next action date (null: none left). */
  confirmQueued(invoice: InvoiceRef, level: string, at: IsoInstant, nextActionOn: IsoDate | null): Promise<void>;
}

/** An invoice as the next-action index places it: its number, and its customer (the index's shard). */
export interface InvoiceRef {
  readonly number: string;
  readonly customerId: string;
}

/** What one shard worker of a dunning run did (summed over the run's shards). */
export interface DunningShardCounts {
  readonly read: number;
  readonly letters: number;
  readonly invoices: number;
  readonly fees: number;
  readonly actions: number;
  readonly plansBroken: number;
}

/** A dunning run as its record holds it: its shards, which are done, the counts of those done. */
export interface DunningRunRecord extends DunningShardCounts {
  readonly runId: string;
  readonly asOf: IsoDate;
  readonly startedAt: IsoInstant;
  readonly shards: number;
  readonly done: number;
}

/** Who holds a shard's lease: one delivery of one shard message — its queue message id and receive count. */
export interface ShardLeaseHolder {
  readonly messageId: string;
  readonly receiveCount: number;
}

/**
 * Who holds a bank import's summary lease: one delivery of one queue message (apply-payment's payment message,
 * bank-import's S3 drop) — its message id and receive count, as a shard's lease. A finisher called outside a queue
 * (a posted file, a test) holds it as `import:<importId>` with receive count 0: taken over only once it is stale.
 */
export type SummaryLeaseHolder = ShardLeaseHolder;

/**
 * Dunning runs fanned out by shard (plan-dunning starts one, a shard worker per shard finishes its part):
 * the record counts each shard once, whatever is redelivered or run again.
 */
export interface DunningRuns {
  /** Puts the run's record (none done yet); a second start of the same run changes nothing. */
  start(run: { readonly runId: string; readonly asOf: IsoDate; readonly shards: number; readonly at: IsoInstant }): Promise<void>;
  /**
   * Adds the shard's counts and worklist lines to its run once, in one write: `recorded` — by this call;
   * `again` — recorded before (nothing written). Either way the run as it stands after.
   */
  finishShard(runId: string, shard: number, counts: DunningShardCounts, worklist: readonly WorklistEntry[]): Promise<{ outcome: 'recorded' | 'again'; run: DunningRunRecord }>;
  /**
   * Takes the lease of a shard for `holder` until `until` (the worker's timeout and a margin): false when another
   * holder has it and it has not expired — one worker per shard at a time, whatever run (or day) it is of. A later
   * delivery of the message that holds it takes it over at once: the queue delivers a message again only after the
   * earlier delivery's visibility timeout, which outlasts its worker (that worker died or was stopped).
   */
  lease(shard: number, holder: ShardLeaseHolder, at: IsoInstant, until: IsoInstant): Promise<boolean>;
  /** Gives the lease back (only `holder`'s: not once a later delivery of its message took it over). */
  release(shard: number, holder: ShardLeaseHolder): Promise<void>;
  /** Every worklist line the run's shards recorded. */
  worklist(runId: string): Promise<WorklistEntry[]>;
  get(runId: string): Promise<DunningRunRecord | undefined>;
}

/**
 * One covered invoice's change with its payment plan: as read (its balance is the guard), the hold it gets (null:
 * released), the promise dunning resumes from when released, and its next action date (absent: the invoice is
 * settled and stays out of the next-action index).
 */
export interface PlanInvoiceChange {
  readonly invoice: Invoice;
  readonly hold: PlanHold | null;
  readonly resume?: { readonly promisedUntil: IsoDate; readonly promisedAtLevel: number };
  readonly nextActionOn?: IsoDate;
}

/** Payment plans (domain/payment-plans): each written with its invoices' holds and the audit line in one transaction. */
export interface PaymentPlans {
  get(customerId: string, planId: string): Promise<PaymentPlan | undefined>;
  /** The customer's plans, oldest first. */
  ofCustomer(customerId: string): Promise<PaymentPlan[]>;
  /** `exists`: a plan with this id is there (nothing written); `changed`: an invoice moved or got a plan meanwhile (read again). */
  agree(plan: PaymentPlan, invoices: readonly PlanInvoiceChange[], audit: AuditEntry): Promise<'agreed' | 'exists' | 'changed'>;
  /** The plan as read (its version is the guard) becomes `after`, with its invoices' changes; `changed`: it moved meanwhile. */
  change(before: PaymentPlan, after: PaymentPlan, invoices: readonly PlanInvoiceChange[], audit?: AuditEntry): Promise<'done' | 'changed'>;
}

/** The ledger's totals: every entry's movements, summed by day and month per currency. */
export interface Ledger {
  /** Summed `account.side` movements of every entry dated on or before `asOf`, per currency. */
  movementsAsOf(asOf: IsoDate): Promise<Map<string, Record<string, number>>>;
}

/** Metrics of one period, per currency. */
export type PeriodTotals = Map<string, Record<string, number>>;

export interface Aggregates {
  /** Sums of each metric over the given days, per currency. */
  totals(days: readonly IsoDate[]): Promise<Map<string, Record<string, number>>>;
  /** Each of these days' metrics, per currency (days without any are missing). */
  days(days: readonly IsoDate[]): Promise<Map<IsoDate, PeriodTotals>>;
  /** Each month's (`YYYY-MM`) metrics from `fromMonth` on — later months too, current AR is booked ahead — per currency. */
  monthsFrom(fromMonth: string): Promise<Map<string, PeriodTotals>>;
  /** The stock metrics since the book began, per currency, with its first day of credit sales. */
  sinceInception(): Promise<Map<string, { readonly metrics: Record<string, number>; readonly firstSale?: IsoDate }>>;
}

/** What the figures read besides the aggregates: the invoices that were open on a past day, and the customers' names and statuses. */
export interface FigureSources {
  /** Numbers of the invoices settled (balance to zero) after `after`, through `through` (settled-on pointers). */
  settledAfter(after: IsoDate, through: IsoDate): Promise<string[]>;
  /** These invoices (BatchGet). */
  invoicesOf(numbers: readonly string[]): Promise<Invoice[]>;
  /** Every customer's name and collections status, with the status's changes (one partition). */
  customerDirectory(): Promise<readonly { readonly customerId: string; readonly name: string; readonly collectionsStatus?: string; readonly collectionsHistory?: readonly StatusChange[] }[]>;
}

/**
 * A delivery of an order or a payment o2c already had (a webhook sent again, a B2B retry, the same credit in a
 * second bank file), counted once in the day's `duplicatesAbsorbed`: the delivery's marker (entity + delivery id)
 * is put with the count in one transaction, so a retry of the same delivery counts nothing. True when counted.
 */
export interface DuplicateDeliveries {
  /** `metric`: what to count (default `duplicatesAbsorbed`; an intake refusal counts its `error.<reason>` the same way). */
  count(input: { readonly entity: string; readonly deliveryId: string; readonly on: IsoDate; readonly currency: string; readonly metric?: string }): Promise<boolean>;
}

// ── the finance pack ─────────────────────────────────────────────────────────

/**
 * The figures of a finance pack as of a day (use-cases/finance-pack `financePack` computes them; build-report only
 * renders and delivers what it returns).
 */
export type PackFigures = (kind: PackKind, asOf: IsoDate) => Promise<FinancePack>;

/** Renders a pack's documents (adapters/pack-documents: ECharts SVG charts in a pdf-lib PDF, a write-excel-file workbook). */
export interface PackDocuments {
  /** The PDF: headline figures, the charts (aging bars, DSO/ADD/CEI trend, cash collected vs invoiced) and the tables. */
  pdf(pack: FinancePack, tables: readonly PackTable[]): Promise<Uint8Array>;
  /** One workbook, a sheet per table: numbers as numbers in their currency's format, dates as dates. */
  xlsx(tables: readonly PackTable[]): Promise<Uint8Array>;
}

// ── the workflow ─────────────────────────────────────────────────────────────

export type WaitKind = 'credit-review' | 'fulfilment';

export interface Workflow {
  /** True if started now, false if the order's execution exists already. */
  start(orderId: string): Promise<boolean>;
  /** False when no execution was running. */
  stop(orderId: string, cause: string): Promise<boolean>;
  /**
   * Answers a wait; throws TaskTokenSpent when nobody waits on the token any more. The fulfilment wait (`wait`) is
   * answered by the order's steps after it (ship, invoice), which this starts: the last of them ends the wait.
   */
  complete(taskToken: string, output: unknown, wait?: { readonly orderId: string; readonly kind: WaitKind }): Promise<void>;
  fail(taskToken: string, error: string, cause: string): Promise<void>;
}

export interface TaskTokens {
  /**
   * Keeps the token of an open wait (replacing an earlier wait's). False, and nothing kept, when this very token was
   * forgotten already (`delete`): its wait has ended, and this is a redelivered hand-off of it.
   */
  store(orderId: string, kind: WaitKind, taskToken: string, at: IsoInstant, extra?: Record<string, unknown>): Promise<boolean>;
  get(orderId: string, kind: WaitKind): Promise<string | undefined>;
  /** The answer noted on the stored token (`noteAnswer`) and not yet forgotten with it, if any. */
  noted(orderId: string, kind: WaitKind): Promise<{ readonly token: string; readonly answer: string; readonly at: IsoInstant } | undefined>;
  /** Forgets the wait's token (remembering which one it was, for `store`); with `event`, the timeline line in the same write. */
  delete(orderId: string, kind: WaitKind, event?: OrderEvent): Promise<void>;
  /**
   * Notes on the stored token that it is being answered with `answer` (a fingerprint) at `at`, before the answer goes
   * to the workflow: `first` when nobody had, `again` when this same answer had been noted (a retry of a caller whose
   * first attempt may have answered; `at` is then the first attempt's), `taken` when the token changed or another
   * answer was noted — then `noted` is that answer and `at` its time (absent when the token changed).
   */
  noteAnswer(orderId: string, kind: WaitKind, taskToken: string, answer: string, at: IsoInstant): Promise<{ outcome: 'first' | 'again'; at: IsoInstant } | { outcome: 'taken'; at: IsoInstant; noted?: string }>;
}

// ── messages out ─────────────────────────────────────────────────────────────

export interface MailAttachment {
  readonly filename: string;
  readonly contentType: string;
  readonly contentBase64: string;
}

/** Every email travels as one of these to the one sender, which sends each `key` at most once. */
export interface MailMessage {
  readonly key: string;
  readonly to: readonly string[];
  readonly cc?: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  readonly attachments?: readonly MailAttachment[];
  readonly language?: string;
}

export interface Mail {
  enqueue(message: MailMessage): Promise<void>;
}

/** Sends raw MIME (send-mail only). */
export interface MailTransport {
  send(message: MailMessage): Promise<string | undefined>;
}

/** A document render-documents renders (and attaches) from the record it is stored as. */
export type DocumentRef =
  | { readonly kind: 'invoice'; readonly number: string }
  | { readonly kind: 'credit-note'; readonly invoiceNumber: string; readonly number: string }
  | { readonly kind: 'statement'; readonly customerId: string; readonly asOf: IsoDate };

/**
 * An email with documents to attach (queue `documents`, consumer render-documents): the email as it will be sent
 * (key, recipients, text) without its attachments, and the documents it carries. The renderer renders them and
 * queues the email under the same key, so a retry sends nothing twice.
 */
export interface DocumentMail {
  readonly mail: MailMessage;
  readonly documents: readonly DocumentRef[];
}

/** A queue between two steps. */
export interface Outbox<T> {
  send(message: T): Promise<void>;
  sendMany(messages: readonly T[]): Promise<void>;
}

export interface OrderMessage {
  readonly orderId: string;
}

/** What a bank file says about a credit beside its amount and references (all optional: other sources have none). */
export interface PaymentEvidence {
  readonly payerName?: string;
  readonly payerIban?: string;
  readonly endToEndId?: string;
  /** The bank-statement import the payment came in (`GET /finance/bank-statements/{importId}`). */
  readonly importId?: string;
  /** The bank's key of the entry (or of the transaction of a batched entry), unqualified by the account. */
  readonly entryKey?: string;
}

/**
 * `deliveryId`: the delivery the report came in (a webhook's or request's arrival, a bank import's id): the same
 * payment in another delivery is a duplicate absorbed (apply-payment counts it once per delivery).
 */
export type PaymentMessage = Omit<Payment, 'customerId'> & { readonly customerId?: string; readonly deliveryId?: string } & PaymentEvidence;

/**
 * One dunning letter to write: one customer, one currency, one run (`asOf`), every invoice that reached a level
 * (with that level's id). What plan-dunning knew and did is carried along, so the letter says only what is true:
 * whether an earlier reminder was really sent, the action this run carried out, and the escalation the policy
 * will carry out next (with its day).
 */
export interface ReminderRequest {
  readonly customerId: string;
  readonly currency: string;
  readonly asOf: IsoDate;
  readonly items: readonly { readonly invoiceNumber: string; readonly level: string }[];
  /** A letter at an overdue level went to this customer for one of these invoices before this run. */
  readonly earlierReminder: boolean;
  /** The action this run carried out for the letter's level (the status it set), if any. */
  readonly action?: DunningAction;
  /** The next level's action and the day it falls due (announced in the letter). */
  readonly escalation?: { readonly action: DunningAction; readonly on: IsoDate };
  /** The mail key: per customer, run day and set of invoice levels, so a re-queued letter is sent once. */
  readonly key: string;
}

/** One shard of a dunning run, for its shard worker (run-dunning-shard): the run, its day, the shard of the next-action index. */
export interface DunningShardMessage {
  readonly runId: string;
  readonly asOf: IsoDate;
  readonly shard: number;
}

// ── the warehouse ────────────────────────────────────────────────────────────

/** A fulfilment request on its way to the warehouse's webhook (the `warehouse-requests` queue). */
export interface FulfilmentRequestMessage {
  readonly request: FulfilmentRequest;
}

/** What the warehouse's webhook answered: 2xx accepted, 4xx refused with its reason. */
export type WarehouseAnswer = { readonly kind: 'accepted'; readonly status: number } | { readonly kind: 'refused'; readonly status: number; readonly reason: string };

/**
 * The seller's warehouse webhook: delivers the signed request. Throws on what time can fix (5xx, 429, network,
 * timeout: WarehouseUnavailable), so the queue retries the message with backoff and then dead-letters it.
 */
export interface WarehouseWebhook {
  deliver(request: FulfilmentRequest): Promise<WarehouseAnswer>;
}

/** The o2c event bus (EventBridge): facts other systems of the seller subscribe to. */
export interface Events {
  publish(detailType: string, detail: object): Promise<void>;
}

// ── documents ────────────────────────────────────────────────────────────────

export interface InvoiceDocuments {
  /** Each in the labels' language (`documentLabels` of functions/messages/documents: the customer's, else the company's default). */
  pdf(invoice: Invoice, seller: Pick<Company, 'name' | 'address' | 'bankAccount' | 'paymentReferenceScheme'>, customer: Pick<Customer, 'name' | 'email' | 'billingAddress'>, labels: DocumentLabels): Promise<Uint8Array>;
  creditNotePdf(creditNote: CreditNote, seller: Pick<Company, 'name' | 'address'>, customer: Pick<Customer, 'name' | 'email' | 'billingAddress'>, labels: DocumentLabels): Promise<Uint8Array>;
  statementPdf(statement: CustomerStatement, seller: Pick<Company, 'name' | 'address'>, labels: DocumentLabels): Promise<Uint8Array>;
}

/** Peppol BIS Billing 3.0 e-invoices (UBL 2.1) of issued documents, with their PDF embedded when given. */
export interface EInvoices {
  invoice(invoice: Invoice, company: Company, pdf?: Uint8Array): string;
  creditNote(creditNote: CreditNote, invoice: Invoice, company: Company, pdf?: Uint8Array): string;
}

// ── requests and credentials ─────────────────────────────────────────────────

export type KeyClaim<T> = { readonly kind: 'new' } | { readonly kind: 'replay'; readonly result: T } | { readonly kind: 'mismatch' };

/** Client `Idempotency-Key`s: first use records the body's hash and the answer. */
export interface RequestKeys {
  claim<T>(scope: string, key: string, bodyHash: string, answer: T, at: IsoInstant): Promise<KeyClaim<T>>;
  /** What a key holds, without claiming it (for keys claimed inside a document's own transaction). */
  find(scope: string, key: string): Promise<{ readonly bodyHash: string; readonly answer: unknown } | undefined>;
}

export interface RefundRecord {
  readonly platform: string;
  readonly externalId: string;
  readonly chargeId: string;
  readonly amount: number;
  readonly currency: string;
  readonly refundedOn: string;
}

export interface Refunds {
  /** False when this refund was recorded before. */
  record(refund: RefundRecord, at: IsoInstant): Promise<boolean>;
}

/**
 * Refunds o2c owes and makes (domain/refunds.ts), one per order. The request is
 * written with the order's terminal move when there is one; the outcome once.
 */
export interface RefundRequests {
  get(refundId: string): Promise<Refund | undefined>;
  /**
   * The order's change (its move to rejected or cancelled) and the refund request in one transaction. A
   * refund that exists already is kept (the change is then written alone); ConcurrentUpdate when the order moved.
   */
  requestWith(order: StoredOrder, change: OrderChange, refund: Refund): Promise<StoredOrder>;
  /** Creates the request unless one exists for its id; false when it did (nothing written). */
  request(refund: Refund): Promise<boolean>;
  /**
   * Writes the refund's outcome (and its journal entry, when money left the books) only if it is still
   * `requested`; false when it was settled before (nothing written).
   */
  settle(before: Refund, after: Refund, entry?: JournalEntry, audit?: AuditEntry): Promise<boolean>;
  /** The refunds in a status, oldest first (by-status index partition, never a Scan). */
  withStatus(status: RefundStatus): Promise<Refund[]>;
}

/** What o2c asks a payment platform to give back. */
export interface PaymentRefundRequest {
  /** o2c's refund id: the platform's idempotency key, so asking twice refunds once. */
  readonly refundId: string;
  readonly paymentIntent?: string;
  readonly charge?: string;
  readonly amount: number;
  readonly currency: string;
}

/**
 * A payment platform's refund API (Stripe). `declined`: the platform answered
 * 4xx (already refunded, unknown payment…) with its message — asking again
 * would not help. Faults it may recover from (5xx, network, rate limit) throw.
 */
export interface PaymentRefunds {
  refund(request: PaymentRefundRequest): Promise<{ readonly kind: 'refunded'; readonly platformRefundId: string } | { readonly kind: 'declined'; readonly message: string }>;
}

/**
 * Online payment links for dunning letters (Stripe Payment Links): one per invoice and dunning level, created once
 * whatever the retries (the platform's idempotency key). `none`: the platform refused (the letter goes without a link).
 */
export interface PaymentLinks {
  linkFor(request: { readonly invoiceNumber: string; readonly level: string; readonly amount: number; readonly currency: string; readonly description: string }): Promise<{ readonly kind: 'link'; readonly url: string } | { readonly kind: 'none'; readonly reason: string }>;
}

/** The refunds queue: a refund request to carry out, or an invoiced order a platform cancelled (credit note first). */
export type RefundMessage = { readonly kind: 'refund'; readonly refundId: string } | { readonly kind: 'cancelled-after-invoice'; readonly orderId: string };

/** Who may call what: the B2B order API, the warehouse's callbacks, finance's back office. */
export type CallerRole = 'b2b' | 'warehouse' | 'finance';

export interface Credentials {
  /** Whose key `presented` is (a current or, during rotation, previous one), or undefined for none. */
  roleOf(presented: string | undefined): Promise<CallerRole | undefined>;
}

// ── observability ────────────────────────────────────────────────────────────

/** Business counters (CloudWatch EMF in Lambda). */
export interface Metrics {
  count(name: string, value?: number): void;
}

export interface Log {
  info(message: string, fields?: Record<string, unknown>): void;
}

// ── what comes in ────────────────────────────────────────────────────────────

/** An order as a source sends it, already in o2c's vocabulary (platforms/ map theirs to this). */
export interface OrderDraft {
  readonly externalId: string;
  readonly shop?: string;
  readonly reference?: string;
  readonly customer: { readonly email: string; readonly name: string; readonly language?: Customer['language'] };
  readonly currency: string;
  readonly lines: Order['lines'];
  readonly shipping?: Order['shipping'];
  readonly paymentMode: Order['paymentMode'];
  readonly terms?: PaymentTerms;
  readonly shippingAddress: Order['shippingAddress'];
  readonly billingAddress?: Order['billingAddress'];
  /** Unit prices include tax (platform orders). */
  readonly pricesIncludeTax?: boolean;
  /** The platform's own total: the priced order must come to exactly this. */
  readonly platformTotal?: number;
  /** How the platform took a prepaid order's money (kept on the order for a refund). */
  readonly paymentReference?: Order['paymentReference'];
}

/** A payment as a source reports it, before o2c gives it an id. */
export type PaymentReport = Omit<PaymentMessage, 'id'>;
