/**
 * Known answers for the two documents the cash side produces: the invoice PDF
 * (pdf-lib, standard Helvetica) and the raw MIME email (MailComposer).
 */
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { composeMime } from '../../../../functions/adapters/mailer.ts';
import { renderCreditNotePdf, renderInvoicePdf } from '../../../../functions/adapters/pdf.ts';
import { buildCreditNote } from '../../../../functions/domain/adjustments.ts';
import { buildInvoice } from '../../../../functions/domain/invoice.ts';
import type { Invoice } from '../../../../functions/domain/model.ts';
import { overlappingRuns, pdfText, pdfTextRuns } from '../../../support/pdf-text.ts';
import { testOrder } from '../../../support/orders.ts';

const invoiceFor = (extra: Parameters<typeof testOrder>[2] = {}, paid = false): Invoice =>
  buildInvoice({
    order: testOrder('ord_pdf', 'shipped', extra),
    series: 'INV',
    year: 2026,
    sequence: 42,
    issueDate: '2026-11-22',
    terms: { netDays: 30, discount: { ratePpm: 20_000, days: 10 } },
    policy: { rounding: 'half-up', level: 'line' },
    paid,
    paymentReference: 'RF54INV2026000042',
  });
const seller = {
  name: 'Example Trading Ltd',
  address: ['1 Market St', 'York YO1 7HH'],
  bankAccount: { iban: 'GB62DEMO00000012345678', bic: 'DEMOGB22', bankName: 'Demo Bank' },
  paymentReferenceScheme: 'rf' as const,
};
const buyer = { name: 'Ada Lovelace', email: 'ada@example.com', billingAddress: { line1: '12 St James Sq', city: 'London', country: 'GB' } };

describe('invoice PDF', () => {
  it('is an A4 PDF that parses back, with number, order reference, dates, terms, lines and totals', async () => {
    const invoice = invoiceFor();
    expect(invoice.totals.total).toBe(3898);
    const bytes = await renderInvoicePdf(invoice, seller, buyer);
    expect(bytes).toBeInstanceOf(Uint8Array);
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    expect(doc.getTitle()).toBe('Invoice INV-2026-000042');
    expect(doc.getSubject()).toBe('Invoice INV-2026-000042 for order PO-ord_pdf, total GBP 38.98');
    const text = pdfText(Buffer.from(bytes));
    for (const s of ['Example Trading Ltd', 'INVOICE', 'INV-2026-000042', 'PO-ord_pdf', '2026-11-22', '2026-12-22', '2/10 net 30', 'MUG-01', 'Stoneware mug', 'BOOK-7', '£12.50', 'Total GBP', '£38.98', 'Amount due by 2026-12-22', 'Ada Lovelace']) {
      expect(text).toContain(s);
    }
    expect(text).toContain(`Pay ${'£38.20'} by 2026-12-02`); // 2 % off 38.98, half-up: 0.78
  });

  it('says paid for an invoice paid at checkout', async () => {
    const text = pdfText(Buffer.from(await renderInvoicePdf(invoiceFor({ paymentMode: 'prepaid' }, true), seller, buyer)));
    expect(text).toContain('Paid with thanks');
    expect(text).not.toContain('Amount due');
    for (const s of ['Pay to', 'Payment reference', 'RF54', 'Please quote', 'IBAN']) expect(text).not.toContain(s); // nothing to pay, nothing to quote
  });

  it('says where to pay (IBAN in groups of four, BIC, bank) and the payment reference as printed, instead of the invoice number', async () => {
    const text = pdfText(Buffer.from(await renderInvoicePdf(invoiceFor(), seller, buyer)));
    for (const s of ['Pay to', 'IBAN GB62 DEMO 0000 0012 3456 78', 'BIC DEMOGB22', 'Demo Bank', 'Payment reference', 'RF54 INV2 0260 0004 2', 'Please quote the payment reference RF54 INV2 0260 0004 2 with your payment.']) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain('Please quote INV-2026-000042');
  });

  it('prints a national reference in its own print form, and the invoice number for an invoice from before references', async () => {
    const fi = pdfText(Buffer.from(await renderInvoicePdf({ ...invoiceFor(), paymentReference: '20260000422' }, { ...seller, paymentReferenceScheme: 'fi' }, buyer)));
    expect(fi).toContain('2 02600 00422');
    const { paymentReference: _none, ...old } = invoiceFor();
    const text = pdfText(Buffer.from(await renderInvoicePdf(old, seller, buyer)));
    expect(text).toContain('Please quote the payment reference INV-2026-000042 with your payment.');
    expect(text).toContain('IBAN GB62 DEMO 0000 0012 3456 78');
  });

  it.each([1, 20, 47, 48, 49, 50, 51, 52, 53, 54, 55, 60, 120, 2000])('lays out an invoice of %i lines with nothing overlapping and nothing below the footer', async (n) => {
    const lines = Array.from({ length: n }, (_, i) => ({ sku: `SKU-${i}`, description: `Item ${i} with a fairly long description`, quantity: 1, unitPrice: 100_000 + i, discount: 5, taxRatePpm: 200_000 }));
    const bytes = await renderInvoicePdf(invoiceFor({ lines }), { ...seller, bankAccount: { ...seller.bankAccount, bankName: 'Demo Bank plc, Corporate Banking, 1 Long Street Branch, London' } }, buyer);
    const runs = await pdfTextRuns(bytes);
    expect(runs.length).toBeGreaterThan(n * 6);
    expect(overlappingRuns(runs), JSON.stringify(overlappingRuns(runs).slice(0, 3))).toEqual([]);
    const pages = (await PDFDocument.load(bytes)).getPageCount();
    for (const r of runs) {
      expect(r.x + r.width, r.text).toBeLessThanOrEqual(550);
      expect(r.y, r.text).toBeGreaterThanOrEqual(60);
      if (r.y === 60) expect(r.text).toMatch(/^Please quote the payment reference/);
    }
    const last = runs.filter((r) => r.page === pages - 1).map((r) => r.text);
    for (const s of ['Total GBP', 'Pay to', 'RF54 INV2 0260 0004 2', 'IBAN GB62 DEMO 0000 0012 3456 78']) expect(last).toContain(s);
  });

  it('prints characters Helvetica cannot encode as ?, keeps Latin-1 ones, and writes the ISO code for a sign it cannot draw', async () => {
    const invoice = invoiceFor({ currency: 'INR' });
    const text = pdfText(Buffer.from(await renderInvoicePdf(invoice, { ...seller, name: 'Łódź 東京 Café', address: [] }, { ...buyer, name: 'Zoë Ångström' })));
    expect(text).toContain('?ód? ?? Café');
    expect(text).toContain('Zoë Ångström');
    expect(text).toContain('INR 38.98');
    expect(text).not.toMatch(/\?\d/); // no amount lost its currency to a '?'
  });

  it('continues the lines table on a second page', async () => {
    const lines = Array.from({ length: 60 }, (_, i) => ({ sku: `SKU-${i}`, description: `Item ${i}`, quantity: 1, unitPrice: 100, discount: 0, taxRatePpm: 0 }));
    const doc = await PDFDocument.load(await renderInvoicePdf(invoiceFor({ lines }), seller, buyer));
    expect(doc.getPageCount()).toBe(2);
  });
});

