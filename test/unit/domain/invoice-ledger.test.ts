import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyPaymentToInvoice,
  buildInvoice,
  daysPastDue,
  describeTerms,
  dueDate,
  findInvoiceNumbers,
  formatInvoiceNumber,
  isOverdue,
  parseInvoiceNumber,
} from '../../../functions/domain/invoice.ts';
import { assertBalanced, invoiceIssuedEntry, isBalanced, paymentReceivedEntry, trialBalance } from '../../../functions/domain/ledger.ts';
import type { Invoice, JournalEntry, Order, Payment } from '../../../functions/domain/model.ts';

const order: Order = {
  id: 'ord_1',
  source: { platform: 'shopify', externalId: '450789469', shop: 'acme.myshopify.com', reference: '#1042' },
  customerId: 'cus_1',
  currency: 'GBP',
  lines: [
    { sku: 'MUG-01', description: 'Mug', quantity: 2, unitPrice: 1250, discount: 500, taxRatePpm: 200_000 },
    { sku: 'BOOK-7', description: 'Book', quantity: 1, unitPrice: 899, discount: 0, taxRatePpm: 0 },
  ],
  shipping: { amount: 499, taxRatePpm: 200_000 },
  paymentMode: 'terms',
  shippingAddress: { line1: '1 High St', city: 'York', country: 'GB' },
  status: 'shipped',
  createdAt: '2026-11-20T10:00:00.000Z',
};
const terms = { netDays: 30, discount: { ratePpm: 20_000, days: 10 } };

describe('invoice numbers', () => {
  it('are series-year-sequence, zero padded, and parse back', () => {
    expect(formatInvoiceNumber('INV', 2026, 42)).toBe('INV-2026-000042');
    expect(formatInvoiceNumber('INV', 2026, 1_234_567)).toBe('INV-2026-1234567');
    expect(parseInvoiceNumber('INV-2026-000042')).toEqual({ series: 'INV', year: 2026, sequence: 42 });
    expect(parseInvoiceNumber('INV-2026-42')).toBeNull();
    expect(() => formatInvoiceNumber('inv', 2026, 1)).toThrow(/series/);
    expect(() => formatInvoiceNumber('INV', 2026, 0)).toThrow(/sequence/);
  });

  it('are found in the ways payers write remittance text', () => {
    expect(findInvoiceNumbers('Payment for INV-2026-000042 and inv 2026 000043, thanks (INV-2026-000042)')).toEqual(['INV-2026-000042', 'INV-2026-000043']);
    expect(findInvoiceNumbers('ref INV2026000007')).toEqual(['INV-2026-000007']);
    expect(findInvoiceNumbers('order 1042')).toEqual([]);
    expect(findInvoiceNumbers(undefined)).toEqual([]);
  });
});

describe('buildInvoice', () => {
  it('prices the order, sets the due date and the 2/10 net 30 early-payment amount (known answer)', () => {
    const inv = buildInvoice({ order, series: 'INV', year: 2026, sequence: 7, issueDate: '2026-11-22', terms, policy: { rounding: 'half-up', level: 'line' } });
    // Mugs: 2500 − 500 = 2000 net + 400 VAT; book 899 zero-rated; shipping 499 + 100 VAT.
    expect(inv.totals).toEqual({ gross: 3399, discount: 500, net: 2899, shipping: 499, tax: 500, total: 3898 });
    expect(inv.number).toBe('INV-2026-000007');
    expect(inv.orderReference).toBe('#1042');
    expect(inv.dueDate).toBe('2026-12-22');
    // 2 % of 3898 = 77.96 → 78.
    expect(inv.earlyPayment).toEqual({ until: '2026-12-02', discount: 78, amountDue: 3820 });
    expect(inv.balance).toBe(3898);
    expect(inv.status).toBe('open');
    expect(describeTerms(terms)).toBe('2/10 net 30');
    expect(dueDate('2026-02-20', { netDays: 14 })).toBe('2026-03-06');
  });

  it('issues a prepaid order as paid', () => {
    const inv = buildInvoice({ order, series: 'INV', year: 2026, sequence: 8, issueDate: '2026-11-22', terms, policy: { rounding: 'half-up', level: 'line' }, paid: true });
    expect(inv).toMatchObject({ balance: 0, status: 'paid' });
    expect(inv.earlyPayment).toBeUndefined();
  });

  it('applies payments up to the balance and knows when it is overdue', () => {
    const inv = buildInvoice({ order, series: 'INV', year: 2026, sequence: 9, issueDate: '2026-11-22', terms: { netDays: 30 }, policy: { rounding: 'half-up', level: 'line' } });
    const part = applyPaymentToInvoice(inv, 1000);
    expect(part).toMatchObject({ applied: 1000, remainder: 0, invoice: { balance: 2898, status: 'partially_paid' } });
    const rest = applyPaymentToInvoice(part.invoice, 5000);
    expect(rest).toMatchObject({ applied: 2898, remainder: 2102, invoice: { balance: 0, status: 'paid' } });
    expect(isOverdue(inv, '2026-12-22')).toBe(false);
    expect(isOverdue(inv, '2026-12-23')).toBe(true);
    expect(isOverdue(rest.invoice, '2027-06-01')).toBe(false);
    expect(daysPastDue(inv, '2027-01-21')).toBe(30);
    expect(() => applyPaymentToInvoice(inv, 0)).toThrow(/positive/);
  });

  it('property: a payment never takes the balance below zero and nothing is lost', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 500_000 }), { maxLength: 8 }), (total, payments) => {
        let inv = { balance: total, status: 'open' } as Invoice;
        for (const p of payments) {
          const r = applyPaymentToInvoice(inv, p);
          expect(r.invoice.balance).toBeGreaterThanOrEqual(0);
          expect(r.applied + r.remainder).toBe(p);
          expect(inv.balance - r.invoice.balance).toBe(r.applied);
          inv = r.invoice;
        }
      }),
    );
  });
});

