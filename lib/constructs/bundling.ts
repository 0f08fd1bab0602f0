/**
 * How every handler is bundled, in one place: the CDK functions and
 * `npm run bench:bundles` both use these options, so the benchmark measures
 * what is deployed.
 *
 * The AWS SDK v3 (`@aws-sdk/*`) is not bundled: the nodejs22.x runtime ships
 * it, and bundling it tripled every handler (~350 KB of SDK core per bundle,
 * measured with bench/bundles.ts), far past the 300 KB budget. This is also
 * the CDK's own default for Node 18+ functions. The code uses only long-stable
 * SDK APIs; the versions pinned in package.json are what the tests run against.
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
  /** Provided by the Lambda runtime (@aws-sdk), or types only (aws-lambda). */
  external: ['@aws-sdk/*', 'aws-lambda'],
} as const;
