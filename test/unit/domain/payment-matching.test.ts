import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Invoice, Payment } from '../../../functions/domain/model.ts';
import { matchPayment, quotedInvoiceNumbers, referenceReading } from '../../../functions/domain/payment-matching.ts';

type Open = Parameters<typeof matchPayment>[1][number];
const inv = (n: number, balance: number, extra: Partial<Invoice> = {}): Open => ({
  id: `INV-2026-${String(n).padStart(6, '0')}`,
  number: `INV-2026-${String(n).padStart(6, '0')}`,
  currency: 'GBP',
  balance,
  customerId: 'cus_1',
  ...extra,
});
const pay = (amount: number, extra: Partial<Payment> = {}): Payment => ({ id: 'p', source: 'bank', externalId: 'x', amount, currency: 'GBP', receivedOn: '2026-11-25', ...extra });

describe('matching by structured payment reference', () => {
  const RF = referenceReading('rf', 'INV');
  const INV42 = 'INV-2026-000042';

  it('reads the RF reference of an invoice (RF54INV2026000042) as printed, compact or in lower case, in the remittance or the payer reference', () => {
    for (const remittance of ['RF54 INV2 0260 0004 2', 'RF54INV2026000042', 'rf54 inv2 0260 0004 2', 'Payment RF54 INV2 0260 0004 2 thank you', 'ref:RF54INV2026000042.']) {
      expect(matchPayment(pay(1000, { remittance }), [inv(41, 500), inv(42, 1000)], RF), remittance).toEqual({ allocations: [{ invoiceId: INV42, amount: 1000 }], discounts: [], unapplied: 0, reason: 'reference' });
    }
    expect(matchPayment(pay(1000, { payerReference: 'RF54INV2026000042' }), [inv(42, 1000)], RF)).toMatchObject({ allocations: [{ invoiceId: INV42 }], reason: 'reference' });
  });

  it('does not match a reference whose check digits are wrong (a digit mistyped or two swapped)', () => {
    for (const remittance of ['RF55 INV2 0260 0004 2', 'RF54 INV2 0260 0004 3', 'RF54 INV2 0260 0040 2', 'RF45 INV2 0260 0004 2']) {
      expect(quotedInvoiceNumbers({ remittance }, RF), remittance).toEqual([]);
      expect(matchPayment(pay(1000, { remittance }), [inv(42, 1000), inv(43, 1000)], RF).reason, remittance).toBe('none');
    }
  });

  it('reads the configured national scheme besides RF, and only when it is configured', () => {
    const fi = referenceReading('fi', 'INV');
    expect(fi).toEqual({ series: 'INV', schemes: ['rf', 'fi'] });
    // Finnish 2026 000042 + check digit 2, printed in groups of five
    expect(matchPayment(pay(1000, { remittance: 'viite 2 02600 00422' }), [inv(42, 1000)], fi)).toMatchObject({ allocations: [{ invoiceId: INV42 }], reason: 'reference' });
    expect(matchPayment(pay(1000, { remittance: 'viite 2 02600 00422' }), [inv(42, 1000)], RF).reason).toBe('none');
    expect(matchPayment(pay(1000, { remittance: 'viite 2 02600 00423' }), [inv(42, 1000)], fi).reason).toBe('none');
    const se = referenceReading('se-ocr', 'INV');
    expect(matchPayment(pay(1000, { payerReference: '202600004222' }), [inv(42, 1000)], se)).toMatchObject({ allocations: [{ invoiceId: INV42 }], reason: 'reference' });
    expect(matchPayment(pay(1000, { remittance: 'RF54INV2026000042' }), [inv(42, 1000)], se)).toMatchObject({ allocations: [{ invoiceId: INV42 }] }); // RF is always read
  });

  it('lists references first, then typed numbers, each invoice once', () => {
    expect(quotedInvoiceNumbers({ remittance: 'INV-2026-000041 and RF54 INV2 0260 0004 2', payerReference: 'INV-2026-000042' }, RF)).toEqual([INV42, 'INV-2026-000041']);
    expect(quotedInvoiceNumbers({ remittance: 'RF54 INV2 0260 0004 2' })).toEqual([]); // without a reading only numbers count
  });
});

