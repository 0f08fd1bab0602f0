/** build-report: aging from the open invoices, DSO from the daily aggregates of the last 90 days, one email per as-of date. */
import { describe, expect, it } from 'vitest';
import type { Invoice } from '../../../functions/domain/model.ts';
import { buildReport, DSO_DAYS } from '../../../functions/use-cases/build-report.ts';
import { issueInvoice } from '../../../functions/use-cases/issue-invoice.ts';
import { testOrder } from '../../support/orders.ts';
import { invoiceFor, world } from './fixtures.ts';

const dueOn = (sequence: number, dueDate: string, extra: Partial<Invoice> = {}): Invoice => ({
  ...invoiceFor(testOrder(`ord_${sequence}`, 'invoiced'), { sequence, issueDate: dueDate, terms: { netDays: 0 } }),
  ...extra,
});

/** Open: GBP 38.98 current, 50.00 at 21 days, 10.00 at 113 days; EUR 20.00 at 52 days. Credit sales 989.80 GBP in the window. */
function books() {
  const w = world();
  w.putInvoice(dueOn(1, '2026-12-22'));
  w.putInvoice(dueOn(2, '2026-11-01', { balance: 5000, status: 'partially_paid' }));
  w.putInvoice(dueOn(3, '2026-08-01', { balance: 1000, status: 'partially_paid' }));
  w.putInvoice(dueOn(4, '2026-10-01', { currency: 'EUR', balance: 2000, status: 'partially_paid' }));
  w.putInvoice(dueOn(5, '2026-09-01', { balance: 0, status: 'paid' }));
  w.state.aggregates.set('2026-11-22|GBP', { creditSales: 49_490, sales: 60_000 }); // asOf, first day of the window
  w.state.aggregates.set('2026-08-25|GBP', { creditSales: 49_490 }); // asOf − 89, the last day in it
  w.state.aggregates.set('2026-08-24|GBP', { creditSales: 1_000_000 }); // asOf − 90: outside
  w.state.aggregates.set('2026-11|GBP', { creditSales: 999 }); // a month row, not a day
  w.state.aggregates.set('2026-11-02|USD', { creditSales: 1000 }); // credit sales, nothing open
  return w;
}

describe('buildReport', () => {
  it(`reports receivables per currency and DSO over the last ${DSO_DAYS} days from the daily aggregates`, async () => {
    const w = books();
    expect(await buildReport({ asOf: '2026-11-22' }, w.deps)).toEqual({
      asOf: '2026-11-22',
      openInvoices: 4,
      currencies: [
        { currency: 'EUR', receivables: 2000, dso: null },
        { currency: 'GBP', receivables: 9898, dso: 9 }, // 98.98 ÷ 989.80 × 90
        { currency: 'USD', receivables: 0, dso: 0 },
      ],
    });
  });

  it('emails finance the summary and the aging CSV under report:ar:<asOf>', async () => {
    const w = books();
    await buildReport({ asOf: '2026-11-22' }, w.deps);
    expect(w.state.mailbox).toHaveLength(1);
    const [mail] = w.state.mailbox;
    expect(mail).toMatchObject({
      key: 'report:ar:2026-11-22',
      to: ['finance@example.com'],
      subject: 'Example Trading Ltd: receivables report 2026-11-22',
      text: [
        'Accounts receivable as of 2026-11-22',
        '',
        'EUR: open 20.00, DSO n/a (no credit sales) (last 90 days)',
        'GBP: open 98.98, DSO 9 days (last 90 days)',
        'USD: open 0.00, DSO 0 days (last 90 days)',
        '',
        'Aging by days past due is attached (CSV).',
      ].join('\n'),
    });
    expect(mail!.attachments).toHaveLength(1);
    expect(mail!.attachments![0]).toMatchObject({ filename: 'ar-aging-2026-11-22.csv', contentType: 'text/csv' });
    expect(Buffer.from(mail!.attachments![0]!.contentBase64, 'base64').toString()).toBe(
      'currency,current,1-30,31-60,61-90,90+,total\r\nEUR,0.00,0.00,20.00,0.00,0.00,20.00\r\nGBP,38.98,50.00,0.00,0.00,10.00,98.98\r\n',
    );
  });

  it('reads the credit sales issue-invoice added to the aggregates (prepaid sales are not credit sales)', async () => {
    const w = world();
    w.putOrder(testOrder('ord_a', 'shipped'));
    w.putOrder(testOrder('ord_b', 'shipped'));
    w.putOrder(testOrder('ord_c', 'shipped', { paymentMode: 'prepaid' }));
    for (const orderId of ['ord_a', 'ord_b', 'ord_c']) await issueInvoice({ orderId }, w.deps);
    expect((await buildReport({}, w.deps)).currencies).toEqual([{ currency: 'GBP', receivables: 7796, dso: 90 }]);
  });

  it('keys each as-of date once, defaulting to today in the company’s zone', async () => {
    const w = books();
    await buildReport({}, w.deps);
    await buildReport({ asOf: '2026-11-21' }, w.deps);
    await buildReport({}, w.deps);
    expect(w.state.mailbox.map((m) => m.key)).toEqual(['report:ar:2026-11-22', 'report:ar:2026-11-21', 'report:ar:2026-11-22']);
  });
});
