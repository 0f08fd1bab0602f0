/**
 * End to end through the running local stack (in memory, random free ports):
 * HTTP API → queues → workflow → handlers → DynamoDB Local → SES mailbox.
 */
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Keys, NEXT_ACTION_SHARDS } from '../../functions/adapters/table-schema.ts';
import { financeApi, financeCommand } from '../../local/finance-cli.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb-local.ts';
import { DEV_SECRETS, startLocalStack, type LocalStack } from '../../local/stack.ts';
import { pdfText } from '../support/pdf-text.ts';
import { stackClient, until, type Mail } from '../support/stack-client.ts';
import { describeReport, validateUbl } from '../support/ubl-validator.ts';

let stack: LocalStack;

const { post, get, admin, mails } = stackClient(() => stack);
const orderStatus = async (id: string) => (await admin(`/_local/orders/${id}`)).order?.status as string | undefined;

const order = (externalId: string, email: string, quantity: number, extra: Record<string, unknown> = {}) => ({
  externalId,
  reference: externalId,
  customer: { email, name: 'E2E Buyer' },
  currency: 'GBP',
  paymentMode: 'terms',
  shippingAddress: { line1: '1 Market Street', city: 'York', country: 'GB' },
  lines: [{ sku: 'MUG-01', description: 'Stoneware mug, 350 ml', quantity, unitPrice: 1250, taxRatePpm: 200_000 }],
  ...extra,
});

beforeAll(async () => {
  stack = await startLocalStack({ inMemory: true, apiPort: await freePort(), mailPort: await freePort(), warehouseDelayMs: 1_500, waitMs: 500 });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
}, 30_000);

