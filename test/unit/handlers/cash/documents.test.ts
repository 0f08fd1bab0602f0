/**
 * Known answers for the documents the cash side produces: the PDFs (pdf-lib with embedded, subset Noto fonts),
 * read back as a reader's software reads them (poppler's pdftotext / pdftoppm / pdffonts), and the raw MIME email
 * (MailComposer).
 */
import { execFileSync } from 'node:child_process';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { composeMime } from '../../../../functions/adapters/mailer.ts';
import { printedVatBreakdown, renderCreditNotePdf, renderInvoicePdf, renderStatementPdf } from '../../../../functions/adapters/pdf.ts';
import { buildCreditNote } from '../../../../functions/domain/adjustments.ts';
import { buildInvoice } from '../../../../functions/domain/invoice.ts';
import type { Invoice } from '../../../../functions/domain/model.ts';
import { buildStatement } from '../../../../functions/domain/statement.ts';
import { DOCUMENT_LABELS, documentLabels } from '../../../../functions/messages/documents/index.ts';
import { inkIn, overlappingRuns, pdfText, pdfTextRuns, type TextRun } from '../../../support/pdf-text.ts';
import { testCustomer, testOrder } from '../../../support/orders.ts';

const { en, sv, ja, ru, zh } = DOCUMENT_LABELS;

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
const buyer = { name: 'Ada Lovelace', email: 'ada@example.com', billingAddress: { line1: '12 St James Sq', city: 'London', postalCode: 'SW1Y 4JH', country: 'GB' } };
const words = (runs: readonly TextRun[]) => runs.map((r) => r.text);
const pages = async (bytes: Uint8Array) => (await PDFDocument.load(bytes)).getPageCount();

/** Everything a layout must keep: no word over another, all within the margins, nothing but the page number below the footer line. */
async function expectCleanLayout(bytes: Uint8Array) {
  const runs = await pdfTextRuns(bytes);
  expect(overlappingRuns(runs), JSON.stringify(overlappingRuns(runs).slice(0, 3))).toEqual([]);
  for (const r of runs) {
    expect(r.x, r.text).toBeGreaterThanOrEqual(49.5);
    expect(r.x + r.width, r.text).toBeLessThanOrEqual(546);
    if (r.y < 55) expect(r.page >= 0 && r.y > 25, r.text).toBe(true); // only the "page n of m" line sits down there
  }
  return runs;
}

