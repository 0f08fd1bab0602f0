import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildInvoice } from '../../../functions/domain/invoice.ts';
import { assertBalanced, invoiceIssuedEntry, isBalanced, paymentReceivedEntry, trialBalance } from '../../../functions/domain/ledger.ts';
import type { Allocation, JournalEntry, Order, Payment } from '../../../functions/domain/model.ts';
import { arbLine, arbPolicy, LINE_POLICY, ORDER, TWO_TEN_NET_30 } from './fixtures.ts';

const inv = buildInvoice({ order: ORDER, series: 'INV', year: 2026, sequence: 7, issueDate: '2026-11-22', terms: TWO_TEN_NET_30, policy: LINE_POLICY });
const debits = (e: JournalEntry) => e.lines.filter((l) => l.side === 'debit').reduce((a, l) => a + l.amount, 0);
const credits = (e: JournalEntry) => e.lines.filter((l) => l.side === 'credit').reduce((a, l) => a + l.amount, 0);

describe('ledger postings', () => {
  it('posts an invoice: Dr AR / Cr revenue, shipping revenue, tax payable (known answer)', () => {
    const e = invoiceIssuedEntry(inv, 'je_1');
    expect(e).toMatchObject({ id: 'je_1', date: '2026-11-22', currency: 'GBP', reference: 'invoice:INV-2026-000007' });
    expect(e.lines).toEqual([
      { account: 'accounts_receivable', side: 'debit', amount: 3898 },
      { account: 'revenue', side: 'credit', amount: 2899 },
      { account: 'shipping_revenue', side: 'credit', amount: 499 },
      { account: 'tax_payable', side: 'credit', amount: 500 },
    ]);
  });

  it('omits zero lines (no shipping, zero-rated goods)', () => {
    const o: Order = { ...ORDER, lines: [ORDER.lines[1]!], shipping: undefined };
    const i = buildInvoice({ order: o, series: 'INV', year: 2026, sequence: 8, issueDate: '2026-11-22', terms: { netDays: 30 }, policy: LINE_POLICY });
    expect(invoiceIssuedEntry(i, 'je').lines).toEqual([
      { account: 'accounts_receivable', side: 'debit', amount: 899 },
      { account: 'revenue', side: 'credit', amount: 899 },
    ]);
  });

  it('posts a paid-at-checkout invoice with its receipt, leaving nothing receivable', () => {
    const paid = invoiceIssuedEntry(inv, 'je_2', { paidAtCheckout: true });
    expect(paid.lines.slice(4)).toEqual([
      { account: 'cash', side: 'debit', amount: 3898 },
      { account: 'accounts_receivable', side: 'credit', amount: 3898 },
    ]);
    expect(trialBalance([paid]).GBP).toEqual({ accounts_receivable: 0, cash: 3898, revenue: -2899, shipping_revenue: -499, tax_payable: -500 });
  });

  it('posts a payment: cash, receivable, unapplied remainder, and an early discount taken', () => {
    const payment: Payment = { id: 'pay_1', source: 'bank', externalId: 'B1', amount: 4000, currency: 'GBP', receivedOn: '2026-11-30' };
    const e = paymentReceivedEntry(payment, [{ invoiceId: inv.id, amount: 3820 }], 'je_3', { discounts: [{ invoiceId: inv.id, amount: 78 }] });
    expect(e).toMatchObject({ date: '2026-11-30', reference: 'payment:pay_1' });
    expect(e.lines).toEqual([
      { account: 'cash', side: 'debit', amount: 4000 },
      { account: 'sales_discounts', side: 'debit', amount: 78 },
      { account: 'accounts_receivable', side: 'credit', amount: 3898 },
      { account: 'unapplied_cash', side: 'credit', amount: 180 },
    ]);
    expect(trialBalance([invoiceIssuedEntry(inv, 'je_1'), e]).GBP!.accounts_receivable).toBe(0);
    // nothing matched: all unapplied
    expect(paymentReceivedEntry(payment, [], 'je_4').lines).toEqual([
      { account: 'cash', side: 'debit', amount: 4000 },
      { account: 'unapplied_cash', side: 'credit', amount: 4000 },
    ]);
    expect(() => paymentReceivedEntry(payment, [{ invoiceId: 'x', amount: 4001 }], 'je_5')).toThrow(/exceed/);
  });

  it('refuses an unbalanced, empty, zero, negative or fractional entry', () => {
    const bad: JournalEntry = { id: 'x', date: '2026-01-01', currency: 'GBP', memo: '', reference: '', lines: [{ account: 'cash', side: 'debit', amount: 1 }] };
    expect(() => assertBalanced(bad)).toThrow(/debits do not equal credits/);
    expect(() => assertBalanced({ ...bad, lines: [] })).toThrow(/no lines/);
    expect(() => assertBalanced({ ...bad, lines: [{ account: 'cash', side: 'debit', amount: 0 }] })).toThrow(/positive/);
    expect(() => assertBalanced({ ...bad, lines: [{ account: 'cash', side: 'debit', amount: -5 }, { account: 'revenue', side: 'credit', amount: -5 }] })).toThrow(/positive/);
    expect(() => assertBalanced({ ...bad, lines: [{ account: 'cash', side: 'debit', amount: 1.5 }, { account: 'revenue', side: 'credit', amount: 1.5 }] })).toThrow(/whole number/);
    expect(isBalanced({ lines: [] })).toBe(false);
    expect(() => trialBalance([bad])).toThrow();
  });

  it('property: every invoice and payment entry balances, and each currency of the trial balance nets to zero', () => {
    const arbCase = fc.record({
      currency: fc.constantFrom('GBP', 'JPY', 'KWD'),
      lines: fc.array(arbLine, { minLength: 1, maxLength: 6 }),
      shipping: fc.option(fc.record({ amount: fc.integer({ min: 0, max: 5_000 }), taxRatePpm: fc.constantFrom(0, 200_000) }), { nil: undefined }),
      pricesIncludeTax: fc.boolean(),
      policy: arbPolicy,
      paid: fc.boolean(),
      pay: fc.integer({ min: 1, max: 100_000_000 }),
      split: fc.array(fc.nat({ max: 1000 }), { minLength: 1, maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.array(arbCase, { minLength: 1, maxLength: 4 }), (cases) => {
        const entries: JournalEntry[] = [];
        let receivable = new Map<string, number>();
        cases.forEach((c, k) => {
          const o: Order = { ...ORDER, currency: c.currency, lines: c.lines, shipping: c.shipping, pricesIncludeTax: c.pricesIncludeTax };
          const i = buildInvoice({ order: o, series: 'INV', year: 2026, sequence: k + 1, issueDate: '2026-01-01', terms: { netDays: 30 }, policy: c.policy, paid: c.paid });
          if (i.totals.total > 0) {
            const e = invoiceIssuedEntry(i, `i${k}`, { paidAtCheckout: c.paid });
            expect(debits(e)).toBe(credits(e));
            expect(e.lines.every((l) => Number.isSafeInteger(l.amount) && l.amount > 0)).toBe(true);
            entries.push(e);
          }
          // a payment spread over made-up invoices, never more than its amount
          const applied = Math.min(c.pay, i.balance);
          const weights = c.split.some((w) => w > 0) ? c.split : [1];
          const shares = weights.map((w) => Math.floor((applied * w) / weights.reduce((a, b) => a + b, 0)));
          const allocations: Allocation[] = shares.filter((s) => s > 0).map((amount, n) => ({ invoiceId: `${i.id}/${n}`, amount }));
          const p: Payment = { id: `p${k}`, source: 'bank', externalId: 'e', amount: c.pay, currency: c.currency, receivedOn: '2026-01-05' };
          const pe = paymentReceivedEntry(p, allocations, `p${k}`);
          expect(debits(pe)).toBe(credits(pe));
          expect(debits(pe)).toBe(c.pay);
          entries.push(pe);
          const ar = i.balance - allocations.reduce((a, x) => a + x.amount, 0);
          receivable.set(c.currency, (receivable.get(c.currency) ?? 0) + ar);
        });
        entries.forEach((e) => expect(isBalanced(e)).toBe(true));
        const tb = trialBalance(entries);
        for (const [ccy, book] of Object.entries(tb)) {
          expect(Object.values(book).reduce((a, b) => a + (b ?? 0), 0)).toBe(0);
          expect(book.accounts_receivable ?? 0).toBe(receivable.get(ccy));
        }
        receivable = new Map();
      }),
      { numRuns: 300 },
    );
  });
});
