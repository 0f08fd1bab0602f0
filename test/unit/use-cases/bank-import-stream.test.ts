/**
 * Large statements stream: the parsers give the same file whatever the chunks,
 * and a generated 20,000-entry camt.053 (~38 MB) is imported in two passes
 * with bounded memory — entries come out after the first chunks, not at the
 * end; payments leave in batches while the file is still being read; a file
 * that does not add up is refused after reading it all, with nothing written;
 * the same file again applies nothing.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bankFileParser, collectBankFile, parseBankFile, readBankFileStream, type BankFileEvent } from '../../../functions/platforms/bank/index.ts';
import { camtParser } from '../../../functions/platforms/bank/camt.ts';
import type { CsvMapping } from '../../../functions/platforms/bank/csv.ts';
import { mt940Parser } from '../../../functions/platforms/bank/mt940.ts';
import type { PaymentMessage } from '../../../functions/ports.ts';
import { COUNT_SHARDS } from '../../../functions/domain/bank-import.ts';
import { importBankFile, importDroppedBankFile, PAYMENT_BATCH } from '../../../functions/use-cases/bank-import.ts';
import { paymentIdOf } from '../../../functions/use-cases/receive-payment.ts';
import { LARGE_CAMT_ACCOUNT, largeCamt, largeCamtCredits, minorOf } from '../../support/large-camt.ts';
import { refusal, world } from './fixtures.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/bank/${name}`, import.meta.url), 'utf8');
const UK: CsvMapping = { decimal: '.', dateFormat: 'DD/MM/YYYY', currency: 'GBP', columns: { date: 'Date', amount: 'Amount', remittance: 'Description' } };

function inChunks(text: string, cuts: readonly number[]): string[] {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const out: string[] = [];
  let from = 0;
  for (const c of at) {
    out.push(text.slice(from, c));
    from = c;
  }
  out.push(text.slice(from));
  return out;
}

describe('the bank parsers read a file in chunks of any size', () => {
  const files = ['camt053-v02.xml', 'camt053-v08.xml', 'camt053-v08-day.xml', 'camt052-v08.xml', 'camt054-v08.xml', 'statements.mt940', 'uk-bank.csv'];
  it('property: the same statements, entries and amounts as the whole file', { timeout: 180_000 }, () => {
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.array(fc.nat(), { maxLength: 60 }), (name, cuts) => {
        const text = fixture(name);
        const whole = parseBankFile(text, { csv: UK });
        const p = bankFileParser({ csv: UK });
        const events: BankFileEvent[] = [];
        for (const chunk of inChunks(text, cuts)) events.push(...p.feed(chunk));
        events.push(...p.end());
        expect(collectBankFile(events)).toEqual(whole);
        if (name.endsWith('.xml')) {
          // The camt parser itself, without the 8 KB the format detection buffers first.
          const camt = camtParser(text);
          const direct = inChunks(text, cuts).flatMap((chunk) => camt.feed(chunk));
          expect(collectBankFile([...direct, ...camt.end()])).toEqual(whole);
        }
        if (name.endsWith('.mt940')) {
          const mt = mt940Parser();
          const direct = inChunks(text, cuts).flatMap((chunk) => mt.feed(chunk));
          expect(collectBankFile([...direct, ...mt.end()])).toEqual(whole);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('one character at a time, with namespace prefixes, comments and CDATA that mention entries', () => {
    const text = fixture('camt053-v02.xml')
      .replace(/<(\/?)([A-Za-z])/g, '<$1c:$2')
      .replace('<c:Document xmlns=', '<c:Document xmlns:c=')
      .replace('<c:Stmt>', '<c:Stmt><!-- a <Ntry> in a comment is not an entry --><?pi <Ntry> ?>')
      .replace('<c:Ustrd>', '<c:Ustrd><![CDATA[</Ntry> in text]]> ');
    const p = camtParser(text);
    const events = [...text].flatMap((c) => p.feed(c));
    events.push(...p.end());
    const whole = parseBankFile(fixture('camt053-v02.xml'));
    const read = collectBankFile(events);
    expect(read.statements[0]!.entries.map((e) => [e.entryRef, e.amount, e.direction])).toEqual(whole.statements[0]!.entries.map((e) => [e.entryRef, e.amount, e.direction]));
    expect(read.statements[0]!.closingBalance).toEqual(whole.statements[0]!.closingBalance);
  });

  it('reads an MT940 file statement by statement, and refuses one statement larger than its limit in words', () => {
    const text = fixture('statements.mt940');
    const p = mt940Parser();
    const cut = text.indexOf(':20:', 5);
    expect(cut).toBeGreaterThan(0);
    expect(p.feed(text.slice(0, cut)).map((e) => e.kind)).toEqual(['file']);
    // The next statement's first line completes the first statement.
    expect(p.feed(text.slice(cut, text.indexOf('\n', cut) + 1)).map((e) => e.kind)).toEqual(expect.arrayContaining(['statement', 'entry', 'statement-end']));
    const small = mt940Parser(1024);
    expect(() => small.feed(text.replace(/:86:[^\n]*\n/, `:86:${'x'.repeat(2000)}\n`))).toThrow(/^statement 1 is larger than 0.0009765625 MB: an MT940 statement is read whole/);
  });

  it('gives the entries of a statement as they come, before the file has ended', () => {
    const text = fixture('camt053-v02.xml');
    const p = camtParser(text);
    const cut = text.indexOf('</Ntry>') + '</Ntry>'.length;
    const first = p.feed(text.slice(0, cut));
    expect(first.map((e) => e.kind)).toEqual(['file', 'statement', 'entry']);
    expect(p.feed(text.slice(cut)).filter((e) => e.kind === 'entry')).toHaveLength(4);
  });
});

/** A payments queue that keeps counts, not messages (so the test holds no more than the import does). */
function countingQueue() {
  const seen = { messages: 0, minor: 0, batches: 0, largestBatch: 0, ids: new Set<string>(), chunksAtFirstBatch: -1 };
  return {
    seen,
    async send(): Promise<void> {
      throw new Error('the import sends in batches');
    },
    async sendMany(ms: readonly PaymentMessage[]) {
      seen.batches += 1;
      seen.largestBatch = Math.max(seen.largestBatch, ms.length);
      for (const m of ms) {
        seen.messages += 1;
        seen.minor += m.amount;
        seen.ids.add(m.id);
      }
    },
  };
}

