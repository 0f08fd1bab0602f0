/**
 * Fuzzing the bank-statement import at its route: 10,000 statement files made
 * from the fixtures (test/fixtures/bank) by random, seeded mutations — characters
 * deleted, duplicated or replaced, the file truncated, tags swapped, amounts
 * turned to junk — posted to POST /finance/bank-statements (the bank-import
 * handler's route, its repositories and queues in memory). Every answer is a
 * 202 or a 4xx with a message, never a 5xx; a file answered 4xx queued no
 * payment and left no import behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { runRoute, type Route } from '../../../functions/runtime/http.ts';
import { apiEvent } from '../../support/api-event.ts';
import { setTestBindings, TEST_FINANCE_KEY } from '../../support/bindings.ts';
import { memoryWorld } from '../../support/memory.ts';

const FILES = 10_000;
const DIR = new URL('../../fixtures/bank/', import.meta.url);
const FIXTURES = readdirSync(DIR)
  .sort()
  .map((name) => readFileSync(new URL(name, DIR), 'utf8'));

/** mulberry32: a small seeded generator, so a failure is reproducible by its file number. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const JUNK_CHARS = ['<', '>', '/', '&', '"', "'", ':', '-', '.', ',', '0', '9', ' ', '\n', '\u0000', 'é', '€', '\uFFFD', 'x', '+', '=', ';'];
const JUNK_AMOUNTS = ['', '-1.00', '1e5', 'NaN', 'Infinity', '12,50', '0x10', '99999999999999999999999.99', '1.2.3', '0.000001', '   ', '€5', '-0', '1 000.00', '.5', '5.', '٣٤.٥'];
const TAGS = ['Amt', 'CdtDbtInd', 'Ntry', 'TxDtls', 'Bal', 'Dt', 'BookgDt', 'Stmt', 'Ref', 'Ustrd', 'IBAN', 'Sts', 'Acct', 'NtryDtls', 'RmtInf'];

/** One to four mutations of a fixture. */
function mutate(text: string, rnd: () => number): string {
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const at = () => Math.floor(rnd() * Math.max(1, text.length));
  for (let n = 1 + Math.floor(rnd() * 4); n > 0; n--) {
    const i = at();
    switch (Math.floor(rnd() * 8)) {
      case 0: // delete a run of characters
        text = text.slice(0, i) + text.slice(i + 1 + Math.floor(rnd() * 20));
        break;
      case 1: // duplicate a run
        text = text.slice(0, i) + text.slice(i, i + 1 + Math.floor(rnd() * 200)) + text.slice(i);
        break;
      case 2: // replace a character
        text = text.slice(0, i) + pick(JUNK_CHARS) + text.slice(i + 1);
        break;
      case 3: // truncate
        text = text.slice(0, i);
        break;
      case 4: {
        // swap two tag names everywhere (opening and closing)
        const [a, b] = [pick(TAGS), pick(TAGS)];
        text = text.replace(new RegExp(`(</?)(${a}|${b})([ >])`, 'g'), (_, open: string, tag: string, end: string) => `${open}${tag === a ? b : a}${end}`);
        break;
      }
      case 5: {
        // an amount (XML element, MT940 field or CSV cell) turned to junk
        const amounts = [...text.matchAll(/\d+[.,]\d{1,5}/g)];
        if (amounts.length === 0) break;
        const m = pick(amounts);
        text = text.slice(0, m.index) + pick(JUNK_AMOUNTS) + text.slice(m.index + m[0].length);
        break;
      }
      case 6: // move a line elsewhere
      {
        const lines = text.split('\n');
        const [from, to] = [Math.floor(rnd() * lines.length), Math.floor(rnd() * lines.length)];
        const [line] = lines.splice(from, 1);
        lines.splice(to, 0, line ?? '');
        text = lines.join('\n');
        break;
      }
      default: // a currency or sign flipped
        text = text.replace(pick([/CRDT/, /DBIT/, /GBP/, /EUR/, /Ccy="[A-Z]{3}"/, /:61:\d{6}\d{0,4}C/]), pick(['DBIT', 'CRDT', 'XXX', 'Ccy="ZZZ"', 'Ccy=""', 'JPY', 'D']));
    }
  }
  return text;
}

describe('bank-statement import fuzz: mutated files at POST /finance/bank-statements', () => {
  let route: Route;
  const world = memoryWorld({ now: '2026-12-02T08:00:00.000Z' });

  beforeAll(async () => {
    setTestBindings();
    const handler = await import('../../../functions/handlers/bank-import.ts');
    // The handler's own deps, its repositories, queue and mail in memory.
    // Every port the handler wires that the memory world has (so no call reaches a real AWS endpoint, whatever the import grows to use).
    const memory = world.deps as unknown as Record<string, unknown>;
    Object.assign(handler.deps, Object.fromEntries(Object.keys(handler.deps).filter((k) => k in memory && k !== 'readBankFile' && k !== 'company' && k !== 'financeRecipients').map((k) => [k, memory[k]])));
    route = handler.routes['POST /finance/bank-statements']!;
  });

  it(`answers ${FILES} mutated statement files with 202 or a 4xx that says why, never a 5xx; a refused file queues nothing`, async () => {
    const statuses = new Map<number, number>();
    for (let n = 0; n < FILES; n++) {
      const rnd = random(n + 1);
      const body = mutate(FIXTURES[n % FIXTURES.length]!, rnd);
      const queuedBefore = world.deps.paymentQueue.sent.length;
      const importsBefore = world.state.bankImports.size;
      const res = await runRoute(route, apiEvent('POST /finance/bank-statements', body, { headers: { 'x-api-key': TEST_FINANCE_KEY, 'content-type': 'application/xml' } }));
      const status = res.statusCode ?? 0;
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const answer = JSON.parse(res.body ?? '{}') as { message?: string };
      if (status >= 500 || (status !== 202 && (status < 400 || status >= 500))) expect.fail(`file ${n} (fixture ${n % FIXTURES.length}) answered ${status}: ${res.body}`);
      if (status !== 202) {
        expect(answer.message, `file ${n}`).toMatch(/\w{3}/);
        expect(answer.message, `file ${n}`).not.toMatch(/\bat .+\.ts:\d+|TypeError|Cannot read propert|is not a function/);
        expect(world.deps.paymentQueue.sent.length, `file ${n} answered ${status} but queued payments`).toBe(queuedBefore);
        expect(world.state.bankImports.size, `file ${n} answered ${status} but left an import`).toBe(importsBefore);
      }
    }
    // The mutations reach both sides: some files still import, most are refused.
    expect(statuses.get(202) ?? 0).toBeGreaterThan(50);
    expect([...statuses].filter(([s]) => s >= 400).reduce((a, [, c]) => a + c, 0)).toBeGreaterThan(FILES / 2);
  }, 120_000);
});
