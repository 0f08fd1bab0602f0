/**
 * The invoice, the credit note and the statement of account as PDFs (pdf-lib: pure JavaScript), in the customer's
 * language (labels passed in, money and dates formatted with Intl for its locale) and script: Noto Sans for Latin,
 * Greek and Cyrillic, Noto Sans JP or SC for Japanese and Chinese, each subset per document (functions/adapters/fonts).
 *
 * Layout: every string is measured before it is drawn; long texts wrap within their column; a table that runs off a
 * page continues on the next with its header repeated; every page says "page n of m". The same document renders the
 * same bytes (dates from the document, fixed font names, no random ids).
 */
import { PDFDocument, PDFHexString, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { currencyExponent, toDecimalString } from '#domain/money';
import type { Address, CreditNote, Customer, Invoice, Party, SellerBankAccount, VatCategory, VatSubtotal } from '#domain/model';
import { formatIban, printedReference, type PaymentReferenceScheme } from '#domain/references';
import type { CustomerStatement } from '#domain/statement';
import type { DocumentLabels } from '../messages/documents/types.ts';
import type { InvoiceDocuments } from '../ports.ts';
import { FONT_FILES } from './font-files.ts';
import { fontBytesFor, hasGlyph, scriptOf, upstreamFontkit, type FontFace, type Script } from './fonts.ts';

export interface Seller {
  readonly name: string;
  readonly address: readonly string[];
}

/** The seller as an invoice prints it: with the account customers pay to and the scheme its references are printed in. */
export interface InvoiceSeller extends Seller {
  readonly bankAccount: SellerBankAccount;
  readonly paymentReferenceScheme: PaymentReferenceScheme;
}

export type DocumentCustomer = Pick<Customer, 'name' | 'email' | 'billingAddress'>;

const A4: [number, number] = [595.28, 841.89];
const LEFT = 50;
const RIGHT = 545;
const TOP = 800;
/** Nothing but the page footer below this baseline. */
const BOTTOM = 60;
const INK = rgb(0.1, 0.1, 0.1);

// ── formatting ───────────────────────────────────────────────────────────────

/** Money in the locale's way with the currency's own sign where it has one (¥, ₽, kr, £, €), else its code. */
export function moneyIn(locale: string, currency: string): (amount: number) => string {
  const exp = currencyExponent(currency);
  const fmt = new Intl.NumberFormat(locale, { style: 'currency', currency, currencyDisplay: 'narrowSymbol', minimumFractionDigits: exp, maximumFractionDigits: exp });
  return (amount) => fmt.format(toDecimalString({ amount, currency }) as unknown as number).replace(/\uFFE5/g, '¥');
}

/** A calendar date (`YYYY-MM-DD`) in the locale's way. */
export function dateIn(locale: string): (date: string) => string {
  const fmt = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone: 'UTC' });
  return (date) => fmt.format(new Date(`${date}T00:00:00Z`));
}

