/**
 * issue-invoice and apply-payment as use cases on DynamoDB Local (the mail
 * queue is the SQS adapter on a mocked client, the PDF the real renderer):
 * what a terms order and a prepaid order leave in the table, what a re-run
 * changes (nothing but a re-queued mail), the ledger staying balanced entry by
 * entry, unapplied cash, and the optimistic balance check that sends a raced
 * payment back to the queue.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { PDFDocument } from 'pdf-lib';
import { beforeEach, describe, expect, it } from 'vitest';
import type { MailMessage } from '../../../functions/adapters/mail-message.ts';
import { mailQueue } from '../../../functions/adapters/mail-queue.ts';
import { pdfDocuments } from '../../../functions/adapters/pdf.ts';
import { Keys } from '../../../functions/adapters/table-schema.ts';
import { isBalanced, paymentReceivedEntry } from '../../../functions/domain/ledger.ts';
import type { JournalEntry, Payment } from '../../../functions/domain/model.ts';
import { PaymentConflict } from '../../../functions/errors.ts';
import { applyPayment, settlementsOf } from '../../../functions/use-cases/apply-payment.ts';
import { issueInvoice } from '../../../functions/use-cases/issue-invoice.ts';
import { directRenderQueue } from '../../support/memory.ts';
import { dynamoDeps } from '../../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../../support/dynamodb.ts';
import { pdfText } from '../../support/pdf-text.ts';
import { putCustomer, putOrder, testCustomer, testOrder } from '../../support/orders.ts';

const sqs = mockClient(SQSClient);
const MAIL_QUEUE = 'q/mail';
const mails = () => sqs.commandCalls(SendMessageCommand).map((c) => JSON.parse(c.args[0].input.MessageBody!) as MailMessage);

describe('issue-invoice and apply-payment (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  let world: ReturnType<typeof dynamoDeps>;
  let deps: ReturnType<typeof dynamoDeps>['deps'] & { mail: ReturnType<typeof mailQueue>; documents: typeof pdfDocuments };
  const all = async () => (await ddb.doc().send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
  const raw = async (key: { pk: string; sk: string }) => (await ddb.doc().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

  beforeEach(async () => {
    table = await ddb.createTable();
    world = dynamoDeps(table, { now: '2026-11-22T12:00:00.000Z' });
    deps = { ...world.deps, mail: mailQueue(MAIL_QUEUE), documents: pdfDocuments, renderQueue: directRenderQueue(() => deps) };
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    await putCustomer(ddb.doc(), table, testCustomer('cus_1'));
  });

  it('issues a terms invoice: open, in the aggregates, mailed with its PDF; a re-run changes nothing and only re-queues the mail', async () => {
    await putOrder(ddb.doc(), table, testOrder('ord_t'));
    expect(await issueInvoice({ orderId: 'ord_t' }, deps)).toEqual({ invoiceNumber: 'INV-2026-000001', total: 3898, currency: 'GBP', created: true });
    const item = (await raw(Keys.invoice('INV-2026-000001')))!;
    expect(item).toMatchObject({ status: 'open', balance: 3898, dueDate: '2026-12-22', ...Keys.openInvoice('INV-2026-000001', '2026-12-22'), gsi1pk: 'CUSTOMER#cus_1' });
    expect(await raw(Keys.order('ord_t'))).toMatchObject({ status: 'invoiced', invoiceNumber: 'INV-2026-000001' });
    for (const period of ['2026-11-22', '2026-11']) expect(await raw(Keys.aggregate(period, 'totals', 'GBP'))).toMatchObject({ creditSales: 3898, sales: 3898, invoices: 1 });

    const [mail] = mails();
    expect(sqs.commandCalls(SendMessageCommand)[0]!.args[0].input.QueueUrl).toBe(MAIL_QUEUE);
    expect(mail).toMatchObject({ key: 'invoice:INV-2026-000001', to: ['cus_1@example.com'], language: 'en' });
    expect(mail!.subject).toContain('INV-2026-000001');
    expect(mail!.text).toContain('due on 22 December 2026');
    const pdf = Buffer.from(mail!.attachments![0]!.contentBase64, 'base64');
    expect((await PDFDocument.load(pdf)).getTitle()).toBe('Invoice INV-2026-000001');
    expect(pdfText(pdf)).toContain('£38.98');

    const before = await all();
    world.clock.set('2026-11-24T12:00:00.000Z');
    expect(await issueInvoice({ orderId: 'ord_t' }, deps)).toMatchObject({ invoiceNumber: 'INV-2026-000001', created: false });
    expect(await all()).toEqual(before); // counter, invoice, ledger, aggregates untouched
    expect(mails().map((m) => m.key)).toEqual(['invoice:INV-2026-000001', 'invoice:INV-2026-000001']);
  });

  it('issues a prepaid order as paid: no open-index keys, cash in the ledger, no credit sales', async () => {
    await putOrder(ddb.doc(), table, testOrder('ord_pp', 'shipped', { paymentMode: 'prepaid' }));
    await issueInvoice({ orderId: 'ord_pp' }, deps);
    const item = (await raw(Keys.invoice('INV-2026-000001')))!;
    expect(item).toMatchObject({ status: 'paid', balance: 0 });
    expect(item.gsi2pk).toBeUndefined();
    expect(item.gsi2sk).toBeUndefined();
    expect(await deps.invoices.openDueBefore('9999-12-31')).toEqual([]);
    const entry = (await raw(Keys.journal('inv-INV-2026-000001'))) as unknown as JournalEntry;
    expect(isBalanced(entry)).toBe(true);
    expect(entry.lines).toContainEqual({ account: 'cash', side: 'debit', amount: 3898 });
    const agg = (await raw(Keys.aggregate('2026-11-22', 'totals', 'GBP')))!;
    expect(agg).toMatchObject({ sales: 3898 });
    expect(agg.creditSales).toBeUndefined();
    expect(mails()[0]!.text).toContain('nothing is due');
  });

  it('applies payments by quoted number once each, keeps unmatched cash as unapplied, and every entry and its ledger lines balance', async () => {
    await putOrder(ddb.doc(), table, testOrder('ord_p'));
    await issueInvoice({ orderId: 'ord_p' }, deps);
    // Instalments: a tolerance of the whole amount, so a part payment opens no deduction case (that rule has its own test).
    const instalments = { ...deps, matchPolicy: { shortPaymentTolerance: { ppm: 1_000_000, minor: Number.MAX_SAFE_INTEGER } } };
    const partial: Payment = { id: 'pay_1', source: 'bank', externalId: 'b1', amount: 1000, currency: 'GBP', receivedOn: '2026-11-30', remittance: 'part payment INV-2026-000001' };
    expect(await applyPayment(partial, instalments)).toMatchObject({ applied: true, matchedBy: 'invoice-number', auto: true, unapplied: 0 });
    expect(await applyPayment(partial, instalments)).toMatchObject({ applied: false, matchedBy: 'duplicate', unapplied: 0 });
    expect(await deps.invoices.get('INV-2026-000001')).toMatchObject({ balance: 2898, status: 'partially_paid', gsi2pk: expect.stringMatching(/^OPEN#/) });

    const stray: Payment = { id: 'pay_2', source: 'bank', externalId: 'b2', amount: 777, currency: 'GBP', receivedOn: '2026-11-30', remittance: 'no idea' };
    expect(await applyPayment(stray, instalments)).toMatchObject({ applied: true, matchedBy: 'none', unapplied: 777 });
    expect(await raw(Keys.payment('pay_2'))).toMatchObject({ unapplied: 777, allocations: [] });
    expect(await raw(Keys.aggregate('2026-11-30', 'totals', 'GBP'))).toMatchObject({ collections: 1000, unappliedCash: 777 });

    const rest: Payment = { id: 'pay_3', source: 'bank', externalId: 'b3', amount: 2898, currency: 'GBP', receivedOn: '2026-12-01', customerId: 'cus_1' };
    expect(await applyPayment(rest, instalments)).toMatchObject({ applied: true, matchedBy: 'amount', auto: true, unapplied: 0 });
    const paid = (await raw(Keys.invoice('INV-2026-000001')))!;
    expect(paid).toMatchObject({ balance: 0, status: 'paid' });
    expect(paid.gsi2pk).toBeUndefined();
    expect(await deps.invoices.openDueBefore('9999-12-31')).toEqual([]);

    const items = await all();
    const entries = items.filter((i) => i.type === 'JournalEntry') as unknown as JournalEntry[];
    expect(entries.map((e) => e.id).sort()).toEqual(['inv-INV-2026-000001', 'pay-pay_1', 'pay-pay_2', 'pay-pay_3']);
    for (const e of entries) {
      expect(isBalanced(e)).toBe(true);
      const lines = items.filter((i) => i.type === 'LedgerLine' && i.entryId === e.id);
      expect(lines).toHaveLength(e.lines.length);
      expect(lines.reduce((s, l) => s + (l.side === 'debit' ? 1 : -1) * (l.amount as number), 0)).toBe(0);
    }
  });

  it('a short payment beyond the tolerance is applied and opens a short-payment deduction case for the rest, in DynamoDB, once however often it is delivered', async () => {
    await putOrder(ddb.doc(), table, testOrder('ord_d'));
    await issueInvoice({ orderId: 'ord_d' }, deps);
    const short: Payment = { id: 'pay_short', source: 'bank', externalId: 'b9', amount: 3000, currency: 'GBP', receivedOn: '2026-11-30', remittance: 'INV-2026-000001 less damaged item', payerName: 'Ada Lovelace', payerIban: 'GB33BUKB20201555555555' };
    expect(await applyPayment(short, deps)).toMatchObject({ applied: true, matchedBy: 'invoice-number', auto: true, unapplied: 0 });
    await applyPayment(short, deps);
    const invoice = await deps.invoices.get('INV-2026-000001');
    expect(invoice).toMatchObject({ balance: 898, status: 'partially_paid', disputed: 898 });
    expect(await deps.disputes.ofInvoice('INV-2026-000001')).toEqual([expect.objectContaining({ amount: 898, status: 'open', reason: 'short-payment: payment b9 paid less than was due' })]);
    expect(await raw(Keys.payment('pay_short'))).toMatchObject({ match: { matchedBy: 'invoice-number', deduction: { invoiceNumber: 'INV-2026-000001', amount: 898 } } });
    // The account is remembered for its customer: the next payment from it needs no reference to find them.
    expect(await deps.payers.customerOfIban('GB33BUKB20201555555555')).toBe('cus_1');
  });

  it('refuses a payment computed on a stale balance and writes nothing (the message is retried)', async () => {
    await putOrder(ddb.doc(), table, testOrder('ord_s'));
    await issueInvoice({ orderId: 'ord_s' }, deps);
    const stale = (await deps.invoices.get('INV-2026-000001'))!;
    await applyPayment({ id: 'pay_a', source: 'bank', externalId: 'a', amount: 500, currency: 'GBP', receivedOn: '2026-11-30', remittance: 'INV-2026-000001' }, deps);
    const payment: Payment = { id: 'pay_b', source: 'bank', externalId: 'b', amount: 500, currency: 'GBP', receivedOn: '2026-11-30' };
    const allocations = [{ invoiceId: stale.id, amount: 500 }];
    const application = {
      payment,
      allocations,
      discounts: [],
      unapplied: 0,
      settlements: settlementsOf([stale], payment, allocations),
      entry: paymentReceivedEntry(payment, allocations, 'pay-pay_b'),
      aggregates: { collections: 500 },
      appliedAt: '2026-11-30T12:00:00.000Z',
    };
    await expect(deps.payments.apply(application)).rejects.toBeInstanceOf(PaymentConflict);
    expect(await raw(Keys.payment('pay_b'))).toBeUndefined();
    expect(await raw(Keys.journal('pay-pay_b'))).toBeUndefined();
    expect(await deps.invoices.get('INV-2026-000001')).toMatchObject({ balance: 3398 });
  });
});
