/**
 * The finance pack's counts that the business transactions feed besides money (README "The finance pack"): order
 * errors by reason, duplicates absorbed, manual finance actions from the audit trail, touchless orders, and the
 * accounts on hold / suspended / with the agency as of a past day. Each written through the real use cases on the
 * memory world (which adds to its aggregates exactly as the DynamoDB adapters' transactions do), then read back in
 * the flash pack of the day; the known answers are counted by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import { orderTouches } from '../../../functions/domain/figures.ts';
import { acceptOrder } from '../../../functions/use-cases/accept-order.ts';
import { applyPayment } from '../../../functions/use-cases/apply-payment.ts';
import { checkCredit } from '../../../functions/use-cases/check-credit.ts';
import { confirmOrder } from '../../../functions/use-cases/confirm-order.ts';
import { recordPaymentByHand } from '../../../functions/use-cases/finance-cash.ts';
import { financePack } from '../../../functions/use-cases/finance-pack.ts';
import { issueInvoice } from '../../../functions/use-cases/issue-invoice.ts';
import { receivePlatformEvent } from '../../../functions/use-cases/receive-platform-event.ts';
import { rejectOrder } from '../../../functions/use-cases/reject-order.ts';
import { allocateUnappliedCash } from '../../../functions/use-cases/unapplied-cash.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { BOOK, draft, MUG, NOW, TODAY, world } from './fixtures.ts';

const flash = (w: ReturnType<typeof world>, asOf = TODAY) => financePack({ kind: 'flash', asOf }, w.deps);

describe('order errors: rejections and refusals by reason, counted with the change that rejects the order', () => {
  it('counts each rejection once by reason, a refused intake total once per figures, and nothing on a re-run', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1'));
    w.putCustomer(testCustomer('cus_3', { collectionsStatus: 'suspended' } as never));
    w.putProduct(MUG);
    w.putProduct(BOOK);
    w.putOrder(testOrder('ord_1', 'received'));
    w.putOrder(testOrder('ord_2', 'fulfilling'));
    w.putOrder(testOrder('ord_3', 'validated', { customerId: 'cus_3' }));
    // ord_1: the B2B order's unit price is not the catalog's → price-mismatch; the workflow retries the step: still one.
    const priced = { orderId: 'ord_1', validation: { reason: 'not sold at that price', problems: [{ kind: 'other-price' as const, description: 'Stoneware mug', sku: 'MUG-01', unitPrice: 1100, currency: 'GBP' }] } };
    await rejectOrder(priced, w.deps);
    await rejectOrder(priced, w.deps);
    // ord_2: the warehouse refused it → warehouse-refused.
    await rejectOrder({ orderId: 'ord_2', warehouse: { Error: 'WarehouseFailed', Cause: 'damaged in the warehouse' } }, w.deps);
    // ord_3: the customer is suspended: check-credit rejects it (counted there) and reject-order, which follows, adds nothing.
    expect(await checkCredit({ orderId: 'ord_3' }, w.deps)).toMatchObject({ decision: 'reject' });
    await rejectOrder({ orderId: 'ord_3', credit: { reason: 'account suspended until the overdue balance is paid' } }, w.deps);
    // A Shopify order whose lines do not come to its total (38.98): refused with 422, sent three times with the same
    // figures (one refusal) and once with others (a second one); no order is written.
    for (const total of [3999, 3999, 3999, 4100]) await expect(acceptOrder({ draft: draft({ platformTotal: total }), platform: 'shopify', receivedAt: NOW }, w.deps)).rejects.toMatchObject({ code: 'ValidationFailed' });
    expect([...w.state.orders.keys()].sort()).toEqual(['ord_1', 'ord_2', 'ord_3']);

    const pack = await flash(w);
    // 2 total-mismatch; 1 each of account-suspended, price-mismatch, warehouse-refused (largest first, then by name).
    expect(pack.orderToCash.orderErrors).toEqual([
      { reason: 'total-mismatch', count: 2 },
      { reason: 'account-suspended', count: 1 },
      { reason: 'price-mismatch', count: 1 },
      { reason: 'warehouse-refused', count: 1 },
    ]);
    // The day before, none.
    expect((await flash(w, '2026-11-21')).orderToCash.orderErrors).toEqual([]);
  });

  it('counts finance’s refusal after review as the review’s order error and as a manual action', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1'));
    w.putOrder(testOrder('ord_1', 'credit_hold'));
    await rejectOrder({ orderId: 'ord_1', credit: { reason: 'within the review band' }, review: { note: 'no', reason: 'overdue-balance' } }, w.deps);
    const pack = await flash(w);
    expect(pack.orderToCash.orderErrors).toEqual([{ reason: 'credit-refused', count: 1 }]);
    expect(pack.automation.manualActions).toEqual([{ action: 'credit-review.reject', count: 1 }]);
  });
});

describe('duplicates absorbed: a delivery of an order or a payment o2c already had, once per delivery', () => {
  it('counts a second delivery of an order, not a retry of the same delivery', async () => {
    const w = world();
    await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: NOW }, w.deps);
    // The same delivery processed again (its arrival is the same): not a second delivery.
    await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: NOW }, w.deps);
    // Shopify delivers the order again a minute later, twice: two duplicates absorbed.
    await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: '2026-11-22T10:01:00.000Z' }, w.deps);
    await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: '2026-11-22T10:02:00.000Z' }, w.deps);
    await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: '2026-11-22T10:02:00.000Z' }, w.deps);
    expect(w.state.orders.size).toBe(1);
    expect((await flash(w)).orderToCash.duplicatesAbsorbed).toBe(2);
  });

  it("does not count a caller's retry of a delivery o2c never answered (the same delivery id, arriving later), counts each other delivery once however often it is retried", async () => {
    const w = world();
    // Shopify's webhook: o2c wrote the order and died before answering (a 502); Shopify retries the same webhook.
    await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: NOW, deliveryId: 'webhook-1' }, w.deps);
    await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: '2026-11-22T10:00:05.000Z', deliveryId: 'webhook-1' }, w.deps);
    await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: '2026-11-22T10:01:05.000Z', deliveryId: 'webhook-1' }, w.deps);
    expect(w.state.orders.get([...w.state.orders.keys()][0]!)).toMatchObject({ source: { deliveryId: 'webhook-1' }, createdAt: NOW });
    expect((await flash(w)).orderToCash.duplicatesAbsorbed).toBe(0);
    // orders/paid for the same order (another webhook), and its own retry after another crash: one duplicate.
    await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: '2026-11-22T10:02:00.000Z', deliveryId: 'webhook-2' }, w.deps);
    await acceptOrder({ draft: draft(), platform: 'shopify', receivedAt: '2026-11-22T10:02:09.000Z', deliveryId: 'webhook-2' }, w.deps);
    expect((await flash(w)).orderToCash.duplicatesAbsorbed).toBe(1);
  });

  it("a platform's webhook resent after intake died (Stripe's same event) is no duplicate; the platform's next event for the order is one", async () => {
    const w = world();
    const order = { ...draft(), platformTotal: 3898 };
    await receivePlatformEvent('stripe', { kind: 'order', topic: 'checkout.session.completed', order, paid: false, deliveryId: 'evt_1' }, NOW, w.deps);
    await receivePlatformEvent('stripe', { kind: 'order', topic: 'checkout.session.completed', order, paid: false, deliveryId: 'evt_1' }, '2026-11-22T10:00:04.000Z', w.deps);
    expect((await flash(w)).orderToCash.duplicatesAbsorbed).toBe(0);
    await receivePlatformEvent('stripe', { kind: 'order', topic: 'checkout.session.async_payment_succeeded', order, paid: false, deliveryId: 'evt_2' }, '2026-11-22T10:03:00.000Z', w.deps);
    expect((await flash(w)).orderToCash.duplicatesAbsorbed).toBe(1);
  });

  it("does not count a payment report resent after finance-cash died (the same request), counts one recorded again by another request", async () => {
    const w = world();
    const report = { source: 'manual' as const, externalId: 'TRANSFER-1', amount: 500, currency: 'GBP', receivedOn: TODAY, remittance: 'on account' };
    // The first request queued the payment and died; the caller sends the same request again (same key): same delivery.
    await recordPaymentByHand(report, 'finance key', w.deps, 'key:pay-1');
    w.clock.set('2026-11-22T10:00:07.000Z');
    await recordPaymentByHand(report, 'finance key', w.deps, 'key:pay-1');
    for (const m of w.deps.paymentQueue.sent) await applyPayment(m as never, w.deps);
    expect((await flash(w)).orderToCash.duplicatesAbsorbed).toBe(0);
    // Recorded again, by another request: a duplicate absorbed.
    await recordPaymentByHand(report, 'finance key', w.deps, 'key:pay-2');
    await applyPayment(w.deps.paymentQueue.sent.at(-1) as never, w.deps);
    expect((await flash(w)).orderToCash.duplicatesAbsorbed).toBe(1);
  });

  it('counts a payment that comes in another delivery (a second bank file, a webhook sent again), not a redelivered message', async () => {
    const w = world();
    const payment = { id: 'pay_1', source: 'bank' as const, externalId: 'E2E-1', amount: 5000, currency: 'GBP', receivedOn: TODAY };
    await applyPayment({ ...payment, importId: 'bi_a' }, w.deps);
    await applyPayment({ ...payment, importId: 'bi_a' }, w.deps); // SQS redelivers the same message: a retry
    await applyPayment({ ...payment, importId: 'bi_b' }, w.deps); // the same credit in the next day's file: a duplicate
    await applyPayment({ ...payment, importId: 'bi_b' }, w.deps); // …whose message is redelivered: still one
    await applyPayment({ ...payment, deliveryId: 'hook-2' }, w.deps); // and reported once more by hand: another
    expect((await flash(w)).orderToCash.duplicatesAbsorbed).toBe(2);
  });
});

describe('manual finance actions per period, from the audit trail', () => {
  it('counts each action a person caused once, on its day, and none of o2c’s own', async () => {
    const w = world();
    const report = { source: 'manual' as const, externalId: 'CHQ-1', amount: 1000, currency: 'GBP', receivedOn: TODAY };
    // Finance records a cheque twice (one payment, one audit line), resends a report; o2c's schedule writes an entry too.
    await recordPaymentByHand(report, 'clerk@example.com', w.deps);
    await recordPaymentByHand(report, 'clerk@example.com', w.deps);
    await w.deps.audit.record({ at: NOW, on: TODAY, actor: 'clerk@example.com', action: 'report.resend', entity: 'report:flash:2026-11-21', after: { key: 'k' } });
    await w.deps.audit.record({ at: NOW, actor: 'schedule', action: 'report.resend', entity: 'report:flash:2026-11-20', after: { key: 'k2' } });
    await w.deps.audit.record({ at: NOW, actor: 'dunning', action: 'customer.credit-hold', entity: 'customer:cus_1' });
    const pack = await flash(w);
    expect(pack.automation.manualActions).toEqual([
      { action: 'payment.record', count: 1 },
      { action: 'report.resend', count: 1 },
    ]);
    // Kept under no currency: not a currency of the pack.
    expect(pack.currencies.map((c) => c.currency)).toEqual([]);
    expect(w.state.aggregates.get(`${TODAY}|XXX`)).toEqual({ 'action.payment.record': 1, 'action.report.resend': 1 });
  });
});

describe('touchless orders: no credit review, no line cancellation, no manual allocation — counted when paid off', () => {
  it('reads the touches from what the order records', () => {
    expect(orderTouches({})).toEqual([]);
    expect(orderTouches({ reason: 'approved by finance' })).toEqual(['credit-review']);
    expect(orderTouches({ touches: ['credit-review'], lineCancellations: { 'seller:c1': {}, 'CXL-1': {} } })).toEqual(['credit-review', 'line-cancellation']);
    // A warehouse's cancellation is not a person's touch.
    expect(orderTouches({ lineCancellations: { 'CXL-1': {} } })).toEqual([]);
  });

  it('a held order is touched; of three orders paid off today one is touchless', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1'));
    w.putCustomer(testCustomer('cus_2', { collectionsStatus: 'credit-hold' } as never));
    // ord_h: its customer is on credit hold → held for review (touched), finance releases it.
    w.putOrder(testOrder('ord_h', 'validated', { customerId: 'cus_2' }));
    expect(await checkCredit({ orderId: 'ord_h' }, w.deps)).toMatchObject({ decision: 'hold' });
    expect(w.state.orders.get('ord_h')?.touches).toEqual(['credit-review']);
    await confirmOrder({ orderId: 'ord_h' }, w.deps);
    w.putOrder({ ...w.state.orders.get('ord_h')!, status: 'shipped' });
    // ord_a: untouched, paid by rule; ord_m: untouched, but its cash allocated by a person.
    w.putOrder(testOrder('ord_a', 'shipped'));
    w.putOrder(testOrder('ord_m', 'shipped'));
    const issued = async (id: string) => (await issueInvoice({ orderId: id }, w.deps)).invoiceNumber;
    const [h, a, m] = [await issued('ord_h'), await issued('ord_a'), await issued('ord_m')];
    expect(w.state.invoices.get(h)?.touches).toEqual(['credit-review']);
    await applyPayment({ id: 'pay_h', source: 'bank', externalId: 'x-h', amount: 3898, currency: 'GBP', receivedOn: TODAY, remittance: h }, w.deps);
    await applyPayment({ id: 'pay_a', source: 'bank', externalId: 'x-a', amount: 3898, currency: 'GBP', receivedOn: TODAY, remittance: a }, w.deps);
    // A payment that names nothing stays unapplied; finance allocates it to ord_m's invoice.
    await applyPayment({ id: 'pay_m', source: 'bank', externalId: 'x-m', amount: 3898, currency: 'GBP', receivedOn: TODAY }, w.deps);
    expect(w.state.payments.get('pay_m')?.unapplied).toBe(3898);
    await allocateUnappliedCash({ paymentId: 'pay_m', invoiceNumber: m, amount: { amount: 3898, currency: 'GBP' } }, 'clerk@example.com', w.deps);
    expect([h, a, m].map((n) => w.state.invoices.get(n)?.balance)).toEqual([0, 0, 0]);
    const pack = await flash(w);
    // Paid off today: 3; touchless: ord_a only → 1 ÷ 3 = 33.3 %.
    expect(pack.automation).toMatchObject({ orders: 3, touchlessOrders: 1, touchlessShare: 33.3 });
    // Finance's release from hold and the allocation are manual actions.
    expect(pack.automation.manualActions).toEqual([
      { action: 'credit-review.approve', count: 1 },
      { action: 'payment.allocate', count: 1 },
    ]);
  });
});

describe('accounts on hold, suspended, with the agency — as of the pack’s day', () => {
  it('counts each customer in the status it had at the end of the day, from the status’s history', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1'));
    w.putCustomer(testCustomer('cus_2'));
    // Dunning puts cus_1 on credit hold as of 11-20 and hands cus_2 to the agency as of 11-22.
    const hold = await w.deps.customers.get('cus_1');
    await w.deps.customers.update(hold!, { ...hold!, collectionsStatus: 'credit-hold', collectionsSince: '2026-11-20', collectionsLevel: 'final' }, { at: NOW, actor: 'dunning', action: 'customer.credit-hold', entity: 'customer:cus_1' });
    const agency = await w.deps.customers.get('cus_2');
    await w.deps.customers.update(agency!, { ...agency!, collectionsStatus: 'with-agency', collectionsSince: '2026-11-22', collectionsLevel: 'agency' }, { at: NOW, actor: 'dunning', action: 'customer.hand-to-agency', entity: 'customer:cus_2' });
    // cus_1 pays on 12-05: the hold is lifted that day.
    w.clock.set('2026-12-05T10:00:00.000Z');
    const { collectionsStatus: _s, collectionsSince: _d, collectionsLevel: _l, ...lifted } = (await w.deps.customers.get('cus_1'))!;
    await w.deps.customers.update((await w.deps.customers.get('cus_1'))!, lifted, { at: '2026-12-05T10:00:00.000Z', actor: 'apply-payment', action: 'customer.collections-lifted', entity: 'customer:cus_1' });
    const accounts = async (asOf: string) => (await flash(w, asOf)).accounts;
    expect(await accounts('2026-11-19')).toMatchObject({ onCreditHold: 0, suspended: 0, withAgency: 0 });
    expect(await accounts('2026-11-21')).toMatchObject({ onCreditHold: 1, suspended: 0, withAgency: 0 });
    expect(await accounts('2026-11-30')).toMatchObject({ onCreditHold: 1, suspended: 0, withAgency: 1 });
    expect(await accounts('2026-12-05')).toMatchObject({ onCreditHold: 0, suspended: 0, withAgency: 1 });
    // System actors: none of these is a manual action.
    expect((await flash(w, '2026-11-22')).automation.manualActions).toEqual([]);
  });

  it('counts a customer whose status has no history (set before it was kept) as it is now', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_9', { collectionsStatus: 'suspended' } as never));
    expect((await flash(w, '2026-01-01')).accounts).toMatchObject({ suspended: 1 });
  });
});
