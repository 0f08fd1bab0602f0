/**
 * Refunds on DynamoDB Local and over real HTTP:
 * - the order's terminal move and its refund request in one transaction (a
 *   lost order race writes neither; a refund that exists is kept), settled once
 *   even when two deliveries race, the journal entry with it, listed by status;
 * - the Stripe adapter (the real `stripe` package) against the local Stripe
 *   emulator: the same idempotency key twice is one refund there; a refund of a
 *   payment already refunded is `declined` with Stripe's words; a 500 throws;
 * - refund-payment end to end on both: two deliveries, one Stripe refund.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { stripeRefunds } from '../../functions/adapters/stripe-refunds.ts';
import { Keys } from '../../functions/adapters/table-schema.ts';
import { orderId, refundId } from '../../functions/domain/ids.ts';
import { transition } from '../../functions/domain/order.ts';
import { refundOfEndedOrder, settleRefund, refundEntry } from '../../functions/domain/refunds.ts';
import { ConcurrentUpdate } from '../../functions/errors.ts';
import { refundPayment } from '../../functions/use-cases/refund-payment.ts';
import { rejectOrder } from '../../functions/use-cases/reject-order.ts';
import { startLocalStripe, type LocalStripe } from '../../local/stripe.ts';
import { dynamoDeps } from '../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';
import { putOrder, testCustomer, testOrder } from '../support/orders.ts';

const at = '2026-11-22T10:00:00.000Z';
const KEY = 'sk_test_integration';
const ORDER = orderId('stripe', 'acct_1', 'cs_test_int');
const stripeOrder = (status: Parameters<typeof testOrder>[1], paymentIntent = 'pi_int_1') =>
  testOrder(ORDER, status, { source: { platform: 'stripe', externalId: 'cs_test_int', shop: 'acct_1', reference: 'CHK-INT' }, paymentMode: 'prepaid', paymentReference: { paymentIntent } });

let stripe: LocalStripe;
beforeAll(async () => {
  stripe = await startLocalStripe({ secretKey: KEY });
});
afterAll(async () => {
  await stripe?.stop();
});

describe('the Stripe adapter against the local Stripe endpoint (real package, real HTTP)', () => {
  const adapter = () => stripeRefunds({ apiUrl: stripe.url, key: async () => KEY });

  it('makes one refund for the same idempotency key sent twice, and answers both with it', async () => {
    const before = stripe.refunds.length;
    const request = { refundId: 'rf_adapter_1', paymentIntent: 'pi_adapter_1', amount: 3898, currency: 'GBP' };
    const first = await adapter().refund(request);
    const second = await adapter().refund(request);
    expect(first).toEqual({ kind: 'refunded', platformRefundId: expect.stringMatching(/^re_/) });
    expect(second).toEqual(first);
    expect(stripe.refunds.length).toBe(before + 1);
    expect(stripe.refunds.at(-1)).toMatchObject({ object: 'refund', amount: 3898, payment_intent: 'pi_adapter_1', status: 'succeeded', metadata: { o2c_refund_id: 'rf_adapter_1' } });
    // GET /v1/refunds lists it, Stripe-shaped.
    const list = (await (await fetch(`${stripe.url}/v1/refunds?payment_intent=pi_adapter_1`, { headers: { authorization: `Bearer ${KEY}` } })).json()) as any;
    expect(list).toMatchObject({ object: 'list', data: [{ id: first.kind === 'refunded' ? first.platformRefundId : '', object: 'refund' }] });
  });

  it('is declined with Stripe’s words when the payment was refunded already (another key): a 4xx', async () => {
    await adapter().refund({ refundId: 'rf_adapter_2', charge: 'ch_adapter_2', amount: 500, currency: 'GBP' });
    expect(await adapter().refund({ refundId: 'rf_adapter_3', charge: 'ch_adapter_2', amount: 500, currency: 'GBP' })).toEqual({ kind: 'declined', message: 'Charge for ch_adapter_2 has already been refunded.' });
  });

  it('throws on Stripe’s 5xx (SQS retries) and on a wrong key (a fault to fix, not a refusal)', async () => {
    stripe.failNext(5); // more than the package's own retry
    await expect(adapter().refund({ refundId: 'rf_adapter_4', paymentIntent: 'pi_adapter_4', amount: 100, currency: 'GBP' })).rejects.toMatchObject({ statusCode: 500 });
    stripe.failNext(0);
    await expect(stripeRefunds({ apiUrl: stripe.url, key: async () => 'sk_wrong' }).refund({ refundId: 'rf_adapter_5', paymentIntent: 'pi_adapter_5', amount: 100, currency: 'GBP' })).rejects.toMatchObject({ statusCode: 401 });
  });
});

describe('refund requests (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  let world: ReturnType<typeof dynamoDeps>;

  beforeEach(async () => {
    table = await ddb.createTable();
    world = dynamoDeps(table, { now: at });
    world.deps.paymentRefunds = stripeRefunds({ apiUrl: stripe.url, key: async () => KEY });
    const c = testCustomer('cus_1');
    await ddb.doc().send(new PutCommand({ TableName: table, Item: { ...Keys.customer(c.id), type: 'Customer', ...c } }));
  });
  const item = async (key: Record<string, string>) => (await ddb.doc().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

  it('writes the rejection and the refund request in one transaction; a lost order race writes neither', async () => {
    const order = stripeOrder('validated');
    await putOrder(ddb.doc(), table, order);
    const refund = refundOfEndedOrder(order, 'out of stock', at)!;
    const change = transition(order, 'rejected', 'reject', at, { reason: 'out of stock' });
    // Someone moved the order meanwhile (version 1 → 2): nothing of this change is written.
    await ddb.doc().send(new PutCommand({ TableName: table, Item: { ...Keys.order(order.id), ...order, version: 2 } }));
    await expect(world.deps.refundRequests.requestWith(order, change, refund)).rejects.toBeInstanceOf(ConcurrentUpdate);
    expect(await item(Keys.refundRequest(refund.id))).toBeUndefined();

    const fresh = { ...order, version: 2 };
    const moved = await world.deps.refundRequests.requestWith(fresh, change, refund);
    expect(moved).toMatchObject({ status: 'rejected', version: 3 });
    expect(await item(Keys.order(order.id))).toMatchObject({ status: 'rejected', version: 3 });
    expect(await item(Keys.refundRequest(refund.id))).toMatchObject({ id: refundId(order.id), status: 'requested', amount: order.totals.total, gsi1pk: 'REFUNDS#requested' });
    // A refund that exists already is kept; a second request writes nothing.
    expect(await world.deps.refundRequests.request({ ...refund, amount: 1 })).toBe(false);
    expect((await world.deps.refundRequests.get(refund.id))?.amount).toBe(order.totals.total);
  });

  it('settles a refund once: of two racing settlements one wins, its entry is posted once, and it moves to its status partition', async () => {
    const order = stripeOrder('validated');
    await putOrder(ddb.doc(), table, order);
    const requested = { ...refundOfEndedOrder(order, 'cancelled', at)!, cause: 'credit-note' as const, creditNoteNumber: 'CN-2026-000001', invoiceNumber: 'INV-2026-000001' };
    expect(await world.deps.refundRequests.request(requested)).toBe(true);
    const done = settleRefund(requested, { kind: 'refunded', platformRefundId: 're_1' }, at);
    const entry = refundEntry(done, `refund-${done.id}`, '2026-11-22')!;
    const results = await Promise.all([world.deps.refundRequests.settle(requested, done, entry), world.deps.refundRequests.settle(requested, settleRefund(requested, { kind: 'failed', message: 'x' }, at))]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const stored = await world.deps.refundRequests.get(requested.id);
    expect(['refunded', 'failed']).toContain(stored?.status);
    if (stored?.status === 'refunded') expect(await item(Keys.journal(entry.id))).toMatchObject({ reference: `refund:${requested.id}` });
    else expect(await item(Keys.journal(entry.id))).toBeUndefined();
    // Once settled, never again.
    expect(await world.deps.refundRequests.settle(requested, done, entry)).toBe(false);
    expect((await world.deps.refundRequests.withStatus(stored!.status)).map((r) => r.id)).toEqual([requested.id]);
    expect(await world.deps.refundRequests.withStatus('requested')).toEqual([]);
    expect(stored).not.toHaveProperty('gsi1pk');
  });

  it('a rejected prepaid Stripe order is refunded once at Stripe, however often the step and the message run', async () => {
    await putOrder(ddb.doc(), table, stripeOrder('backordered', 'pi_int_once'));
    const input = { orderId: ORDER, validation: { reason: 'out of stock after 24 attempts' } };
    await rejectOrder(input, world.deps);
    await rejectOrder(input, world.deps);
    const before = stripe.refunds.length;
    await Promise.all(world.deps.refundQueue.sent.map((m) => refundPayment(m, world.deps)));
    await refundPayment(world.deps.refundQueue.sent[0]!, world.deps);
    expect(stripe.refunds.length).toBe(before + 1);
    expect(stripe.refunds.at(-1)).toMatchObject({ payment_intent: 'pi_int_once', amount: stripeOrder('backordered').totals.total });
    expect(await world.deps.refundRequests.get(refundId(ORDER))).toMatchObject({ status: 'refunded', platformRefundId: stripe.refunds.at(-1)!.id });
    expect((await world.deps.ledger.movementsAsOf('2026-12-31')).size).toBe(0); // nothing o2c had booked
  });
});
