/**
 * The finance back office as use cases on in-memory ports: customers and
 * their credit, credit notes, write-offs, cash recorded by hand, and the audit
 * trail each action leaves. What the state forbids is a 409 (statusOf), and
 * then nothing is written.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { customerId as customerIdOf } from '../../../functions/domain/ids.ts';
import { trialBalance } from '../../../functions/domain/ledger.ts';
import { statusOf } from '../../../functions/runtime/errors.ts';
import { issueCreditNote, writeOffInvoice } from '../../../functions/use-cases/adjust-invoice.ts';
import { applyPayment } from '../../../functions/use-cases/apply-payment.ts';
import { auditTrail, recordPaymentByHand } from '../../../functions/use-cases/finance-cash.ts';
import { createCustomer, findCustomer, updateCustomer } from '../../../functions/use-cases/manage-customers.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { invoiceFor, NOW, refusal, world } from './fixtures.ts';

const gbp = (amount: number) => ({ amount, currency: 'GBP' });

describe('customers', () => {
  it('creates a customer under the id intake derives, with the new-customer limit of its currency unless given one, audited', async () => {
    const w = world();
    const deps = { ...w.deps, newCustomerCreditLimits: { GBP: 25_000 } };
    const { customerId } = await createCustomer({ email: ' Buyer@Acme.example ', name: 'Acme Ltd' }, 'arn:aws:iam::1:user/fin', deps);
    expect(customerId).toBe(customerIdOf('-', 'buyer@acme.example'));
    expect(w.state.customers.get(customerId)).toMatchObject({ email: 'buyer@acme.example', creditLimit: 25_000, currency: 'GBP', terms: { netDays: 30 } });
    const given = await createCustomer({ email: 'b@x.example', name: 'B', creditLimit: { amount: 90_000, currency: 'EUR' } }, 'finance key', deps);
    expect(w.state.customers.get(given.customerId)).toMatchObject({ creditLimit: 90_000, currency: 'EUR' });
    expect((await auditTrail(`customer:${customerId}`, deps))[0]).toMatchObject({ action: 'customer.create', actor: 'arn:aws:iam::1:user/fin', after: { creditLimit: { amount: 25_000, currency: 'GBP' } } });
  });

  it('gives a customer finance creates without a language the company\'s defaultLanguage', async () => {
    const w = world();
    const deps = { ...w.deps, company: { ...w.deps.company, defaultLanguage: 'ru' as const } };
    const { customerId } = await createCustomer({ email: 'zakupki@example.ru', name: 'ООО «Ромашка»' }, 'finance key', deps);
    expect(w.state.customers.get(customerId)).toMatchObject({ language: 'ru' });
    const given = await createCustomer({ email: 'buyer@example.jp', name: '東京商事', language: 'ja' }, 'finance key', deps);
    expect(w.state.customers.get(given.customerId)).toMatchObject({ language: 'ja' });
  });

  it('refuses a second customer with the same email (409 naming the id), writing nothing', async () => {
    const w = world();
    const { customerId } = await createCustomer({ email: 'a@x.example', name: 'A' }, 'finance key', w.deps);
    const before = w.state.audit.length;
    expect(await refusal(createCustomer({ email: 'A@x.example', name: 'Other' }, 'finance key', w.deps))).toMatchObject({ status: 409, code: 'CustomerExists', message: expect.stringContaining(customerId) });
    expect(w.state.customers.get(customerId)!.name).toBe('A');
    expect(w.state.audit).toHaveLength(before);
  });

  it('sets a limit in the customer currency, recording before and after; another currency is a 409; no change writes nothing', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1', { creditLimit: 0 }));
    const after = await updateCustomer('cus_1', { creditLimit: gbp(500_000) }, 'finance key', 'trade references checked', w.deps);
    expect(after.creditLimit).toBe(500_000);
    expect(w.state.audit.at(-1)).toMatchObject({ action: 'customer.update', entity: 'customer:cus_1', before: { creditLimit: { amount: 0, currency: 'GBP' } }, after: { creditLimit: { amount: 500_000, currency: 'GBP' } }, reason: 'trade references checked' });
    expect(await refusal(updateCustomer('cus_1', { creditLimit: { amount: 1, currency: 'EUR' } }, 'finance key', undefined, w.deps))).toMatchObject({ status: 409, code: 'CurrencyMismatch' });
    const trail = w.state.audit.length;
    await updateCustomer('cus_1', { creditLimit: gbp(500_000) }, 'finance key', undefined, w.deps);
    expect(w.state.audit).toHaveLength(trail);
    expect(await refusal(updateCustomer('cus_nope', { dunningExempt: true }, 'finance key', undefined, w.deps))).toMatchObject({ status: 404 });
  });

  it('finds a customer by email in a shop (404 when there is none)', async () => {
    const w = world();
    await createCustomer({ email: 'find@x.example', name: 'Find', shop: 'acme.myshopify.com' }, 'finance key', w.deps);
    expect(await findCustomer({ email: 'FIND@x.example', shop: 'acme.myshopify.com' }, w.deps)).toMatchObject({ name: 'Find' });
    expect(await refusal(findCustomer({ email: 'find@x.example' }, w.deps))).toMatchObject({ status: 404, code: 'CustomerNotFound' });
  });
});

describe('credit notes and write-offs', () => {
  const invoiced = (balance?: number) => {
    const w = world();
    const invoice = invoiceFor(testOrder('ord_1'), balance === undefined ? {} : { balance });
    w.putInvoice(invoice);
    return { w, invoice };
  };

  it('issues CN-<year>-000001 with tax in proportion, takes it off the balance, posts a balanced entry and audits it', async () => {
    const { w, invoice } = invoiced();
    const note = await issueCreditNote({ invoiceNumber: invoice.number, amount: gbp(1000), reason: 'damaged mug' }, 'finance key', w.deps);
    expect(note).toMatchObject({ number: 'CN-2026-000001', net: 744, shipping: 128, tax: 128, appliedToInvoice: 1000, customerCredit: 0 });
    expect(w.state.invoices.get(invoice.number)).toMatchObject({ balance: invoice.balance - 1000, credited: 1000 });
    const entry = w.state.journal.get('cn-CN-2026-000001')!;
    expect(entry.lines.find((l) => l.account === 'accounts_receivable')).toEqual({ account: 'accounts_receivable', side: 'credit', amount: 1000 });
    expect(w.state.audit.at(-1)).toMatchObject({ action: 'invoice.credit-note', before: { balance: { amount: 3898, currency: 'GBP' } }, after: { balance: { amount: 2898, currency: 'GBP' }, creditNote: 'CN-2026-000001', amount: { amount: 1000, currency: 'GBP' } } });
    const second = await issueCreditNote({ invoiceNumber: invoice.number, amount: gbp(898), reason: 'goodwill' }, 'finance key', w.deps);
    expect(second.number).toBe('CN-2026-000002');
  });

  it('sends the customer the credit note as a PDF in their language, once per credit note', async () => {
    const { w, invoice } = invoiced(0);
    w.putCustomer(testCustomer('cus_1', { language: 'sv', name: 'Nordisk Design AB' }));
    const note = await issueCreditNote({ invoiceNumber: invoice.number, amount: gbp(1200), reason: 'en trasig mugg' }, 'finance key', w.deps);
    expect(note).toMatchObject({ appliedToInvoice: 0, customerCredit: 1200 });
    const [mail] = w.state.mailbox;
    expect(mail).toMatchObject({ key: `credit-note:${note.number}`, to: ['cus_1@example.com'], language: 'sv' });
    expect(mail!.subject).toBe(`Kreditfaktura ${note.number} för faktura ${invoice.number} från Example Trading Ltd`);
    expect(mail!.text).toContain('12,00\u00a0£'); // GBP in Swedish: Swedish digits, the pound's own sign
    expect(mail!.text).toContain('tillgodo hos oss');
    expect(mail!.attachments).toEqual([{ filename: `${note.number}.pdf`, contentType: 'application/pdf', contentBase64: Buffer.from(`%PDF-1.7 credit note ${note.number}`).toString('base64') }]);
  });

  it('with an Idempotency-Key, a retried request gets the first credit note — no second note or entry, its mail queued again under the same key (sent once) — and another body under the key is a 409', async () => {
    const { w, invoice } = invoiced();
    w.putCustomer(testCustomer('cus_1'));
    const key = { key: 'cn-req-1', bodyHash: 'h1' };
    const first = await issueCreditNote({ invoiceNumber: invoice.number, amount: gbp(3898), reason: 'all of it' }, 'finance key', w.deps, key);
    const retry = await issueCreditNote({ invoiceNumber: invoice.number, amount: gbp(3898), reason: 'all of it' }, 'finance key', w.deps, key);
    expect(retry).toEqual(first);
    expect(w.state.creditNotes.size).toBe(1);
    expect([...w.state.journal.keys()].filter((k) => k.startsWith('cn-'))).toHaveLength(1);
    expect(new Set(w.state.mailbox.filter((m) => m.key.startsWith('credit-note:')).map((m) => m.key))).toEqual(new Set([`credit-note:${first.number}`]));
    expect(await refusal(issueCreditNote({ invoiceNumber: invoice.number, amount: gbp(1), reason: 'other' }, 'finance key', w.deps, { key: 'cn-req-1', bodyHash: 'h2' }))).toMatchObject({ status: 409, code: 'IdempotencyKeyReused' });
  });

  it('a retry after the first request died between its transaction and its email (a crash) mails the credit note', async () => {
    const { w, invoice } = invoiced();
    w.putCustomer(testCustomer('cus_1'));
    const key = { key: 'cn-req-2', bodyHash: 'h1' };
    const dying = { ...w.deps, renderQueue: { ...w.deps.renderQueue, send: async () => Promise.reject(new Error('the process died')) } };
    await expect(issueCreditNote({ invoiceNumber: invoice.number, amount: gbp(1200), reason: 'one broken' }, 'finance key', dying, key)).rejects.toThrow('the process died');
    expect(w.state.mailbox.filter((m) => m.key.startsWith('credit-note:'))).toHaveLength(0);
    const retry = await issueCreditNote({ invoiceNumber: invoice.number, amount: gbp(1200), reason: 'one broken' }, 'finance key', w.deps, key);
    expect(w.state.creditNotes.size).toBe(1);
    expect(w.state.mailbox.filter((m) => m.key === `credit-note:${retry.number}`)).toHaveLength(1);
  });

  it('refuses more than is left to credit, another currency and an unknown invoice, writing nothing', async () => {
    const { w, invoice } = invoiced();
    await issueCreditNote({ invoiceNumber: invoice.number, amount: gbp(3000), reason: 'most of it' }, 'finance key', w.deps);
    const journal = w.state.journal.size;
    expect(await refusal(issueCreditNote({ invoiceNumber: invoice.number, amount: gbp(899), reason: 'too much' }, 'finance key', w.deps))).toMatchObject({ status: 409, code: 'CreditExceedsInvoice' });
    expect(await refusal(issueCreditNote({ invoiceNumber: invoice.number, amount: { amount: 10, currency: 'EUR' }, reason: 'x' }, 'finance key', w.deps))).toMatchObject({ status: 409, code: 'CurrencyMismatch' });
    expect(await refusal(issueCreditNote({ invoiceNumber: 'INV-2026-999999', amount: gbp(10), reason: 'x' }, 'finance key', w.deps))).toMatchObject({ status: 404 });
    expect(w.state.journal.size).toBe(journal);
    expect(w.state.counters.get('CN|2026')).toBe(1);
  });

  it('writes off the open balance to bad debt; a paid or written-off invoice is a 409', async () => {
    const { w, invoice } = invoiced(1898);
    expect(await writeOffInvoice({ invoiceNumber: invoice.number, reason: 'customer insolvent' }, 'finance key', w.deps)).toEqual({ invoiceNumber: invoice.number, status: 'written_off', writtenOff: gbp(1898) });
    expect(w.state.journal.get(`wo-${invoice.number}`)!.lines).toEqual([
      { account: 'bad_debt', side: 'debit', amount: 1898 },
      { account: 'accounts_receivable', side: 'credit', amount: 1898 },
    ]);
    expect(await refusal(writeOffInvoice({ invoiceNumber: invoice.number, reason: 'again' }, 'finance key', w.deps))).toMatchObject({ status: 409 });
    const paid = invoiced(0);
    expect(await refusal(writeOffInvoice({ invoiceNumber: paid.invoice.number, reason: 'x' }, 'finance key', paid.w.deps))).toMatchObject({ status: 409, code: 'NothingToWriteOff' });
  });

  it('property: any sequence of credit notes, payments and a write-off keeps every balance in [0, total] and the books balanced', async () => {
    const action = fc.oneof(
      fc.record({ kind: fc.constant('credit' as const), amount: fc.integer({ min: 1, max: 2500 }) }),
      fc.record({ kind: fc.constant('pay' as const), amount: fc.integer({ min: 1, max: 2500 }) }),
      fc.record({ kind: fc.constant('write-off' as const), amount: fc.constant(0) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 10 }), async (actions) => {
        const { w, invoice } = invoiced();
        w.putCustomer(testCustomer('cus_1'));
        let n = 0;
        for (const a of actions) {
          const run =
            a.kind === 'credit'
              ? issueCreditNote({ invoiceNumber: invoice.number, amount: gbp(a.amount), reason: 'r' }, 'finance key', w.deps)
              : a.kind === 'pay'
                ? applyPayment({ id: `pay_${n++}`, source: 'manual', externalId: `m${n}`, amount: a.amount, currency: 'GBP', receivedOn: '2026-11-23', remittance: invoice.number, customerId: 'cus_1' }, w.deps)
                : writeOffInvoice({ invoiceNumber: invoice.number, reason: 'r' }, 'finance key', w.deps);
          await run.catch((error: unknown) => expect(statusOf(error)).toBe(409));
          const now = w.state.invoices.get(invoice.number)!;
          expect(now.balance).toBeGreaterThanOrEqual(0);
          expect(now.balance).toBeLessThanOrEqual(now.totals.total);
        }
        const books = trialBalance([...w.state.journal.values()]);
        for (const accounts of Object.values(books)) expect(Object.values(accounts).reduce((s, v) => s + (v ?? 0), 0)).toBe(0);
      }),
      { numRuns: 60 },
    );
  });
});

describe('cash recorded by hand', () => {
  it('queues it for matching like any payment, under one id however often it is recorded, audited once', async () => {
    const w = world();
    const report = { source: 'manual' as const, externalId: 'CHQ-1001', amount: 3898, currency: 'GBP', receivedOn: '2026-11-23', remittance: 'INV-2026-000001' };
    const a = await recordPaymentByHand(report, 'finance key', w.deps);
    const b = await recordPaymentByHand(report, 'finance key', w.deps);
    expect(a).toEqual(b);
    expect(w.deps.paymentQueue.sent.map((m) => m.id)).toEqual([a.paymentId, a.paymentId]);
    expect(w.deps.paymentQueue.sent[0]).toMatchObject({ ...report, id: a.paymentId });
    expect(await auditTrail(`payment:${a.paymentId}`, w.deps)).toEqual([{ at: NOW, actor: 'finance key', action: 'payment.record', entity: `payment:${a.paymentId}`, after: report }]);
  });
});
