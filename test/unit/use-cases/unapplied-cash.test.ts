/**
 * Unapplied cash and statements as use cases on in-memory ports: a payment's
 * remainder belongs to its customer, finance applies it to an invoice or pays
 * it back (each a balanced entry, audited, refused with a 409 when the state
 * forbids it), and the customer's statement as of any day shows exactly what
 * was open then.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refundId } from '../../../functions/domain/ids.ts';
import { invoiceIssuedEntry, trialBalance } from '../../../functions/domain/ledger.ts';
import { statusOf } from '../../../functions/runtime/errors.ts';
import { issueCreditNote, writeOffInvoice } from '../../../functions/use-cases/adjust-invoice.ts';
import { applyPayment } from '../../../functions/use-cases/apply-payment.ts';
import { customerStatement, statementView } from '../../../functions/use-cases/customer-statement.ts';
import { openInvoiceDispute, recordPromiseToPay } from '../../../functions/use-cases/disputes.ts';
import { allocateUnappliedCash, refundUnappliedCash, unassignedCash } from '../../../functions/use-cases/unapplied-cash.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { invoiceFor, refusal, world } from './fixtures.ts';

const gbp = (amount: number) => ({ amount, currency: 'GBP' });

/** cus_1 with invoices INV-2026-000001 (£38.98, issued 22 Nov) and INV-2026-000002 (£38.98, issued 25 Nov), their issue posted. */
function books() {
  const w = world();
  w.putCustomer(testCustomer('cus_1'));
  const a = invoiceFor(testOrder('ord_1'), { sequence: 1, issueDate: '2026-11-22' });
  const b = invoiceFor(testOrder('ord_2'), { sequence: 2, issueDate: '2026-11-25' });
  for (const i of [a, b]) {
    w.putInvoice(i);
    w.state.journal.set(`inv-${i.number}`, invoiceIssuedEntry(i, `inv-${i.number}`));
  }
  return { w, a, b };
}

/** A bank payment, applied as apply-payment does — instalments: part payments open no deduction case here (a tolerance of the whole amount). */
const pay = (w: ReturnType<typeof world>, id: string, amount: number, extra: { remittance?: string; customerId?: string; receivedOn?: string } = {}) =>
  applyPayment(
    { id, source: 'bank', externalId: `ext-${id}`, amount, currency: 'GBP', receivedOn: extra.receivedOn ?? '2026-11-22', ...(extra.remittance ? { remittance: extra.remittance } : {}), ...(extra.customerId ? { customerId: extra.customerId } : {}) },
    { ...w.deps, matchPolicy: { shortPaymentTolerance: { ppm: 1_000_000, minor: Number.MAX_SAFE_INTEGER } } },
  );

describe('a payment keeps its customer', () => {
  it('an over-payment quoting an invoice leaves its remainder to that invoice\'s customer; cash quoting nothing and naming nobody is on the unassigned list', async () => {
    const { w, a } = books();
    await pay(w, 'pay_over', 5000, { remittance: a.number });
    expect(w.state.payments.get('pay_over')).toMatchObject({ customerId: 'cus_1', unapplied: 5000 - 3898 });
    await pay(w, 'pay_anon', 1234);
    expect((await unassignedCash(w.deps)).map((p) => p.id)).toEqual(['pay_anon']);
  });
});

