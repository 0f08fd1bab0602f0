/**
 * `npm run bench:bundles`: bundles every handler exactly as the CDK functions
 * do (lib/constructs/bundling.ts) and prints each bundle's minified and gzipped
 * size, the biggest packages inside, and the core count. Figures only: it never
 * fails on a size.
 *
 * `npm run bench:bundles -- --with-sdk` bundles the AWS SDK too, to show what
 * leaving it to the Lambda runtime saves (the reason for lib/constructs/bundling.ts's choice).
 */
import { availableParallelism } from 'node:os';
import { basename, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Metafile } from 'esbuild';
import { BUNDLING } from '../lib/constructs/bundling.ts';
import { bundleHandler, HANDLERS_DIR, handlerEntries } from './bundle-handler.ts';

const TARGET_KB = 300;
const handlersDir = HANDLERS_DIR;
const withSdk = process.argv.includes('--with-sdk');
const external = BUNDLING.external.filter((e) => !(withSdk && e === '@aws-sdk/*'));
const entries = handlerEntries();

function packageOf(path: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return m ? m[1]! : path.startsWith('functions/') ? `o2c ${path.split('/')[1]}` : path;
}

function topPackages(meta: Metafile, n: number): string {
  const sizes = new Map<string, number>();
  for (const output of Object.values(meta.outputs)) {
    for (const [input, info] of Object.entries(output.inputs)) sizes.set(packageOf(input), (sizes.get(packageOf(input)) ?? 0) + info.bytesInOutput);
  }
  return [...sizes]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([p, s]) => `${p} ${(s / 1024).toFixed(0)}`)
    .join(', ');
}

const rows: { name: string; kb: number; gz: number; top: string }[] = [];
const started = performance.now();
for (const file of entries) {
  const result = await bundleHandler(join(handlersDir, file), { external });
  const code = result.outputFiles.find((f) => f.path.endsWith('.mjs'))!.contents;
  rows.push({ name: basename(file, '.ts'), kb: code.byteLength / 1024, gz: gzipSync(code).byteLength / 1024, top: topPackages(result.metafile, 4) });
}

console.log(`handler bundles (esbuild ${BUNDLING.format}, minified, ${BUNDLING.target}, ${withSdk ? 'AWS SDK BUNDLED (not what is deployed)' : 'AWS SDK from the runtime'}; ${availableParallelism()} cores; ${((performance.now() - started) / 1000).toFixed(1)} s)`);
console.log(`${'function'.padEnd(24)}${'KB'.padStart(8)}${'gzip KB'.padStart(10)}   biggest parts (KB)`);
for (const r of rows) {
  console.log(`${r.name.padEnd(24)}${r.kb.toFixed(0).padStart(8)}${r.gz.toFixed(0).padStart(10)}   ${r.kb > TARGET_KB ? `over ${TARGET_KB} KB · ` : ''}${r.top}`);
}
const kbs = rows.map((r) => r.kb).sort((a, b) => a - b);
console.log(`median ${kbs[Math.floor(kbs.length / 2)]!.toFixed(0)} KB, largest ${kbs[kbs.length - 1]!.toFixed(0)} KB, ${rows.filter((r) => r.kb > TARGET_KB).length} of ${rows.length} over ${TARGET_KB} KB`);
