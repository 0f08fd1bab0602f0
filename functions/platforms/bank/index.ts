/**
 * A bank file of any format o2c reads, recognised from its content:
 * ISO 20022 XML by its camt namespace (camt.052, camt.053, camt.054), MT940 by its `:20:` tag (optionally
 * inside SWIFT blocks), anything else as CSV with the configured mapping.
 * Every way a file can be wrong is a `BankFileInvalid`/`BankFileUnsupported`
 * (422) that says what is wrong and where, never a stack trace.
 */
import { BankFileInvalid, O2cError } from '#errors';
import { camtMessageOf, camtParser, isCamtMessage } from './camt.ts';
import { type CsvMapping, parseCsv } from './csv.ts';
import { mt940Parser } from './mt940.ts';
import { collectBankFile, type BankFile, type BankFileEvent, type BankFileFormat, type BankFileParser } from './types.ts';

export type { BankDirection, BankEntry, BankFile, BankFileEvent, BankFileFormat, BankFileParser, BankStatement, BankStatementHead, BankTransaction } from './types.ts';
export { collectBankFile, entryItems } from './types.ts';
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
  const p = bankFileParser(options);
  return collectBankFile([...p.feed(body), ...p.end()]);
}

/** How much of a file's start is read before its format is decided (camt's namespace is looked for in it). */
const DETECT_CHARS = 8192;

/**
 * Any bank file as a push parser (text in chunks of any size → events), the
 * format recognised from its first 8 KB. camt and MT940 stream (memory bounded
 * by an entry, an MT940 statement); a CSV is read whole at the end (banks'
 * CSV exports are small). Every error is a `BankFileInvalid`/`BankFileUnsupported`.
 */
export function bankFileParser(options: BankFileOptions = {}): BankFileParser {
  let head = '';
  let inner: BankFileParser | undefined;
  let csv: string[] | undefined;
  const guarded = <T>(f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof O2cError) throw e;
      throw new BankFileInvalid('the file cannot be read as a bank statement');
    }
  };
  const decide = (): BankFileEvent[] => {
    const start = startOf(head);
    if (start === '') throw new BankFileInvalid('the file is empty');
    if (start.startsWith('<')) inner = camtParser(start);
    else if (detectFormat(start) === 'mt940') inner = mt940Parser();
    else {
      if (!options.csv) throw new BankFileInvalid('the file is neither ISO 20022 camt XML nor MT940, and no CSV column mapping is configured');
      csv = [head];
      return [];
    }
    return inner.feed(start);
  };
  return {
    feed: (chunk) =>
      guarded(() => {
        if (chunk.includes('\u0000')) throw new BankFileInvalid('the file is not text (a binary file, or a compressed one?)');
        if (csv) {
          csv.push(chunk);
          return [];
        }
        if (inner) return inner.feed(chunk);
        head += chunk;
        return startOf(head).length >= DETECT_CHARS ? decide() : [];
      }),
    end: () =>
      guarded(() => {
        const out = !inner && !csv ? decide() : [];
        if (csv) {
          const file = parseCsv(csv.join(''), options.csv!);
          csv = [];
          return fileEvents(file);
        }
        return [...out, ...inner!.end()];
      }),
  };
}

/** A whole `BankFile` as the events a stream of it gives. */
function fileEvents(file: BankFile): BankFileEvent[] {
  return [
    { kind: 'file', format: file.format, ...(file.version ? { version: file.version } : {}) },
    ...file.statements.flatMap(({ entries, ...statement }): BankFileEvent[] => [{ kind: 'statement', statement }, ...entries.map((entry) => ({ kind: 'entry' as const, entry })), { kind: 'statement-end', entries: entries.length }]),
    { kind: 'end', ...(file.messageId ? { messageId: file.messageId } : {}) },
  ];
}

/** A bank file's text, in chunks, as its events (`bankFileParser` over an async stream). */
export async function* readBankFileStream(chunks: AsyncIterable<string>, options: BankFileOptions = {}): AsyncGenerator<BankFileEvent> {
  const p = bankFileParser(options);
  for await (const chunk of chunks) yield* p.feed(chunk);
  yield* p.end();
}
