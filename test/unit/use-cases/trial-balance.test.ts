/**
 * The trial balance: movements summed per account and currency, as of a day,
 * balanced because every entry is (known answer for an invoice, a partial
 * payment and a credit note; later entries excluded by as-of).
 */
import { describe, expect, it } from 'vitest';
import { ledgerMovements, trialBalanceOf } from '../../../functions/domain/ledger.ts';
import { issueCreditNote } from '../../../functions/use-cases/adjust-invoice.ts';
import { applyPayment } from '../../../functions/use-cases/apply-payment.ts';
import { issueInvoice } from '../../../functions/use-cases/issue-invoice.ts';
import { trialBalanceAsOf } from '../../../functions/use-cases/trial-balance.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { world } from './fixtures.ts';

describe('trial balance', () => {
  it('sums what each entry moves per account and side (domain)', () => {
    const entry = { id: 'e', date: '2026-11-22', currency: 'GBP', memo: '', reference: '', lines: [
      { account: 'accounts_receivable' as const, side: 'debit' as const, amount: 3898 },
      { account: 'revenue' as const, side: 'credit' as const, amount: 2899 },
      { account: 'shipping_revenue' as const, side: 'credit' as const, amount: 499 },
      { account: 'tax_payable' as const, side: 'credit' as const, amount: 500 },
    ] };
    expect(ledgerMovements(entry)).toEqual({ 'accounts_receivable.debit': 3898, 'revenue.credit': 2899, 'shipping_revenue.credit': 499, 'tax_payable.credit': 500 });
    const [gbp] = trialBalanceOf(new Map([['GBP', ledgerMovements(entry)]]));
    expect(gbp).toMatchObject({ currency: 'GBP', debits: 3898, credits: 3898, balanced: true });
    expect(gbp!.lines.map((l) => l.account)).toEqual(['accounts_receivable', 'tax_payable', 'revenue', 'shipping_revenue']); // chart order
  });

  it('after an invoice, a partial payment and a credit note: receivables 3898 − 1000 − 1200 = 1698 as of the last day, balanced; an earlier day shows only the invoice', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1'));
    w.putOrder(testOrder('ord_1', 'shipped'));
    const { invoiceNumber } = await issueInvoice({ orderId: 'ord_1' }, w.deps); // issued 2026-11-22
    await applyPayment({ id: 'pay_1', source: 'manual', externalId: 'CHQ-1', amount: 1000, currency: 'GBP', receivedOn: '2026-11-25', remittance: invoiceNumber }, w.deps);
    w.clock.set('2026-11-26T10:00:00Z');
    await issueCreditNote({ invoiceNumber, amount: { amount: 1200, currency: 'GBP' }, reason: 'broken mug' }, 'finance key', w.deps);

    const last = await trialBalanceAsOf({ asOf: '2026-11-30' }, w.deps);
    expect(last.balanced).toBe(true);
    const ar = last.currencies[0]!.accounts.find((a) => a.account === 'accounts_receivable')!;
    expect(ar).toEqual({ account: 'accounts_receivable', debit: { amount: 3898, currency: 'GBP' }, credit: { amount: 2200, currency: 'GBP' }, balance: { amount: 1698, currency: 'GBP' } });
    expect(last.currencies[0]!.accounts.find((a) => a.account === 'cash')!.balance.amount).toBe(1000);

    const first = await trialBalanceAsOf({ asOf: '2026-11-22' }, w.deps);
    expect(first.currencies[0]!.accounts.find((a) => a.account === 'accounts_receivable')!.balance.amount).toBe(3898);
    expect(first.currencies[0]!.accounts.some((a) => a.account === 'cash')).toBe(false);
    expect((await trialBalanceAsOf({ asOf: '2026-11-21' }, w.deps)).currencies).toEqual([]);
  });
});
