/** request-credit-review: keep the wait's token with the order and ask finance, once per order. */
import { describe, expect, it } from 'vitest';
import { requestCreditReview } from '../../../functions/use-cases/request-credit-review.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { invoiceFor, NOW, TODAY, world } from './fixtures.ts';

const onHold = () => {
  const w = world();
  w.putOrder(testOrder('ord_1', 'credit_hold', { reason: 'over credit limit within the review band' }));
  return w;
};

describe('requestCreditReview', () => {
  it('keeps the token with the order and emails finance the customer, the limit, each part of the exposure, the history and how to decide', async () => {
    const w = onHold();
    w.putCustomer(testCustomer('cus_1', { creditLimit: 10_000, riskScore: 10 }));
    w.putInvoice({ ...invoiceFor(testOrder('ord_a', 'invoiced'), { sequence: 1, balance: 5_000 }), disputed: 1_000 }); // open, £10.00 of it disputed
    w.putInvoice(invoiceFor(testOrder('ord_e', 'invoiced', { currency: 'EUR' }), { sequence: 2, balance: 10_000 })); // €100.00 → £85.34
    w.putPayment({ id: 'pay_1', source: 'bank', externalId: 'b1', amount: 2_000, currency: 'GBP', receivedOn: TODAY, customerId: 'cus_1', allocations: [], discounts: [], unapplied: 2_000, appliedAt: NOW });
    await requestCreditReview({ orderId: 'ord_1', taskToken: 'tok-cr' }, { ...w.deps, referenceRates: { on: '2026-11-21', base: 'EUR', rates: { GBP: '0.8534' } } });
    expect(w.tokenOf('ord_1', 'credit-review')).toBe('tok-cr');
    expect(w.state.waits.get('ord_1|credit-review')).toEqual({ taskToken: 'tok-cr', storedAt: NOW });
    expect(w.state.mailbox).toHaveLength(1);
    expect(w.state.mailbox[0]).toMatchObject({ key: 'credit-review:ord_1', to: ['finance@example.com'], subject: 'Credit review needed: order PO-ord_1 (£38.98)' });
    // 50.00 + 85.34 open, 38.98 this order, 20.00 unapplied: 154.32 of 100.00 → 54.32 over
    expect(w.state.mailbox[0]!.text).toBe(
      [
        'Order ord_1 (api PO-ord_1) for £38.98 is on credit hold: over credit limit within the review band.',
        '',
        'Customer: Ada Lovelace (cus_1, cus_1@example.com), credit limit £100.00.',
        '',
        'Exposure with this order:',
        '  open invoices                 £135.34',
        '    of which disputed            £10.00',
        '  approved orders not invoiced    £0.00',
        '  this order                     £38.98',
        '  unapplied cash (less)          £20.00',
        '  exposure                      £154.32',
        '  left within the limit         -£54.32',
        'Other currencies (reference rates of 2026-11-21):',
        '  €100.00 at 0.8534 = £85.34',
        '',
        'Payment history: no invoice paid yet (2 issued, 2 open, 0 overdue).',
        '',
        'Decide with POST /finance/orders/ord_1/credit-decision, or the CLI:',
        '  approve this order only            npm run o2c -- credit decide ord_1 approve',
        '  approve it and later orders        npm run o2c -- credit decide ord_1 approve --up-to <exposure> --until <YYYY-MM-DD>',
        '  reject (the customer is told why)  npm run o2c -- credit decide ord_1 reject --reason credit-limit|overdue-balance|credit-history|prepayment-required',
        '  see it all again                   npm run o2c -- credit show ord_1',
      ].join('\n'),
    );
    expect(w.state.orders.get('ord_1')?.version).toBe(1);
  });

  it('after the first review timed out asks the second approvers, under a mail key of its own, and the new token answers', async () => {
    const w = onHold();
    await requestCreditReview({ orderId: 'ord_1', taskToken: 'tok-1' }, w.deps);
    await requestCreditReview({ orderId: 'ord_1', taskToken: 'tok-2', escalated: true }, { ...w.deps, secondApprovers: ['cfo@example.com'] });
    expect(w.tokenOf('ord_1', 'credit-review')).toBe('tok-2');
    expect(w.state.mailbox.map((m) => [m.key, m.to, m.subject])).toEqual([
      ['credit-review:ord_1', ['finance@example.com'], 'Credit review needed: order PO-ord_1 (£38.98)'],
      ['credit-review-escalated:ord_1', ['cfo@example.com'], 'Second approval needed: order PO-ord_1 (£38.98)'],
    ]);
    expect(w.state.mailbox[1]!.text.split('\n')[0]).toBe('The first review of this order was not decided in time; you are the second approver. If nobody decides, the order is rejected and its stock released.');
  });

  it('on a redelivered wait keeps the newest token and queues the same mail key (finance is asked once)', async () => {
    const w = onHold();
    await requestCreditReview({ orderId: 'ord_1', taskToken: 'tok-1' }, w.deps);
    await requestCreditReview({ orderId: 'ord_1', taskToken: 'tok-2' }, w.deps);
    expect(w.tokenOf('ord_1', 'credit-review')).toBe('tok-2');
    expect(w.state.mailbox.map((m) => m.key)).toEqual(['credit-review:ord_1', 'credit-review:ord_1']);
  });

  it('uses the external id and "needs review" when the order has no reference or reason', async () => {
    const w = world();
    const order = testOrder('ord_1', 'credit_hold');
    w.putOrder({ ...order, source: { platform: 'shopify', externalId: '1001', shop: 's' } });
    await requestCreditReview({ orderId: 'ord_1', taskToken: 't' }, w.deps);
    expect(w.state.mailbox[0]).toMatchObject({ subject: 'Credit review needed: order ord_1 (£38.98)' });
    expect(w.state.mailbox[0]!.text.split('\n')[0]).toBe('Order ord_1 (shopify 1001) for £38.98 is on credit hold: needs review.');
  });

  it('throws OrderNotFound for an unknown order and keeps no token', async () => {
    const w = world();
    await expect(requestCreditReview({ orderId: 'ord_nope', taskToken: 't' }, w.deps)).rejects.toMatchObject({ name: 'OrderNotFound' });
    expect(w.state.tokens.size).toBe(0);
    expect(w.state.mailbox).toEqual([]);
  });
});
