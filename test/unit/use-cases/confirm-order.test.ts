/** confirm-order: approved → confirmed (released from hold first), and the customer told once per order key. */
import { describe, expect, it } from 'vitest';
import { confirmOrder } from '../../../functions/use-cases/confirm-order.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { NOW, stepsOf, world } from './fixtures.ts';

const CONFIRMATION = {
  key: 'order-confirmed:ord_1',
  to: ['cus_1@example.com'],
  language: 'en',
  subject: 'Order confirmed: PO-ord_1',
  text: [
    'Dear Ada Lovelace,',
    '',
    'thank you for your order PO-ord_1. We have confirmed it and will let you know when it ships.',
    '',
    '  2 × Stoneware mug (MUG-01)  £20.00',
    '  1 × Field guide (BOOK-7)  £8.99',
    '',
    'Total £38.98 (including tax £5.00)',
    '',
    'Example Trading Ltd',
  ].join('\n'),
};

function given(status: Parameters<typeof testOrder>[1]) {
  const w = world();
  w.putCustomer(testCustomer('cus_1'));
  w.putOrder(testOrder('ord_1', status));
  return w;
}

describe('confirmOrder', () => {
  it('confirms an approved order and queues the confirmation with the lines and totals', async () => {
    const w = given('approved');
    expect(await confirmOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ status: 'confirmed' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'confirmed', version: 2 });
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'confirm', status: 'confirmed' }]);
    expect(w.state.mailbox).toEqual([CONFIRMATION]);
  });

  it('confirms without an email when the seller does not have confirmations emailed (customerEmails)', async () => {
    const w = given('approved');
    expect(await confirmOrder({ orderId: 'ord_1' }, { ...w.deps, customerEmails: ['invoice'] })).toEqual({ status: 'confirmed' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'confirmed' });
    expect(w.state.mailbox).toEqual([]);
    await confirmOrder({ orderId: 'ord_1' }, { ...w.deps, customerEmails: ['confirmation'] });
    expect(w.state.mailbox).toEqual([CONFIRMATION]);
  });

  it('a re-run moves nothing and queues the same mail key (the sender sends it once)', async () => {
    const w = given('approved');
    await confirmOrder({ orderId: 'ord_1' }, w.deps);
    expect(await confirmOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ status: 'confirmed' });
    expect(w.state.orders.get('ord_1')?.version).toBe(2);
    expect(w.state.mailbox).toEqual([CONFIRMATION, CONFIRMATION]);
  });

  it('releases an order from credit hold once finance approved, then confirms it', async () => {
    const w = given('credit_hold');
    expect(await confirmOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ status: 'confirmed' });
    expect(w.state.events.get('ord_1')).toEqual([
      { at: NOW, step: 'credit', status: 'approved', detail: 'released from hold' },
      { at: NOW, step: 'confirm', status: 'confirmed' },
    ]);
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'confirmed', reason: 'approved by finance', version: 3 });
  });

  it('confirms without an email when o2c has no record of the customer', async () => {
    const w = world();
    w.putOrder(testOrder('ord_1', 'approved'));
    expect(await confirmOrder({ orderId: 'ord_1' }, w.deps)).toEqual({ status: 'confirmed' });
    expect(stepsOf(w, 'ord_1')).toEqual(['confirm']);
    expect(w.state.mailbox).toEqual([]);
  });

  it('throws OrderNotFound for an unknown order', async () => {
    await expect(confirmOrder({ orderId: 'ord_nope' }, world().deps)).rejects.toMatchObject({ name: 'OrderNotFound' });
  });
});
