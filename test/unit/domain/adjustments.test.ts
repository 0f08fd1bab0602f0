import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildCreditNote, creditNoteEntry, writeOff } from '../../../functions/domain/adjustments.ts';
import { buildInvoice } from '../../../functions/domain/invoice.ts';
import { isBalanced } from '../../../functions/domain/ledger.ts';
import type { Invoice } from '../../../functions/domain/model.ts';
import { LINE_POLICY, ORDER } from './fixtures.ts';

// ORDER (fixtures.ts): goods net £28.99 (2 mugs £25.00 − £5.00 + a book £8.99), shipping £4.99, tax £5.00, total £38.98.
const invoice = (extra: Partial<Invoice> = {}): Invoice => ({
  ...buildInvoice({ order: ORDER, series: 'INV', year: 2026, sequence: 7, issueDate: '2026-11-22', terms: { netDays: 30 }, policy: LINE_POLICY }),
  ...extra,
});
const note = (inv: Invoice & { credited?: number }, amount: number) => buildCreditNote({ invoice: inv, amount, reason: 'damaged mug', series: 'CN', year: 2026, sequence: 1, issueDate: '2026-11-25' });

describe('credit notes', () => {
  it('reverse goods, shipping and tax in the invoice proportions, summing exactly (known answer)', () => {
    const inv = invoice();
    expect(inv.totals).toMatchObject({ net: 2899, shipping: 499, tax: 500, total: 3898 });
    const { creditNote, invoice: after } = note(inv, 1000);
    // 1000 × (2899, 499, 500) / 3898 = 743.7…, 128.0…, 128.2… → floors 743, 128, 128 (999) + 1 to the largest remainder (net)
    expect(creditNote).toMatchObject({ number: 'CN-2026-000001', net: 744, shipping: 128, tax: 128, total: 1000, appliedToInvoice: 1000, customerCredit: 0 });
    expect(after).toMatchObject({ balance: 2898, status: 'open', credited: 1000 });
  });

  it('credit beyond the open balance of a paid invoice becomes customer credit', () => {
    const { creditNote, invoice: after } = note(invoice({ balance: 0, status: 'paid' }), 3898);
    expect(creditNote).toMatchObject({ appliedToInvoice: 0, customerCredit: 3898, tax: 500 });
    expect(after.status).toBe('paid');
    const entry = creditNoteEntry(creditNote, 'cn-1');
    expect(entry.lines).toEqual([
      { account: 'revenue', side: 'debit', amount: 2899 },
      { account: 'shipping_revenue', side: 'debit', amount: 499 },
      { account: 'tax_payable', side: 'debit', amount: 500 },
      { account: 'customer_credit', side: 'credit', amount: 3898 },
    ]);
  });

  it('refuse more than is left to credit, nothing, and closed invoices — with the reason', () => {
    expect(() => note(invoice({ credited: 3000 } as never), 899)).toThrow('invoice INV-2026-000007 has £8.98 left to credit, less than the £8.99 asked for');
    expect(() => note(invoice(), 0)).toThrow(/more than nothing/);
    expect(() => note(invoice({ status: 'written_off' }), 10)).toThrow(/written off/);
    try {
      note(invoice({ credited: 3898 } as never), 1);
    } catch (e) {
      expect((e as { kind: string }).kind).toBe('conflict');
    }
  });

  it('property: any sequence of credit notes keeps the balance in [0, total], sums exact and every entry balanced', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4000 }), { maxLength: 8 }), fc.integer({ min: 0, max: 3898 }), (amounts, paid) => {
        let inv: Invoice & { credited?: number } = invoice({ balance: 3898 - paid, status: paid === 3898 ? 'paid' : paid > 0 ? 'partially_paid' : 'open' });
        for (const amount of amounts) {
          if (amount > inv.totals.total - (inv.credited ?? 0)) continue;
          const r = note(inv, amount);
          expect(r.creditNote.net + r.creditNote.shipping + r.creditNote.tax).toBe(amount);
          expect(isBalanced(creditNoteEntry(r.creditNote, 'e'))).toBe(true);
          inv = r.invoice;
          expect(inv.balance).toBeGreaterThanOrEqual(0);
          expect(inv.balance).toBeLessThanOrEqual(inv.totals.total);
        }
      }),
    );
  });
});

describe('write-offs', () => {
  it('turn the open balance into bad debt and close the invoice', () => {
    const r = writeOff(invoice({ balance: 1898, status: 'partially_paid' }), 'wo-1', '2027-03-01', 'customer insolvent');
    expect(r.invoice).toMatchObject({ balance: 0, status: 'written_off' });
    expect(r.entry.lines).toEqual([
      { account: 'bad_debt', side: 'debit', amount: 1898 },
      { account: 'accounts_receivable', side: 'credit', amount: 1898 },
    ]);
  });

  it('refuse a paid invoice and one written off already', () => {
    expect(() => writeOff(invoice({ balance: 0, status: 'paid' }), 'w', '2027-03-01', 'x')).toThrow(/nothing to write off/);
    expect(() => writeOff(invoice({ status: 'written_off' }), 'w', '2027-03-01', 'x')).toThrow(/already written off/);
  });
});
