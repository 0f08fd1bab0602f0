/**
 * The invoice as a PDF (pdf-lib: pure JavaScript, nothing native to ship).
 * The standard Helvetica font covers WinAnsi (Western European) text only;
 * characters it cannot encode are printed as '?'. Invoices to customers who
 * write in other scripts need an embedded Unicode font (not done yet).
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { describeTerms } from '#domain/invoice';
import { formatMoney, toDecimalString } from '#domain/money';
import type { CreditNote, Customer, Invoice } from '#domain/model';
import type { InvoiceDocuments } from '../ports.ts';

export interface Seller {
  readonly name: string;
  readonly address: readonly string[];
}

/** Keeps only characters the standard fonts can encode. */
export function winAnsi(text: string, font: PDFFont): string {
  const supported = new Set(font.getCharacterSet());
  return [...text].map((ch) => (supported.has(ch.codePointAt(0)!) ? ch : '?')).join('');
}

/** A PDF dated its document's issue date (so the same document renders the same bytes), titled and authored. */
async function newDocument(title: string, subject: string, seller: Seller, issueDate: string): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  doc.setSubject(subject);
  doc.setAuthor(seller.name);
  doc.setCreator('o2c');
  doc.setCreationDate(new Date(`${issueDate}T00:00:00Z`));
  doc.setModificationDate(new Date(`${issueDate}T00:00:00Z`));
  return doc;
}

export async function renderInvoicePdf(invoice: Invoice, seller: Seller, customer: Pick<Customer, 'name' | 'email' | 'billingAddress'>): Promise<Uint8Array> {
  const doc = await newDocument(`Invoice ${invoice.number}`, `Invoice ${invoice.number}${invoice.orderReference ? ` for order ${invoice.orderReference}` : ''}, total ${invoice.currency} ${toDecimalString({ amount: invoice.totals.total, currency: invoice.currency })}`, seller, invoice.issueDate);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([595.28, 841.89]); // A4
  // A currency sign Helvetica cannot draw (₹, ₽, ₩ …) would print as '?': write the ISO code instead.
  const money = (amount: number) => {
    const formatted = formatMoney({ amount, currency: invoice.currency }, 'en-GB');
    return winAnsi(formatted, font) === formatted ? formatted : `${invoice.currency} ${toDecimalString({ amount, currency: invoice.currency })}`;
  };
  let y = 800;
  const text = (p: PDFPage, s: string, x: number, size = 10, f = font, align: 'left' | 'right' = 'left') => {
    const safe = winAnsi(s, f);
    const width = f.widthOfTextAtSize(safe, size);
    p.drawText(safe, { x: align === 'right' ? x - width : x, y, size, font: f, color: rgb(0.1, 0.1, 0.1) });
  };

  text(page, seller.name, 50, 16, bold);
  text(page, 'INVOICE', 545, 16, bold, 'right');
  for (const line of seller.address) {
    y -= 14;
    text(page, line, 50, 9);
  }
  y -= 30;
  const meta: [string, string][] = [
    ['Invoice number', invoice.number],
    ...(invoice.orderReference ? ([['Your order', invoice.orderReference]] as [string, string][]) : []),
    ['Issue date', invoice.issueDate],
    ['Due date', invoice.dueDate],
    ['Terms', describeTerms(invoice.terms)],
  ];
  const top = y;
  for (const [k, v] of meta) {
    text(page, k, 350, 9, bold);
    text(page, v, 545, 9, font, 'right');
    y -= 13;
  }
  y = top;
  text(page, 'Bill to', 50, 9, bold);
  for (const line of [customer.name, customer.billingAddress?.line1, customer.billingAddress?.city, customer.billingAddress?.country, customer.email]) {
    if (!line) continue;
    y -= 13;
    text(page, line, 50, 9);
  }
  y = Math.min(y, top - meta.length * 13) - 30;

  const cols = { sku: 50, desc: 120, qty: 330, unit: 400, tax: 470, net: 545 };
  text(page, 'SKU', cols.sku, 9, bold);
  text(page, 'Description', cols.desc, 9, bold);
  text(page, 'Qty', cols.qty, 9, bold, 'right');
  text(page, 'Unit', cols.unit, 9, bold, 'right');
  text(page, 'Tax', cols.tax, 9, bold, 'right');
  text(page, 'Net', cols.net, 9, bold, 'right');
  y -= 6;
  page.drawLine({ start: { x: 50, y }, end: { x: 545, y }, thickness: 0.5 });
  let current = page;
  for (const line of invoice.lines) {
    y -= 14;
    if (y < 120) {
      current = doc.addPage([595.28, 841.89]);
      y = 800;
    }
    text(current, line.sku.slice(0, 14), cols.sku, 9);
    text(current, line.description.slice(0, 40), cols.desc, 9);
    text(current, String(line.quantity), cols.qty, 9, font, 'right');
    text(current, money(line.unitPrice), cols.unit, 9, font, 'right');
    text(current, money(line.tax), cols.tax, 9, font, 'right');
    text(current, money(line.net), cols.net, 9, font, 'right');
  }
  y -= 24;
  const totals: [string, number][] = [
    ['Subtotal', invoice.totals.net],
    ...(invoice.totals.discount > 0 ? ([['Discounts included', invoice.totals.discount]] as [string, number][]) : []),
    ...(invoice.totals.shipping > 0 ? ([['Shipping', invoice.totals.shipping]] as [string, number][]) : []),
    ['Tax', invoice.totals.tax],
  ];
  for (const [k, v] of totals) {
    text(current, k, 400, 9);
    text(current, money(v), 545, 9, font, 'right');
    y -= 13;
  }
  y -= 4;
  text(current, `Total ${invoice.currency}`, 400, 11, bold);
  text(current, money(invoice.totals.total), 545, 11, bold, 'right');
  y -= 16;
  text(current, invoice.balance === 0 ? 'Paid with thanks' : `Amount due by ${invoice.dueDate}`, 400, 9, bold);
  text(current, money(invoice.balance), 545, 9, bold, 'right');
  if (invoice.earlyPayment) {
    y -= 26;
    text(current, `Pay ${money(invoice.earlyPayment.amountDue)} by ${invoice.earlyPayment.until} to take the early-payment discount of ${money(invoice.earlyPayment.discount)}.`, 50, 9);
  }
  y = 60;
  text(current, `Please quote ${invoice.number} with your payment.`, 50, 8);
  return doc.save({ useObjectStreams: false });
}