describe('invoice PDF: content', () => {
  it('is an A4 PDF with seller, buyer and postal address, number, order reference, dates, terms, lines with VAT rate, the VAT summary and totals', async () => {
    const invoice = invoiceFor();
    expect(invoice.totals.total).toBe(3898);
    const bytes = await renderInvoicePdf(invoice, seller, buyer, en);
    const doc = await PDFDocument.load(bytes);
    expect(doc.getPageCount()).toBe(1);
    const { width, height } = doc.getPage(0).getSize();
    expect([Math.round(width), Math.round(height)]).toEqual([595, 842]);
    expect(doc.getTitle()).toBe('Invoice INV-2026-000042');
    expect(doc.getSubject()).toBe('Invoice INV-2026-000042 for order PO-ord_pdf, total GBP 38.98');
    const text = pdfText(bytes).replace(/\s+/g, ' ');
    for (const s of ['Example Trading Ltd', 'INVOICE', 'INV-2026-000042', 'PO-ord_pdf', '22 Nov 2026', '22 Dec 2026', '2 % discount within 10 days, net 30 days', 'Stoneware mug (MUG-01)', 'Field guide (BOOK-7)', '£12.50', '20 %', '0 %', 'VAT summary', 'Total GBP', '£38.98', 'Ada Lovelace', '12 St James Sq', 'SW1Y 4JH London', 'Page 1 of 1']) {
      expect(text).toContain(s);
    }
    expect(text).toContain('Pay £38.20 by 2 Dec 2026 to take the early-payment discount of £0.78.'); // 2 % off 38.98, half-up
  });

  it("prints a VAT summary per rate with shipping in it, whose tax column adds up to the total's tax", async () => {
    const invoice = invoiceFor();
    const rows = printedVatBreakdown(invoice);
    // goods at 20 %: 2000 + shipping 499 → tax 400 + 100; the book at 0 %: 899
    expect(rows).toEqual([
      { category: 'S', ratePpm: 200_000, taxable: 2499, tax: 500 },
      { category: 'Z', ratePpm: 0, taxable: 899, tax: 0 },
    ]);
    expect(rows.reduce((s, r) => s + r.tax, 0)).toBe(invoice.totals.tax);
    expect(rows.reduce((s, r) => s + r.taxable, 0)).toBe(invoice.totals.net + invoice.totals.shipping);
    const runs = await pdfTextRuns(await renderInvoicePdf(invoice, seller, buyer, en));
    const row = (first: string) => {
      const start = runs.find((r) => r.text === first && runs.some((q) => q.text === '£24.99' && Math.abs(q.y - r.y) < 1));
      return runs.filter((r) => start && Math.abs(r.y - start.y) < 1).map((r) => r.text);
    };
    expect(row('20')).toEqual(['20', '%', '£24.99', '£5.00']);
    expect(text(runs)).toContain('Zero-rated supply.');
  });

  it("prints the parties fixed at issue: the seller's legal name, address, VAT and company numbers, the buyer's VAT number, the supply date", async () => {
    const invoice: Invoice = {
      ...invoiceFor(),
      seller: { name: 'Example Trading Limited', address: { line1: '1 Market St', city: 'York', postalCode: 'YO1 7HH', country: 'GB' }, vatNumber: 'GB123456789', companyNumber: '01234567' },
      buyer: { name: 'Acme Retail AB', address: { line1: 'Storgatan 1', city: 'Stockholm', postalCode: '111 22', country: 'SE' }, vatNumber: 'SE556677889901' },
      supplyDate: '2026-11-20',
    };
    const text = pdfText(await renderInvoicePdf(invoice, seller, buyer, en));
    for (const s of ['Example Trading Limited', 'VAT number: GB123456789', 'Company number: 01234567', 'Acme Retail AB', 'Storgatan 1', '111 22 Stockholm', 'VAT number: SE556677889901', 'Supply date', '20 Nov 2026']) expect(text).toContain(s);
    expect(text).not.toContain('Ada Lovelace'); // the buyer as invoiced, not the customer record of today
  });

  it('prints the reverse-charge wording of the breakdown, and the default wording when it names no reason', async () => {
    const base = invoiceFor({ lines: [{ sku: 'SVC-1', description: 'Consulting', quantity: 1, unitPrice: 10_000, discount: 0, taxRatePpm: 0 }], shipping: { amount: 0, taxRatePpm: 0 } });
    const reason = 'Reverse charge - Article 196 VAT Directive';
    const withReason = pdfText(await renderInvoicePdf({ ...base, vatBreakdown: [{ category: 'AE', ratePpm: 0, taxable: 10_000, tax: 0, exemptionReason: reason }] }, seller, buyer, en));
    expect(withReason).toContain(reason);
    const withoutReason = pdfText(await renderInvoicePdf({ ...base, vatBreakdown: [{ category: 'AE', ratePpm: 0, taxable: 10_000, tax: 0 }] }, seller, buyer, en));
    expect(withoutReason).toContain('Reverse charge: the customer accounts for the VAT');
  });

  it('says PAID with the date and how, and nothing due: no due date, terms, early payment, account or reference to quote', async () => {
    const prepaid = pdfText(await renderInvoicePdf(invoiceFor({ paymentMode: 'prepaid' }, true), seller, buyer, en));
    expect(prepaid).toContain('PAID');
    expect(prepaid).toContain('Paid on 22 Nov 2026, at checkout. Thank you.');
    for (const s of ['Amount due', 'Due', 'Terms', 'Pay to', 'Payment reference', 'RF54', 'Please quote', 'IBAN', 'early-payment', '22 Dec 2026']) expect(prepaid).not.toContain(s);
    const later: Invoice = { ...invoiceFor(), balance: 0, status: 'paid', history: [{ on: '2026-12-01', kind: 'payment', amount: 3898, ref: 'pay_1' }] };
    expect(pdfText(await renderInvoicePdf(later, seller, buyer, en))).toContain('Paid on 1 Dec 2026, by payment received. Thank you.');
  });

  it('says where to pay (IBAN in groups of four, BIC, bank) and the structured reference in groups of four', async () => {
    const text = pdfText(await renderInvoicePdf(invoiceFor(), seller, buyer, en));
    for (const s of ['Pay to', 'IBAN GB62 DEMO 0000 0012 3456 78', 'BIC DEMOGB22', 'Bank: Demo Bank', 'Payment reference', 'RF54 INV2 0260 0004 2', 'Please quote the payment reference RF54 INV2 0260 0004 2 with your payment.']) {
      expect(text).toContain(s);
    }
  });

  it('prints a national reference in its own print form, and the invoice number for an invoice from before references', async () => {
    const fi = pdfText(await renderInvoicePdf({ ...invoiceFor(), paymentReference: '20260000422' }, { ...seller, paymentReferenceScheme: 'fi' }, buyer, en));
    expect(fi).toContain('2 02600 00422');
    const { paymentReference: _none, ...old } = invoiceFor();
    expect(pdfText(await renderInvoicePdf(old, seller, buyer, en))).toContain('Please quote the payment reference INV-2026-000042 with your payment.');
  });

  it('renders the same bytes for the same invoice', async () => {
    const a = await renderInvoicePdf(invoiceFor(), seller, { ...buyer, name: '山田太郎' }, ja);
    const b = await renderInvoicePdf(invoiceFor(), seller, { ...buyer, name: '山田太郎' }, ja);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});

const text = (runs: readonly TextRun[]) => words(runs).join(' ');

describe('invoice PDF: layout', () => {
  it('keeps "Amount due" and the amount apart (once "Amount due by 2026-12-31£443.99")', async () => {
    const invoice = invoiceFor({ lines: [{ sku: 'BIG', description: 'Pallet', quantity: 1, unitPrice: 36_999, discount: 0, taxRatePpm: 200_000 }], shipping: { amount: 0, taxRatePpm: 0 } });
    expect(invoice.totals.total).toBe(44_399);
    const runs = await expectCleanLayout(await renderInvoicePdf(invoice, seller, buyer, en));
    expect(words(runs).filter((w) => w === '£443.99').length).toBeGreaterThanOrEqual(2); // total and amount due, each a word of its own
    expect(words(runs).some((w) => /\d£/.test(w))).toBe(false);
  });

  it.each([1, 20, 40, 47, 52, 55, 120])('lays out %i lines without overlap, continuing on new pages with the table header and page n of m', async (n) => {
    const lines = Array.from({ length: n }, (_, i) => ({ sku: `SKU-${i}`, description: `Item ${i} with a fairly long description`, quantity: 1, unitPrice: 100_000 + i, discount: 5, taxRatePpm: 200_000 }));
    const bytes = await renderInvoicePdf(invoiceFor({ lines }), { ...seller, bankAccount: { ...seller.bankAccount, bankName: 'Demo Bank plc, Corporate Banking, 1 Long Street Branch, London' } }, buyer, en);
    const runs = await expectCleanLayout(bytes);
    const count = await pages(bytes);
    if (n >= 40) expect(count).toBeGreaterThan(1);
    for (let p = 0; p < count; p++) {
      const onPage = words(runs.filter((r) => r.page === p));
      expect(onPage.join(' ')).toContain(`Page ${p + 1} of ${count}`);
      if (p > 0 && runs.some((r) => r.page === p && r.text.startsWith('SKU-'))) expect(onPage).toContain('Description'); // the header again
    }
    for (let i = 0; i < n; i++) expect(words(runs)).toContain(`(SKU-${i})`);
    const last = text(runs.filter((r) => r.page === count - 1));
    for (const s of ['Total GBP', 'Pay to', 'RF54 INV2 0260 0004 2', 'IBAN GB62 DEMO 0000 0012 3456 78']) expect(last).toContain(s);
  });

  it('wraps long names, addresses and descriptions inside their columns', async () => {
    const long = 'Aktiebolaget Mycket Långt Företagsnamn med Dotterbolag och Filialer i Hela Norden Sverige Norge Danmark Finland Island';
    const lines = [{ sku: 'X-1', description: `${long} — ${long}`, quantity: 3, unitPrice: 123_456, discount: 0, taxRatePpm: 250_000 }];
    const bytes = await renderInvoicePdf(invoiceFor({ lines }), { ...seller, name: long }, { ...buyer, name: long, billingAddress: { line1: long, city: 'Göteborg', country: 'SE' } }, sv);
    const runs = await expectCleanLayout(bytes);
    expect(words(runs)).toContain('Filialer');
  });

  it.each([
    ['KWD', 'KWD 1.250', en],
    ['BHD', 'BHD 1.250', en],
    ['JPY', '¥1,250', ja],
    ['SEK', '12,50 kr', sv],
    ['EUR', '12,50 €', sv],
    ['RUB', '12,50 ₽', ru],
    ['CNY', '¥12.50', zh],
  ] as const)('formats %s with its own sign and decimals (%s) and lays it out cleanly', async (currency, unit, labels) => {
    const lines = currency === 'KWD' || currency === 'BHD' ? [{ sku: 'A', description: 'Item', quantity: 2, unitPrice: 1250, discount: 0, taxRatePpm: 0 }] : undefined;
    const bytes = await renderInvoicePdf(invoiceFor({ currency, ...(lines ? { lines } : {}) }), seller, buyer, labels);
    await expectCleanLayout(bytes);
    expect(pdfText(bytes)).toContain(unit);
  });
});

describe('invoice PDF: every script', () => {
  const fonts = (bytes: Uint8Array) => execFileSync('pdffonts', ['-'], { input: Buffer.from(bytes) }).toString('utf8');

  it("prints a Japanese buyer's name and address with Japanese labels, yen, and glyphs really drawn", async () => {
    const jaBuyer = { name: '株式会社山田商事 山田太郎様', email: 'yamada@example.jp', billingAddress: { line1: '千代田区丸の内一丁目1番1号', city: '東京都', postalCode: '100-0005', country: 'JP' } };
    const bytes = await renderInvoicePdf(invoiceFor({ currency: 'JPY' }), seller, jaBuyer, ja);
    const text = pdfText(bytes);
    for (const s of ['請求書', '請求先', '株式会社山田商事 山田太郎様', '千代田区丸の内一丁目1番1号', '100-0005 東京都', '請求書番号', 'お支払期限', '税率別内訳', '¥3,898', 'お振込先', 'RF54 INV2 0260 0004 2', '2026/11/22']) expect(text).toContain(s);
    expect(text).not.toContain('?');
    await expectCleanLayout(bytes);
    // The subset fonts have the glyphs: dark pixels where the name is, none in the empty band beside it.
    const name = (await pdfTextRuns(bytes)).find((r) => r.text === '株式会社山田商事')!;
    expect(inkIn(bytes, 0, name)).toBeGreaterThan(40);
    expect(inkIn(bytes, 0, { ...name, x: 200, width: 40 })).toBe(0);
    const embedded = fonts(bytes);
    expect(embedded).toMatch(/NotoSansJP-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes/);
    expect(embedded).not.toMatch(/no\s+no\s+no/);
    expect(bytes.length).toBeLessThan(200_000); // subset: the full Japanese face alone is 5.4 MB
  });

  it("prints a Russian buyer's name and address with Russian labels and roubles", async () => {
    const ruBuyer = { name: 'ООО «Ромашка», Иванов Пётр', email: 'ivanov@example.ru', billingAddress: { line1: 'ул. Тверская, д. 7', city: 'Москва', postalCode: '125009', country: 'RU' } };
    const bytes = await renderInvoicePdf(invoiceFor({ currency: 'RUB' }), seller, ruBuyer, ru);
    const text = pdfText(bytes);
    for (const s of ['СЧЁТ-ФАКТУРА', 'Покупатель', 'ООО «Ромашка», Иванов Пётр', 'ул. Тверская, д. 7', '125009 Москва', 'Номер счёта', '38,98 ₽', 'НДС по ставкам', '22 нояб. 2026 г.']) expect(text).toContain(s);
    await expectCleanLayout(bytes);
    const name = (await pdfTextRuns(bytes)).find((r) => r.text === '«Ромашка»,')!;
    expect(inkIn(bytes, 0, name)).toBeGreaterThan(20);
    expect(fonts(bytes)).not.toMatch(/NotoSans(JP|SC)/); // no CJK face for a Cyrillic document
  });

  it('prints Chinese in Noto Sans SC and Swedish in Noto Sans, each with its own labels', async () => {
    const zhBytes = await renderInvoicePdf(invoiceFor({ currency: 'CNY' }), seller, { ...buyer, name: '上海贸易有限公司' }, zh);
    const zhText = pdfText(zhBytes);
    for (const s of ['发票', '收票方', '上海贸易有限公司', '¥38.98', '增值税汇总']) expect(zhText).toContain(s);
    expect(fonts(zhBytes)).toMatch(/NotoSansSC-Regular/);
    const svText = pdfText(await renderInvoicePdf(invoiceFor({ currency: 'SEK' }), seller, { ...buyer, name: 'Åsa Öberg AB' }, sv));
    for (const s of ['FAKTURA', 'Faktureras', 'Åsa Öberg AB', '38,98 kr', 'Momsspecifikation', 'Förfallodatum', '22 dec. 2026', 'Sida 1 av 1']) expect(svText).toContain(s);
  });

  it('gives a customer without a language the company default, then English', () => {
    expect(documentLabels(undefined, 'sv').invoice).toBe('FAKTURA');
    expect(documentLabels('xx', 'ja').invoice).toBe('請求書');
    expect(documentLabels(undefined).invoice).toBe('INVOICE');
    expect(documentLabels('ru', 'sv').invoice).toBe('СЧЁТ-ФАКТУРА');
  });

  it('has every label in all five languages', () => {
    const keys = (o: object): string[] => Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v).map((x) => `${k}.${x}`) : [k])).sort();
    for (const labels of [sv, zh, ja, ru]) expect(keys(labels)).toEqual(keys(en));
  });
});

