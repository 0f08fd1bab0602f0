/**
 * The invoice as a PDF (pdf-lib: pure JavaScript, nothing native to ship).
 * The standard Helvetica font covers WinAnsi (Western European) text only;
 * characters it cannot encode are printed as '?'. Invoices to customers who
 * write in other scripts need an embedded Unicode font (not done yet).
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { describeTerms } from '#domain/invoice';
import { formatMoney, toDecimalString } from '#domain/money';
import type { CreditNote, Customer, Invoice, SellerBankAccount } from '#domain/model';
import { formatIban, printedReference, type PaymentReferenceScheme } from '#domain/references';
import type { CustomerStatement } from '#domain/statement';
import type { InvoiceDocuments } from '../ports.ts';

export interface Seller {
  readonly name: string;
  readonly address: readonly string[];
}

/** The seller as an invoice prints it: with the account customers pay to and the scheme its references are printed in. */
export interface InvoiceSeller extends Seller {
  readonly bankAccount: SellerBankAccount;
  readonly paymentReferenceScheme: PaymentReferenceScheme;
}

/** Keeps only characters the standard fonts can encode. */
export function winAnsi(text: string, font: PDFFont): string {
  const supported = new Set(font.getCharacterSet());
  return [...text].map((ch) => (supported.has(ch.codePointAt(0)!) ? ch : '?')).join('');
}

/** A PDF dated its document's issue date (so the same document renders the same bytes), titled and authored. */
export async function newDocument(title: string, subject: string, seller: Seller, issueDate: string): Promise<PDFDocument> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  doc.setSubject(subject);
  doc.setAuthor(seller.name);
  doc.setCreator('o2c');
  doc.setCreationDate(new Date(`${issueDate}T00:00:00Z`));
  doc.setModificationDate(new Date(`${issueDate}T00:00:00Z`));
  return doc;
}

/** Baseline of the invoice's footer line. */
const FOOTER = 60;

export async function renderInvoicePdf(invoice: Invoice, seller: InvoiceSeller, customer: Pick<Customer, 'name' | 'email' | 'billingAddress'>): Promise<Uint8Array> {
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
  const totals: [string, number][] = [
    ['Subtotal', invoice.totals.net],
    ...(invoice.totals.discount > 0 ? ([['Discounts included', invoice.totals.discount]] as [string, number][]) : []),
    ...(invoice.totals.shipping > 0 ? ([['Shipping', invoice.totals.shipping]] as [string, number][]) : []),
    ['Tax', invoice.totals.tax],
  ];
  const due = invoice.balance > 0;
  const account = seller.bankAccount;
  const payTo = [`IBAN ${formatIban(account.iban)}`, `BIC ${account.bic}`, ...(account.bankName ? [account.bankName.slice(0, 60)] : [])];
  const reference = invoice.paymentReference ? printedReference(invoice.paymentReference, seller.paymentReferenceScheme) : invoice.number;
  // The totals, the early-payment line and the payment block stay together, above the footer: on a new page when the lines left too little room.
  const needed = 24 + totals.length * 13 + 4 + 16 + (invoice.earlyPayment && due ? 26 : 0) + (due ? 30 + 13 + payTo.length * 13 : 0);
  if (y - needed < FOOTER + 20) {
    current = doc.addPage([595.28, 841.89]);
    y = 800;
  } else y -= 24;
  // Labels at 330: room for "Amount due by <date>" beside an amount in the millions.
  for (const [k, v] of totals) {
    text(current, k, 330, 9);
    text(current, money(v), 545, 9, font, 'right');
    y -= 13;
  }
  y -= 4;
  text(current, `Total ${invoice.currency}`, 330, 11, bold);
  text(current, money(invoice.totals.total), 545, 11, bold, 'right');
  y -= 16;
  if (!due) {
    text(current, 'Paid with thanks', 330, 9, bold);
    return doc.save({ useObjectStreams: false });
  }
  text(current, `Amount due by ${invoice.dueDate}`, 330, 9, bold);
  text(current, money(invoice.balance), 545, 9, bold, 'right');
  if (invoice.earlyPayment) {
    y -= 26;
    text(current, `Pay ${money(invoice.earlyPayment.amountDue)} by ${invoice.earlyPayment.until} to take the early-payment discount of ${money(invoice.earlyPayment.discount)}.`, 50, 9);
  }
  y -= 30;
  text(current, 'Pay to', 50, 9, bold);
  text(current, 'Payment reference', 320, 9, bold);
  y -= 14;
  text(current, reference, 320, 11, bold);
  for (const line of payTo) {
    text(current, line, 50, 9);
    y -= 13;
  }
  y = FOOTER;
  text(current, `Please quote the payment reference ${reference} with your payment.`, 50, 8);
  return doc.save({ useObjectStreams: false });
}

