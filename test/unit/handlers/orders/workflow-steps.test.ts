/**
 * The order's workflow steps with mocked AWS clients: what each writes, which
 * mail it queues (with a stable key, so a re-run never emails twice), and that
 * re-runs do not move the order again.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MailMessage } from '../../../../functions/adapters/mail-message.ts';
import { Keys } from '../../../../functions/adapters/table-schema.ts';
import { testCustomer } from '../../../support/orders.ts';
import { orderItem, setTestEnv } from './support.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
let h: {
  credit: typeof import('../../../../functions/handlers/check-credit.ts');
  review: typeof import('../../../../functions/handlers/request-credit-review.ts');
  confirm: typeof import('../../../../functions/handlers/confirm-order.ts');
  fulfil: typeof import('../../../../functions/handlers/fulfil-order.ts');
  ship: typeof import('../../../../functions/handlers/ship-order.ts');
  reject: typeof import('../../../../functions/handlers/reject-order.ts');
  catalog: typeof import('../../../../functions/adapters/catalog.ts');
  orders: typeof import('../../../../functions/adapters/orders.ts');
};

const customer = testCustomer('cus_1', { creditLimit: 10_000, riskScore: 10 });
const givenOrder = (status: Parameters<typeof orderItem>[1], extra: Parameters<typeof orderItem>[2] = {}) =>
  ddb.on(GetCommand, { Key: Keys.order('ord_1') }).resolves({ Item: orderItem('ord_1', status, extra) });
const mails = () => sqs.commandCalls(SendMessageCommand).map((c) => JSON.parse(c.args[0].input.MessageBody!) as MailMessage);
/** The statuses the order was moved to, in order (read from the versioned updates of the order item). */
const moves = () =>
  ddb
    .commandCalls(TransactWriteCommand)
    .flatMap((c) => c.args[0].input.TransactItems!)
    .flatMap((i) => {
      const u = i.Update;
      if (u?.Key?.sk !== 'ORDER') return [];
      const [name] = Object.entries(u.ExpressionAttributeNames!).find(([, v]) => v === 'status')!;
      return [u.ExpressionAttributeValues![`:${name.slice(1)}`] as string];
    });

beforeAll(async () => {
  setTestEnv();
  h = {
    credit: await import('../../../../functions/handlers/check-credit.ts'),
    review: await import('../../../../functions/handlers/request-credit-review.ts'),
    confirm: await import('../../../../functions/handlers/confirm-order.ts'),
    fulfil: await import('../../../../functions/handlers/fulfil-order.ts'),
    ship: await import('../../../../functions/handlers/ship-order.ts'),
    reject: await import('../../../../functions/handlers/reject-order.ts'),
    catalog: await import('../../../../functions/adapters/catalog.ts'),
    orders: await import('../../../../functions/adapters/orders.ts'),
  };
});

