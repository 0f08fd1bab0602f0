/** Returns of bank credits: which payment a return takes back (end-to-end id, entry reference, amount + IBAN within 60 days), and what undoing it does to invoices, the cash and the ledger. */
import { describe, expect, it } from 'vitest';
import { matchReturn, reversePayment, type ReturnablePayment } from '../../../functions/domain/bank-returns.ts';
import { isBalanced } from '../../../functions/domain/ledger.ts';
import type { Invoice } from '../../../functions/domain/model.ts';
import { balanceAsOf, statusAsOf } from '../../../functions/domain/statement.ts';

const IBAN = 'GB82WEST12345698765432';
const pay = (id: string, extra: Partial<ReturnablePayment> = {}): ReturnablePayment => ({
  id,
  externalId: `GB33:${id}`,
  source: 'bank',
  amount: 125000,
  currency: 'GBP',
  receivedOn: '2026-11-30',
  unapplied: 0,
  customerId: 'cus_1',
  payerIban: IBAN,
  endToEndId: `E2E-${id}`,
  entryKey: `BUKB-${id}`,
  allocations: [{ invoiceId: 'INV-1', amount: 125000 }],
  discounts: [],
  ...extra,
});
const ret = (extra: Partial<Parameters<typeof matchReturn>[0]> = {}) => ({ amount: 125000, currency: 'GBP', bookingDate: '2026-12-02', counterpartyIban: 'GB82 WEST 1234 5698 7654 32', ...extra });

describe('matchReturn', () => {
  it('by the end-to-end id the return quotes, whatever the amount', () => {
    expect(matchReturn(ret({ endToEndId: 'E2E-b', amount: 1 }), [pay('a'), pay('b')])).toMatchObject({ kind: 'matched', payment: { id: 'b' }, by: 'end-to-end-id' });
  });
  it('by the entry reference quoted in the remittance or reference', () => {
    expect(matchReturn(ret({ remittance: 'Return of BUKB-b AC04' }), [pay('a'), pay('b')])).toMatchObject({ kind: 'matched', payment: { id: 'b' }, by: 'entry-reference' });
    expect(matchReturn(ret({ reference: 'bukb-a' }), [pay('a'), pay('b', { amount: 5 })])).toMatchObject({ payment: { id: 'a' }, by: 'entry-reference' });
  });
  it('else the one payment of the amount from the IBAN within 60 days; a second one makes it unmatched', () => {
    expect(matchReturn(ret(), [pay('a'), pay('b', { amount: 999 })])).toMatchObject({ kind: 'matched', payment: { id: 'a' }, by: 'amount-and-iban' });
    expect(matchReturn(ret(), [pay('a'), pay('b')])).toMatchObject({ kind: 'unmatched', reason: expect.stringMatching(/2 payments/) });
  });
  it('not: older than 60 days, another IBAN, another currency, returned already, after the return, not a bank payment, no IBAN at all', () => {
    expect(matchReturn(ret({ bookingDate: '2027-01-29' }), [pay('a')])).toMatchObject({ kind: 'matched' }); // 60 days after 2026-11-30
    expect(matchReturn(ret({ bookingDate: '2027-01-30' }), [pay('a')]).kind).toBe('unmatched');
    expect(matchReturn(ret({ counterpartyIban: 'DE89370400440532013000' }), [pay('a')]).kind).toBe('unmatched');
    expect(matchReturn(ret({ currency: 'EUR' }), [pay('a')]).kind).toBe('unmatched');
    expect(matchReturn(ret({ endToEndId: 'E2E-a' }), [pay('a', { returned: { on: '2026-12-01', entryKey: 'X' } })]).kind).toBe('unmatched');
    expect(matchReturn(ret({ bookingDate: '2026-11-29' }), [pay('a')]).kind).toBe('unmatched');
    expect(matchReturn(ret(), [pay('a', { source: 'stripe' })]).kind).toBe('unmatched');
    expect(matchReturn(ret({ counterpartyIban: undefined }), [pay('a')])).toMatchObject({ kind: 'unmatched', reason: expect.stringMatching(/names no payer account/) });
  });
});

const invoice = (number: string, total: number, balance: number, extra: Partial<Invoice> = {}): Invoice =>
  ({ number, id: number, customerId: 'cus_1', currency: 'GBP', issueDate: '2026-11-01', dueDate: '2026-12-01', totals: { net: total, tax: 0, shipping: 0, total }, balance, status: balance === 0 ? 'paid' : balance < total ? 'partially_paid' : 'open', history: [], ...extra }) as unknown as Invoice;

