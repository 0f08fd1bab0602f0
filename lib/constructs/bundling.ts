/**
 * How every handler is bundled, in one place: the CDK functions and
 * `npm run bench:bundles` both use these options, so the benchmark measures
 * what is deployed.
 *
 * The AWS SDK v3 (`@aws-sdk/*`) is not bundled: the nodejs22.x runtime ships
 * it. Measured with bench/bundles.ts (2026-11-23, the real handlers): with the
 * SDK bundled, all 17 bundles are over the 300 KB budget (median 552 KB, the
 * SDK core alone ~350 KB each); left to the runtime, the median is 196 KB and
 * only the two that carry a heavy library are over (issue-invoice 627 KB:
 * pdf-lib and its fonts; send-mail 360 KB: nodemailer). This is also the CDK's
 * own default for Node 18+ functions. The cost: Lambda runs its own SDK
 * version, not the one pinned in package.json that the tests run; the code
 * uses only long-stable SDK APIs. Compare with `npm run bench:bundles -- --with-sdk`.
 */
export const ESM_BANNER = "import { createRequire as __o2cCreateRequire } from 'node:module'; const require = __o2cCreateRequire(import.meta.url);";

export const BUNDLING = {
  target: 'node22',
  platform: 'node',
  format: 'esm',
  minify: true,
  sourcemap: true,
  mainFields: ['module', 'main'],
  banner: ESM_BANNER,
  /**
   * UTF-8 output: the message catalogue's Chinese, Japanese and Russian texts stay 2–3 bytes a character instead of
   * esbuild's default ASCII escapes (`\uXXXX`, 6 bytes), about 9 KB less in every handler that mails customers.
   */
  charset: 'utf8',
  /** Provided by the Lambda runtime (@aws-sdk), or types only (aws-lambda). */
  external: ['@aws-sdk/*', 'aws-lambda'],
  /**
   * Packages replaced in every bundle (paths from the project root): fontkit's WOFF2 decoder, brotli (475 KB), by a
   * stub that refuses WOFF2 — the PDF renderer embeds TTF files only.
   */
  alias: { brotli: './functions/adapters/no-woff2' },
} as const;