describe('applying unapplied cash', () => {
  it('takes it off the invoice, posts Dr unapplied cash / Cr receivable, audits it, and makes an unowned payment the invoice customer\'s', async () => {
    const { w, b } = books();
    await pay(w, 'pay_anon', 2000);
    const after = await allocateUnappliedCash({ paymentId: 'pay_anon', invoiceNumber: b.number, amount: gbp(1500) }, 'finance key', w.deps);
    expect(after).toMatchObject({ unapplied: 500, customerId: 'cus_1', applications: [{ on: '2026-11-22', kind: 'allocation', amount: 1500, invoiceNumber: b.number }] });
    expect(w.state.invoices.get(b.number)).toMatchObject({ balance: 3898 - 1500, status: 'partially_paid', history: [{ on: '2026-11-22', kind: 'payment', amount: 1500, ref: 'pay_anon' }] });
    expect(w.state.journal.get('alloc-pay_anon-1')!.lines).toEqual([
      { account: 'unapplied_cash', side: 'debit', amount: 1500 },
      { account: 'accounts_receivable', side: 'credit', amount: 1500 },
    ]);
    expect(w.state.audit.at(-1)).toMatchObject({ action: 'payment.allocate', entity: 'payment:pay_anon', before: { unapplied: gbp(2000) }, after: { unapplied: gbp(500), invoiceNumber: b.number, amount: gbp(1500) } });
    expect(await unassignedCash(w.deps)).toEqual([]);
  });

  it('refuses more than is unapplied, more than the invoice owes, another currency, another customer\'s invoice, a written-off invoice and unknown ids — with the reason, writing nothing', async () => {
    const { w, a, b } = books();
    w.putCustomer(testCustomer('cus_2'));
    const other = invoiceFor(testOrder('ord_3'), { sequence: 3, customerId: 'cus_2' });
    w.putInvoice(other);
    await pay(w, 'pay_1', 5000, { customerId: 'cus_1' });
    await writeOffInvoice({ invoiceNumber: a.number, reason: 'insolvent' }, 'finance key', w.deps);
    const journal = w.state.journal.size;
    const audit = w.state.audit.length;
    expect(await refusal(allocateUnappliedCash({ paymentId: 'pay_1', invoiceNumber: b.number, amount: gbp(5001) }, 'f', w.deps))).toMatchObject({ status: 409, code: 'ExceedsUnappliedCash', message: 'payment ext-pay_1 has £50.00 unapplied, less than the £50.01 asked for' });
    expect(await refusal(allocateUnappliedCash({ paymentId: 'pay_1', invoiceNumber: b.number, amount: gbp(3899) }, 'f', w.deps))).toMatchObject({ status: 409, code: 'ExceedsInvoiceBalance', message: `invoice ${b.number} has £38.98 left to pay, less than the £38.99 asked for` });
    expect(await refusal(allocateUnappliedCash({ paymentId: 'pay_1', invoiceNumber: b.number, amount: { amount: 10, currency: 'EUR' } }, 'f', w.deps))).toMatchObject({ status: 409, code: 'CurrencyMismatch' });
    expect(await refusal(allocateUnappliedCash({ paymentId: 'pay_1', invoiceNumber: other.number, amount: gbp(10) }, 'f', w.deps))).toMatchObject({ status: 409, code: 'OtherCustomersCash' });
    expect(await refusal(allocateUnappliedCash({ paymentId: 'pay_1', invoiceNumber: a.number, amount: gbp(10) }, 'f', w.deps))).toMatchObject({ status: 409, code: 'InvoiceClosed' });
    expect(await refusal(allocateUnappliedCash({ paymentId: 'pay_1', invoiceNumber: b.number, amount: gbp(0) }, 'f', w.deps))).toMatchObject({ status: 422 });
    expect(await refusal(allocateUnappliedCash({ paymentId: 'pay_nope', invoiceNumber: b.number, amount: gbp(10) }, 'f', w.deps))).toMatchObject({ status: 404, code: 'PaymentNotFound' });
    expect(await refusal(allocateUnappliedCash({ paymentId: 'pay_1', invoiceNumber: 'INV-2026-999999', amount: gbp(10) }, 'f', w.deps))).toMatchObject({ status: 404, code: 'InvoiceNotFound' });
    expect(w.state.journal.size).toBe(journal);
    expect(w.state.audit).toHaveLength(audit);
    expect(w.state.payments.get('pay_1')!.unapplied).toBe(5000);
  });

  it('with an Idempotency-Key, a retried request applies once; another body under the key is a 409; the same key on another payment is another request', async () => {
    const { w, b } = books();
    await pay(w, 'pay_1', 3000, { customerId: 'cus_1' });
    await pay(w, 'pay_2', 3000, { customerId: 'cus_1' });
    const key = { key: 'alloc-1', bodyHash: 'h1' };
    const first = await allocateUnappliedCash({ paymentId: 'pay_1', invoiceNumber: b.number, amount: gbp(1000) }, 'f', w.deps, key);
    const retry = await allocateUnappliedCash({ paymentId: 'pay_1', invoiceNumber: b.number, amount: gbp(1000) }, 'f', w.deps, key);
    expect(retry).toEqual(first);
    expect(w.state.invoices.get(b.number)!.balance).toBe(2898);
    expect(await refusal(allocateUnappliedCash({ paymentId: 'pay_1', invoiceNumber: b.number, amount: gbp(5) }, 'f', w.deps, { key: 'alloc-1', bodyHash: 'h2' }))).toMatchObject({ status: 409, code: 'IdempotencyKeyReused' });
    await allocateUnappliedCash({ paymentId: 'pay_2', invoiceNumber: b.number, amount: gbp(1000) }, 'f', w.deps, key);
    expect(w.state.invoices.get(b.number)!.balance).toBe(1898);
  });
});

