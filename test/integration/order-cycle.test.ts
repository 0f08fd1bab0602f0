/**
 * The workflow's steps run in order against DynamoDB Local (queues, Step
 * Functions and SES are mocked: only their calls are checked here; the local
 * stack runs them for real). Covers the happy path with a PDF invoice, the
 * credit hold, a stock race, reruns of every step, payment and dunning.
 */
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PDFDocument } from 'pdf-lib';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Keys } from '../../functions/adapters/table-schema.ts';
import type { MailMessage } from '../../functions/adapters/mail-message.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';

const sqs = mockClient(SQSClient);
const sfn = mockClient(SFNClient);
type Handlers = {
  intake: typeof import('../../functions/handlers/intake.ts');
  validate: typeof import('../../functions/handlers/validate-order.ts');
  credit: typeof import('../../functions/handlers/check-credit.ts');
  review: typeof import('../../functions/handlers/request-credit-review.ts');
  decide: typeof import('../../functions/handlers/decide-credit.ts');
  confirm: typeof import('../../functions/handlers/confirm-order.ts');
  fulfil: typeof import('../../functions/handlers/fulfil-order.ts');
  callback: typeof import('../../functions/handlers/fulfilment-callback.ts');
  ship: typeof import('../../functions/handlers/ship-order.ts');
  invoice: typeof import('../../functions/handlers/issue-invoice.ts');
  reject: typeof import('../../functions/handlers/reject-order.ts');
  pay: typeof import('../../functions/handlers/apply-payment.ts');
  dunning: typeof import('../../functions/handlers/plan-dunning.ts');
  reminder: typeof import('../../functions/handlers/send-reminder.ts');
  report: typeof import('../../functions/handlers/build-report.ts');
  orders: typeof import('../../functions/adapters/orders.ts');
};
let h: Handlers;

const mails = () =>
  sqs
    .commandCalls(SendMessageCommand)
    .filter((c) => c.args[0].input.QueueUrl === process.env.MAIL_QUEUE_URL)
    .map((c) => JSON.parse(c.args[0].input.MessageBody!) as MailMessage);

const req = (routeKey: string, body: unknown, pathParameters: Record<string, string> = {}) => ({
  method: 'POST',
  path: '/',
  routeKey,
  headers: { 'x-api-key': 'test-key' },
  pathParameters,
  query: {},
  rawBody: JSON.stringify(body),
  receivedAt: '2026-11-22T10:00:00.000Z',
});