describe('credit note PDF', () => {
  it('names the credit note, the invoice it corrects, the reason, goods, shipping and VAT reversed, and where the credit went', async () => {
    const { creditNote } = buildCreditNote({ invoice: invoiceFor(), amount: 1000, reason: 'one mug arrived broken', series: 'CN', year: 2026, sequence: 3, issueDate: '2026-11-25' });
    const bytes = await renderCreditNotePdf(creditNote, seller, buyer, en);
    const doc = await PDFDocument.load(bytes);
    expect(doc.getTitle()).toBe('Credit note CN-2026-000003');
    expect(doc.getSubject()).toBe('Credit note CN-2026-000003 on invoice INV-2026-000042, total GBP 10.00');
    const text = pdfText(bytes);
    // 1000 split as the invoice (2899 goods, 499 shipping, 500 tax of 3898): 744 / 128 / 128
    for (const s of ['CREDIT NOTE', 'CN-2026-000003', 'Corrects invoice', 'INV-2026-000042', '25 Nov 2026', 'Reason: one mug arrived broken', '£7.44', '£1.28', 'Total credited GBP', '£10.00', 'Ada Lovelace', 'Taken off invoice INV-2026-000042: £10.00.']) {
      expect(text).toContain(s);
    }
    await expectCleanLayout(bytes);
  });

  it('is in the customer language: Swedish', async () => {
    const { creditNote } = buildCreditNote({ invoice: invoiceFor({ currency: 'SEK' }), amount: 1000, reason: 'en mugg kom trasig', series: 'CN', year: 2026, sequence: 3, issueDate: '2026-11-25' });
    const text = pdfText(await renderCreditNotePdf(creditNote, seller, { ...buyer, name: 'Åsa Öberg AB' }, sv));
    for (const s of ['KREDITFAKTURA', 'Avser faktura', 'Orsak: en mugg kom trasig', 'Totalt krediterat SEK', '10,00 kr', 'Krediteras', 'Åsa Öberg AB']) expect(text).toContain(s);
  });
});

