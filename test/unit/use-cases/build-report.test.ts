/** build-report: the finance pack per kind and as-of date, rendered and mailed once per (kind, as-of); again only when asked, audited. */
import { describe, expect, it } from 'vitest';
import type { FinancePack, PackKind } from '../../../functions/domain/finance-pack.ts';
import type { Invoice } from '../../../functions/domain/model.ts';
import { buildReport, defaultAsOf } from '../../../functions/use-cases/build-report.ts';
import { FINANCE_PACK } from '../../fixtures/finance-pack.ts';
import { testOrder } from '../../support/orders.ts';
import { invoiceFor, world } from './fixtures.ts';

/** Renders stand-ins (the real renderers are tested in test/unit/adapters/pack-documents.test.ts). */
const fakeDocuments = { pdf: async () => new Uint8Array([37, 80, 68, 70]), xlsx: async () => new Uint8Array([80, 75]) };
const RECIPIENTS = { flash: ['flash@example.com'], weekly: ['weekly@example.com'], 'month-end': ['controller@example.com', 'cfo@example.com'] };

function setup(figures?: (kind: PackKind, asOf: string) => Promise<FinancePack>) {
  const w = world();
  const asked: [PackKind, string][] = [];
  const deps = {
    ...w.deps,
    figures: async (kind: PackKind, asOf: string) => {
      asked.push([kind, asOf]);
      return figures ? figures(kind, asOf) : { ...FINANCE_PACK, kind, asOf };
    },
    packDocuments: fakeDocuments,
    recipients: RECIPIENTS,
  };
  return { w, deps, asked };
}

describe('buildReport', () => {
  it('asks the figures for (kind, as-of) and mails the summary with the PDF, the XLSX and a CSV per table to the kind’s recipients', async () => {
    const { w, deps, asked } = setup();
    const result = await buildReport({ kind: 'month-end', asOf: '2026-11-30' }, deps);
    expect(asked).toEqual([['month-end', '2026-11-30']]);
    expect(result).toMatchObject({ kind: 'month-end', asOf: '2026-11-30', key: 'report:month-end:2026-11-30', currencies: ['GBP', 'SEK'] });
    const [mail] = w.state.mailbox;
    expect(mail).toMatchObject({ key: 'report:month-end:2026-11-30', to: RECIPIENTS['month-end'], subject: 'Example Trading Ltd: month-end finance pack as of 2026-11-30' });
    expect(mail!.attachments!.map((a) => a.filename)).toEqual([
      'finance-month-end-2026-11-30.pdf',
      'finance-month-end-2026-11-30.xlsx',
      ...['aging', 'top-debtors', 'kpis', 'cash', 'revenue-by-channel', 'order-to-cash', 'order-errors', 'automation', 'manual-actions', 'accounts'].map((t) => `month-end-2026-11-30-${t}.csv`),
    ]);
    expect(mail!.attachments!.map((a) => a.contentType).slice(0, 3)).toEqual(['application/pdf', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv; charset=utf-8']);
    expect(mail!.text).toContain('Open receivables     £403,000.00');
    expect(mail!.html).toContain('<td style="text-align:right;padding:2px 0">£403,000.00</td>');
  });

  it('defaults to the flash as of today; weekly as of yesterday; month-end as of the last day of the month before', async () => {
    const { deps, asked } = setup();
    await buildReport({}, deps); // the world's clock: 2026-11-22 in London
    await buildReport({ kind: 'weekly' }, deps);
    await buildReport({ kind: 'month-end' }, deps);
    expect(asked).toEqual([
      ['flash', '2026-11-22'],
      ['weekly', '2026-11-21'],
      ['month-end', '2026-10-31'],
    ]);
    expect(defaultAsOf('month-end', '2027-03-01')).toBe('2027-02-28');
    expect(defaultAsOf('month-end', '2028-03-01')).toBe('2028-02-29');
    expect(defaultAsOf('month-end', '2027-01-01')).toBe('2026-12-31');
  });

  it('keys each (kind, as-of) once, so a repeated run sends nothing new; --resend sends under a new key each time, audited', async () => {
    const { w, deps } = setup();
    await buildReport({ kind: 'flash', asOf: '2026-11-20' }, deps);
    await buildReport({ kind: 'flash', asOf: '2026-11-20' }, deps);
    await buildReport({ kind: 'weekly', asOf: '2026-11-20' }, deps);
    await buildReport({ kind: 'flash', asOf: '2026-11-20', resend: true, requestedBy: 'ada@example.com' }, deps);
    await buildReport({ kind: 'flash', asOf: '2026-11-20', resend: true }, deps);
    expect(w.state.mailbox.map((m) => m.key)).toEqual([
      'report:flash:2026-11-20',
      'report:flash:2026-11-20', // the same key: send-mail sends it once
      'report:weekly:2026-11-20',
      'report:flash:2026-11-20:resend:1',
      'report:flash:2026-11-20:resend:2',
    ]);
    expect(w.state.mailbox[3]!.subject).toBe('Example Trading Ltd: daily flash as of 2026-11-20 (sent again)');
    const trail = await deps.audit.entriesOf('report:flash:2026-11-20');
    expect(trail.map((e) => [e.action, e.actor, e.after?.key])).toEqual([
      ['report.resend', 'ada@example.com', 'report:flash:2026-11-20:resend:1'],
      ['report.resend', 'schedule', 'report:flash:2026-11-20:resend:2'],
    ]);
  });

  it('refuses a pack too large for one email, sending nothing', async () => {
    const { w, deps } = setup();
    const big = { ...deps, packDocuments: { ...fakeDocuments, pdf: async () => new Uint8Array(700_000) } };
    await expect(buildReport({ asOf: '2026-11-20' }, big)).rejects.toThrow(/over the 600000/);
    expect(w.state.mailbox).toEqual([]);
  });
});

const dueOn = (sequence: number, dueDate: string, extra: Partial<Invoice> = {}): Invoice => ({
  ...invoiceFor(testOrder(`ord_${sequence}`, 'invoiced'), { sequence, issueDate: dueDate, terms: { netDays: 0 } }),
  ...extra,
});
