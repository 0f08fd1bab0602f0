/**
 * The one definition of o2c's single DynamoDB table: attribute names, indexes
 * and key builders. The CDK data construct creates the table from these
 * constants and every repository builds its keys with these functions, so the
 * key schema and the access code cannot drift apart.
 *
 * Access patterns (ARCHITECTURE.md §4):
 * | item                  | pk                          | sk                         | gsi1 (by customer)                     | gsi2 (open by due date, sparse)   |
 * |-----------------------|-----------------------------|----------------------------|----------------------------------------|-----------------------------------|
 * | customer              | CUSTOMER#<id>               | PROFILE                    | EMAIL#<shop>#<email> / CUSTOMER        |                                   |
 * | payment plan          | CUSTOMER#<id>               | PLAN#<planId>              |                                        |                                   |
 * | unapplied cash        | CUSTOMER#<id>               | UNAPPLIED#<paymentId>      |                                        |                                   |
 * | order                 | ORDER#<id>                  | ORDER                      | CUSTOMER#<id> / ORDER#<createdAt>#<id> |                                   |
 * | received-order marker | ORDER#<id>                  | RECEIVED (while received)  |                                        | RECEIVED#<shard> / <createdAt>#<id> |
 * | order source key      | SOURCE#<platform>#<shop>#<externalId> | SOURCE           |                                        |                                   |
 * | order event           | ORDER#<id>                  | EVENT#<at>#<step>          |                                        |                                   |
 * | task token            | ORDER#<id>                  | TOKEN#<kind>               |                                        |                                   |
 * | stock reservation     | ORDER#<id>                  | RESERVATION#<sku>          |                                        |                                   |
 * | product (catalog)     | PRODUCT#<sku>               | PRODUCT                    |                                        |                                   |
 * | invoice               | INVOICE#<number>            | INVOICE                    | CUSTOMER#<id> / INVOICE#<date>#<number>| OPEN#<shard> / <dueDate>#<number> |
 * | next action           | INVOICE#<number>            | NEXT                       |                                        | NEXT#<customer shard> / <date>#<number> |
 * | dunning step          | INVOICE#<number>            | DUNNING#<level id>         |                                        |                                   |
 * | late fee              | INVOICE#<number>            | FEE#<level id>             |                                        |                                   |
 * | invoice counter       | COUNTER#<series>#<year>     | COUNTER                    |                                        |                                   |
 * | payment               | PAYMENT#<id>                | PAYMENT                    | PAYREF#<reference> / <date>#<id>       | PAYMENTS#<customer> / <date>#<id> |
 * |                       |                             |                            |                                        | (no customer: PAYMENTS#UNASSIGNED while it holds cash) |
 * | journal entry         | JOURNAL#<id>                | ENTRY                      |                                        |                                   |
 * | ledger line           | LEDGER#<account>#<ccy>#<yyyy-mm> | <date>#<entryId>#<n>  |                                        |                                   |
 * | daily aggregate       | AGG#<yyyy-mm-dd>            | totals#<ccy>               |                                        |                                   |
 * | monthly aggregate     | AGG#<yyyy-mm>               | totals#<ccy>               | TOTALSPERIODS / <yyyy-mm>#<ccy>        |                                   |
 * | inception aggregate   | AGG#ALL                     | totals#<ccy>               |                                        |                                   |
 * | settled invoice       | SETTLED#<yyyy-mm>           | <settledOn>#<number>       |                                        |                                   |
 * | credit note           | INVOICE#<number>            | CREDITNOTE#<cn number>     |                                        |                                   |
 * | credit note pointer   | CREDITNOTEREF#<cn number>   | CREDITNOTEREF              |                                        |                                   |
 * | dispute               | INVOICE#<number>            | DISPUTE#<disputeId>        |                                        |                                   |
 * | dispute pointer       | DISPUTEREF#<disputeId>      | DISPUTEREF                 |                                        |                                   |
 * | audit entry           | AUDIT#<entity>              | <at>#<id>                  |                                        |                                   |
 * | ledger totals         | AGG#<yyyy-mm-dd or yyyy-mm> | ledger#<ccy>               | LEDGERPERIODS / <yyyy-mm>#<ccy> (monthly only) |                         |
 * | refund (platform)     | REFUND#<platform>#<id>      | REFUND                     |                                        |                                   |
 * | customer name         | CUSTOMERNAMES               | <customerId>               |                                        |                                   |
 * | payer account         | PAYERIBAN#<iban>            | PAYER                      |                                        |                                   |
 * | refund (o2c's own)    | REFUND#o2c#<refundId>       | REQUEST                    | REFUNDS#<status> / <requestedAt>#<id>  |                                   |
 * | request key           | REQUEST#<scope>#<key>       | REQUEST                    | (TTL on `expiration`)                  |                                   |
 * | bank-statement import | BANKIMPORT#<importId>       | IMPORT                     |                                        |                                   |
 * | import payment counted| BANKIMPORT#<importId>       | APPLIED#<paymentId>        |                                        |                                   |
 * | import payment ids    | BANKIMPORT#<importId>       | PAYMENTS#<nnnnn>           |                                        |                                   |
 * | import counter        | BANKIMPORT#<importId>       | COUNT#<kk>                 |                                        |                                   |
 * | bank return           | BANKRETURN#<account>#<entry key> | RETURN                |                                        |                                   |
 * | payment evidence      | PAYEVIDENCE#<kind>#<value>  | <paymentId>                |                                        |                                   |
 * | idempotency record    | IDEMPOTENCY#<fn>            | <hash>                     | (Powertools, TTL on `expiration`)      |                                   |
 * | reference rates       | RATES                       | LATEST or <yyyy-mm-dd>     |                                        |                                   |
 * | dunning run           | DUNNINGRUN#<runId>          | RUN                        | (TTL on `expiration`)                  |                                   |
 * | run's worklist part   | DUNNINGRUN#<runId>          | WORKLIST#<shard>#<part>    | (TTL on `expiration`)                  |                                   |
 * | dunning shard lease   | DUNNINGLEASE#<shard>        | LEASE                      | (TTL on `expiration`)                  |                                   |
 * | duplicate delivery    | DUPLICATE#<entity>          | <deliveryId>               | (TTL on `expiration`)                  |                                   |
 *
 * A stock reservation (attributes orderId, sku, quantity, state held|shipped|released, at; shipped and released once
 * part of it moved) holds `quantity − shipped − released` units while held: partial shipments and cancelled lines
 * move its counts (absolute targets, guarded by the counts read), and a backordered unit that ships later grows its
 * quantity, taken from the product's onHand in the same transaction. The order item keeps the shipments and line
 * cancellations the warehouse reported (by their ids) and the units backordered at validation.
 *
 * The next action item (attributes invoiceNumber, nextActionOn) is the open invoice's place in the sparse, sharded
 * next-action family of the second index: the day its next dunning level falls due (domain `nextActionDate`). The
 * invoice keeps its OPEN#<shard> / <dueDate> entry (reports and `openDueBefore` read that); one item has one place
 * in an index, so the next action is a small item of its own in the invoice's partition. It is put with the invoice
 * when it is issued, moved in the transaction that records a dunning level as sent (`confirmQueued`), deleted in the
 * transaction that settles the invoice (paid, credited or written off to zero) and when no level is left. The
 * invoice item carries the same date as `nextActionOn`. plan-dunning reads only NEXT#* up to its day, so a run
 * costs what it has to do, not the size of the open book (bench/dunning.ts). The next-action family is sharded by
 * the invoice's customer (`nextActionShardOf`, NEXT_ACTION_SHARDS partitions), not by invoice number like OPEN#: a
 * dunning run fans out one shard worker per partition, and all of a customer's invoices due for an action are in
 * the same shard, so one worker writes the customer's one letter of the run.
 *
 * A dunning run (attributes runId, asOf, startedAt, shards, done, doneShards (a number set), letters, invoices,
 * fees, actions, read, plansBroken) is put by plan-dunning before it queues one message per shard; each shard worker
 * adds its counts and its shard to `doneShards` once (condition: not yet in it), in one transaction with the
 * run's worklist parts of that shard (attribute entries, the collectors' worklist lines of the customers written to,
 * with their new scores; up to WORKLIST_PART_ENTRIES a part). The worker that makes `done` equal `shards` reads
 * the parts (one Query) and sends the worklist. Both kinds expire (TTL) 35 days after the run started. A shard
 * worker holds its shard's lease (attributes holder — the shard message's SQS message id —, delivery — its receive
 * count —, until) while it works: a second worker of the shard (another message: a duplicate send, a second run
 * started meanwhile, a run as of another day; or the same delivery twice at once) is refused until the first is done
 * or its lease has run out, so two workers never interleave their claims on one customer's invoices (two partial
 * letters); a later delivery of the holding message takes it over (the earlier delivery's worker is dead: SQS
 * redelivers only after the visibility timeout, longer than the worker's).
 *
 * A task token item (attributes orderId, kind, taskToken, storedAt, answeredWith/answeredAt/answerAttempts while an
 * answer is being given) stays when its wait ends, as a tombstone: `taskToken` removed, `forgottenToken` = it. A
 * redelivered hand-off of the ended wait carries that same token and is not stored again (a new wait's is).
 *
 * An unapplied-cash item (attributes paymentId, amount — the payment's unapplied minor units —, currency,
 * receivedOn) stands in its owner's partition exactly while a payment of that customer holds unapplied cash: put
 * (or overwritten with the new amount) and deleted in the very transactions that change a payment's `unapplied` or
 * its owner — apply (a payment received), moveUnapplied (allocation, refund, a confirmed proposal), rejectProposal
 * (a customer only guessed released), the bank return that takes a payment back — each guarded by the payment's own
 * condition, so the item never disagrees with its payment. The credit check reads the customer's unapplied cash
 * from these (one Query of UNAPPLIED#), not from every payment the customer ever made. Payments that held cash
 * before these items existed are filed once by the one-off `fileUnappliedCash` (README, upgrading).
 *
 * A payment plan (attributes planId, customerId, currency, invoices [{invoiceNumber, balance, atLevel}], covered,
 * instalments [{dueDate, amount}], graceDays, agreedOn, agreedAt, agreedBy, status active|completed|broken|cancelled,
 * endedOn?, endReason?, version) lives in its customer's partition beside the profile (a customer's plans are one
 * Query of PLAN#). Each covered invoice carries `paymentPlan` {planId, heldUntil, atLevel} while the plan is active
 * and its next action item stands on the day after `heldUntil`, so plan-dunning looks at the plan exactly when an
 * instalment's last day has passed. The plan, its invoices' holds and next action items and the audit line are
 * written in one transaction.
 *
 * A late fee (attributes invoiceNumber, customerId, currency, level, on, compensation, interest, interestThrough?,
 * amount, entryId) lives in its invoice's partition beside the dunning marks; it is written in the transaction that
 * raises the invoice's balance by it (and appends it to the invoice's `fees` and `history`) and posts its entry.
 *
 * A dispute lives in its invoice's partition (attributes disputeId, invoiceNumber, customerId, currency,
 * amount, reason, openedOn, openedAt, status open|credited|reinstated, resolvedOn?, resolution?); the
 * invoice item carries `disputed`, the minor units under open disputes. The pointer item (`invoiceNumber`
 * only), written in the dispute's own transaction, finds a dispute by its id alone (no Scan); it also
 * makes the id unique across invoices.
 *
 * Refunds o2c owes (rf_…, one per order) sit beside the refunds platforms
 * report in the same REFUND# family, under the reserved "platform" `o2c` (no
 * source is called that) and their own sort key: one family to look in, no
 * collision with a reported refund's id. Each carries the by-status keys of the
 * generic index (one small partition per status, moved with the status), which
 * is how finance lists them — no Scan.
 *
 * A bank-statement import's id is derived from the file's fingerprint (its statements' ids and accounts, else
 * its SHA-256), so the conditional put of its one item is what makes the same file one import. The payment ids its
 * credits became, in file order, are kept beside it in items of 1,000 (`PAYMENTS#00000`, … attribute `ids`; the
 * import's `paymentChunks` says how many), put before the import item and only if absent, so a file of tens of
 * thousands of credits fits and the import item stays small (apply-payment updates its count once per payment);
 * read back with one Query of the import's partition, then a BatchGet of the payment items. Imports made before
 * the chunks list them in the import item (`paymentIds`).
 *
 * The import's credits are counted down on 16 counter items (`COUNT#<kk>`, attributes outstanding and, once it
 * reached 0, closed; kk = FNV-1a of the payment id mod 16, domain `countShardOf`), so the appliers of one large file
 * do not all update one item: each payment of the import apply-payment has written (or found written) is counted
 * once — its `APPLIED#<paymentId>` mark (attribute paymentId) is put only if absent, in one transaction with
 * `ADD outstanding -1` on its counter, on condition `outstanding > 1` — so nothing is read back; the counter's last
 * credit fails that condition and is counted instead in one transaction that also closes the counter (`closed`, on
 * condition `outstanding = 1` and not yet closed) and takes `ADD outstanding -1` off the import item, whose
 * `outstanding` counts the counters still open (imports made before the counters count their payments there
 * directly). Only that closing count, or a count that finds its mark already there (a retry, perhaps of a closing
 * count that crashed before finishing), reads the import. At 0 the matching is finished and the summary is
 * written under a lease (`summaryClaimedAt`, and `summaryHolder` {messageId, receiveCount}: the queue delivery
 * that took it — a later delivery of the same message takes it over at once, anyone else once it is 2 minutes old;
 * given back only by its holder), then `summarisedAt` (the holder removed).
 *
 * A bank return (attributes account, entryKey, paymentId, on, amount, currency, importId?) is the one item of a
 * return or reversal debit o2c carried out: its conditional put, in the transaction that takes the payment back
 * and reopens its invoices, makes the same return entry in two files reverse the payment once.
 *
 * A payment evidence item (attribute paymentId) points from what a bank credit carried — its end-to-end id
 * (`e2e`) or its bank entry key (`entry`) — to the payment, written in the payment's own transaction: how a
 * return that quotes one of them finds the credit it takes back (a Query of one small partition, no Scan).
 *
 * The report aggregates (attributes: one number per metric, domain/figures.ts `METRIC`) are added to in the
 * transaction of the change they count (an `ADD`, so exactly once, as the transaction is): the day's and the
 * month's item of the currency, and for the stocks (AR, current AR, unapplied cash) the since-inception item
 * `AGG#ALL` (which also keeps `firstSale`, the book's first day of credit sales). Current AR that matures (the day
 * after an invoice's due date) is booked ahead into that future day's and month's items. The monthly items are
 * listed in the TOTALSPERIODS partition of the generic index, so a stock as of a day is the inception item less the
 * months after the day's month (one query) and the days after it in its month — however long the history.
 *
 * Counts that belong to no currency (a person's actions, `action.<action>`, added with each audit entry a person
 * caused) are kept in the same day, month and since-inception items under ISO 4217's "no currency" code,
 * `totals#XXX`: they are read with the others at no extra read. An order error (`error.<reason>`) is added to the
 * order's currency in the transaction of the order change that rejects it; a seller's order refused at intake
 * because its figures do not add up is counted once per order and figures with a duplicate-delivery marker.
 *
 * A duplicate-delivery marker (attributes entity `order:<id>` / `payment:<id>` / `refused:<orderId>`, deliveryId,
 * on) is put, only if absent, in one transaction with the day's `duplicatesAbsorbed` (or the refusal's
 * `error.<reason>`): a delivery of an order or a payment o2c already had is counted once however often its
 * processing is retried. Expires after 30 days (TTL).
 *
 * The customer directory item (CUSTOMERNAMES / <id>: name, collectionsStatus, collectionsHistory) carries each
 * change of the collections status `{on, from, to}`, written with the customer's change: the pack counts the
 * accounts on hold, suspended and with the agency as of its day from it (the profile keeps the same list).
 *
 * A settled-invoice pointer (attributes invoiceNumber, settledOn) is put in the transaction that takes an
 * invoice's balance to zero: aging as of an earlier day reads the invoices settled after it (they were open then)
 * from these month partitions, never the invoice history. A reopened invoice keeps its pointer (it is read twice,
 * and counted once).
 *
 * No other module writes a key prefix: test/unit/architecture.test.ts greps
 * functions/, lib/ and local/ for them.
 */

