/**
 * The rules of the house (ARCHITECTURE.md §2), checked by machine: the domain
 * imports no infrastructure, Lambda code never imports the CDK app, and so on.
 * The rules live in .dependency-cruiser.cjs; this test runs them and also proves
 * that they bite (a check that cruises nothing would pass on anything).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const config = require('../../.dependency-cruiser.cjs') as { forbidden: unknown[]; options: Record<string, unknown> };

async function run(paths: string[], baseDir?: string): Promise<ICruiseResult> {
  const options = { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true, ...(baseDir ? { baseDir } : {}) };
  const result = await cruise(paths, options as never);
  return result.output as ICruiseResult;
}

describe('layering rules', () => {
  it('hold for the whole code base', async () => {
    const result = await run(['functions', 'lib', 'bin', 'local']);
    expect(result.summary.totalCruised).toBeGreaterThan(20);
    const violations = result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
    expect(violations).toEqual([]);
    // An import the cruiser cannot resolve escapes every rule: only type-only packages may be unresolved.
    const typeOnly = new Set(['aws-lambda']);
    const unresolved = result.modules.flatMap((m) =>
      m.dependencies.filter((d) => d.couldNotResolve && !typeOnly.has(d.module)).map((d) => `${m.source} → ${d.module}`),
    );
    expect(unresolved).toEqual([]);
  }, 120_000);

  it('catch a domain module that imports an adapter or the AWS SDK', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'o2c-layers-'));
    try {
      mkdirSync(join(dir, 'functions/domain'), { recursive: true });
      mkdirSync(join(dir, 'functions/adapters'), { recursive: true });
      writeFileSync(join(dir, 'functions/adapters/db.ts'), 'export const db = 1;\n');
      writeFileSync(join(dir, 'functions/domain/bad.ts'), "import { db } from '../adapters/db.ts';\nexport const x = db;\n");
      const result = await run(['functions'], dir);
      expect(result.summary.violations.map((v) => v.rule.name)).toContain('domain-is-pure');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