describe('paying unapplied cash back', () => {
  it('pays all of it back by default (Dr unapplied cash / Cr cash), audited with the reason; nothing left is a 409', async () => {
    const { w } = books();
    await pay(w, 'pay_anon', 1234);
    const after = await refundUnappliedCash({ paymentId: 'pay_anon', reason: 'paid twice by mistake' }, 'finance key', w.deps);
    expect(after).toMatchObject({ unapplied: 0, applications: [{ kind: 'refund', amount: 1234, reason: 'paid twice by mistake' }] });
    expect(w.state.journal.get('refund-pay_anon-1')!.lines).toEqual([
      { account: 'unapplied_cash', side: 'debit', amount: 1234 },
      { account: 'cash', side: 'credit', amount: 1234 },
    ]);
    expect(w.state.audit.at(-1)).toMatchObject({ action: 'payment.refund', reason: 'paid twice by mistake', after: { refunded: gbp(1234) } });
    expect(await refusal(refundUnappliedCash({ paymentId: 'pay_anon', reason: 'again' }, 'f', w.deps))).toMatchObject({ status: 409, code: 'ExceedsUnappliedCash', message: 'payment ext-pay_anon has no unapplied cash left' });
    expect(await unassignedCash(w.deps)).toEqual([]);
  });
});

