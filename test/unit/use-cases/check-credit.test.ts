/** check-credit: prepaid passes; exposure in the limit's currency decides approve / hold / reject; a decision stands. */
import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../../functions/domain/model.ts';
import type { StoredCustomer } from '../../../functions/ports.ts';
import { priceOrder } from '../../../functions/domain/pricing.ts';
import { checkCredit } from '../../../functions/use-cases/check-credit.ts';
import { TEST_COMPANY } from '../../support/memory.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { invoiceFor, NOW, world } from './fixtures.ts';

/** An order of one zero-rated line worth `total`, no shipping. */
function orderOfTotal(id: string, status: OrderStatus, total: number, extra: Parameters<typeof testOrder>[2] = {}) {
  const lines = [{ sku: 'X', description: 'x', quantity: 1, unitPrice: total, discount: 0, taxRatePpm: 0 }];
  return testOrder(id, status, { lines, shipping: undefined, totals: priceOrder(lines, undefined, TEST_COMPANY.taxPolicy).totals, ...extra });
}

/** cus_1 with a 10,000 GBP limit; ord_1 (3,898, validated) to decide; an account that adds up to 4,000 + 3,000 before it. */
function account() {
  const w = world();
  w.putCustomer(testCustomer('cus_1', { creditLimit: 10_000, riskScore: 10 }));
  w.putOrder(testOrder('ord_1', 'validated'));
  w.putInvoice(invoiceFor(orderOfTotal('ord_a', 'invoiced', 4_000), { sequence: 1 })); // open: counts
  w.putInvoice(invoiceFor(orderOfTotal('ord_b', 'paid', 2_500), { sequence: 2, balance: 0 })); // paid: does not
  w.putInvoice(invoiceFor(orderOfTotal('ord_c', 'invoiced', 50_000, { currency: 'EUR' }), { sequence: 3 })); // EUR: not in a GBP limit
  w.putInvoice(invoiceFor(orderOfTotal('ord_d', 'invoiced', 9_000, { customerId: 'cus_2' }), { sequence: 4 })); // someone else's
  w.putOrder(orderOfTotal('ord_2', 'confirmed', 3_000)); // approved, not invoiced: counts
  w.putOrder(orderOfTotal('ord_3', 'invoiced', 9_999)); // its invoice counts instead
  w.putOrder(orderOfTotal('ord_4', 'approved', 7_000, { currency: 'EUR' })); // EUR
  w.putOrder(orderOfTotal('ord_5', 'cancelled', 5_000)); // ended
  return w;
}

const countAccountReads = (w: ReturnType<typeof world>) => {
  const reads = { n: 0 };
  const read = w.deps.customers.account;
  w.deps.customers.account = (id) => (reads.n++, read(id));
  return reads;
};

describe('checkCredit', () => {
  it('approves a prepaid order without reading the customer’s exposure', async () => {
    const w = account();
    w.putOrder(testOrder('ord_1', 'validated', { paymentMode: 'prepaid' }));
    const reads = countAccountReads(w);
    expect(await checkCredit({ orderId: 'ord_1' }, w.deps)).toEqual({ decision: 'approve', reason: 'paid at checkout' });
    expect(reads.n).toBe(0);
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'approved', reason: 'paid at checkout', exposure: 3_898, version: 2 });
    expect(w.state.counted).toEqual({ CreditApprove: 1 });
  });

  it('counts open invoices and approved-not-invoiced orders in the limit’s currency, not this order, paid invoices or other currencies: 4,000 + 3,000 + 3,898 = 10,898 over 10,000 → hold', async () => {
    const w = account();
    expect(await checkCredit({ orderId: 'ord_1' }, w.deps)).toEqual({ decision: 'hold', reason: 'over credit limit within the review band' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'credit_hold', reason: 'over credit limit within the review band', exposure: 10_898, version: 2 });
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'credit', status: 'credit_hold', detail: 'over credit limit within the review band' }]);
    expect(w.state.counted).toEqual({ CreditHold: 1 });
  });

  it('approves the same order once the approved order ended: 4,000 + 3,898 = 7,898 within 10,000', async () => {
    const w = account();
    w.putOrder(orderOfTotal('ord_2', 'cancelled', 3_000));
    expect(await checkCredit({ orderId: 'ord_1' }, w.deps)).toEqual({ decision: 'approve', reason: 'within credit limit' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'approved', exposure: 7_898 });
  });

  it('rejects beyond the review band: another 2,000 open makes 12,898 over 12,000', async () => {
    const w = account();
    w.putInvoice(invoiceFor(orderOfTotal('ord_e', 'invoiced', 2_000), { sequence: 5 }));
    expect(await checkCredit({ orderId: 'ord_1' }, w.deps)).toEqual({ decision: 'reject', reason: 'over credit limit' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'rejected', exposure: 12_898 });
    expect(w.state.counted).toEqual({ CreditReject: 1 });
  });

  it.each([
    ['a limit in another currency', testCustomer('cus_1', { currency: 'EUR', creditLimit: 1_000_000 }), 'no credit limit set: needs review'],
    ['a risky customer', testCustomer('cus_1', { creditLimit: 1_000_000, riskScore: 85 }), 'high risk: score 85 needs review'],
  ])('holds an order on terms of %s for a person to decide', async (_what, customer, reason) => {
    const w = world();
    w.putCustomer(customer);
    w.putOrder(testOrder('ord_1', 'validated'));
    expect(await checkCredit({ orderId: 'ord_1' }, w.deps)).toEqual({ decision: 'hold', reason });
    expect(w.state.orders.get('ord_1')?.status).toBe('credit_hold');
  });

  it('holds an order of a customer o2c has no record of (no limit)', async () => {
    const w = world();
    w.putOrder(testOrder('ord_1', 'validated'));
    expect(await checkCredit({ orderId: 'ord_1' }, w.deps)).toEqual({ decision: 'hold', reason: 'no credit limit set: needs review' });
  });

  it.each([
    ['credit_hold', { reason: 'over credit limit within the review band' }, { decision: 'hold', reason: 'over credit limit within the review band' }],
    ['approved', {}, { decision: 'approve', reason: 'decided before' }],
    ['confirmed', {}, { decision: 'approve', reason: 'decided before' }],
    ['rejected', { reason: 'over credit limit' }, { decision: 'reject', reason: 'over credit limit' }],
  ] as const)('on a re-run for an order already %s returns the decision made, reading and writing nothing', async (status, extra, decided) => {
    const w = account();
    w.putOrder(testOrder('ord_1', status, extra));
    const reads = countAccountReads(w);
    expect(await checkCredit({ orderId: 'ord_1' }, w.deps)).toEqual(decided);
    expect(reads.n).toBe(0);
    expect(w.state.orders.get('ord_1')?.version).toBe(1);
    expect(w.state.events.get('ord_1')).toBeUndefined();
    expect(w.state.counted).toEqual({});
  });

  it('throws OrderNotFound for an unknown order', async () => {
    await expect(checkCredit({ orderId: 'ord_nope' }, world().deps)).rejects.toMatchObject({ name: 'OrderNotFound' });
  });
});

