/**
 * apply-payment: cash came in; settle what it pays.
 * 1. Applied before (same payment id)? Nothing to do.
 * 2. Candidates: invoices quoted in the remittance, and the customer's open invoices.
 * 3. Match (domain): by quoted numbers, else the one exact amount; the rest is unapplied cash.
 * 4. One transaction: payment, invoice balances (guarded), ledger entry, aggregates.
 *    A concurrent change to an invoice fails the transaction and the message is retried.
 */
import * as z from 'zod/mini';
import { findInvoiceNumbers } from '#domain/invoice';
import { paymentReceivedEntry } from '#domain/ledger';
import type { Invoice, Payment } from '#domain/model';
import { matchPayment } from '#domain/payment-matching';
import { applyPayment as apply, getInvoice, openInvoicesOfCustomer, paymentExists } from '#adapters/invoices';
import { PaymentInputSchema, text } from '#platforms/canonical';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logger, metrics, sqsHandler } from '#runtime';

export const PaymentMessage = z.extend(PaymentInputSchema, { id: text(1, 80) });

export async function applyPayment(payment: Payment): Promise<{ applied: boolean; reason: string; unapplied: number }> {
  if (await paymentExists(payment.id)) return { applied: false, reason: 'duplicate', unapplied: 0 };
  const quoted = findInvoiceNumbers([payment.remittance, payment.payerReference].filter(Boolean).join(' '));
  const byNumber = (await Promise.all(quoted.map((n) => getInvoice(n)))).filter((i): i is Invoice => i !== undefined);
  const customerId = payment.customerId ?? byNumber[0]?.customerId;
  const own = customerId ? await openInvoicesOfCustomer(customerId) : [];
  const candidates = [...new Map([...byNumber, ...own].map((i) => [i.id, i])).values()];
  const match = matchPayment({ ...payment, ...(customerId ? { customerId } : {}) }, candidates);
  const entry = paymentReceivedEntry(payment, match.allocations, `pay-${payment.id}`, { discounts: match.discounts });
  const applied = await apply({ payment, allocations: match.allocations, discounts: match.discounts, invoices: candidates, entry, unapplied: match.unapplied });
  if (applied) metrics.addMetric(match.reason === 'none' ? 'PaymentsUnmatched' : 'PaymentsApplied', MetricUnit.Count, 1);
  if (match.unapplied > 0) logger.info('unapplied cash', { paymentId: payment.id, unapplied: match.unapplied, reason: match.reason });
  return { applied, reason: match.reason, unapplied: match.unapplied };
}

export const handler = sqsHandler(PaymentMessage, async (payment) => {
  await applyPayment(payment as Payment);
});
