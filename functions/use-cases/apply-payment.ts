/**
 * Cash came in; settle what it pays — the matching cascade (domain/cash-matching.ts), every decision explained.
 *
 * 1. Applied before (same payment id)? Nothing to do — but a deduction it
 *    decided is opened if a crash came between the two (keyed by the payment),
 *    and a payment that came in another delivery (webhook, request, bank file)
 *    is counted as a duplicate absorbed, once per delivery.
 * 2. Identify (domain): the structured references and invoice numbers the
 *    payment quotes, the payer's IBAN and name; look up only those invoices,
 *    the customer the IBAN last paid for, and — only when nothing else names
 *    the customer — the customer names to score the payer's name against.
 * 3. Decide (domain): references and numbers, else within the customer's open
 *    invoices the exact balance, the early-payment amount, a combination of up
 *    to five; partial, over and short payments (a short one beyond the
 *    tolerance opens a deduction); a confidence and the evidence.
 * 4. Confident enough (policy `cashMatching` in the config, default 0.9): each invoice's new balance and
 *    status, the journal entry and the aggregates in one transaction guarded by
 *    the balances read (a concurrent change fails it: PaymentConflict, the
 *    message is retried); the rest is the customer's unapplied cash. Not
 *    confident: nothing is applied — the payment is kept as unapplied cash with
 *    the proposal, for finance to confirm (allocations of unapplied cash).
 *    Either way the payment keeps its customer and the decision (rule,
 *    confidence, evidence), and the payer's IBAN is remembered for its customer
 *    when that customer was known for sure (given, quoted, the IBAN itself) —
 *    not when only guessed from the payer's name (finance's confirmation of a
 *    proposal remembers it then: use-cases/bank-proposals).
 * 5. A deduction becomes a dispute (`short-payment`) on its invoice.
 * 6. Then (use-cases/collections-status): a customer dunning put on credit
 *    hold or suspended whose overdue balance this paid is released.
 * 7. The customer's credit score is recomputed (use-cases/rescore-customer).
 * 8. A credit of a bank import (written now or before) is counted on its
 *    import once; the last one finishes the import — its returns, finance's
 *    summary email (use-cases/bank-import-summary), under the summary's lease
 *    held by this delivery of the message (`delivery`: its redelivery takes
 *    it over at once).
 */
import { cashSource, METRIC } from '#domain/figures';
import { bestCustomerByName, customerFromPayer, DEFAULT_MATCH_POLICY, identify, matchEntry, type MatchDecision, type MatchPolicy } from '#domain/cash-matching';
import { applyPaymentToInvoice } from '#domain/invoice';
import { paymentReceivedEntry } from '#domain/ledger';
import type { Allocation, Invoice, InvoiceEvent, Payment } from '#domain/model';
import { referenceReading } from '#domain/payment-matching';
import type { Clock, Company, Disputes, DuplicateDeliveries, Invoices, Log, Metrics, PayerDirectory, Payments, PaymentApplication, StoredPayment, SummaryLeaseHolder } from '../ports.ts';
import { todayIn } from '#domain/dates';
import { openInvoiceDispute } from './open-dispute.ts';
import { liftWhenPaid, type CollectionsDeps } from './collections-status.ts';
import { rescoreCustomer } from './rescore-customer.ts';
import { countImportPayment, type BankImportSummaryDeps } from './bank-import-summary.ts';

export interface ApplyPaymentDeps {
  readonly invoices: Invoices;
  readonly payments: Payments;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly log: Log;
  /** The scheme invoices are referenced in, and their series (national references encode only year and sequence). */
  /** The scheme invoices are referenced in (and, for deductions, the zone their day is in). */
  readonly company: Company;
  readonly series: string;
  readonly payers: PayerDirectory;
  readonly disputes: Disputes;
  readonly matchPolicy?: Partial<MatchPolicy>;
  /** For the collections hook (step 6); absent: no hook. */
  readonly customers?: CollectionsDeps['customers'];
  /** Where a second delivery of a payment is counted (step 1); absent: not counted. */
  readonly duplicates?: DuplicateDeliveries;
  /** For bank imports (step 8): counting their credits and finishing them; absent: not counted. */
  readonly imports?: Omit<BankImportSummaryDeps, 'payments' | 'invoices' | 'payers' | 'clock' | 'customers'>;
}

/** What apply-payment did: applied (or proposed), by which rule, how sure. */
export interface PaymentOutcome {
  readonly applied: boolean;
  readonly matchedBy: MatchDecision['matchedBy'] | 'duplicate';
  readonly confidence: number;
  /** Carried out without a person (false: proposed, kept as unapplied cash). */
  readonly auto: boolean;
  readonly unapplied: number;
}

