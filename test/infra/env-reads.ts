/**
 * Which environment variables each handler's code reads: every handler is
 * bundled with esbuild (packages external, not minified), so tree shaking drops
 * the adapter functions a handler never calls, and the bundle is scanned for
 * `env('X')`, `envOr`, `envList`, `envJson` and `process.env.X`. A read is
 * *required* when a missing value fails: `env`/`envList`, and `envJson` unless
 * the bundle checks `process.env.X` too. (A lazy `() => env('X')` that is kept
 * counts as required: conservative.)
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { build } from 'esbuild';

export interface EnvReads {
  readonly used: Set<string>;
  readonly required: Set<string>;
}

// esbuild may rename an import on a clash (env → env2).
const CALL = /\b(env|envOr|envList|envJson)\d*\(\s*['"]([A-Z0-9_]+)['"]/g;
const PROCESS_ENV = /process\.env(?:\.([A-Z0-9_]+)|\[\s*['"]([A-Z0-9_]+)['"]\s*\])/g;

export async function envReads(root: string): Promise<Map<string, EnvReads>> {
  const dir = join(root, 'functions/handlers');
  const entryPoints = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => join(dir, f));
  const result = await build({
    absWorkingDir: root,
    entryPoints,
    bundle: true,
    write: false,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    outdir: join(root, '.env-reads-out'),
    logLevel: 'silent',
  });
  const out = new Map<string, EnvReads>();
  for (const file of result.outputFiles) {
    const reads: EnvReads = { used: new Set(), required: new Set() };
    const guarded = new Set<string>();
    for (const m of file.text.matchAll(PROCESS_ENV)) {
      const name = (m[1] ?? m[2])!;
      reads.used.add(name);
      guarded.add(name);
    }
    for (const m of file.text.matchAll(CALL)) {
      const [, fn, name] = m as unknown as [string, string, string];
      reads.used.add(name);
      if (fn === 'env' || fn === 'envList' || (fn === 'envJson' && !guarded.has(name))) reads.required.add(name);
    }
    out.set(basename(file.path).replace(/\.js$/, ''), reads);
  }
  return out;
}
