/**
 * Bank CSV exports into the canonical `BankFile`, by a column mapping from
 * configuration (banks' CSVs agree on nothing: delimiter, decimal mark, date
 * order, column names). A header row names the columns; a negative amount is
 * a debit. The reader is RFC 4180 (quoted fields with delimiters, doubled
 * quotes and line breaks inside) and small enough to own: no dependency.
 */
import { createHash } from 'node:crypto';
import { isIsoDate } from '#domain/dates';
import { isValidCreditorReference, normaliseIban } from '#domain/references';
import type { IsoDate } from '#domain/model';
import { BankFileInvalid } from '#errors';
import { amountOf, clean, FallbackRefs } from './common.ts';
import type { BankEntry, BankFile } from './types.ts';

export type CsvDateFormat = 'YYYY-MM-DD' | 'DD.MM.YYYY' | 'DD/MM/YYYY' | 'MM/DD/YYYY';

export interface CsvMapping {
  /** `,`, `;` or a tab; found from the header row when not given. */
  readonly delimiter?: string;
  readonly decimal: '.' | ',';
  readonly dateFormat: CsvDateFormat;
  /** Header names (compared without case and surrounding spaces). */
  readonly columns: {
    readonly date: string;
    readonly amount: string;
    readonly valueDate?: string;
    readonly currency?: string;
    readonly payerName?: string;
    readonly payerIban?: string;
    readonly reference?: string;
    readonly remittance?: string;
    readonly entryRef?: string;
  };
  /** The currency of every row when there is no currency column. */
  readonly currency?: string;
  /** The account the file is for (part of the fallback entry key). */
  readonly accountIban?: string;
}

/** Rows of fields with the line each row starts on (1-based). */
export function readCsv(text: string, delimiter: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  let quoteLine = 1;
  let atFieldStart = true;
  const endRow = () => {
    fields.push(field);
    if (fields.length > 1 || fields[0] !== '') rows.push({ line: rowLine, fields });
    fields = [];
    field = '';
    atFieldStart = true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"' && atFieldStart) {
      quoted = true;
      quoteLine = line;
      atFieldStart = false;
    } else if (c === delimiter) {
      fields.push(field);
      field = '';
      atFieldStart = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      field += c;
      atFieldStart = false;
    }
  }
  if (quoted) throw new BankFileInvalid(`line ${quoteLine}: a quoted field is not closed`);
  if (field !== '' || fields.length > 0) endRow();
  return rows;
}

