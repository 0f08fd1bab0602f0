/**
 * Cash came in; settle what it pays.
 *
 * 1. Applied before (same payment id)? Nothing to do.
 * 2. Candidates: invoices quoted in the remittance or payer reference, and the
 *    customer's open invoices.
 * 3. Match (domain): by quoted numbers, else the one exact amount; early-payment
 *    discounts within their window; the rest is unapplied cash.
 * 4. Each invoice's new balance and status (domain), the journal entry and the
 *    aggregates, written in one transaction guarded by the balances read: a
 *    concurrent change fails it (PaymentConflict) and the message is retried.
 */
import { applyPaymentToInvoice, findInvoiceNumbers } from '#domain/invoice';
import { paymentReceivedEntry } from '#domain/ledger';
import type { Invoice, Payment } from '#domain/model';
import { matchPayment } from '#domain/payment-matching';
import type { Clock, Invoices, Log, Metrics, Payments, PaymentApplication } from '../ports.ts';

export interface ApplyPaymentDeps {
  readonly invoices: Invoices;
  readonly payments: Payments;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly log: Log;
}

/** What the allocations and discounts do to each invoice they touch (they never exceed its balance). */
export function settlementsOf(invoices: readonly Invoice[], parts: readonly { invoiceId: string; amount: number }[]): PaymentApplication['settlements'] {
  const byId = new Map(invoices.map((i) => [i.id, i]));
  const settle = new Map<string, number>();
  for (const a of parts) settle.set(a.invoiceId, (settle.get(a.invoiceId) ?? 0) + a.amount);
  return [...settle].map(([id, amount]) => {
    const invoice = byId.get(id);
    if (!invoice) throw new Error(`allocation to unknown invoice ${id}`);
    const applied = applyPaymentToInvoice(invoice, amount);
    if (applied.remainder > 0) throw new Error(`allocation exceeds the balance of ${id}`);
    return { invoice, balance: applied.invoice.balance, status: applied.invoice.status };
  });
}

export async function applyPayment(payment: Payment, deps: ApplyPaymentDeps): Promise<{ applied: boolean; reason: string; unapplied: number }> {
  if (await deps.payments.exists(payment.id)) return { applied: false, reason: 'duplicate', unapplied: 0 };
  const quoted = findInvoiceNumbers([payment.remittance, payment.payerReference].filter(Boolean).join(' '));
  const byNumber = (await Promise.all(quoted.map((n) => deps.invoices.get(n)))).filter((i): i is Invoice => i !== undefined);
  const customerId = payment.customerId ?? byNumber[0]?.customerId;
  const own = customerId ? await deps.invoices.openOfCustomer(customerId) : [];
  const candidates = [...new Map([...byNumber, ...own].map((i) => [i.id, i])).values()];
  const match = matchPayment({ ...payment, ...(customerId ? { customerId } : {}) }, candidates);
  const applied = await deps.payments.apply({
    payment,
    allocations: match.allocations,
    discounts: match.discounts,
    unapplied: match.unapplied,
    settlements: settlementsOf(candidates, [...match.allocations, ...match.discounts]),
    entry: paymentReceivedEntry(payment, match.allocations, `pay-${payment.id}`, { discounts: match.discounts }),
    aggregates: { collections: match.allocations.reduce((a, x) => a + x.amount, 0), unappliedCash: match.unapplied },
    appliedAt: deps.clock.now().toISOString(),
  });
  if (applied) deps.metrics.count(match.reason === 'none' ? 'PaymentsUnmatched' : 'PaymentsApplied');
  if (match.unapplied > 0) deps.log.info('unapplied cash', { paymentId: payment.id, unapplied: match.unapplied, reason: match.reason });
  return { applied, reason: match.reason, unapplied: match.unapplied };
}