describe('the local stack, end to end', () => {
  it('hosts every function, queue, consumer, route, schedule and workflow task of the synthesized template', async () => {
    // Held against the raw template (not the topology read from it), so a resource the reader drops is caught.
    const resources = Object.entries(stack.template.Resources);
    const ids = (type: string) => resources.filter(([, r]) => r.Type === type).map(([id]) => id).sort();
    const props = (type: string) => resources.filter(([, r]) => r.Type === type).map(([, r]) => r.Properties ?? {});
    const hosted = await stack.hosted();
    const ref = (v: any): string => v.Ref ?? v['Fn::GetAtt'][0];

    expect(ids('AWS::Lambda::Function').length).toBeGreaterThanOrEqual(17);
    expect([...hosted.functions].sort()).toEqual(ids('AWS::Lambda::Function'));
    const queueName = (id: string) => (stack.template.Resources[id]!.Properties?.QueueName as string | undefined) ?? id;
    expect([...hosted.queues].sort()).toEqual(ids('AWS::SQS::Queue').map(queueName).sort());
    const mappings = props('AWS::Lambda::EventSourceMapping').map((m) => `${ref(m.EventSourceArn)} → ${ref(m.FunctionName)} ×${m.BatchSize ?? 10}`);
    expect(hosted.consumers.map((c) => `${c.queue} → ${c.fn} ×${c.batchSize}`).sort()).toEqual(mappings.sort());
    expect(hosted.routes.map((r) => r.routeKey).sort()).toEqual(props('AWS::ApiGatewayV2::Route').map((r) => r.RouteKey).sort());
    expect(hosted.routes.map((r) => r.routeKey)).toEqual(expect.arrayContaining(['POST /orders', 'POST /finance/payments', 'POST /finance/customers', 'POST /finance/orders/{orderId}/credit-decision', 'POST /fulfilment/{orderId}/shipment', 'POST /fulfilment/{orderId}/shipments']));
    expect(hosted.schedules.map((s) => s.logicalId).sort()).toEqual(ids('AWS::Scheduler::Schedule'));
    // The ASL of both machines as synthesized, intrinsics blanked out (they sit inside JSON strings), parsed without the reader.
    const definitionStates = [
      ...new Set(
        props('AWS::StepFunctions::StateMachine').flatMap((sm) => {
          const join = sm.DefinitionString['Fn::Join'] as [string, unknown[]] | undefined;
          const asl = JSON.parse(join ? join[1].map((p) => (typeof p === 'string' ? p : 'X')).join(join[0]) : sm.DefinitionString) as { States: Record<string, { Type: string }> };
          return Object.entries(asl.States).filter(([, s]) => s.Type === 'Task').map(([n]) => n);
        }),
      ),
    ].sort();
    expect(definitionStates.length).toBeGreaterThanOrEqual(8);
    expect([...hosted.taskStates].sort()).toEqual(definitionStates);
  });

  it('turns a posted order into an invoice email whose PDF states the number, the total, the account and the RF reference, which alone pays it when quoted', async () => {
    const res = await post('/orders', order('E2E-1', 'purchasing@acme-retail.example', 3, { shipping: { amount: 499, taxRatePpm: 200_000 } }));
    expect(res.status).toBe(202);
    const id = res.body.orderId as string;
    await until('the invoice', async () => (await orderStatus(id)) === 'invoiced');
    const { order: stored } = await admin(`/_local/orders/${id}`);
    const mail = await until('the invoice email', async () => (await mails()).find((m) => m.subject.startsWith(`Invoice ${stored.invoiceNumber}`)));
    expect(mail.destination.to).toEqual(['purchasing@acme-retail.example']);
    const pdf = Buffer.from(mail.attachments[0]!.content, 'base64');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf);
    // 3 × £12.50 = £37.50 + £7.50 VAT + £4.99 shipping + £1.00 VAT = £50.99
    expect(text).toContain(stored.invoiceNumber);
    expect(text).toContain('£50.99');
    expect(text).toContain('E2E-1');

    // The invoice carries its RF reference; the email and the PDF say where to pay and what to quote.
    const invoice = ((await admin('/_local/invoices')).invoices as any[]).find((i) => i.number === stored.invoiceNumber);
    const printed = invoice.paymentReference as string;
    expect(printed).toBe(`RF${printed.slice(2, 4)}${stored.invoiceNumber.replaceAll('-', '')}`);
    const spaced = printed.replace(/(.{4})(?=.)/g, '$1 ');
    expect(mail.body.text).toContain(`quoting the payment reference ${spaced}.`);
    expect(mail.body.text).toContain('IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22');
    expect(text).toContain(spaced);
    expect(text).toContain('IBAN GB62 DEMO 0000 0012 3456 78');

    // A transfer recorded by hand that quotes only that reference (spaced, in lower case) pays the invoice.
    const paid = await post('/finance/payments', { externalId: 'E2E-1-TRANSFER', amount: invoice.total, currency: 'GBP', receivedOn: invoice.issueDate, remittance: `payment ${spaced.toLowerCase()}` });
    expect(paid.status).toBe(202);
    await until('paid by reference', async () => ((await admin('/_local/invoices')).invoices as any[]).find((i) => i.number === stored.invoiceNumber && i.balance === 0 && i.status === 'paid'));

    // It shipped through the production path: the signed webhook to the (simulated) warehouse, which called back,
    // and the o2c.FulfilmentRequested event on the O2c-dev bus, with the same request.
    const delivered = stack.warehouse.deliveries.filter((d) => d.orderId === id);
    expect(delivered.map((d) => [d.status, d.requestId])).toEqual([[202, `fulfilment-${id}`]]);
    expect(delivered[0]!.body).toMatchObject({ reference: 'E2E-1', lines: [{ sku: 'MUG-01', quantity: 3 }], shipTo: { city: 'York', country: 'GB' }, callbackUrl: `${stack.apiUrl}/fulfilment/${id}/shipment` });
    const event = stack.events.find((e) => e.detailType === 'o2c.FulfilmentRequested' && (e.detail as { orderId: string }).orderId === id);
    expect(event).toMatchObject({ bus: 'O2c-dev', source: 'o2c', detail: delivered[0]!.body });
  }, 40_000);

  it('holds an order over the credit limit until finance approves, and tells the customer when finance rejects', async () => {
    const held = (await post('/orders', order('E2E-2', 'owner@corner-shop.example', 15))).body.orderId as string; // £225.00 vs £200 limit
    await until('credit hold', async () => (await admin(`/_local/orders/${held}`)).execution?.waitingIn?.includes('WaitForCreditReview'));
    expect(await orderStatus(held)).toBe('credit_hold');
    await until('the review request to finance', async () => (await mails()).find((m) => m.subject.includes('Credit review needed') && m.body.text?.includes(held)));
    const decided = await post(`/finance/orders/${held}/credit-decision`, { decision: 'approve', note: 'paid on time for years' });
    expect(decided.status).toBe(200);
    await until('the held order invoiced', async () => (await orderStatus(held)) === 'invoiced');

    // A customer seen for the first time has no credit limit yet: held for review.
    const refused = (await post('/orders', order('E2E-3', 'first.timer@example.net', 1))).body.orderId as string;
    await until('second hold', async () => (await admin(`/_local/orders/${refused}`)).execution?.waitingIn?.includes('WaitForCreditReview'));
    // The wait is answerable once request-credit-review has kept its token; its email to finance comes after that.
    await until('the second review request', async () => (await mails()).find((m) => m.subject.includes('Credit review needed') && m.body.text?.includes(refused)));
    expect((await post(`/finance/orders/${refused}/credit-decision`, { decision: 'reject', note: 'limit reached' })).status).toBe(200);
    await until('rejection', async () => (await orderStatus(refused)) === 'rejected');
    const told = await until('the rejection email', async () => (await mails()).find((m) => m.subject.includes('We cannot fulfil your order E2E-3')));
    expect(told.destination.to).toEqual(['first.timer@example.net']);
    expect((await post(`/finance/orders/${refused}/credit-decision`, { decision: 'approve' })).status).toBe(409);
  }, 60_000);

  it('credit review timeout → escalation → reject with stock back: finance leaves it, the second approver is asked, then the customer is told in words', async () => {
    const onHandNow = async () => (await stack.doc.send(new GetCommand({ TableName: stack.tableName, Key: Keys.product('MUG-01') }))).Item!.onHand as number;
    const before = await onHandNow();
    const id = (await post('/orders', order('E2E-CR1', 'new.buyer@hardware-store.example', 2))).body.orderId as string; // a new customer: no limit, held
    await until('the review request to finance', async () => (await mails()).find((m) => m.subject.includes('Credit review needed') && m.body.text?.includes(id)));
    expect(await onHandNow()).toBe(before - 2);
    const view = await get(`/finance/orders/${id}/credit`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ orderId: id, status: 'credit_hold', exposure: { currency: 'GBP', thisOrder: 3_000, total: 3_000 }, customer: { creditLimit: { amount: 0, currency: 'GBP' } }, history: { invoices: 0 } });
    expect(stack.sfn.expire(id, 'WaitForCreditReview')).toBe(true); // its 7 days are up
    const asked = await until('the second approver asked', async () => (await mails()).find((m) => m.subject.startsWith('Second approval needed') && m.body.text?.includes(id)));
    expect(asked.destination.to).toEqual(['credit-manager@example.com']);
    await until('waiting for the second approver', async () => (await admin(`/_local/orders/${id}`)).execution?.waitingIn?.includes('WaitForSecondApprover'));
    expect(stack.sfn.expire(id, 'WaitForSecondApprover')).toBe(true); // and theirs
    const o = await until('the rejected order', async () => {
      const r = await admin(`/_local/orders/${id}`);
      return r.execution?.status === 'SUCCEEDED' && r.order.status === 'rejected' ? r : undefined;
    });
    expect(o.order.reason).toBe('credit review not decided in time');
    expect(await onHandNow()).toBe(before);
    const told = await until('the customer told', async () => (await mails()).find((m) => m.destination.to.includes('new.buyer@hardware-store.example') && m.subject.includes('E2E-CR1')));
    expect(told.body.text).toContain('we could not complete the credit review for this order in time');
    expect((await mails()).some((m) => m.subject === `o2c: order ${id} stopped in its workflow`)).toBe(false);
  }, 60_000);

  it('a time-boxed approval covers the customer’s next order without another review', async () => {
    const email = 'buyer@seasonal-goods.example';
    expect((await post('/finance/customers', { email, name: 'Seasonal Goods Ltd', creditLimit: { amount: 14_000, currency: 'GBP' } })).status).toBe(201);
    const first = (await post('/orders', order('E2E-CR2', email, 10))).body.orderId as string; // £150.00 over the £140.00 limit, within the band
    await until('the review request', async () => (await mails()).find((m) => m.subject.includes('Credit review needed') && m.body.text?.includes(first)));
    const view = (await get(`/finance/orders/${first}/credit`)).body;
    const until30 = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const upTo = { amount: view.exposure.total + 100_000, currency: 'GBP' };
    const short = await post(`/finance/orders/${first}/credit-decision`, { decision: 'approve', upTo: { amount: view.exposure.total - 1, currency: 'GBP' }, until: until30 });
    expect(short.status).toBe(422);
    expect(short.body.message).toContain('does not cover this order');
    const decided = await post(`/finance/orders/${first}/credit-decision`, { decision: 'approve', upTo, until: until30, note: 'season' });
    expect(decided.status).toBe(200);
    expect(decided.body.approval).toMatchObject({ upTo: upTo.amount, currency: 'GBP', until: until30 });
    await until('the first invoiced', async () => (await orderStatus(first)) === 'invoiced');
    const next = (await post('/orders', order('E2E-CR3', email, 10))).body.orderId as string; // £300.00 with the first: over the limit, within the approval
    const o = await until('the next invoiced', async () => {
      const r = await admin(`/_local/orders/${next}`);
      return r.order?.status === 'invoiced' ? r : undefined;
    });
    expect(o.timeline.find((e: { step: string }) => e.step === 'credit').detail).toMatch(/^within the approval of £[\d,.]+ until /);
    expect((await mails()).some((m) => m.subject.includes('Credit review needed') && m.body.text?.includes(next))).toBe(false);
  }, 60_000);

  it('creates one order and one invoice from a duplicate post', async () => {
    const body = order('E2E-4', 'inkop@nordisk-design.example', 1);
    const [a, b] = [await post('/orders', body), await post('/orders', body)];
    expect(a.body.orderId).toBe(b.body.orderId);
    expect(b.body.duplicate).toBe(true);
    await until('invoice', async () => (await orderStatus(a.body.orderId)) === 'invoiced');
    await new Promise((r) => setTimeout(r, 1_000));
    const invoices = (await admin('/_local/invoices')).invoices.filter((i: { orderReference?: string }) => i.orderReference === 'E2E-4');
    expect(invoices).toHaveLength(1);
    // Nordisk Design AB (local/seed.ts) reads Swedish: its invoice email is "Faktura …" — once, after render-documents attached the PDF.
    const faktura = (m: Mail) => m.subject.startsWith(`Faktura ${invoices[0].number}`);
    await until('the invoice email', async () => (await mails()).some(faktura));
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await mails()).filter(faktura)).toHaveLength(1);
  }, 40_000);

  it('writes to a Swedish customer in Swedish: the confirmation, the shipping notice and the invoice email, with Swedish dates and amounts in the currency\'s own sign', async () => {
    // Nordisk Design AB (local/seed.ts) reads Swedish. 2 × £12.50 + 20% VAT = £30.00. Its AP portal takes e-invoices.
    const nordisk = (await get('/finance/customers?email=inkop@nordisk-design.example')).body.customerId as string;
    const patched = await fetch(`${stack.apiUrl}/finance/customers/${nordisk}`, { method: 'PATCH', headers: { 'content-type': 'application/json', 'x-api-key': stack.financeKey }, body: JSON.stringify({ eInvoice: true, vatNumber: 'SE556677889901', peppolId: { scheme: '0007', id: '5566778899' }, reason: 'AP portal takes Peppol' }) });
    expect(patched.status).toBe(200);
    const res = await post('/orders', order('E2E-SV-1', 'inkop@nordisk-design.example', 2));
    expect(res.status).toBe(202);
    const id = res.body.orderId as string;
    await until('the invoice', async () => (await orderStatus(id)) === 'invoiced');
    const { order: stored } = await admin(`/_local/orders/${id}`);
    const mine = async () => (await mails()).filter((m) => m.destination.to[0] === 'inkop@nordisk-design.example' && (m.subject.includes('E2E-SV-1') || m.subject.includes(stored.invoiceNumber)));
    const SV_DATE = /\d{1,2} (januari|februari|mars|april|maj|juni|juli|augusti|september|oktober|november|december) \d{4}/;

    const confirmed = await until('the Swedish confirmation', async () => (await mine()).find((m) => m.subject === 'Orderbekräftelse: E2E-SV-1'));
    expect(confirmed.body.text).toMatch(/^Hej Nordisk Design AB,\n\nTack för din beställning E2E-SV-1\. Vi har bekräftat den och hör av oss när den skickas\./);
    expect(confirmed.body.text).toContain('  2 × Stoneware mug, 350 ml (MUG-01)  25,00\u00a0£');
    expect(confirmed.body.text).toContain('Totalt 30,00\u00a0£ (varav moms 5,00\u00a0£)');

    const shipped = await until('the Swedish shipping notice', async () => (await mine()).find((m) => m.subject === 'Din beställning E2E-SV-1 har skickats'));
    expect(shipped.body.text).toMatch(new RegExp(`Din beställning E2E-SV-1 lämnade vårt lager den ${SV_DATE.source} med `));

    const invoiced = await until('the Swedish invoice email', async () => (await mine()).find((m) => m.subject === `Faktura ${stored.invoiceNumber} (din beställning E2E-SV-1) från Example Trading Ltd`));
    const text = invoiced.body.text!;
    expect(text).toMatch(new RegExp(`^Hej Nordisk Design AB,\n\nBifogat finns faktura ${stored.invoiceNumber} \\(din beställning E2E-SV-1\\) på 30,00\u00a0£, med förfallodag ${SV_DATE.source} \\(2 % kassarabatt vid betalning inom 10 dagar, annars 30 dagar netto\\)\\. Betalar du 29,40\u00a0£ senast ${SV_DATE.source} får du kassarabatt\\.`));
    expect(text).toContain('Betala till IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22');
    expect(text).toMatch(/och ange betalningsreferensen RF\d\d( \w{4})+/);
    expect(invoiced.attachments.map((a) => a.filename)).toEqual([`${stored.invoiceNumber}.pdf`, `${stored.invoiceNumber}.xml`]);
    // The PDF in Swedish; the Peppol BIS 3 UBL beside it validates as the receiver's access point would check it.
    const pdfBytes = Buffer.from(invoiced.attachments[0]!.content, 'base64');
    expect(pdfText(pdfBytes)).toMatch(/^FAKTURA\n[\s\S]*Fakturanummer/);
    const ubl = Buffer.from(invoiced.attachments[1]!.content, 'base64').toString('utf8');
    expect(ubl).toContain('<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>');
    expect(ubl).toContain('<cbc:CompanyID>SE556677889901</cbc:CompanyID>');
    const report = await validateUbl(ubl);
    expect(report.valid, describeReport(report)).toBe(true);
    // Nothing in English, no minor units, no o2c ids.
    for (const m of [confirmed, shipped, invoiced]) {
      expect(m.body.text).not.toMatch(/Dear|thank you|please|your order|due on|\b3000\b|\b2500\b/i);
      expect(`${m.subject}\n${m.body.text}`).not.toContain(id);
    }
  }, 120_000);

  it('tells a Japanese customer in Japanese why a B2B order at the wrong price is rejected: their own unit price, never the catalog\'s, minor units or o2c ids', async () => {
    // 東京トレーディング株式会社 (local/seed.ts) reads Japanese; the catalog sells MUG-01 at £12.50, the order says £9.99.
    const body = order('E2E-JA-1', 'buyer@tokyo-trading.example', 1);
    const res = await post('/orders', { ...body, lines: [{ ...body.lines[0], unitPrice: 999 }] });
    expect(res.status).toBe(202);
    const id = res.body.orderId as string;
    await until('the rejection', async () => (await orderStatus(id)) === 'rejected');
    const told = await until('the Japanese rejection', async () => (await mails()).find((m) => m.subject === 'ご注文 E2E-JA-1 をお受けできませんでした'));
    expect(told.destination.to).toEqual(['buyer@tokyo-trading.example']);
    expect(told.body.text).toMatch(/^東京トレーディング株式会社 様\n/);
    expect(told.body.text).toContain('（理由：Stoneware mug, 350 ml（MUG-01） は単価 £9.99 では販売しておりません。最新の価格は当社までお問い合わせください）');
    expect(told.body.text).not.toMatch(/12\.50|1250|999\b|not sold/);
    expect(told.body.text).not.toContain(id);
  }, 60_000);

  it('moves a poison message to its DLQ, and status shows it', async () => {
    const payments = stack.topology.queues.find((q) => q.deadLetter && stack.topology.eventSources.some((e) => e.queue === q.logicalId && stack.topology.functions.find((f) => f.logicalId === e.fn)?.name === 'apply-payment'))!;
    const dlq = stack.topology.queues.find((q) => q.logicalId === payments.deadLetter!.logicalId)!;
    await stack.queues.client.send(new SendMessageCommand({ QueueUrl: stack.queues.url(payments.name), MessageBody: '{"amount": "lots"}' }));
    const status = await until(
      'the poison message in the DLQ',
      async () => {
        const s = await admin('/_local/status');
        return s.queues.find((q: { queue: string; visible: number }) => q.queue === dlq.name && q.visible === 1) ? s : undefined;
      },
      30_000,
    );
    expect(status.queues.find((q: { queue: string }) => q.queue === payments.name).visible).toBe(0);
  }, 40_000);

  const shopifyOrder = (id: number, extra: Record<string, unknown> = {}) => {
    const o = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/shopify/orders-paid-gbp.json'), 'utf8'));
    return JSON.stringify({ ...o, id, name: `#${id}`, ...extra });
  };
  const deliverShopify = (body: string, topic: string) =>
    fetch(`${stack.apiUrl}/webhooks/shopify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-shop-domain': 'o2c-demo.myshopify.com',
        'x-shopify-hmac-sha256': createHmac('sha256', process.env.O2C_SHOPIFY_WEBHOOK_SECRET || DEV_SECRETS.O2C_SHOPIFY_WEBHOOK_SECRET).update(body).digest('base64'),
      },
      body,
    });
  const onHand = async (sku: string) => (await stack.doc.send(new GetCommand({ TableName: stack.tableName, Key: Keys.product(sku) }))).Item!.onHand as number;

  it('makes one order and one invoice of 20 simultaneous deliveries of a Shopify order, by two topics', async () => {
    const body = shopifyOrder(7001);
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => deliverShopify(body, i % 2 ? 'orders/paid' : 'orders/create')));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    const ids = new Set(await Promise.all(answers.map(async (a) => ((await a.json()) as { orderId: string }).orderId)));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    await until('the invoice', async () => (await orderStatus(id!)) === 'invoiced');
    await new Promise((r) => setTimeout(r, 1_000));
    const invoices = (await admin('/_local/invoices')).invoices.filter((i: { orderReference?: string }) => i.orderReference === '#7001');
    expect(invoices).toHaveLength(1);
    // Paid on Shopify: issued as paid, for Shopify's total to the penny.
    expect(invoices[0]).toMatchObject({ total: 3949, balance: 0, status: 'paid' });
  }, 60_000);

  it('cancels an order on hold when Shopify cancels it: workflow stopped, stock back', async () => {
    const before = await onHand('MUG-01');
    const terms = { financial_status: 'pending', email: 'new.shopper@example.net', customer: { email: 'new.shopper@example.net', first_name: 'New', last_name: 'Shopper' } };
    const res = await deliverShopify(shopifyOrder(7002, terms), 'orders/create');
    const id = ((await res.json()) as { orderId: string }).orderId;
    await until('credit hold', async () => (await admin(`/_local/orders/${id}`)).execution?.waitingIn?.includes('WaitForCreditReview'));
    expect(await onHand('MUG-01')).toBe(before - 2);
    const cancel = await deliverShopify(shopifyOrder(7002, { ...terms, cancelled_at: '2026-11-22T12:00:00Z', cancel_reason: 'customer' }), 'orders/cancelled');
    expect(cancel.status).toBe(202);
    const o = await until('cancellation', async () => {
      const r = await admin(`/_local/orders/${id}`);
      return r.order.status === 'cancelled' ? r : undefined;
    });
    expect(o.execution.status).toBe('ABORTED');
    expect(await onHand('MUG-01')).toBe(before);
  }, 60_000);

  it('a Shopify cancellation that arrives before its order: the later create is a cancelled order, no workflow, no alert to finance', async () => {
    const terms = { financial_status: 'pending', email: 'early.cancel@example.net', customer: { email: 'early.cancel@example.net', first_name: 'Early', last_name: 'Cancel' } };
    const cancel = await deliverShopify(shopifyOrder(7003, { ...terms, cancelled_at: '2026-11-22T12:00:00Z', cancel_reason: 'customer' }), 'orders/cancelled');
    expect(cancel.status).toBe(202);
    const res = await deliverShopify(shopifyOrder(7003, terms), 'orders/create');
    expect(res.status).toBe(202);
    const id = ((await res.json()) as { orderId: string }).orderId;
    await new Promise((r) => setTimeout(r, 1_500)); // time for a workflow to start, were one queued
    const o = await admin(`/_local/orders/${id}`);
    expect(o.order.status).toBe('cancelled');
    expect(o.execution).toBeFalsy();
    expect((await mails()).some((m) => m.subject === `o2c: order ${id} stopped in its workflow`)).toBe(false);
  }, 30_000);

  it('rejects an order the warehouse cannot ship: stock back, the customer told in words (not the warehouse\'s), the workflow ends rejected, finance not alarmed', async () => {
    const email = 'purchasing@acme-retail.example';
    const id = (await post('/orders', order('E2E-5', email, 1))).body.orderId as string;
    stack.warehouse.leave(id); // this test answers as the warehouse
    // `fulfilling` is set once fulfil-order has stored the task token.
    await until('fulfilment', async () => (await orderStatus(id)) === 'fulfilling', 20_000);
    const failed = await post(`/fulfilment/${id}/shipment`, { failed: true, reason: 'bin A4 flooded' });
    expect(failed.status).toBe(202);
    const o = await until('the rejected order', async () => {
      const r = await admin(`/_local/orders/${id}`);
      return r.execution?.status === 'SUCCEEDED' ? r : undefined;
    });
    expect(o.order).toMatchObject({ status: 'rejected', reason: 'it could not be shipped from our warehouse' });
    const reservation = (await stack.doc.send(new GetCommand({ TableName: stack.tableName, Key: Keys.reservation(id, 'MUG-01') }))).Item;
    expect(reservation).toMatchObject({ state: 'released' });
    const told = await until('the customer told', async () => (await mails()).find((m) => m.subject === 'We cannot fulfil your order E2E-5'));
    expect(told.destination.to).toEqual([email]);
    expect(told.body.text).toContain('it could not be shipped from our warehouse');
    expect(told.body.text).not.toContain('flooded');
    expect((await mails()).some((m) => m.subject === `o2c: order ${id} stopped in its workflow`)).toBe(false);
  }, 40_000);

  it('warehouse 4xx → failure path with stock back: the webhook refused with 422, the order rejected with its reason on the timeline, stock released', async () => {
    const before = await onHand('MUG-01');
    stack.warehouse.refuse('E2E-W4', 'SKU MUG-01 is not stocked at this site');
    const id = (await post('/orders', order('E2E-W4', 'purchasing@acme-retail.example', 2))).body.orderId as string;
    const o = await until('the rejected order', async () => {
      const r = await admin(`/_local/orders/${id}`);
      return r.execution?.status === 'SUCCEEDED' && r.order.status === 'rejected' ? r : undefined;
    });
    expect(stack.warehouse.deliveries.filter((d) => d.orderId === id).map((d) => d.status)).toEqual([422]);
    expect(o.timeline.find((e: { step: string }) => e.step === 'warehouse').detail).toBe('failed: the warehouse refused the fulfilment request (HTTP 422): SKU MUG-01 is not stocked at this site');
    expect(o.order.reason).toBe('it could not be shipped from our warehouse');
    expect(await onHand('MUG-01')).toBe(before);
    const reservation = (await stack.doc.send(new GetCommand({ TableName: stack.tableName, Key: Keys.reservation(id, 'MUG-01') }))).Item;
    expect(reservation).toMatchObject({ state: 'released' });
  }, 40_000);

  it('fulfilment timeout → stock back: the warehouse never answers, the wait times out, ReleaseStock puts the stock back, finance is told, the order stays fulfilling', async () => {
    const before = await onHand('MUG-01');
    const id = (await post('/orders', order('E2E-TO', 'purchasing@acme-retail.example', 2))).body.orderId as string;
    stack.warehouse.leave(id);
    // Handed over (the token kept, the signed request received), then nothing.
    await until('the hand-off', async () => (await orderStatus(id)) === 'fulfilling' && stack.warehouse.deliveries.some((d) => d.orderId === id), 20_000);
    expect(await onHand('MUG-01')).toBe(before - 2);
    expect(stack.sfn.expire(id, 'WaitForFulfilment')).toBe(true); // its 14 days are up
    const o = await until('the failed workflow', async () => {
      const r = await admin(`/_local/orders/${id}`);
      return r.execution?.status === 'FAILED' ? r : undefined;
    });
    expect(o.execution.error).toBe('OrderWorkflowFailed');
    expect(o.order.status).toBe('fulfilling');
    expect(o.timeline.find((e: { step: string }) => e.step === 'workflow-failed').detail).toBe('States.Timeout: stock of 1 line(s) put back; the order stays fulfilling for finance to decide');
    expect(await onHand('MUG-01')).toBe(before);
    const told = await until('finance told', async () => (await mails()).find((m) => m.subject === `o2c: order ${id} stopped in its workflow`));
    expect(told.body.text).toContain('The stock it still held was put back');
    // The warehouse answering after the timeout is too late: 409, nothing moves.
    const late = await post(`/fulfilment/${id}/shipment`, { carrier: 'DPD', service: 'Next Day', trackingNumber: 'LATE1', shippedAt: new Date().toISOString() });
    expect(late.status).toBe(409);
    expect(await onHand('MUG-01')).toBe(before);
  }, 40_000);

  it('partial shipment → two shipments, one invoice (invoiceOn order): each parcel recorded once and mailed with its tracking, too many refused, the order invoiced for what shipped once complete', async () => {
    const email = 'purchasing@acme-retail.example';
    const before = await onHand('MUG-01');
    const id = (await post('/orders', order('E2E-P1', email, 3))).body.orderId as string;
    stack.warehouse.leave(id); // this test answers as the warehouse
    await until('fulfilment', async () => (await orderStatus(id)) === 'fulfilling', 20_000);
    const parcel = (shipmentId: string, quantity: number) => ({ shipmentId, lines: [{ sku: 'MUG-01', quantity }], carrier: 'DPD', service: 'Next Day', trackingNumber: `TRK-${shipmentId}` });

    const first = await post(`/fulfilment/${id}/shipments`, parcel('P1-A', 1));
    expect(first).toEqual({ status: 202, body: { orderId: id, shipmentId: 'P1-A', recorded: 'shipment', complete: false, open: [{ sku: 'MUG-01', quantity: 2 }] } });
    expect((await post(`/fulfilment/${id}/shipments`, parcel('P1-A', 1))).body.open).toEqual([{ sku: 'MUG-01', quantity: 2 }]); // the same parcel again
    const tooMany = await post(`/fulfilment/${id}/shipments`, parcel('P1-X', 3));
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.message).toBe('3 × Stoneware mug, 350 ml (MUG-01) cannot be shipped: 3 ordered, 1 shipped, 0 cancelled, only 2 are left to ship');
    expect(await orderStatus(id)).toBe('fulfilling');

    expect((await post(`/fulfilment/${id}/shipments`, parcel('P1-B', 2))).body).toMatchObject({ complete: true, open: [] });
    await until('the invoice', async () => (await orderStatus(id)) === 'invoiced', 30_000);
    const invoices = ((await admin('/_local/invoices')).invoices as any[]).filter((i) => i.orderReference === 'E2E-P1');
    expect(invoices.map((i) => i.total)).toEqual([4500]); // 3 × £12.50 + 20 % VAT
    const parcels = (await mails()).filter((m) => m.destination.to.includes(email) && m.subject.includes('E2E-P1 has shipped'));
    expect(parcels.map((m) => m.subject).sort()).toEqual(['Part of your order E2E-P1 has shipped', 'Your order E2E-P1 has shipped']);
    expect(parcels.find((m) => m.subject.startsWith('Part'))!.body.text).toContain('Tracking number: TRK-P1-A\n\nIn this parcel:\n  1 × Stoneware mug, 350 ml\n\nStill to follow:\n  2 × Stoneware mug, 350 ml');
    const reservation = (await stack.doc.send(new GetCommand({ TableName: stack.tableName, Key: Keys.reservation(id, 'MUG-01') }))).Item;
    expect(reservation).toMatchObject({ state: 'shipped', quantity: 3, shipped: 3, released: 0 });
    expect(await onHand('MUG-01')).toBe(before - 3);
    expect((await post(`/fulfilment/${id}/shipments`, parcel('P1-C', 1))).status).toBe(409); // complete: nothing waits any more
  }, 60_000);

  it('refunds a rejected prepaid Stripe order once at the local Stripe endpoint, even when its refund message is delivered again', async () => {
    // 41 lamps where 40 are in stock: backordered until validation gives up (the local Wait is short), then rejected.
    const session = JSON.parse(readFileSync(resolve(import.meta.dirname, '../fixtures/stripe/checkout-session-completed-gbp.json'), 'utf8'));
    const object = {
      ...session.data.object,
      id: 'cs_test_e2e_refund',
      client_reference_id: 'WEB-REFUND-1',
      payment_intent: 'pi_e2e_refund',
      amount_subtotal: 41 * 8900,
      amount_total: 41 * 8900,
      total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
      line_items: { data: [{ description: 'Brass desk lamp', quantity: 41, amount_subtotal: 41 * 8900, amount_discount: 0, amount_tax: 0, price: { id: 'LAMP-3', unit_amount: 8900 } }] },
    };
    const body = JSON.stringify({ ...session, id: 'evt_e2e_refund', created: Math.floor(Date.now() / 1000), data: { object } });
    const t = Math.floor(Date.now() / 1000);
    const secret = process.env.O2C_STRIPE_WEBHOOK_SECRET || DEV_SECRETS.O2C_STRIPE_WEBHOOK_SECRET;
    const signature = `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
    const res = await fetch(`${stack.apiUrl}/webhooks/stripe`, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': signature }, body });
    expect(res.status).toBe(202);
    const id = ((await res.json()) as { orderId: string }).orderId;
    await until('the rejection', async () => (await orderStatus(id)) === 'rejected', 60_000);
    const refunded = await until('the refund at Stripe', async () => stack.stripe.refunds.find((r) => r.payment_intent === 'pi_e2e_refund'), 20_000);
    expect(refunded).toMatchObject({ object: 'refund', amount: 364_900, status: 'succeeded', id: expect.stringMatching(/^re_/) });
    const listed = await until('refunded in o2c', async () => {
      const r = (await get('/finance/refunds?status=refunded')).body.refunds as any[];
      return r.find((x) => x.orderId === id);
    });
    expect(listed).toMatchObject({ platform: 'stripe', amount: { amount: 364_900, currency: 'GBP' }, platformRefundId: refunded.id, paymentReference: { paymentIntent: 'pi_e2e_refund' } });

    // The refund message delivered again (an SQS redelivery): the consumer runs, Stripe records nothing new.
    const queue = stack.topology.queues.find((q) => q.deadLetter && stack.topology.eventSources.some((e) => e.queue === q.logicalId && stack.topology.functions.find((f) => f.logicalId === e.fn)?.name === 'refund-payment'))!;
    const runs = stack.host.invocations.get('refund-payment') ?? 0;
    await stack.queues.client.send(new SendMessageCommand({ QueueUrl: stack.queues.url(queue.name), MessageBody: JSON.stringify({ kind: 'refund', refundId: listed.refundId }) }));
    await until('the redelivered refund handled', async () => (stack.host.invocations.get('refund-payment') ?? 0) > runs);
    await new Promise((r) => setTimeout(r, 500));
    expect(stack.stripe.refunds.filter((r) => r.payment_intent === 'pi_e2e_refund')).toHaveLength(1);
    const mail = await until('the refund email', async () => (await mails()).find((m) => m.subject === 'Refund of £3,649.00 for your order WEB-REFUND-1'));
    expect(mail.destination.to).toEqual(['jo.bloggs@example.org']);
    const cli = await financeCommand(financeApi({ O2C_API_PORT: new URL(stack.apiUrl).port, O2C_FINANCE_KEY: stack.financeKey }), 'refunds', [], { status: 'refunded' });
    expect(cli).toContain('£3,649.00');
    expect(cli).toContain('WEB-REFUND-1');
    expect((await get('/finance/ledger/trial-balance')).body.balanced).toBe(true);
  }, 90_000);

  it('refuses each caller on the others\' routes (403), and unknown keys (401), writing nothing', async () => {
    const shipment = { carrier: 'DPD', service: 'next-day', trackingNumber: 'X1', shippedAt: '2026-11-22T09:00:00Z' };
    expect((await post('/fulfilment/ord_none/shipment', shipment, { 'x-api-key': stack.apiKey })).status).toBe(403);
    expect((await post('/orders', order('E2E-R1', 'roles@example.net', 1), { 'x-api-key': stack.warehouseKey })).status).toBe(403);
    expect((await post('/orders', order('E2E-R2', 'roles@example.net', 1), { 'x-api-key': stack.financeKey })).status).toBe(403);
    expect((await post('/finance/customers', { email: 'x@example.net', name: 'X' }, { 'x-api-key': stack.apiKey })).status).toBe(403);
    expect((await post('/finance/customers', { email: 'x@example.net', name: 'X' }, { 'x-api-key': 'guess' })).status).toBe(401);
    expect((await get('/finance/customers?email=x@example.net')).status).toBe(404);
  });

  it('approves the first order on terms of a customer finance set a limit for, then credits its invoice: balance, ledger and audit', async () => {
    const email = 'new.trade@example.net';
    const created = await post('/finance/customers', { email, name: 'New Trade Ltd', creditLimit: { amount: 100_000, currency: 'GBP' }, taxId: 'GB123456789' });
    expect(created.status).toBe(201);
    expect((await post('/finance/customers', { email, name: 'New Trade Ltd' })).status).toBe(409);
    expect((await get(`/finance/customers?email=${email}`)).body).toMatchObject({ customerId: created.body.customerId, creditLimit: { amount: 100_000, currency: 'GBP' } });

    const orderId = (await post('/orders', order('E2E-FIN-1', email, 4))).body.orderId as string; // £60.00 within £1,000
    const invoice = await until('invoiced', async () => ((await admin('/_local/invoices')).invoices as any[]).find((i) => i.orderReference === 'E2E-FIN-1'));
    expect((await mails()).some((m) => m.subject.includes('Credit review') && m.subject.includes('E2E-FIN-1'))).toBe(false);
    expect(invoice).toMatchObject({ total: 6000, balance: 6000 });

    const credit = await post(`/finance/invoices/${invoice.number}/credit-notes`, { amount: { amount: 1200, currency: 'GBP' }, reason: 'one mug arrived broken' });
    expect(credit.status).toBe(201);
    expect(credit.body).toMatchObject({ creditNoteNumber: expect.stringMatching(/^CN-\d{4}-000001$/), total: { amount: 1200, currency: 'GBP' }, tax: { amount: 200, currency: 'GBP' } });
    expect(((await admin('/_local/invoices')).invoices as any[]).find((i) => i.number === invoice.number)).toMatchObject({ balance: 4800 });
    const mailed = await until('credit note mailed', async () => (await mails()).find((m) => m.subject.startsWith(`Credit note ${credit.body.creditNoteNumber}`)));
    expect(mailed.destination.to).toEqual([email]);
    expect(mailed.attachments.map((a) => a.filename)).toEqual([`${credit.body.creditNoteNumber}.pdf`]);
    const tooMuch = await post(`/finance/invoices/${invoice.number}/credit-notes`, { amount: { amount: 5000, currency: 'GBP' }, reason: 'more than is left' });
    expect(tooMuch.status).toBe(409);
    const trail = (await get(`/finance/audit?entity=invoice:${invoice.number}`)).body.entries as any[];
    expect(trail).toHaveLength(1);
    expect(trail[0]).toMatchObject({ action: 'invoice.credit-note', actor: 'finance key', before: { balance: { amount: 6000, currency: 'GBP' } }, after: { balance: { amount: 4800, currency: 'GBP' }, creditNote: credit.body.creditNoteNumber }, reason: 'one mug arrived broken' });
    const books = (await get('/finance/ledger/trial-balance')).body;
    expect(books.balanced).toBe(true);
    expect(books.currencies[0].debits).toEqual(books.currencies[0].credits);
    expect((await get('/finance/ledger/trial-balance?asOf=2026-02-30')).status).toBe(422);
    void orderId;
  }, 40_000);

  it('carries out the dunning policy: a courtesy letter 3 days before due, one letter for three invoices (the disputed one left out), the fee once after two runs, final notice → credit hold → the next order held', async () => {
    const port = new URL(stack.apiUrl).port;
    const api = financeApi({ O2C_API_PORT: port, O2C_FINANCE_KEY: stack.financeKey });
    const email = 'disputes@example.net';
    expect((await post('/finance/customers', { email, name: 'Dispute Test Ltd', creditLimit: { amount: 100_000, currency: 'GBP' }, taxId: 'GB555444333' })).status).toBe(201);
    const refs = ['E2E-DSP-1', 'E2E-DSP-2', 'E2E-DSP-3', 'E2E-DSP-4'];
    await Promise.all(refs.map((r, i) => post('/orders', order(r, email, i + 2))));
    const invoiceOf = (ref: string) => until(`invoice ${ref}`, async () => ((await admin('/_local/invoices')).invoices as any[]).find((i) => i.orderReference === ref));
    const [disputed, ...unsorted] = await Promise.all(refs.map(invoiceOf));
    const chased = unsorted.sort((a, b) => a.number.localeCompare(b.number)); // numbered in the order they were invoiced
    const pounds = (minor: number) => `£${(minor / 100).toFixed(2)}`;
    // Through the CLI: the amount typed as a decimal in the invoice's currency.
    const opened = (await financeCommand(api, 'dispute', ['open', disputed.number, '30.00'], { reason: 'goods never arrived' }))!;
    expect(opened).toMatch(/^dispute +dsp_[0-9a-f]{20}$/m);
    expect(opened).toMatch(/^still chased +£0\.00$/m);
    await expect(financeCommand(api, 'dispute', ['open', disputed.number, '0.01'], { reason: 'more' })).rejects.toThrow(`invoice ${disputed.number} has £0.00 left to dispute`);
    await expect(financeCommand(api, 'promise', [chased[0].number, '2026-02-30'], {})).rejects.toThrow('2026-02-30 is not a calendar date (YYYY-MM-DD)');

    const day = (offset: number) => new Date(Date.parse(`${chased[0].dueDate}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    const run = async (offset: number) => (await post(`/_local/schedules/dunning?asOf=${day(offset)}`, {})).body.result;
    const letters = async () => (await mails()).filter((m) => m.destination.to[0] === email && chased.every((i) => m.subject.includes(i.number)));
    const numbers = chased.map((i) => i.number).join(', ');
    const written = (iso: string) => new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(Date.parse(`${iso}T00:00:00Z`)); // "1 December 2026"

    // Other tests' customers have invoices due that day too: the counts of the run cover them all.
    const courtesyRun = await run(-3);
    // Fanned out: one run-dunning-shard per shard of the next-action index, all done before the CLI answers.
    expect(courtesyRun).toMatchObject({ shards: NEXT_ACTION_SHARDS, done: NEXT_ACTION_SHARDS });
    expect(courtesyRun.letters).toBeGreaterThanOrEqual(1);
    const courtesy = await until('the courtesy letter', async () => (await letters()).find((m) => m.subject === `Coming due: ${numbers}`));
    expect(courtesy.body.text).toContain(`${chased[0].number}, due ${written(chased[0].dueDate)}, due in 3 days: ${pounds(chased[0].total)}`);
    expect(courtesy.body.text).not.toContain(disputed.number); // wholly disputed: not chased
    // The first letter naming the invoices carries each one's PDF beside the statement, and its Stripe payment link.
    expect(courtesy.attachments.map((a) => a.filename)).toEqual([`statement-${day(-3)}.pdf`, ...chased.map((i) => `${i.number}.pdf`)]);
    expect(pdfText(Buffer.from(courtesy.attachments[1]!.content, 'base64'))).toContain(chased[0].number);
    const link = stack.stripe.paymentLinks.find((l) => l.metadata.invoice_number === chased[0].number && l.metadata.dunning_level === 'courtesy')!;
    expect(link).toMatchObject({ amount: chased[0].total, currency: 'gbp', payment_intent_data: { metadata: { invoice_number: chased[0].number } } });
    expect(courtesy.body.text).toContain(`Pay this invoice online: ${link.url}`);

    expect((await run(21)).fees).toBeGreaterThanOrEqual(3);
    expect(await run(21)).toMatchObject({ letters: 0, fees: 0 });
    const firm = await until('the firm letter', async () => (await letters()).find((m) => m.subject === `Overdue payment: ${numbers}`));
    expect(firm.body.text).not.toContain('Despite'); // only a courtesy note went before: no reminder to be "despite"
    expect(firm.body.text).toContain(`${chased[0].number}, due ${written(chased[0].dueDate)}, 21 days overdue: ${pounds(chased[0].total + 4000)} (including late-payment fees £40.00)`);
    expect(firm.body.text).toContain(`If the overdue balance is still unpaid on ${written(day(35))}, new orders on account will be held until it is paid.`);
    expect(pdfText(Buffer.from(firm.attachments[0]!.content, 'base64'))).toContain('Late-payment fees and interest');
    const fees = ((await admin('/_local/invoices')).invoices as any[]).filter((i) => chased.some((c) => c.number === i.number));
    expect(fees.map((i) => i.balance - i.total)).toEqual([4000, 4000, 4000]);

    expect((await run(35)).actions).toBeGreaterThanOrEqual(1);
    const final = await until('the final notice', async () => (await letters()).find((m) => m.subject === `Final notice: ${numbers}`));
    expect(final.body.text).toContain('Your account is now on credit hold');
    expect(final.body.text).toContain(`If the overdue balance is still unpaid on ${written(day(60))}, we will pass the debt to our collection agency.`);
    expect(await financeCommand(api, 'customers', ['show', email], {})).toMatch(new RegExp(`^collections +credit hold since ${day(35)} \\(final\\)$`, 'm'));
    const next = (await post('/orders', order('E2E-DSP-5', email, 1))).body.orderId as string;
    await until('the next order held for review', async () => (await orderStatus(next)) === 'credit_hold');
    expect(final.attachments.map((a) => a.filename)).toEqual([`statement-${day(35)}.pdf`]); // invoices sent with the first letter only

    // The overdue balance is paid (fees included): the hold lifts by itself and the next order goes through.
    const owed = ((await admin('/_local/invoices')).invoices as any[]).filter((i) => chased.some((c) => c.number === i.number));
    for (const inv of owed) await financeCommand(api, 'payments', ['record'], { amount: (inv.balance / 100).toFixed(2), date: inv.issueDate, reference: `E2E-DSP-PAY-${inv.number}`, remittance: inv.number });
    await until('the hold lifted', async () => /^collections +in good standing$/m.test((await financeCommand(api, 'customers', ['show', email], {}))!));
    const trail = (await get(`/finance/audit?entity=customer:${owed[0].customerId}`)).body.entries as any[];
    expect(trail.map((e) => e.action)).toEqual(expect.arrayContaining(['customer.credit-hold', 'customer.collections-lifted']));
    const after = (await post('/orders', order('E2E-DSP-6', email, 1))).body.orderId as string;
    await until('the order after the payment invoiced', async () => (await orderStatus(after)) === 'invoiced', 60_000);
    expect((await get('/finance/ledger/trial-balance')).body.balanced).toBe(true);
  }, 150_000);

  it('runs the finance CLI against the stack: money in its currency, aligned, --json for scripts, clear errors', async () => {
    const port = new URL(stack.apiUrl).port;
    const api = financeApi({ O2C_API_PORT: port, O2C_FINANCE_KEY: stack.financeKey });
    expect(await financeCommand(api, 'customers', ['add'], { email: 'cli@example.net', name: 'CLI Ltd', limit: '1500.00' })).toMatch(/^created cus_[0-9a-f]{20}$/);
    const shown = (await financeCommand(api, 'customers', ['show', 'cli@example.net'], {}))!;
    expect(shown).toContain('credit limit  £1,500.00');
    // one column of values: every label padded to the longest ('credit limit', 12) plus two spaces, then the value
    for (const line of shown.split('\n')) expect(line, line).toMatch(/^[a-z ]{12} {2}\S/);
    const json = JSON.parse((await financeCommand(api, 'customers', ['set', 'cli@example.net'], { limit: '2500.00', json: true }))!);
    expect(json.creditLimit).toEqual({ amount: 250_000, currency: 'GBP' });
    await expect(financeCommand(api, 'payments', ['record'], { amount: '10.00', date: '2026-02-30', reference: 'X' })).rejects.toThrow('--date 2026-02-30 is not a calendar date');
    await expect(financeCommand(api, 'customers', ['show', 'nobody@example.net'], {})).rejects.toThrow('no customer has the email nobody@example.net');
    expect(await financeCommand(api, 'no-such-command', [], {})).toBeUndefined();
  });

  it('answers the finance pack: report show prints it formatted, --json is the route\'s answer, and its AR is every open balance the stack holds', async () => {
    const api = financeApi({ O2C_API_PORT: new URL(stack.apiUrl).port, O2C_FINANCE_KEY: stack.financeKey });
    // Far enough ahead that every dated change (fees charged by dunning runs "as of" later days included) is in it.
    const asOf = '2099-12-31';
    const settled = await until('no invoice moving meanwhile', async () => {
      const before = (await get(`/finance/reports/pack?kind=month-end&asOf=${asOf}`)).body;
      const open = ((await admin('/_local/invoices?open=1')).invoices as any[]).filter((i) => i.currency === 'GBP');
      const after = (await get(`/finance/reports/pack?kind=month-end&asOf=${asOf}`)).body;
      return JSON.stringify(before) === JSON.stringify(after) && { pack: after, open };
    });
    const gbp = settled.pack.currencies.find((c: any) => c.currency === 'GBP') ?? { kpi: { closingAr: 0 }, aging: { total: 0, disputed: 0 } };
    const owed = settled.open.reduce((a: number, i: any) => a + i.balance, 0);
    // The aggregates' AR (added in each transaction) is what the open invoices say; the aging (read from them) agrees.
    expect(gbp.kpi.closingAr).toBe(owed);
    expect(gbp.aging.total + gbp.aging.disputed).toBe(owed);
    const json = JSON.parse((await financeCommand(api, 'report', ['show'], { 'as-of': asOf, json: true }))!);
    expect(json).toEqual(settled.pack);
    const text = (await financeCommand(api, 'report', ['show'], { 'as-of': asOf }))!;
    expect(text.split('\n')[0]).toBe(`${settled.pack.company.name}: month-end pack as of ${asOf} (flows 2099-12-01 … 2099-12-31)`);
    expect(text).toMatch(settled.pack.currencies.length > 0 ? /^closing AR +£[\d,]+\.\d{2}$/m : /^nothing invoiced or open by then$/m);
    const today = (await get('/finance/reports/pack?kind=flash')).body;
    expect(today).toMatchObject({ kind: 'flash', period: { from: today.asOf, to: today.asOf } });
    const bad = await get('/finance/reports/pack?kind=yearly');
    expect(bad.status).toBe(422);
  }, 60_000);

  it('an over-payment recorded by hand leaves unapplied cash finance applies to the next invoice; the statement as of yesterday shows nothing issued today, today\'s the balance left, as text and PDF', async () => {
    const port = new URL(stack.apiUrl).port;
    const api = financeApi({ O2C_API_PORT: port, O2C_FINANCE_KEY: stack.financeKey });
    const email = 'statement@example.net';
    expect((await post('/finance/customers', { email, name: 'Statement Ltd', creditLimit: { amount: 100_000, currency: 'GBP' } })).status).toBe(201);
    await post('/orders', order('E2E-ST-1', email, 2)); // £30.00
    await post('/orders', order('E2E-ST-2', email, 1)); // £15.00
    const invoiceOf = (ref: string) => until(`${ref} invoiced`, async () => ((await admin('/_local/invoices')).invoices as any[]).find((i) => i.orderReference === ref));
    const [first, second] = [await invoiceOf('E2E-ST-1'), await invoiceOf('E2E-ST-2')];
    const today = first.issueDate as string;
    const recorded = JSON.parse((await financeCommand(api, 'payments', ['record'], { amount: '40.00', date: today, reference: 'E2E-ST-CHQ', remittance: first.number, json: true }))!);
    const shown = await until('payment applied', () => financeCommand(api, 'payments', ['show', recorded.paymentId], {}).catch(() => undefined));
    expect(shown).toMatch(/^unapplied +£10\.00$/m);
    expect(await financeCommand(api, 'payments', ['apply', recorded.paymentId], { invoice: second.number, amount: '10.00' })).toBe(`applied £10.00 of ${recorded.paymentId} to ${second.number}; £0.00 left unapplied`);
    const yesterday = new Date(Date.parse(`${today}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(await financeCommand(api, 'statement', [email], { 'as-of': yesterday })).toBe(`statement of Statement Ltd <${email}> as of ${yesterday}\nnothing open: the account is settled`);
    const text = (await financeCommand(api, 'statement', [email], {}))!;
    const rows = text.split('\n');
    const header = rows.find((r) => r.startsWith('invoice'))!;
    const row = rows.find((r) => r.startsWith(second.number))!;
    // money right-aligned under its header: the balance column ends where its header ends
    expect(row.indexOf('£5.00') + '£5.00'.length).toBe(header.indexOf('balance') + 'balance'.length);
    expect(text).not.toContain(first.number);
    expect(text).toMatch(/^net balance +£5\.00$/m);
    const file = resolve(mkdtempSync(resolve(tmpdir(), 'o2c-statement-')), 'statement.pdf');
    expect(await financeCommand(api, 'statement', [email], { pdf: file })).toMatch(/^statement written to .*statement\.pdf \(\d+ bytes\)$/);
    const pdf = pdfText(readFileSync(file));
    expect(pdf).toContain('STATEMENT OF ACCOUNT');
    expect(pdf).toContain(second.number);
    expect((await get('/finance/ledger/trial-balance')).body.balanced).toBe(true);
  }, 40_000);

  it('imports a camt.053 that pays one invoice fully and another partly, lists the bank fee, and changes nothing when the same file comes again; a return in the next file reopens the invoice, once', async () => {
    const port = new URL(stack.apiUrl).port;
    const api = financeApi({ O2C_API_PORT: port, O2C_FINANCE_KEY: stack.financeKey });
    const email = 'bank@example.net';
    expect((await post('/finance/customers', { email, name: 'Bank Payer Ltd', creditLimit: { amount: 100_000, currency: 'GBP' } })).status).toBe(201);
    await Promise.all([post('/orders', order('E2E-BANK-1', email, 2)), post('/orders', order('E2E-BANK-2', email, 4))]); // £30.00, £60.00
    const invoiceOf = (ref: string) => until(`${ref} invoiced`, async () => ((await admin('/_local/invoices')).invoices as any[]).find((i) => i.orderReference === ref));
    const [full, part] = await Promise.all([invoiceOf('E2E-BANK-1'), invoiceOf('E2E-BANK-2')]);
    const day = full.issueDate as string;
    const entry = (ref: string, amount: string, dir: 'CRDT' | 'DBIT', details: string) =>
      `<Ntry><Amt Ccy="GBP">${amount}</Amt><CdtDbtInd>${dir}</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>${day}</Dt></BookgDt><AcctSvcrRef>${ref}</AcctSvcrRef>${details}</Ntry>`;
    const paid = (invoice: string) => `<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Bank Payer Ltd</Nm></Dbtr><DbtrAcct><Id><IBAN>GB82WEST12345698765432</IBAN></Id></DbtrAcct></RltdPties><RmtInf><Ustrd>Payment ${invoice}</Ustrd></RmtInf></TxDtls></NtryDtls>`;
    const camt = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>E2E-BANK-MSG</MsgId><CreDtTm>${day}T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>E2E-BANK-${day}</Id><ElctrncSeqNb>1</ElctrncSeqNb><Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id><Ccy>GBP</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">1052.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>
${entry('E2E-BANK-0001', '30.00', 'CRDT', paid(full.number))}
${entry('E2E-BANK-0002', '25.00', 'CRDT', paid(part.number))}
${entry('E2E-BANK-0003', '2.50', 'DBIT', '<BkTxCd><Domn><Cd>ACMT</Cd><Fmly><Cd>MDOP</Cd><SubFmlyCd>CHRG</SubFmlyCd></Fmly></Domn></BkTxCd>')}
</Stmt></BkToCstmrStmt></Document>`;
    const file = resolve(mkdtempSync(resolve(tmpdir(), 'o2c-bank-')), 'statement.xml');
    writeFileSync(file, camt);

    const imported = JSON.parse((await financeCommand(api, 'bank', ['import', file], { json: true }))!);
    expect(imported.importId).toMatch(/^bi_[0-9a-f]{24}$/);
    expect(imported.alreadyImported).toBeUndefined();
    const done = await until('the credits applied', async () => {
      const r = await get(`/finance/bank-statements/${imported.importId}`);
      return r.body.status === 'applied' && r.body;
    });
    expect(done).toMatchObject({ format: 'camt.053', entries: 3, credits: { count: 2, totals: [{ amount: 5500, currency: 'GBP' }] }, debits: { count: 1 }, queued: 2, pending: 0, applied: { count: 2 }, unapplied: { count: 0 }, autoMatchRate: 1, fees: { count: 1 }, returns: { count: 0 } });
    const balances = async () => Object.fromEntries(((await admin('/_local/invoices')).invoices as any[]).filter((i) => [full.number, part.number].includes(i.number)).map((i) => [i.number, [i.balance, i.status]]));
    expect(await balances()).toEqual({ [full.number]: [0, 'paid'], [part.number]: [3500, 'partially_paid'] });
    const shown = (await financeCommand(api, 'bank', ['show', imported.importId], {}))!;
    expect(shown).toMatch(/^ {2}applied to invoices +2$/m);
    expect(shown).toMatch(/^credits +2 +£55\.00$/m);
    expect(shown).toMatch(/^auto-match rate +100\.0 %$/m);
    const told = await until('the summary email to finance', async () => (await mails()).find((m) => m.subject.startsWith('Bank statement matched') && m.body.text?.includes(imported.importId)));
    expect(told.destination.to).toEqual(['finance@example.com']);
    expect(told.subject).toBe('Bank statement matched: 2 credits, 2 applied automatically (100.0 %)');
    expect(told.body.text).toMatch(/^ {2}Credits +2 +£55\.00$/m);
    expect(told.body.text).toMatch(/^ {6}by invoice-number +2$/m);
    expect(told.body.text).toMatch(/bank fees +1 +£2\.50/);

    const again = await post('/finance/bank-statements', camt, { 'content-type': 'application/xml' });
    expect(again).toMatchObject({ status: 202, body: { importId: imported.importId, alreadyImported: true } });
    expect(await balances()).toEqual({ [full.number]: [0, 'paid'], [part.number]: [3500, 'partially_paid'] });
    expect((await get(`/finance/bank-statements/${imported.importId}`)).body).toMatchObject({ applied: { count: 2 }, queued: 2 });
    const bad = await post('/finance/bank-statements', camt.replace('1052.50', '1052.49'), { 'content-type': 'application/xml' });
    expect(bad.status).toBe(422);
    expect(bad.body.message).toMatch(/do not add up/);
    expect((await get('/finance/ledger/trial-balance')).body.balanced).toBe(true);
    expect((await mails()).filter((m) => m.subject.startsWith('Bank statement matched') && m.body.text?.includes(imported.importId))).toHaveLength(1);

    // The next file returns the payment of the first invoice (quoting its entry reference): the invoice is open again, once.
    const returned = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>E2E-BANK-MSG-2</MsgId><CreDtTm>${day}T20:00:00</CreDtTm></GrpHdr>
<Stmt><Id>E2E-BANK-${day}-2</Id><ElctrncSeqNb>2</ElctrncSeqNb><Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id><Ccy>GBP</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">1052.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">1022.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>
${entry('E2E-BANK-R001', '30.00', 'DBIT', '<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Bank Payer Ltd</Nm></Dbtr></RltdPties><RmtInf><Ustrd>Return of E2E-BANK-0001</Ustrd></RmtInf><RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls>')}
</Stmt></BkToCstmrStmt></Document>`;
    const back = await post('/finance/bank-statements', returned, { 'content-type': 'application/xml' });
    expect(back.status).toBe(202);
    expect((await get(`/finance/bank-statements/${back.body.importId}`)).body.returns.outcomes).toEqual([expect.objectContaining({ outcome: 'reversed', matchedBy: 'entry-reference', invoices: [full.number] })]);
    expect(await balances()).toEqual({ [full.number]: [3000, 'open'], [part.number]: [3500, 'partially_paid'] });
    expect((await financeCommand(api, 'bank', ['show', back.body.importId], {}))!).toMatch(/reversed .*open again/);
    const resent = await post('/finance/bank-statements', returned.replace(`E2E-BANK-${day}-2`, `E2E-BANK-${day}-2b`), { 'content-type': 'application/xml' });
    expect((await get(`/finance/bank-statements/${resent.body.importId}`)).body.returns.outcomes).toEqual([expect.objectContaining({ outcome: 'reversed-before' })]);
    expect(await balances()).toEqual({ [full.number]: [3000, 'open'], [part.number]: [3500, 'partially_paid'] });
    expect((await get('/finance/ledger/trial-balance')).body.balanced).toBe(true);
  }, 60_000);

  it('imports a camt.053 paying one customer\'s invoices every way the cascade knows — RF reference, a loosely typed number, the exact amount by name, short (a deduction) and over (unapplied cash) — and the same file again changes nothing', async () => {
    const email = 'cascade@example.net';
    const name = 'Cascade Matching Ltd';
    const created = await post('/finance/customers', { email, name, creditLimit: { amount: 100_000, currency: 'GBP' } });
    expect(created.status).toBe(201);
    const customerId = created.body.customerId as string;
    const refs = ['E2E-CAS-1', 'E2E-CAS-2', 'E2E-CAS-3', 'E2E-CAS-4', 'E2E-CAS-5'];
    await Promise.all(refs.map((ref, i) => post('/orders', order(ref, email, i + 1)))); // £15, £30, £45, £60, £75
    const invoiceOf = (ref: string) => until(`${ref} invoiced`, async () => ((await admin('/_local/invoices')).invoices as any[]).find((i) => i.orderReference === ref));
    const [byRef, byNumber, byAmount, short, over] = await Promise.all(refs.map(invoiceOf));
    expect([byRef, byNumber, byAmount, short, over].map((i) => i.total)).toEqual([1500, 3000, 4500, 6000, 7500]);
    const day = byRef.issueDate as string;
    const [, year, sequence] = (byNumber.number as string).split('-');
    const loose = `INV ${year} ${Number(sequence)}`; // INV-2026-000043 as a payer types it
    expect(loose).not.toBe(byNumber.number);
    const strd = (ref: string) => `<RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp><Ref>${ref}</Ref></CdtrRefInf></Strd></RmtInf>`;
    const credit = (n: number, amount: string, rmtInf: string) =>
      `<Ntry><Amt Ccy="GBP">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${day}</Dt></BookgDt><AcctSvcrRef>E2E-CAS-${n}</AcctSvcrRef><NtryDtls><TxDtls><Amt Ccy="GBP">${amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><RltdPties><Dbtr><Pty><Nm>${name}</Nm></Pty></Dbtr></RltdPties>${rmtInf}</TxDtls></NtryDtls></Ntry>`;
    const camt = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>E2E-CAS-MSG</MsgId><CreDtTm>${day}T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>E2E-CAS-${day}</Id><ElctrncSeqNb>1</ElctrncSeqNb><Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id><Ccy>GBP</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">500.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">720.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>
${credit(1, '15.00', strd(byRef.paymentReference))}
${credit(2, '30.00', `<RmtInf><Ustrd>payment for ${loose} thanks</Ustrd></RmtInf>`)}
${credit(3, '45.00', '')}
${credit(4, '50.00', strd(short.paymentReference))}
${credit(5, '80.00', strd(over.paymentReference))}
</Stmt></BkToCstmrStmt></Document>`;

    const imported = await post('/finance/bank-statements', camt, { 'content-type': 'application/xml' });
    expect(imported).toMatchObject({ status: 202, body: { importId: expect.stringMatching(/^bi_[0-9a-f]{24}$/) } });
    const importId = imported.body.importId as string;
    const done = await until('the five credits applied', async () => {
      const r = await get(`/finance/bank-statements/${importId}`);
      return r.body.status === 'applied' && r.body;
    });
    expect(done).toMatchObject({
      entries: 5,
      credits: { count: 5, totals: [{ amount: 22_000, currency: 'GBP' }] },
      queued: 5,
      pending: 0,
      proposed: 0,
      applied: { count: 5, byRule: { 'rf-reference': 3, 'invoice-number': 1, amount: 1 } },
      unapplied: { count: 1, amount: [{ amount: 500, currency: 'GBP' }] },
      autoMatchRate: 1,
    });
    const numbers = [byRef, byNumber, byAmount, short, over].map((i) => i.number as string);
    const balances = async () => Object.fromEntries(((await admin('/_local/invoices')).invoices as any[]).filter((i) => numbers.includes(i.number)).map((i) => [i.number, [i.balance, i.status]]));
    const settled = { [byRef.number]: [0, 'paid'], [byNumber.number]: [0, 'paid'], [byAmount.number]: [0, 'paid'], [short.number]: [1000, 'partially_paid'], [over.number]: [0, 'paid'] };
    expect(await balances()).toEqual(settled);

    const deduction = await until('the short-payment dispute', async () => {
      const r = await get(`/finance/invoices/${short.number}`);
      return r.body.disputed?.amount === 1000 && r.body;
    });
    expect(deduction.disputes).toEqual([expect.objectContaining({ amount: { amount: 1000, currency: 'GBP' }, status: 'open', reason: expect.stringMatching(/^short-payment/) })]);
    const statement = (await get(`/finance/customers/${customerId}/statement`)).body;
    const gbp = statement.currencies.find((c: any) => c.currency === 'GBP');
    const gbpOf = (amount: number) => ({ amount, currency: 'GBP' });
    expect(gbp.unappliedCash).toEqual([expect.objectContaining({ externalId: 'GB33BUKB20201555555555:E2E-CAS-5', amount: gbpOf(8000), unapplied: gbpOf(500) })]);
    expect(gbp).toMatchObject({ openBalance: gbpOf(1000), unapplied: gbpOf(500), netBalance: gbpOf(500) });
    expect((await get('/finance/ledger/trial-balance')).body.balanced).toBe(true);

    const again = await post('/finance/bank-statements', camt, { 'content-type': 'application/xml' });
    expect(again).toMatchObject({ status: 202, body: { importId, alreadyImported: true } });
    await new Promise((r) => setTimeout(r, 1_000)); // anything it wrongly queued would be applied by now
    expect(await balances()).toEqual(settled);
    expect((await get(`/finance/bank-statements/${importId}`)).body).toMatchObject({ queued: 5, applied: { count: 5 }, unapplied: { count: 1 } });
    expect((await get(`/finance/invoices/${short.number}`)).body.disputes).toHaveLength(1);
    expect((await get(`/finance/customers/${customerId}/statement`)).body.currencies[0]).toMatchObject({ openBalance: gbpOf(1000), unapplied: gbpOf(500) });
    expect((await get('/finance/ledger/trial-balance')).body.balanced).toBe(true);
  }, 60_000);


  // Last: its runs as of 60 days after due hand every customer still owing to the agency.
  it('hands a debtor to the agency at +60: an email to collectionsAgencyAddress with the CSV of its open items and contact, status with-agency, no reminders after', async () => {
    const port = new URL(stack.apiUrl).port;
    const api = financeApi({ O2C_API_PORT: port, O2C_FINANCE_KEY: stack.financeKey });
    const email = 'agency.case@example.net';
    expect((await post('/finance/customers', { email, name: 'Slow Payer GmbH', creditLimit: { amount: 100_000, currency: 'GBP' }, taxId: 'GB999888777' })).status).toBe(201);
    await post('/orders', order('E2E-AGY-1', email, 3)); // £45.00
    const invoice = await until('E2E-AGY-1 invoiced', async () => ((await admin('/_local/invoices')).invoices as any[]).find((i) => i.orderReference === 'E2E-AGY-1'));
    const day = (offset: number) => new Date(Date.parse(`${invoice.dueDate}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
    const run = async (offset: number) => (await post(`/_local/schedules/dunning?asOf=${day(offset)}`, {})).body.result;
    const toCustomer = async () => (await mails()).filter((m) => m.destination.to[0] === email && m.subject.includes(invoice.number));

    expect((await run(60)).actions).toBeGreaterThanOrEqual(1);
    const handover = await until('the agency email', async () => (await mails()).find((m) => m.destination.to[0] === 'cases@collections-agency.example' && m.subject.includes('Slow Payer GmbH')));
    expect(handover.subject).toBe(`New collections case from Example Trading Ltd: Slow Payer GmbH (£45.00)`);
    const csv = Buffer.from(handover.attachments.find((a) => a.filename?.endsWith('.csv'))!.content, 'base64').toString('utf8').split('\r\n');
    expect(csv[0]).toBe('as_of,debtor_id,debtor_name,email,tax_id,address,invoice,issue_date,due_date,days_overdue,currency,total,balance,fees,disputed,payment_reference');
    expect(csv[1]).toMatch(new RegExp(`^${day(60)},cus_[0-9a-f]{20},Slow Payer GmbH,${email},GB999888777,[^,]*,${invoice.number},${invoice.issueDate},${invoice.dueDate},60,GBP,45\\.00,`));
    const letter = await until('the customer told', async () => (await toCustomer()).find((m) => m.subject.startsWith('Final notice')));
    expect(letter.body.text).toContain('We have passed the overdue balance to our collection agency');
    expect(await financeCommand(api, 'customers', ['show', email], {})).toMatch(new RegExp(`^collections +with agency since ${day(60)} \\(agency\\)$`, 'm'));

    const sent = (await toCustomer()).length;
    await run(61);
    await run(90);
    await new Promise((r) => setTimeout(r, 1_500)); // a letter wrongly queued would be in the mailbox by now
    expect((await toCustomer()).length).toBe(sent);
    expect((await mails()).filter((m) => m.destination.to[0] === 'cases@collections-agency.example' && m.subject.includes('Slow Payer GmbH'))).toHaveLength(1);
  }, 90_000);
});

