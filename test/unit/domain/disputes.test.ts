/**
 * Disputes, promises to pay and what they mean for dunning and the overdue
 * view: pure rules, no ports.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { overdueExposure, creditExposure, type CustomerAccount } from '../../../functions/domain/credit.ts';
import { addDays } from '../../../functions/domain/dates.ts';
import { checkResolution, openDispute, promiseToPay, resolvedDispute, undisputedBalance } from '../../../functions/domain/disputes.ts';
import { levelDue, policyFromDays } from '../../../functions/domain/dunning.ts';
import type { Dispute, Invoice } from '../../../functions/domain/model.ts';
import { buildInvoice } from '../../../functions/domain/invoice.ts';

const levels = [1, 7, 14, 30];
const due = '2026-10-01';
const policy = policyFromDays(levels);
/** The level (in days past due, as the old levels were) a policy of days 1, 7, 14, 30 is at; `promisedAtLevel` is the highest day sent before the promise. */
const chase = (asOf: string, extra: { sent?: number[]; promisedUntil?: string; promisedAtLevel?: number } = {}) =>
  levelDue(policy, {
    dueDate: due,
    asOf,
    sent: (extra.sent ?? []).map((d) => `day-${d}`),
    ...(extra.promisedUntil ? { promisedUntil: extra.promisedUntil } : {}),
    ...(extra.promisedAtLevel !== undefined ? { promisedAtLevel: levels.indexOf(extra.promisedAtLevel) + 1 } : {}),
  })?.offsetDays ?? null;

const invoice = (extra: Partial<Invoice> = {}): Invoice => ({
  ...buildInvoice({
    order: {
      id: 'ord_1',
      source: { platform: 'api', externalId: 'X1' },
      customerId: 'cus_1',
      currency: 'GBP',
      lines: [{ sku: 'MUG-01', description: 'Mug', quantity: 4, unitPrice: 1250, discount: 0, taxRatePpm: 0 }],
      paymentMode: 'terms',
      shippingAddress: { line1: '1 High St', city: 'York', country: 'GB' },
      status: 'shipped',
      createdAt: '2026-09-01T10:00:00.000Z',
    },
    series: 'INV',
    year: 2026,
    sequence: 7,
    issueDate: '2026-09-01',
    terms: { netDays: 30 },
    policy: { rounding: 'half-up', level: 'line' },
  }),
  ...extra,
});
const gbp = (amount: number) => ({ amount, currency: 'GBP' });
const open = (inv: Invoice, amount: number) => openDispute({ invoice: inv, amount: gbp(amount), reason: 'two mugs missing', disputeId: 'dsp_1', openedAt: '2026-11-22T10:00:00.000Z', openedOn: '2026-11-22' });
const conflictOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return { kind: (error as { kind: string }).kind, code: (error as { code: string }).code, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
};

describe('opening a dispute', () => {
  it('sets the amount aside on the invoice, up to the balance not yet disputed', () => {
    const { dispute, invoice: after } = open(invoice(), 2000);
    expect(dispute).toEqual({ disputeId: 'dsp_1', invoiceNumber: 'INV-2026-000007', customerId: 'cus_1', currency: 'GBP', amount: 2000, reason: 'two mugs missing', openedOn: '2026-11-22', openedAt: '2026-11-22T10:00:00.000Z', status: 'open' });
    expect(after).toMatchObject({ balance: 5000, disputed: 2000 });
    expect(undisputedBalance(after)).toBe(3000);
    expect(open(after, 3000).invoice.disputed).toBe(5000);
  });

  it('refuses more than is left to dispute (in words and formatted money), another currency, nothing, and a closed invoice', () => {
    expect(conflictOf(() => open(invoice({ disputed: 2000 }), 3001))).toEqual({
      kind: 'conflict',
      code: 'DisputeExceedsBalance',
      message: 'invoice INV-2026-000007 has £30.00 left to dispute (its balance is £50.00, of which £20.00 is already disputed), less than the £30.01 disputed',
    });
    expect(conflictOf(() => open(invoice(), 5001))).toMatchObject({ code: 'DisputeExceedsBalance', message: 'invoice INV-2026-000007 has £50.00 left to dispute, less than the £50.01 disputed' });
    expect(conflictOf(() => openDispute({ invoice: invoice(), amount: { amount: 100, currency: 'EUR' }, reason: 'r', disputeId: 'd', openedAt: 'x', openedOn: 'y' }))).toMatchObject({ kind: 'conflict', code: 'CurrencyMismatch' });
    expect(conflictOf(() => open(invoice(), 0))).toMatchObject({ kind: 'invalid', code: 'InvalidDispute' });
    for (const status of ['paid', 'written_off', 'void'] as const) expect(conflictOf(() => open(invoice({ status, balance: status === 'void' ? 5000 : 0 }), 1))).toMatchObject({ kind: 'conflict', code: 'InvoiceClosed' });
  });
});

