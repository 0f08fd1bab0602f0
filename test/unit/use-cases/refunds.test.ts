/** Refunds of prepaid orders: requested with the order's end, made once through Stripe, owed elsewhere; cancelled paid invoices credited and refunded. */
import { describe, expect, it } from 'vitest';
import { orderId, refundId } from '../../../functions/domain/ids.ts';
import type { OrderStatus } from '../../../functions/domain/model.ts';
import { cancelOrder } from '../../../functions/use-cases/cancel-order.ts';
import { issueInvoice } from '../../../functions/use-cases/issue-invoice.ts';
import { listRefunds, markRefundPaid } from '../../../functions/use-cases/list-refunds.ts';
import { refundPayment } from '../../../functions/use-cases/refund-payment.ts';
import { rejectOrder } from '../../../functions/use-cases/reject-order.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { draft, invoiceFor, NOW, refusal, world } from './fixtures.ts';

const STRIPE_ORDER = orderId('stripe', 'acct_1', 'cs_test_1');
const PI = 'pi_3QxTest';
const stripeSource = { platform: 'stripe' as const, externalId: 'cs_test_1', shop: 'acct_1', reference: 'CHK-1' };

/** A prepaid Stripe order in `status`, its customer (Swedish) known. */
function given(status: OrderStatus, extra: Parameters<typeof testOrder>[2] = {}) {
  const w = world();
  w.putCustomer(testCustomer('cus_1', { language: 'sv', name: 'Greta Svensson', email: 'greta@example.se' }));
  w.putOrder(testOrder(STRIPE_ORDER, status, { source: stripeSource, paymentMode: 'prepaid', paymentReference: { paymentIntent: PI }, ...extra }));
  return w;
}
const refunds = (w: ReturnType<typeof world>) => [...w.state.refundRequests.values()];

