/** Confirming a proposal of a bank import: the cash goes to the proposed invoices once, its deduction opens once, who confirmed is audited; the view lists what still waits. */
import { describe, expect, it } from 'vitest';
import type { Invoice, Payment } from '../../../functions/domain/model.ts';
import { priceOrder } from '../../../functions/domain/pricing.ts';
import type { PaymentMatch, StoredBankImport } from '../../../functions/ports.ts';
import { applyPayment } from '../../../functions/use-cases/apply-payment.ts';
import { bankImportView } from '../../../functions/use-cases/bank-import.ts';
import { confirmProposal, rejectProposal } from '../../../functions/use-cases/bank-proposals.ts';
import { TEST_COMPANY } from '../../support/memory.ts';
import { testOrder } from '../../support/orders.ts';
import { invoiceFor, refusal, world } from './fixtures.ts';

const INV1 = 'INV-2026-000001';
const INV2 = 'INV-2026-000002';
const EMPTY_GROUP = { count: 0, totals: [], lines: [] };

function invoiceOf(sequence: number, total: number): Invoice {
  const lines = [{ sku: 'X', description: 'x', quantity: 1, unitPrice: total, discount: 0, taxRatePpm: 0 }];
  const order = testOrder(`ord_${sequence}`, 'invoiced', { lines, shipping: undefined, totals: priceOrder(lines, undefined, TEST_COMPANY.taxPolicy).totals });
  return invoiceFor(order, { sequence });
}

const payment = (extra: Partial<Payment> = {}): Payment => ({ id: 'pay_1', source: 'bank', externalId: 'GB33:E1', amount: 5000, currency: 'GBP', receivedOn: '2026-11-25', customerId: 'cus_1', ...extra });

const importOf = (paymentIds: string[]): StoredBankImport => ({
  importId: 'bi_1',
  fingerprint: 'sha256:x',
  status: 'queued',
  source: { kind: 'api', actor: 'finance key' },
  receivedAt: '2026-11-25T08:00:00.000Z',
  paymentIds,
  format: 'camt.053',
  statements: [],
  entries: paymentIds.length,
  credits: { count: paymentIds.length, totals: [] },
  returns: EMPTY_GROUP,
  fees: EMPTY_GROUP,
  otherDebits: EMPTY_GROUP,
  notApplied: EMPTY_GROUP,
});

/** Two open invoices of 50.00: the cascade proposes the older one (not sure enough to apply it). */
async function proposed() {
  const w = world();
  w.putInvoice(invoiceOf(1, 5000));
  w.putInvoice(invoiceOf(2, 5000));
  await applyPayment(payment(), w.deps);
  w.state.bankImports.set('bi_1', importOf(['pay_1']));
  return w;
}