describe('resolving a dispute', () => {
  const dispute: Dispute = open(invoice(), 2000).dispute;
  it('credits the whole dispute by default, or part of it; reinstates all of it', () => {
    expect(checkResolution(dispute, 'credit')).toEqual({ amount: 2000 });
    expect(checkResolution(dispute, 'credit', gbp(1250))).toEqual({ amount: 1250 });
    expect(checkResolution(dispute, 'reinstate')).toEqual({ amount: 2000 });
    expect(resolvedDispute(dispute, { outcome: 'credit', amount: 1250, creditNoteNumber: 'CN-2026-000001', resolvedOn: '2026-11-23' })).toMatchObject({
      status: 'credited',
      resolvedOn: '2026-11-23',
      resolution: { outcome: 'credit', amount: 1250, creditNoteNumber: 'CN-2026-000001' },
    });
  });

  it('refuses a resolved dispute, a credit beyond the dispute, nothing, and a partial reinstatement', () => {
    const done = resolvedDispute(dispute, { outcome: 'reinstate', amount: 2000, resolvedOn: '2026-11-23' });
    expect(conflictOf(() => checkResolution(done, 'credit'))).toEqual({ kind: 'conflict', code: 'DisputeResolved', message: 'dispute dsp_1 on invoice INV-2026-000007 was already reinstated on 2026-11-23' });
    expect(conflictOf(() => checkResolution(dispute, 'credit', gbp(2001)))).toEqual({ kind: 'conflict', code: 'CreditExceedsDispute', message: 'the dispute is for £20.00, less than the £20.01 to credit' });
    expect(conflictOf(() => checkResolution(dispute, 'credit', gbp(0)))).toMatchObject({ kind: 'invalid' });
    expect(conflictOf(() => checkResolution(dispute, 'reinstate', gbp(5)))).toMatchObject({ kind: 'invalid', code: 'InvalidResolution' });
  });
});

describe('promise to pay', () => {
  it('stores the date and how many levels were sent; refuses an impossible or past date and a settled invoice', () => {
    expect(promiseToPay(invoice({ dunningLevels: ['courtesy', 'reminder'] }), '2026-12-05', '2026-11-22')).toMatchObject({ promisedUntil: '2026-12-05', promisedAtLevel: 2 });
    expect(promiseToPay(invoice(), '2026-11-22', '2026-11-22')).toMatchObject({ promisedUntil: '2026-11-22', promisedAtLevel: 0 });
    expect(conflictOf(() => promiseToPay(invoice(), '2026-02-30', '2026-01-10'))).toEqual({ kind: 'invalid', code: 'InvalidDate', message: '2026-02-30 is not a calendar date (YYYY-MM-DD)' });
    expect(conflictOf(() => promiseToPay(invoice(), '2026-11-21', '2026-11-22'))).toMatchObject({ kind: 'invalid', message: 'a promise to pay must be for today (2026-11-22) or later; 2026-11-21 is in the past' });
    expect(conflictOf(() => promiseToPay(invoice({ balance: 0, status: 'paid' }), '2026-12-01', '2026-11-22'))).toMatchObject({ kind: 'conflict', code: 'InvoiceClosed' });
  });
});

