/**
 * Disputes and promises to pay as use cases on in-memory ports: opening and
 * over-disputing, resolving by credit (through the credit-note use case, once
 * however often it is retried) or reinstatement, promises; and what dunning
 * and the reminder make of them.
 */
import { describe, expect, it } from 'vitest';
import type { Invoice } from '../../../functions/domain/model.ts';
import { statusOf } from '../../../functions/runtime/errors.ts';
import { invoiceWithDisputes, openInvoiceDispute, recordPromiseToPay, resolveDispute } from '../../../functions/use-cases/disputes.ts';
import { planDunning } from '../../../functions/use-cases/plan-dunning.ts';
import { sendReminder } from '../../../functions/use-cases/send-reminder.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { invoiceFor, NOW, world } from './fixtures.ts';

const INV1 = 'INV-2026-000001';
const gbp = (amount: number) => ({ amount, currency: 'GBP' });
const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return { status: statusOf(error), code: (error as { code?: string }).code, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
};

/** £38.98 issued today (2026-11-22), due 2026-12-22, to cus_1. */
function invoiced(extra: Partial<Invoice> = {}) {
  const w = world();
  w.putCustomer(testCustomer('cus_1'));
  w.putInvoice({ ...invoiceFor(testOrder('ord_1', 'invoiced')), ...extra });
  return w;
}

describe('opening a dispute', () => {
  it('answers 201-style { disputeId, invoiceNumber, amount, status: open }, sets the amount aside on the invoice, audited', async () => {
    const w = invoiced();
    const d = await openInvoiceDispute({ invoiceNumber: INV1, amount: gbp(1250), reason: 'one mug arrived broken' }, 'finance key', w.deps);
    expect(d).toMatchObject({ disputeId: expect.stringMatching(/^dsp_[0-9a-f]{20}$/), invoiceNumber: INV1, amount: gbp(1250), status: 'open', openedOn: '2026-11-22' });
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 3898, disputed: 1250 });
    expect(w.state.disputes.get(d.disputeId)).toMatchObject({ customerId: 'cus_1', currency: 'GBP', amount: 1250, openedAt: NOW, status: 'open' });
    expect(w.state.audit.find((a) => a.action === 'invoice.dispute')).toEqual({
      at: NOW,
      on: '2026-11-22',
      actor: 'finance key',
      action: 'invoice.dispute',
      entity: `invoice:${INV1}`,
      before: { balance: gbp(3898), disputed: gbp(0), status: 'open' },
      after: { balance: gbp(3898), disputed: gbp(1250), status: 'open', dispute: d.disputeId, amount: gbp(1250) },
      reason: 'one mug arrived broken',
    });
    expect(await invoiceWithDisputes(INV1, w.deps)).toMatchObject({ balance: gbp(3898), disputed: gbp(1250), undisputed: gbp(2648), disputes: [d] });
  });

  it('refuses more than the balance not yet disputed with the figures in words (409), writing nothing', async () => {
    const w = invoiced();
    await openInvoiceDispute({ invoiceNumber: INV1, amount: gbp(3000), reason: 'first' }, 'finance key', w.deps);
    const audit = w.state.audit.length;
    expect(await refusal(openInvoiceDispute({ invoiceNumber: INV1, amount: gbp(899), reason: 'second' }, 'finance key', w.deps))).toEqual({
      status: 409,
      code: 'DisputeExceedsBalance',
      message: `invoice ${INV1} has £8.98 left to dispute (its balance is £38.98, of which £30.00 is already disputed), less than the £8.99 disputed`,
    });
    expect(w.state.invoices.get(INV1)!.disputed).toBe(3000);
    expect(w.state.disputes.size).toBe(1);
    expect(w.state.audit).toHaveLength(audit);
  });

  it('refuses another currency (409), an unknown invoice (404) and a paid one (409)', async () => {
    const w = invoiced();
    expect(await refusal(openInvoiceDispute({ invoiceNumber: INV1, amount: { amount: 100, currency: 'EUR' }, reason: 'x' }, 'finance key', w.deps))).toMatchObject({ status: 409, code: 'CurrencyMismatch' });
    expect(await refusal(openInvoiceDispute({ invoiceNumber: 'INV-2026-999999', amount: gbp(100), reason: 'x' }, 'finance key', w.deps))).toMatchObject({ status: 404, code: 'InvoiceNotFound' });
    const paid = invoiced({ balance: 0, status: 'paid' });
    expect(await refusal(openInvoiceDispute({ invoiceNumber: INV1, amount: gbp(100), reason: 'x' }, 'finance key', paid.deps))).toMatchObject({ status: 409, code: 'InvoiceClosed' });
    expect(w.state.disputes.size + paid.state.disputes.size).toBe(0);
  });

  it('with an Idempotency-Key, a retry gets the first dispute (nothing set aside twice); another body under the key is a 409', async () => {
    const w = invoiced();
    const key = { key: 'disp-1', bodyHash: 'h' };
    const first = await openInvoiceDispute({ invoiceNumber: INV1, amount: gbp(3898), reason: 'all wrong' }, 'finance key', w.deps, key);
    w.clock.set('2026-11-22T10:05:00.000Z');
    expect(await openInvoiceDispute({ invoiceNumber: INV1, amount: gbp(3898), reason: 'all wrong' }, 'finance key', w.deps, key)).toEqual(first);
    expect(w.state.invoices.get(INV1)!.disputed).toBe(3898);
    expect(await refusal(openInvoiceDispute({ invoiceNumber: INV1, amount: gbp(1), reason: 'other' }, 'finance key', w.deps, key))).toMatchObject({ status: 409, code: 'IdempotencyKeyReused' });
  });

  it('reads the invoice again when it moved meanwhile, and decides again', async () => {
    const w = invoiced();
    const open = w.deps.disputes.open;
    let raced = false;
    w.deps.disputes.open = async (opening) => {
      if (!raced) {
        raced = true; // another dispute lands between the read and the write
        await openInvoiceDispute({ invoiceNumber: INV1, amount: gbp(3000), reason: 'the other one' }, 'finance key', { ...w.deps, disputes: { ...w.deps.disputes, open } });
      }
      return open(opening);
    };
    expect(await refusal(openInvoiceDispute({ invoiceNumber: INV1, amount: gbp(1000), reason: 'mine' }, 'finance key', w.deps))).toMatchObject({ status: 409, code: 'DisputeExceedsBalance' });
    expect(w.state.invoices.get(INV1)!.disputed).toBe(3000);
  });
});