describe('the finance pack, end to end', () => {
  it('arrives from its schedule with the HTML summary, the text part, the PDF, the XLSX and a CSV per table; once per (kind, as-of), again with resend', async () => {
    // An open GBP invoice so the pack has figures.
    // A customer of its own with room on its limit: the shared seed customers carry what the other tests left open.
    expect((await post('/finance/customers', { email: 'pack.buyer@example.net', name: 'Pack Buyer Ltd', creditLimit: { amount: 100_000, currency: 'GBP' } })).status).toBe(201);
    const placed = await post('/orders', order('E2E-PACK-1', 'pack.buyer@example.net', 2));
    expect(placed.status).toBe(202);
    await until('the pack order invoiced', async () => (await orderStatus(placed.body.orderId)) === 'invoiced');

    // As of today in the company's zone: every invoice of this stack was issued today, so the pack has figures. As of
    // yesterday it has none — correct as of any date (checked at the end).
    const asOf = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/London' });
    const title = `Example Trading Ltd: month-end finance pack as of ${asOf}`;
    const run = async (query: string) => (await post(`/_local/schedules/report?kind=month-end&asOf=${asOf}${query}`, {})).body;
    const first = await run('');
    expect(first).toMatchObject({ schedule: 'build-report', result: { kind: 'month-end', asOf, key: `report:month-end:${asOf}`, to: ['finance@example.com'] } });
    type PackMail = Mail & { body: { text?: string; html?: string }; attachments: { filename?: string; content: string; contentType?: string }[] };
    const packs = async () => ((await mails()) as PackMail[]).filter((m) => m.subject.startsWith(title));
    const mail = await until('the month-end pack', async () => (await packs())[0]);

    expect(mail.destination.to).toEqual(['finance@example.com']);
    expect(mail.body.html).toContain(`<h2 style="margin:0 0 4px">${title}</h2>`);
    expect(mail.body.text).toContain(title);
    expect(mail.body.text).toMatch(/Open receivables +£[\d,]+\.\d\d/);
    const files = mail.attachments.map((a) => a.filename);
    expect(files.slice(0, 2)).toEqual([`finance-month-end-${asOf}.pdf`, `finance-month-end-${asOf}.xlsx`]);
    expect(files.filter((f) => f?.endsWith('.csv'))).toHaveLength(10);
    const file = (name: string) => Buffer.from(mail.attachments.find((a) => a.filename === name)!.content, 'base64');
    const pdf = file(`finance-month-end-${asOf}.pdf`);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfText(pdf)).toContain(title);
    expect(pdfText(pdf)).toContain('Aging by days past due (GBP)');
    const { default: readXlsxFile } = await import('read-excel-file/node');
    const sheets = await readXlsxFile(file(`finance-month-end-${asOf}.xlsx`));
    expect(sheets.map((s) => s.sheet)).toContain('aging');
    const aging = file(`month-end-${asOf}-aging.csv`).toString();
    expect(aging.startsWith('"Currency","Current","1-30 days","31-60 days","61-90 days","90+ days","Total","Disputed"\r\n')).toBe(true);
    expect(aging).toMatch(/\r\n"GBP","\d+\.\d\d"/);
    // Finance's own actions today, from the audit trail: at least the customer created above.
    expect(file(`month-end-${asOf}-manual-actions.csv`).toString()).toMatch(/\r\n"customer\.create","[1-9]\d*"/);

    // The same run again: the same mail key, which the sender sends once. Asked explicitly: sent again, under a new key.
    expect((await run('')).result.key).toBe(`report:month-end:${asOf}`);
    expect((await run('&resend=1')).result.key).toBe(`report:month-end:${asOf}:resend:1`);
    const resent = await until('the resent pack', async () => (await packs()).find((m) => m.subject === `${title} (sent again)`));
    expect(resent.attachments).toHaveLength(12);
    expect((await packs()).map((m) => m.subject).sort()).toEqual([title, `${title} (sent again)`]);

    const yesterday = new Date(Date.parse(`${asOf}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect((await post(`/_local/schedules/report?kind=flash&asOf=${yesterday}`, {})).status).toBe(200);
    const flash = await until('yesterday’s flash', async () => ((await mails()) as PackMail[]).find((m) => m.subject.startsWith(`Example Trading Ltd: daily flash as of ${yesterday}`)));
    expect(flash.body.text).toContain('No receivables and no activity in any currency.');
  }, 90_000);
});
