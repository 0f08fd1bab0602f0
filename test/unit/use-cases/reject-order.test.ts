/** reject-order: the reason by precedence, rejected once, stock back on the shelf, the customer told (key per order). */
import { describe, expect, it } from 'vitest';
import { rejectionReason, rejectOrder, type RejectOrderInput } from '../../../functions/use-cases/reject-order.ts';
import { RejectTaskInput } from '../../../functions/platforms/canonical.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { BOOK, MUG, NOW, world } from './fixtures.ts';

async function given(status: Parameters<typeof testOrder>[1], reserved = true) {
  const w = world();
  w.putCustomer(testCustomer('cus_1'));
  w.putProduct(MUG);
  w.putProduct(BOOK);
  w.putOrder(testOrder('ord_1', status));
  if (reserved) await w.deps.catalog.reserve('ord_1', new Map([['MUG-01', 2], ['BOOK-7', 1]]), NOW);
  return w;
}

const rejectedMail = (reason: string) => ({
  key: 'order-rejected:ord_1',
  to: ['cus_1@example.com'],
  language: 'en',
  subject: 'We cannot fulfil your order PO-ord_1',
  text: `Dear Ada Lovelace,\n\nwe are sorry: we cannot go ahead with your order PO-ord_1 (${reason}). Nothing has been charged on account. Please contact us if you have questions.\n\nExample Trading Ltd`,
});

describe('rejectionReason', () => {
  it.each<[string, RejectOrderInput, string]>([
    ['the review over everything, with finance’s code and note', { orderId: 'o', validation: { reason: 'v' }, credit: { reason: 'c' }, review: { note: 'overdue elsewhere', reason: 'overdue-balance' as const } }, 'credit refused after review (overdue-balance): overdue elsewhere'],
    ['a review without a note', { orderId: 'o', credit: { reason: 'c' }, review: { note: '' } }, 'credit refused after review'],
    ['a review nobody decided in time', { orderId: 'o', credit: { reason: 'c' }, reviewExpired: { Error: 'States.Timeout' } }, 'credit review not decided in time'],
    ['validation’s reason over the credit check’s', { orderId: 'o', validation: { reason: 'unknown SKU X' }, credit: { reason: 'c' } }, 'unknown SKU X'],
    ['the credit check’s reason', { orderId: 'o', credit: { reason: 'over credit limit' } }, 'over credit limit'],
    ['"rejected" when nothing says why', { orderId: 'o' }, 'rejected'],
  ])('gives %s', (_what, input, reason) => {
    expect(rejectionReason(input)).toBe(reason);
  });
});