describe('order to cash, step by step (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;

  beforeAll(async () => {
    Object.assign(process.env, {
      TABLE_NAME: 'unset',
      ORDERS_QUEUE_URL: 'q/orders',
      PAYMENTS_QUEUE_URL: 'q/payments',
      MAIL_QUEUE_URL: 'q/mail',
      DUNNING_QUEUE_URL: 'q/dunning',
      O2C_API_KEY: 'test-key',
      FINANCE_RECIPIENTS: 'finance@example.com',
      COMPANY_NAME: 'Example Trading Ltd',
      DEFAULT_TERMS: JSON.stringify({ netDays: 30 }),
      TIMEZONE: 'Europe/London',
      BACKORDER_MAX_ATTEMPTS: '3',
    });
    h = {
      intake: await import('../../functions/handlers/intake.ts'),
      validate: await import('../../functions/handlers/validate-order.ts'),
      credit: await import('../../functions/handlers/check-credit.ts'),
      review: await import('../../functions/handlers/request-credit-review.ts'),
      decide: await import('../../functions/handlers/decide-credit.ts'),
      confirm: await import('../../functions/handlers/confirm-order.ts'),
      fulfil: await import('../../functions/handlers/fulfil-order.ts'),
      callback: await import('../../functions/handlers/fulfilment-callback.ts'),
      ship: await import('../../functions/handlers/ship-order.ts'),
      invoice: await import('../../functions/handlers/issue-invoice.ts'),
      reject: await import('../../functions/handlers/reject-order.ts'),
      pay: await import('../../functions/handlers/apply-payment.ts'),
      dunning: await import('../../functions/handlers/plan-dunning.ts'),
      reminder: await import('../../functions/handlers/send-reminder.ts'),
      report: await import('../../functions/handlers/build-report.ts'),
      orders: await import('../../functions/adapters/orders.ts'),
    };
  });

  beforeEach(async () => {
    table = await ddb.createTable();
    sqs.reset();
    sfn.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
    sfn.on(SendTaskSuccessCommand).resolves({});
    for (const [sku, onHand] of [['MUG-01', 10], ['BOOK-7', 1]] as const) {
      await ddb.doc().send(new PutCommand({ TableName: table, Item: { ...Keys.product(sku), type: 'Product', sku, description: sku, unitPrice: sku === 'MUG-01' ? 1250 : 899, currency: 'GBP', taxRatePpm: 200_000, onHand, weightGrams: 400 } }));
    }
  });

  const order = (externalId: string, quantity = 2, sku = 'MUG-01', email = 'buyer@acme.example') => ({
    externalId,
    customer: { email, name: 'Acme Ltd', language: 'sv' as const },
    currency: 'GBP',
    lines: [{ sku, description: 'Stoneware mug', quantity, unitPrice: sku === 'MUG-01' ? 1250 : 899, discount: 0, taxRatePpm: 200_000 }],
    paymentMode: 'terms' as const,
    shippingAddress: { line1: '1 High St', city: 'York', country: 'GB' },
  });
  const accept = async (o: ReturnType<typeof order>) => (await h.intake.acceptOrder(o as never, 'api', '2026-11-22T10:00:00.000Z')).orderId;
  const setCredit = async (email: string, creditLimit: number) => {
    const { customerId } = await import('../../functions/adapters/customers.ts');
    const id = customerId('-', email);
    const c = (await ddb.doc().send(new ScanCommand({ TableName: table }))).Items!.find((i) => i.pk === `CUSTOMER#${id}`)!;
    await ddb.doc().send(new PutCommand({ TableName: table, Item: { ...c, creditLimit } }));
  };

  it('runs an order from intake to a paid invoice, and every step can run twice', async () => {
    const id = await accept(order('PO-1'));
    await setCredit('buyer@acme.example', 100_000);
    expect(await h.validate.validateOrder({ orderId: id })).toEqual({ outcome: 'validated' });
    expect(await h.validate.validateOrder({ orderId: id })).toEqual({ outcome: 'validated' });
    expect(await h.credit.checkCredit({ orderId: id })).toMatchObject({ decision: 'approve' });
    expect(await h.credit.checkCredit({ orderId: id })).toMatchObject({ decision: 'approve' });
    await h.confirm.confirmOrder({ orderId: id });
    await h.confirm.confirmOrder({ orderId: id });
    await h.fulfil.fulfilOrder({ orderId: id, taskToken: 'token-f' });
    const cb = await h.callback.fulfilmentCallback(req('POST /fulfilment/{orderId}/shipment', { carrier: 'Royal Mail', service: 'Tracked 48', trackingNumber: 'RM123', shippedAt: '2026-11-23T09:00:00Z' }, { orderId: id }));
    expect(cb.status).toBe(202);
    expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!)).toMatchObject({ trackingNumber: 'RM123' });
    await expect(h.callback.fulfilmentCallback(req('POST /fulfilment/{orderId}/shipment', { failed: true, reason: 'late' }, { orderId: id }))).rejects.toMatchObject({ status: 409 });
    const shipment = { carrier: 'Royal Mail', service: 'Tracked 48', trackingNumber: 'RM123', shippedAt: '2026-11-23T09:00:00Z' };
    await h.ship.shipOrder({ orderId: id, shipment });
    await h.ship.shipOrder({ orderId: id, shipment });
    const first = await h.invoice.issueInvoice({ orderId: id }, new Date('2026-11-23T12:00:00Z'));
    const again = await h.invoice.issueInvoice({ orderId: id }, new Date('2026-11-23T12:00:00Z'));
    expect(first).toMatchObject({ invoiceNumber: 'INV-2026-000001', total: 3000, currency: 'GBP', created: true });
    expect(again).toMatchObject({ invoiceNumber: 'INV-2026-000001', created: false });
    expect((await h.orders.getOrder(id))!.status).toBe('invoiced');

    const invoiceMail = mails().find((m) => m.key === 'invoice:INV-2026-000001')!;
    expect(invoiceMail.to).toEqual(['buyer@acme.example']);
    const pdf = await PDFDocument.load(Buffer.from(invoiceMail.attachments![0]!.contentBase64, 'base64'));
    expect(pdf.getTitle()).toBe('Invoice INV-2026-000001');
    expect(pdf.getSubject()).toContain('total GBP 30.00');
    expect(new Set(mails().map((m) => m.key))).toEqual(new Set([`order-confirmed:${id}`, `order-shipped:${id}`, 'invoice:INV-2026-000001']));

    // Stock: 10 − 2, and the reservation went with the shipment.
    const items = (await ddb.doc().send(new ScanCommand({ TableName: table }))).Items!;
    expect(items.find((i) => i.pk === 'PRODUCT#MUG-01')!.onHand).toBe(8);
    expect(items.find((i) => i.sk === 'RESERVATION#MUG-01')!.state).toBe('shipped');

    // Dunning: 8 days after the due date (2026-12-23), level 7; a second run sends nothing.
    const sent: unknown[] = [];
    expect(await h.dunning.planDunning({ asOf: '2026-12-31' }, async (m) => void sent.push(...m))).toMatchObject({ overdue: 1, reminders: 1 });
    expect(await h.dunning.planDunning({ asOf: '2026-12-31' }, async (m) => void sent.push(...m))).toMatchObject({ reminders: 0 });
    expect(sent).toEqual([{ invoiceNumber: 'INV-2026-000001', level: 7, asOf: '2026-12-31' }]);
    expect(await h.reminder.sendReminder(sent[0] as never)).toBe(true);
    const reminder = mails().find((m) => m.key === 'reminder:INV-2026-000001:7')!;
    expect(reminder.subject).toMatch(/^Andra påminnelsen/);
    expect(reminder.language).toBe('sv');

    // The report sees the open invoice in the 1-30 bucket.
    const report = await h.report.buildReport({ asOf: '2026-12-31' });
    expect(report).toMatchObject({ openInvoices: 1 });
    const csv = Buffer.from(mails().find((m) => m.key === 'report:ar:2026-12-31')!.attachments![0]!.contentBase64, 'base64').toString();
    expect(csv).toContain('\r\nGBP,0.00,30.00,0.00,0.00,0.00,30.00\r\n');

    // Payment quoting the invoice number settles it; a redelivery changes nothing.
    const payment = { id: 'pay_1', source: 'bank' as const, externalId: 'STMT-1', amount: 3000, currency: 'GBP', receivedOn: '2027-01-02', remittance: 'inv 2026 000001 thanks' };
    expect(await h.pay.applyPayment(payment)).toMatchObject({ applied: true, reason: 'reference', unapplied: 0 });
    expect(await h.pay.applyPayment(payment)).toMatchObject({ applied: false, reason: 'duplicate' });
    const { getInvoice } = await import('../../functions/adapters/invoices.ts');
    expect(await getInvoice('INV-2026-000001')).toMatchObject({ balance: 0, status: 'paid' });
    expect(await h.reminder.sendReminder({ invoiceNumber: 'INV-2026-000001', level: 14, asOf: '2027-01-06' })).toBe(false);
  });

  it('holds an order over the credit limit until finance decides', async () => {
    const id = await accept(order('PO-2', 4));
    await setCredit('buyer@acme.example', 5_000); // order is 6,000 incl. VAT: within the 20 % review band
    await h.validate.validateOrder({ orderId: id });
    expect(await h.credit.checkCredit({ orderId: id })).toMatchObject({ decision: 'hold' });
    await h.review.requestCreditReview({ orderId: id, taskToken: 'token-c' });
    expect(mails().find((m) => m.key === `credit-review:${id}`)!.to).toEqual(['finance@example.com']);
    await expect(h.decide.decideCredit(req('POST /finance/orders/{orderId}/credit-decision', { decision: 'maybe' }, { orderId: id }))).rejects.toMatchObject({ status: 422 });
    await expect(h.decide.decideCredit(req('POST /finance/orders/{orderId}/credit-decision', { decision: 'approve' }, { orderId: 'ord_nope' }))).rejects.toMatchObject({ status: 404 });
    const ok = await h.decide.decideCredit(req('POST /finance/orders/{orderId}/credit-decision', { decision: 'approve', note: 'known customer' }, { orderId: id }));
    expect(ok.status).toBe(200);
    expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!)).toEqual({ decision: 'approve', note: 'known customer' });
    await expect(h.decide.decideCredit(req('POST /finance/orders/{orderId}/credit-decision', { decision: 'reject' }, { orderId: id }))).rejects.toMatchObject({ status: 409 });
    expect(await h.confirm.confirmOrder({ orderId: id })).toEqual({ status: 'confirmed' });
  });

  it('lets only one of two orders take the last unit; the other waits, then is rejected and its customer told', async () => {
    const a = await accept(order('PO-3', 1, 'BOOK-7', 'a@example.com'));
    const b = await accept(order('PO-4', 1, 'BOOK-7', 'b@example.com'));
    const outcomes = await Promise.all([h.validate.validateOrder({ orderId: a }), h.validate.validateOrder({ orderId: b })]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['backordered', 'validated']);
    const loser = outcomes[0]!.outcome === 'backordered' ? a : b;
    expect(await h.validate.validateOrder({ orderId: loser })).toMatchObject({ outcome: 'backordered' });
    expect(await h.validate.validateOrder({ orderId: loser })).toMatchObject({ outcome: 'invalid' }); // third attempt of 3
    await h.reject.rejectOrder({ orderId: loser, validation: { reason: 'out of stock after 3 attempts' } });
    expect((await h.orders.getOrder(loser))!.status).toBe('rejected');
    expect(mails().find((m) => m.key === `order-rejected:${loser}`)!.text).toContain('out of stock');
    const items = (await ddb.doc().send(new ScanCommand({ TableName: table }))).Items!;
    expect(items.find((i) => i.pk === 'PRODUCT#BOOK-7')!.onHand).toBe(0);
  });

  it('rejects a B2B order at a price other than the catalog, and releases nothing it did not reserve', async () => {
    const o = order('PO-5');
    const id = await accept({ ...o, lines: [{ ...o.lines[0]!, unitPrice: 999 }] });
    expect(await h.validate.validateOrder({ orderId: id })).toEqual({ outcome: 'invalid', reason: 'MUG-01 costs 1250, not 999 (minor units)' });
    await h.reject.rejectOrder({ orderId: id, validation: { reason: 'price' } });
    const items = (await ddb.doc().send(new ScanCommand({ TableName: table }))).Items!;
    expect(items.find((i) => i.pk === 'PRODUCT#MUG-01')!.onHand).toBe(10);
  });
});