describe('a prepaid order that ends without goods', () => {
  it('is rejected with one refund request for what was paid, written with its move, even when the step runs twice', async () => {
    const w = given('backordered');
    const total = w.state.orders.get(STRIPE_ORDER)!.totals.total;
    const input = { orderId: STRIPE_ORDER, validation: { reason: 'out of stock after 24 attempts' } };
    await rejectOrder(input, w.deps);
    await rejectOrder(input, w.deps);

    expect(w.state.orders.get(STRIPE_ORDER)).toMatchObject({ status: 'rejected', version: 2 });
    expect(refunds(w)).toEqual([
      expect.objectContaining({
        id: refundId(STRIPE_ORDER),
        orderId: STRIPE_ORDER,
        amount: total,
        currency: 'GBP',
        platform: 'stripe',
        paymentReference: { paymentIntent: PI },
        status: 'requested',
        cause: 'order-ended',
        reason: 'out of stock after 24 attempts',
      }),
    ]);
    // The customer (Swedish) is told the payment comes back, not that nothing was charged.
    const told = w.state.mailbox.find((m) => m.key === `order-rejected:${STRIPE_ORDER}`)!;
    expect(told.text).toContain('återbetalas');
    expect(told.text).not.toContain('Ingenting har debiterats');
    // Each run tells the queue (healing a crash after the write); the consumer makes it once.
    expect(w.deps.refundQueue.sent).toEqual([{ kind: 'refund', refundId: refundId(STRIPE_ORDER) }, { kind: 'refund', refundId: refundId(STRIPE_ORDER) }]);
    for (const m of w.deps.refundQueue.sent) await refundPayment(m, w.deps);
    expect(w.state.platformCalls).toHaveLength(1);
    expect(w.state.platformCalls[0]).toEqual({ refundId: refundId(STRIPE_ORDER), paymentIntent: PI, amount: total, currency: 'GBP' });
    expect(w.state.refundRequests.get(refundId(STRIPE_ORDER))).toMatchObject({ status: 'refunded', platformRefundId: 're_mem_1', settledAt: NOW });
    // Refunded before it was invoiced: o2c never booked that cash, so nothing is posted.
    expect([...w.state.journal.values()]).toEqual([]);
    const customerMail = w.state.mailbox.filter((m) => m.key === `refund:${refundId(STRIPE_ORDER)}`);
    expect(customerMail).toHaveLength(2); // queued by each delivery under one key: send-mail sends it once
    expect(customerMail[0]).toMatchObject({ to: ['greta@example.se'], subject: 'Återbetalning av 38,98\u00a0£ för din beställning CHK-1', language: 'sv' });
  });

  it('creates the refund request for an order check-credit had already rejected', async () => {
    const w = given('rejected', { reason: 'credit limit exceeded' });
    await rejectOrder({ orderId: STRIPE_ORDER, credit: { reason: 'credit limit exceeded' } }, w.deps);
    expect(refunds(w)).toEqual([expect.objectContaining({ status: 'requested', reason: 'credit limit exceeded' })]);
  });

  it('refunds an order the warehouse cannot ship (unfillable): rejected from fulfilling, stock released, the reason in the customer\'s words', async () => {
    const w = given('fulfilling', { reason: 'within credit limit' });
    await rejectOrder({ orderId: STRIPE_ORDER, credit: { reason: 'within credit limit' }, warehouse: { Error: 'WarehouseFailed', Cause: 'bin A4 flooded' } }, w.deps);
    expect(w.state.orders.get(STRIPE_ORDER)).toMatchObject({ status: 'rejected', reason: 'it could not be shipped from our warehouse' });
    expect(refunds(w)).toEqual([expect.objectContaining({ status: 'requested', cause: 'order-ended', reason: 'it could not be shipped from our warehouse' })]);
    expect(w.state.mailbox.find((m) => m.key === `order-rejected:${STRIPE_ORDER}`)!.text).not.toContain('flooded');
  });

  it('owes nothing for an order on terms', async () => {
    const w = given('validated', { paymentMode: 'terms' });
    await rejectOrder({ orderId: STRIPE_ORDER, validation: { reason: 'unknown SKU X' } }, w.deps);
    expect(w.state.orders.get(STRIPE_ORDER)?.status).toBe('rejected');
    expect(refunds(w)).toEqual([]);
    expect(w.deps.refundQueue.sent).toEqual([]);
  });

  it('is cancelled before shipment with one refund request; a redelivered cancellation queues it again but requests nothing new', async () => {
    const w = world();
    const id = orderId('shopify', 'acme.myshopify.com', '450789469');
    w.putOrder(testOrder(id, 'confirmed', { source: { platform: 'shopify', externalId: '450789469', shop: 'acme.myshopify.com', reference: '#1042' }, paymentMode: 'prepaid' }));
    const cancel = () => cancelOrder({ draft: draft(), platform: 'shopify', reason: 'customer changed their mind', receivedAt: NOW }, w.deps);
    expect((await cancel()).outcome).toBe('cancelled');
    expect((await cancel()).outcome).toBe('already-cancelled');
    expect(refunds(w)).toEqual([expect.objectContaining({ id: refundId(id), platform: 'shopify', amount: 3898, status: 'requested' })]);
    expect(w.deps.refundQueue.sent).toHaveLength(2);

    // Shopify: o2c cannot refund there itself. Owed, and finance told once (one key however often it runs).
    for (const m of w.deps.refundQueue.sent) await refundPayment(m, w.deps);
    expect(w.state.platformCalls).toEqual([]);
    expect(w.state.refundRequests.get(refundId(id))).toMatchObject({ status: 'owed', note: 'o2c does not refund on shopify itself' });
    const told = w.state.mailbox.filter((m) => m.to.includes('finance@example.com'));
    expect(new Set(told.map((m) => m.key))).toEqual(new Set([`refund-owed:${refundId(id)}`]));
    expect(told[0]!.subject).toBe('Refund owed: £38.98 for order #1042 (shopify)');
    expect((await listRefunds({ status: 'owed' }, w.deps)).refunds).toEqual([expect.objectContaining({ refundId: refundId(id), amount: { amount: 3898, currency: 'GBP' }, status: 'owed' })]);
    expect((await listRefunds({ status: 'refunded' }, w.deps)).refunds).toEqual([]);

    // Finance pays it back on Shopify and says so: refunded, audited, nothing posted (o2c never booked this cash); once only.
    const journal = w.state.journal.size;
    const paid = await markRefundPaid({ refundId: refundId(id), reference: 'shopify refund 9912', reason: 'refunded in the Shopify admin' }, 'finance key', w.deps);
    expect(paid).toMatchObject({ status: 'refunded', platformRefundId: 'by-hand:shopify refund 9912' });
    expect(w.state.journal.size).toBe(journal);
    expect(w.state.audit.at(-1)).toMatchObject({ action: 'refund.paid-by-hand', entity: `refund:${refundId(id)}`, before: { status: 'owed' }, after: { status: 'refunded' }, reason: 'refunded in the Shopify admin' });
    expect(await refusal(markRefundPaid({ refundId: refundId(id), reference: 'again' }, 'finance key', w.deps))).toMatchObject({ status: 409, code: 'RefundSettled' });
    expect(await refusal(markRefundPaid({ refundId: 'rf_nope', reference: 'x' }, 'finance key', w.deps))).toMatchObject({ status: 404 });
  });

  it('an order cancelled on first sight (o2c never had it) owes nothing', async () => {
    const w = world();
    expect((await cancelOrder({ draft: draft({ paymentMode: 'prepaid' }), platform: 'shopify', reason: 'fraud', receivedAt: NOW }, w.deps)).outcome).toBe('recorded-cancelled');
    expect(refunds(w)).toEqual([]);
  });
});