describe('reversePayment', () => {
  it('gives each invoice back what the payment settled (at arrival, from its unapplied cash later, the discount), takes the unapplied rest; the entry balances', () => {
    const p = pay('a', { amount: 100000, allocations: [{ invoiceId: 'INV-1', amount: 60000 }], discounts: [{ invoiceId: 'INV-1', amount: 1000 }], unapplied: 15000, applications: [{ on: '2026-12-01', kind: 'allocation', amount: 25000, invoiceNumber: 'INV-2' }] });
    const inv1 = invoice('INV-1', 61000, 0, { history: [{ on: '2026-11-30', kind: 'payment', amount: 60000, ref: 'a' }, { on: '2026-11-30', kind: 'discount', amount: 1000, ref: 'a' }] });
    const inv2 = invoice('INV-2', 40000, 15000, { history: [{ on: '2026-12-01', kind: 'payment', amount: 25000, ref: 'a' }] });
    const d = reversePayment(p, [inv1, inv2], { entryKey: 'R1', amount: 100000, currency: 'GBP' }, '2026-12-03');
    if (d.kind !== 'reverse') throw new Error(d.reason);
    expect(d.plan.reopened.map((r) => [r.invoice.number, r.balance, r.status, r.event])).toEqual([
      ['INV-1', 61000, 'open', { on: '2026-12-03', kind: 'reversal', amount: -61000, ref: 'return:a' }],
      ['INV-2', 40000, 'open', { on: '2026-12-03', kind: 'reversal', amount: -25000, ref: 'return:a' }],
    ]);
    expect(d.plan.entry.lines).toEqual([
      { account: 'accounts_receivable', side: 'debit', amount: 86000 },
      { account: 'unapplied_cash', side: 'debit', amount: 15000 },
      { account: 'cash', side: 'credit', amount: 100000 },
      { account: 'sales_discounts', side: 'credit', amount: 1000 },
    ]);
    expect(isBalanced(d.plan.entry)).toBe(true);
    expect(d.plan.paymentEvent).toEqual({ on: '2026-12-03', kind: 'return', amount: 15000, reason: 'returned by the bank (R1)' });
    // The statement as of before the return still shows INV-1 paid; as of the return, open again.
    const after = { ...inv1, balance: 61000, status: 'open' as const, history: [...inv1.history!, d.plan.reopened[0]!.event] };
    expect([balanceAsOf(after, '2026-12-02'), statusAsOf(after, '2026-12-02')]).toEqual([0, 'paid']);
    expect([balanceAsOf(after, '2026-12-03'), statusAsOf(after, '2026-12-03')]).toEqual([61000, 'open']);
    expect([balanceAsOf(after, '2026-11-29'), statusAsOf(after, '2026-11-29')]).toEqual([61000, 'open']);
  });

  it('another payment still on the invoice leaves it partially paid', () => {
    const d = reversePayment(pay('a', { amount: 30000, allocations: [{ invoiceId: 'INV-1', amount: 30000 }] }), [invoice('INV-1', 50000, 0)], { entryKey: 'R', amount: 30000, currency: 'GBP' }, '2026-12-03');
    expect(d).toMatchObject({ kind: 'reverse', plan: { reopened: [{ balance: 30000, status: 'partially_paid' }] } });
  });

  it('refuses what finance must decide: a partial return, a payment partly paid back, an invoice written off since', () => {
    expect(reversePayment(pay('a'), [invoice('INV-1', 125000, 0)], { entryKey: 'R', amount: 100, currency: 'GBP' }, '2026-12-03')).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/not the whole payment/) });
    const refunded = pay('a', { amount: 125000, allocations: [], unapplied: 100000, applications: [{ on: '2026-12-01', kind: 'refund', amount: 25000 }] });
    expect(reversePayment(refunded, [], { entryKey: 'R', amount: 125000, currency: 'GBP' }, '2026-12-03')).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/paid back/) });
    expect(reversePayment(pay('a'), [invoice('INV-1', 125000, 0, { status: 'written_off' })], { entryKey: 'R', amount: 125000, currency: 'GBP' }, '2026-12-03')).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/written off/) });
  });
});
