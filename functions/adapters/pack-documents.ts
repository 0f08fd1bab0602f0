/**
 * The finance pack's documents (port `PackDocuments`):
 * - the PDF (pdf-lib, standard Helvetica): the headline figures per currency, the charts of each currency drawn as
 *   vectors from ECharts' SVG (adapters/svg-pdf), then every table, paginated, money in its currency's format;
 * - the XLSX workbook (write-excel-file): a sheet per table, amounts as numbers in major units with their
 *   currency's number format, days and percentages with one decimal, dates as dates.
 */
import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import writeXlsxFile, { type Cell, type Row } from 'write-excel-file/node';
import type { FinancePack } from '#domain/finance-pack';
import { currencyExponent, formatMoney } from '#domain/money';
import { isMoneyCell, type PackCell, type PackColumn, type PackTable } from '#domain/pack-tables';
import { bookHeadlines, headlines, KIND_LABELS } from '#domain/pack-summary';
import type { PackDocuments } from '../ports.ts';
import { currencyCharts } from './pack-charts.ts';
import { drawSvg } from './svg-pdf.ts';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 40;
const INK = rgb(0.1, 0.1, 0.1);
const GREY = rgb(0.45, 0.45, 0.45);

const charsets = new WeakMap<PDFFont, Set<number>>();

/** Keeps only characters the standard font can encode ('?' for the rest), with the font's character set read once. */
function winAnsi(text: string, font: PDFFont): string {
  let supported = charsets.get(font);
  if (!supported) charsets.set(font, (supported = new Set(font.getCharacterSet())));
  return [...text].map((ch) => (supported.has(ch.codePointAt(0)!) ? ch : '?')).join('');
}

/** Money as a person reads it: "£1,234.56", "SEK 1,234.00"; the ISO code where Helvetica lacks the sign. */
function moneyText(cell: { amount: number; currency: string }, font: PDFFont): string {
  const formatted = formatMoney(cell);
  return winAnsi(formatted, font) === formatted ? formatted : `${cell.currency} ${formatted.replace(/[^\d.,\s-]/g, '').trim()}`;
}

/** A cell as the PDF prints it. */
export function cellText(cell: PackCell, column: PackColumn, font: PDFFont): string {
  if (cell === null) return '';
  if (isMoneyCell(cell)) return moneyText(cell, font);
  if (typeof cell === 'number') {
    if (column.type === 'days' || column.type === 'percent') return cell.toFixed(1);
    return cell.toLocaleString('en-GB');
  }
  return winAnsi(cell.replace(/\s+/g, ' '), font);
}