describe('dunning with disputes and promises', () => {
  it('sends nothing while a promise holds, up to and including its day', () => {
    expect(chase('2026-10-20', { sent: [1, 7], promisedUntil: '2026-10-25', promisedAtLevel: 7 })).toBeNull();
    expect(chase('2026-10-25', { sent: [1, 7], promisedUntil: '2026-10-25', promisedAtLevel: 7 })).toBeNull();
    // a promise made before anything was due still holds
    expect(chase('2026-10-02', { promisedUntil: '2026-10-10', promisedAtLevel: 0 })).toBeNull();
  });

  it('resumes a broken promise at the level after the last one sent, not at the highest reached meanwhile, and keeps the spacing from there', () => {
    // 1 sent on day 1, promise to pay by 2026-11-20 (day 50): without the promise it would jump to 30.
    const promise = { promisedUntil: '2026-11-20', promisedAtLevel: 1 };
    expect(chase('2026-11-21', { sent: [1] })).toBe(30);
    expect(chase('2026-11-21', { sent: [1], ...promise })).toBe(7);
    // the next day, with 7 sent: not 14 at once — 14 comes 7 days after 7, as it would have
    expect(chase('2026-11-22', { sent: [1, 7], ...promise })).toBeNull();
    expect(chase('2026-11-27', { sent: [1, 7], ...promise })).toBeNull();
    expect(chase('2026-11-28', { sent: [1, 7], ...promise })).toBe(14);
    expect(chase('2026-12-14', { sent: [1, 7, 14], ...promise })).toBe(30);
    expect(chase('2027-03-01', { sent: [1, 7, 14, 30], ...promise })).toBeNull();
    // nothing sent before the promise: the first level the day after it
    expect(chase('2026-11-21', { promisedUntil: '2026-11-20', promisedAtLevel: 0 })).toBe(1);
  });

  it('never sends a level earlier than it would have gone without the promise', () => {
    // promised by day 3 with level 1 sent: level 7 is still day 7, not day 4
    const promise = { promisedUntil: addDays(due, 3), promisedAtLevel: 1 };
    expect(chase(addDays(due, 4), { sent: [1], ...promise })).toBeNull();
    expect(chase(addDays(due, 7), { sent: [1], ...promise })).toBe(7);
  });

  it('property: after a broken promise, a daily run sends each level above the one sent before it once, in order, starting the day after the promise', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 90 }), (sentBefore, promiseDays) => {
        const sent = levels.slice(0, sentBefore);
        const promisedUntil = addDays(due, (sent.at(-1) ?? 0) + promiseDays);
        const letters: { day: string; level: number }[] = [];
        for (let d = 1; d <= 240; d++) {
          const asOf = addDays(promisedUntil, d);
          const level = chase(asOf, { sent, promisedUntil, promisedAtLevel: sent.at(-1) ?? 0 });
          if (level !== null) (sent.push(level), letters.push({ day: asOf, level }));
        }
        expect(letters.map((l) => l.level)).toEqual(levels.slice(sentBefore));
        // the day after the promise — or, for a short promise, the day the level falls due anyway, never earlier
        const natural = addDays(due, levels[sentBefore]!);
        const dayAfter = addDays(promisedUntil, 1);
        expect(letters[0]!.day).toBe(natural > dayAfter ? natural : dayAfter);
      }),
    );
  });
});

describe('overdue exposure', () => {
  const account: CustomerAccount = {
    invoices: [
      { currency: 'GBP', balance: 10_000, disputed: 4_000, dueDate: '2026-11-01' }, // overdue, partly disputed → 6,000
      { currency: 'GBP', balance: 3_000, disputed: 3_000, dueDate: '2026-10-01' }, // overdue, wholly disputed → 0
      { currency: 'GBP', balance: 2_500, dueDate: '2026-11-21' }, // overdue, no dispute → 2,500
      { currency: 'GBP', balance: 9_999, dueDate: '2026-11-22' }, // due today: not overdue
      { currency: 'GBP', balance: 1_000, disputed: 2_000, dueDate: '2026-10-01' }, // paid down below the dispute → 0, never negative
      { currency: 'EUR', balance: 7_000, dueDate: '2026-10-01' }, // another currency
      { currency: 'GBP', balance: 0, dueDate: '2026-10-01' },
    ],
    orders: [],
  };
  it('counts overdue balances in the currency without what is disputed', () => {
    expect(overdueExposure(account, 'GBP', '2026-11-22')).toBe(8_500);
    expect(overdueExposure(account, 'EUR', '2026-11-22')).toBe(7_000);
    expect(overdueExposure(account, 'GBP', '2026-09-30')).toBe(0);
  });
  it('leaves the exposure the credit limit is held against at the whole balance', () => {
    expect(creditExposure(account, 'GBP').openReceivables).toBe(10_000 + 3_000 + 2_500 + 9_999 + 1_000);
  });
});