describe('raw MIME', () => {
  const message = {
    key: 'invoice:INV-2026-000042',
    to: ['ada@example.com'],
    cc: ['ap@example.com'],
    subject: 'Invoice INV-2026-000042',
    text: 'Please find attached invoice INV-2026-000042.',
    language: 'en',
    attachments: [{ filename: 'INV-2026-000042.pdf', contentType: 'application/pdf', contentBase64: Buffer.from('%PDF-1.7 known').toString('base64') }],
  };

  it('has the headers, the text part and the attachment', async () => {
    const mime = (await composeMime(message, 'billing@example.com')).toString('utf8');
    expect(mime).toMatch(/^From: billing@example\.com\r$/m);
    expect(mime).toMatch(/^To: ada@example\.com\r$/m);
    expect(mime).toMatch(/^Cc: ap@example\.com\r$/m);
    expect(mime).toMatch(/^Subject: Invoice INV-2026-000042\r$/m);
    expect(mime).toMatch(/^Content-Language: en\r$/m);
    expect(mime).toMatch(/^X-O2C-Key: invoice:INV-2026-000042\r$/im); // header names are case-insensitive (MailComposer writes X-O2c-Key)
    expect(mime).toMatch(/^Content-Type: multipart\/mixed; boundary=/m);
    expect(mime).toContain('Please find attached invoice INV-2026-000042.');
    expect(mime).toMatch(/Content-Type: application\/pdf; name=INV-2026-000042\.pdf\r\nContent-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=INV-2026-000042\.pdf/);
    expect(mime).toContain(Buffer.from('%PDF-1.7 known').toString('base64'));
  });

  it('is a single text part without attachments, and has no Content-Language when none is given', async () => {
    const { attachments: _a, language: _l, cc: _c, ...plain } = message;
    const mime = (await composeMime({ ...plain, subject: 'Påminnelse', text: 'Hej' }, 'billing@example.com')).toString('utf8');
    expect(mime).not.toMatch(/^Content-Language:/m);
    expect(mime).not.toMatch(/multipart/);
    expect(mime).not.toMatch(/^Cc:/m);
    expect(mime).toMatch(/^Subject: =\?UTF-8\?Q\?P=C3=A5minnelse\?=\r$/m);
  });
});

describe('credit note PDF', () => {
  it('is an A4 PDF naming the credit note, the invoice it credits, the reason, goods, shipping and tax reversed, and where the credit went', async () => {
    const { creditNote } = buildCreditNote({ invoice: invoiceFor(), amount: 1000, reason: 'one mug arrived broken', series: 'CN', year: 2026, sequence: 3, issueDate: '2026-11-25' });
    const bytes = await renderCreditNotePdf(creditNote, seller, buyer);
    const doc = await PDFDocument.load(bytes);
    expect(doc.getTitle()).toBe('Credit note CN-2026-000003');
    expect(doc.getSubject()).toBe('Credit note CN-2026-000003 on invoice INV-2026-000042, total GBP 10.00');
    const text = pdfText(Buffer.from(bytes));
    // 1000 split as the invoice (2899 goods, 499 shipping, 500 tax of 3898): 744 / 128 / 128
    for (const s of ['CREDIT NOTE', 'CN-2026-000003', 'INV-2026-000042', '2026-11-25', 'one mug arrived broken', '£7.44', '£1.28', 'Total credited GBP', '£10.00', 'Ada Lovelace', 'Taken off invoice INV-2026-000042: £10.00.']) {
      expect(text).toContain(s);
    }
  });
});