describe('a 20,000-entry camt.053 streams through the import', () => {
  const ENTRIES = 20_000;
  it('is read in chunks with bounded memory, refused whole when it does not add up, queued in batches once, and not again', { timeout: 600_000 }, async () => {
    const w = world();
    const queue = countingQueue();
    const file = largeCamt({ entries: ENTRIES });
    const probe = { chunksAtFirstEntry: -1, heapBase: 0, heapPeak: 0 };
    const observed = async function* (events: AsyncIterable<BankFileEvent>, stats: { chunks: number }) {
      let n = 0;
      for await (const e of events) {
        if (e.kind === 'entry') {
          if (probe.chunksAtFirstEntry < 0) probe.chunksAtFirstEntry = stats.chunks;
          if (++n % 500 === 0) probe.heapPeak = Math.max(probe.heapPeak, process.memoryUsage().heapUsed);
        }
        yield e;
      }
    };
    let current = file;
    const deps = {
      ...w.deps,
      paymentQueue: {
        ...queue,
        sendMany: async (ms: readonly PaymentMessage[]) => {
          if (queue.seen.chunksAtFirstBatch < 0) queue.seen.chunksAtFirstBatch = current.stats.chunks;
          await queue.sendMany(ms);
        },
      },
      readBankFile: (chunks: AsyncIterable<string>) => observed(readBankFileStream(chunks), current.stats),
    };
    const credits = largeCamtCredits(ENTRIES);

    // Not adding up (1 penny off the closing balance): read to the end, then refused; nothing written or queued.
    current = largeCamt({ entries: ENTRIES, tamper: 1 });
    const refused = await refusal(importBankFile({ body: { open: current.open }, source: { kind: 's3', bucket: 'b', key: 'bad.xml' } }, deps));
    expect(refused).toMatchObject({ status: 422, message: expect.stringMatching(/^statement STMT-1: the entries do not add up to the balances: opening 50000\.00 \+ entries .* but the closing balance is .* GBP$/) });
    expect(current.stats.opened).toBe(1);
    expect(queue.seen.messages).toBe(0);
    expect(w.state.bankImports.size).toBe(0);

    // The good file: two passes over the stream.
    current = file;
    probe.chunksAtFirstEntry = -1;
    probe.heapBase = process.memoryUsage().heapUsed;
    probe.heapPeak = probe.heapBase;
    const result = await importBankFile({ body: { open: file.open }, source: { kind: 's3', bucket: 'b', key: 'good.xml' } }, deps);
    const totalChunks = file.stats.chunks / 2;
    expect(file.stats.opened).toBe(2);
    expect(file.stats.chars / 2).toBeGreaterThan(35_000_000);
    // Streaming: the first entry came out of the first chunks, the first payments left long before the second pass ended.
    expect(probe.chunksAtFirstEntry).toBeLessThanOrEqual(2);
    expect(queue.seen.chunksAtFirstBatch - totalChunks).toBeLessThan(totalChunks / 10);
    expect(queue.seen.largestBatch).toBeLessThanOrEqual(PAYMENT_BATCH);
    expect(queue.seen.batches).toBe(Math.ceil(credits.count / PAYMENT_BATCH));
    // Bounded memory: the heap grew by far less than the ~38 MB file (held whole and parsed it takes several hundred MB).
    expect((probe.heapPeak - probe.heapBase) / 2 ** 20).toBeLessThan(128);

    // Every credit once, with its amount; the fees listed; the import's counts.
    expect(queue.seen.messages).toBe(credits.count);
    expect(queue.seen.ids.size).toBe(credits.count);
    expect(queue.seen.minor).toBe(credits.minor);
    expect(queue.seen.ids.has(paymentIdOf({ source: 'bank', externalId: `${LARGE_CAMT_ACCOUNT}:LRG-00000000` }))).toBe(true);
    expect(result).toMatchObject({ created: true, record: { status: 'queued', entries: ENTRIES, credits: { count: credits.count, totals: [{ amount: credits.minor, currency: 'GBP' }] }, countShards: COUNT_SHARDS, outstanding: COUNT_SHARDS } });
    expect(result.record.fees).toMatchObject({ count: ENTRIES / 50, totals: [{ amount: (ENTRIES / 50) * minorOf(49), currency: 'GBP' }] });
    expect(result.record.fees.lines).toHaveLength(200);
    expect(await w.deps.bankImports.paymentIdsOf(result.record)).toHaveLength(credits.count);

    // The same file again (dropped twice): the first import, nothing sent, read once only.
    const before = { messages: queue.seen.messages, opened: file.stats.opened };
    const again = await importBankFile({ body: { open: file.open }, source: { kind: 's3', bucket: 'b', key: 'good-again.xml' } }, deps);
    expect(again).toMatchObject({ importId: result.importId, created: false });
    expect(queue.seen.messages).toBe(before.messages);
    expect(file.stats.opened).toBe(before.opened + 1);
    expect(w.state.bankImports.size).toBe(1);
  });
});

