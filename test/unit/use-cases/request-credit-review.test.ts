/** request-credit-review: keep the wait's token with the order and ask finance, once per order. */
import { describe, expect, it } from 'vitest';
import { requestCreditReview } from '../../../functions/use-cases/request-credit-review.ts';
import { testOrder } from '../../support/orders.ts';
import { NOW, world } from './fixtures.ts';

const onHold = () => {
  const w = world();
  w.putOrder(testOrder('ord_1', 'credit_hold', { reason: 'over credit limit within the review band' }));
  return w;
};

describe('requestCreditReview', () => {
  it('keeps the token with the order and emails finance what to decide and where to post the decision', async () => {
    const w = onHold();
    await requestCreditReview({ orderId: 'ord_1', taskToken: 'tok-cr' }, w.deps);
    expect(w.tokenOf('ord_1', 'credit-review')).toBe('tok-cr');
    expect(w.state.waits.get('ord_1|credit-review')).toEqual({ taskToken: 'tok-cr', storedAt: NOW });
    expect(w.state.mailbox).toEqual([
      {
        key: 'credit-review:ord_1',
        to: ['finance@example.com'],
        subject: 'Credit review needed: order PO-ord_1 (£38.98)',
        text: [
          'Order ord_1 (api PO-ord_1) for £38.98 is on credit hold: over credit limit within the review band.',
          '',
          'Decide with: POST /finance/orders/ord_1/credit-decision  {"decision": "approve" | "reject", "note": "..."}',
        ].join('\n'),
      },
    ]);
    expect(w.state.orders.get('ord_1')?.version).toBe(1);
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
