/**
 * `npm run bench:stream`: the memory a large dropped statement needs. A
 * camt.053.001.08 of `--mb` MB (default 50; entries of ~1.9 KB from
 * test/support/large-camt.ts) is written to a temporary file, then imported
 * in a fresh Node process the way bank-import does it for an S3 drop — the
 * file read as a byte stream (64 KB chunks, like S3's socket), decoded as
 * UTF-8, both passes of `importBankFile` (in-memory ports; the payments queue
 * only counts) — and that process's peak RSS and heap are printed, with the
 * time of each pass. `--whole` also measures the old way in another fresh
 * process (the file read into one string and parsed at once) for comparison.
 * Figures only, never pass/fail.
 *
 * `--heap-mb N` runs the children with `--max-old-space-size=N`: the streamed
 * import completes in a heap far smaller than the file.
 *
 *   nice -n 10 npm run bench:stream [-- --mb 50 --whole --heap-mb 64]
 */
import '../local/quiet.ts';
import { spawnSync } from 'node:child_process';
import { createReadStream, createWriteStream, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { planBankImport } from '../functions/domain/bank-import.ts';
import { parseBankFile, readBankFileStream } from '../functions/platforms/bank/index.ts';
import type { PaymentMessage } from '../functions/ports.ts';
import { importBankFile } from '../functions/use-cases/bank-import.ts';
import { memoryWorld } from '../test/support/memory.ts';
import { largeCamt } from '../test/support/large-camt.ts';

const { values } = parseArgs({ options: { mb: { type: 'string', default: '50' }, whole: { type: 'boolean', default: false }, 'heap-mb': { type: 'string' }, child: { type: 'string' }, file: { type: 'string' } } });
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

async function* fileText(path: string): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  for await (const bytes of createReadStream(path, { highWaterMark: 64 * 1024 })) {
    const text = decoder.decode(bytes as Buffer, { stream: true });
    if (text) yield text;
  }
  const last = decoder.decode();
  if (last) yield last;
}

/** In the child: one import, then its figures as JSON on stdout. */
async function child(mode: string, path: string) {
  const baseRss = process.memoryUsage().rss;
  let heapPeak = process.memoryUsage().heapUsed;
  let rssPeak = baseRss;
  const sample = () => {
    const m = process.memoryUsage();
    heapPeak = Math.max(heapPeak, m.heapUsed);
    rssPeak = Math.max(rssPeak, m.rss);
  };
  const passes: number[] = [];
  let t = performance.now();
  let credits = 0;
  let entries = 0;
  if (mode === 'stream') {
    const w = memoryWorld({ now: '2026-12-01T08:00:00.000Z' });
    const deps = {
      ...w.deps,
      paymentQueue: {
        async send() {},
        async sendMany(ms: readonly PaymentMessage[]) {
          credits += ms.length;
        },
      },
      readBankFile: async function* (chunks: AsyncIterable<string>) {
        let n = 0;
        for await (const e of readBankFileStream(chunks)) {
          if (++n % 200 === 0) sample();
          yield e;
        }
        sample();
        passes.push((performance.now() - t) / 1000);
        t = performance.now();
      },
    };
    const r = await importBankFile({ body: { open: () => fileText(path) }, source: { kind: 's3', bucket: 'bench', key: 'large.xml' } }, deps);
    entries = r.record.entries;
  } else {
    const text = readFileSync(path, 'utf8');
    sample();
    const plan = planBankImport(parseBankFile(text));
    sample();
    passes.push((performance.now() - t) / 1000);
    credits = plan.credits.length;
    entries = plan.entries;
  }
  sample();
  const maxRss = process.resourceUsage().maxRSS * 1024;
  process.stdout.write(`${JSON.stringify({ mode, baseRss, rssPeak: Math.max(rssPeak, maxRss), heapPeak, passes, credits, entries })}\n`);
}

if (values.child) await child(values.child, values.file!);
else {
  const path = join(tmpdir(), `o2c-bench-stream-${process.pid}.xml`);
  const target = Number(values.mb) * 2 ** 20;
  const entries = Math.ceil(target / 1905);
  const out = createWriteStream(path);
  for await (const chunk of largeCamt({ entries }).open()) if (!out.write(chunk)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
  const size = readFileSync(path).length;
  try {
    const run = (mode: string) => {
      const heap = values['heap-mb'] ? [`--max-old-space-size=${values['heap-mb']}`] : [];
      const r = spawnSync(process.execPath, [...heap, ...process.execArgv, fileURLToPath(import.meta.url), '--child', mode, '--file', path], { encoding: 'utf8', maxBuffer: 2 ** 24 });
      const line = r.stdout.trim().split('\n').pop() ?? '';
      if (r.status !== 0 || !line.startsWith('{')) {
        console.log(`  ${mode}: failed${heap.length ? ` with ${values['heap-mb']} MB of heap` : ''}: ${(r.stderr.match(/FATAL ERROR[^\n]*|JavaScript heap out of memory|Error: [^\n]*/) ?? [r.stderr.slice(-300)])[0]}`);
        return undefined;
      }
      return JSON.parse(line) as { mode: string; baseRss: number; rssPeak: number; heapPeak: number; passes: number[]; credits: number; entries: number };
    };
    console.log(`bank import of a dropped camt.053.001.08: ${mb(size)} MB, ${entries} entries${values['heap-mb'] ? `, old-space heap limited to ${values['heap-mb']} MB` : ''} — ${availableParallelism()} cores (shared), Node ${process.version}`);
    for (const mode of values.whole ? ['stream', 'whole'] : ['stream']) {
      const r = run(mode);
      if (!r) continue;
      const what = mode === 'stream' ? 'streamed (two passes, 64 KB chunks)' : 'read whole (one string, parsed at once)';
      console.log(`  ${what.padEnd(40)} peak RSS ${mb(r.rssPeak)} MB (${mb(r.baseRss)} MB before the file), peak heap ${mb(r.heapPeak)} MB, ${r.entries} entries, ${r.credits} credits, ${r.passes.map((p) => `${p.toFixed(1)} s`).join(' + ')} (${(r.entries / r.passes[0]!).toFixed(0)} entries/s)`);
    }
  } finally {
    rmSync(path, { force: true });
  }
}