describe('ledger', () => {
  const inv = buildInvoice({ order, series: 'INV', year: 2026, sequence: 7, issueDate: '2026-11-22', terms, policy: { rounding: 'half-up', level: 'line' } });

  it('posts an invoice: Dr AR / Cr revenue, shipping revenue, tax payable (known answer)', () => {
    const e = invoiceIssuedEntry(inv, 'je_1');
    expect(e.lines).toEqual([
      { account: 'accounts_receivable', side: 'debit', amount: 3898 },
      { account: 'revenue', side: 'credit', amount: 2899 },
      { account: 'shipping_revenue', side: 'credit', amount: 499 },
      { account: 'tax_payable', side: 'credit', amount: 500 },
    ]);
    const paid = invoiceIssuedEntry(inv, 'je_2', { paidAtCheckout: true });
    expect(trialBalance([paid]).GBP).toMatchObject({ accounts_receivable: 0, cash: 3898, revenue: -2899 });
  });

  it('posts a payment with its early discount and unapplied remainder', () => {
    const payment: Payment = { id: 'pay_1', source: 'bank', externalId: 'B1', amount: 4000, currency: 'GBP', receivedOn: '2026-11-30' };
    const e = paymentReceivedEntry(payment, [{ invoiceId: inv.id, amount: 3820 }], 'je_3', { discounts: [{ invoiceId: inv.id, amount: 78 }] });
    expect(e.lines).toEqual([
      { account: 'cash', side: 'debit', amount: 4000 },
      { account: 'sales_discounts', side: 'debit', amount: 78 },
      { account: 'accounts_receivable', side: 'credit', amount: 3898 },
      { account: 'unapplied_cash', side: 'credit', amount: 180 },
    ]);
    const tb = trialBalance([invoiceIssuedEntry(inv, 'je_1'), e]).GBP!;
    expect(tb.accounts_receivable).toBe(0);
    expect(() => paymentReceivedEntry(payment, [{ invoiceId: 'x', amount: 4001 }], 'je_4')).toThrow(/exceed/);
  });

  it('refuses an unbalanced or empty entry', () => {
    const bad: JournalEntry = { id: 'x', date: '2026-01-01', currency: 'GBP', memo: '', reference: '', lines: [{ account: 'cash', side: 'debit', amount: 1 }] };
    expect(() => assertBalanced(bad)).toThrow(/debits do not equal credits/);
    expect(() => assertBalanced({ ...bad, lines: [] })).toThrow(/no lines/);
    expect(() => assertBalanced({ ...bad, lines: [{ account: 'cash', side: 'debit', amount: 0 }] })).toThrow(/positive/);
  });

  it('property: every invoice and payment entry balances, and the trial balance nets to zero', () => {
    const arbOrder = fc.record({
      lines: fc.array(
        fc.record({
          sku: fc.constant('S'),
          description: fc.constant('d'),
          quantity: fc.integer({ min: 1, max: 50 }),
          unitPrice: fc.integer({ min: 0, max: 100_000 }),
          discount: fc.constant(0),
          taxRatePpm: fc.constantFrom(0, 60_000, 200_000, 250_000),
        }),
        { minLength: 1, maxLength: 6 },
      ),
      shipping: fc.integer({ min: 0, max: 5_000 }),
      paid: fc.boolean(),
      pay: fc.integer({ min: 1, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(arbOrder, ({ lines, shipping, paid, pay }) => {
        const o: Order = { ...order, lines, shipping: { amount: shipping, taxRatePpm: 200_000 } };
        const i = buildInvoice({ order: o, series: 'INV', year: 2026, sequence: 1, issueDate: '2026-01-01', terms: { netDays: 30 }, policy: { rounding: 'half-even', level: 'invoice' }, paid });
        const entries: JournalEntry[] = [];
        if (i.totals.total > 0) entries.push(invoiceIssuedEntry(i, 'a', { paidAtCheckout: paid }));
        const applied = Math.min(pay, i.balance);
        const p: Payment = { id: 'p', source: 'bank', externalId: 'e', amount: pay, currency: 'GBP', receivedOn: '2026-01-05' };
        entries.push(paymentReceivedEntry(p, applied > 0 ? [{ invoiceId: i.id, amount: applied }] : [], 'b'));
        entries.forEach((e) => expect(isBalanced(e)).toBe(true));
        const tb = trialBalance(entries).GBP ?? {};
        expect(Object.values(tb).reduce((a, b) => a + (b ?? 0), 0)).toBe(0);
        expect(tb.accounts_receivable ?? 0).toBe(i.balance - applied);
      }),
      { numRuns: 300 },
    );
  });
});