describe('the refund at Stripe', () => {
  it('Stripe refuses it (4xx): failed with Stripe’s words, finance told, nothing posted, nothing retried', async () => {
    const w = given('validated');
    await rejectOrder({ orderId: STRIPE_ORDER, validation: { reason: 'out of stock' } }, w.deps);
    w.state.platformScript.push({ kind: 'declined', message: 'Charge ch_3QxTest has already been refunded.' });
    const [message] = w.deps.refundQueue.sent;
    expect(await refundPayment(message!, w.deps)).toEqual({ refundId: refundId(STRIPE_ORDER), status: 'failed' });
    expect(await refundPayment(message!, w.deps)).toEqual({ refundId: refundId(STRIPE_ORDER), status: 'failed' });
    expect(w.state.platformCalls).toHaveLength(1);
    expect(w.state.refundRequests.get(refundId(STRIPE_ORDER))).toMatchObject({ status: 'failed', note: 'Charge ch_3QxTest has already been refunded.' });
    const told = w.state.mailbox.filter((m) => m.key === `refund-failed:${refundId(STRIPE_ORDER)}`);
    expect(told[0]).toMatchObject({ to: ['finance@example.com'], subject: 'Refund failed: £38.98 for order CHK-1 (stripe)' });
    expect(told[0]!.text).toContain('has already been refunded');
    expect(told[0]!.text).toContain(PI);
    expect(w.state.mailbox.some((m) => m.key.startsWith('refund:'))).toBe(false);
  });

  it('Stripe fails (5xx): the consumer throws so SQS retries, and the next delivery refunds it', async () => {
    const w = given('validated');
    await rejectOrder({ orderId: STRIPE_ORDER, validation: { reason: 'out of stock' } }, w.deps);
    w.state.platformScript.push({ kind: 'fault', message: 'An unknown error occurred' });
    const [message] = w.deps.refundQueue.sent;
    await expect(refundPayment(message!, w.deps)).rejects.toThrow('An unknown error occurred');
    expect(w.state.refundRequests.get(refundId(STRIPE_ORDER))?.status).toBe('requested');
    expect(w.state.mailbox.filter((m) => m.key.includes('refund'))).toEqual([]);
    expect((await refundPayment(message!, w.deps)).status).toBe('refunded');
    expect(w.state.platformRefunds.size).toBe(1);
  });

  it('a Stripe order without a payment reference is owed, and finance is told why', async () => {
    const w = given('validated', { paymentReference: undefined });
    await rejectOrder({ orderId: STRIPE_ORDER, validation: { reason: 'out of stock' } }, w.deps);
    await refundPayment(w.deps.refundQueue.sent[0]!, w.deps);
    expect(w.state.platformCalls).toEqual([]);
    expect(w.state.refundRequests.get(refundId(STRIPE_ORDER))).toMatchObject({ status: 'owed', note: 'the order keeps no Stripe payment intent or charge' });
  });
});

