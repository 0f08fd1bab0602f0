import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DomainError } from '../../../functions/domain/errors.ts';
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
import type { Invoice } from '../../../functions/domain/model.ts';
import { LINE_POLICY, ORDER, TWO_TEN_NET_30 } from './fixtures.ts';

describe('invoice numbers', () => {
  it('are series-year-sequence, zero padded, and parse back', () => {
    expect(formatInvoiceNumber('INV', 2026, 42)).toBe('INV-2026-000042');
    expect(formatInvoiceNumber('INV', 2026, 999_999)).toBe('INV-2026-999999');
    expect(formatInvoiceNumber('INV', 2026, 1_234_567)).toBe('INV-2026-1234567');
    expect(parseInvoiceNumber('INV-2026-000042')).toEqual({ series: 'INV', year: 2026, sequence: 42 });
    expect(parseInvoiceNumber('INV-2026-1234567')).toEqual({ series: 'INV', year: 2026, sequence: 1_234_567 });
    expect(parseInvoiceNumber('INV-2026-42')).toBeNull();
    expect(parseInvoiceNumber('INV-2026-000000')).toBeNull();
    expect(parseInvoiceNumber(' INV-2026-000042')).toBeNull();
    expect(() => formatInvoiceNumber('inv', 2026, 1)).toThrow(/series/);
    expect(() => formatInvoiceNumber('INV', 2026, 0)).toThrow(/sequence/);
    expect(() => formatInvoiceNumber('INV', 26, 1)).toThrow(/year/);
  });

  it('are found in the ways payers write remittance text', () => {
    expect(findInvoiceNumbers('Payment for INV-2026-000042 and inv 2026 000043, thanks (INV-2026-000042)')).toEqual(['INV-2026-000042', 'INV-2026-000043']);
    expect(findInvoiceNumbers('ref INV2026000007')).toEqual(['INV-2026-000007']);
    expect(findInvoiceNumbers('inv-2026-000042')).toEqual(['INV-2026-000042']);
    expect(findInvoiceNumbers('Rechnung:INV-2026-000042;INV-2026-000044.')).toEqual(['INV-2026-000042', 'INV-2026-000044']);
    expect(findInvoiceNumbers('order 1042')).toEqual([]);
    expect(findInvoiceNumbers('INV-2026-0042')).toEqual([]);
    expect(findInvoiceNumbers(undefined)).toEqual([]);
  });

  it('property: format and parse are inverse, and a number is found wherever it is written', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Z]{2,8}$/),
        fc.integer({ min: 1000, max: 9999 }),
        fc.integer({ min: 1, max: 99_999_999 }),
        fc.constantFrom('Payment for ', 'ref: ', '', 'thanks, ', '('),
        fc.constantFrom('', ' thanks', ')', ', regards', '.'),
        fc.boolean(),
        (series, year, seq, before, after, lower) => {
          const n = formatInvoiceNumber(series, year, seq);
          expect(parseInvoiceNumber(n)).toEqual({ series, year, sequence: seq });
          expect(findInvoiceNumbers(`${before}${lower ? n.toLowerCase() : n}${after}`)).toEqual([n]);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('terms', () => {
  it('set the due date and read as finance writes them', () => {
    expect(dueDate('2026-02-20', { netDays: 14 })).toBe('2026-03-06');
    expect(dueDate('2026-12-15', { netDays: 30 })).toBe('2027-01-14');
    expect(dueDate('2026-11-22', { netDays: 0 })).toBe('2026-11-22');
    expect(() => dueDate('2026-11-22', { netDays: -1 })).toThrow(DomainError);
    expect(describeTerms(TWO_TEN_NET_30)).toBe('2/10 net 30');
    expect(describeTerms({ netDays: 30 })).toBe('Net 30');
    expect(describeTerms({ netDays: 0 })).toBe('Due on receipt');
  });
});

describe('buildInvoice', () => {
  const build = (extra: Partial<Parameters<typeof buildInvoice>[0]> = {}) =>
    buildInvoice({ order: ORDER, series: 'INV', year: 2026, sequence: 7, issueDate: '2026-11-22', terms: TWO_TEN_NET_30, policy: LINE_POLICY, ...extra });

  it('prices the order, sets the due date and the 2/10 net 30 early-payment amount (known answer)', () => {
    const inv = build({ number: 'INV-2026-000007' });
    // Mugs: 2500 − 500 = 2000 net + 400 VAT; book 899 zero-rated; shipping 499 + 99.8 → 100 VAT.
    expect(inv.totals).toEqual({ gross: 3399, discount: 500, net: 2899, shipping: 499, tax: 500, total: 3898 });
    expect([inv.id, inv.number, inv.series, inv.year, inv.sequence]).toEqual(['INV-2026-000007', 'INV-2026-000007', 'INV', 2026, 7]);
    expect(inv.orderId).toBe('ord_1');
    expect(inv.orderReference).toBe('#1042');
    expect(inv.customerId).toBe('cus_1');
    expect(inv.dueDate).toBe('2026-12-22');
    // 2 % of 3898 = 77.96 → 78.
    expect(inv.earlyPayment).toEqual({ until: '2026-12-02', discount: 78, amountDue: 3820 });
    expect(inv.balance).toBe(3898);
    expect(inv.status).toBe('open');
    expect(inv.lines).toHaveLength(2);
  });

  it('refuses a number that does not match its parts', () => {
    expect(() => build({ number: 'INV-2026-000008' })).toThrow(/does not match/);
  });

  it('has no early-payment offer without a discount in the terms', () => {
    expect(build({ terms: { netDays: 30 } }).earlyPayment).toBeUndefined();
  });

  it('issues a prepaid order as paid', () => {
    const inv = build({ paid: true });
    expect(inv).toMatchObject({ balance: 0, status: 'paid', totals: { total: 3898 } });
    expect(inv.earlyPayment).toBeUndefined();
  });

  it('applies payments up to the balance and knows when it is overdue', () => {
    const inv = build({ terms: { netDays: 30 } });
    const part = applyPaymentToInvoice(inv, 1000);
    expect(part).toMatchObject({ applied: 1000, remainder: 0, invoice: { balance: 2898, status: 'partially_paid' } });
    const rest = applyPaymentToInvoice(part.invoice, 5000);
    expect(rest).toMatchObject({ applied: 2898, remainder: 2102, invoice: { balance: 0, status: 'paid' } });
    expect(applyPaymentToInvoice(rest.invoice, 100)).toMatchObject({ applied: 0, remainder: 100, invoice: { balance: 0, status: 'paid' } });
    expect(isOverdue(inv, '2026-12-22')).toBe(false);
    expect(isOverdue(inv, '2026-12-23')).toBe(true);
    expect(isOverdue(rest.invoice, '2027-06-01')).toBe(false);
    expect(daysPastDue(inv, '2027-01-21')).toBe(30);
    expect(daysPastDue(inv, '2026-12-20')).toBe(-2);
    expect(() => applyPaymentToInvoice(inv, 0)).toThrow(/positive/);
    expect(() => applyPaymentToInvoice(inv, 10.5)).toThrow(DomainError);
    expect(() => applyPaymentToInvoice({ ...inv, status: 'void' }, 10)).toThrow(/void/);
  });

  it('property: a payment never takes the balance below zero and nothing is lost', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.integer({ min: 1, max: 500_000 }), { maxLength: 8 }), (total, payments) => {
        let inv = { balance: total, status: 'open' } as Invoice;
        for (const p of payments) {
          const r = applyPaymentToInvoice(inv, p);
          expect(r.invoice.balance).toBeGreaterThanOrEqual(0);
          expect(r.applied).toBe(Math.min(p, inv.balance));
          expect(r.applied + r.remainder).toBe(p);
          expect(inv.balance - r.invoice.balance).toBe(r.applied);
          expect(r.invoice.status).toBe(r.invoice.balance === 0 ? 'paid' : r.applied > 0 ? 'partially_paid' : inv.status);
          inv = r.invoice;
        }
      }),
    );
  });
});