const A4: [number, number] = [595.28, 841.89];
const TOP = 800;
const BOTTOM = 60;

/** Writes text on the current page at the pen's baseline `y`, which the renderer moves down. */
interface Pen {
  y: number;
  text(s: string, x: number, size?: number, f?: PDFFont, align?: 'left' | 'right'): void;
}

function penOn(page: () => PDFPage, font: PDFFont): Pen {
  const pen: Pen = {
    y: TOP,
    text(s, x, size = 9, f = font, align = 'left') {
      const safe = winAnsi(s, f);
      page().drawText(safe, { x: align === 'right' ? x - f.widthOfTextAtSize(safe, size) : x, y: pen.y, size, font: f, color: rgb(0.1, 0.1, 0.1) });
    },
  };
  return pen;
}

/** The seller's name and the title, the seller's address; the document's facts on the right beside the customer on the left. Leaves the pen below both. */
function documentHead(pen: Pen, fonts: { font: PDFFont; bold: PDFFont }, seller: Seller, title: string, facts: readonly (readonly [string, string])[], party: string, customer: Pick<Customer, 'name' | 'email' | 'billingAddress'>): void {
  pen.text(seller.name, 50, 16, fonts.bold);
  pen.text(title, 545, 16, fonts.bold, 'right');
  for (const line of seller.address) {
    pen.y -= 14;
    pen.text(line, 50, 9);
  }
  pen.y -= 30;
  const top = pen.y;
  for (const [k, v] of facts) {
    pen.text(k, 350, 9, fonts.bold);
    pen.text(v, 545, 9, fonts.font, 'right');
    pen.y -= 13;
  }
  pen.y = top;
  pen.text(party, 50, 9, fonts.bold);
  for (const line of [customer.name, customer.billingAddress?.line1, customer.billingAddress?.city, customer.billingAddress?.country, customer.email]) {
    if (!line) continue;
    pen.y -= 13;
    pen.text(line, 50, 9);
  }
  pen.y = Math.min(pen.y, top - facts.length * 13) - 30;
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
  const pen = penOn(() => page, font);
  const text = pen.text;
  documentHead(pen, { font, bold }, seller, 'CREDIT NOTE', [['Credit note number', note.number], ['Credits invoice', note.invoiceNumber], ['Issue date', note.issueDate]], 'Credit to', customer);
  text(`Reason: ${note.reason.slice(0, 90)}`, 50, 9);
  pen.y -= 24;
  const rows: [string, number][] = [['Goods', note.net], ...(note.shipping > 0 ? ([['Shipping', note.shipping]] as [string, number][]) : []), ['Tax', note.tax]];
  for (const [k, v] of rows) {
    text(k, 400, 9);
    text(money(v), 545, 9, font, 'right');
    pen.y -= 13;
  }
  pen.y -= 4;
  text(`Total credited ${note.currency}`, 400, 11, bold);
  text(money(note.total), 545, 11, bold, 'right');
  pen.y -= 26;
  text(`Taken off invoice ${note.invoiceNumber}: ${money(note.appliedToInvoice)}.${note.customerCredit > 0 ? ` Credit in your favour: ${money(note.customerCredit)}.` : ''}`, 50, 9);
  return doc.save({ useObjectStreams: false });
}

/**
 * The statement of account as a PDF: the seller, the customer, as of when; per
 * currency its open items (a table that continues on the next page with its
 * header repeated), credit notes, unapplied cash, the aging and the balance;
 * every page numbered "Page n of m".
 */