/** The actor of the deductions cash application opens. */
export const CASH_APPLICATION = 'o2c (cash application)';

/** What the allocations and discounts do to each invoice they touch (they never exceed its balance), with the history events. */
export function settlementsOf(invoices: readonly Invoice[], payment: Pick<Payment, 'id' | 'receivedOn'>, allocations: readonly Allocation[], discounts: readonly Allocation[] = []): PaymentApplication['settlements'] {
  const byId = new Map(invoices.map((i) => [i.id, i]));
  const events = new Map<string, InvoiceEvent[]>();
  const parts = [...allocations.map((a) => ({ ...a, kind: 'payment' as const })), ...discounts.map((d) => ({ ...d, kind: 'discount' as const }))];
  for (const a of parts) events.set(a.invoiceId, [...(events.get(a.invoiceId) ?? []), { on: payment.receivedOn, kind: a.kind, amount: a.amount, ref: payment.id }]);
  return [...events].map(([id, list]) => {
    const invoice = byId.get(id);
    if (!invoice) throw new Error(`allocation to unknown invoice ${id}`);
    const applied = applyPaymentToInvoice(invoice, list.reduce((a, e) => a + e.amount, 0));
    if (applied.remainder > 0) throw new Error(`allocation exceeds the balance of ${id}`);
    return { invoice, balance: applied.invoice.balance, status: applied.invoice.status, events: list };
  });
}

/**
 * `delivery`: the queue delivery the payment message came in (its SQS message id and receive count), which holds a
 * bank import's summary lease when this payment's count finishes the import; absent (not from the queue): taken
 * over only once stale.
 */
export async function applyPayment(input: Payment & { readonly importId?: string; readonly deliveryId?: string; readonly delivery?: SummaryLeaseHolder }, deps: ApplyPaymentDeps): Promise<PaymentOutcome> {
  const { delivery, ...payment } = input;
  const outcome = await applyOnce(payment, deps);
  if (payment.importId && deps.imports) await countImportPayment({ ...payment, ...(delivery ? { delivery } : {}) }, { ...deps, ...deps.imports, ...(deps.customers ? { customers: deps.customers } : {}) });
  return outcome;
}

/** The delivery a payment message came in: its own id, else its bank import's. */
const deliveryOf = (p: { readonly deliveryId?: string; readonly importId?: string }) => p.deliveryId ?? (p.importId ? `import:${p.importId}` : undefined);