describe('rejectOrder', () => {
  it('marks the order rejected with the reason, puts the held units back and tells the customer why', async () => {
    const w = await given('validated');
    expect(w.state.products.get('MUG-01')?.onHand).toBe(8);
    expect(await rejectOrder({ orderId: 'ord_1', credit: { reason: 'over credit limit' } }, w.deps)).toEqual({ status: 'rejected', reason: 'over credit limit' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'rejected', reason: 'over credit limit', version: 2 });
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'reject', status: 'rejected', detail: 'over credit limit' }]);
    expect([w.state.products.get('MUG-01')?.onHand, w.state.products.get('BOOK-7')?.onHand]).toEqual([10, 10]);
    expect(w.state.mailbox).toEqual([rejectedMail('we could not approve it on account')]);
  });

  it('after a refused review tells the customer finance’s reason in their words, never finance’s note (which stays on the timeline)', async () => {
    const w = await given('credit_hold');
    expect(await rejectOrder({ orderId: 'ord_1', credit: { reason: 'over credit limit within the review band' }, review: { note: 'owes us elsewhere', reason: 'overdue-balance' } }, w.deps)).toEqual({
      status: 'rejected',
      reason: 'credit refused after review (overdue-balance): owes us elsewhere',
    });
    expect(w.state.mailbox[0]?.text).toContain('(your account has an overdue balance; once it is settled we will gladly accept orders on account again)');
    expect(w.state.mailbox[0]?.text).not.toContain('owes us elsewhere');
  });

  it.each([
    ['sv', { review: { note: 'intern', reason: 'credit-limit' as const } }, '(ordern överstiger den kredit vi för närvarande kan bevilja ert konto)'],
    ['ja', { reviewExpired: { Error: 'States.Timeout' } }, 'ご注文の与信審査を期限内に完了することができませんでした'],
    ['ru', { review: { note: 'intern' } }, 'к сожалению, мы не можем предоставить кредит по этому заказу'],
  ] as const)('tells a %s customer why credit was refused in their language', async (language, why, words) => {
    const w = await given('credit_hold');
    w.putCustomer(testCustomer('cus_1', { language }));
    await rejectOrder({ orderId: 'ord_1', ...why }, w.deps);
    expect(w.state.mailbox[0]?.text).toContain(words);
    expect(w.state.mailbox[0]?.text).not.toContain('intern');
  });

  it('rejects a backordered order out of stock (nothing held) with validation’s reason', async () => {
    const w = await given('backordered', false);
    await rejectOrder({ orderId: 'ord_1', validation: { reason: 'out of stock after 3 attempts' } }, w.deps);
    expect(w.state.orders.get('ord_1')?.status).toBe('rejected');
    expect(w.state.products.get('MUG-01')?.onHand).toBe(10);
  });

  it('a re-run moves nothing, releases nothing twice and queues the same mail key with the reason recorded first', async () => {
    const w = await given('validated');
    await rejectOrder({ orderId: 'ord_1', credit: { reason: 'over credit limit' } }, w.deps);
    expect(await rejectOrder({ orderId: 'ord_1', credit: { reason: 'over credit limit (again)' } }, w.deps)).toEqual({ status: 'rejected', reason: 'over credit limit (again)' });
    expect(w.state.orders.get('ord_1')).toMatchObject({ reason: 'over credit limit', version: 2 });
    expect(w.state.products.get('MUG-01')?.onHand).toBe(10);
    expect(w.state.mailbox).toEqual([rejectedMail('we could not approve it on account'), rejectedMail('we could not approve it on account')]);
  });

  it('tells a Swedish customer why in Swedish: the catalogue problems in their words, their own unit price in Swedish format, never the catalog price, minor units or o2c ids', async () => {
    const w = await given('received', false);
    w.putCustomer(testCustomer('cus_1', { language: 'sv', name: 'Nordisk Design AB' }));
    const problems = [
      { kind: 'not-sold' as const, description: 'Stoneware mug', sku: 'MUG-01' },
      { kind: 'other-price' as const, description: 'Field guide', sku: 'BOOK-7', unitPrice: 123_450, currency: 'SEK' },
    ];
    await rejectOrder({ orderId: 'ord_1', validation: { reason: 'we do not sell …', problems } }, w.deps);
    const mail = w.state.mailbox[0]!;
    expect(mail).toMatchObject({ language: 'sv', subject: 'Vi kan inte leverera din beställning PO-ord_1' });
    expect(mail.text).toContain('(vi säljer inte Stoneware mug (MUG-01); Field guide (BOOK-7) säljs inte för 1\u00a0234,50\u00a0kr per styck; fråga oss om dagens pris)');
    expect(mail.text).toMatch(/^Hej Nordisk Design AB,\n\nVi beklagar/);
    for (const leak of ['123450', '899', 'cus_1', 'we do not sell']) expect(mail.text).not.toContain(leak);
  });

  it('gets the problems through the handler\'s input schema as validate-order returned them (the workflow passes them on)', async () => {
    const w = await given('received', false);
    const problems = [{ kind: 'other-currency', description: 'Stoneware mug', sku: 'MUG-01', soldIn: 'EUR', orderedIn: 'GBP' }];
    const input = RejectTaskInput.parse({ orderId: 'ord_1', validation: { outcome: 'invalid', reason: 'Stoneware mug (MUG-01) is sold in EUR, not GBP', problems } });
    expect(input.validation?.problems).toEqual(problems);
    await rejectOrder(input, w.deps);
    expect(w.state.mailbox[0]!.text).toContain('(Stoneware mug (MUG-01) is sold in EUR, not GBP)');
    expect(() => RejectTaskInput.parse({ orderId: 'ord_1', validation: { problems: [{ kind: 'other-price', description: 'x', sku: 'y', unitPrice: 1.5, currency: 'GBP' }] } })).toThrow();
  });

  it.each<[string, RejectOrderInput, string]>([
    ['the warehouse refused', { orderId: 'ord_1', warehouse: { Error: 'FulfilmentFailed', Cause: 'address on the sanctions list' } }, '(den kunde inte skickas från vårt lager)'],
    ['a backorder gave up', { orderId: 'ord_1', validation: { reason: 'some items stayed out of stock for too long' } }, '(några artiklar har varit slut i lager för länge)'],
    ['credit refused', { orderId: 'ord_1', credit: { reason: 'over credit limit' } }, '(vi kunde inte bevilja kredit för beställningen)'],
    ['a review refused with a reason code (finance’s note stays internal)', { orderId: 'ord_1', review: { note: 'sanctions list hit', reason: 'prepayment-required' as const } }, '(vi kan endast ta emot denna order mot förskottsbetalning)'],
  ])('words %s in the customer’s language, never the internal reason', async (_what, input, words) => {
    const w = await given('validated');
    w.putCustomer(testCustomer('cus_1', { language: 'sv' }));
    await rejectOrder(input, w.deps);
    expect(w.state.mailbox[0]!.text).toContain(words);
    expect(w.state.mailbox[0]!.text).not.toMatch(/sanctions|over credit limit|out of stock/);
  });

  it('throws OrderNotFound for an unknown order', async () => {
    await expect(rejectOrder({ orderId: 'ord_nope' }, world().deps)).rejects.toMatchObject({ name: 'OrderNotFound' });
  });
});