beforeEach(() => {
  ddb.reset();
  sqs.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(GetCommand, { Key: Keys.customer('cus_1') }).resolves({ Item: { ...Keys.customer('cus_1'), type: 'Customer', ...customer } });
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(BatchGetCommand).resolves({ Responses: { 'o2c-test': [] } });
  ddb.on(TransactWriteCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(UpdateCommand).resolves({});
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
});

describe('check-credit', () => {
  it('approves a prepaid order without reading the customer’s exposure', async () => {
    givenOrder('validated', { paymentMode: 'prepaid' });
    expect(await h.credit.checkCredit({ orderId: 'ord_1' })).toEqual({ decision: 'approve', reason: 'paid at checkout' });
    expect(ddb.commandCalls(QueryCommand)).toHaveLength(0);
    expect(moves()).toEqual(['approved']);
  });

  it('counts open invoices and approved orders (not this one, not paid invoices) against the limit', async () => {
    givenOrder('validated'); // total 3,898
    ddb.on(QueryCommand, { IndexName: 'gsi1' }).resolves({
      Items: [
        { type: 'Invoice', currency: 'GBP', balance: 4_000 },
        { type: 'Invoice', currency: 'GBP', balance: 0 },
        { type: 'Invoice', currency: 'EUR', balance: 50_000 },
        { type: 'Order', id: 'ord_2', currency: 'GBP', status: 'confirmed', totals: { total: 3_000 } },
        { type: 'Order', id: 'ord_3', currency: 'GBP', status: 'invoiced', totals: { total: 9_999 } },
        { type: 'Order', id: 'ord_1', currency: 'GBP', status: 'validated', totals: { total: 3_898 } },
      ],
    });
    // exposure 4,000 + 3,000 + 3,898 = 10,898 (the EUR invoice is not in the GBP limit): over 10,000, within the 20 % review band
    expect(await h.credit.checkCredit({ orderId: 'ord_1' })).toEqual({ decision: 'hold', reason: 'over credit limit within the review band' });
    expect(moves()).toEqual(['credit_hold']);
  });

  it('returns the decision already made on a re-run, writing nothing', async () => {
    givenOrder('credit_hold', { reason: 'over credit limit within the review band' });
    expect(await h.credit.checkCredit({ orderId: 'ord_1' })).toMatchObject({ decision: 'hold' });
    expect(ddb.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('request-credit-review', () => {
  it('keeps the token with the order and asks finance, with the decision path', async () => {
    givenOrder('credit_hold', { reason: 'over credit limit within the review band' });
    await h.review.requestCreditReview({ orderId: 'ord_1', taskToken: 'tok-cr' });
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ ...Keys.taskToken('ord_1', 'credit-review'), taskToken: 'tok-cr' });
    const [mail] = mails();
    expect(mail).toMatchObject({ key: 'credit-review:ord_1', to: ['finance@example.com'] });
    expect(mail!.text).toContain('POST /finance/orders/ord_1/credit-decision');
  });
});

describe('confirm-order', () => {
  it('confirms and tells the customer; a re-run queues the same mail key and moves nothing', async () => {
    givenOrder('approved');
    expect(await h.confirm.confirmOrder({ orderId: 'ord_1' })).toEqual({ status: 'confirmed' });
    expect(moves()).toEqual(['confirmed']);
    givenOrder('confirmed');
    await h.confirm.confirmOrder({ orderId: 'ord_1' });
    expect(moves()).toEqual(['confirmed']);
    expect(mails().map((m) => [m.key, m.to])).toEqual([
      ['order-confirmed:ord_1', [customer.email]],
      ['order-confirmed:ord_1', [customer.email]],
    ]);
  });

  it('releases an order from credit hold once finance approved', async () => {
    givenOrder('credit_hold');
    await h.confirm.confirmOrder({ orderId: 'ord_1' });
    expect(moves()).toEqual(['approved', 'confirmed']);
  });
});

describe('fulfil-order', () => {
  it('chooses the carrier, keeps the token with the choice, and moves the order to fulfilling', async () => {
    givenOrder('confirmed');
    ddb.on(BatchGetCommand).resolves({ Responses: { 'o2c-test': [{ sku: 'MUG-01', weightGrams: 400 }, { sku: 'BOOK-7', weightGrams: 400 }] } });
    await h.fulfil.fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f' });
    const token = ddb.commandCalls(PutCommand)[0]!.args[0].input.Item!;
    expect(token).toMatchObject({ ...Keys.taskToken('ord_1', 'fulfilment'), taskToken: 'tok-f', carrier: { carrier: 'Royal Mail', service: 'Tracked 48', weightGrams: 1_200, meetsPromise: true } });
    expect(moves()).toEqual(['fulfilling']);
  });

  it('on redelivery keeps the newest token and does not move the order again', async () => {
    givenOrder('fulfilling');
    await h.fulfil.fulfilOrder({ orderId: 'ord_1', taskToken: 'tok-f2' });
    expect(ddb.commandCalls(PutCommand)[0]!.args[0].input.Item).toMatchObject({ taskToken: 'tok-f2' });
    expect(moves()).toEqual([]);
  });
});

describe('ship-order and reject-order', () => {
  const shipment = { carrier: 'DPD', service: 'Next Day', trackingNumber: '1Z999', shippedAt: '2026-11-22T09:00:00Z' };
  const held = { Items: [{ sku: 'MUG-01', quantity: 2, state: 'held' }] };

  it('ship-order records the shipment, lets the reserved units go with it, and mails the tracking number', async () => {
    givenOrder('fulfilling');
    ddb.on(QueryCommand).resolves(held);
    expect(await h.ship.shipOrder({ orderId: 'ord_1', shipment })).toEqual({ status: 'shipped' });
    expect(moves()).toEqual(['shipped']);
    const settle = ddb.commandCalls(TransactWriteCommand)[1]!.args[0].input.TransactItems!;
    expect(settle.map((i) => i.Update!.Key)).toEqual([Keys.reservation('ord_1', 'MUG-01')]); // stock was taken at reservation
    expect(mails()[0]).toMatchObject({ key: 'order-shipped:ord_1', to: [customer.email] });
    expect(mails()[0]!.text).toContain('1Z999');
  });

  it('reject-order marks the order rejected, puts held units back and tells the customer why', async () => {
    givenOrder('backordered');
    ddb.on(QueryCommand).resolves(held);
    expect(await h.reject.rejectOrder({ orderId: 'ord_1', validation: { reason: 'out of stock after 24 attempts' } })).toEqual({
      status: 'rejected',
      reason: 'out of stock after 24 attempts',
    });
    expect(moves()).toEqual(['rejected']);
    const release = ddb.commandCalls(TransactWriteCommand)[1]!.args[0].input.TransactItems!;
    expect(release.map((i) => i.Update!.Key)).toEqual([Keys.reservation('ord_1', 'MUG-01'), Keys.product('MUG-01')]);
    expect(mails()[0]).toMatchObject({ key: 'order-rejected:ord_1', to: [customer.email] });
    expect(mails()[0]!.text).toContain('out of stock after 24 attempts');
  });

  it('reject-order after a refused review gives finance’s note as the reason', async () => {
    givenOrder('credit_hold');
    expect(await h.reject.rejectOrder({ orderId: 'ord_1', credit: { reason: 'over credit limit within the review band' }, review: { note: 'overdue elsewhere' } })).toMatchObject({
      reason: 'overdue elsewhere',
    });
  });
});

describe('conflicting transactions', () => {
  const conflict = () => Object.assign(new Error('Transaction cancelled'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }] });

  it('report a TransactionConflict as ConcurrentUpdate, which the workflow retries', async () => {
    ddb.on(TransactWriteCommand).rejects(conflict());
    await expect(h.orders.transitionOrder(orderItem('ord_1', 'received'), 'validated', 'validate')).rejects.toMatchObject({ name: 'ConcurrentUpdate' });
    await expect(h.catalog.reserveStock('ord_1', new Map([['MUG-01', 1]]))).rejects.toMatchObject({ name: 'ConcurrentUpdate' });
    ddb.on(QueryCommand).resolves({ Items: [{ sku: 'MUG-01', quantity: 1, state: 'held' }] });
    await expect(h.catalog.releaseStock('ord_1')).rejects.toMatchObject({ name: 'ConcurrentUpdate' });
  });
});
