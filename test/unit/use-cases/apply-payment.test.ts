/** apply-payment: the matching cascade (references, quoted numbers, exact amounts, early discounts, deductions, proposals when unsure), unapplied cash, once per payment id, guarded by the balances read. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBalanced } from '../../../functions/domain/ledger.ts';
import type { Invoice, Payment, PaymentTerms } from '../../../functions/domain/model.ts';
import { priceOrder } from '../../../functions/domain/pricing.ts';
import { PaymentConflict } from '../../../functions/errors.ts';
import { applyPayment } from '../../../functions/use-cases/apply-payment.ts';
import { TEST_COMPANY } from '../../support/memory.ts';
import { testOrder } from '../../support/orders.ts';
import { invoiceFor, world } from './fixtures.ts';

const INV1 = 'INV-2026-000001';
const INV2 = 'INV-2026-000002';
const TWO_TEN_NET_30: PaymentTerms = { netDays: 30, discount: { ratePpm: 20_000, days: 10 } };

/** An invoice of `total` (one zero-rated line) for cus_1, issued 2026-11-22, due 2026-12-22. */
function invoiceOf(sequence: number, total: number, options: Parameters<typeof invoiceFor>[1] = {}): Invoice {
  const lines = [{ sku: 'X', description: 'x', quantity: 1, unitPrice: total, discount: 0, taxRatePpm: 0 }];
  const order = testOrder(`ord_${sequence}`, 'invoiced', { lines, shipping: undefined, totals: priceOrder(lines, undefined, TEST_COMPANY.taxPolicy).totals });
  return invoiceFor(order, { sequence, ...options });
}

const payment = (extra: Partial<Payment> = {}): Payment => ({
  id: 'pay_1',
  source: 'bank',
  externalId: 'bank-1',
  amount: 3898,
  currency: 'GBP',
  receivedOn: '2026-11-25',
  remittance: `${INV1} thanks`,
  ...extra,
});

function withInvoices(...invoices: Invoice[]) {
  const w = world();
  for (const i of invoices) w.putInvoice(i);
  return w;
}