describe('resolving a dispute', () => {
  const disputed = async (amount = 1250) => {
    const w = invoiced();
    const d = await openInvoiceDispute({ invoiceNumber: INV1, amount: gbp(amount), reason: 'one mug arrived broken' }, 'finance key', w.deps);
    return { w, d };
  };

  it('credit: issues the credit note for the whole dispute through the credit-note use case, closes the dispute and lowers disputed', async () => {
    const { w, d } = await disputed();
    w.clock.set('2026-11-25T09:00:00.000Z');
    const r = await resolveDispute({ disputeId: d.disputeId, outcome: 'credit' }, 'finance key', w.deps);
    expect(r).toMatchObject({ disputeId: d.disputeId, status: 'credited', resolvedOn: '2026-11-25', resolution: { outcome: 'credit', amount: gbp(1250), creditNoteNumber: 'CN-2026-000001' } });
    expect(w.state.creditNotes.get('CN-2026-000001')).toMatchObject({ invoiceNumber: INV1, total: 1250, reason: 'one mug arrived broken' });
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 3898 - 1250, disputed: 0, credited: 1250 });
    expect(w.state.mailbox.filter((m) => m.key.startsWith('credit-note:'))).toHaveLength(1);
    expect(w.state.audit.at(-1)).toMatchObject({ action: 'dispute.resolve', entity: `invoice:${INV1}`, before: { dispute: d.disputeId, status: 'open' }, after: { status: 'credited', amount: gbp(1250), creditNote: 'CN-2026-000001' } });
  });

  it('credit of part of it: the note is for that part, the rest is owed again', async () => {
    const { w, d } = await disputed(2000);
    await resolveDispute({ disputeId: d.disputeId, outcome: 'credit', amount: gbp(500), reason: 'half a mug' }, 'finance key', w.deps);
    expect(w.state.creditNotes.get('CN-2026-000001')).toMatchObject({ total: 500, reason: 'half a mug' });
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 3398, disputed: 0 });
    expect(await refusal(resolveDispute({ disputeId: d.disputeId, outcome: 'credit', amount: gbp(1) }, 'finance key', w.deps))).toMatchObject({ status: 409 });
  });

  it('refuses a credit beyond the dispute (409) and an unknown dispute (404), writing nothing', async () => {
    const { w, d } = await disputed();
    expect(await refusal(resolveDispute({ disputeId: d.disputeId, outcome: 'credit', amount: gbp(1251) }, 'finance key', w.deps))).toMatchObject({ status: 409, code: 'CreditExceedsDispute', message: 'the dispute is for £12.50, less than the £12.51 to credit' });
    expect(await refusal(resolveDispute({ disputeId: 'dsp_nope', outcome: 'reinstate' }, 'finance key', w.deps))).toMatchObject({ status: 404, code: 'DisputeNotFound' });
    expect(w.state.creditNotes.size).toBe(0);
    expect(w.state.invoices.get(INV1)!.disputed).toBe(1250);
  });

  it('reinstate: the dispute closes, the amount is owed again, no credit note; resolving it again is a 409', async () => {
    const { w, d } = await disputed();
    expect(await resolveDispute({ disputeId: d.disputeId, outcome: 'reinstate', reason: 'the mug was fine' }, 'finance key', w.deps)).toMatchObject({ status: 'reinstated', resolution: { outcome: 'reinstate', amount: gbp(1250) } });
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 3898, disputed: 0 });
    expect(w.state.creditNotes.size).toBe(0);
    expect(await refusal(resolveDispute({ disputeId: d.disputeId, outcome: 'credit' }, 'finance key', w.deps))).toMatchObject({ status: 409, code: 'DisputeResolved', message: `dispute ${d.disputeId} on invoice ${INV1} was already reinstated on 2026-11-22` });
    expect(await refusal(resolveDispute({ disputeId: d.disputeId, outcome: 'reinstate' }, 'finance key', w.deps))).toMatchObject({ status: 409 });
    expect(w.state.creditNotes.size).toBe(0);
  });

  it('crash-safe: a retry after the credit note was issued but before the dispute was marked issues no second note', async () => {
    const { w, d } = await disputed();
    const resolve = w.deps.disputes.resolve;
    w.deps.disputes.resolve = async () => {
      throw new Error('Lambda timed out');
    };
    await expect(resolveDispute({ disputeId: d.disputeId, outcome: 'credit' }, 'finance key', w.deps)).rejects.toThrow('Lambda timed out');
    expect(w.state.creditNotes.size).toBe(1);
    expect(w.state.disputes.get(d.disputeId)!.status).toBe('open');
    // a reinstatement now would leave the customer credited and owing: refused
    w.deps.disputes.resolve = resolve;
    expect(await refusal(resolveDispute({ disputeId: d.disputeId, outcome: 'reinstate' }, 'finance key', w.deps))).toMatchObject({ status: 409, code: 'DisputeCredited' });
    // the retry (even with another amount) finds the note the first attempt issued
    const r = await resolveDispute({ disputeId: d.disputeId, outcome: 'credit', amount: gbp(1000) }, 'finance key', w.deps);
    expect(r).toMatchObject({ status: 'credited', resolution: { creditNoteNumber: 'CN-2026-000001', amount: gbp(1250) } });
    expect(w.state.creditNotes.size).toBe(1);
    expect([...w.state.journal.keys()].filter((k) => k.startsWith('cn-'))).toEqual(['cn-CN-2026-000001']);
    // queued again by the retry under the same mail key (the first attempt may have died before it): sent once
    expect(new Set(w.state.mailbox.filter((m) => m.key.startsWith('credit-note:')).map((m) => m.key))).toEqual(new Set(['credit-note:CN-2026-000001']));
    expect(w.state.invoices.get(INV1)).toMatchObject({ balance: 2648, disputed: 0 });
  });
});