async function applyOnce(payment: Payment & { readonly importId?: string; readonly deliveryId?: string }, deps: ApplyPaymentDeps): Promise<PaymentOutcome> {
  const stored = await deps.payments.get(payment.id);
  if (stored) {
    // Another delivery of a payment applied before is a duplicate absorbed (a redelivery of the same one is a retry).
    const delivery = deliveryOf(payment);
    if (delivery && delivery !== deliveryOf(stored as { deliveryId?: string; importId?: string }) && deps.duplicates) {
      await deps.duplicates.count({ entity: `payment:${payment.id}`, deliveryId: delivery, on: todayIn(deps.company.timezone, deps.clock.now()), currency: payment.currency });
    }
    await openDeduction(stored, deps);
    return { applied: false, matchedBy: 'duplicate', confidence: stored.match?.confidence ?? 0, auto: stored.match?.auto ?? false, unapplied: 0 };
  }
  const reading = referenceReading(deps.company.paymentReferenceScheme, deps.series);
  const entry = {
    amount: payment.amount,
    currency: payment.currency,
    ...(payment.payerReference ? { creditorReference: payment.payerReference } : {}),
    ...(payment.remittance ? { remittance: payment.remittance } : {}),
    ...(payment.payerName ? { payerName: payment.payerName } : {}),
    ...(payment.payerIban ? { payerIban: payment.payerIban } : {}),
  };
  const identified = identify(entry, { schemes: reading.schemes ?? ['rf'], series: deps.series });
  const quoted = (await Promise.all(identified.invoiceNumbers.map((n) => deps.invoices.get(n)))).filter((i): i is Invoice => i !== undefined);
  const byIban = !payment.customerId && identified.payerIban ? await deps.payers.customerOfIban(identified.payerIban) : undefined;
  const byQuoted = quoted[0]?.customerId;
  // Names are scored only when nothing surer names the customer (the list is one partition, read at most once a minute).
  const scoreName = async (fresh: boolean) => bestCustomerByName(identified.payerName, await deps.payers.customerNames({ fresh }), { minScore: deps.matchPolicy?.minNameScore ?? DEFAULT_MATCH_POLICY.minNameScore! });
  // A customer created within the cache's minute is missed by the cached list: a miss reads it again (at most every few seconds).
  const byName = !payment.customerId && !byIban && !byQuoted && identified.payerName ? ((await scoreName(false)) ?? (await scoreName(true))) : undefined;
  const customer = customerFromPayer({
    ...(payment.customerId ? { given: { customerId: payment.customerId } } : {}),
    ...(byIban ? { byIban: { customerId: byIban } } : {}),
    ...(byQuoted ? { byQuoted: { customerId: byQuoted } } : {}),
    ...(byName ? { byName } : {}),
  });
  const openInvoices = customer ? await deps.invoices.openOfCustomer(customer.customerId) : [];
  const decision = matchEntry(entry, { identified, quoted, customer, openInvoices, asOf: payment.receivedOn }, deps.matchPolicy);
  const carried = decision.auto;
  const allocations: Allocation[] = carried ? decision.applications.map((a) => ({ invoiceId: a.invoiceNumber, amount: a.amount })) : [];
  const discounts: Allocation[] = carried ? decision.discounts.map((d) => ({ invoiceId: d.invoiceNumber, amount: d.amount })) : [];
  const applied = allocations.reduce((a, x) => a + x.amount, 0);
  const unapplied = payment.amount - applied;
  const candidates = [...new Map([...quoted, ...openInvoices].map((i) => [i.id, i])).values()];
  const customerId = decision.customerId ?? customer?.customerId;
  const match = {
    matchedBy: decision.matchedBy,
    confidence: decision.confidence,
    auto: carried,
    reason: decision.reason,
    evidence: decision.evidence,
    ...(decision.customerBy ? { customerBy: decision.customerBy } : {}),
    ...(carried && decision.deduction ? { deduction: decision.deduction } : {}),
    ...(!carried && (decision.applications.length > 0 || decision.deduction) ? { proposal: { applications: decision.applications, discounts: decision.discounts, ...(decision.deduction ? { deduction: decision.deduction } : {}) } } : {}),
    ...(decision.currencyMismatch ? { currencyMismatch: decision.currencyMismatch } : {}),
  };
  const written = await deps.payments.apply({
    payment,
    allocations,
    discounts,
    unapplied,
    settlements: settlementsOf(candidates, payment, allocations, discounts),
    ...(customerId ? { customerId } : {}),
    // The IBAN is remembered only for a customer known for sure, never one guessed from the payer's name.
    ...(customerId && decision.customerBy && decision.customerBy !== 'name' ? { payerAccountFor: customerId } : {}),
    match,
    entry: paymentReceivedEntry(payment, allocations, `pay-${payment.id}`, { discounts }),
    aggregates: {
      collections: applied,
      unappliedCash: unapplied,
      [METRIC.collectedBy(cashSource(payment.source))]: applied,
      [METRIC.discountsTaken]: discounts.reduce((a, x) => a + x.amount, 0),
      [METRIC.payments]: 1,
      [METRIC.paymentsAuto]: carried && applied > 0 ? 1 : 0,
      [METRIC.deductions]: match.deduction?.amount ?? 0,
    },
    appliedAt: deps.clock.now().toISOString(),
  });
  if (written) {
    deps.metrics.count(carried && decision.matchedBy !== 'none' && decision.matchedBy !== 'fuzzy-name' ? 'PaymentsApplied' : carried ? 'PaymentsUnmatched' : 'PaymentsProposed');
    if (match.deduction) await openDeduction({ ...payment, match }, deps);
  }
  if (customerId && deps.customers) {
    // One read of the customer serves both hooks (a lifted hold re-reads it before rescoring: its version moved).
    const customers = deps.customers;
    const read = await customers.get(customerId);
    const lifted = await liftWhenPaid(customerId, `payment ${payment.id}`, { ...deps, customers }, read);
    if (written) await rescoreCustomer({ customerId, cause: `payment ${payment.id}`, ...(read && !lifted ? { read } : {}) }, { ...deps, customers });
  }
  if (unapplied > 0) deps.log.info('unapplied cash', { paymentId: payment.id, unapplied, matchedBy: decision.matchedBy, confidence: decision.confidence, auto: carried });
  return { applied: written, matchedBy: decision.matchedBy, confidence: decision.confidence, auto: carried, unapplied };
}

/** The deduction a payment decided, as a `short-payment` dispute on its invoice — once, keyed by the payment. */
async function openDeduction(payment: Pick<StoredPayment, 'id' | 'externalId' | 'currency' | 'match'>, deps: ApplyPaymentDeps): Promise<void> {
  const deduction = payment.match?.deduction;
  if (!deduction) return;
  const key = `deduction:${payment.id}`;
  await openInvoiceDispute(
    { invoiceNumber: deduction.invoiceNumber, amount: { amount: deduction.amount, currency: payment.currency }, reason: `short-payment: payment ${payment.externalId} paid less than was due` },
    CASH_APPLICATION,
    deps,
    { key, bodyHash: key },
  );
}
