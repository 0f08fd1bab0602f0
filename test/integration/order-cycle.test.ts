/**
 * The workflow's steps run in order against DynamoDB Local, as use cases on
 * the real repositories of the test's table (queues, Step Functions and SES are
 * mocked clients under the real adapters: only their calls are checked here;
 * the local stack runs them for real). Covers the happy path with a PDF
 * invoice, the credit hold, a stock race, reruns of every step, payment and dunning.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { SFNClient, SendTaskHeartbeatCommand, SendTaskSuccessCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PDFDocument } from 'pdf-lib';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MailMessage } from '../../functions/adapters/mail-message.ts';
import { mailQueue } from '../../functions/adapters/mail-queue.ts';
import { pdfDocuments } from '../../functions/adapters/pdf.ts';
import { Keys } from '../../functions/adapters/table-schema.ts';
import { stepFunctionsWorkflow } from '../../functions/adapters/workflow.ts';
import { DEFAULT_CARRIER_RATES } from '../../functions/domain/carrier.ts';
import { customerId } from '../../functions/domain/ids.ts';
import { CreditDecisionSchema } from '../../functions/platforms/canonical.ts';
import type { OrderDraft } from '../../functions/ports.ts';
import { statusOf } from '../../functions/runtime/errors.ts';
import { parseJsonBody, type HttpRequest } from '../../functions/runtime/http.ts';
import { acceptOrder } from '../../functions/use-cases/accept-order.ts';
import { applyPayment } from '../../functions/use-cases/apply-payment.ts';
import { buildReport } from '../../functions/use-cases/build-report.ts';
import { financePack } from '../../functions/use-cases/finance-pack.ts';
import { packDocuments } from '../../functions/adapters/pack-documents.ts';
import { checkCredit } from '../../functions/use-cases/check-credit.ts';
import { confirmOrder } from '../../functions/use-cases/confirm-order.ts';
import { decideCreditReview } from '../../functions/use-cases/decide-credit.ts';
import { fulfilOrder } from '../../functions/use-cases/fulfil-order.ts';
import { issueInvoice } from '../../functions/use-cases/issue-invoice.ts';
import { planDunning } from '../../functions/use-cases/plan-dunning.ts';
import { rejectOrder } from '../../functions/use-cases/reject-order.ts';
import { reportShipment } from '../../functions/use-cases/report-shipment.ts';
import { requestCreditReview } from '../../functions/use-cases/request-credit-review.ts';
import { sendReminder } from '../../functions/use-cases/send-reminder.ts';
import { shipOrder } from '../../functions/use-cases/ship-order.ts';
import { validateOrder } from '../../functions/use-cases/validate-order.ts';
import { directRenderQueue } from '../support/memory.ts';
import { dynamoDeps } from '../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';

const sqs = mockClient(SQSClient);
const sfn = mockClient(SFNClient);
const STEPS_ARN = 'arn:aws:states:eu-west-1:000000000000:stateMachine:order-steps';
const MAIL_QUEUE = 'q/mail';

const mails = () =>
  sqs
    .commandCalls(SendMessageCommand)
    .filter((c) => c.args[0].input.QueueUrl === MAIL_QUEUE)
    .map((c) => JSON.parse(c.args[0].input.MessageBody!) as MailMessage);

const req = (routeKey: string, body: unknown, pathParameters: Record<string, string> = {}): HttpRequest => ({
  method: 'POST',
  path: '/',
  routeKey,
  headers: { 'x-api-key': 'test-key' },
  pathParameters,
  query: {},
  rawBody: JSON.stringify(body),
  receivedAt: '2026-11-22T10:00:00.000Z',
});

/** What the route would answer for what the step refused: the status from the one error→status table, and the error name. */
const refusal = async (step: () => unknown) => {
  try {
    await step();
  } catch (error) {
    return { status: statusOf(error), error: (error as Error).name };
  }
  throw new Error('expected the step to refuse');
};