function percent(locale: string, ratePpm: number): string {
  return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 4 }).format(ratePpm / 10_000)} %`;
}

// ── the sheet: fonts, pages, measured text ───────────────────────────────────

const CJK = /[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/u;
const KANA = /[\u3040-\u30FF\u31F0-\u31FF]/u;

/** The CJK faces a document needs: Japanese for kana or a Japanese customer, Chinese for other Han text. */
export function cjkFaceFor(text: string, language: string): 'jp' | 'sc' | undefined {
  if (!CJK.test(text) && language !== 'ja' && language !== 'zh') return undefined;
  if (language === 'ja' || KANA.test(text)) return 'jp';
  return 'sc';
}

/** One string as drawn: for the layout tests and for callers that want to know what went where. */
export interface DrawnRun {
  readonly page: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly size: number;
  readonly text: string;
}

/** An embedded font: a face, for one script (CJK faces: for everything they are asked to draw). */
interface Embedded {
  readonly face: FontFace;
  readonly script: Script | 'any';
  readonly font: PDFFont;
}

interface Faces {
  readonly regular: readonly Embedded[];
  readonly bold: readonly Embedded[];
}

class Sheet {
  readonly pages: PDFPage[] = [];
  readonly runs: DrawnRun[] = [];
  y = TOP;
  private onNewPage: (() => void) | undefined;

  constructor(
    readonly doc: PDFDocument,
    private readonly faces: Faces,
  ) {
    this.newPage();
  }

  get page(): PDFPage {
    return this.pages[this.pages.length - 1]!;
  }

  newPage(): void {
    this.pages.push(this.doc.addPage(A4));
    this.y = TOP;
    this.onNewPage?.();
  }

  /** What a new page starts with (a continuation line, a table header) until changed. */
  continueWith(header: (() => void) | undefined): void {
    this.onNewPage = header;
  }

  /** A new page unless `height` more points fit above the footer; true when it turned the page. */
  room(height: number): boolean {
    if (this.y - height >= BOTTOM) return false;
    this.newPage();
    return true;
  }

  private readonly fontOf = new Map<string, Embedded | null>();
  private readonly widths = new Map<PDFFont, Map<string, number>>();

  /** The first font of the chain for the character's script that has it, else any that has it (null: none). */
  private pick(chain: readonly Embedded[], bold: boolean, cp: number): Embedded | null {
    const key = `${bold ? 'b' : 'r'}${cp}`;
    let hit = this.fontOf.get(key);
    if (hit === undefined) {
      const script = scriptOf(cp);
      hit = chain.find((f) => (f.script === 'any' || f.script === script) && hasGlyph(f.face, cp)) ?? chain.find((f) => hasGlyph(f.face, cp)) ?? null;
      this.fontOf.set(key, hit);
    }
    return hit;
  }

  /** A run's width at size 1, measured once per font and text. */
  private unitWidth(font: PDFFont, text: string): number {
    let byText = this.widths.get(font);
    if (!byText) this.widths.set(font, (byText = new Map()));
    let w = byText.get(text);
    if (w === undefined) byText.set(text, (w = font.widthOfTextAtSize(text, 1)));
    return w;
  }

  /** The string cut into runs, each in the first face that has all its characters (a '?' for none). */
  private segments(text: string, bold: boolean): { font: PDFFont; text: string }[] {
    const chain = bold ? this.faces.bold : this.faces.regular;
    const out: { font: PDFFont; text: string }[] = [];
    for (const ch of text) {
      const cp = ch.codePointAt(0)!;
      const hit = this.pick(chain, bold, cp);
      const font = hit?.font ?? chain[0]!.font;
      const glyph = hit || /\s/.test(ch) ? ch : '?';
      const last = out[out.length - 1];
      if (last && last.font === font) last.text += glyph;
      else out.push({ font, text: glyph });
    }
    return out;
  }

  width(text: string, size: number, bold = false): number {
    return this.segments(text, bold).reduce((w, s) => w + this.unitWidth(s.font, s.text) * size, 0);
  }

  /** Draws one line at the current baseline (`align` right: ending at x). */
  text(text: string, x: number, size = 9, bold = false, align: 'left' | 'right' = 'left'): number {
    const clean = text.replace(/[\r\n\t]+/g, ' ');
    if (!clean) return 0;
    const width = this.width(clean, size, bold);
    let at = align === 'right' ? x - width : x;
    for (const s of this.segments(clean, bold)) {
      this.page.drawText(s.text, { x: at, y: this.y, size, font: s.font, color: INK });
      at += this.unitWidth(s.font, s.text) * size;
    }
    this.runs.push({ page: this.pages.length - 1, x: align === 'right' ? x - width : x, y: this.y, width, size, text: clean });
    return width;
  }

  /** The text broken into lines no wider than `width` (at spaces; a word too long, or CJK text, anywhere). */
  wrap(text: string, width: number, size = 9, bold = false): string[] {
    const lines: string[] = [];
    let line = '';
    const tokens = text.replace(/[\r\n\t]+/g, ' ').match(/[\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]|[^\s\u2E80-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]+|\s+/gu) ?? [];
    for (const token of tokens) {
      const candidate = line + token;
      if (this.width(candidate.trimEnd(), size, bold) <= width) {
        line = candidate;
        continue;
      }
      if (line.trim()) lines.push(line.trimEnd());
      line = /^\s+$/.test(token) ? '' : token;
      while (this.width(line, size, bold) > width) {
        let cut = [...line].length - 1;
        while (cut > 1 && this.width([...line].slice(0, cut).join(''), size, bold) > width) cut--;
        lines.push([...line].slice(0, cut).join(''));
        line = [...line].slice(cut).join('');
      }
    }
    if (line.trim()) lines.push(line.trimEnd());
    return lines.length ? lines : [''];
  }

  /** Wrapped text from the current baseline down, `leading` apart; leaves the pen on the last line. Returns the line count. */
  paragraph(text: string, x: number, width: number, size = 9, bold = false, leading = size + 4): number {
    const lines = this.wrap(text, width, size, bold);
    lines.forEach((l, i) => {
      if (i > 0) this.y -= leading;
      this.text(l, x, size, bold);
    });
    return lines.length;
  }

  rule(): void {
    this.page.drawLine({ start: { x: LEFT, y: this.y }, end: { x: RIGHT, y: this.y }, thickness: 0.5, color: INK });
  }

  /** "Page n of m" on every page, then the bytes. */
  async finish(label: (n: number, of: number) => string): Promise<Uint8Array> {
    const total = this.pages.length;
    this.pages.forEach((p, n) => {
      const keep = this.y;
      const index = this.pages.indexOf(p);
      this.y = 30;
      const text = label(n + 1, total);
      const width = this.width(text, 8);
      let at = RIGHT - width;
      for (const s of this.segments(text, false)) {
        p.drawText(s.text, { x: at, y: 30, size: 8, font: s.font, color: rgb(0.3, 0.3, 0.3) });
        at += this.unitWidth(s.font, s.text) * 8;
      }
      this.runs.push({ page: index, x: RIGHT - width, y: 30, width, size: 8, text });
      this.y = keep;
    });
    return this.doc.save({ useObjectStreams: false });
  }
}

/** A PDF dated its document's issue date, titled and authored, with the fonts its text needs embedded (subset). */
async function newSheet(title: string, subject: string, author: string, issueDate: string, labels: DocumentLabels, allText: string): Promise<Sheet> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(upstreamFontkit);
  doc.setTitle(title);
  doc.setSubject(subject);
  doc.setAuthor(author);
  doc.setCreator('o2c');
  doc.setProducer('o2c (pdf-lib)');
  doc.setLanguage(labels.locale);
  doc.setCreationDate(new Date(`${issueDate}T00:00:00Z`));
  doc.setModificationDate(new Date(`${issueDate}T00:00:00Z`));
  // A fixed file id (from the title), so the same document is the same bytes.
  const id = PDFHexString.of(Buffer.from(title.padEnd(16, ' ').slice(0, 16), 'utf8').toString('hex'));
  doc.context.trailerInfo.ID = doc.context.obj([id, id]);
  const cjk = cjkFaceFor(allText, labels.language);
  const scripts: Script[] = ['latin', ...(labels.language === 'ru' || /[\u0400-\u052F]/u.test(allText) ? (['cyrillic'] as const) : []), ...(/[\u0370-\u03FF]/u.test(allText) ? (['greek'] as const) : [])];
  let n = 0;
  // Subset tags fixed by embedding order (not random), so the same document is the same bytes.
  const embed = async (face: FontFace, script: Script | 'any'): Promise<Embedded> => {
    const tag = `OTCAA${String.fromCharCode(65 + n++)}`;
    const name = `${tag}+${FONT_FILES[face].file.replace(/\.ttf$/, '')}${script === 'latin' || script === 'any' ? '' : `-${script}`}`;
    const font = await doc.embedFont(fontBytesFor(face, script === 'any' ? 'latin' : script), { subset: true, customName: name, features: { liga: false, rlig: false, calt: false } });
    return { face, script, font };
  };
  const regular: Embedded[] = [];
  const bold: Embedded[] = [];
  for (const script of scripts) {
    regular.push(await embed('latin', script));
    bold.push(await embed('latin-bold', script));
  }
  if (cjk) {
    regular.push(await embed(cjk, 'any'));
    bold.push(await embed(`${cjk}-bold`, 'any'));
  }
  return new Sheet(doc, { regular, bold });
}

// ── the parties ──────────────────────────────────────────────────────────────

function addressLines(a: Address | undefined): string[] {
  if (!a) return [];
  const cityLine = [a.postalCode, a.city].filter(Boolean).join(' ');
  return [a.company, a.name, a.line1, a.line2, [cityLine, a.region].filter(Boolean).join(', '), a.country].filter((l): l is string => !!l && l.trim() !== '');
}

/** The seller as printed: the document's own (fixed at issue) else the company's current details. */
function sellerParty(doc: { readonly seller?: Party }, seller: Seller): { name: string; lines: string[]; vatNumber?: string; companyNumber?: string } {
  const p = doc.seller;
  const lines = p?.address ? addressLines(p.address) : [...seller.address];
  return { name: p?.name ?? seller.name, lines, ...(p?.vatNumber ? { vatNumber: p.vatNumber } : {}), ...(p?.companyNumber ? { companyNumber: p.companyNumber } : {}) };
}

function buyerParty(doc: { readonly buyer?: Party }, customer: DocumentCustomer): { name: string; lines: string[]; vatNumber?: string; companyNumber?: string } {
  const p = doc.buyer;
  const lines = addressLines(p?.address ?? customer.billingAddress);
  const email = p?.email ?? customer.email;
  return { name: p?.name ?? customer.name, lines: email ? [...lines, email] : lines, ...(p?.vatNumber ? { vatNumber: p.vatNumber } : {}), ...(p?.companyNumber ? { companyNumber: p.companyNumber } : {}) };
}

type PrintedParty = ReturnType<typeof sellerParty>;

/**
 * The head of a document: seller (name, address, VAT and company numbers) and title; the facts (number, dates …) on
 * the right, the other party on the left, each wrapped in its column. Leaves the pen below both.
 */
function head(sheet: Sheet, labels: DocumentLabels, title: string, seller: PrintedParty, facts: readonly (readonly [string, string])[], partyLabel: string, party: PrintedParty | undefined): void {
  const titleWidth = sheet.width(title, 16, true);
  sheet.paragraph(seller.name, LEFT, RIGHT - LEFT - titleWidth - 20, 14, true, 17);
  const afterName = sheet.y;
  sheet.y = TOP;
  sheet.text(title, RIGHT, 16, true, 'right');
  sheet.y = afterName;
  for (const line of [...seller.lines, ...(seller.vatNumber ? [`${labels.vatNumber}: ${seller.vatNumber}`] : []), ...(seller.companyNumber ? [`${labels.companyNumber}: ${seller.companyNumber}`] : [])]) {
    sheet.y -= 12;
    sheet.paragraph(line, LEFT, 300, 8.5, false, 11);
  }
  sheet.y -= 30;
  const top = sheet.y;
  // Facts: label at 300, value right-aligned at RIGHT, each wrapped in its column.
  for (const [k, v] of facts) {
    const labelLines = sheet.wrap(k, 92, 9, true);
    const valueLines = sheet.wrap(v, RIGHT - 400, 9);
    const rows = Math.max(labelLines.length, valueLines.length);
    for (let i = 0; i < rows; i++) {
      if (labelLines[i]) sheet.text(labelLines[i]!, 300, 9, true);
      if (valueLines[i]) sheet.text(valueLines[i]!, RIGHT, 9, false, 'right');
      sheet.y -= 12;
    }
  }
  const factsBottom = sheet.y;
  sheet.y = top;
  if (party) {
    sheet.text(partyLabel, LEFT, 9, true);
    for (const line of [party.name, ...party.lines, ...(party.vatNumber ? [`${labels.vatNumber}: ${party.vatNumber}`] : []), ...(party.companyNumber ? [`${labels.companyNumber}: ${party.companyNumber}`] : [])]) {
      sheet.y -= 12;
      sheet.paragraph(line, LEFT, 250, 9, false, 12);
    }
    sheet.y -= 12;
  }
  sheet.y = Math.min(sheet.y, factsBottom) - 18;
}

// ── VAT summary ──────────────────────────────────────────────────────────────

const categoryOf = (ratePpm: number, category?: VatCategory): VatCategory => category ?? (ratePpm > 0 ? 'S' : 'Z');

/**
 * The VAT summary a document prints: its own breakdown when it has one, else one row per category and rate of its
 * lines, with the shipping charge in the row whose rate gives its tax (or a row of its own); Σ tax = the total's tax.
 */
export function printedVatBreakdown(invoice: Pick<Invoice, 'lines' | 'totals' | 'vatBreakdown' | 'shippingVatCategory'>): readonly VatSubtotal[] {
  if (invoice.vatBreakdown && invoice.vatBreakdown.length > 0) return invoice.vatBreakdown;
  const rows = new Map<string, { category: VatCategory; ratePpm: number; taxable: number; tax: number }>();
  const add = (category: VatCategory, ratePpm: number, taxable: number, tax: number) => {
    const key = `${category}:${ratePpm}`;
    const row = rows.get(key) ?? { category, ratePpm, taxable: 0, tax: 0 };
    rows.set(key, { ...row, taxable: row.taxable + taxable, tax: row.tax + tax });
  };
  for (const l of invoice.lines) add(categoryOf(l.taxRatePpm, l.vatCategory), l.taxRatePpm, l.net, l.tax);
  const shippingTax = invoice.totals.tax - invoice.lines.reduce((s, l) => s + l.tax, 0);
  if (invoice.totals.shipping > 0 || shippingTax !== 0) {
    const shipping = invoice.totals.shipping;
    const match = [...rows.values()].find((r) => Math.abs(Math.round((shipping * r.ratePpm) / 1_000_000) - shippingTax) <= 1 && (r.ratePpm > 0) === shippingTax > 0);
    if (match) add(match.category, match.ratePpm, shipping, shippingTax);
    else {
      const ratePpm = shipping > 0 ? Math.round((shippingTax * 1_000_000) / shipping / 1000) * 1000 : 0;
      add(categoryOf(ratePpm, invoice.shippingVatCategory), ratePpm, shipping, shippingTax);
    }
  }
  return [...rows.values()].sort((a, b) => b.ratePpm - a.ratePpm || a.category.localeCompare(b.category));
}

function vatSummary(sheet: Sheet, labels: DocumentLabels, rows: readonly VatSubtotal[], money: (n: number) => string): void {
  const cols = { rate: 320, taxable: 460, vat: RIGHT };
  sheet.room(14 * (rows.length + 2));
  sheet.text(labels.vatSummary, LEFT, 9, true);
  sheet.text(labels.vatRate, cols.rate, 9, true, 'right');
  sheet.text(labels.taxable, cols.taxable, 9, true, 'right');
  sheet.text(labels.vat, cols.vat, 9, true, 'right');
  sheet.y -= 5;
  sheet.rule();
  for (const r of rows) {
    sheet.y -= 13;
    sheet.text(r.category === 'S' ? '' : r.category, LEFT, 9);
    sheet.text(percent(labels.locale, r.ratePpm), cols.rate, 9, false, 'right');
    sheet.text(money(r.taxable), cols.taxable, 9, false, 'right');
    sheet.text(money(r.tax), cols.vat, 9, false, 'right');
  }
  const wording = [...new Set(rows.filter((r) => r.category !== 'S').map((r) => r.exemptionReason ?? labels.exemption[r.category as Exclude<VatCategory, 'S'>]))];
  for (const w of wording) {
    sheet.y -= 14;
    sheet.room(14);
    sheet.paragraph(w, LEFT, RIGHT - LEFT, 8.5, true, 11);
  }
  sheet.y -= 22;
}

/** Label-and-amount rows, right-aligned at RIGHT, the label wrapped in the column from `x`. */
function amountRows(sheet: Sheet, rows: readonly (readonly [string, string, boolean?])[], x = 320): void {
  for (const [k, v, strong] of rows) {
    const size = strong ? 10.5 : 9;
    sheet.room(size + 5);
    const valueWidth = sheet.width(v, size, !!strong);
    const n = sheet.paragraph(k, x, RIGHT - x - valueWidth - 12, size, !!strong, size + 3);
    sheet.y += (n - 1) * (size + 3);
    sheet.text(v, RIGHT, size, !!strong, 'right');
    sheet.y -= (n - 1) * (size + 3) + size + 5;
  }
}

// ── invoice ──────────────────────────────────────────────────────────────────

function paidOn(invoice: Invoice): { on: string; method: 'checkout' | 'payment' | 'credit' } {
  const settling = [...(invoice.history ?? [])].reverse().find((e) => e.kind === 'payment' || e.kind === 'credit-note' || e.kind === 'discount');
  if (!settling) return { on: invoice.issueDate, method: 'checkout' };
  return { on: settling.on, method: settling.kind === 'credit-note' ? 'credit' : 'payment' };
}

export async function renderInvoicePdf(invoice: Invoice, seller: InvoiceSeller, customer: DocumentCustomer, labels: DocumentLabels): Promise<Uint8Array> {
  const money = moneyIn(labels.locale, invoice.currency);
  const date = dateIn(labels.locale);
  const sellerP = sellerParty(invoice, seller);
  const buyerP = buyerParty(invoice, customer);
  const allText = JSON.stringify([invoice.lines.map((l) => l.description), sellerP, buyerP, invoice.orderReference]);
  const sheet = await newSheet(
    `Invoice ${invoice.number}`,
    `Invoice ${invoice.number}${invoice.orderReference ? ` for order ${invoice.orderReference}` : ''}, total ${invoice.currency} ${toDecimalString({ amount: invoice.totals.total, currency: invoice.currency })}`,
    sellerP.name,
    invoice.issueDate,
    labels,
    allText,
  );
  const due = invoice.balance > 0;
  const terms = labels.describeTerms(invoice.terms.netDays, invoice.terms.discount ? { percent: new Intl.NumberFormat(labels.locale, { maximumFractionDigits: 4 }).format(invoice.terms.discount.ratePpm / 10_000), days: invoice.terms.discount.days } : undefined);
  const facts: [string, string][] = [
    [labels.invoiceNumber, invoice.number],
    ...(invoice.orderReference ? ([[labels.yourOrder, invoice.orderReference]] as [string, string][]) : []),
    [labels.issueDate, date(invoice.issueDate)],
    ...(invoice.supplyDate ? ([[labels.supplyDate, date(invoice.supplyDate)]] as [string, string][]) : []),
    ...(due ? ([[labels.dueDate, date(invoice.dueDate)], [labels.terms, terms]] as [string, string][]) : []),
  ];
  head(sheet, labels, labels.invoice, sellerP, facts, labels.billTo, buyerP);

  // The lines: description wraps in its column; qty, unit price, VAT rate and net right-aligned.
  const cols = { desc: LEFT, qty: 330, unit: 405, rate: 455, net: RIGHT };
  const header = () => {
    sheet.text(labels.description, cols.desc, 9, true);
    sheet.text(labels.quantity, cols.qty, 9, true, 'right');
    sheet.text(labels.unitPrice, cols.unit, 9, true, 'right');
    sheet.text(labels.vatRate, cols.rate, 9, true, 'right');
    sheet.text(labels.net, cols.net, 9, true, 'right');
    sheet.y -= 5;
    sheet.rule();
  };
  const continuation = () => {
    sheet.text(`${sellerP.name} - ${labels.invoice} ${invoice.number} (${labels.continued})`, LEFT, 8);
    sheet.y -= 24;
  };
  header();
  sheet.continueWith(() => {
    continuation();
    header();
  });
  for (const line of invoice.lines) {
    const unit = money(line.unitPrice);
    const descWidth = cols.qty - 40 - cols.desc;
    const text = `${line.description} (${line.sku})`;
    const rows = sheet.wrap(text, descWidth, 9);
    sheet.y -= 13;
    if (sheet.room(rows.length * 12)) sheet.y -= 13; // below the repeated header
    const top = sheet.y;
    sheet.text(String(line.quantity), cols.qty, 9, false, 'right');
    sheet.text(unit, cols.unit, 9, false, 'right');
    sheet.text(percent(labels.locale, line.taxRatePpm), cols.rate, 9, false, 'right');
    sheet.text(money(line.net), cols.net, 9, false, 'right');
    rows.forEach((r, i) => {
      sheet.y = top - i * 12;
      sheet.text(r, cols.desc, 9);
    });
  }
  sheet.continueWith(continuation);
  sheet.y -= 26;

  const totals: [string, string, boolean?][] = [
    [labels.subtotal, money(invoice.totals.net)],
    ...(invoice.totals.discount > 0 ? ([[labels.discountsIncluded, money(invoice.totals.discount)]] as [string, string][]) : []),
    ...(invoice.totals.shipping > 0 ? ([[labels.shipping, money(invoice.totals.shipping)]] as [string, string][]) : []),
    [labels.totalVat, money(invoice.totals.tax)],
    [`${labels.total} ${invoice.currency}`, money(invoice.totals.total), true],
  ];
  const breakdown = printedVatBreakdown(invoice);
  const account = seller.bankAccount;
  const reference = invoice.paymentReference ? printedReference(invoice.paymentReference, seller.paymentReferenceScheme) : invoice.number;
  const payTo = [`IBAN ${formatIban(account.iban)}`, `BIC ${account.bic}`, ...(account.bankName ? [`${labels.bank}: ${account.bankName}`] : [])];
  // The VAT summary, the totals and what to pay stay together: on a new page when the lines left too little room.
  const exemptions = new Set(breakdown.filter((r) => r.category !== 'S').map((r) => r.exemptionReason ?? r.category)).size;
  const vatHeight = 13 * (breakdown.length + 1) + 28 * exemptions + 30;
  const payHeight = due ? 30 + (invoice.earlyPayment ? 40 : 0) + 28 + 15 + payTo.length * 26 + 24 + 24 : 40;
  sheet.room(vatHeight + totals.length * 15 + payHeight);
  vatSummary(sheet, labels, breakdown, money);
  amountRows(sheet, totals);
  sheet.y -= 8;
  if (!due) {
    const paid = paidOn(invoice);
    sheet.text(labels.paid, 320, 14, true);
    sheet.y -= 16;
    sheet.paragraph(labels.paidOn(date(paid.on), labels.paidMethod[paid.method]), 320, RIGHT - 320, 9);
    return sheet.finish(labels.page);
  }
  amountRows(sheet, [[`${labels.amountDue} - ${labels.dueBy(date(invoice.dueDate))}`, money(invoice.balance), true]]);
  if (invoice.earlyPayment) {
    sheet.y -= 10;
    sheet.room(30);
    sheet.paragraph(labels.earlyPayment(money(invoice.earlyPayment.amountDue), date(invoice.earlyPayment.until), money(invoice.earlyPayment.discount)), LEFT, RIGHT - LEFT, 9);
  }
  sheet.y -= 28;
  sheet.room(20 + payTo.length * 24 + 30);
  const top = sheet.y;
  sheet.text(labels.payTo, LEFT, 9, true);
  for (const line of payTo) {
    sheet.y -= 13;
    sheet.paragraph(line, LEFT, 250, 9);
  }
  const payBottom = sheet.y;
  sheet.y = top;
  sheet.text(labels.paymentReference, 320, 9, true);
  sheet.y -= 15;
  sheet.text(reference, 320, 11, true);
  sheet.y = Math.min(payBottom, sheet.y) - 24;
  sheet.room(24);
  sheet.paragraph(labels.pleaseQuote(reference), LEFT, RIGHT - LEFT, 8.5);
  return sheet.finish(labels.page);
}

// ── credit note ──────────────────────────────────────────────────────────────

/** A credit note as a PDF: the seller, the customer, the invoice it corrects, goods, shipping and VAT reversed (per rate), and where the credit went. */
export async function renderCreditNotePdf(note: CreditNote, seller: Seller, customer: DocumentCustomer, labels: DocumentLabels): Promise<Uint8Array> {
  const money = moneyIn(labels.locale, note.currency);
  const date = dateIn(labels.locale);
  const sellerP = sellerParty(note, seller);
  const buyerP = buyerParty(note, customer);
  const sheet = await newSheet(`Credit note ${note.number}`, `Credit note ${note.number} on invoice ${note.invoiceNumber}, total ${note.currency} ${toDecimalString({ amount: note.total, currency: note.currency })}`, sellerP.name, note.issueDate, labels, JSON.stringify([sellerP, buyerP, note.reason]));
  sheet.continueWith(() => {
    sheet.text(`${sellerP.name} - ${labels.creditNote} ${note.number} (${labels.continued})`, LEFT, 8);
    sheet.y -= 24;
  });
  head(
    sheet,
    labels,
    labels.creditNote,
    sellerP,
    [[labels.creditNoteNumber, note.number], [labels.creditsInvoice, note.invoiceNumber], [labels.issueDate, date(note.issueDate)], ...(note.supplyDate ? ([[labels.supplyDate, date(note.supplyDate)]] as [string, string][]) : [])],
    labels.creditTo,
    buyerP,
  );
  sheet.paragraph(`${labels.reason}: ${note.reason}`, LEFT, RIGHT - LEFT, 9);
  sheet.y -= 26;
  if (note.vatBreakdown && note.vatBreakdown.length > 0) vatSummary(sheet, labels, note.vatBreakdown, money);
  amountRows(sheet, [
    [labels.goods, money(note.net)],
    ...(note.shipping > 0 ? ([[labels.shipping, money(note.shipping)]] as [string, string][]) : []),
    [labels.totalVat, money(note.tax)],
    [`${labels.totalCredited} ${note.currency}`, money(note.total), true],
  ]);
  sheet.y -= 14;
  sheet.room(30);
  sheet.paragraph(`${labels.creditApplied(note.invoiceNumber, money(note.appliedToInvoice))}${note.customerCredit > 0 ? ` ${labels.creditInFavour(money(note.customerCredit))}` : ''}`, LEFT, RIGHT - LEFT, 9);
  return sheet.finish(labels.page);
}

// ── statement ────────────────────────────────────────────────────────────────

/**
 * The statement of account as a PDF: the seller, the customer, as of when; per currency its open items (a table that
 * continues on the next page with its header repeated), credit notes, unapplied cash, the aging and the balance.
 */
export async function renderStatementPdf(statement: CustomerStatement, seller: Seller, labels: DocumentLabels): Promise<Uint8Array> {
  const { customer, asOf } = statement;
  const s = labels.statementLabels;
  const date = dateIn(labels.locale);
  const sellerP = sellerParty({}, seller);
  const buyerP = buyerParty({}, customer);
  const sheet = await newSheet(`Statement ${customer.name} ${asOf}`, `Statement of account of ${customer.name} as of ${asOf}`, seller.name, asOf, labels, JSON.stringify([statement, seller]));
  const continuation = () => {
    sheet.paragraph(s.continuedHead(seller.name, customer.name, date(asOf)), LEFT, RIGHT - LEFT, 8);
    sheet.y -= 24;
  };
  sheet.continueWith(continuation);
  head(sheet, labels, labels.statement, sellerP, [[labels.asOf, date(asOf)]], labels.customer, buyerP);
  if (statement.currencies.length === 0) sheet.paragraph(s.settled(date(asOf)), LEFT, RIGHT - LEFT, 10);
  const standing = s.standing[(customer.collectionsStatus ?? '') as keyof typeof s.standing];
  if (standing) {
    sheet.paragraph(s.accountStatus(standing, customer.collectionsSince ? date(customer.collectionsSince) : undefined), LEFT, RIGHT - LEFT, 10, true);
    sheet.y -= 20;
  }
  const cols = { number: LEFT, issued: 190, due: 265, total: 390, balance: 465, late: RIGHT };
  for (const c of statement.currencies) {
    const money = moneyIn(labels.locale, c.currency);
    sheet.room(80);
    sheet.text(s.openItemsIn(c.currency), LEFT, 11, true);
    sheet.y -= 18;
    const header = () => {
      sheet.text(s.invoice, cols.number, 9, true);
      sheet.text(s.issued, cols.issued, 9, true);
      sheet.text(s.due, cols.due, 9, true);
      sheet.text(s.total, cols.total, 9, true, 'right');
      sheet.text(s.balance, cols.balance, 9, true, 'right');
      sheet.text(s.daysOverdue, cols.late, 9, true, 'right');
      sheet.y -= 5;
      sheet.rule();
      sheet.y -= 13;
    };
    header();
    sheet.continueWith(() => {
      continuation();
      header();
    });
    if (c.openItems.length === 0) {
      sheet.text(s.none, cols.number, 9);
      sheet.y -= 13;
    }
    for (const item of c.openItems) {
      const label = item.invoiceNumber + (item.disputed > 0 ? ` ${s.disputedMark}` : '');
      const rows = sheet.wrap(label, cols.issued - cols.number - 8, 9);
      sheet.room(rows.length * 12);
      const top = sheet.y;
      sheet.text(date(item.issueDate), cols.issued, 9);
      sheet.text(date(item.dueDate), cols.due, 9);
      sheet.text(money(item.total), cols.total, 9, false, 'right');
      sheet.text(money(item.balance), cols.balance, 9, false, 'right');
      sheet.text(item.daysOverdue > 0 ? String(item.daysOverdue) : '-', cols.late, 9, false, 'right');
      rows.forEach((r, i) => {
        sheet.y = top - i * 12;
        sheet.text(r, cols.number, 9);
      });
      sheet.y -= 13;
    }
    sheet.continueWith(continuation);
    const listed = (title: string, rows: readonly [string, string][]) => {
      if (rows.length === 0) return;
      sheet.y -= 8;
      sheet.room(30);
      sheet.text(title, LEFT, 9, true);
      sheet.y -= 13;
      for (const [k, v] of rows) {
        const lines = sheet.wrap(k, cols.total - LEFT, 9);
        sheet.room(lines.length * 12);
        sheet.text(v, cols.balance, 9, false, 'right');
        sheet.paragraph(k, LEFT, cols.total - LEFT, 9, false, 12);
        sheet.y -= 13;
      }
    };
    listed(s.creditNotes, c.creditNotes.map((n) => [s.creditNoteLine(n.number, n.invoiceNumber, date(n.issueDate), n.reason), money(n.total)]));
    listed(s.unappliedPayments, c.unappliedCash.map((p) => [s.receivedLine(date(p.receivedOn), money(p.amount)), money(p.unapplied)]));
    listed(s.fees, c.openItems.filter((i) => i.fees > 0).map((i) => [i.invoiceNumber, money(i.fees)]));
    listed(s.disputed, c.disputes.map((d) => [s.disputeLine(d.invoiceNumber, date(d.openedOn), d.reason), money(d.amount)]));
    sheet.y -= 8;
    const totals: [string, number, boolean][] = [
      [s.current, c.aging.current, false],
      [s.days1to30, c.aging.days1to30, false],
      [s.days31to60, c.aging.days31to60, false],
      [s.days61to90, c.aging.days61to90, false],
      [s.over90, c.aging.over90, false],
      [s.openBalance, c.openBalance, true],
      ...(c.unapplied > 0 ? ([[s.lessUnapplied, -c.unapplied, false]] as [string, number, boolean][]) : []),
      ...(c.customerCredit > 0 ? ([[s.lessCredit, -c.customerCredit, false]] as [string, number, boolean][]) : []),
    ];
    sheet.room(totals.length * 14 + 30);
    for (const [k, v, strong] of totals) {
      sheet.text(k, 250, 9, strong);
      sheet.text(money(v), cols.balance, 9, strong, 'right');
      sheet.y -= 13;
    }
    sheet.text(c.netBalance >= 0 ? s.balanceDue(c.currency) : s.inYourFavour(c.currency), 250, 10, true);
    sheet.text(money(Math.abs(c.netBalance)), cols.balance, 10, true, 'right');
    sheet.y -= 30;
  }
  return sheet.finish(labels.page);
}

/** Port `InvoiceDocuments`: the invoice, the credit note and the statement as PDFs. */
export const pdfDocuments: InvoiceDocuments = { pdf: renderInvoicePdf, creditNotePdf: renderCreditNotePdf, statementPdf: renderStatementPdf };