describe('the statement as of a day', () => {
  it('shows what was open at the end of that day: later invoices, payments and credit notes are left out, earlier ones counted', async () => {
    const { w, a, b } = books();
    w.clock.set('2026-11-28T10:00:00.000Z');
    await pay(w, 'pay_1', 1000, { remittance: a.number, receivedOn: '2026-11-24' });
    await pay(w, 'pay_2', 5000, { remittance: a.number, receivedOn: '2026-11-27' }); // pays the rest of A, £11.02 left over
    await issueCreditNote({ invoiceNumber: b.number, amount: gbp(898), reason: 'damaged' }, 'f', w.deps); // 28 Nov

    const on23 = await customerStatement({ customerId: 'cus_1', asOf: '2026-11-23' }, w.deps);
    expect(on23.currencies).toHaveLength(1);
    expect(on23.currencies[0]).toMatchObject({ openItems: [{ invoiceNumber: a.number, balance: 3898, status: 'open' }], creditNotes: [], unappliedCash: [], openBalance: 3898, netBalance: 3898 });

    const on26 = (await customerStatement({ customerId: 'cus_1', asOf: '2026-11-26' }, w.deps)).currencies[0]!;
    expect(on26.openItems.map((i) => [i.invoiceNumber, i.balance, i.status])).toEqual([
      [a.number, 2898, 'partially_paid'],
      [b.number, 3898, 'open'],
    ]);
    expect(on26.openBalance).toBe(6796);

    const today = (await customerStatement({ customerId: 'cus_1' }, w.deps)).currencies[0]!;
    expect(today.openItems.map((i) => [i.invoiceNumber, i.balance])).toEqual([[b.number, 3000]]);
    expect(today.creditNotes.map((c) => c.number)).toEqual(['CN-2026-000001']);
    expect(today.unappliedCash).toEqual([{ paymentId: 'pay_2', externalId: 'ext-pay_2', receivedOn: '2026-11-27', amount: 5000, unapplied: 5000 - 2898 }]);
    expect(today).toMatchObject({ openBalance: 3000, unapplied: 2102, customerCredit: 0, netBalance: 898 });
    // A dispute opened today shows on today's statement, not on yesterday's; so does the promise.
    const { disputeId } = await openInvoiceDispute({ invoiceNumber: b.number, amount: gbp(1000), reason: 'short delivery' }, 'f', w.deps);
    await recordPromiseToPay({ invoiceNumber: b.number, date: '2026-12-05' }, 'f', w.deps);
    const disputed = (await customerStatement({ customerId: 'cus_1' }, w.deps)).currencies[0]!;
    expect(disputed.openItems[0]).toMatchObject({ invoiceNumber: b.number, disputed: 1000, promisedUntil: '2026-12-05' });
    expect(disputed.disputes).toEqual([{ disputeId, invoiceNumber: b.number, currency: 'GBP', amount: 1000, reason: 'short delivery', openedOn: '2026-11-28' }]);
    expect((await customerStatement({ customerId: 'cus_1', asOf: '2026-11-27' }, w.deps)).currencies[0]!.disputes).toEqual([]);
    const view = statementView(await customerStatement({ customerId: 'cus_1' }, w.deps));
    expect(view.currencies[0]!.netBalance).toEqual(gbp(898));
    expect(view.currencies[0]!.openItems[0]!.balance).toEqual(gbp(3000));
  });

  it('credit in the customer\'s favour shows until its refund is settled', async () => {
    const { w, a } = books();
    w.clock.set('2026-11-28T10:00:00.000Z');
    await pay(w, 'pay_1', 3898, { remittance: a.number, receivedOn: '2026-11-24' });
    await issueCreditNote({ invoiceNumber: a.number, amount: gbp(1200), reason: 'broken' }, 'f', w.deps);
    const owed = (await customerStatement({ customerId: 'cus_1' }, w.deps)).currencies[0]!;
    expect(owed).toMatchObject({ customerCredit: 1200, netBalance: 3898 - 1200 }); // invoice B still open
    const refund = { id: refundId(a.orderId), orderId: a.orderId, customerId: 'cus_1', platform: 'stripe' as const, orderReference: '#1', amount: 1200, currency: 'GBP', cause: 'credit-note' as const, reason: 'broken', status: 'requested' as const, requestedAt: '2026-11-28T10:00:00.000Z' };
    await w.deps.refundRequests.request(refund);
    await w.deps.refundRequests.settle(refund, { ...refund, status: 'refunded', settledAt: '2026-11-29T09:00:00.000Z', platformRefundId: 're_1' });
    w.clock.set('2026-11-30T10:00:00.000Z');
    expect((await customerStatement({ customerId: 'cus_1' }, w.deps)).currencies[0]!.customerCredit).toBe(0);
    expect((await customerStatement({ customerId: 'cus_1', asOf: '2026-11-28' }, w.deps)).currencies[0]!.customerCredit).toBe(1200);
  });

  it("gives each open item the invoice's payment reference, and an invoice from before references its number", async () => {
    const { w, a, b } = books();
    const { paymentReference: _none, ...old } = b;
    w.putInvoice(old);
    w.clock.set('2026-11-28T10:00:00.000Z');
    const s = (await customerStatement({ customerId: 'cus_1' }, w.deps)).currencies[0]!;
    expect(s.openItems.map((i) => [i.invoiceNumber, i.paymentReference])).toEqual([
      [a.number, 'RF94INV2026000001'],
      [b.number, b.number],
    ]);
  });

  it('ages open items by days past due; a day after today is a 422 and an unknown customer a 404', async () => {
    const { w } = books();
    w.clock.set('2027-02-20T10:00:00.000Z');
    const s = (await customerStatement({ customerId: 'cus_1' }, w.deps)).currencies[0]!;
    // Net 30 from 22 and 25 Nov: due 22 and 25 Dec; on 20 Feb 60 and 57 days past due.
    expect(s.openItems.map((i) => i.daysOverdue)).toEqual([60, 57]);
    expect(s.aging).toEqual({ current: 0, days1to30: 0, days31to60: 7796, days61to90: 0, over90: 0 });
    expect(await refusal(customerStatement({ customerId: 'cus_1', asOf: '2027-02-21' }, w.deps))).toMatchObject({ status: 422 });
    expect(await refusal(customerStatement({ customerId: 'cus_nope' }, w.deps))).toMatchObject({ status: 404 });
  });
});