function guessDelimiter(text: string): string {
  const header = text.split(/\r?\n/, 1)[0] ?? '';
  const outside = header.replace(/"[^"]*"/g, '');
  const counts = [';', ',', '\t'].map((d) => [d, outside.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0]![1] > 0 ? counts[0]![0] : ',';
}

const DATE_FORMATS: Readonly<Record<CsvDateFormat, { re: RegExp; order: readonly ['y' | 'm' | 'd', 'y' | 'm' | 'd', 'y' | 'm' | 'd'] }>> = {
  'YYYY-MM-DD': { re: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, order: ['y', 'm', 'd'] },
  'DD.MM.YYYY': { re: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, order: ['d', 'm', 'y'] },
  'DD/MM/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: ['d', 'm', 'y'] },
  'MM/DD/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, order: ['m', 'd', 'y'] },
};

function csvDate(text: string, format: CsvDateFormat, where: string): IsoDate {
  const spec = DATE_FORMATS[format];
  const m = spec.re.exec(text.trim());
  if (m) {
    const part = { y: '', m: '', d: '' };
    spec.order.forEach((k, i) => (part[k] = m[i + 1]!));
    const date = `${part.y}-${part.m.padStart(2, '0')}-${part.d.padStart(2, '0')}`;
    if (isIsoDate(date)) return date;
  }
  throw new BankFileInvalid(`${where}: date ${JSON.stringify(text)} is not a date in the form ${format}`);
}

/**
 * A CSV amount as a decimal string: a sign in front (`-`, `+` or `−`) or a
 * minus behind, the configured decimal mark, and thousands separators only
 * in their places (`1,234.56`; `1.234,56` or `1 234,56`).
 */
function csvDecimal(text: string, decimal: '.' | ',', where: string): { negative: boolean; decimal: string } {
  let t = text.trim().replace(/\u00a0|\u202f/g, ' ');
  let negative = false;
  if (/^[-−]/.test(t)) [negative, t] = [true, t.slice(1).trim()];
  else if (t.startsWith('+')) t = t.slice(1).trim();
  else if (t.endsWith('-')) [negative, t] = [true, t.slice(0, -1).trim()];
  const grouped = decimal === '.' ? /^\d{1,3}(?:,\d{3})+(?:\.\d+)?$/ : /^\d{1,3}(?:[. ]\d{3})+(?:,\d+)?$/;
  const plain = decimal === '.' ? /^\d+(?:\.\d+)?$/ : /^\d+(?:,\d+)?$/;
  if (!plain.test(t) && !grouped.test(t)) throw new BankFileInvalid(`${where}: amount ${JSON.stringify(text)} is not a decimal number`);
  const digits = decimal === '.' ? t.replace(/,/g, '') : t.replace(/[. ]/g, '').replace(',', '.');
  return { negative, decimal: digits };
}

export function parseCsv(body: string, mapping: CsvMapping): BankFile {
  const text = body.replace(/^\uFEFF/, '');
  const delimiter = mapping.delimiter ?? guessDelimiter(text);
  const rows = readCsv(text, delimiter);
  if (rows.length === 0) throw new BankFileInvalid('the CSV file is empty');
  const header = rows[0]!.fields.map((h) => h.trim().toLowerCase());
  const columnOf = (name: string | undefined, what: string): number | undefined => {
    if (name === undefined) return undefined;
    const i = header.indexOf(name.trim().toLowerCase());
    if (i < 0) throw new BankFileInvalid(`the CSV has no ${what} column ${JSON.stringify(name)} (its columns: ${rows[0]!.fields.map((h) => JSON.stringify(h.trim())).join(', ')})`);
    return i;
  };
  const c = mapping.columns;
  const col = {
    date: columnOf(c.date, 'date')!,
    amount: columnOf(c.amount, 'amount')!,
    valueDate: columnOf(c.valueDate, 'value date'),
    currency: columnOf(c.currency, 'currency'),
    payerName: columnOf(c.payerName, 'payer name'),
    payerIban: columnOf(c.payerIban, 'payer IBAN'),
    reference: columnOf(c.reference, 'reference'),
    remittance: columnOf(c.remittance, 'remittance'),
    entryRef: columnOf(c.entryRef, 'entry reference'),
  };
  if (col.currency === undefined && !mapping.currency) throw new BankFileInvalid('the CSV has no currency column and no currency is configured for it');
  const accountIban = normaliseIban(mapping.accountIban);
  const refs = new FallbackRefs();
  const entries = rows.slice(1).map((row, i): BankEntry => {
    const where = `entry ${i + 1} (line ${row.line})`;
    const get = (index: number | undefined) => (index === undefined ? undefined : clean(row.fields[index]));
    const dateText = get(col.date);
    if (!dateText) throw new BankFileInvalid(`${where}: the date is missing`);
    const bookingDate = csvDate(dateText, mapping.dateFormat, where);
    const valueText = get(col.valueDate);
    const valueDate = valueText ? csvDate(valueText, mapping.dateFormat, `${where}, value date`) : undefined;
    const currency = (get(col.currency) ?? mapping.currency ?? '').toUpperCase();
    const amountText = get(col.amount);
    if (!amountText) throw new BankFileInvalid(`${where}: the amount is missing`);
    const { negative, decimal } = csvDecimal(amountText, mapping.decimal, where);
    const amount = amountOf(decimal, currency, where);
    const direction = negative && amount !== 0 ? 'debit' : 'credit';
    const reference = get(col.reference);
    // The reference column is the bank's structured reference field when it holds one token: an RF reference, or
    // digits only (a national one — OCR, viitenumero, KID — checked against the configured scheme when matched).
    const compact = reference?.replace(/\s+/g, '').toUpperCase();
    const creditorReference = compact && (isValidCreditorReference(compact) || /^\d{2,25}$/.test(compact)) ? compact : undefined;
    const remittance = clean([reference && !creditorReference ? reference : '', get(col.remittance) ?? ''].join(' '));
    const payerName = get(col.payerName);
    const payerIban = normaliseIban(get(col.payerIban));
    const entryRef = get(col.entryRef) ?? refs.next([accountIban, bookingDate, direction, amount, currency, reference, remittance, payerName, payerIban]);
    return {
      entryRef,
      bookingDate,
      ...(valueDate ? { valueDate } : {}),
      direction,
      amount,
      currency,
      reversal: false,
      status: 'booked',
      ...(payerName ? { payerName } : {}),
      ...(payerIban ? { payerIban } : {}),
      ...(creditorReference ? { creditorReference } : {}),
      ...(remittance ? { remittance } : {}),
    };
  });
  const statementId = `hash:${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
  const currencies = [...new Set(entries.map((e) => e.currency))];
  return {
    format: 'csv',
    statements: [
      {
        format: 'csv',
        statementId,
        account: { ...(accountIban ? { iban: accountIban } : {}), ...(currencies.length === 1 ? { currency: currencies[0] } : {}) },
        entries,
      },
    ],
  };
}
