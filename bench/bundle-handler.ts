/**
 * One handler bundled exactly as the CDK functions bundle it (lib/constructs/bundling.ts): what bench:bundles
 * measures and bench:cold-start loads.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build, type BuildResult } from 'esbuild';
import { BUNDLING } from '../lib/constructs/bundling.ts';

export const ROOT = resolve(import.meta.dirname, '..');
export const HANDLERS_DIR = join(ROOT, 'functions/handlers');

/** The handler files, sorted. */
export const handlerEntries = (): string[] => readdirSync(HANDLERS_DIR).filter((f) => f.endsWith('.ts')).sort();

/** Bundles `entry` in memory (`outputFiles`, `metafile`); `external` defaults to the deployed list (the AWS SDK left to the runtime). */
export function bundleHandler(entry: string, options: { external?: readonly string[] } = {}): Promise<BuildResult<{ write: false; metafile: true }>> {
  return build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    metafile: true,
    outfile: join(ROOT, '.bench/out.mjs'),
    target: BUNDLING.target,
    platform: BUNDLING.platform,
    format: BUNDLING.format,
    minify: BUNDLING.minify,
    sourcemap: false,
    mainFields: [...BUNDLING.mainFields],
    banner: { js: BUNDLING.banner },
    charset: BUNDLING.charset,
    external: [...(options.external ?? BUNDLING.external)],
    alias: { ...BUNDLING.alias },
    logLevel: 'silent',
  });
}