export async function renderPackPdf(pack: FinancePack, tables: readonly PackTable[]): Promise<Uint8Array> {
  const title = `${pack.company.name}: ${KIND_LABELS[pack.kind]} as of ${pack.asOf}`;
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  doc.setSubject(`Receivables as of ${pack.asOf}, period ${pack.period.from} to ${pack.period.to}`);
  doc.setAuthor(pack.company.name);
  doc.setCreator('o2c');
  doc.setCreationDate(new Date(`${pack.asOf}T00:00:00Z`));
  doc.setModificationDate(new Date(`${pack.asOf}T00:00:00Z`));
  const fonts = { regular: await doc.embedFont(StandardFonts.Helvetica), bold: await doc.embedFont(StandardFonts.HelveticaBold) };

  let page: PDFPage = doc.addPage(A4);
  let y = A4[1] - MARGIN;
  const newPage = () => {
    page = doc.addPage(A4);
    y = A4[1] - MARGIN;
  };
  const text = (s: string, x: number, size = 10, font = fonts.regular, align: 'left' | 'right' = 'left', color = INK) => {
    const safe = winAnsi(s, font);
    page.drawText(safe, { x: align === 'right' ? x - font.widthOfTextAtSize(safe, size) : x, y, size, font, color });
  };

  // Page 1: the headline figures.
  text(title, MARGIN, 15, fonts.bold);
  y -= 18;
  text(`Period ${pack.period.from} to ${pack.period.to} · time zone ${pack.company.timezone}`, MARGIN, 9, fonts.regular, 'left', GREY);
  y -= 26;
  if (pack.currencies.length === 0) {
    text('No receivables and no activity in any currency.', MARGIN, 10);
    y -= 16;
  }
  for (const c of pack.currencies) {
    text(c.currency, MARGIN, 12, fonts.bold);
    y -= 16;
    for (const [k, v] of headlines(pack, c)) {
      text(k, MARGIN + 10, 10);
      text(v, 330, 10, fonts.regular, 'right');
      y -= 14;
    }
    y -= 10;
  }
  text('The book', MARGIN, 12, fonts.bold);
  y -= 16;
  for (const [k, v] of bookHeadlines(pack)) {
    text(k, MARGIN + 10, 10);
    text(v, A4[0] - MARGIN, 10, fonts.regular, 'right');
    y -= 14;
  }

  // The charts: one page per currency.
  for (const c of pack.currencies) {
    newPage();
    text(`Charts: ${c.currency}`, MARGIN, 13, fonts.bold);
    y -= 14;
    for (const chart of currencyCharts(c)) {
      drawSvg(page, chart.svg, { x: (A4[0] - chart.width) / 2, top: y }, fonts, winAnsi);
      y -= chart.height + 24;
    }
  }

  // The tables.
  newPage();
  for (const table of tables) {
    const size0 = 8;
    const cells = table.rows.map((row) => row.map((cell, i) => cellText(cell, table.columns[i]!, fonts.regular)));
    const natural = table.columns.map((col, i) => Math.max(fonts.bold.widthOfTextAtSize(winAnsi(col.header, fonts.bold), size0), ...cells.map((r) => fonts.regular.widthOfTextAtSize(r[i]!, size0))) + 8);
    const available = A4[0] - 2 * MARGIN;
    const scale = Math.min(1, available / natural.reduce((a, b) => a + b, 0));
    const size = size0 * scale;
    const widths = natural.map((w) => w * scale);
    const rowHeight = size + 4;
    const right = (i: number) => table.columns[i]!.type !== 'text' && table.columns[i]!.type !== 'code' && table.columns[i]!.type !== 'date';
    const header = () => {
      let x = MARGIN;
      table.columns.forEach((col, i) => {
        text(col.header, right(i) ? x + widths[i]! - 4 : x, size, fonts.bold, right(i) ? 'right' : 'left');
        x += widths[i]!;
      });
      y -= rowHeight;
    };
    if (y < MARGIN + 60) newPage();
    text(table.title, MARGIN, 11, fonts.bold);
    y -= 16;
    header();
    if (cells.length === 0) {
      text('(none in the period)', MARGIN, size, fonts.regular, 'left', GREY);
      y -= rowHeight;
    }
    for (const row of cells) {
      if (y < MARGIN) {
        newPage();
        header();
      }
      let x = MARGIN;
      row.forEach((s, i) => {
        text(s, right(i) ? x + widths[i]! - 4 : x, size, fonts.regular, right(i) ? 'right' : 'left');
        x += widths[i]!;
      });
      y -= rowHeight;
    }
    y -= 18;
  }
  return doc.save();
}

/** Excel's number format for amounts of a currency: the sign where Excel users expect it, else the code after. */
export function currencyFormat(currency: string): string {
  const exp = currencyExponent(currency);
  const number = `#,##0${exp > 0 ? `.${'0'.repeat(exp)}` : ''}`;
  const signs: Record<string, string> = { GBP: '£', EUR: '€', USD: '$', JPY: '¥' };
  const sign = signs[currency];
  return sign ? `"${sign}"${number};-"${sign}"${number}` : `${number} "${currency}";-${number} "${currency}"`;
}

function xlsxCell(cell: PackCell, column: PackColumn): Cell {
  if (cell === null) return null;
  if (isMoneyCell(cell)) return { value: cell.amount / 10 ** currencyExponent(cell.currency), type: Number, format: currencyFormat(cell.currency) };
  if (typeof cell === 'number') return { value: cell, type: Number, format: column.type === 'days' || column.type === 'percent' ? '0.0' : '#,##0' };
  if (column.type === 'date') return { value: new Date(`${cell}T00:00:00Z`), type: Date, format: 'yyyy-mm-dd' };
  return { value: cell, type: String };
}

export async function renderPackXlsx(tables: readonly PackTable[]): Promise<Uint8Array> {
  const sheets = tables.map((table) => {
    const header: Row = table.columns.map((c) => ({ value: c.header, fontWeight: 'bold' as const }));
    const rows: Row[] = table.rows.map((row) => row.map((cell, i) => xlsxCell(cell, table.columns[i]!)));
    const columns = table.columns.map((c, i) => ({ width: Math.min(40, Math.max(c.header.length + 2, ...table.rows.map((r) => (isMoneyCell(r[i] ?? null) ? 16 : String(r[i] ?? '').length + 2)))) }));
    return { data: [header, ...rows], sheet: table.id, columns, stickyRowsCount: 1 };
  });
  const buffer = await writeXlsxFile(sheets).toBuffer();
  return new Uint8Array(buffer);
}

export const packDocuments: PackDocuments = { pdf: renderPackPdf, xlsx: renderPackXlsx };
