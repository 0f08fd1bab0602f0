/**
 * A bank file of any format o2c reads, recognised from its content:
 * ISO 20022 XML by its camt namespace (camt.052, camt.053, camt.054), MT940 by its `:20:` tag (optionally
 * inside SWIFT blocks), anything else as CSV with the configured mapping.
 * Every way a file can be wrong is a `BankFileInvalid`/`BankFileUnsupported`
 * (422) that says what is wrong and where, never a stack trace.
 */
import { BankFileInvalid, O2cError } from '#errors';
import { camtMessageOf, isCamtMessage, parseCamt } from './camt.ts';
import { type CsvMapping, parseCsv } from './csv.ts';
import { parseMt940 } from './mt940.ts';
import type { BankFile, BankFileFormat } from './types.ts';

export type { BankDirection, BankEntry, BankFile, BankFileFormat, BankStatement, BankTransaction } from './types.ts';
export { entryItems } from './types.ts';
export type { CsvDateFormat, CsvMapping } from './csv.ts';

export interface BankFileOptions {
  /** How this seller's bank lays out its CSV export; without it a CSV is refused. */
  readonly csv?: CsvMapping;
}

const MT940_START = /^(?:\{1:[^\n]*\r?\n?)?(?:\{[^\n]*\r?\n)*:20:/;

function startOf(body: string): string {
  return body.replace(/^\uFEFF/, '').trimStart();
}

/** The format of a bank file from its content; null when it is XML of another kind or empty. */
export function detectFormat(body: string): BankFileFormat | null {
  const start = startOf(body);
  if (start === '') return null;
  if (start.startsWith('<')) {
    const m = camtMessageOf(start);
    return m && isCamtMessage(m.message) ? m.message : null;
  }
  if (MT940_START.test(start) || /^:20:/m.test(start.slice(0, 2048))) return 'mt940';
  return 'csv';
}

export function parseBankFile(body: string, options: BankFileOptions = {}): BankFile {
  if (typeof body !== 'string' || startOf(body) === '') throw new BankFileInvalid('the file is empty');
  if (body.includes('\u0000')) throw new BankFileInvalid('the file is not text (a binary file, or a compressed one?)');
  try {
    const start = startOf(body);
    if (start.startsWith('<')) return parseCamt(start);
    const format = detectFormat(body);
    if (format === 'mt940') return parseMt940(start);
    if (!options.csv) throw new BankFileInvalid('the file is neither ISO 20022 camt XML nor MT940, and no CSV column mapping is configured');
    return parseCsv(body, options.csv);
  } catch (e) {
    if (e instanceof O2cError) throw e;
    throw new BankFileInvalid('the file cannot be read as a bank statement');
  }
}