describe('a platform cancellation after the invoice', () => {
  /** The Stripe order shipped and invoiced as paid (balance 0). */
  function invoiced() {
    const w = given('invoiced');
    const order = w.state.orders.get(STRIPE_ORDER)!;
    const invoice = invoiceFor(order, { balance: 0 });
    w.putInvoice(invoice);
    w.state.counters.set('INV|2026', 1);
    w.state.orders.set(STRIPE_ORDER, { ...order, invoiceNumber: invoice.number });
    return { w, invoice };
  }
  const cancelled = (w: ReturnType<typeof world>) => cancelOrder({ draft: { ...draft(), externalId: stripeSource.externalId, shop: stripeSource.shop }, platform: 'stripe', reason: 'arrived broken', receivedAt: NOW }, w.deps);

  it('issues one credit note for the whole invoice and refunds the customer credit once, however often it is delivered', async () => {
    const { w, invoice } = invoiced();
    const id = STRIPE_ORDER;

    expect((await cancelled(w)).outcome).toBe('credit-note-queued');
    expect((await cancelled(w)).outcome).toBe('credit-note-queued');
    expect(w.state.orders.get(id)).toMatchObject({ status: 'invoiced', creditNoteRequested: true, cancellationRequested: 'arrived broken', version: 2 });
    expect(w.deps.refundQueue.sent).toEqual([{ kind: 'cancelled-after-invoice', orderId: id }, { kind: 'cancelled-after-invoice', orderId: id }]);

    for (const m of [...w.deps.refundQueue.sent, ...w.deps.refundQueue.sent]) expect((await refundPayment(m, w.deps)).status).toBe('refunded');
    const notes = [...w.state.creditNotes.values()];
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ invoiceNumber: invoice.number, total: invoice.totals.total, appliedToInvoice: 0, customerCredit: invoice.totals.total, reason: 'cancelled on stripe: arrived broken' });
    expect(w.state.invoices.get(invoice.number)).toMatchObject({ credited: invoice.totals.total, balance: 0 });
    expect(w.state.audit.filter((a) => a.action === 'invoice.credit-note')).toEqual([expect.objectContaining({ actor: 'o2c (platform cancellation)' })]);

    expect(w.state.platformCalls).toHaveLength(1);
    expect(w.state.platformCalls[0]).toMatchObject({ refundId: refundId(id), paymentIntent: PI, amount: invoice.totals.total });
    expect(w.state.refundRequests.get(refundId(id))).toMatchObject({ status: 'refunded', cause: 'credit-note', creditNoteNumber: notes[0]!.number, invoiceNumber: invoice.number });
    // The customer credit is paid out: Dr customer credit / Cr cash, once.
    const refundEntries = [...w.state.journal.values()].filter((e) => e.reference === `refund:${refundId(id)}`);
    expect(refundEntries).toEqual([
      expect.objectContaining({ lines: [{ account: 'customer_credit', side: 'debit', amount: invoice.totals.total }, { account: 'cash', side: 'credit', amount: invoice.totals.total }] }),
    ]);
    const credit = [...w.state.journal.values()].flatMap((e) => e.lines.filter((l) => l.account === 'customer_credit')).reduce((n, l) => n + (l.side === 'credit' ? l.amount : -l.amount), 0);
    expect(credit).toBe(0);
    expect(new Set(w.state.mailbox.map((m) => m.key))).toEqual(new Set([`credit-note:${notes[0]!.number}`, `refund:${refundId(id)}`]));
  });

  it('shipped but not invoiced yet: flagged; the invoice step then hands it on, and it is credited and refunded like any cancelled invoice', async () => {
    const w = given('shipped');
    const id = STRIPE_ORDER;
    expect((await cancelled(w)).outcome).toBe('credit-note-requested');
    expect(w.state.orders.get(id)).toMatchObject({ status: 'shipped', creditNoteRequested: true });
    expect(w.deps.refundQueue.sent).toEqual([]);
    const { invoiceNumber } = await issueInvoice({ orderId: id }, w.deps);
    await issueInvoice({ orderId: id }, w.deps); // a retried step: the invoice stays one, the hand-over is sent again
    expect(w.deps.refundQueue.sent).toEqual([{ kind: 'cancelled-after-invoice', orderId: id }, { kind: 'cancelled-after-invoice', orderId: id }]);
    for (const m of w.deps.refundQueue.sent) await refundPayment(m, w.deps);
    expect([...w.state.creditNotes.values()]).toEqual([expect.objectContaining({ invoiceNumber, reason: 'cancelled on stripe: arrived broken' })]);
    expect(w.state.refundRequests.get(refundId(id))).toMatchObject({ status: 'refunded', cause: 'credit-note' });
    expect(w.state.platformCalls).toHaveLength(1);
  });
});