describe('order to cash, step by step (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  let world: ReturnType<typeof dynamoDeps>;
  /** Every use case's deps: the repositories on this test's table, the mail queue, Step Functions and the PDF for real (mocked clients). */
  let deps: ReturnType<typeof dynamoDeps>['deps'] & {
    mail: ReturnType<typeof mailQueue>;
    workflow: ReturnType<typeof stepFunctionsWorkflow>;
    documents: typeof pdfDocuments;
    rates: typeof DEFAULT_CARRIER_RATES;
  };

  beforeEach(async () => {
    table = await ddb.createTable();
    world = dynamoDeps(table, { now: '2026-11-22T10:00:00.000Z' });
    deps = { ...world.deps, mail: mailQueue(MAIL_QUEUE), workflow: stepFunctionsWorkflow(undefined, STEPS_ARN), documents: pdfDocuments, rates: DEFAULT_CARRIER_RATES, renderQueue: directRenderQueue(() => deps) };
    sqs.reset();
    sfn.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    sfn.on(SendTaskSuccessCommand).resolves({});
    sfn.on(SendTaskHeartbeatCommand).resolves({});
    sfn.on(StartExecutionCommand).resolves({ executionArn: `${STEPS_ARN}:x`, startDate: new Date() });
    for (const [sku, onHand] of [['MUG-01', 10], ['BOOK-7', 1]] as const) {
      await ddb.doc().send(new PutCommand({ TableName: table, Item: { ...Keys.product(sku), type: 'Product', sku, description: sku, unitPrice: sku === 'MUG-01' ? 1250 : 899, currency: 'GBP', taxRatePpm: 200_000, onHand, weightGrams: 400 } }));
    }
  });

  const order = (externalId: string, quantity = 2, sku = 'MUG-01', email = 'buyer@acme.example'): OrderDraft => ({
    externalId,
    customer: { email, name: 'Acme Ltd', language: 'sv' },
    currency: 'GBP',
    lines: [{ sku, description: 'Stoneware mug', quantity, unitPrice: sku === 'MUG-01' ? 1250 : 899, discount: 0, taxRatePpm: 200_000 }],
    paymentMode: 'terms',
    shippingAddress: { line1: '1 High St', city: 'York', country: 'GB' },
  });
  const accept = async (draft: OrderDraft) => (await acceptOrder({ draft, platform: 'api', receivedAt: '2026-11-22T10:00:00.000Z' }, deps)).orderId;
  const setCredit = async (email: string, creditLimit: number) => {
    const key = Keys.customer(customerId('-', email));
    const c = (await ddb.doc().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item!;
    await ddb.doc().send(new PutCommand({ TableName: table, Item: { ...c, creditLimit } }));
  };

  it('runs an order from intake to a paid invoice, and every step can run twice', async () => {
    const id = await accept(order('PO-1'));
    await setCredit('buyer@acme.example', 100_000);
    expect(await validateOrder({ orderId: id }, deps)).toEqual({ outcome: 'validated' });
    expect(await validateOrder({ orderId: id }, deps)).toEqual({ outcome: 'validated' });
    expect(await checkCredit({ orderId: id }, deps)).toMatchObject({ decision: 'approve' });
    expect(await checkCredit({ orderId: id }, deps)).toMatchObject({ decision: 'approve' });
    await confirmOrder({ orderId: id }, deps);
    await confirmOrder({ orderId: id }, deps);
    await fulfilOrder({ orderId: id, taskToken: 'token-f' }, deps);
    const shipment = { carrier: 'Royal Mail', service: 'Tracked 48', trackingNumber: 'RM123', shippedAt: '2026-11-23T09:00:00Z' };
    expect(await reportShipment({ orderId: id, report: shipment }, deps)).toEqual({ orderId: id, accepted: 'shipment' });
    // The answer starts the order steps from ShipOrder with the wait's token (their last state ends the wait).
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.stateMachineArn).toBe(STEPS_ARN);
    expect(JSON.parse(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input.input!)).toMatchObject({ from: 'ship', orderId: id, taskToken: 'token-f', shipment: { trackingNumber: 'RM123' } });
    expect(await refusal(() => reportShipment({ orderId: id, report: { failed: true, reason: 'late' } }, deps))).toEqual({ status: 409, error: 'NotAwaitingShipment' });
    await shipOrder({ orderId: id, shipment }, deps);
    await shipOrder({ orderId: id, shipment }, deps);
    world.clock.set('2026-11-23T12:00:00Z');
    const first = await issueInvoice({ orderId: id }, deps);
    const again = await issueInvoice({ orderId: id }, deps);
    expect(first).toMatchObject({ invoiceNumber: 'INV-2026-000001', total: 3000, currency: 'GBP', created: true });
    expect(again).toMatchObject({ invoiceNumber: 'INV-2026-000001', created: false });
    expect((await deps.orders.get(id))!.status).toBe('invoiced');

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

    // Dunning: 8 days after the due date (2026-12-23), the reminder level; a second run sends nothing.
    const sent = deps.reminderQueue.sent;
    expect(await planDunning({ asOf: '2026-12-31' }, deps)).toMatchObject({ read: 1, letters: 1 });
    expect(await planDunning({ asOf: '2026-12-31' }, deps)).toMatchObject({ letters: 0 });
    expect(sent).toMatchObject([{ currency: 'GBP', asOf: '2026-12-31', items: [{ invoiceNumber: 'INV-2026-000001', level: 'reminder' }], earlierReminder: false }]);
    expect(await sendReminder(sent[0]!, deps)).toBe(true);
    const reminder = mails().find((m) => m.key === sent[0]!.key)!;
    expect(reminder.subject).toMatch(/^Betalningspåminnelse: INV-2026-000001/);
    expect(reminder.language).toBe('sv');
    expect(reminder.attachments?.[0]?.filename).toBe('statement-2026-12-31.pdf');

    // The report sees the open invoice in the 1-30 bucket.
    const report = await buildReport({ asOf: '2026-12-31' }, { ...deps, figures: (kind, asOf) => financePack({ kind, asOf }, deps), packDocuments, recipients: { flash: ['finance@example.com'], weekly: ['finance@example.com'], 'month-end': ['finance@example.com'] } });
    expect(report).toMatchObject({ kind: 'flash', key: 'report:flash:2026-12-31', currencies: ['GBP'] });
    const aging = mails().find((m) => m.key === 'report:flash:2026-12-31')!.attachments!.find((a) => a.filename === 'flash-2026-12-31-aging.csv')!;
    expect(Buffer.from(aging.contentBase64, 'base64').toString()).toContain('\r\n"GBP","0.00","30.00","0.00","0.00","0.00","30.00","0.00"\r\n');

    // Payment quoting the invoice number settles it; a redelivery changes nothing.
    const payment = { id: 'pay_1', source: 'bank' as const, externalId: 'STMT-1', amount: 3000, currency: 'GBP', receivedOn: '2027-01-02', remittance: 'inv 2026 000001 thanks' };
    expect(await applyPayment(payment, deps)).toMatchObject({ applied: true, matchedBy: 'invoice-number', auto: true, unapplied: 0 });
    expect(await applyPayment(payment, deps)).toMatchObject({ applied: false, matchedBy: 'duplicate' });
    expect(await deps.invoices.get('INV-2026-000001')).toMatchObject({ balance: 0, status: 'paid' });
    expect(await sendReminder({ ...sent[0]!, asOf: '2027-01-06' }, deps)).toBe(false);
  }, 60_000);

  it('holds an order over the credit limit until finance decides', async () => {
    const id = await accept(order('PO-2', 4));
    await setCredit('buyer@acme.example', 5_000); // order is 6,000 incl. VAT: within the 20 % review band
    await validateOrder({ orderId: id }, deps);
    expect(await checkCredit({ orderId: id }, deps)).toMatchObject({ decision: 'hold' });
    await requestCreditReview({ orderId: id, taskToken: 'token-c' }, deps);
    expect(mails().find((m) => m.key === `credit-review:${id}`)!.to).toEqual(['finance@example.com']);
    // decide-credit reads the body with this schema: a decision that is neither approve nor reject is a 422
    expect(await refusal(() => parseJsonBody(req('POST /finance/orders/{orderId}/credit-decision', { decision: 'maybe' }, { orderId: id }), CreditDecisionSchema))).toMatchObject({ status: 422 });
    expect(await refusal(() => decideCreditReview({ orderId: 'ord_nope', decision: 'approve', actor: 'api key' }, deps))).toEqual({ status: 404, error: 'OrderNotFound' });
    expect(await decideCreditReview({ orderId: id, decision: 'approve', note: 'known customer', actor: 'api key' }, deps)).toEqual({ orderId: id, decision: 'approve' });
    expect(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.taskToken).toBe('token-c');
    expect(JSON.parse(sfn.commandCalls(SendTaskSuccessCommand)[0]!.args[0].input.output!)).toEqual({ decision: 'approve', note: 'known customer' });
    expect(await refusal(() => decideCreditReview({ orderId: id, decision: 'reject', actor: 'api key' }, deps))).toMatchObject({ status: 409 });
    expect(sfn.commandCalls(SendTaskSuccessCommand)).toHaveLength(1);
    expect(await confirmOrder({ orderId: id }, deps)).toEqual({ status: 'confirmed' });
  });

  it('lets only one of two orders take the last unit; the other waits, then is rejected and its customer told', async () => {
    const a = await accept(order('PO-3', 1, 'BOOK-7', 'a@example.com'));
    const b = await accept(order('PO-4', 1, 'BOOK-7', 'b@example.com'));
    const outcomes = await Promise.all([validateOrder({ orderId: a }, deps), validateOrder({ orderId: b }, deps)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(['backordered', 'validated']);
    const loser = outcomes[0]!.outcome === 'backordered' ? a : b;
    expect(await validateOrder({ orderId: loser }, deps)).toMatchObject({ outcome: 'backordered' });
    const gaveUp = await validateOrder({ orderId: loser }, deps);
    expect(gaveUp).toMatchObject({ outcome: 'invalid' }); // third attempt of 3
    await rejectOrder({ orderId: loser, validation: gaveUp }, deps); // as the workflow passes it
    expect((await deps.orders.get(loser))!.status).toBe('rejected');
    expect(mails().find((m) => m.key === `order-rejected:${loser}`)!.text).toContain('några artiklar har varit slut i lager för länge'); // the customer reads Swedish
    const items = (await ddb.doc().send(new ScanCommand({ TableName: table }))).Items!;
    expect(items.find((i) => i.pk === 'PRODUCT#BOOK-7')!.onHand).toBe(0);
  });

  it('rejects a B2B order at a price other than the catalog, and releases nothing it did not reserve', async () => {
    const o = order('PO-5');
    const id = await accept({ ...o, lines: [{ ...o.lines[0]!, unitPrice: 999 }] });
    expect(await validateOrder({ orderId: id }, deps)).toMatchObject({ outcome: 'invalid', reason: "Stoneware mug (MUG-01) is not sold at £9.99 a unit; ask us for today's price", problems: [{ kind: 'other-price', sku: 'MUG-01', unitPrice: 999, currency: 'GBP' }] });
    await rejectOrder({ orderId: id, validation: { reason: 'price' } }, deps);
    const items = (await ddb.doc().send(new ScanCommand({ TableName: table }))).Items!;
    expect(items.find((i) => i.pk === 'PRODUCT#MUG-01')!.onHand).toBe(10);
  });
});
