/** A return in a later bank file takes back the credit o2c applied: the invoice is open again, the ledger and the statement say so, once per return entry; an unmatched return stays listed. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isBalanced } from '../../../functions/domain/ledger.ts';
import type { Invoice } from '../../../functions/domain/model.ts';
import { priceOrder } from '../../../functions/domain/pricing.ts';
import { parseBankFile, readBankFileStream } from '../../../functions/platforms/bank/index.ts';
import { applyPayment } from '../../../functions/use-cases/apply-payment.ts';
import { bankImportView, importBankFile } from '../../../functions/use-cases/bank-import.ts';
import { customerStatement } from '../../../functions/use-cases/customer-statement.ts';
import { camtReturn } from '../../support/bank-files.ts';
import { TEST_COMPANY } from '../../support/memory.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { invoiceFor, world } from './fixtures.ts';

const CAMT = readFileSync(new URL('../../fixtures/bank/camt053-v02.xml', import.meta.url), 'utf8');
const API = { kind: 'api', actor: 'finance key' } as const;
const INV42 = 'INV-2026-000042';

function invoiceOf(sequence: number, total: number): Invoice {
  const lines = [{ sku: 'X', description: 'x', quantity: 1, unitPrice: total, discount: 0, taxRatePpm: 0 }];
  const order = testOrder(`ord_${sequence}`, 'invoiced', { lines, shipping: undefined, totals: priceOrder(lines, undefined, TEST_COMPANY.taxPolicy).totals });
  return invoiceFor(order, { sequence });
}

/** Day one: the fixture statement pays INV-2026-000042 (1,250.00, RF reference, Northwind's IBAN, end-to-end NW-7781). */
async function paidOnDayOne() {
  const w = world({ now: '2026-12-05T10:00:00.000Z' });
  w.putInvoice(invoiceOf(42, 125000));
  w.putCustomer(testCustomer('cus_1'));
  const deps = { ...w.deps, readBankFile: (chunks: AsyncIterable<string>) => readBankFileStream(chunks) };
  await importBankFile({ body: CAMT, source: API }, deps);
  for (const m of w.deps.paymentQueue.sent) await applyPayment(m, w.deps);
  const paid = [...w.state.payments.values()].find((p) => p.endToEndId === 'NW-7781')!;
  expect(w.state.invoices.get(INV42)).toMatchObject({ balance: 0, status: 'paid' });
  return { w, deps, paid };
}