describe('confirmProposal', () => {
  it('applies the proposal: the invoice is paid, the payment holds nothing, who confirmed is audited; the view no longer lists it', async () => {
    const w = await proposed();
    const before = await bankImportView('bi_1', w.deps);
    expect(before.proposals).toEqual([expect.objectContaining({ paymentId: 'pay_1', amount: { amount: 5000, currency: 'GBP' }, invoices: [{ invoiceNumber: INV1, amount: { amount: 5000, currency: 'GBP' } }], confidence: 0.85, matchedBy: 'amount', evidence: expect.any(Array) })]);

    const r = await confirmProposal({ importId: 'bi_1', paymentId: 'pay_1' }, 'alice@finance', w.deps);
    expect(r).toEqual({ paymentId: 'pay_1', applied: [{ invoiceNumber: INV1, amount: { amount: 5000, currency: 'GBP' } }], unapplied: { amount: 0, currency: 'GBP' }, discountsNotGranted: [] });
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 0, status: 'paid' });
    expect(w.state.invoices.get(INV2)).toMatchObject({ balance: 5000, status: 'open' });
    expect(w.state.payments.get('pay_1')).toMatchObject({ unapplied: 0 });
    expect(w.state.journal.get('alloc-pay_1-1')?.lines).toEqual([
      { account: 'unapplied_cash', side: 'debit', amount: 5000 },
      { account: 'accounts_receivable', side: 'credit', amount: 5000 },
    ]);
    const trail = w.state.audit.filter((a) => a.entity === 'payment:pay_1');
    expect(trail.map((a) => [a.action, a.actor])).toEqual([
      ['payment.allocate', 'alice@finance'],
      ['payment.proposal.confirm', 'alice@finance'],
    ]);
    expect((await bankImportView('bi_1', w.deps)).proposals).toEqual([]);
  });

  it('a second call is a 409 "already applied" and writes nothing', async () => {
    const w = await proposed();
    await confirmProposal({ importId: 'bi_1', paymentId: 'pay_1' }, 'alice@finance', w.deps);
    const journal = w.state.journal.size;
    const audit = w.state.audit.length;
    const r = await refusal(confirmProposal({ importId: 'bi_1', paymentId: 'pay_1' }, 'bob@finance', w.deps));
    expect(r).toMatchObject({ status: 409, code: 'ProposalAlreadyApplied', message: expect.stringMatching(/already applied/) });
    expect([w.state.journal.size, w.state.audit.length]).toEqual([journal, audit]);
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 0 });
  });

  it('a proposal with a deduction opens it as a short-payment dispute, once; a discount is not granted but said', async () => {
    const w = world();
    w.putInvoice(invoiceOf(1, 6000));
    const match: PaymentMatch = {
      matchedBy: 'fuzzy-name',
      confidence: 0.7,
      auto: false,
      reason: 'payer name like the customer',
      evidence: ['payer "Acme" ~ "ACME Ltd"'],
      proposal: { applications: [{ invoiceNumber: INV1, amount: 5000 }], discounts: [{ invoiceNumber: INV1, amount: 100 }], deduction: { invoiceNumber: INV1, amount: 900, reason: 'short' } },
    };
    w.state.payments.set('pay_1', { ...payment(), allocations: [], discounts: [], unapplied: 5000, appliedAt: '2026-11-25T09:00:00.000Z', match });
    w.state.bankImports.set('bi_1', importOf(['pay_1']));
    const r = await confirmProposal({ importId: 'bi_1', paymentId: 'pay_1' }, 'alice@finance', w.deps);
    expect(r.discountsNotGranted).toEqual([expect.objectContaining({ invoiceNumber: INV1, amount: { amount: 100, currency: 'GBP' }, note: expect.stringMatching(/credit note/) })]);
    expect(r.deduction).toMatchObject({ invoiceNumber: INV1, amount: { amount: 900, currency: 'GBP' } });
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 1000, status: 'partially_paid', disputed: 900 });
    expect([...w.state.disputes.values()]).toEqual([expect.objectContaining({ invoiceNumber: INV1, amount: 900, status: 'open', reason: expect.stringMatching(/^short-payment/) })]);
    await refusal(confirmProposal({ importId: 'bi_1', paymentId: 'pay_1' }, 'alice@finance', w.deps));
    expect(w.state.disputes.size).toBe(1);
  });

  it("remembers the payer's IBAN for the customer once finance confirmed a proposal whose customer was only guessed by name", async () => {
    const w = world();
    w.putInvoice(invoiceOf(1, 5000));
    const iban = 'GB82WEST12345698765432';
    const match: PaymentMatch = { matchedBy: 'amount', confidence: 0.8, auto: false, customerBy: 'name', reason: 'payer name like the customer', evidence: [], proposal: { applications: [{ invoiceNumber: INV1, amount: 5000 }], discounts: [] } };
    w.state.payments.set('pay_1', { ...payment({ payerIban: iban }), allocations: [], discounts: [], unapplied: 5000, appliedAt: '2026-11-25T09:00:00.000Z', match });
    w.state.bankImports.set('bi_1', importOf(['pay_1']));
    expect(await w.deps.payers.customerOfIban(iban)).toBeUndefined();
    await confirmProposal({ importId: 'bi_1', paymentId: 'pay_1' }, 'alice@finance', w.deps);
    expect(await w.deps.payers.customerOfIban(iban)).toBe('cus_1');
  });

  it('refuses an item of another import, a payment not matched yet, and one applied automatically (nothing written)', async () => {
    const w = await proposed();
    w.state.bankImports.set('bi_2', importOf(['pay_other']));
    expect(await refusal(confirmProposal({ importId: 'bi_2', paymentId: 'pay_1' }, 'a', w.deps))).toMatchObject({ status: 404, code: 'BankImportItemNotFound' });
    expect(await refusal(confirmProposal({ importId: 'bi_2', paymentId: 'pay_other' }, 'a', w.deps))).toMatchObject({ status: 404, code: 'PaymentNotFound' });
    expect(await refusal(confirmProposal({ importId: 'bi_nope', paymentId: 'pay_1' }, 'a', w.deps))).toMatchObject({ status: 404, code: 'BankImportNotFound' });
    w.putInvoice(invoiceOf(3, 700));
    await applyPayment(payment({ id: 'pay_auto', externalId: 'GB33:E2', amount: 700, remittance: 'INV-2026-000003' }), w.deps);
    w.state.bankImports.set('bi_3', importOf(['pay_auto']));
    expect(await refusal(confirmProposal({ importId: 'bi_3', paymentId: 'pay_auto' }, 'a', w.deps))).toMatchObject({ status: 409, code: 'NoProposal' });
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 5000 });
  });
});