describe('a dropped file (S3) is streamed from the store, the same version each time', () => {
  it('reads the object twice for a large file, pinned by its ETag; a refused one tells finance, once per version', { timeout: 300_000 }, async () => {
    const w = world();
    const file = largeCamt({ entries: 5_200, chunkChars: 16 * 1024 });
    const reads: { bucket: string; key: string; eTag?: string }[] = [];
    const bankFiles = {
      stream(bucket: string, key: string, eTag?: string) {
        reads.push({ bucket, key, ...(eTag ? { eTag } : {}) });
        return key.startsWith('bad') ? (async function* () { yield 'not a statement'; })() : file.open();
      },
    };
    const deps = { ...w.deps, bankFiles, readBankFile: (chunks: AsyncIterable<string>) => readBankFileStream(chunks) };
    const done = await importDroppedBankFile({ bucket: 'drop', key: 'in/stmt.xml', eTag: 'abc123' }, deps);
    expect(done).toMatchObject({ created: true });
    expect(reads).toEqual([{ bucket: 'drop', key: 'in/stmt.xml', eTag: 'abc123' }, { bucket: 'drop', key: 'in/stmt.xml', eTag: 'abc123' }]);
    expect(w.deps.paymentQueue.sent).toHaveLength(largeCamtCredits(5_200).count);
    const refused = await importDroppedBankFile({ bucket: 'drop', key: 'bad.txt', eTag: 'v1' }, deps);
    expect(refused).toEqual({ refused: 'the file is neither ISO 20022 camt XML nor MT940, and no CSV column mapping is configured' });
    expect(w.state.mailbox.filter((m) => m.key === 'bank-import-refused:drop/bad.txt#v1')).toHaveLength(1);
  });
});
