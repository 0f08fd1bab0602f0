/**
 * Platform webhooks through the intake handler with mocked AWS clients: what
 * each platform gets back, and that nothing a client can send produces a 5xx
 * or writes anything unless it is a valid, signed order.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { StopExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import Stripe from 'stripe';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { base64Hmac, fixture } from '../platforms/support.ts';
import { apiEvent } from '../../support/api-event.ts';
import { setTestBindings } from '../../support/bindings.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const sfn = mockClient(SFNClient);
const SHOPIFY = 'shopify-secret';
const WOO = 'woo-secret';
const STRIPE = 'whsec_stripe_secret';
let intake: typeof import('../../../functions/handlers/intake.ts').intake;
let runRoute: typeof import('../../../functions/runtime/http.ts').runRoute;

beforeAll(async () => {
  setTestBindings({
    ORDERS_QUEUE_URL: 'q/orders',
    PAYMENTS_QUEUE_URL: 'q/payments',
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:000000000000:stateMachine:o2c',
    O2C_SHOPIFY_WEBHOOK_SECRET: `new-secret,${SHOPIFY}`,
    O2C_WOOCOMMERCE_WEBHOOK_SECRET: WOO,
    O2C_STRIPE_WEBHOOK_SECRET: STRIPE,
  });
  ({ intake } = await import('../../../functions/handlers/intake.ts'));
  ({ runRoute } = await import('../../../functions/runtime/http.ts'));
});

beforeEach(() => {
  ddb.reset();
  sqs.reset();
  sfn.reset();
  ddb.on(GetCommand).resolves({});
  ddb.on(PutCommand).resolves({});
  ddb.on(TransactWriteCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
  sfn.on(StopExecutionCommand).resolves({});
});

const writes = () =>
  ddb.commandCalls(TransactWriteCommand).length + ddb.commandCalls(PutCommand).length + ddb.commandCalls(UpdateCommand).length + sqs.commandCalls(SendMessageCommand).length;
const call = (routeKey: string, body: string, headers: Record<string, string>) => runRoute(intake as never, apiEvent(routeKey, body, { headers }));
const shopify = (body: string, topic = 'orders/create', secret = SHOPIFY) =>
  call('POST /webhooks/shopify', body, { 'x-shopify-hmac-sha256': base64Hmac(secret, body), 'x-shopify-topic': topic, 'x-shopify-shop-domain': 'o2c-demo.myshopify.com' });
const stripeHeader = (payload: string, timestamp = Math.floor(Date.parse('2026-11-22T10:00:00Z') / 1000)) =>
  new Stripe('sk_test_x').webhooks.generateTestHeaderString({ payload, secret: STRIPE, timestamp });

describe('webhooks through intake', () => {
  it('accepts a signed Shopify order: 202 with the order id, one order write, one queue message', async () => {
    const res = await shopify(fixture('shopify/orders-paid-gbp.json'), 'orders/paid');
    expect(res.statusCode).toBe(202);
    const order = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!.map((i) => i.Put?.Item).find((i) => i?.type === 'Order')!;
    expect(order).toMatchObject({ paymentMode: 'prepaid', currency: 'GBP', source: { platform: 'shopify', shop: 'o2c-demo.myshopify.com', externalId: '5630029709369', reference: '#1042' }, totals: { total: 3949, tax: 550 } });
    expect(JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!)).toEqual({ orderId: JSON.parse(res.body!).orderId });
  });

  it('stops the workflow and releases stock when Shopify cancels an order that has not shipped', async () => {
    ddb.on(GetCommand).callsFake((input: { Key: { pk: string } }) =>
      input.Key.pk.startsWith('ORDER#') ? { Item: { id: 'ord_x', status: 'fulfilling', version: 3, customerId: 'c' } } : {},
    );
    const res = await shopify(fixture('shopify/orders-cancelled.json'), 'orders/cancelled');
    expect(res.statusCode).toBe(202);
    expect(sfn.commandCalls(StopExecutionCommand)[0]!.args[0].input).toMatchObject({ error: 'OrderCancelled', cause: 'customer' });
    const update = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems![0]!.Update!;
    expect(update.ExpressionAttributeValues).toMatchObject({ ':v': 3 });
    expect(Object.values(update.ExpressionAttributeValues!)).toContain('cancelled');
  });

  describe('orders/paid after orders/create (another topic, later)', () => {
    const duplicate = (order: Record<string, unknown>) => {
      ddb.on(TransactWriteCommand).rejectsOnce(Object.assign(new Error('exists'), { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ConditionalCheckFailed' }] })).resolves({});
      ddb.on(GetCommand).callsFake((input: { Key: { pk: string } }) =>
        input.Key.pk.startsWith('SOURCE#') ? { Item: { orderId: 'ord_1' } } : input.Key.pk.startsWith('ORDER#') ? { Item: { id: 'ord_1', version: 2, ...order } } : { Item: { pk: 'x' } },
      );
      ddb.on(UpdateCommand).resolves({});
    };

    it('turns an order on terms, not invoiced yet, into a paid one', async () => {
      duplicate({ status: 'validated', paymentMode: 'terms' });
      expect((await shopify(fixture('shopify/orders-paid-gbp.json'), 'orders/paid')).statusCode).toBe(202);
      // What the change is (prepaid, versioned) is use-cases/mark-order-paid's test; here: the order item is written, no payment queued.
      expect(ddb.commandCalls(TransactWriteCommand).flatMap((c) => c.args[0].input.TransactItems!).some((i) => i.Update?.Key?.sk === 'ORDER')).toBe(true);
      expect(sqs.commandCalls(SendMessageCommand).map((c) => JSON.parse(c.args[0].input.MessageBody!)).some((m) => m.source === 'shopify')).toBe(false);
    });

    it('pays the invoice when the order was invoiced already', async () => {
      duplicate({ status: 'invoiced', paymentMode: 'terms', invoiceNumber: 'INV-2026-000009' });
      expect((await shopify(fixture('shopify/orders-paid-gbp.json'), 'orders/paid')).statusCode).toBe(202);
      const payment = sqs.commandCalls(SendMessageCommand).map((c) => JSON.parse(c.args[0].input.MessageBody!)).find((m) => m.source === 'shopify');
      expect(payment).toMatchObject({ source: 'shopify', externalId: '5630029709369:paid', amount: 3949, currency: 'GBP', remittance: 'INV-2026-000009' });
      expect(ddb.commandCalls(TransactWriteCommand).flatMap((c) => c.args[0].input.TransactItems!).some((i) => i.Update?.Key?.sk === 'ORDER')).toBe(false);
      expect(ddb.commandCalls(UpdateCommand).some((c) => c.args[0].input.Key?.sk === 'ORDER')).toBe(false);
    });
  });

  it('answers the WooCommerce ping, and 200 for topics o2c ignores', async () => {
    expect((await call('POST /webhooks/woocommerce', 'webhook_id=42', { 'content-type': 'application/x-www-form-urlencoded' })).statusCode).toBe(200);
    const body = fixture('woocommerce/order-created-paid.json');
    const ignored = await call('POST /webhooks/woocommerce', body, { 'x-wc-webhook-signature': base64Hmac(WOO, body), 'x-wc-webhook-topic': 'coupon.created', 'x-wc-webhook-source': 'https://shop.example/' });
    expect(ignored.statusCode).toBe(200);
    expect(JSON.parse(ignored.body!)).toMatchObject({ topic: 'coupon.created' });
    expect(writes()).toBe(0);
  });

  it('queues a Stripe invoice payment with a deterministic id; refuses a stale signature with 401', async () => {
    const body = fixture('stripe/payment-intent-succeeded.json');
    const res = await call('POST /webhooks/stripe', body, { 'stripe-signature': stripeHeader(body) });
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.MessageBody!)).toMatchObject({ source: 'stripe', externalId: 'pi_3QxInvoice', amount: 3898, remittance: 'INV-2026-000007' });
    sqs.reset();
    const stale = await call('POST /webhooks/stripe', body, { 'stripe-signature': stripeHeader(body, Math.floor(Date.parse('2026-11-22T09:54:00Z') / 1000)) });
    expect(stale.statusCode).toBe(401);
    expect(JSON.parse(stale.body!).message).toMatch(/300 s/);
    expect(writes()).toBe(0);
  });

  it.each([
    ['a missing signature', () => call('POST /webhooks/shopify', fixture('shopify/orders-paid-gbp.json'), { 'x-shopify-topic': 'orders/paid', 'x-shopify-shop-domain': 's' }), 401],
    ['a signature by another secret', () => shopify(fixture('shopify/orders-paid-gbp.json'), 'orders/paid', 'other'), 401],
    ['a signed body that is not JSON', () => shopify('{"id": 1,', 'orders/create'), 400],
    ['signed JSON that is not an order', () => shopify(JSON.stringify({ id: 1, name: '#1', line_items: [{ quantity: 0 }] }), 'orders/create'), 422],
    ['a body over 1 MiB', () => shopify(`{"pad":"${'x'.repeat(1024 * 1024)}"}`, 'orders/create'), 413],
  ])('answers %s with the right 4xx and writes nothing', async (_what, send, status) => {
    const res = await send();
    expect(res.statusCode).toBe(status);
    expect(writes()).toBe(0);
  });

  it('lists the field paths of a schema failure', async () => {
    const res = await shopify(JSON.stringify({ id: 1, name: '#1', currency: 'GBP', total_price: '1.00', line_items: [{ id: 1, title: 'x', quantity: 0, price: '1.00' }] }));
    expect(res.statusCode).toBe(422);
    expect((JSON.parse(res.body!).issues as { path: string }[]).map((i) => i.path)).toContain('line_items.0.quantity');
  });

  it('property: 10,000 malformed or mutated requests get no 5xx and write nothing', async () => {
    const valid = [
      { route: 'POST /webhooks/shopify', body: fixture('shopify/orders-paid-gbp.json') },
      { route: 'POST /webhooks/woocommerce', body: fixture('woocommerce/order-created-paid.json') },
      { route: 'POST /webhooks/stripe', body: fixture('stripe/checkout-session-completed-gbp.json') },
      { route: 'POST /orders', body: JSON.stringify({ externalId: 'P1', customer: { email: 'a@b.co', name: 'A' }, currency: 'GBP', paymentMode: 'terms', shippingAddress: { line1: 'x', city: 'y', country: 'GB' }, lines: [{ sku: 'S', description: 'd', quantity: 1, unitPrice: 100, taxRatePpm: 0 }] }) },
    ];
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('bytes' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
      fc.record({ kind: fc.constant('json' as const), value: fc.jsonValue() }),
      fc.record({ kind: fc.constant('junk' as const), value: fc.string({ maxLength: 200 }) }),
    );
    const headerPlay = fc.record({ signature: fc.oneof(fc.constant('none'), fc.constant('valid'), fc.constant('random')), topic: fc.constantFrom('orders/create', 'orders/paid', 'orders/cancelled', 'order.created', 'order.updated', 'nonsense', '') });
    const apply = (body: string, m: fc.Arbitrary<unknown> extends never ? never : any) => {
      if (m.kind === 'bytes') {
        const b = Buffer.from(body);
        b[m.at % b.length] = m.value;
        return b.toString('utf8');
      }
      if (m.kind === 'truncate') return body.slice(0, m.at % body.length);
      if (m.kind === 'json') return JSON.stringify(m.value) ?? 'null';
      return m.value;
    };
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...valid), mutation, headerPlay, async (v, m, h) => {
        const body = apply(v.body, m);
        const sig = (secret: string, enc: 'base64' | 'stripe') =>
          h.signature === 'none' ? undefined : h.signature === 'random' ? 'Zm9vYmFy' : enc === 'stripe' ? stripeHeader(body) : base64Hmac(secret, body);
        const headers: Record<string, string> = { 'x-api-key': 'test-key', 'x-shopify-topic': h.topic, 'x-shopify-shop-domain': 'shop', 'x-wc-webhook-topic': h.topic, 'x-wc-webhook-source': 'https://s/' };
        const s1 = sig(SHOPIFY, 'base64');
        const s2 = sig(WOO, 'base64');
        const s3 = sig(STRIPE, 'stripe');
        if (s1) headers['x-shopify-hmac-sha256'] = s1;
        if (s2) headers['x-wc-webhook-signature'] = s2;
        if (s3) headers['stripe-signature'] = s3;
        const before = writes();
        const res = await call(v.route, body, headers);
        checked++;
        const status = res.statusCode ?? 0;
        expect(status).toBeGreaterThanOrEqual(200);
        expect(status).toBeLessThan(500);
        if (status >= 400 || status === 200) expect(writes()).toBe(before);
      }),
      { numRuns: 10_000 },
    );
    expect(checked).toBe(10_000);
  }, 120_000);
});
