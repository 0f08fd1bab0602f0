/** The finance pack's documents from a hand-made pack: the charts' SVG, the PDF (text and vector charts) and the XLSX read back. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodePDFRawStream, PDFArray, PDFDocument, PDFRawStream } from 'pdf-lib';
import readXlsxFile from 'read-excel-file/node';
import { beforeAll, describe, expect, it } from 'vitest';
import { currencyCharts } from '../../../functions/adapters/pack-charts.ts';
import { currencyFormat, renderPackPdf, renderPackXlsx } from '../../../functions/adapters/pack-documents.ts';
import { parseColor, parseTransform } from '../../../functions/adapters/svg-pdf.ts';
import { packTables } from '../../../functions/domain/pack-tables.ts';
import { FINANCE_PACK } from '../../fixtures/finance-pack.ts';
import { pdfText } from '../../support/pdf-text.ts';

const tables = packTables(FINANCE_PACK);

/** pdftotext (poppler) where installed (.ci/run installs it), else the repository's own content-stream reader. */
function textOf(pdf: Uint8Array): string {
  try {
    const dir = mkdtempSync(join(tmpdir(), 'o2c-pack-'));
    writeFileSync(join(dir, 'p.pdf'), pdf);
    return execFileSync('pdftotext', ['-layout', join(dir, 'p.pdf'), '-'], { encoding: 'utf8' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return pdfText(Buffer.from(pdf));
  }
}

/** The decoded content stream of each page. */
async function pageContents(pdf: Uint8Array): Promise<string[]> {
  const doc = await PDFDocument.load(pdf);
  return doc.getPages().map((page) => {
    const contents = page.node.Contents();
    const streams = contents instanceof PDFArray ? contents.asArray().map((r) => doc.context.lookup(r)) : [contents];
    return streams.map((s) => (s instanceof PDFRawStream ? Buffer.from(decodePDFRawStream(s).decode()).toString('latin1') : '')).join('\n');
  });
}

describe('charts (ECharts server-side SVG)', () => {
  it('draws aging bars per bucket, the DSO/ADD/CEI trend lines and cash collected vs invoiced', () => {
    const [aging, trend, cash] = currencyCharts(FINANCE_PACK.currencies[0]!);
    expect(aging!.title).toBe('Aging by days past due (GBP)');
    expect(aging!.svg).toMatch(/^<svg [^>]*width="500" height="210"/);
    const bars = [...aging!.svg.matchAll(/<path d="([^"]+)"[^>]*ecmeta_series_index="0" ecmeta_data_index="(\d)" ecmeta_ssr_type="chart"/g)];
    expect(bars.map((b) => b[2])).toEqual(['0', '1', '2', '3', '4']);
    // The current bucket (262,000) is the tallest bar: its height is the largest.
    const heights = bars.map((b) => Math.abs(Number(/l0 (-?[\d.]+)/.exec(b[1]!)![1])));
    expect(heights.indexOf(Math.max(...heights))).toBe(0);
    for (const label of ['Current', '1-30 days', '90+ days']) expect(aging!.svg).toContain(`>${label}</text>`);
    expect(trend!.svg).toContain('>DSO, ADD and CEI, 13 periods (GBP)</text>');
    expect(trend!.svg.match(/stroke-width="2" stroke-linejoin="bevel"/g)).toHaveLength(3); // three lines
    const cashBars = cash!.svg.match(/ecmeta_ssr_type="chart"/g) ?? [];
    expect(cashBars).toHaveLength(26); // 13 periods × (invoiced, collected)
  });

  it('reads the SVG transforms and colours ECharts writes', () => {
    expect(parseTransform('matrix(3,0,0,3,168.75,143.75)')).toEqual([3, 0, 0, 3, 168.75, 143.75]);
    expect(parseTransform('translate(67 170)')).toEqual([1, 0, 0, 1, 67, 170]);
    expect(parseColor('#fff')).toMatchObject({ alpha: 1, color: { red: 1, green: 1, blue: 1 } });
    expect(parseColor('rgba(0,0,0,0.5)')).toMatchObject({ alpha: 0.5 });
    expect(parseColor('none')).toBeUndefined();
  });
});

describe('the PDF', () => {
  let pdf: Uint8Array;
  let text: string;
  beforeAll(async () => {
    pdf = await renderPackPdf(FINANCE_PACK, tables);
    text = textOf(pdf).replace(/\u00a0/g, ' ');
  });

  it('carries the headline figures in their currency’s format', () => {
    expect(text).toContain('Example Trading Ltd: month-end finance pack as of 2026-11-30');
    for (const figure of ['£403,000.00', '£141,000.00', '£371,000.00', 'SEK 4,136,000.00', 'SEK 3,660,000.00', '39.8 days', '15.8 days', '88.8 %']) expect(text).toContain(figure);
    expect(text).not.toContain('40300000');
  });

  it('has a chart page per currency with the charts as vector paths and their titles', async () => {
    const pages = await pageContents(pdf);
    const chartPages = pages.filter((p) => /\(Charts: |<4368617274733A20/i.test(p)); // the page's own text "Charts: ", as pdf-lib writes Helvetica text (hex)
    expect(chartPages).toHaveLength(2);
    for (const title of ['Aging by days past due (GBP)', 'DSO, ADD and CEI, 13 periods (SEK)', 'Cash collected vs invoiced on credit (GBP)']) expect(text).toContain(title);
    for (const page of chartPages) {
      expect((page.match(/^f$/gm) ?? []).length).toBeGreaterThan(30); // filled bars and markers
      expect((page.match(/^S$/gm) ?? []).length).toBeGreaterThan(10); // grid and trend lines
      expect(page).toMatch(/^[\d.-]+ [\d.-]+ m$/m);
    }
  });

  it('prints every table, amounts formatted, the escaped names as written', () => {
    expect(text).toContain('Receivables KPIs: DSO, countback DSO, best possible DSO, ADD and CEI, 13 periods');
    expect(text).toContain('Fabrikam & Sons <UK>');
    expect(text).toContain('Manual finance actions in the period (audit trail)');
    expect(text).toMatch(/payment\.allocate\s+44/);
  });
});

describe('the XLSX workbook', () => {
  it('has a sheet per table holding the same numbers: amounts in major units, dates as dates', async () => {
    const workbook = Buffer.from(await renderPackXlsx(tables));
    const sheets = await readXlsxFile(workbook);
    expect(sheets.map((s) => s.sheet)).toEqual(tables.map((t) => t.id));
    const aging = sheets.find((s) => s.sheet === 'aging')!.data;
    expect(aging[0]).toEqual(['Currency', 'Current', '1-30 days', '31-60 days', '61-90 days', '90+ days', 'Total', 'Disputed']);
    expect(aging[1]).toEqual(['GBP', 262000, 81500.75, 34200.5, 12750, 12548.75, 403000, 18500]);
    expect(aging[2]).toEqual(['SEK', 3125000, 743000, 182500, 61000, 24500, 4136000, 99000]);
    const kpis = sheets.find((s) => s.sheet === 'kpis')!.data;
    expect(kpis).toHaveLength(27);
    expect(kpis[13]!.slice(0, 8)).toEqual(['GBP', new Date('2026-11-01T00:00:00Z'), new Date('2026-11-30T00:00:00Z'), 39.8, 37.3, 24, 15.8, 88.8]);
    const debtors = sheets.find((s) => s.sheet === 'top-debtors')!.data;
    expect(debtors.find((r) => r[4] === 'cus_wingtip')![3]).toBe('Wingtip Toys, "Leeds"\nWarehouse');
  });

  it('formats amounts in their currency', () => {
    expect(currencyFormat('GBP')).toBe('"£"#,##0.00;-"£"#,##0.00');
    expect(currencyFormat('SEK')).toBe('#,##0.00 "SEK";-#,##0.00 "SEK"');
    expect(currencyFormat('JPY')).toBe('"¥"#,##0;-"¥"#,##0');
  });
});
