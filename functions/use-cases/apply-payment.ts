/**
 * Cash came in; settle what it pays.
 *
 * 1. Applied before (same payment id)? Nothing to do.
 * 2. Candidates: invoices quoted in the remittance or payer reference — by
 *    their structured payment reference (RF, or the configured national
 *    scheme) or by number — and the customer's open invoices.
 * 3. Match (domain): by quoted references and numbers, else the one exact amount; early-payment
 *    discounts within their window; the rest is unapplied cash.
 * 4. Each invoice's new balance and status (domain), the journal entry and the
 *    aggregates, written in one transaction guarded by the balances read: a
 *    concurrent change fails it (PaymentConflict) and the message is retried.
 *    The payment keeps its customer (given, or the quoted invoices'), so its
 *    unapplied cash shows on that customer's statement.
 * 5. Then (use-cases/collections-status): a customer dunning put on credit
 *    hold or suspended whose overdue balance this paid is released.
 */
import { applyPaymentToInvoice } from '#domain/invoice';
import { paymentReceivedEntry } from '#domain/ledger';
import type { Allocation, Invoice, InvoiceEvent, Payment } from '#domain/model';
import { matchPayment, quotedInvoiceNumbers, referenceReading } from '#domain/payment-matching';
import type { Clock, Company, Invoices, Log, Metrics, Payments, PaymentApplication } from '../ports.ts';
import { liftWhenPaid, type CollectionsDeps } from './collections-status.ts';

export interface ApplyPaymentDeps {
  readonly invoices: Invoices;
  readonly payments: Payments;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly log: Log;
  /** The scheme invoices are referenced in, and their series (national references encode only year and sequence). */
  readonly company: Pick<Company, 'paymentReferenceScheme' | 'timezone'>;
  readonly series: string;
  /** For the collections hook (step 5); absent: no hook. */
  readonly customers?: CollectionsDeps['customers'];
}

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

export async function applyPayment(payment: Payment, deps: ApplyPaymentDeps): Promise<{ applied: boolean; reason: string; unapplied: number }> {
  if (await deps.payments.exists(payment.id)) return { applied: false, reason: 'duplicate', unapplied: 0 };
  const reading = referenceReading(deps.company.paymentReferenceScheme, deps.series);
  const quoted = quotedInvoiceNumbers(payment, reading);
  const byNumber = (await Promise.all(quoted.map((n) => deps.invoices.get(n)))).filter((i): i is Invoice => i !== undefined);
  const customerId = payment.customerId ?? byNumber[0]?.customerId;
  const own = customerId ? await deps.invoices.openOfCustomer(customerId) : [];
  const candidates = [...new Map([...byNumber, ...own].map((i) => [i.id, i])).values()];
  const match = matchPayment({ ...payment, ...(customerId ? { customerId } : {}) }, candidates, reading);
  const applied = await deps.payments.apply({
    payment,
    allocations: match.allocations,
    discounts: match.discounts,
    unapplied: match.unapplied,
    settlements: settlementsOf(candidates, payment, match.allocations, match.discounts),
    ...(customerId ? { customerId } : {}),
    entry: paymentReceivedEntry(payment, match.allocations, `pay-${payment.id}`, { discounts: match.discounts }),
    aggregates: { collections: match.allocations.reduce((a, x) => a + x.amount, 0), unappliedCash: match.unapplied },
    appliedAt: deps.clock.now().toISOString(),
  });
  if (applied) deps.metrics.count(match.reason === 'none' ? 'PaymentsUnmatched' : 'PaymentsApplied');
  if (customerId && deps.customers) await liftWhenPaid(customerId, `payment ${payment.id}`, { ...deps, customers: deps.customers });
  if (match.unapplied > 0) deps.log.info('unapplied cash', { paymentId: payment.id, unapplied: match.unapplied, reason: match.reason });
  return { applied, reason: match.reason, unapplied: match.unapplied };
}
