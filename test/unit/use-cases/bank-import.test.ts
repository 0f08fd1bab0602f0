/** bank-import: a bank file's credits become payments once (same file, overlapping files), debits are listed, bad files change nothing. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Invoice } from '../../../functions/domain/model.ts';
import { priceOrder } from '../../../functions/domain/pricing.ts';
import { parseBankFile, readBankFileStream } from '../../../functions/platforms/bank/index.ts';
import { PaymentMessageSchema } from '../../../functions/platforms/canonical.ts';
import { safeParse } from '../../../functions/runtime/schema.ts';
import { applyPayment } from '../../../functions/use-cases/apply-payment.ts';
import { bankImportView, importBankFile } from '../../../functions/use-cases/bank-import.ts';
import { paymentIdOf } from '../../../functions/use-cases/receive-payment.ts';
import { TEST_COMPANY } from '../../support/memory.ts';
import { testOrder } from '../../support/orders.ts';
import { invoiceFor, refusal, world } from './fixtures.ts';

const CAMT = readFileSync(new URL('../../fixtures/bank/camt053-v02.xml', import.meta.url), 'utf8');
const MT940 = readFileSync(new URL('../../fixtures/bank/statements.mt940', import.meta.url), 'utf8');
const API = { kind: 'api', actor: 'finance key' } as const;

function invoiceOf(sequence: number, total: number): Invoice {
  const lines = [{ sku: 'X', description: 'x', quantity: 1, unitPrice: total, discount: 0, taxRatePpm: 0 }];
  const order = testOrder(`ord_${sequence}`, 'invoiced', { lines, shipping: undefined, totals: priceOrder(lines, undefined, TEST_COMPANY.taxPolicy).totals });
  return invoiceFor(order, { sequence });
}

function setup() {
  const w = world();
  const deps = { ...w.deps, readBankFile: (chunks: AsyncIterable<string>) => readBankFileStream(chunks) };
  return { w, deps };
}

describe('importBankFile', () => {
  it('queues one payment per credit transaction, with the bank evidence, and emails finance once', async () => {
    const { w, deps } = setup();
    const result = await importBankFile({ body: CAMT, source: API }, deps);
    expect(result).toMatchObject({ created: true, importId: expect.stringMatching(/^bi_[0-9a-f]{24}$/) });
    const sent = w.deps.paymentQueue.sent;
    // Entry 1 (RF), entry 2 batched (3 transactions), entry 4 (unstructured); entry 3 is a fee, entry 5 a return.
    expect(sent).toHaveLength(5);
    for (const m of sent) {
      expect(safeParse(PaymentMessageSchema, m).success).toBe(true);
      expect(m).toMatchObject({ source: 'bank', importId: result.importId, externalId: `GB33BUKB20201555555555:${m.entryKey}` });
      expect(m.id).toBe(paymentIdOf(m));
    }
    expect(sent[0]).toMatchObject({ amount: 125000, currency: 'GBP', receivedOn: '2026-11-30', payerReference: 'RF54INV2026000042', payerName: 'Northwind Traders Ltd', payerIban: 'GB82WEST12345698765432', endToEndId: 'NW-7781', entryKey: 'BUKB-20261130-0001' });
    const batch = sent.slice(1, 4);
    expect(batch.map((m) => m.amount).reduce((a, b) => a + b, 0)).toBe(85049);
    expect(new Set(batch.map((m) => m.id)).size).toBe(3);
    expect(batch[0]).toMatchObject({ amount: 30000, remittance: 'INV-2026-000043', payerName: 'Fabrikam & Sons', entryKey: 'BUKB-20261130-0002-A' });

    const record = w.state.bankImports.get(result.importId)!;
    expect(record).toMatchObject({ status: 'queued', format: 'camt.053', entries: 5, credits: { count: 5 }, returns: { count: 1 }, fees: { count: 1 }, otherDebits: { count: 0 } });
    expect(record.paymentIds).toEqual(sent.map((m) => m.id));
    expect(record.outstanding).toBe(5);
    // Finance hears once the matching has finished, not before.
    expect(w.state.mailbox).toHaveLength(0);
    for (const m of sent) await applyPayment(m, w.deps);
    expect(w.state.bankImports.get(result.importId)).toMatchObject({ outstanding: 0, summarisedAt: expect.any(String) });
    expect(w.state.mailbox).toHaveLength(1);
    expect(w.state.mailbox[0]).toMatchObject({ key: `bank-import:${result.importId}`, to: ['finance@example.com'] });
    expect(w.state.mailbox[0]!.text).toMatch(/^ {2}Credits +5 +£2,300\.49$/m);
    expect(w.state.mailbox[0]!.text).toMatch(/returns and reversals\s+1/);
    expect(w.state.mailbox[0]!.text).toMatch(/AC04/);
  });

  it('the same file again is the first import: nothing queued, no second email', async () => {
    const { w, deps } = setup();
    const first = await importBankFile({ body: CAMT, source: API }, deps);
    const again = await importBankFile({ body: CAMT, source: { kind: 's3', bucket: 'b', key: 'again.xml' } }, deps);
    expect(again).toMatchObject({ importId: first.importId, created: false });
    expect(w.deps.paymentQueue.sent).toHaveLength(5);
    expect(w.state.bankImports.size).toBe(1);
    for (const m of w.deps.paymentQueue.sent) await applyPayment(m, w.deps);
    await importBankFile({ body: CAMT, source: API }, deps);
    for (const m of w.deps.paymentQueue.sent) await applyPayment(m, w.deps);
    expect(w.state.mailbox).toHaveLength(1);
  });

  it('an import whose payments were never confirmed queued sends them again (apply-payment applies each id once)', async () => {
    const { w, deps } = setup();
    let fail = true;
    const flaky = { ...deps, paymentQueue: { ...deps.paymentQueue, sendMany: async (ms: readonly never[]) => (fail ? Promise.reject(new Error('SQS down')) : deps.paymentQueue.sendMany(ms)) } };
    await expect(importBankFile({ body: CAMT, source: API }, flaky)).rejects.toThrow('SQS down');
    expect([...w.state.bankImports.values()][0]).toMatchObject({ status: 'received' });
    fail = false;
    const retried = await importBankFile({ body: CAMT, source: API }, flaky);
    expect(retried.created).toBe(false);
    expect(w.deps.paymentQueue.sent).toHaveLength(5);
    expect(w.state.bankImports.get(retried.importId)).toMatchObject({ status: 'queued', outstanding: 5 });
    for (const m of w.deps.paymentQueue.sent) await applyPayment(m, w.deps);
    expect(w.state.mailbox).toHaveLength(1);
  });

  it('the same entry in an overlapping file is the same payment, applied once', async () => {
    const { w, deps } = setup();
    w.putInvoice(invoiceOf(43, 30000));
    await importBankFile({ body: CAMT, source: API }, deps);
    const overlapping = CAMT.replace('<Id>STMT-2026-11-30-GBP</Id>', '<Id>STMT-2026-11-30-GBP-RESENT</Id>');
    const second = await importBankFile({ body: overlapping, source: API }, deps);
    expect(second.created).toBe(true);
    const sent = w.deps.paymentQueue.sent;
    expect(sent).toHaveLength(10);
    expect(sent.slice(5).map((m) => m.id)).toEqual(sent.slice(0, 5).map((m) => m.id));
    const outcomes = [];
    for (const m of sent) outcomes.push(await applyPayment(m, w.deps));
    expect(outcomes.filter((o) => o.applied)).toHaveLength(5);
    expect(outcomes.slice(5).every((o) => o.matchedBy === 'duplicate')).toBe(true);
    expect(w.state.invoices.get('INV-2026-000043')).toMatchObject({ balance: 0, status: 'paid' });
  });

  it('an entry in the intraday camt.052 and again in the evening camt.053 is applied once', async () => {
    const { w, deps } = setup();
    for (const [n, total] of [[51, 48000], [52, 9995], [53, 7500], [54, 120000]] as const) w.putInvoice(invoiceOf(n, total));
    const intraday = readFileSync(new URL('../../fixtures/bank/camt052-v08.xml', import.meta.url), 'utf8');
    const evening = readFileSync(new URL('../../fixtures/bank/camt053-v08-day.xml', import.meta.url), 'utf8');
    const noon = await importBankFile({ body: intraday, source: API }, deps);
    expect(noon.record).toMatchObject({ format: 'camt.052', credits: { count: 2 }, notApplied: { count: 1 } });
    const night = await importBankFile({ body: evening, source: API }, deps);
    expect(night.created).toBe(true);
    expect(night.importId).not.toBe(noon.importId);
    const sent = w.deps.paymentQueue.sent;
    expect(sent).toHaveLength(2 + 4);
    // The two entries booked by noon are the same payments in the statement (by AcctSvcrRef, and by the hash without one).
    expect(sent.slice(2).map((m) => m.id).filter((id) => sent.slice(0, 2).some((m) => m.id === id))).toHaveLength(2);
    const outcomes = [];
    for (const m of sent) outcomes.push(await applyPayment(m, w.deps));
    expect(outcomes.filter((o) => o.applied)).toHaveLength(4);
    for (const n of ['51', '52', '53', '54']) expect(w.state.invoices.get(`INV-2026-0000${n}`)).toMatchObject({ balance: 0, status: 'paid' });
    expect(w.state.invoices.get('INV-2026-000052')!.history?.filter((e) => e.kind === 'payment')).toHaveLength(1);
    const view = await bankImportView(night.importId, w.deps);
    expect(view).toMatchObject({ format: 'camt.053', pending: 0, applied: { count: 4 }, unapplied: { count: 0 }, fees: { count: 1 } });
  });

  it('debits are listed, never queued: the return with its reason, the bank fee', async () => {
    const { w, deps } = setup();
    const { importId } = await importBankFile({ body: CAMT, source: API }, deps);
    const view = await bankImportView(importId, w.deps);
    expect(view.debits.count).toBe(2);
    expect(view.returns.lines).toEqual([expect.objectContaining({ direction: 'debit', returnReason: 'AC04', counterparty: 'Northwind Traders Ltd', remittance: 'INV-2026-000040' })]);
    expect(view.fees.lines).toEqual([expect.objectContaining({ direction: 'debit', transactionCode: 'ACMT/MDOP/CHRG' })]);
    const debitKeys = [...view.returns.lines, ...view.fees.lines].map((l) => l.entryKey);
    expect(w.deps.paymentQueue.sent.filter((m) => debitKeys.includes(m.entryKey!))).toEqual([]);
  });

  it('a bad file is refused with the reason (422); nothing is written, queued or mailed', async () => {
    const { w, deps } = setup();
    for (const body of ['', 'hello,world\n1,2', CAMT.replace('<Amt Ccy="GBP">1250.00</Amt>', '<Amt Ccy="GBP">12,50.00</Amt>'), CAMT.replace('12180.49', '12180.48')]) {
      const r = await refusal(importBankFile({ body, source: API }, deps));
      expect(r.status).toBe(422);
      expect(r.message).not.toMatch(/at .*\.ts:\d+/);
    }
    expect(w.state.bankImports.size).toBe(0);
    expect(w.deps.paymentQueue.sent).toEqual([]);
    expect(w.state.mailbox).toEqual([]);
  });

  it('reads MT940 too: reversals (RC/RD) are not cash in', async () => {
    const { w, deps } = setup();
    const { record } = await importBankFile({ body: MT940, source: API }, deps);
    const file = parseBankFile(MT940);
    const bookedCredits = file.statements.flatMap((s) => s.entries).filter((e) => e.status === 'booked' && e.direction === 'credit' && !e.reversal);
    expect(w.deps.paymentQueue.sent).toHaveLength(bookedCredits.length);
    expect(record.credits.count).toBe(bookedCredits.length);
    expect(record.statements.length).toBe(file.statements.length);
  });
});

describe('bankImportView', () => {
  it('counts what apply-payment did from the payments themselves: applied, unapplied, pending, the rate', async () => {
    const { w, deps } = setup();
    w.putInvoice(invoiceOf(43, 30000));
    const { importId } = await importBankFile({ body: CAMT, source: API }, deps);
    const before = await bankImportView(importId, w.deps);
    expect(before).toMatchObject({ status: 'queued', queued: 5, pending: 5, applied: { count: 0 }, autoMatchRate: 0 });
    for (const m of w.deps.paymentQueue.sent) await applyPayment(m, w.deps);
    const after = await bankImportView(importId, w.deps);
    expect(after).toMatchObject({ status: 'applied', entries: 5, credits: { count: 5, totals: [{ amount: expect.any(Number), currency: 'GBP' }] }, pending: 0, applied: { count: 1, byRule: { 'invoice-number': 1 } }, autoMatchRate: 0.2, proposed: 0 });
    expect(after.unapplied.count).toBe(4);
    const creditTotal = after.credits.totals[0]!.amount;
    expect(after.unapplied.amount).toEqual([{ amount: creditTotal - 30000, currency: 'GBP' }]);
    await expect(bankImportView('bi_nope', w.deps)).rejects.toMatchObject({ code: 'BankImportNotFound' });
  });
});