describe('property: any sequence of payments, allocations, refunds, credit notes and write-offs', () => {
  it('keeps every balance in [0, total] and every unapplied amount ≥ 0, the books balanced, and the ledger agreeing with them (receivable = Σ balances, unapplied cash = Σ unapplied)', async () => {
    const invoice = fc.constantFrom(0, 1);
    const action = fc.oneof(
      fc.record({ kind: fc.constant('pay' as const), amount: fc.integer({ min: 1, max: 6000 }), quote: fc.option(invoice, { nil: undefined }) }),
      fc.record({ kind: fc.constant('allocate' as const), payment: fc.nat(5), invoice, amount: fc.integer({ min: 1, max: 4000 }) }),
      fc.record({ kind: fc.constant('refund' as const), payment: fc.nat(5), amount: fc.option(fc.integer({ min: 1, max: 4000 }), { nil: undefined }) }),
      fc.record({ kind: fc.constant('credit' as const), invoice, amount: fc.integer({ min: 1, max: 2500 }) }),
      fc.record({ kind: fc.constant('write-off' as const), invoice }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 14 }), async (actions) => {
        const { w, a, b } = books();
        w.clock.set('2026-11-30T10:00:00.000Z');
        const invoices = [a, b];
        const paid: string[] = [];
        for (const act of actions) {
          const run = async () => {
            if (act.kind === 'pay') {
              const id = `pay_${paid.length}`;
              paid.push(id);
              return pay(w, id, act.amount, act.quote === undefined ? { customerId: 'cus_1' } : { remittance: invoices[act.quote]!.number });
            }
            if (act.kind === 'credit') return issueCreditNote({ invoiceNumber: invoices[act.invoice]!.number, amount: gbp(act.amount), reason: 'r' }, 'f', w.deps);
            if (act.kind === 'write-off') return writeOffInvoice({ invoiceNumber: invoices[act.invoice]!.number, reason: 'r' }, 'f', w.deps);
            const paymentId = paid[act.payment % Math.max(1, paid.length)] ?? 'pay_none';
            if (act.kind === 'allocate') return allocateUnappliedCash({ paymentId, invoiceNumber: invoices[act.invoice]!.number, amount: gbp(act.amount) }, 'f', w.deps);
            return refundUnappliedCash({ paymentId, ...(act.amount ? { amount: gbp(act.amount) } : {}), reason: 'r' }, 'f', w.deps);
          };
          await run().catch((error: unknown) => expect([404, 409]).toContain(statusOf(error)));
          for (const i of invoices) {
            const now = w.state.invoices.get(i.number)!;
            expect(now.balance).toBeGreaterThanOrEqual(0);
            expect(now.balance).toBeLessThanOrEqual(now.totals.total);
          }
          for (const p of w.state.payments.values()) expect(p.unapplied).toBeGreaterThanOrEqual(0);
        }
        const gbpBooks = trialBalance([...w.state.journal.values()]).GBP!;
        expect(Object.values(gbpBooks).reduce((s, v) => s + (v ?? 0), 0)).toBe(0);
        expect(gbpBooks.accounts_receivable ?? 0).toBe(invoices.reduce((s, i) => s + w.state.invoices.get(i.number)!.balance, 0));
        expect([...w.state.payments.values()].reduce((s, p) => s + p.unapplied, 0) + (gbpBooks.unapplied_cash ?? 0)).toBe(0);
        // …and the statement as of today agrees with the invoices and payments.
        const s = (await customerStatement({ customerId: 'cus_1' }, w.deps)).currencies.find((c) => c.currency === 'GBP');
        expect(s?.openBalance ?? 0).toBe(gbpBooks.accounts_receivable ?? 0);
      }),
      { numRuns: 80 },
    );
  });
});