describe('promise to pay', () => {
  it('stores the date on the invoice, audited', async () => {
    const w = invoiced({ dunningLevels: ['reminder'] });
    expect(await recordPromiseToPay({ invoiceNumber: INV1, date: '2026-12-31', reason: 'phoned' }, 'finance key', w.deps)).toEqual({ invoiceNumber: INV1, promisedUntil: '2026-12-31', balance: gbp(3898), undisputed: gbp(3898) });
    expect(w.state.invoices.get(INV1)).toMatchObject({ promisedUntil: '2026-12-31', promisedAtLevel: 1 });
    expect(w.state.audit.at(-1)).toMatchObject({ action: 'invoice.promise', entity: `invoice:${INV1}`, after: { promisedUntil: '2026-12-31' }, reason: 'phoned' });
  });

  it('refuses an impossible date and a date in the past (422) and an unknown invoice (404)', async () => {
    const w = invoiced();
    expect(await refusal(recordPromiseToPay({ invoiceNumber: INV1, date: '2026-02-30' }, 'finance key', w.deps))).toEqual({ status: 422, code: 'InvalidDate', message: '2026-02-30 is not a calendar date (YYYY-MM-DD)' });
    expect(await refusal(recordPromiseToPay({ invoiceNumber: INV1, date: '2026-11-21' }, 'finance key', w.deps))).toMatchObject({ status: 422, message: expect.stringContaining('2026-11-21 is in the past') });
    expect(await refusal(recordPromiseToPay({ invoiceNumber: 'INV-2026-999999', date: '2026-12-01' }, 'finance key', w.deps))).toMatchObject({ status: 404 });
    expect(w.state.invoices.get(INV1)!.promisedUntil).toBeUndefined();
  });
});

