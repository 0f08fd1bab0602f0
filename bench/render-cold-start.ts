/**
 * `npm run bench:render`: what the document renderer weighs and how long a cold start takes.
 *
 * 1. Bundles the render-documents handler exactly as the CDK function is bundled (lib/constructs/bundling.ts) and
 *    prints its size, gzipped size and biggest parts, and the font files shipped beside it.
 * 2. Bundles the renderer with a sample invoice (bench/render-entry.ts) the same way, copies the fonts beside it
 *    as the CDK bundling does, and in a fresh Node process (nothing cached, like a new Lambda container) times the
 *    import, the first English invoice (parses Noto Sans), the first Japanese one (parses Noto Sans JP) and a warm
 *    one. Figures only: it never fails on a time. Runs `--runs N` fresh processes (default 3) and prints each.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import { FONT_FILES } from '../functions/adapters/font-files.ts';
import { bundleHandler } from './bundle-handler.ts';

const root = resolve(import.meta.dirname, '..');
const out = join(root, '.bench/render');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 3;
const kb = (n: number) => `${(n / 1024).toFixed(0)} KB`;

/** `entry` bundled as the CDK bundles a handler (bench/bundle-handler.ts). */
async function bundle(entry: string): Promise<{ bytes: Uint8Array; meta: Metafile }> {
  const result = await bundleHandler(entry);
  return { bytes: result.outputFiles[0]!.contents, meta: result.metafile };
}

function biggest(meta: Metafile): string {
  const sizes = new Map<string, number>();
  for (const o of Object.values(meta.outputs)) {
    for (const [input, info] of Object.entries(o.inputs)) {
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
      const key = m ? m[1]! : input.startsWith('functions/') ? `o2c ${input.split('/')[1]}` : input;
      sizes.set(key, (sizes.get(key) ?? 0) + info.bytesInOutput);
    }
  }
  return [...sizes].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([p, s]) => `${p} ${(s / 1024).toFixed(0)}`).join(', ');
}

mkdirSync(join(out, 'fonts'), { recursive: true });
const handler = await bundle('functions/handlers/render-documents.ts');
console.log(`render-documents bundle: ${kb(handler.bytes.length)} (gzip ${kb(gzipSync(handler.bytes).length)}); biggest parts (KB): ${biggest(handler.meta)}`);
let fontTotal = 0;
for (const f of Object.values(FONT_FILES)) {
  const from = join(root, 'node_modules', f.from);
  copyFileSync(from, join(out, 'fonts', f.file));
  fontTotal += statSync(from).size;
  console.log(`  font ${f.file.padEnd(24)} ${kb(statSync(from).size).padStart(9)}`);
}
console.log(`  fonts beside the bundle: ${kb(fontTotal)} (files, not in the JavaScript; each document embeds a subset)`);

const sample = await bundle('bench/render-entry.ts');
writeFileSync(join(out, 'index.mjs'), sample.bytes);
const probe = `
const t0 = performance.now();
const { render } = await import(${JSON.stringify(join(out, 'index.mjs'))});
const t1 = performance.now();
const en = await render('en');
const t2 = performance.now();
const ja = await render('ja');
const t3 = performance.now();
await render('en');
const t4 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, firstMs: t2 - t1, firstJaMs: t3 - t2, warmMs: t4 - t3, enBytes: en.length, jaBytes: ja.length }));
`;
console.log(`\ncold starts (fresh node process each, ${availableParallelism()} cores shared; the fonts from .bench/render/fonts, beside the bundle):`);
console.log('  run   import   first invoice (en)   first invoice (ja)   warm invoice   PDF en / ja');
for (let i = 1; i <= runs; i++) {
  const r = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe]).toString()) as Record<string, number>;
  const ms = (n: number) => `${n.toFixed(0)} ms`;
  console.log(`  ${String(i).padStart(3)}   ${ms(r.importMs!).padStart(6)}   ${ms(r.firstMs!).padStart(18)}   ${ms(r.firstJaMs!).padStart(18)}   ${ms(r.warmMs!).padStart(12)}   ${kb(r.enBytes!)} / ${kb(r.jaBytes!)}`);
}