export async function renderStatementPdf(statement: CustomerStatement, seller: Seller): Promise<Uint8Array> {
  const { customer, asOf } = statement;
  const doc = await newDocument(`Statement ${customer.name} ${asOf}`, `Statement of account of ${customer.name} as of ${asOf}`, seller, asOf);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  let page = doc.addPage(A4);
  const pen = penOn(() => page, font);
  const text = pen.text;
  const moneyIn = (currency: string) => (amount: number) => {
    const formatted = formatMoney({ amount, currency }, 'en-GB');
    return winAnsi(formatted, font) === formatted ? formatted : `${currency} ${toDecimalString({ amount, currency })}`;
  };
  /** Room for `lines` more rows, else a new page (the table's header again when given). */
  const room = (lines: number, header?: () => void) => {
    if (pen.y - lines * 13 >= BOTTOM + 20) return;
    page = doc.addPage(A4);
    pen.y = TOP;
    text(`${seller.name} - statement of account of ${customer.name} as of ${asOf} (continued)`, 50, 8);
    pen.y -= 24;
    header?.();
  };

  documentHead(pen, { font, bold }, seller, 'STATEMENT OF ACCOUNT', [['As of', asOf]], 'Customer', customer);
  if (statement.currencies.length === 0) text(`Nothing was open on ${asOf}: your account is settled.`, 50, 10);
  const standing = { 'credit-hold': 'on credit hold: new orders on account are held until the overdue balance is paid', suspended: 'suspended: new orders on account are not accepted until the overdue balance is paid', 'with-agency': 'passed to our collection agency' }[customer.collectionsStatus ?? ''];
  if (standing) {
    text(`Account status: ${standing}${customer.collectionsSince ? ` (since ${customer.collectionsSince})` : ''}.`, 50, 10, bold);
    pen.y -= 20;
  }

  const cols = { number: 50, issued: 170, due: 240, total: 360, balance: 440, late: 545 };
  for (const c of statement.currencies) {
    const money = moneyIn(c.currency);
    room(6);
    text(`Open items in ${c.currency}`, 50, 11, bold);
    pen.y -= 18;
    const header = () => {
      text('Invoice', cols.number, 9, bold);
      text('Issued', cols.issued, 9, bold);
      text('Due', cols.due, 9, bold);
      text('Total', cols.total, 9, bold, 'right');
      text('Balance', cols.balance, 9, bold, 'right');
      text('Days overdue', cols.late, 9, bold, 'right');
      pen.y -= 6;
      page.drawLine({ start: { x: 50, y: pen.y }, end: { x: 545, y: pen.y }, thickness: 0.5 });
      pen.y -= 13;
    };
    header();
    if (c.openItems.length === 0) {
      text('None', cols.number, 9);
      pen.y -= 13;
    }
    for (const item of c.openItems) {
      room(1, header);
      text(item.invoiceNumber + (item.disputed > 0 ? ' (disputed)' : ''), cols.number, 9);
      text(item.issueDate, cols.issued, 9);
      text(item.dueDate, cols.due, 9);
      text(money(item.total), cols.total, 9, font, 'right');
      text(money(item.balance), cols.balance, 9, font, 'right');
      text(item.daysOverdue > 0 ? String(item.daysOverdue) : '-', cols.late, 9, font, 'right');
      pen.y -= 13;
    }
    const listed = (title: string, rows: readonly [string, string][]) => {
      if (rows.length === 0) return;
      pen.y -= 8;
      room(2);
      text(title, 50, 9, bold);
      pen.y -= 13;
      for (const [k, v] of rows) {
        room(1);
        text(k, 50, 9);
        text(v, cols.balance, 9, font, 'right');
        pen.y -= 13;
      }
    };
    listed('Credit notes', c.creditNotes.map((n) => [`${n.number} on ${n.invoiceNumber}, ${n.issueDate}: ${n.reason.slice(0, 50)}`, money(n.total)]));
    listed('Payments not yet applied', c.unappliedCash.map((p) => [`Received ${p.receivedOn} (${money(p.amount)})`, money(p.unapplied)]));
    listed('Late-payment fees and interest (included in the balances)', c.openItems.filter((i) => i.fees > 0).map((i) => [`${i.invoiceNumber}`, money(i.fees)]));
    listed('Disputed', c.disputes.map((d) => [`${d.invoiceNumber}, since ${d.openedOn}: ${d.reason.slice(0, 50)}`, money(d.amount)]));
    pen.y -= 8;
    room(9);
    const totals: [string, number, boolean][] = [
      ['Current', c.aging.current, false],
      ['1-30 days overdue', c.aging.days1to30, false],
      ['31-60 days overdue', c.aging.days31to60, false],
      ['61-90 days overdue', c.aging.days61to90, false],
      ['Over 90 days overdue', c.aging.over90, false],
      ['Open balance', c.openBalance, true],
      ...(c.unapplied > 0 ? ([['Less payments not yet applied', -c.unapplied, false]] as [string, number, boolean][]) : []),
      ...(c.customerCredit > 0 ? ([['Less credit in your favour', -c.customerCredit, false]] as [string, number, boolean][]) : []),
    ];
    for (const [k, v, strong] of totals) {
      text(k, 300, 9, strong ? bold : font);
      text(money(v), cols.balance, 9, strong ? bold : font, 'right');
      pen.y -= 13;
    }
    text(c.netBalance >= 0 ? `Balance due ${c.currency}` : `In your favour ${c.currency}`, 300, 10, bold);
    text(money(Math.abs(c.netBalance)), cols.balance, 10, bold, 'right');
    pen.y -= 30;
  }
  const pages = doc.getPages();
  pages.forEach((p, n) => {
    const label = `Page ${n + 1} of ${pages.length}`;
    p.drawText(label, { x: 545 - font.widthOfTextAtSize(label, 8), y: 30, size: 8, font, color: rgb(0.3, 0.3, 0.3) });
  });
  return doc.save({ useObjectStreams: false });
}

/** Port `InvoiceDocuments`: the invoice, the credit note and the statement as PDFs. */
export const pdfDocuments: InvoiceDocuments = { pdf: renderInvoicePdf, creditNotePdf: renderCreditNotePdf, statementPdf: renderStatementPdf };
