/**
 * The refunds queue's consumer: o2c pays back what it owes.
 *
 * A refund (`{ kind: 'refund', refundId }`):
 * 1. The refund must exist (else the message is retried, then dead-lettered).
 *    One that is no longer `requested` was done by an earlier delivery: only
 *    step 4 runs again (its mails are keyed, so nobody is told twice).
 * 2. Stripe-paid with a payment reference: Stripe refunds it, keyed by the
 *    o2c refund id (asking twice refunds once). Stripe refuses it (4xx, e.g.
 *    already refunded) → `failed` with Stripe's words. Stripe or the network
 *    fails (5xx, timeout) → the error is thrown: SQS retries, then the DLQ.
 *    Other platforms (Shopify, WooCommerce, the B2B API) → `owed`: finance
 *    pays it back there.
 * 3. The outcome is written once (only from `requested`), with its journal
 *    entry when money leaves o2c's books: customer credit paid out, Dr customer
 *    credit / Cr cash. A prepaid order refunded before it was invoiced posts
 *    nothing: o2c books a prepaid order's cash with its invoice, and it had none
 *    (domain/refunds.ts: refundEntry). A lost race reads the winner's outcome.
 * 4. Refunded → the customer is mailed in their language (key per refund; when customerEmails has "refund");
 *    failed or owed → finance is mailed (key per refund and outcome).
 *
 * An invoiced order a platform cancelled (`{ kind: 'cancelled-after-invoice', orderId }`):
 * 1. The credit note for all that is left to credit on its invoice, through
 *    issueCreditNote with a key derived from the order, so a redelivered
 *    cancellation gets the first note back instead of a second one.
 * 2. A paid invoice leaves that much customer credit: its refund is requested
 *    (created once, id from the order) and made as above.
 */
import { emails } from '#domain/notifications';
import { todayIn } from '#domain/dates';
import { formatMoney } from '#domain/money';
import { refundChannel, refundEntry, refundOfCreditNote, settleRefund, type Refund, type RefundOutcome } from '#domain/refunds';
import { customerLanguage, formatsFor, renderMessage } from '#messages';
import { NotFoundError, OrderNotFound } from '../errors.ts';
import type { Log, Mail, Orders, PaymentRefunds, RefundMessage, RefundRequests } from '../ports.ts';
import { CREDIT_NOTE_KEYS, issueCreditNote, type AdjustInvoiceDeps } from './adjust-invoice.ts';
import { mailTo } from './customer-mail.ts';

export interface RefundPaymentDeps extends AdjustInvoiceDeps {
  /** Which customer notifications are emailed (`customerEmails`; undefined: all of them). */
  readonly customerEmails?: readonly string[] | undefined;
  readonly orders: Orders;
  readonly refundRequests: RefundRequests;
  readonly paymentRefunds: PaymentRefunds;
  readonly financeRecipients: readonly string[];
  readonly log: Log;
  readonly mail: Mail;
}

/** Who the audit trail names for what o2c does on a platform's word. */
export const PLATFORM_CANCELLATION_ACTOR = 'o2c (platform cancellation)';

export type RefundPaymentResult = { readonly refundId?: string; readonly status: Refund['status'] | 'nothing-owed' };

export async function refundPayment(message: RefundMessage, deps: RefundPaymentDeps): Promise<RefundPaymentResult> {
  return message.kind === 'refund' ? makeRefund(message.refundId, deps) : creditCancelledOrder(message.orderId, deps);
}

async function makeRefund(refundId: string, deps: RefundPaymentDeps): Promise<RefundPaymentResult> {
  let refund = await deps.refundRequests.get(refundId);
  if (!refund) throw new NotFoundError(`refund ${refundId} does not exist`, 'RefundNotFound');
  if (refund.status === 'requested') {
    const outcome = await outcomeOf(refund, deps);
    const now = deps.clock.now();
    const after = settleRefund(refund, outcome, now.toISOString());
    const entry = after.status === 'refunded' ? refundEntry(after, `refund-${after.id}`, todayIn(deps.company.timezone, now)) : undefined;
    if (await deps.refundRequests.settle(refund, after, entry)) refund = after;
    else refund = (await deps.refundRequests.get(refundId)) ?? after; // another delivery settled it first
  }
  await tell(refund, deps);
  return { refundId, status: refund.status };
}

