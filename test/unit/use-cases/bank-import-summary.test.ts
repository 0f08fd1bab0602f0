/**
 * The end of a bank import: each credit counted once however often apply-payment sees it, the summary written by
 * one finisher once the last is counted (a crashed finisher taken over after its lease), the returns of the same
 * file carried out after its credits — in file order, once — and finance's email saying what finance must know.
 */
import { describe, expect, it } from 'vitest';
import type { Invoice } from '../../../functions/domain/model.ts';
import { priceOrder } from '../../../functions/domain/pricing.ts';
import { parseBankFile, readBankFileStream } from '../../../functions/platforms/bank/index.ts';
import { applyPayment } from '../../../functions/use-cases/apply-payment.ts';
import { bankImportView, importBankFile } from '../../../functions/use-cases/bank-import.ts';
import { finishBankImport, SUMMARY_LEASE_MS } from '../../../functions/use-cases/bank-import-summary.ts';
import { TEST_COMPANY } from '../../support/memory.ts';
import { testOrder } from '../../support/orders.ts';
import { invoiceFor, world } from './fixtures.ts';

const API = { kind: 'api', actor: 'finance key' } as const;
const DAY = '2026-11-30';
const PAYER = 'GB82WEST12345698765432';

function invoiceOf(sequence: number, total: number, customerId = 'cus_1'): Invoice {
  const lines = [{ sku: 'X', description: 'x', quantity: 1, unitPrice: total, discount: 0, taxRatePpm: 0 }];
  const order = testOrder(`ord_${sequence}`, 'invoiced', { lines, shipping: undefined, totals: priceOrder(lines, undefined, TEST_COMPANY.taxPolicy).totals, customerId });
  return invoiceFor(order, { sequence });
}

const gbp = (minor: number) => (minor / 100).toFixed(2);
type Line = { ref: string; minor: number; dir: 'CRDT' | 'DBIT'; details: string };
const credit = (ref: string, minor: number, remittance: string, extra = '') => ({ ref, minor, dir: 'CRDT' as const, details: `<NtryDtls><TxDtls>${extra}<RltdPties><Dbtr><Nm>Bank Payer Ltd</Nm></Dbtr><DbtrAcct><Id><IBAN>${PAYER}</IBAN></Id></DbtrAcct></RltdPties><RmtInf><Ustrd>${remittance}</Ustrd></RmtInf></TxDtls></NtryDtls>` });
const ret = (ref: string, minor: number, quoting: string) => ({ ref, minor, dir: 'DBIT' as const, details: `<NtryDtls><TxDtls><RltdPties><Cdtr><Nm>Bank Payer Ltd</Nm></Cdtr><CdtrAcct><Id><IBAN>${PAYER}</IBAN></Id></CdtrAcct></RltdPties><RmtInf><Ustrd>${quoting}</Ustrd></RmtInf><RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf></TxDtls></NtryDtls>` });

