/**
 * `o2c report show`: the finance pack of the worked book (test/support/figures-book.ts, on the memory world)
 * through the finance route's answer, printed for a person (money in its currency, aligned columns) and as --json
 * (the route's answer unchanged: minor units, the same figures).
 */
import { describe, expect, it } from 'vitest';
import { CliError, financeCommand, type FinanceApi } from '../../local/finance-cli.ts';
import { financePack } from '../../functions/use-cases/finance-pack.ts';
import { WORKED_BOOK, writeBook } from '../support/figures-book.ts';
import { memoryWorld } from '../support/memory.ts';

async function packApi() {
  const w = memoryWorld({ now: '2026-07-01T12:00:00.000Z' });
  await writeBook({ deps: w.deps, clock: w.clock, putOrder: (o) => w.putOrder(o), putCustomer: (c) => w.putCustomer(c) }, WORKED_BOOK);
  w.clock.set('2027-01-15T12:00:00.000Z');
  const calls: string[] = [];
  const api: FinanceApi = {
    url: 'http://127.0.0.1:1',
    async call(_method, path) {
      calls.push(path);
      const q = new URL(path, 'http://x').searchParams;
      return JSON.parse(JSON.stringify(await financePack({ kind: (q.get('kind') ?? 'month-end') as 'month-end', ...(q.get('asOf') ? { asOf: q.get('asOf')! } : {}) }, w.deps)));
    },
  };
  return { api, calls };
}

describe('o2c report show', () => {
  it('prints the pack’s figures formatted in their currency, in aligned columns', async () => {
    const { api, calls } = await packApi();
    const text = (await financeCommand(api, 'report', ['show'], { 'as-of': '2026-11-30', kind: 'month-end' }))!;
    expect(calls).toEqual(['/finance/reports/pack?kind=month-end&asOf=2026-11-30']);
    const lines = text.split('\n');
    expect(lines[0]).toBe('Example Trading Ltd: month-end pack as of 2026-11-30 (flows 2026-11-01 … 2026-11-30)');
    expect(text).toContain(['aging  current     1–30  31–60  61–90      90+    total  disputed', 'open   £570.00  £200.00  £0.00  £0.00  £100.00  £870.00   £100.00'].join('\n'));
    expect(text).toContain(['bucket   top debtors   amount', 'current  Brick & Co   £300.00', 'current  Ada Ltd      £270.00', '1–30     Ada Ltd      £200.00', '90+      Ada Ltd      £100.00'].join('\n'));
    for (const [k, v] of <[string, string][]>[['DSO (days)', '38.3'], ['countback DSO', '56.0'], ['best possible DSO', '26.4'], ['ADD (days delinquent)', '11.9'], ['CEI', '38.8 %'], ['closing AR', '£970.00']]) {
      expect(lines.find((l) => l.startsWith(k))?.trimEnd().endsWith(v)).toBe(true);
    }
    expect(lines).toContain('2026-11-01 … 2026-11-30  38.3       56.0  26.4  11.9  38.8 %  £970.00       £760.00    £110.00');
    expect(lines.find((l) => l.startsWith('  by card (Stripe)'))).toMatch(/£60\.00$/);
    expect(lines.find((l) => l.startsWith('order → cash'))).toMatch(/^order → cash\s+11\s+38\s+2$/);
    // Every row of a table is as wide as its header says: no line of the trend table is ragged.
    const trend = lines.slice(lines.findIndex((l) => l.startsWith('trend')), lines.findIndex((l) => l.startsWith('trend')) + 14);
    expect(new Set(trend.map((l) => l.length)).size).toBe(1);
    // No minor units, no terminal escapes (safe to pipe).
    expect(text).not.toMatch(/97000|\u001b/);
  });

  it('--json answers the route’s pack: the same figures in minor units', async () => {
    const { api } = await packApi();
    const json = JSON.parse((await financeCommand(api, 'report', ['show'], { 'as-of': '2026-11-30', json: true }))!);
    expect(json.kind).toBe('month-end');
    expect(json.currencies[0].kpi).toMatchObject({ dso: 38.3, cei: 38.8, closingAr: 97000 });
    expect(json.currencies[0].aging.buckets.current).toBe(57000);
  });

  it('refuses an unknown kind or an impossible date in words, before calling anything', async () => {
    const { api, calls } = await packApi();
    await expect(financeCommand(api, 'report', ['show'], { kind: 'yearly' })).rejects.toThrow(new CliError('--kind yearly is not a pack (flash, weekly or month-end)'));
    await expect(financeCommand(api, 'report', ['show'], { 'as-of': '2026-02-30' })).rejects.toThrow('--as-of 2026-02-30 is not a calendar date (YYYY-MM-DD)');
    expect(calls).toEqual([]);
  });
});