export const TABLE_KEYS = { partitionKey: 'pk', sortKey: 'sk' } as const;
/** Powertools idempotency's default expiry attribute doubles as the table's TTL attribute. */
export const TTL_ATTRIBUTE = 'expiration';
export const VERSION_ATTRIBUTE = 'version';

/** The generic index: a customer's orders and invoices, customers by email, payments by reference, the ledger periods. */
export const GSI_BY_CUSTOMER = { indexName: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' } as const;
/** The sparse index of what is open: invoices by due date (sharded), and payments by customer (unowned ones while they hold cash). */
export const GSI_OPEN_BY_DUE = { indexName: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' } as const;

/** Shards of the open-invoice index (ARCHITECTURE.md §8: a single due-date partition is hot at scale). */
export const OPEN_INVOICE_SHARDS = 4;
/** Shards of the received-orders family of the second index (every order passes through it: spread its writes). */
export const RECEIVED_ORDER_SHARDS = 4;
/**
 * Shards of the next-action index, by customer: a dunning run is one shard worker (one Lambda invocation) per
 * shard, so this is what keeps the longest worker within its timeout as the book grows (bench/dunning.ts).
 * Changing it moves customers between shards: run the one-off re-index (`scheduleOpenInvoices`) after deploying.
 */
export const NEXT_ACTION_SHARDS = 16;
/** Worklist lines per worklist part item of a dunning run (~300 bytes each: a part stays far below 400 KB). */
export const WORKLIST_PART_ENTRIES = 250;

/** Item `type` attribute values (what `status` and the local CLI group by). */
export const ITEM_TYPES = {
  customer: 'Customer',
  order: 'Order',
  orderSource: 'OrderSource',
  receivedOrder: 'ReceivedOrder',
  orderEvent: 'OrderEvent',
  taskToken: 'TaskToken',
  reservation: 'Reservation',
  product: 'Product',
  invoice: 'Invoice',
  invoiceCounter: 'InvoiceCounter',
  dunning: 'Dunning',
  nextAction: 'NextAction',
  dunningRun: 'DunningRun',
  dunningRunWorklist: 'DunningRunWorklist',
  dunningShardLease: 'DunningShardLease',
  fee: 'LateFee',
  paymentPlan: 'PaymentPlan',
  unappliedCash: 'UnappliedCash',
  payment: 'Payment',
  journal: 'JournalEntry',
  ledgerLine: 'LedgerLine',
  aggregate: 'Aggregate',
  ledgerTotals: 'LedgerTotals',
  settledInvoice: 'SettledInvoice',
  refund: 'Refund',
  refundRequest: 'RefundRequest',
  creditNote: 'CreditNote',
  creditNoteRef: 'CreditNoteRef',
  audit: 'AuditEntry',
  customerName: 'CustomerName',
  payerAccount: 'PayerAccount',
  requestKey: 'RequestKey',
  dispute: 'Dispute',
  disputeRef: 'DisputeRef',
  bankImport: 'BankImport',
  bankImportApplied: 'BankImportApplied',
  bankImportPayments: 'BankImportPayments',
  bankImportCounter: 'BankImportCounter',
  bankReturn: 'BankReturn',
  paymentEvidence: 'PaymentEvidence',
  referenceRates: 'ReferenceRates',
  duplicateDelivery: 'DuplicateDelivery',
} as const;

const customerPartition = (id: string) => `CUSTOMER#${id}`;
const aggregatePartition = (period: string) => `AGG#${period}`;
const LEDGER_PERIODS = 'LEDGERPERIODS';
const TOTALS_PERIODS = 'TOTALSPERIODS';
/** The "period" of the since-inception aggregates (AGG#ALL). */
export const AGGREGATE_INCEPTION = 'ALL';
const settledPartition = (month: string) => `SETTLED#${month}`;
const CUSTOMER_NAMES = 'CUSTOMERNAMES';
const paymentsPartition = (customerId: string | undefined) => `PAYMENTS#${customerId ?? 'UNASSIGNED'}`;

export const Keys = {
  customer: (id: string) => ({ pk: customerPartition(id), sk: 'PROFILE' }),
  /** A payment plan lives in its customer's partition. */
  paymentPlan: (customerId: string, planId: string) => ({ pk: customerPartition(customerId), sk: `PLAN#${planId}` }),
  paymentPlanPrefix: 'PLAN#',
  /** A payment's unapplied cash, in its owner's partition while it holds any (see the table comment). */
  unappliedCash: (customerId: string, paymentId: string) => ({ pk: customerPartition(customerId), sk: `UNAPPLIED#${paymentId}` }),
  unappliedCashPrefix: 'UNAPPLIED#',
  /** The by-customer index partition: the customer's orders and invoices. */
  customerIndex: (id: string) => ({ gsi1pk: customerPartition(id) }),
  orderByCustomerPrefix: 'ORDER#',
  invoiceByCustomerPrefix: 'INVOICE#',
  customerByEmail: (shop: string, email: string) => ({ gsi1pk: `EMAIL#${shop}#${email.toLowerCase()}`, gsi1sk: 'CUSTOMER' }),
  order: (id: string) => ({ pk: `ORDER#${id}`, sk: 'ORDER' }),
  /**
   * The marker of an order in `received`, from its creation until it leaves that status (the validate step's
   * change, or a cancellation, deletes it in the same transaction), in the received-orders family of the second
   * index: what start-order's scheduled re-drive reads to start a workflow nobody started (intake died between the
   * order's write and its queue message). A small item of its own, not the order's attributes: the index then
   * copies ~150 bytes, not the whole order, on the way in and out.
   */
  receivedOrder: (id: string) => ({ pk: `ORDER#${id}`, sk: 'RECEIVED' }),
  receivedOrderIndex: (id: string, createdAt: string) => ({ gsi2pk: `RECEIVED#${fnv1a(id) % RECEIVED_ORDER_SHARDS}`, gsi2sk: `${createdAt}#${id}` }),
  receivedOrderShard: (shard: number) => `RECEIVED#${shard}`,
  orderByCustomer: (customerId: string, createdAt: string, id: string) => ({
    gsi1pk: customerPartition(customerId),
    gsi1sk: `ORDER#${createdAt}#${id}`,
  }),
  /** One per platform order: makes "create if absent" race-free across deliveries. */
  orderSource: (platform: string, shop: string, externalId: string) => ({ pk: `SOURCE#${platform}#${shop}#${externalId}`, sk: 'SOURCE' }),
  orderEvent: (orderId: string, at: string, step: string) => ({ pk: `ORDER#${orderId}`, sk: `EVENT#${at}#${step}` }),
  orderEventsPrefix: 'EVENT#',
  taskToken: (orderId: string, kind: 'credit-review' | 'fulfilment') => ({ pk: `ORDER#${orderId}`, sk: `TOKEN#${kind}` }),
  reservation: (orderId: string, sku: string) => ({ pk: `ORDER#${orderId}`, sk: `RESERVATION#${sku}` }),
  reservationPrefix: 'RESERVATION#',
  product: (sku: string) => ({ pk: `PRODUCT#${sku}`, sk: 'PRODUCT' }),
  invoice: (number: string) => ({ pk: `INVOICE#${number}`, sk: 'INVOICE' }),
  invoiceByCustomer: (customerId: string, issueDate: string, number: string) => ({
    gsi1pk: customerPartition(customerId),
    gsi1sk: `INVOICE#${issueDate}#${number}`,
  }),
  openInvoice: (number: string, dueDate: string) => ({
    gsi2pk: `OPEN#${openInvoiceShard(number)}`,
    gsi2sk: `${dueDate}#${number}`,
  }),
  openShard: (shard: number) => `OPEN#${shard}`,
  /** The open invoice's next action item (see the table comment). */
  nextAction: (number: string) => ({ pk: `INVOICE#${number}`, sk: 'NEXT' }),
  /** Its place in the next-action family of the second index (sharded by its customer: see the table comment). */
  nextActionIndex: (customerId: string, number: string, on: string) => ({ gsi2pk: `NEXT#${nextActionShardOf(customerId)}`, gsi2sk: `${on}#${number}` }),
  nextActionShard: (shard: number) => `NEXT#${shard}`,
  /** A dunning run: its shards' counts and which of them are done. */
  dunningRun: (runId: string) => ({ pk: `DUNNINGRUN#${runId}`, sk: 'RUN' }),
  /** A part of a shard's collectors' worklist lines in its run's partition. */
  dunningRunWorklist: (runId: string, shard: number, part: number) => ({ pk: `DUNNINGRUN#${runId}`, sk: `WORKLIST#${String(shard).padStart(3, '0')}#${String(part).padStart(4, '0')}` }),
  dunningRunWorklistPrefix: 'WORKLIST#',
  /** The lease of a shard of the next-action index: one dunning shard worker at a time. */
  dunningShardLease: (shard: number) => ({ pk: `DUNNINGLEASE#${shard}`, sk: 'LEASE' }),
  /** One per invoice and dunning level (the policy level's id): claimed before its letter is queued. */
  dunning: (invoiceNumber: string, level: string) => ({ pk: `INVOICE#${invoiceNumber}`, sk: `DUNNING#${level}` }),
  /** The late fee of an invoice at a level: its conditional put makes the fee once per invoice and level. */
  fee: (invoiceNumber: string, level: string) => ({ pk: `INVOICE#${invoiceNumber}`, sk: `FEE#${level}` }),
  invoiceCounter: (series: string, year: number) => ({ pk: `COUNTER#${series}#${year}`, sk: 'COUNTER' }),
  payment: (id: string) => ({ pk: `PAYMENT#${id}`, sk: 'PAYMENT' }),
  paymentByReference: (reference: string, date: string, id: string) => ({ gsi1pk: `PAYREF#${reference}`, gsi1sk: `${date}#${id}` }),
  /** The customer's payments by day (the statement's unapplied cash); a payment nobody owns sits in the UNASSIGNED partition while it holds cash. */
  paymentByCustomer: (customerId: string | undefined, date: string, id: string) => ({ gsi2pk: paymentsPartition(customerId), gsi2sk: `${date}#${id}` }),
  paymentsOf: (customerId: string | undefined) => paymentsPartition(customerId),
  journal: (entryId: string) => ({ pk: `JOURNAL#${entryId}`, sk: 'ENTRY' }),
  ledgerLine: (account: string, currency: string, date: string, entryId: string, n: number) => ({
    pk: `LEDGER#${account}#${currency}#${date.slice(0, 7)}`,
    sk: `${date}#${entryId}#${String(n).padStart(2, '0')}`,
  }),
  ledgerPeriod: (account: string, currency: string, yearMonth: string) => `LEDGER#${account}#${currency}#${yearMonth}`,
  aggregate: (period: string, metric: string, currency: string) => ({ pk: aggregatePartition(period), sk: `${metric}#${currency}` }),
  /** A day (`YYYY-MM-DD`) or a month (`YYYY-MM`) of aggregates. */
  aggregatePeriod: aggregatePartition,
  /** A credit note lives in its invoice's partition. */
  creditNote: (invoiceNumber: string, number: string) => ({ pk: `INVOICE#${invoiceNumber}`, sk: `CREDITNOTE#${number}` }),
  creditNotePrefix: 'CREDITNOTE#',
  /** The pointer from a credit note's number to its invoice (written with the note; `invoiceNumber`). */
  creditNoteRef: (number: string) => ({ pk: `CREDITNOTEREF#${number}`, sk: 'CREDITNOTEREF' }),
  /** A dispute lives in its invoice's partition. */
  dispute: (invoiceNumber: string, disputeId: string) => ({ pk: `INVOICE#${invoiceNumber}`, sk: `DISPUTE#${disputeId}` }),
  disputePrefix: 'DISPUTE#',
  /** The pointer from a dispute's id to its invoice. */
  disputeRef: (disputeId: string) => ({ pk: `DISPUTEREF#${disputeId}`, sk: 'DISPUTEREF' }),
  /** Append-only audit trail of one entity (`invoice:INV-…`), by time. */
  audit: (entity: string, at: string, id: string) => ({ pk: `AUDIT#${entity}`, sk: `${at}#${id}` }),
  auditPartition: (entity: string) => `AUDIT#${entity}`,
  /** The one entry of an action an entity has at most once (keyed without its time). */
  auditOnce: (entity: string, action: string) => ({ pk: `AUDIT#${entity}`, sk: `ONCE#${action}` }),
  /** One small item per customer (id, name) in one partition: the candidates cash matching scores a payer's name against. */
  customerName: (customerId: string) => ({ pk: CUSTOMER_NAMES, sk: customerId }),
  customerNames: CUSTOMER_NAMES,
  /** The customer an IBAN last paid for (written with the payment that showed it). */
  payerAccount: (iban: string) => ({ pk: `PAYERIBAN#${iban}`, sk: 'PAYER' }),
  refund: (platform: string, externalId: string) => ({ pk: `REFUND#${platform}#${externalId}`, sk: 'REFUND' }),
  /** A refund o2c owes and makes (refund-payment), beside the platform-reported ones. */
  refundRequest: (refundId: string) => ({ pk: `REFUND#o2c#${refundId}`, sk: 'REQUEST' }),
  /** Its place in the by-status partition of the generic index (finance lists `owed`, `failed`, … from here). */
  refundByStatus: (status: string, requestedAt: string, refundId: string) => ({ gsi1pk: `REFUNDS#${status}`, gsi1sk: `${requestedAt}#${refundId}` }),
  refundStatusPartition: (status: string) => `REFUNDS#${status}`,
  requestKey: (scope: string, key: string) => ({ pk: `REQUEST#${scope}#${key}`, sk: 'REQUEST' }),
  /** One bank file imported (its id comes from the file's fingerprint). */
  bankImport: (importId: string) => ({ pk: `BANKIMPORT#${importId}`, sk: 'IMPORT' }),
  /** The reference rates the credit check converts with: `LATEST`, and each day as published (`<yyyy-mm-dd>`). */
  referenceRates: (day: 'LATEST' | string) => ({ pk: 'RATES', sk: day }),
  /** A payment of the import apply-payment has counted (once). */
  bankImportApplied: (importId: string, paymentId: string) => ({ pk: `BANKIMPORT#${importId}`, sk: `APPLIED#${paymentId}` }),
  /** The `n`th 1,000 payment ids of an import, in file order. */
  bankImportPayments: (importId: string, n: number) => ({ pk: `BANKIMPORT#${importId}`, sk: `PAYMENTS#${String(n).padStart(5, '0')}` }),
  /** Counter `k` of an import's credits (domain `countShardOf`). */
  bankImportCounter: (importId: string, k: number) => ({ pk: `BANKIMPORT#${importId}`, sk: `COUNT#${String(k).padStart(2, '0')}` }),
  /** The sort-key prefix of an import's payment-id items (a Query of its partition). */
  bankImportPaymentsPrefix: 'PAYMENTS#',
  /** A return or reversal debit carried out (the account's entry key): once per entry. */
  bankReturn: (account: string, entryKey: string) => ({ pk: `BANKRETURN#${account}#${entryKey}`, sk: 'RETURN' }),
  /** What a bank credit carried (`e2e`: its end-to-end id, `entry`: its bank entry key) → its payment. */
  paymentEvidence: (kind: 'e2e' | 'entry', value: string, paymentId: string) => ({ pk: `PAYEVIDENCE#${kind}#${value}`, sk: paymentId }),
  paymentEvidencePartition: (kind: 'e2e' | 'entry', value: string) => `PAYEVIDENCE#${kind}#${value}`,
  /** Powertools idempotency records of one function share this partition (the record hash is the sort key). */
  idempotencyPartition: (fn: string) => `IDEMPOTENCY#${fn}`,
  /** The monthly ledger totals of every currency, listed in one small partition of the generic index (sparse: only those items carry it). */
  ledgerTotalsPeriod: (month: string, currency: string) => ({ gsi1pk: LEDGER_PERIODS, gsi1sk: `${month}#${currency}` }),
  ledgerTotalsPeriods: LEDGER_PERIODS,
  /** The monthly report totals of every currency, listed in one small partition of the generic index. */
  totalsPeriod: (month: string, currency: string) => ({ gsi1pk: TOTALS_PERIODS, gsi1sk: `${month}#${currency}` }),
  totalsPeriods: TOTALS_PERIODS,
  /** An invoice settled on a day (its balance reached zero), in that month's partition. */
  settledInvoice: (number: string, on: string) => ({ pk: settledPartition(on.slice(0, 7)), sk: `${on}#${number}` }),
  settledMonth: settledPartition,
  /** Sort-key prefix of an aggregate kind in a day's or month's partition (`totals#`, `ledger#`). */
  aggregatePrefix: (metric: string) => `${metric}#`,
  /** A delivery of an entity o2c already had (`order:<id>`), counted once. */
  duplicateDelivery: (entity: string, deliveryId: string) => ({ pk: `DUPLICATE#${entity}`, sk: deliveryId }),
  /** Throw-away items of a benchmark's baseline (bench/intake-latency.ts), never read by o2c. */
  benchFloor: (n: number) => ({ pk: `BENCH#${n}`, sk: 'BENCH' }),
} as const;

/** The second index's attributes: an invoice leaves it when it is settled, an unowned payment when its cash is gone (sparse). */
export const OPEN_INDEX_ATTRIBUTES = [GSI_OPEN_BY_DUE.partitionKey, GSI_OPEN_BY_DUE.sortKey] as const;

/** FNV-1a of a text (32 bits). */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Stable shard of an invoice in the open-by-due index (FNV-1a of the number). */
export function openInvoiceShard(number: string): number {
  return fnv1a(number) % OPEN_INVOICE_SHARDS;
}

/** Stable shard of a customer's invoices in the next-action index (FNV-1a of the customer id): one dunning shard worker has all of them. */
export function nextActionShardOf(customerId: string): number {
  return fnv1a(customerId) % NEXT_ACTION_SHARDS;
}
