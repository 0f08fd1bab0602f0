/**
 * The rules of the house (ARCHITECTURE.md §2), checked by machine: the domain
 * imports no infrastructure, Lambda code never imports the CDK app, and so on.
 * The rules live in test/support/layers.ts; this test runs them over the real
 * import graph and also proves that they bite (a check that reads nothing would
 * pass on anything).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cycles, importGraph, violations } from '../support/layers.ts';

const root = resolve(import.meta.dirname, '../..');

describe('layering rules', () => {
  it('hold for the whole code base', async () => {
    const graph = await importGraph(root, ['functions', 'lib', 'bin', 'local']);
    expect(graph.edges.size).toBeGreaterThan(40);
    expect(violations(graph)).toEqual([]);
    expect(cycles(graph)).toEqual([]);
  }, 60_000);

  it('catch a domain module that imports an adapter or the AWS SDK, and a cycle', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'o2c-layers-'));
    try {
      mkdirSync(join(dir, 'functions/domain'), { recursive: true });
      mkdirSync(join(dir, 'functions/adapters'), { recursive: true });
      writeFileSync(join(dir, 'functions/adapters/db.ts'), "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nexport const db = new DynamoDBClient({});\n");
      writeFileSync(join(dir, 'functions/domain/bad.ts'), "import { db } from '../adapters/db.ts';\nimport { b } from './b.ts';\nexport const x = [db, b];\n");
      writeFileSync(join(dir, 'functions/domain/b.ts'), "import { x } from './bad.ts';\nexport const b = () => x;\n");
      mkdirSync(join(dir, 'functions/messages'), { recursive: true });
      writeFileSync(join(dir, 'functions/messages/en.ts'), "import { db } from '../adapters/db.ts';\nimport { b } from '../domain/b.ts';\nexport const en = [db, b];\n");
      const graph = await importGraph(dir, ['functions']);
      expect(violations(graph)).toContainEqual({ rule: 'domain-is-pure', from: 'functions/domain/bad.ts', to: 'functions/adapters/db.ts' });
      expect(violations(graph).filter((v) => v.rule === 'messages-are-pure')).toEqual([{ rule: 'messages-are-pure', from: 'functions/messages/en.ts', to: 'functions/adapters/db.ts' }]);
      expect(cycles(graph).length).toBeGreaterThan(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('catch a use case that reaches for an adapter, a handler that skips its use case, and an adapter that runs one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'o2c-layers-'));
    try {
      const file = (path: string, text: string) => {
        mkdirSync(join(dir, path, '..'), { recursive: true });
        writeFileSync(join(dir, path), text);
      };
      file('functions/domain/rule.ts', 'export const rule = (n: number) => n + 1;\n');
      file('functions/adapters/store.ts', "import { run } from '../use-cases/run.ts';\nexport const store = { save: async () => run() };\n");
      file('functions/use-cases/run.ts', "import { store } from '../adapters/store.ts';\nexport const run = () => store;\n");
      file('functions/handlers/step.ts', "import { rule } from '../domain/rule.ts';\nexport const handler = () => rule(1);\n");
      file('functions/runtime/wrap.ts', "import { handler } from '../handlers/step.ts';\nexport const w = handler;\n");
      const found = violations(await importGraph(dir, ['functions']));
      expect(found).toContainEqual({ rule: 'use-cases-inward', from: 'functions/use-cases/run.ts', to: 'functions/adapters/store.ts' });
      expect(found).toContainEqual({ rule: 'adapters-not-use-cases', from: 'functions/adapters/store.ts', to: 'functions/use-cases/run.ts' });
      expect(found).toContainEqual({ rule: 'handlers-wire-only', from: 'functions/handlers/step.ts', to: 'functions/domain/rule.ts' });
      expect(found).toContainEqual({ rule: 'runtime-not-handlers', from: 'functions/runtime/wrap.ts', to: 'functions/handlers/step.ts' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});

/** Every .ts file below `dir` (repo-relative), with its text. */
function sources(dir: string): { path: string; text: string }[] {
  const out: { path: string; text: string }[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(join(root, d))) {
      const p = `${d}/${name}`;
      if (statSync(join(root, p)).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) out.push({ path: p, text: readFileSync(join(root, p), 'utf8') });
    }
  };
  walk(dir);
  return out;
}

/** A quoted table-key prefix such as `'ORDER#` or `` `AGG#`` (the single-table key formats). */
export const KEY_PREFIX = /['"`][A-Z][A-Z_]+#/;
const hits = (files: { path: string; text: string }[], pattern: RegExp) =>
  files.flatMap((f) => f.text.split('\n').flatMap((line, i) => (pattern.test(line) && !/^\s*(\*|\/\/)/.test(line) ? [`${f.path}:${i + 1}: ${line.trim()}`] : [])));

describe('rooms of the house', () => {
  it('no key prefix is written outside the table definition', () => {
    const files = ['functions', 'lib', 'local', 'bench'].flatMap(sources).filter((f) => f.path !== 'functions/adapters/table-schema.ts');
    expect(files.length).toBeGreaterThan(60);
    expect(hits(files, KEY_PREFIX)).toEqual([]);
    // the check itself bites
    expect(hits([{ path: 'x.ts', text: "const k = { pk: `CUSTOMER#${id}` };" }], KEY_PREFIX)).toHaveLength(1);
  });

  it('no adapter, use case or domain module asks the time: the clock is a port', () => {
    const files = ['functions/adapters', 'functions/use-cases', 'functions/domain'].flatMap(sources);
    expect(hits(files, /new Date\(\)|Date\.now\(\)/)).toEqual([]);
  });

  it('no adapter holds an order status list (statuses come from the domain state machine)', () => {
    const statuses = "'(received|validated|credit_hold|approved|confirmed|fulfilling|shipped|invoiced|paid|closed|backordered|rejected|cancelled)'";
    const list = new RegExp(`\\[\\s*${statuses}\\s*,\\s*${statuses}|new Set\\(\\[\\s*${statuses}`);
    expect(hits(sources('functions/adapters'), list)).toEqual([]);
    expect(hits([{ path: 'x.ts', text: "const OPEN = new Set(['approved', 'confirmed']);" }], list)).toHaveLength(1);
  });

  it('every handler is wiring: at most 40 lines', () => {
    const long = sources('functions/handlers').filter((f) => f.text.trimEnd().split('\n').length > 40).map((f) => f.path);
    expect(long).toEqual([]);
  });

  it('only the bindings reader reads o2c settings from the environment', () => {
    const files = sources('functions').filter((f) => f.path !== 'functions/runtime/bindings.ts');
    // Powertools' own variables and the SDK's endpoint override are not o2c bindings.
    const reads = hits(files, /process\.env/).filter((h) => !/POWERTOOLS_|AWS_ENDPOINT_URL_/.test(h));
    expect(reads).toEqual([]);
  });
});