describe('dunning with disputes and promises', () => {
  /** Three invoices due 2026-12-22 (30 days past due on 2027-01-21). */
  function overdue() {
    const w = world();
    w.putCustomer(testCustomer('cus_1'));
    for (const n of [1, 2, 3]) w.putInvoice(invoiceFor(testOrder(`ord_${n}`, 'invoiced'), { sequence: n }));
    return w;
  }
  const number = (n: number) => `INV-2026-00000${n}`;

  const letterItems = (w: ReturnType<typeof overdue>) => w.deps.reminderQueue.sent.flatMap((m) => m.items.map((i) => `${i.invoiceNumber}@${i.level}`));

  it('sends no reminder for a wholly disputed invoice, nor for a promised one until the day after; a partly disputed one gets it', async () => {
    const w = overdue();
    await openInvoiceDispute({ invoiceNumber: number(1), amount: gbp(3898), reason: 'never arrived' }, 'finance key', w.deps);
    await openInvoiceDispute({ invoiceNumber: number(2), amount: gbp(898), reason: 'one book damaged' }, 'finance key', w.deps);
    await recordPromiseToPay({ invoiceNumber: number(3), date: '2026-12-29' }, 'finance key', w.deps);
    expect(await planDunning({ asOf: '2026-12-29' }, w.deps)).toMatchObject({ read: 3, letters: 1, invoices: 1 });
    expect(letterItems(w)).toEqual([`${number(2)}@reminder`]);
    await planDunning({ asOf: '2026-12-30' }, w.deps);
    expect(letterItems(w)).toEqual([`${number(2)}@reminder`, `${number(3)}@reminder`]);
    // a promise broken after the reminder: the next run sends the firm level (not the final one reached meanwhile)
    await recordPromiseToPay({ invoiceNumber: number(2), date: '2027-01-27' }, 'finance key', w.deps);
    await planDunning({ asOf: '2027-01-28' }, w.deps);
    expect(letterItems(w).filter((i) => i.startsWith(number(2)))).toEqual([`${number(2)}@reminder`, `${number(2)}@firm`]);
    expect(letterItems(w).some((i) => i.startsWith(number(1)))).toBe(false);
  });

  it('asks a partly disputed invoice for the undisputed amount and says what is left out; a dispute or promise made meanwhile stops a queued letter', async () => {
    const w = overdue();
    const letter = (n: number) => ({ customerId: 'cus_1', currency: 'GBP', asOf: '2026-12-29', items: [{ invoiceNumber: number(n), level: 'reminder' }], earlierReminder: false, key: `dunning:test:${n}` });
    await openInvoiceDispute({ invoiceNumber: number(1), amount: gbp(898), reason: 'one book damaged' }, 'finance key', w.deps);
    expect(await sendReminder(letter(1), w.deps)).toBe(true);
    expect(w.state.mailbox.at(-1)!.text).toContain(`${number(1)}, due 22 December 2026, 7 days overdue: £30.00 (£8.98 under dispute is not asked for)`);
    await openInvoiceDispute({ invoiceNumber: number(2), amount: gbp(3898), reason: 'never arrived' }, 'finance key', w.deps);
    expect(await sendReminder(letter(2), w.deps)).toBe(false);
    await recordPromiseToPay({ invoiceNumber: number(3), date: '2026-12-30' }, 'finance key', w.deps);
    expect(await sendReminder(letter(3), w.deps)).toBe(false);
    expect(w.state.mailbox).toHaveLength(1);
  });
});