/** A credit note as a PDF: the seller, the customer, the invoice it credits, goods, shipping and tax reversed, and where the credit went. */
export async function renderCreditNotePdf(note: CreditNote, seller: Seller, customer: Pick<Customer, 'name' | 'email' | 'billingAddress'>): Promise<Uint8Array> {
  const doc = await newDocument(`Credit note ${note.number}`, `Credit note ${note.number} on invoice ${note.invoiceNumber}, total ${note.currency} ${toDecimalString({ amount: note.total, currency: note.currency })}`, seller, note.issueDate);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([595.28, 841.89]);
  const money = (amount: number) => {
    const formatted = formatMoney({ amount, currency: note.currency }, 'en-GB');
    return winAnsi(formatted, font) === formatted ? formatted : `${note.currency} ${toDecimalString({ amount, currency: note.currency })}`;
  };
  let y = 800;
  const text = (s: string, x: number, size = 10, f = font, align: 'left' | 'right' = 'left') => {
    const safe = winAnsi(s, f);
    page.drawText(safe, { x: align === 'right' ? x - f.widthOfTextAtSize(safe, size) : x, y, size, font: f, color: rgb(0.1, 0.1, 0.1) });
  };
  text(seller.name, 50, 16, bold);
  text('CREDIT NOTE', 545, 16, bold, 'right');
  for (const line of seller.address) {
    y -= 14;
    text(line, 50, 9);
  }
  y -= 30;
  const top = y;
  for (const [k, v] of [['Credit note number', note.number], ['Credits invoice', note.invoiceNumber], ['Issue date', note.issueDate]] as const) {
    text(k, 350, 9, bold);
    text(v, 545, 9, font, 'right');
    y -= 13;
  }
  y = top;
  text('Credit to', 50, 9, bold);
  for (const line of [customer.name, customer.billingAddress?.line1, customer.billingAddress?.city, customer.billingAddress?.country, customer.email]) {
    if (!line) continue;
    y -= 13;
    text(line, 50, 9);
  }
  y = Math.min(y, top - 3 * 13) - 30;
  text(`Reason: ${note.reason.slice(0, 90)}`, 50, 9);
  y -= 24;
  const rows: [string, number][] = [['Goods', note.net], ...(note.shipping > 0 ? ([['Shipping', note.shipping]] as [string, number][]) : []), ['Tax', note.tax]];
  for (const [k, v] of rows) {
    text(k, 400, 9);
    text(money(v), 545, 9, font, 'right');
    y -= 13;
  }
  y -= 4;
  text(`Total credited ${note.currency}`, 400, 11, bold);
  text(money(note.total), 545, 11, bold, 'right');
  y -= 26;
  text(`Taken off invoice ${note.invoiceNumber}: ${money(note.appliedToInvoice)}.${note.customerCredit > 0 ? ` Credit in your favour: ${money(note.customerCredit)}.` : ''}`, 50, 9);
  return doc.save({ useObjectStreams: false });
}

/** Port `InvoiceDocuments`: the invoice and the credit note as PDFs. */
export const pdfDocuments: InvoiceDocuments = { pdf: renderInvoicePdf, creditNotePdf: renderCreditNotePdf };