/** A camt.053.001.08 of our own with these entries (balances that add up). */
function camt(id: string, lines: readonly Line[]): string {
  const close = 100_000 + lines.reduce((s, l) => s + (l.dir === 'CRDT' ? l.minor : -l.minor), 0);
  const entries = lines.map((l) => `<Ntry><Amt Ccy="GBP">${gbp(l.minor)}</Amt><CdtDbtInd>${l.dir}</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${DAY}</Dt></BookgDt><AcctSvcrRef>${l.ref}</AcctSvcrRef>${l.details}</Ntry>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>${id}</MsgId><CreDtTm>${DAY}T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>${id}</Id><ElctrncSeqNb>1</ElctrncSeqNb><Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id><Ccy>GBP</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${DAY}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">${gbp(close)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${DAY}</Dt></Dt></Bal>
${entries}
</Stmt></BkToCstmrStmt></Document>`;
}

function setup() {
  const w = world();
  const deps = { ...w.deps, readBankFile: (chunks: AsyncIterable<string>) => readBankFileStream(chunks) };
  const applyAll = async () => {
    for (const m of w.deps.paymentQueue.sent) await applyPayment(m, w.deps);
  };
  return { w, deps, applyAll };
}

describe('finishing an import once its credits are matched', () => {
  it('counts each credit once: the same message twice, or the same entry from an overlapping file, does not finish it early', async () => {
    const { w, deps } = setup();
    const body = camt('S1', [credit('E1', 1000, 'hello'), credit('E2', 2000, 'world')]);
    const { importId } = await importBankFile({ body, source: API }, deps);
    const [first, second] = w.deps.paymentQueue.sent;
    await applyPayment(first!, w.deps);
    await applyPayment(first!, w.deps); // redelivered
    expect(w.state.bankImports.get(importId)).toMatchObject({ outstanding: 1 });
    expect(w.state.bankImports.get(importId)!.summarisedAt).toBeUndefined();
    expect(w.state.mailbox).toHaveLength(0);
    expect((await bankImportView(importId, w.deps)).status).toBe('queued');
    await applyPayment(second!, w.deps);
    expect(w.state.bankImports.get(importId)).toMatchObject({ outstanding: 0, summarisedAt: expect.any(String) });
    expect(w.state.mailbox.map((m) => m.key)).toEqual([`bank-import:${importId}`]);
    expect(await bankImportView(importId, w.deps)).toMatchObject({ status: 'applied', matchedAt: expect.any(String), pending: 0 });
    // Redelivered after the finish: counted before, nothing more.
    await applyPayment(second!, w.deps);
    expect(w.state.mailbox).toHaveLength(1);
    expect(w.state.bankImports.get(importId)!.outstanding).toBe(0);
  });

  it('a file without credits is finished at once: its returns carried out, finance told', async () => {
    const { w, deps } = setup();
    const { importId, record } = await importBankFile({ body: camt('S0', [{ ref: 'FEE1', minor: 250, dir: 'DBIT', details: '<BkTxCd><Domn><Cd>ACMT</Cd><Fmly><Cd>MDOP</Cd><SubFmlyCd>CHRG</SubFmlyCd></Fmly></Domn></BkTxCd>' }]), source: API }, deps);
    expect(record).toMatchObject({ outstanding: 0, summarisedAt: expect.any(String) });
    expect(w.state.mailbox).toHaveLength(1);
    expect(w.state.mailbox[0]!.text).toMatch(/^ {2}Auto-match rate +n\/a \(no credits\)$/m);
    expect(w.state.mailbox[0]!.text).toMatch(/^ {4}bank fees +1 +£2\.50$/m);
    expect((await bankImportView(importId, w.deps)).status).toBe('applied');
  });

  it('one finisher: two at once write one summary; a finisher that crashed is taken over once its lease is stale', async () => {
    const { w, deps } = setup();
    const { importId } = await importBankFile({ body: camt('S2', [credit('E1', 1000, 'x')]), source: API }, deps);
    // The payment is counted but its applier crashed before finishing (mail down, and dead before it gave its lease back).
    let down = true;
    const dead = { ...w.deps.imports.bankImports, releaseSummary: async () => Promise.reject(new Error('the process is gone')) };
    const flaky = { ...w.deps, imports: { ...w.deps.imports, bankImports: dead, mail: { enqueue: async (m: Parameters<typeof w.deps.mail.enqueue>[0]) => (down ? Promise.reject(new Error('SQS down')) : w.deps.mail.enqueue(m)) } } };
    await expect(applyPayment(w.deps.paymentQueue.sent[0]!, flaky)).rejects.toThrow('SQS down');
    expect(w.state.bankImports.get(importId)).toMatchObject({ outstanding: 0, summaryClaimedAt: expect.any(String) });
    down = false;
    // Within the lease nobody else finishes it (the holder may still be at work).
    expect(await finishBankImport({ importId }, { ...w.deps, ...w.deps.imports })).toBe(false);
    expect(w.state.mailbox).toHaveLength(0);
    // The message comes back after the queue's visibility timeout, later than the lease: it finishes the import.
    w.clock.set(new Date(Date.parse(w.deps.clock.now().toISOString()) + SUMMARY_LEASE_MS + 1000).toISOString());
    const both = await Promise.all([finishBankImport({ importId }, { ...w.deps, ...w.deps.imports }), finishBankImport({ importId }, { ...w.deps, ...w.deps.imports })]);
    expect(both.filter(Boolean)).toHaveLength(1);
    expect(w.state.mailbox).toHaveLength(1);
    await applyPayment(w.deps.paymentQueue.sent[0]!, w.deps);
    expect(w.state.mailbox).toHaveLength(1);
  });

  it("the lease is held by the delivery: the dead finisher's own redelivery takes it over at once, another message is refused while it is live, and a holder taken over cannot give back the new holder's", async () => {
    const { w, deps } = setup();
    const { importId } = await importBankFile({ body: camt('S3', [credit('E1', 1000, 'one'), credit('E2', 2000, 'two')]), source: API }, deps);
    const [first, last] = w.deps.paymentQueue.sent;
    const delivered = (m: typeof first, messageId: string, receiveCount = 1) => ({ ...m!, delivery: { messageId, receiveCount } });
    const imports = w.deps.imports;
    // A finisher that dies right after taking the lease (O2C_CRASH_POINTS=apply-payment:4): nothing after it runs, nothing is given back.
    let crashAfterLease = false;
    let mailDown = false;
    const bankImports = {
      ...imports.bankImports,
      claimSummary: async (...args: Parameters<typeof imports.bankImports.claimSummary>) => {
        const taken = await imports.bankImports.claimSummary(...args);
        if (taken && crashAfterLease) throw new Error('crashed after taking the lease');
        return taken;
      },
    };
    const mail = { enqueue: async (m: Parameters<typeof w.deps.mail.enqueue>[0]) => (mailDown ? Promise.reject(new Error('SQS down')) : imports.mail.enqueue(m)) };
    const crashing = { ...w.deps, imports: { ...imports, bankImports, mail } };
    await applyPayment(delivered(first, 'msg-1'), crashing);
    crashAfterLease = true;
    await expect(applyPayment(delivered(last, 'msg-2'), crashing)).rejects.toThrow('crashed after taking the lease');
    crashAfterLease = false;
    expect(w.state.bankImports.get(importId)).toMatchObject({ outstanding: 0, summaryHolder: { messageId: 'msg-2', receiveCount: 1 } });
    // Within the lease: another message (a duplicate delivery of the other credit) and the same delivery twice are refused.
    await applyPayment(delivered(first, 'msg-1-again'), crashing);
    await applyPayment(delivered(last, 'msg-2'), crashing);
    expect(w.state.mailbox).toHaveLength(0);
    expect(w.state.bankImports.get(importId)!.summarisedAt).toBeUndefined();
    // The same message redelivered (15 s later in the local fault mode, long before the lease is stale): the dead
    // holder's own retry takes the lease over at once; its mail is down, so it fails and gives its lease back.
    mailDown = true;
    await expect(applyPayment(delivered(last, 'msg-2', 2), crashing)).rejects.toThrow('SQS down');
    expect(w.state.bankImports.get(importId)!.summaryHolder).toBeUndefined();
    // Its next delivery takes the lease and dies with it; the holder taken over (delivery 1) cannot give it back.
    mailDown = false;
    crashAfterLease = true;
    await expect(applyPayment(delivered(last, 'msg-2', 3), crashing)).rejects.toThrow('crashed after taking the lease');
    crashAfterLease = false;
    await imports.bankImports.releaseSummary(importId, { messageId: 'msg-2', receiveCount: 1 });
    await imports.bankImports.releaseSummary(importId, { messageId: 'msg-1-again', receiveCount: 3 });
    expect(w.state.bankImports.get(importId)!.summaryHolder).toEqual({ messageId: 'msg-2', receiveCount: 3 });
    await applyPayment(delivered(first, 'msg-1-again', 2), crashing);
    expect(w.state.mailbox).toHaveLength(0);
    // The fourth delivery finishes the import: one summary.
    await applyPayment(delivered(last, 'msg-2', 4), crashing);
    expect(w.state.bankImports.get(importId)).toMatchObject({ outstanding: 0, summarisedAt: expect.any(String) });
    expect(w.state.bankImports.get(importId)!.summaryHolder).toBeUndefined();
    expect(w.state.mailbox.map((m) => m.key)).toEqual([`bank-import:${importId}`]);
    await applyPayment(delivered(last, 'msg-2', 5), crashing);
    await applyPayment(delivered(first, 'msg-1', 2), crashing);
    expect(w.state.mailbox).toHaveLength(1);
  });
});

describe('reading the import only when a count closed a counter', () => {
  it('applying a file reads the import once per counter closed, not once per credit; a crash between the closing count and the finish is finished by the redelivery', async () => {
    const { w, deps } = setup();
    const lines = Array.from({ length: 40 }, (_, i) => credit(`R${i}`, 1000 + i, `misc ${i}`));
    const { importId } = await importBankFile({ body: camt('S9', lines), source: API }, deps);
    const open = w.state.bankImports.get(importId)!.outstanding!;
    expect(open).toBeGreaterThan(1);
    expect(open).toBeLessThan(40); // some counter holds several credits
    let reads = 0;
    let crash = false;
    const imports = w.deps.imports;
    const bankImports = { ...imports.bankImports, get: async (id: string) => (reads++, crash ? Promise.reject(new Error('crashed before finishing')) : imports.bankImports.get(id)) };
    const counted = { ...w.deps, imports: { ...imports, bankImports } };
    const messages = w.deps.paymentQueue.sent;
    for (const m of messages.slice(0, -1)) await applyPayment(m, counted);
    expect(reads).toBe(open - 1); // each count that closed a counter, none of the others
    expect(w.state.mailbox).toHaveLength(0);
    // The last closes the last counter and dies before finishing (its read of the import fails).
    crash = true;
    await expect(applyPayment(messages.at(-1)!, counted)).rejects.toThrow('crashed before finishing');
    expect(w.state.bankImports.get(importId)).toMatchObject({ outstanding: 0 });
    expect(w.state.mailbox).toHaveLength(0);
    // Redelivered: counted before, so it looks at the import and finishes it, once.
    crash = false;
    await applyPayment(messages.at(-1)!, counted);
    expect(w.state.bankImports.get(importId)).toMatchObject({ outstanding: 0, summarisedAt: expect.any(String) });
    expect(w.state.mailbox.map((m) => m.key)).toEqual([`bank-import:${importId}`]);
  });
});

describe('a return in the same file as the credit it returns', () => {
  it('the credit is applied, then the return takes it back and reopens the invoice — once, even when the file comes again', async () => {
    const { w, deps, applyAll } = setup();
    w.putInvoice(invoiceOf(42, 3000));
    const body = camt('S3', [credit('SAMEFILE-E1', 3000, 'INV-2026-000042', '<Refs><EndToEndId>E2E-42</EndToEndId></Refs>'), ret('SAMEFILE-R1', 3000, 'Return of SAMEFILE-E1')]);
    const { importId } = await importBankFile({ body, source: API }, deps);
    // Not carried out before the credit is applied.
    expect(w.state.bankImports.get(importId)!.returnOutcomes).toBeUndefined();
    expect(w.state.invoices.get('INV-2026-000042')).toMatchObject({ balance: 3000, status: 'open' });
    await applyAll();
    const [outcome] = w.state.bankImports.get(importId)!.returnOutcomes!;
    expect(outcome).toMatchObject({ outcome: 'reversed', matchedBy: 'entry-reference', invoices: ['INV-2026-000042'], paymentId: w.deps.paymentQueue.sent[0]!.id });
    expect(w.state.invoices.get('INV-2026-000042')).toMatchObject({ balance: 3000, status: 'open' });
    expect(w.state.invoices.get('INV-2026-000042')!.history!.map((e) => [e.kind, e.amount])).toEqual([
      ['payment', 3000],
      ['reversal', -3000],
    ]);
    expect(w.state.mailbox[0]!.text).toMatch(/Returns and reversals carried out[^\n]*\n {2}2026-11-30 +£30\.00 +SAMEFILE-R1 · payment pay_\w+, invoices INV-2026-000042/);
    const journal = w.state.journal.size;
    await importBankFile({ body, source: API }, deps);
    await applyAll();
    expect(w.state.journal.size).toBe(journal);
    expect(w.state.invoices.get('INV-2026-000042')).toMatchObject({ balance: 3000 });
    expect(w.state.mailbox).toHaveLength(1);
  });

  it('in file order: a return before a credit of the same amount from the same account does not take that later credit back', async () => {
    const { w, deps, applyAll } = setup();
    w.putInvoice(invoiceOf(43, 3000));
    // The return quotes nothing: by amount and IBAN it would find the later credit, which it cannot be returning.
    const { importId } = await importBankFile({ body: camt('S4', [ret('R1', 3000, 'returned'), credit('E1', 3000, 'INV-2026-000043')]), source: API }, deps);
    await applyAll();
    expect(w.state.bankImports.get(importId)!.returnOutcomes).toEqual([expect.objectContaining({ outcome: 'unmatched' })]);
    expect(w.state.invoices.get('INV-2026-000043')).toMatchObject({ balance: 0, status: 'paid' });
    // The same lines the other way round (a fresh book): the return follows its credit and takes it back.
    const other = setup();
    other.w.putInvoice(invoiceOf(43, 3000));
    const { importId: next } = await importBankFile({ body: camt('S5', [credit('E1', 3000, 'INV-2026-000043'), ret('R1', 3000, 'returned')]), source: API }, other.deps);
    await other.applyAll();
    expect(other.w.state.bankImports.get(next)!.returnOutcomes).toEqual([expect.objectContaining({ outcome: 'reversed', matchedBy: 'amount-and-iban' })]);
    expect(other.w.state.invoices.get('INV-2026-000043')).toMatchObject({ balance: 3000, status: 'open' });
  });
});

describe("finance's summary email", () => {
  it('counts, rules, the rate, unapplied cash by customer name, unidentified items, proposals waiting and deductions, money in its currency', async () => {
    const { w, deps, applyAll } = setup();
    w.state.customers.set('cus_1', { ...w.state.customers.get('cus_1')!, name: 'Northwind Traders Ltd' });
    w.putInvoice(invoiceOf(1, 5000)); // paid by its number
    w.putInvoice(invoiceOf(2, 100_000)); // paid £20 short: a deduction
    w.putInvoice(invoiceOf(3, 7000)); // two equal balances: the older is proposed
    w.putInvoice(invoiceOf(4, 7000));
    const body = camt('S6', [
      credit('E1', 6000, 'INV-2026-000001'), // £10 over: unapplied on the customer
      credit('E2', 98_000, 'INV-2026-000002'),
      { ref: 'E3', minor: 7000, dir: 'CRDT', details: `<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Someone Else</Nm></Dbtr></RltdPties><RmtInf><Ustrd>samples</Ustrd></RmtInf></TxDtls></NtryDtls>` },
      { ref: 'E4', minor: 1234, dir: 'CRDT', details: `<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Tailspin Toys</Nm></Dbtr></RltdPties><RmtInf><Ustrd>deposit</Ustrd></RmtInf></TxDtls></NtryDtls>` },
    ]);
    const { importId } = await importBankFile({ body, source: API }, deps);
    // E3 names nobody; give it the customer as finance would have (cash by hand) to get a proposal: apply it with the customer.
    const sent = w.deps.paymentQueue.sent;
    await applyPayment({ ...sent[2]!, customerId: 'cus_1' }, w.deps);
    await applyAll();
    const mail = w.state.mailbox.find((m) => m.key === `bank-import:${importId}`)!;
    expect(mail.subject).toBe('Bank statement matched: 4 credits, 2 applied automatically (50.0 %)');
    const text = mail.text!;
    expect(text).toMatch(/^ {2}Credits +4 +£1,122\.34$/m);
    expect(text).toMatch(/^ {4}applied automatically +2 +£1,030\.00$/m);
    expect(text).toMatch(/^ {6}by invoice-number +2$/m);
    expect(text).toMatch(/^ {4}proposed, waiting for a decision +1 +£70\.00$/m);
    expect(text).toMatch(/^ {2}Auto-match rate +50\.0 %$/m);
    expect(text).toMatch(/^ {2}Deductions opened \(short payments\) +1 +£20\.00$/m);
    expect(text).toMatch(/^ {2}Northwind Traders Ltd +£80\.00 +pay_\w+, pay_\w+$/m);
    expect(text).toMatch(/^ {2}2026-11-30 +£12\.34 +pay_\w+ · payer Tailspin Toys · “deposit”$/m);
    expect(text).toMatch(new RegExp(`o2c bank apply\\|reject ${importId} <payment>\\):\\n {2}2026-11-30 +£70\\.00 +pay_\\w+ → INV-2026-000003 £70\\.00 · amount, 85 % sure`));
    expect(text).toMatch(/^ {2}INV-2026-000002 +£20\.00 short · payment pay_\w+$/m);
    // No internal ids but the import's and the payments' (no customer ids, no minor units).
    expect(text).not.toMatch(/cus_|\b98000\b|\b6000\b/);
  });
});