async function outcomeOf(refund: Refund, deps: RefundPaymentDeps): Promise<RefundOutcome> {
  if (refundChannel(refund) === 'by-hand') {
    const why = refund.platform === 'stripe' ? 'the order keeps no Stripe payment intent or charge' : `o2c does not refund on ${refund.platform} itself`;
    return { kind: 'owed', why };
  }
  const result = await deps.paymentRefunds.refund({
    refundId: refund.id,
    ...(refund.paymentReference?.paymentIntent ? { paymentIntent: refund.paymentReference.paymentIntent } : { charge: refund.paymentReference?.charge ?? '' }),
    amount: refund.amount,
    currency: refund.currency,
  });
  return result.kind === 'refunded' ? { kind: 'refunded', platformRefundId: result.platformRefundId } : { kind: 'failed', message: result.message };
}

async function tell(refund: Refund, deps: RefundPaymentDeps): Promise<void> {
  const amount = formatMoney({ amount: refund.amount, currency: refund.currency });
  if (refund.status === 'refunded') {
    const customer = await deps.customers.get(refund.customerId);
    if (!customer || !emails(deps.customerEmails, 'refund')) return;
    const language = customerLanguage(customer, deps.company);
    const message = renderMessage('refund-issued', language, {
      customerName: customer.name,
      orderReference: refund.orderReference,
      amount: formatsFor(language).money({ amount: refund.amount, currency: refund.currency }),
      // The credit note's reason is finance's words to the customer; an ended order's (rejection, cancellation) is put in the customer's language by the template.
      reason: refund.cause === 'credit-note' ? refund.reason : null,
      creditNoteNumber: refund.creditNoteNumber ?? null,
      companyName: deps.company.name,
    });
    await deps.mail.enqueue(mailTo(customer, `refund:${refund.id}`, message));
    return;
  }
  if (refund.status !== 'owed' && refund.status !== 'failed') return;
  const ref = refund.paymentReference;
  const message = renderMessage('refund-attention', 'en', {
    form: refund.status,
    refundId: refund.id,
    orderId: refund.orderId,
    orderReference: refund.orderReference,
    platform: refund.platform,
    paymentReference: ref?.paymentIntent ?? ref?.charge ?? null,
    amount,
    reason: refund.reason,
    note: refund.note ?? refund.status,
  });
  await deps.mail.enqueue({ key: `refund-${refund.status}:${refund.id}`, to: deps.financeRecipients, subject: message.subject, text: message.text });
}

async function creditCancelledOrder(orderId: string, deps: RefundPaymentDeps): Promise<RefundPaymentResult> {
  const order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  if (!order.invoiceNumber) return { status: 'nothing-owed' };
  const invoice = await deps.invoices.get(order.invoiceNumber);
  if (!invoice) throw new NotFoundError(`invoice ${order.invoiceNumber} does not exist`, 'InvoiceNotFound');
  const clientKey = { key: `cancellation:${order.id}`, bodyHash: order.id };
  const left = invoice.totals.total - (invoice.credited ?? 0);
  // Finance may have credited all of it already; a note issued under the key before is still found (and refunded).
  if (left <= 0 && !(await deps.requestKeys.find(CREDIT_NOTE_KEYS, clientKey.key))) {
    deps.log.info('cancelled order has nothing left to credit', { orderId, invoiceNumber: invoice.number });
    return { status: 'nothing-owed' };
  }
  const reason = `cancelled on ${order.source.platform}${order.cancellationRequested ? `: ${order.cancellationRequested}` : ''}`;
  const note = await issueCreditNote({ invoiceNumber: invoice.number, amount: { amount: Math.max(left, 1), currency: invoice.currency }, reason }, PLATFORM_CANCELLATION_ACTOR, deps, clientKey);
  const refund = refundOfCreditNote(order, note, deps.clock.now().toISOString());
  if (!refund) return { status: 'nothing-owed' };
  await deps.refundRequests.request(refund);
  return makeRefund(refund.id, deps);
}