describe('applyPayment', () => {
  it('settles the invoice quoted in the remittance: balance 0, paid, the entry, the aggregates on the day received', async () => {
    const w = withInvoices(invoiceFor(testOrder('ord_1', 'invoiced')));
    expect(await applyPayment(payment(), w.deps)).toEqual({ applied: true, matchedBy: 'invoice-number', confidence: 0.98, auto: true, unapplied: 0 });
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 0, status: 'paid' });
    expect(w.state.payments.get('pay_1')).toMatchObject({ allocations: [{ invoiceId: INV1, amount: 3898 }], discounts: [], unapplied: 0, appliedAt: '2026-11-22T10:00:00.000Z', match: { matchedBy: 'invoice-number', auto: true, evidence: [expect.stringContaining(INV1), expect.any(String)] } });
    const entry = w.state.journal.get('pay-pay_1')!;
    expect(entry).toMatchObject({ date: '2026-11-25', currency: 'GBP', reference: 'payment:pay_1' });
    expect(entry.lines).toEqual([
      { account: 'cash', side: 'debit', amount: 3898 },
      { account: 'accounts_receivable', side: 'credit', amount: 3898 },
    ]);
    // Paid before its due date: AR and current AR fall that day (zeros are not written).
    expect(w.state.aggregates.get('2026-11-25|GBP')).toEqual({ collections: 3898, 'collected.bank': 3898, ar: -3898, arCurrent: -3898, paymentsReceived: 1, paymentsAutoMatched: 1 });
    expect(w.state.counted).toEqual({ PaymentsApplied: 1 });
    expect(w.state.logged).toEqual([]);
  });

  it('settles INV-2026-000042 from a bank payment quoting only its RF reference RF54 INV2 0260 0004 2 (no customer given: the invoice names it)', async () => {
    const w = withInvoices(invoiceOf(41, 2000), invoiceOf(42, 2500));
    expect(w.state.invoices.get('INV-2026-000042')?.paymentReference).toBe('RF54INV2026000042');
    const r = await applyPayment(payment({ amount: 2500, remittance: 'RF54 INV2 0260 0004 2' }), w.deps);
    expect(r).toMatchObject({ applied: true, matchedBy: 'rf-reference', confidence: 1, auto: true, unapplied: 0 });
    expect(w.state.invoices.get('INV-2026-000042')).toMatchObject({ balance: 0, status: 'paid' });
    expect(w.state.invoices.get('INV-2026-000041')).toMatchObject({ balance: 2000, status: 'open' });
    expect(w.state.payments.get('pay_1')).toMatchObject({ customerId: 'cus_1', allocations: [{ invoiceId: 'INV-2026-000042', amount: 2500 }] });
  });

  it('does not match by a reference with a wrong check digit: the cash stays unapplied and the invoice open', async () => {
    const w = withInvoices(invoiceOf(42, 2500));
    expect(await applyPayment(payment({ amount: 2500, remittance: 'RF55 INV2 0260 0004 2' }), w.deps)).toMatchObject({ applied: true, matchedBy: 'none', unapplied: 2500 });
    expect(w.state.invoices.get('INV-2026-000042')).toMatchObject({ balance: 2500, status: 'open' });
  });

  it('reads the configured national reference (Swedish OCR 202600004222) in the payer reference', async () => {
    const w = withInvoices(invoiceOf(42, 2500));
    const deps = { ...w.deps, company: { ...TEST_COMPANY, paymentReferenceScheme: 'se-ocr' as const } };
    expect(await applyPayment(payment({ amount: 2500, remittance: undefined, payerReference: '2026 0000 4222' }), deps)).toMatchObject({ applied: true, matchedBy: 'rf-reference', auto: true, unapplied: 0 });
    expect(w.state.invoices.get('INV-2026-000042')).toMatchObject({ balance: 0, status: 'paid' });
  });

  it('reads a number typed loosely by the payer ("inv 2026 000001"); a short payment beyond the tolerance leaves the invoice partly paid and opens a deduction case for the rest, once', async () => {
    const w = withInvoices(invoiceFor(testOrder('ord_1', 'invoiced')));
    expect(await applyPayment(payment({ amount: 1000, remittance: undefined, payerReference: 'inv 2026 000001' }), w.deps)).toMatchObject({ applied: true, matchedBy: 'invoice-number', auto: true, unapplied: 0 });
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 2898, status: 'partially_paid', disputed: 2898 });
    const [deduction] = [...w.state.disputes.values()];
    expect(deduction).toMatchObject({ invoiceNumber: INV1, amount: 2898, status: 'open', reason: 'short-payment: payment bank-1 paid less than was due' });
    await applyPayment(payment({ amount: 1000, remittance: undefined, payerReference: 'inv 2026 000001' }), w.deps); // redelivered
    expect(w.state.disputes.size).toBe(1);
  });

  it('without a reference, settles the one open invoice of the customer whose balance is exactly the amount', async () => {
    const w = withInvoices(invoiceOf(1, 3898), invoiceOf(2, 5000));
    expect(await applyPayment(payment({ amount: 5000, remittance: undefined, customerId: 'cus_1' }), w.deps)).toMatchObject({ applied: true, matchedBy: 'amount', auto: true, unapplied: 0 });
    expect([w.state.invoices.get(INV1)?.balance, w.state.invoices.get(INV2)?.balance]).toEqual([3898, 0]);
  });

  it('two open invoices have the amount: nothing applied, the older proposed below the confidence threshold, for finance to confirm', async () => {
    const w = withInvoices(invoiceOf(1, 5000), invoiceOf(2, 5000));
    expect(await applyPayment(payment({ amount: 5000, remittance: undefined, customerId: 'cus_1' }), w.deps)).toMatchObject({ applied: true, matchedBy: 'amount', auto: false, unapplied: 5000 });
    expect(w.state.payments.get('pay_1')?.match).toMatchObject({ auto: false, proposal: { applications: [{ invoiceNumber: INV1, amount: 5000 }] } });
    expect([w.state.invoices.get(INV1)?.balance, w.state.invoices.get(INV2)?.balance]).toEqual([5000, 5000]);
    expect(w.state.journal.get('pay-pay_1')?.lines).toEqual([
      { account: 'cash', side: 'debit', amount: 5000 },
      { account: 'unapplied_cash', side: 'credit', amount: 5000 },
    ]);
    expect(w.state.counted).toEqual({ PaymentsProposed: 1 });
    expect(w.state.logged).toEqual([{ message: 'unapplied cash', fields: { paymentId: 'pay_1', unapplied: 5000, matchedBy: 'amount', confidence: 0.85, auto: false } }]);
  });

  it('takes the early-payment discount when the discounted amount comes within the window', async () => {
    const w = withInvoices(invoiceFor(testOrder('ord_1', 'invoiced'), { terms: TWO_TEN_NET_30 })); // 3,898: pay 3,820 by 2026-12-02
    expect(await applyPayment(payment({ amount: 3820, receivedOn: '2026-12-02' }), w.deps)).toMatchObject({ applied: true, matchedBy: 'invoice-number', auto: true, unapplied: 0 });
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 0, status: 'paid' });
    expect(w.state.payments.get('pay_1')).toMatchObject({ allocations: [{ invoiceId: INV1, amount: 3820 }], discounts: [{ invoiceId: INV1, amount: 78 }] });
    expect(w.state.journal.get('pay-pay_1')?.lines).toEqual([
      { account: 'cash', side: 'debit', amount: 3820 },
      { account: 'sales_discounts', side: 'debit', amount: 78 },
      { account: 'accounts_receivable', side: 'credit', amount: 3898 },
    ]);
  });

  it('takes no discount after the window: the discount taken late is a deduction case, not a silent balance', async () => {
    const w = withInvoices(invoiceFor(testOrder('ord_1', 'invoiced'), { terms: TWO_TEN_NET_30 }));
    await applyPayment(payment({ amount: 3820, receivedOn: '2026-12-03' }), w.deps);
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 78, status: 'partially_paid', disputed: 78 });
    expect(w.state.payments.get('pay_1')?.discounts).toEqual([]);
  });

  it('keeps what is paid beyond the balance as unapplied cash', async () => {
    const w = withInvoices(invoiceFor(testOrder('ord_1', 'invoiced')));
    expect(await applyPayment(payment({ amount: 5000 }), w.deps)).toMatchObject({ applied: true, matchedBy: 'invoice-number', auto: true, unapplied: 1102 });
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 0, status: 'paid' });
    expect(w.state.journal.get('pay-pay_1')?.lines).toEqual([
      { account: 'cash', side: 'debit', amount: 5000 },
      { account: 'accounts_receivable', side: 'credit', amount: 3898 },
      { account: 'unapplied_cash', side: 'credit', amount: 1102 },
    ]);
    expect(w.state.aggregates.get('2026-11-25|GBP')).toEqual({ collections: 3898, unappliedCash: 1102, 'collected.bank': 3898, ar: -3898, arCurrent: -3898, paymentsReceived: 1, paymentsAutoMatched: 1 });
    expect(w.state.logged).toEqual([{ message: 'unapplied cash', fields: { paymentId: 'pay_1', unapplied: 1102, matchedBy: 'invoice-number', confidence: 0.98, auto: true } }]);
  });

  it("remembers the payer's IBAN only for a customer known for sure: a quoted invoice yes, a guess from the payer's name no", async () => {
    const w = withInvoices(invoiceOf(1, 5000), invoiceOf(2, 7000));
    w.state.customers.set('cus_1', { ...w.state.customers.get('cus_1')!, name: 'Northwind Traders Ltd' });
    const byName = 'GB82WEST12345698765432';
    // No reference, no known IBAN: the customer is found by the payer's name only.
    const guessed = await applyPayment(payment({ id: 'pay_n', externalId: 'bank-n', amount: 5000, remittance: undefined, payerName: 'NORTHWIND TRADERS LIMITED', payerIban: byName }), w.deps);
    expect(w.state.payments.get('pay_n')?.match?.customerBy).toBe('name');
    expect(guessed.unapplied + (w.state.payments.get('pay_n')?.allocations.reduce((a, x) => a + x.amount, 0) ?? 0)).toBe(5000);
    expect(await w.deps.payers.customerOfIban(byName)).toBeUndefined();
    // The same account quoting an invoice: now it is known whose account it is.
    await applyPayment(payment({ id: 'pay_q', externalId: 'bank-q', amount: 7000, remittance: 'INV-2026-000002', payerName: 'Northwind', payerIban: byName }), w.deps);
    expect(await w.deps.payers.customerOfIban(byName)).toBe('cus_1');
  });

  it('applies a payment id once: a redelivery changes nothing', async () => {
    const w = withInvoices(invoiceOf(1, 10_000));
    await applyPayment(payment({ amount: 3000 }), w.deps);
    expect(await applyPayment(payment({ amount: 3000 }), w.deps)).toMatchObject({ applied: false, matchedBy: 'duplicate', unapplied: 0 });
    expect(w.state.invoices.get(INV1)?.balance).toBe(7000);
    expect(w.state.journal.size).toBe(1);
    expect(w.state.aggregates.get('2026-11-25|GBP')).toEqual({ collections: 3000, 'collected.bank': 3000, ar: -3000, arCurrent: -3000, deductions: 7000, paymentsReceived: 1, paymentsAutoMatched: 1 });
    expect(w.state.counted).toEqual({ PaymentsApplied: 1 });
  });

  it('fails with PaymentConflict, writing nothing, when the balance changed underneath; the retry applies to the new balance', async () => {
    const w = withInvoices(invoiceFor(testOrder('ord_1', 'invoiced')));
    const openOfCustomer = w.deps.invoices.openOfCustomer;
    const racing = {
      ...w.deps,
      invoices: {
        ...w.deps.invoices,
        openOfCustomer: async (customerId: string) => {
          const read = await openOfCustomer(customerId); // the last read before the write
          w.putInvoice({ ...w.state.invoices.get(INV1)!, balance: 1898, status: 'partially_paid' }); // another payment of 2,000 lands meanwhile
          return read;
        },
      },
    };
    await expect(applyPayment(payment(), racing)).rejects.toBeInstanceOf(PaymentConflict);
    expect(w.state.payments.size + w.state.journal.size + w.state.aggregates.size).toBe(0);
    expect(w.state.invoices.get(INV1)?.balance).toBe(1898);
    expect(w.state.counted).toEqual({});

    expect(await applyPayment(payment(), w.deps)).toMatchObject({ applied: true, matchedBy: 'invoice-number', unapplied: 2000 });
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 0, status: 'paid' });
  });

  it('property: a payment never makes a balance negative, its entry balances, and what it settles plus what is unapplied is what came in', async () => {
    const arbInvoice = fc.record({
      total: fc.integer({ min: 1, max: 20_000 }),
      paidPpm: fc.constantFrom(0, 0, 250_000, 1_000_000),
      discount: fc.boolean(),
      currency: fc.constantFrom('GBP', 'GBP', 'EUR'),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(arbInvoice, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 40_000 }),
        fc.subarray([1, 2, 3, 4]),
        fc.boolean(),
        fc.integer({ min: 0, max: 40 }),
        async (specs, amount, quoted, known, daysAfter) => {
          const invoices = specs.map((s, i) => {
            const inv = invoiceOf(i + 1, s.total, { currency: s.currency, ...(s.discount ? { terms: TWO_TEN_NET_30 } : {}) });
            const balance = inv.totals.total - Math.floor((inv.totals.total * s.paidPpm) / 1_000_000);
            return balance === inv.totals.total ? inv : { ...inv, balance, status: balance === 0 ? ('paid' as const) : ('partially_paid' as const) };
          });
          const w = withInvoices(...invoices);
          const before = new Map(invoices.map((i) => [i.number, i.balance]));
          const receivedOn = new Date(Date.UTC(2026, 10, 22 + daysAfter)).toISOString().slice(0, 10);
          const remittance = quoted.map((q) => `INV-2026-${String(q).padStart(6, '0')}`).join(', ');
          const result = await applyPayment(payment({ amount, receivedOn, remittance, ...(known ? { customerId: 'cus_1' } : {}) }), w.deps);

          expect(result.applied).toBe(true);
          const after = [...w.state.invoices.values()];
          expect(after.every((i) => i.balance >= 0 && i.balance <= i.totals.total)).toBe(true);
          const applied = w.state.payments.get('pay_1')!;
          const sum = (xs: readonly { amount: number }[]) => xs.reduce((a, x) => a + x.amount, 0);
          expect(sum(applied.allocations) + result.unapplied).toBe(amount);
          const settled = after.reduce((a, i) => a + before.get(i.number)! - i.balance, 0);
          expect(settled).toBe(sum(applied.allocations) + sum(applied.discounts));
          expect(after.filter((i) => i.currency !== 'GBP').every((i) => i.balance === before.get(i.number))).toBe(true);
          expect(isBalanced(w.state.journal.get('pay-pay_1')!)).toBe(true);
        },
      ),
      { numRuns: 120 },
    );
  });
});