describe('rejectProposal', () => {
  it('applies nothing: the cash stays unapplied on the customer, the view lists it as rejected, who and why are audited', async () => {
    const w = await proposed();
    const journal = w.state.journal.size;
    const r = await rejectProposal({ importId: 'bi_1', paymentId: 'pay_1', reason: 'paid INV-2026-000002, not 1: we asked them' }, 'alice@finance', w.deps);
    expect(r).toEqual({ paymentId: 'pay_1', rejected: { by: 'alice@finance', at: expect.any(String), reason: 'paid INV-2026-000002, not 1: we asked them' }, unapplied: { amount: 5000, currency: 'GBP' }, customerId: 'cus_1' });
    expect(w.state.journal.size).toBe(journal);
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 5000, status: 'open' });
    expect(w.state.payments.get('pay_1')).toMatchObject({ unapplied: 5000, customerId: 'cus_1', match: { rejected: { by: 'alice@finance' } } });
    const view = await bankImportView('bi_1', w.deps);
    expect(view).toMatchObject({ proposals: [], proposed: 0, rejected: 1, unapplied: { count: 1 } });
    expect(w.state.audit.filter((a) => a.entity === 'payment:pay_1').map((a) => [a.action, a.actor, a.reason])).toEqual([['payment.proposal.reject', 'alice@finance', expect.stringMatching(/^paid INV-2026-000002, not 1/)]]);
  });

  it('once: a second reject, and a confirm after it, are 409s that write nothing; a confirmed proposal cannot be rejected', async () => {
    const w = await proposed();
    await rejectProposal({ importId: 'bi_1', paymentId: 'pay_1', reason: 'wrong invoice' }, 'alice@finance', w.deps);
    const audit = w.state.audit.length;
    expect(await refusal(rejectProposal({ importId: 'bi_1', paymentId: 'pay_1', reason: 'again' }, 'bob@finance', w.deps))).toMatchObject({ status: 409, code: 'ProposalAlreadyRejected' });
    expect(await refusal(confirmProposal({ importId: 'bi_1', paymentId: 'pay_1' }, 'bob@finance', w.deps))).toMatchObject({ status: 409, code: 'ProposalRejected' });
    expect(w.state.audit.length).toBe(audit);
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 5000 });

    const confirmed = await proposed();
    await confirmProposal({ importId: 'bi_1', paymentId: 'pay_1' }, 'alice@finance', confirmed.deps);
    expect(await refusal(rejectProposal({ importId: 'bi_1', paymentId: 'pay_1', reason: 'too late' }, 'bob@finance', confirmed.deps))).toMatchObject({ status: 409, code: 'ProposalAlreadyApplied' });
    expect(confirmed.state.payments.get('pay_1')!.match?.rejected).toBeUndefined();
  });

  it('a customer only guessed from the payer name is let go: the cash goes to the unassigned list', async () => {
    const w = world();
    w.putInvoice(invoiceOf(1, 6000));
    const match: PaymentMatch = { matchedBy: 'amount', confidence: 0.8, auto: false, customerBy: 'name', reason: 'payer name like the customer', evidence: [], proposal: { applications: [{ invoiceNumber: INV1, amount: 5000 }], discounts: [] } };
    w.state.payments.set('pay_1', { ...payment(), allocations: [], discounts: [], unapplied: 5000, appliedAt: '2026-11-25T09:00:00.000Z', match });
    w.state.bankImports.set('bi_1', importOf(['pay_1']));
    const r = await rejectProposal({ importId: 'bi_1', paymentId: 'pay_1', reason: 'not this customer' }, 'alice@finance', w.deps);
    expect(r.customerId).toBeUndefined();
    expect(w.state.payments.get('pay_1')!.customerId).toBeUndefined();
    expect((await w.deps.payments.unassigned()).map((p) => p.id)).toEqual(['pay_1']);
  });

  it('refuses a payment without a proposal and one applied automatically', async () => {
    const w = await proposed();
    w.putInvoice(invoiceOf(3, 700));
    await applyPayment(payment({ id: 'pay_auto', externalId: 'GB33:E2', amount: 700, remittance: 'INV-2026-000003' }), w.deps);
    w.state.bankImports.set('bi_3', importOf(['pay_auto']));
    expect(await refusal(rejectProposal({ importId: 'bi_3', paymentId: 'pay_auto', reason: 'x' }, 'a', w.deps))).toMatchObject({ status: 409, code: 'NoProposal' });
    expect(await refusal(rejectProposal({ importId: 'bi_1', paymentId: 'pay_x', reason: 'x' }, 'a', w.deps))).toMatchObject({ status: 404 });
  });
});
