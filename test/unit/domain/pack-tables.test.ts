/** The finance pack as tables, CSV (RFC 4180, formula-safe) and the email summary, from a hand-made two-currency pack. */
import { describe, expect, it } from 'vitest';
import { csvField, csvRecord, formulaSafe, packTables, tableCsv } from '../../../functions/domain/pack-tables.ts';
import { escapeHtml, packSummary } from '../../../functions/domain/pack-summary.ts';
import { FINANCE_PACK, FLASH_PACK } from '../../fixtures/finance-pack.ts';

const tables = packTables(FINANCE_PACK);
const table = (id: string) => tables.find((t) => t.id === id)!;

/** A strict RFC 4180 reader (quoted fields, doubled quotes, CRLF records) to read the CSV back. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
        else if (text[i] === '"') {
          i++;
          break;
        } else field += text[i++];
      }
    } else if (text[i] === ',') (row.push(field), (field = ''), i++);
    else if (text.startsWith('\r\n', i)) (row.push(field), rows.push(row), (row = []), (field = ''), (i += 2));
    else field += text[i++];
  }
  return rows;
}

describe('pack tables', () => {
  it('has one table per section, in the order the PDF and the workbook show them', () => {
    expect(tables.map((t) => t.id)).toEqual(['aging', 'top-debtors', 'kpis', 'cash', 'revenue-by-channel', 'order-to-cash', 'order-errors', 'automation', 'manual-actions', 'accounts']);
    for (const t of tables) for (const r of t.rows) expect(r, t.id).toHaveLength(t.columns.length);
  });

  it('keeps the 13-period trend of each currency and the figures as given', () => {
    expect(table('kpis').rows).toHaveLength(26);
    expect(table('kpis').rows[12]!.slice(0, 8)).toEqual(['GBP', '2026-11-01', '2026-11-30', 39.8, 37.3, 24, 15.8, 88.8]);
    expect(table('aging').rows[0]).toEqual(['GBP', ...[26_200_000, 8_150_075, 3_420_050, 1_275_000, 1_254_875, 40_300_000, 1_850_000].map((amount) => ({ amount, currency: 'GBP' }))]);
  });
});

describe('CSV', () => {
  it('quotes every field, doubles quotes, keeps a line break inside its quotes, ends records with CRLF', () => {
    expect(csvRecord(['a', 'say "hi"', 'two\nlines', ''])).toBe('"a","say ""hi""","two\nlines",""');
    const csv = tableCsv(table('top-debtors'));
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).toContain('"Wingtip Toys, ""Leeds""\nWarehouse"');
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['Currency', 'Bucket', 'Rank', 'Customer', 'Customer id', 'Amount']);
    expect(rows.find((r) => r[4] === 'cus_wingtip')).toEqual(['GBP', '61-90 days', '1', 'Wingtip Toys, "Leeds"\nWarehouse', 'cus_wingtip', '12750.00']);
    expect(rows).toHaveLength(1 + 11); // the header and 6 GBP + 5 SEK debtors
  });

  it('prefixes a text cell a spreadsheet would run as a formula with an apostrophe', () => {
    for (const evil of ['=1+1', '+46 Öresund', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(formulaSafe(evil)).toBe(`'${evil}`);
    expect(formulaSafe('Litware Inc')).toBe('Litware Inc');
    const rows = parseCsv(tableCsv(table('top-debtors')));
    expect(rows.find((r) => r[4] === 'cus_tailspin')![3]).toBe(`'=HYPERLINK("http://evil.example")`);
    expect(rows.find((r) => r[4] === 'cus_oresund')![3]).toBe(`'+46 Öresund Import`);
    expect(parseCsv(tableCsv(table('order-errors'))).map((r) => r[0])).toContain(`'@unknown SKU`);
  });

  it('writes amounts as decimal amounts of their row’s currency, never minor units; numbers stay numbers', () => {
    const rows = parseCsv(tableCsv(table('aging')));
    expect(rows).toEqual([
      ['Currency', 'Current', '1-30 days', '31-60 days', '61-90 days', '90+ days', 'Total', 'Disputed'],
      ['GBP', '262000.00', '81500.75', '34200.50', '12750.00', '12548.75', '403000.00', '18500.00'],
      ['SEK', '3125000.00', '743000.00', '182500.00', '61000.00', '24500.00', '4136000.00', '99000.00'],
    ]);
    expect(csvField({ amount: -1250, currency: 'GBP' }, 'money')).toBe('-12.50'); // a negative amount is a number, not a formula
    expect(csvField({ amount: 1250, currency: 'JPY' }, 'money')).toBe('1250');
    expect(csvField(null, 'days')).toBe('');
    expect(parseCsv(tableCsv(table('kpis')))[13]!.slice(3, 8)).toEqual(['39.8', '37.3', '24', '15.8', '88.8']);
  });
});

describe('email summary', () => {
  it('gives the headline figures in each currency’s format, in HTML (escaped) and plain text', () => {
    const s = packSummary(FINANCE_PACK, ['finance-month-end-2026-11-30.pdf']);
    expect(s.subject).toBe('Example Trading Ltd: month-end finance pack as of 2026-11-30');
    for (const part of [s.text, s.html]) {
      expect(part).toContain('£403,000.00'); // open GBP
      expect(part).toContain('£141,000.00'); // overdue GBP
      expect(part).toContain('SEK\u00a04,136,000.00');
      expect(part).toContain('39.8 days'); // GBP DSO
      expect(part).toContain('88.8 %'); // CEI
      expect(part).not.toMatch(/40300000|4136000000/); // no minor units
    }
    expect(s.text).toContain('  DSO                  39.8 days');
    expect(s.html).toContain('<th style="text-align:left;padding:2px 12px 2px 0;font-weight:normal">Open receivables</th><td style="text-align:right;padding:2px 0">£403,000.00</td>');
  });

  it('escapes what it does not write itself', () => {
    expect(escapeHtml(`<b>"A" & 'B'</b>`)).toBe('&lt;b&gt;&quot;A&quot; &amp; &#39;B&#39;&lt;/b&gt;');
    const s = packSummary({ ...FINANCE_PACK, company: { ...FINANCE_PACK.company, name: 'Fabrikam <Sons> & Co' } }, ['a<b>.csv']);
    expect(s.html).toContain('Fabrikam &lt;Sons&gt; &amp; Co');
    expect(s.html).toContain('a&lt;b&gt;.csv');
    expect(s.html).not.toContain('<Sons>');
  });

  it('keeps the flash short: aging, cash collected, new disputes (no KPIs)', () => {
    const s = packSummary(FLASH_PACK, []);
    expect(s.subject).toBe('Example Trading Ltd: daily flash as of 2026-11-30');
    expect(s.text).toContain('Disputes opened      4 (£11,000.00)');
    expect(s.text).not.toContain('DSO');
    expect(s.text).toContain('Period: 2026-11-30');
  });
});