describe('checkCredit: unapplied cash, other currencies and finance’s approval', () => {
  const rates = { on: '2026-11-21', base: 'EUR', rates: { GBP: '0.8534' } };
  /** cus_1 (limit £100.00) approved by finance up to £200.00 of exposure until `until`. */
  const withApproval = (until: string) =>
    ({ ...testCustomer('cus_1', { creditLimit: 10_000, riskScore: 10 }), creditApproval: { upTo: 20_000, currency: 'GBP', until, by: 'fiona', at: NOW, orderId: 'ord_0' } }) as StoredCustomer;
  const cash = (id: string, amount: number, currency = 'GBP') => ({ id, source: 'bank' as const, externalId: id, amount, currency, receivedOn: '2026-11-20', customerId: 'cus_1', allocations: [], discounts: [], unapplied: amount, appliedAt: NOW });

  it('takes the customer’s unapplied cash off the exposure: 10,898 − 1,000 = 9,898 within 10,000 → approve', async () => {
    const w = account();
    w.putPayment(cash('pay_1', 1_000));
    expect(await checkCredit({ orderId: 'ord_1' }, w.deps)).toEqual({ decision: 'approve', reason: 'within credit limit' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'approved', exposure: 9_898 });
  });

  it('converts the EUR part with the reference rates: €500.00 open and €70.00 approved at 0.8534 add £426.70 + £59.74 → £595.42 beyond the band → reject', async () => {
    const w = account();
    // 10,898 GBP + (50,000 + 7,000) EUR cents × 0.8534 = 10,898 + 42,670 + 5,974 = 59,542 → far beyond 12,000
    expect(await checkCredit({ orderId: 'ord_1' }, { ...w.deps, referenceRates: rates })).toEqual({ decision: 'reject', reason: 'over credit limit' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ exposure: 59_542 });
    const event = w.state.events.get('ord_1')![0]!;
    expect(event).toMatchObject({ step: 'credit', status: 'rejected' });
  });

  it('an order in a currency without a rate cannot be held against the limit: a person decides', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1', { creditLimit: 1_000_000 }));
    w.putOrder(testOrder('ord_1', 'validated', { currency: 'SEK' }));
    expect(await checkCredit({ orderId: 'ord_1' }, { ...w.deps, referenceRates: rates })).toEqual({ decision: 'hold', reason: 'no credit limit set: needs review' });
  });

  it('approves within finance’s standing approval even over the limit, and not once it has expired', async () => {
    const w = account();
    w.putCustomer(withApproval('2026-11-22'));
    expect(await checkCredit({ orderId: 'ord_1' }, w.deps)).toEqual({ decision: 'approve', reason: 'within the approval of £200.00 until 2026-11-22 by fiona' });
    const later = account();
    later.putCustomer(withApproval('2026-11-21'));
    expect(await checkCredit({ orderId: 'ord_1' }, later.deps)).toEqual({ decision: 'hold', reason: 'over credit limit within the review band' });
  });
});