describe('returns in a later file', () => {
  it('reopen the invoice: balance back, open, Dr receivable / Cr cash, the payment marked returned; the statement as of before still shows it paid', async () => {
    const { w, deps, paid } = await paidOnDayOne();
    const { importId } = await importBankFile({ body: camtReturn({ statementId: 'STMT-2026-12-02', entryRef: 'BUKB-20261202-0001', amount: '1250.00', endToEndId: 'NW-7781' }), source: API }, deps);
    expect(w.state.invoices.get(INV42)).toMatchObject({ balance: 125000, status: 'open' });
    expect(w.state.invoices.get(INV42)!.history!.at(-1)).toEqual({ on: '2026-12-02', kind: 'reversal', amount: -125000, ref: `return:${paid.id}` });
    expect(w.state.payments.get(paid.id)).toMatchObject({ unapplied: 0, returned: { on: '2026-12-02', entryKey: 'BUKB-20261202-0001', account: 'GB33BUKB20201555555555' } });
    const entry = w.state.journal.get(`return-${paid.id}`)!;
    expect(entry.lines).toEqual([
      { account: 'accounts_receivable', side: 'debit', amount: 125000 },
      { account: 'cash', side: 'credit', amount: 125000 },
    ]);
    expect(isBalanced(entry)).toBe(true);
    expect(w.state.audit.filter((a) => a.action === 'payment.return')).toHaveLength(1);
    const view = await bankImportView(importId, w.deps);
    expect(view.returns.outcomes).toEqual([expect.objectContaining({ outcome: 'reversed', paymentId: paid.id, matchedBy: 'end-to-end-id', invoices: [INV42], amount: { amount: 125000, currency: 'GBP' } })]);
    expect(w.state.mailbox.at(-1)!.text).toMatch(/Returns and reversals carried out[\s\S]*INV-2026-000042/);

    const on = async (asOf: string) => (await customerStatement({ customerId: paid.customerId!, asOf }, w.deps)).currencies.find((c) => c.currency === 'GBP')?.openBalance ?? 0;
    expect(await on('2026-12-01')).toBe(0);
    expect(await on('2026-12-02')).toBe(125000);
  });

  it('the same return entry in an overlapping file reverses once', async () => {
    const { w, deps, paid } = await paidOnDayOne();
    const file = (id: string) => camtReturn({ statementId: id, entryRef: 'BUKB-20261202-0001', amount: '1250.00', endToEndId: 'NW-7781' });
    await importBankFile({ body: file('STMT-A'), source: API }, deps);
    const journal = w.state.journal.size;
    const second = await importBankFile({ body: file('STMT-B'), source: API }, deps);
    expect(second.created).toBe(true);
    expect(w.state.journal.size).toBe(journal);
    expect(w.state.invoices.get(INV42)).toMatchObject({ balance: 125000 });
    expect(w.state.invoices.get(INV42)!.history!.filter((e) => e.kind === 'reversal')).toHaveLength(1);
    expect((await bankImportView(second.importId, w.deps)).returns.outcomes).toEqual([expect.objectContaining({ outcome: 'reversed-before', paymentId: paid.id })]);
  });

  it('the same return entry in two files at once: the import that finds the payment returned by this entry, after its first look found no return, reports it reversed before (not refused)', async () => {
    const { w, deps, paid } = await paidOnDayOne();
    const file = (id: string) => camtReturn({ statementId: id, entryRef: 'BUKB-20261202-0001', amount: '1250.00', endToEndId: 'NW-7781' });
    await importBankFile({ body: file('STMT-A'), source: API }, deps);
    const journal = w.state.journal.size;
    // STMT-B's import looked for the return before STMT-A's transaction and read the payment after it.
    let looks = 0;
    const racing = { ...deps, paymentReturns: { ...deps.paymentReturns, find: async (...args: Parameters<typeof deps.paymentReturns.find>) => (looks++ === 0 ? undefined : deps.paymentReturns.find(...args)) } };
    const second = await importBankFile({ body: file('STMT-B'), source: API }, racing);
    expect(looks).toBeGreaterThan(0);
    expect((await bankImportView(second.importId, w.deps)).returns.outcomes).toEqual([expect.objectContaining({ outcome: 'reversed-before', paymentId: paid.id })]);
    expect(w.state.journal.size).toBe(journal);
    expect(w.state.invoices.get(INV42)!.history!.filter((e) => e.kind === 'reversal')).toHaveLength(1);
  });

  it('the same return entry in two files at once: the import that matched the payment before the other reversed it reports it reversed before (not refused)', async () => {
    const { w, deps, paid } = await paidOnDayOne();
    const file = (id: string) => camtReturn({ statementId: id, entryRef: 'BUKB-20261202-0001', amount: '1250.00', endToEndId: 'NW-7781' });
    const stale = structuredClone(w.state.payments.get(paid.id)!);
    await importBankFile({ body: file('STMT-A'), source: API }, deps);
    const journal = w.state.journal.size;
    // STMT-B's import looked for the return and matched the payment before STMT-A's transaction; it reads it again after.
    let looks = 0;
    let reads = 0;
    const racing = {
      ...deps,
      paymentReturns: { ...deps.paymentReturns, find: async (...args: Parameters<typeof deps.paymentReturns.find>) => (looks++ === 0 ? undefined : deps.paymentReturns.find(...args)) },
      payments: { ...deps.payments, get: async (id: string) => (id === paid.id && reads++ === 0 ? stale : deps.payments.get(id)) },
    };
    const second = await importBankFile({ body: file('STMT-B'), source: API }, racing);
    expect(reads).toBe(2);
    expect((await bankImportView(second.importId, w.deps)).returns.outcomes).toEqual([expect.objectContaining({ outcome: 'reversed-before', paymentId: paid.id })]);
    expect(w.state.journal.size).toBe(journal);
  });

  it('matched by amount and payer IBAN when the return quotes nothing; a return no payment fits stays listed with the reason', async () => {
    const { w, deps, paid } = await paidOnDayOne();
    const { importId } = await importBankFile({ body: camtReturn({ statementId: 'S1', entryRef: 'R-1', amount: '1250.00', iban: 'GB82WEST12345698765432' }), source: API }, deps);
    expect((await bankImportView(importId, w.deps)).returns.outcomes).toEqual([expect.objectContaining({ outcome: 'reversed', paymentId: paid.id, matchedBy: 'amount-and-iban' })]);
    const other = await importBankFile({ body: camtReturn({ statementId: 'S2', entryRef: 'R-2', amount: '10.00', iban: 'GB82WEST12345698765432' }), source: API }, deps);
    expect((await bankImportView(other.importId, w.deps)).returns.outcomes).toEqual([expect.objectContaining({ outcome: 'unmatched', reason: expect.stringMatching(/no payment of £10.00/) })]);
    expect(w.state.mailbox.at(-1)!.text).toMatch(/for finance to act on[\s\S]*R-2/);
  });

  it('a returned payment that was unapplied cash takes that cash away (Dr unapplied cash / Cr cash)', async () => {
    const { w, deps } = await paidOnDayOne();
    const tailspin = [...w.state.payments.values()].find((p) => p.payerIban === 'NL91ABNA0417164300')!;
    expect(tailspin.unapplied).toBe(9999);
    await importBankFile({ body: camtReturn({ statementId: 'S3', entryRef: 'R-3', amount: '99.99', iban: 'NL91ABNA0417164300' }), source: API }, deps);
    expect(w.state.payments.get(tailspin.id)).toMatchObject({ unapplied: 0, returned: { entryKey: 'R-3' } });
    expect(w.state.journal.get(`return-${tailspin.id}`)!.lines).toEqual([
      { account: 'unapplied_cash', side: 'debit', amount: 9999 },
      { account: 'cash', side: 'credit', amount: 9999 },
    ]);
  });
});