describe('statement PDF', () => {
  it('continues a long statement over pages with the header repeated and page n of m, in Russian, without overlap', async () => {
    const invoices = Array.from({ length: 70 }, (_, i) => ({ ...invoiceFor({ currency: 'RUB' }), number: `INV-2026-${String(i + 1).padStart(6, '0')}`, id: `INV-2026-${String(i + 1).padStart(6, '0')}` }));
    const customer = testCustomer('cus_ru', { name: 'ООО «Ромашка»', language: 'ru', billingAddress: { line1: 'ул. Тверская, д. 7', city: 'Москва', country: 'RU' } });
    const statement = { customer, asOf: '2027-01-31', currencies: buildStatement({ asOf: '2027-01-31', invoices, payments: [], creditNotes: [] }) };
    const bytes = await renderStatementPdf(statement, seller, ru);
    const runs = await expectCleanLayout(bytes);
    const count = await pages(bytes);
    expect(count).toBeGreaterThan(1);
    for (let p = 0; p < count; p++) expect(text(runs.filter((r) => r.page === p))).toContain(`Страница ${p + 1} из ${count}`);
    expect(words(runs.filter((r) => r.page === 1))).toContain('Остаток'); // the table header again on page 2
    const all = pdfText(bytes);
    for (const s of ['АКТ СВЕРКИ', 'ООО «Ромашка»', 'INV-2026-000070', 'Неоплаченные счета в RUB', 'Задолженность']) expect(all).toContain(s);
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
