/**
 * The rules of the house (ARCHITECTURE.md §2), checked by machine: the domain
 * imports no infrastructure, Lambda code never imports the CDK app, and so on.
 * The rules live in test/support/layers.ts; this test runs them over the real
 * import graph and also proves that they bite (a check that reads nothing would
 * pass on anything).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
});