describe('matchPayment', () => {
  it('follows quoted invoice numbers in the order mentioned, leaving the rest unapplied', () => {
    const r = matchPayment(pay(1500, { remittance: 'INV-2026-000002 / INV-2026-000001' }), [inv(1, 1000), inv(2, 700)]);
    expect(r).toEqual({ allocations: [{ invoiceId: 'INV-2026-000002', amount: 700 }, { invoiceId: 'INV-2026-000001', amount: 800 }], discounts: [], unapplied: 0, reason: 'reference' });
    expect(matchPayment(pay(2000, { payerReference: 'inv 2026 000001' }), [inv(1, 1000)])).toMatchObject({ allocations: [{ amount: 1000 }], unapplied: 1000, reason: 'reference' });
    // a quoted number that is not open (already paid, or someone else's typo) does not count
    expect(matchPayment(pay(700, { remittance: 'INV-2026-000009', customerId: 'cus_1' }), [inv(1, 1000), inv(2, 700)])).toMatchObject({ reason: 'amount', allocations: [{ invoiceId: 'INV-2026-000002' }] });
  });

  it('matches the single exact amount of the customer, and only a single one', () => {
    expect(matchPayment(pay(700, { customerId: 'cus_1' }), [inv(1, 1000), inv(2, 700)])).toMatchObject({ reason: 'amount', allocations: [{ invoiceId: 'INV-2026-000002', amount: 700 }], unapplied: 0 });
    expect(matchPayment(pay(700, { customerId: 'cus_1' }), [inv(1, 700), inv(2, 700)]).reason).toBe('none');
    expect(matchPayment(pay(700, { customerId: 'cus_2' }), [inv(2, 700)]).reason).toBe('none');
    expect(matchPayment(pay(700), [inv(2, 700)]).reason).toBe('none');
  });

  it('takes an early-payment discount only in time', () => {
    const early = inv(3, 1000, { earlyPayment: { until: '2026-11-30', discount: 20, amountDue: 980 } });
    expect(matchPayment(pay(980, { customerId: 'cus_1' }), [early])).toMatchObject({ allocations: [{ amount: 980 }], discounts: [{ amount: 20 }], unapplied: 0, reason: 'amount' });
    expect(matchPayment(pay(980, { customerId: 'cus_1', receivedOn: '2026-11-30' }), [early]).discounts).toEqual([{ invoiceId: early.id, amount: 20 }]);
    expect(matchPayment(pay(980, { customerId: 'cus_1', receivedOn: '2026-12-01' }), [early]).reason).toBe('none');
    // quoted and paid in time: the discount too; paid late: a part payment
    expect(matchPayment(pay(980, { remittance: 'INV-2026-000003' }), [early]).discounts).toEqual([{ invoiceId: early.id, amount: 20 }]);
    expect(matchPayment(pay(980, { remittance: 'INV-2026-000003', receivedOn: '2026-12-05' }), [early])).toMatchObject({ allocations: [{ amount: 980 }], discounts: [] });
  });

  it('never allocates across currencies', () => {
    expect(matchPayment(pay(1000, { currency: 'EUR', remittance: 'INV-2026-000001' }), [inv(1, 1000)])).toEqual({ allocations: [], discounts: [], unapplied: 1000, reason: 'none' });
    expect(matchPayment(pay(1000, { currency: 'EUR', customerId: 'cus_1' }), [inv(1, 1000)]).reason).toBe('none');
  });

  it('property: nothing is lost, nothing is over-applied, currencies never mix', () => {
    const arbInvoices = fc.uniqueArray(
      fc.record({ n: fc.integer({ min: 1, max: 30 }), balance: fc.integer({ min: 0, max: 5_000 }), currency: fc.constantFrom('GBP', 'EUR'), customerId: fc.constantFrom('cus_1', 'cus_2') }),
      { selector: (r) => r.n, maxLength: 10 },
    ).map((rs) => rs.map((r) => inv(r.n, r.balance, { currency: r.currency, customerId: r.customerId })));
    fc.assert(
      fc.property(
        arbInvoices,
        fc.integer({ min: 1, max: 20_000 }),
        fc.constantFrom('GBP', 'EUR'),
        fc.array(fc.integer({ min: 1, max: 35 }), { maxLength: 4 }),
        fc.option(fc.constantFrom('cus_1', 'cus_2'), { nil: undefined }),
        (invoices, amount, currency, quoted, customerId) => {
          const remittance = quoted.map((n) => `INV-2026-${String(n).padStart(6, '0')}`).join(', ');
          const r = matchPayment(pay(amount, { currency, remittance, ...(customerId ? { customerId } : {}) }), invoices);
          expect(r.allocations.reduce((a, x) => a + x.amount, 0) + r.unapplied).toBe(amount);
          expect(r.unapplied).toBeGreaterThanOrEqual(0);
          expect(new Set(r.allocations.map((a) => a.invoiceId)).size).toBe(r.allocations.length);
          for (const a of r.allocations) {
            const target = invoices.find((i) => i.id === a.invoiceId)!;
            expect(target.currency).toBe(currency);
            expect(a.amount).toBeGreaterThan(0);
            expect(a.amount).toBeLessThanOrEqual(target.balance);
          }
          if (r.reason === 'none') expect(r.allocations).toEqual([]);
          if (r.reason === 'amount') expect(r.allocations).toHaveLength(1);
        },
      ),
      { numRuns: 500 },
    );
  });
});
