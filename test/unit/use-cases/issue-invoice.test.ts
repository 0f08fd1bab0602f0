/** issue-invoice: gapless numbers, one invoice per order, terms precedence, prepaid issued paid, one transaction with the entry and aggregates. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBalanced } from '../../../functions/domain/ledger.ts';
import { InvoiceConflict } from '../../../functions/errors.ts';
import { issueInvoice, MAX_NUMBER_ATTEMPTS } from '../../../functions/use-cases/issue-invoice.ts';
import { TEST_COMPANY } from '../../support/memory.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { NOW, world } from './fixtures.ts';

const INV1 = 'INV-2026-000001';

function shipped(extra: Parameters<typeof testOrder>[2] = {}, customer = testCustomer('cus_1')) {
  const w = world();
  w.putCustomer(customer);
  w.putOrder(testOrder('ord_1', 'shipped', extra));
  return w;
}

const decoded = (base64: string) => Buffer.from(base64, 'base64').toString();

describe('issueInvoice', () => {
  it('issues the first number of the year for a shipped order on terms, in one write with the order’s move, the entry and the aggregates', async () => {
    const w = shipped();
    expect(await issueInvoice({ orderId: 'ord_1' }, w.deps)).toEqual({ invoiceNumber: INV1, total: 3898, currency: 'GBP', created: true });

    expect(w.state.invoices.get(INV1)).toMatchObject({
      id: INV1,
      series: 'INV',
      year: 2026,
      sequence: 1,
      orderId: 'ord_1',
      orderReference: 'PO-ord_1',
      customerId: 'cus_1',
      issueDate: '2026-11-22',
      dueDate: '2026-12-22',
      terms: { netDays: 30 },
      balance: 3898,
      status: 'open',
      paymentReference: 'RF94INV2026000001',
    });
    expect(w.state.counters.get('INV|2026')).toBe(1);
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'invoiced', invoiceNumber: INV1, version: 2 });
    expect(w.state.events.get('ord_1')).toEqual([{ at: NOW, step: 'invoice', status: 'invoiced', detail: INV1 }]);

    const entry = w.state.journal.get(`inv-${INV1}`)!;
    expect(entry).toMatchObject({ date: '2026-11-22', currency: 'GBP', reference: `invoice:${INV1}` });
    expect(entry.lines).toEqual([
      { account: 'accounts_receivable', side: 'debit', amount: 3898 },
      { account: 'revenue', side: 'credit', amount: 2899 },
      { account: 'shipping_revenue', side: 'credit', amount: 499 },
      { account: 'tax_payable', side: 'credit', amount: 500 },
    ]);
    expect(isBalanced(entry)).toBe(true);
    // The invoice's figures: credit sales, its channel, 2 days from order to invoice; AR and current AR up (touchless
    // is counted when it is paid off, not here).
    const figures = { creditSales: 3898, sales: 3898, invoices: 1, ar: 3898, arCurrent: 3898, 'orders.api': 1, 'revenue.api': 3898, 'o2i.2': 1 };
    expect(w.state.aggregates.get('2026-11-22|GBP')).toEqual(figures);
    expect(w.state.aggregates.get('2026-11|GBP')).toEqual(figures);
    // Current AR matures off the day after the due date (booked ahead).
    expect(w.state.aggregates.get('2026-12-23|GBP')).toEqual({ arCurrent: -3898 });
    expect(w.state.counted).toEqual({ InvoicesIssued: 1 });
  });

  it('emails the invoice with its PDF under the key invoice:<number>', async () => {
    const w = shipped();
    await issueInvoice({ orderId: 'ord_1' }, w.deps);
    expect(w.state.mailbox).toHaveLength(1);
    const [mail] = w.state.mailbox;
    expect(mail).toMatchObject({
      key: `invoice:${INV1}`,
      to: ['cus_1@example.com'],
      language: 'en',
      subject: `Invoice ${INV1} (your order PO-ord_1) from Example Trading Ltd`,
      text: `Dear Ada Lovelace,\n\nplease find attached invoice ${INV1} (your order PO-ord_1) for £38.98, due on 22 December 2026 (Net 30).\nPlease pay to IBAN GB62 DEMO 0000 0012 3456 78, BIC DEMOGB22 (Demo Bank), quoting the payment reference RF94 INV2 0260 0000 1.\n\nExample Trading Ltd`,
    });
    expect(mail!.attachments).toHaveLength(1);
    expect(mail!.attachments![0]).toMatchObject({ filename: `${INV1}.pdf`, contentType: 'application/pdf' });
    expect(decoded(mail!.attachments![0]!.contentBase64)).toBe(`%PDF-1.7 invoice ${INV1}`);
  });

  it('issues the invoice without an email (nothing rendered) when the seller does not have invoices emailed (customerEmails)', async () => {
    const w = shipped();
    expect(await issueInvoice({ orderId: 'ord_1' }, { ...w.deps, customerEmails: ['confirmation', 'shipment'] })).toEqual({ invoiceNumber: INV1, total: 3898, currency: 'GBP', created: true });
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'invoiced' });
    expect(w.state.mailbox).toEqual([]);
  });

  it('numbers N orders 1..N without gaps', async () => {
    const w = world();
    const ids = ['ord_a', 'ord_b', 'ord_c', 'ord_d', 'ord_e'];
    for (const id of ids) w.putOrder(testOrder(id, 'shipped'));
    const numbers = [];
    for (const id of ids) numbers.push((await issueInvoice({ orderId: id }, w.deps)).invoiceNumber);
    expect(numbers).toEqual(['INV-2026-000001', 'INV-2026-000002', 'INV-2026-000003', 'INV-2026-000004', 'INV-2026-000005']);
    expect(ids.map((id) => w.state.orders.get(id)?.invoiceNumber)).toEqual(numbers);
  });

  it('property: issuing for any number of orders, concurrently and with re-runs, yields exactly one invoice per order numbered 1..N', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 12 }), fc.array(fc.nat(), { maxLength: 12 }), async (n, reruns) => {
        const w = world();
        const ids = Array.from({ length: n }, (_, i) => `ord_${i}`);
        for (const id of ids) w.putOrder(testOrder(id, 'shipped'));
        const runs = [...ids, ...reruns.map((r) => ids[r % n]!)];
        await Promise.all(runs.map((orderId) => issueInvoice({ orderId }, w.deps)));
        const sequences = [...w.state.invoices.values()].map((i) => i.sequence).sort((a, b) => a - b);
        expect(sequences).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        expect(w.state.counters.get('INV|2026')).toBe(n);
        expect(new Set([...w.state.invoices.values()].map((i) => i.orderId)).size).toBe(n);
        expect(ids.every((id) => w.state.orders.get(id)?.status === 'invoiced')).toBe(true);
      }),
      { numRuns: 25 },
    );
  });

  it('a second run for the same order returns the same invoice with created false and re-queues the same mail key', async () => {
    const w = shipped();
    await issueInvoice({ orderId: 'ord_1' }, w.deps);
    const first = structuredClone(w.state.invoices.get(INV1));
    expect(await issueInvoice({ orderId: 'ord_1' }, w.deps)).toEqual({ invoiceNumber: INV1, total: 3898, currency: 'GBP', created: false });
    expect(w.state.invoices.size).toBe(1);
    expect(w.state.invoices.get(INV1)).toEqual(first);
    expect(w.state.counters.get('INV|2026')).toBe(1);
    expect(w.state.orders.get('ord_1')?.version).toBe(2);
    expect(w.state.mailbox.map((m) => m.key)).toEqual([`invoice:${INV1}`, `invoice:${INV1}`]);
    expect(w.state.counted).toEqual({ InvoicesIssued: 1 });
  });

  it('a run that loses the order to a concurrent run returns that run’s invoice and consumes no number', async () => {
    const w = shipped();
    const lastSequence = w.deps.invoices.lastSequence;
    let raced = false;
    const racing = {
      ...w.deps,
      invoices: {
        ...w.deps.invoices,
        lastSequence: async (series: string, year: number) => {
          if (!raced) (raced = true), await issueInvoice({ orderId: 'ord_1' }, w.deps); // the other run, start to finish
          return lastSequence(series, year);
        },
      },
    };
    expect(await issueInvoice({ orderId: 'ord_1' }, racing)).toEqual({ invoiceNumber: INV1, total: 3898, currency: 'GBP', created: false });
    expect(w.state.counters.get('INV|2026')).toBe(1);
    expect([...w.state.invoices.keys()]).toEqual([INV1]);
  });

  it('issues a prepaid order already paid: balance 0, cash received in the same entry, no credit sales, "nothing is due"', async () => {
    const w = shipped({ paymentMode: 'prepaid', terms: { netDays: 30, discount: { ratePpm: 20_000, days: 10 } } });
    await issueInvoice({ orderId: 'ord_1' }, w.deps);
    const invoice = w.state.invoices.get(INV1)!;
    expect(invoice).toMatchObject({ balance: 0, status: 'paid' });
    expect(invoice).not.toHaveProperty('earlyPayment');
    const entry = w.state.journal.get(`inv-${INV1}`)!;
    expect(entry.lines.slice(4)).toEqual([
      { account: 'cash', side: 'debit', amount: 3898 },
      { account: 'accounts_receivable', side: 'credit', amount: 3898 },
    ]);
    expect(isBalanced(entry)).toBe(true);
    // Paid at checkout: paid off at issue, and nobody touched it.
    expect(w.state.aggregates.get('2026-11-22|GBP')).toEqual({ sales: 3898, invoices: 1, 'orders.api': 1, 'revenue.api': 3898, 'o2i.2': 1, ordersPaidOff: 1, ordersTouchless: 1 });
    expect(w.state.mailbox[0]?.text).toBe(`Dear Ada Lovelace,\n\nplease find attached invoice ${INV1} (your order PO-ord_1) for £38.98, paid at checkout: nothing is due.\n\nExample Trading Ltd`);
  });

  it.each([
    ['the order’s terms over the customer’s and the company’s', { terms: { netDays: 14 } }, testCustomer('cus_1', { terms: { netDays: 45 } }), { netDays: 14 }, '2026-12-06'],
    ['the customer’s terms over the company’s', {}, testCustomer('cus_1', { terms: { netDays: 45 } }), { netDays: 45 }, '2027-01-06'],
    ['the company’s terms without a customer record', {}, undefined, TEST_COMPANY.defaultTerms, '2026-12-22'],
  ])('takes %s', async (_what, extra, customer, terms, dueDate) => {
    const w = world();
    if (customer) w.putCustomer(customer);
    w.putOrder(testOrder('ord_1', 'shipped', extra));
    await issueInvoice({ orderId: 'ord_1' }, w.deps);
    expect(w.state.invoices.get(INV1)).toMatchObject({ terms, dueDate });
  });

  it('gives the invoice its reference in the configured national scheme (the email prints it as the scheme prints it)', async () => {
    const fi = shipped();
    await issueInvoice({ orderId: 'ord_1' }, { ...fi.deps, company: { ...TEST_COMPANY, paymentReferenceScheme: 'fi' } });
    // 2026 000001 + its 7-3-1 check digit 1; printed in groups of five from the right
    expect(fi.state.invoices.get(INV1)?.paymentReference).toBe('20260000011');
    expect(fi.state.mailbox[0]?.text).toContain('quoting the payment reference 2 02600 00011.');
    const se = shipped();
    await issueInvoice({ orderId: 'ord_1' }, { ...se.deps, company: { ...TEST_COMPANY, paymentReferenceScheme: 'se-ocr' } });
    expect(se.state.invoices.get(INV1)?.paymentReference).toBe('202600000121');
    expect(se.state.mailbox[0]?.text).toContain('quoting the payment reference 202600000121.');
  });

  it('offers the early-payment discount of 2/10 net 30 in the email', async () => {
    const w = shipped({ terms: { netDays: 30, discount: { ratePpm: 20_000, days: 10 } } });
    await issueInvoice({ orderId: 'ord_1' }, w.deps);
    expect(w.state.invoices.get(INV1)?.earlyPayment).toEqual({ until: '2026-12-02', discount: 78, amountDue: 3820 });
    expect(w.state.mailbox[0]?.text).toContain('due on 22 December 2026 (2/10 net 30). Pay £38.20 by 2 December 2026 to take the early-payment discount.');
  });

  it('retries with the next number when another writer took the counter first', async () => {
    const w = shipped();
    const lastSequence = w.deps.invoices.lastSequence;
    let calls = 0;
    let slept = 0;
    const deps = {
      ...w.deps,
      clock: { ...w.deps.clock, sleep: async () => void slept++ },
      invoices: {
        ...w.deps.invoices,
        lastSequence: async (series: string, year: number) => {
          const last = await lastSequence(series, year);
          if (calls++ === 0) w.state.counters.set(`${series}|${year}`, last + 1); // another invoice took the next number meanwhile
          return last;
        },
      },
    };
    expect(await issueInvoice({ orderId: 'ord_1' }, deps)).toMatchObject({ invoiceNumber: 'INV-2026-000002', created: true });
    expect([calls, slept]).toEqual([2, 1]);
    expect(w.state.counters.get('INV|2026')).toBe(2);
    expect(w.state.orders.get('ord_1')?.invoiceNumber).toBe('INV-2026-000002');
  });

  it(`gives up with InvoiceConflict after ${MAX_NUMBER_ATTEMPTS} lost numbers, writing nothing`, async () => {
    const w = shipped();
    const lastSequence = w.deps.invoices.lastSequence;
    const deps = {
      ...w.deps,
      invoices: {
        ...w.deps.invoices,
        lastSequence: async (series: string, year: number) => {
          const last = await lastSequence(series, year);
          w.state.counters.set(`${series}|${year}`, last + 1);
          return last;
        },
      },
    };
    await expect(issueInvoice({ orderId: 'ord_1' }, deps)).rejects.toBeInstanceOf(InvoiceConflict);
    expect(w.state.invoices.size).toBe(0);
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'shipped', version: 1 });
    expect(w.state.journal.size + w.state.aggregates.size + w.state.mailbox.length).toBe(0);
  });

  it('dates and numbers the invoice by today in the company’s zone (already 2027 in Auckland)', async () => {
    const w = world({ now: '2026-12-31T12:00:00.000Z', company: { ...TEST_COMPANY, timezone: 'Pacific/Auckland' } });
    w.putOrder(testOrder('ord_1', 'shipped'));
    expect((await issueInvoice({ orderId: 'ord_1' }, w.deps)).invoiceNumber).toBe('INV-2027-000001');
    expect(w.state.invoices.get('INV-2027-000001')).toMatchObject({ issueDate: '2027-01-01', dueDate: '2027-01-31' });
    expect(w.state.aggregates.get('2027-01-01|GBP')).toMatchObject({ invoices: 1 });
  });

  it('refuses an order that has not shipped (IllegalTransition), writing nothing', async () => {
    const w = shipped({ status: 'fulfilling' });
    await expect(issueInvoice({ orderId: 'ord_1' }, w.deps)).rejects.toMatchObject({ name: 'IllegalTransition' });
    expect(w.state.invoices.size + w.state.counters.size + w.state.mailbox.length).toBe(0);
  });

  it('throws OrderNotFound for an unknown order', async () => {
    await expect(issueInvoice({ orderId: 'ord_nope' }, world().deps)).rejects.toMatchObject({ name: 'OrderNotFound' });
  });
  it('fixes the VAT-invoice content at issue (seller from config, buyer, supply date, VAT breakdown) and attaches the Peppol UBL for a customer who wants e-invoices', async () => {
    const w = shipped({ billingAddress: { company: 'Brightwater Supplies Ltd', line1: '9 Quay Road', city: 'Bristol', country: 'GB' }, shipment: { shippedAt: '2026-11-21T23:30:00.000Z' } }, testCustomer('cus_1', { vatNumber: 'GB987654321', eInvoice: true }));
    await issueInvoice({ orderId: 'ord_1' }, w.deps);
    expect(w.state.invoices.get(INV1)).toMatchObject({
      seller: { name: 'Example Trading Limited', vatNumber: 'GB123456789', companyNumber: '01234567', address: { city: 'London', country: 'GB' } },
      buyer: { name: 'Brightwater Supplies Ltd', vatNumber: 'GB987654321', address: { line1: '9 Quay Road' } },
      supplyDate: '2026-11-21',
      shippingVatCategory: 'S',
      vatBreakdown: [
        { category: 'S', ratePpm: 200_000, taxable: 2499, tax: 500 },
        { category: 'Z', ratePpm: 0, taxable: 899, tax: 0 },
      ],
    });
    expect(w.state.invoices.get(INV1)!.lines.map((l) => l.vatCategory)).toEqual(['S', 'Z']);
    const mail = w.state.mailbox.find((m) => m.key === `invoice:${INV1}`)!;
    expect(mail.attachments!.map((a) => [a.filename, a.contentType])).toEqual([[`${INV1}.pdf`, 'application/pdf'], [`${INV1}.xml`, 'application/xml']]);
    expect(decoded(mail.attachments![1]!.contentBase64)).toContain('<cbc:ProfileID>urn:fdc:peppol.eu:2017:poacc:billing:01:1.0</cbc:ProfileID>');
  });
});
