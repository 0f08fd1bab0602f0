/**
 * plan-dunning with in-memory ports: one letter per customer and run, pre-due courtesy letters, netting and the
 * minimum, exemption, fees exactly once per invoice and level, actions, truthful wording, crashes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../functions/domain/dates.ts';
import { isBalanced } from '../../../functions/domain/ledger.ts';
import type { Invoice } from '../../../functions/domain/model.ts';
import type { Outbox, ReminderRequest } from '../../../functions/ports.ts';
import { applyPayment } from '../../../functions/use-cases/apply-payment.ts';
import { checkCredit } from '../../../functions/use-cases/check-credit.ts';
import { customerView, updateCustomer } from '../../../functions/use-cases/manage-customers.ts';
import { planDunning } from '../../../functions/use-cases/plan-dunning.ts';
import { sendReminder } from '../../../functions/use-cases/send-reminder.ts';
import { statementOf } from '../../../functions/use-cases/customer-statement.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { invoiceFor, world } from './fixtures.ts';

const number = (n: number) => `INV-2026-${String(n).padStart(6, '0')}`;
const DUE = '2026-12-01';
/** Invoice `n` of `customerId`, due on `dueDate` (£38.98 each). */
const dueOn = (n: number, dueDate: string, customerId = 'cus_b', extra: Partial<Invoice> = {}): Invoice => ({
  ...invoiceFor(testOrder(`ord_${n}`, 'invoiced'), { sequence: n, issueDate: addDays(dueDate, -30), terms: { netDays: 30 }, customerId }),
  ...extra,
});

/** A business (tax id) with three invoices due 2026-12-01, a consumer with one. */
function book() {
  const w = world();
  w.putCustomer({ ...testCustomer('cus_b'), taxId: 'GB123456789' } as never);
  w.putCustomer(testCustomer('cus_c'));
  for (const n of [1, 2, 3]) w.putInvoice(dueOn(n, DUE));
  w.putInvoice(dueOn(4, DUE, 'cus_c'));
  return w;
}
const run = (w: ReturnType<typeof world>, offset: number, queue?: Outbox<ReminderRequest>) => planDunning({ asOf: addDays(DUE, offset) }, { ...w.deps, ...(queue ? { reminderQueue: queue } : {}) });
const sent = (w: ReturnType<typeof world>) => w.deps.reminderQueue.sent;

describe('planDunning', () => {
  it('writes one letter per customer listing every invoice that reached a level, from 3 days before due; a rerun sends nothing new', async () => {
    const w = book();
    expect(await run(w, -4)).toMatchObject({ letters: 0 });
    expect(await run(w, -3)).toMatchObject({ read: 4, letters: 2, invoices: 4, fees: 0 });
    const [b, c] = [...sent(w)].sort((x, y) => x.customerId.localeCompare(y.customerId));
    expect(b).toMatchObject({ customerId: 'cus_b', currency: 'GBP', asOf: '2026-11-28', earlierReminder: false, items: [1, 2, 3].map((n) => ({ invoiceNumber: number(n), level: 'courtesy' })) });
    expect(b!.key).toBe(`dunning:cus_b:GBP:2026-11-28:${[1, 2, 3].map((n) => `${number(n)}@courtesy`).join(',')}`);
    expect(c!.items).toEqual([{ invoiceNumber: number(4), level: 'courtesy' }]);
    expect(await run(w, -3)).toMatchObject({ letters: 0 });
    expect(await run(w, -1)).toMatchObject({ letters: 0 }); // courtesy sent; reminder not reached
    expect(w.state.invoices.get(number(1))!.dunningLevels).toEqual(['courtesy']);
  });

  it('charges the firm level\'s statutory fee to a business once, however often and as of whatever day it runs; the consumer pays none', async () => {
    const w = book();
    await run(w, 21);
    await run(w, 21);
    await run(w, 10); // a run as of an earlier day
    await run(w, 30);
    for (const n of [1, 2, 3]) {
      const inv = w.state.invoices.get(number(n))!;
      expect(inv.fees, number(n)).toEqual([{ level: 'firm', on: '2026-12-22', compensation: 4000, interest: 0, amount: 4000 }]);
      expect(inv.balance).toBe(3898 + 4000);
      expect(inv.history?.at(-1)).toEqual({ on: '2026-12-22', kind: 'fee', amount: -4000, ref: 'fee:firm' });
    }
    expect(w.state.invoices.get(number(4))!.fees).toBeUndefined();
    expect(w.state.invoices.get(number(4))!.balance).toBe(3898);
    const entries = [...w.state.journal.values()].filter((e) => e.id.startsWith('fee-'));
    expect(entries.map((e) => e.id).sort()).toEqual([1, 2, 3].map((n) => `fee-${number(n)}-firm`));
    expect(entries.every((e) => isBalanced(e) && e.lines.some((l) => l.account === 'late_fees' && l.side === 'credit'))).toBe(true);
    // the statement shows it from that day, not before
    const customer = (await w.deps.customers.get('cus_b'))!;
    expect((await statementOf(customer, '2026-12-22', w.deps)).currencies[0]).toMatchObject({ fees: 12_000, openBalance: 3 * 7898 });
    expect((await statementOf(customer, '2026-12-21', w.deps)).currencies[0]).toMatchObject({ fees: 0, openBalance: 3 * 3898 });
  });

  it('after missed runs sends one letter at the highest level, never claiming an earlier reminder; the next one says so truthfully and announces only what the policy does', async () => {
    const w = book();
    await run(w, 21); // first letter ever, at the firm level
    expect(sent(w).find((m) => m.customerId === 'cus_b')).toMatchObject({ earlierReminder: false, escalation: { action: 'credit-hold', on: '2027-01-05' } });
    await run(w, 35);
    const final = sent(w).find((m) => m.customerId === 'cus_b' && m.items[0]!.level === 'final')!;
    expect(final).toMatchObject({ earlierReminder: true, action: 'credit-hold', escalation: { action: 'hand-to-agency', on: '2027-01-30' } });
    expect(sent(w).find((m) => m.customerId === 'cus_c' && m.items[0]!.level === 'final')).toMatchObject({ earlierReminder: true, action: 'credit-hold' });
  });

  it('puts the customer on credit hold at the final level (audited, once): its next order on terms is held', async () => {
    const w = book();
    await run(w, 35);
    await run(w, 36);
    expect(w.state.customers.get('cus_b')).toMatchObject({ collectionsStatus: 'credit-hold', collectionsSince: '2027-01-05', collectionsLevel: 'final' });
    expect(w.state.audit.filter((a) => a.entity === 'customer:cus_b' && a.action === 'customer.credit-hold')).toHaveLength(1);
    w.putOrder({ ...testOrder('ord_next', 'validated'), customerId: 'cus_b' });
    expect(await checkCredit({ orderId: 'ord_next' }, w.deps)).toEqual({ decision: 'hold', reason: 'account on credit hold for an overdue balance: needs review' });
    // the agency level: status with-agency, and nothing more from o2c afterwards
    await run(w, 60);
    expect(w.state.customers.get('cus_b')).toMatchObject({ collectionsStatus: 'with-agency' });
    const before = sent(w).length;
    w.putInvoice(dueOn(9, addDays(DUE, 40)));
    await run(w, 70);
    expect(sent(w).slice(before).some((m) => m.customerId === 'cus_b')).toBe(false);
  });

  it('a payment of the whole overdue balance lifts the credit hold (audited); a partial one does not; finance can lift it too', async () => {
    const w = book();
    await run(w, 35);
    w.clock.set('2027-01-06T10:00:00Z');
    const pay = (id: string, n: number, amount: number) => applyPayment({ id, source: 'bank', externalId: id, amount, currency: 'GBP', receivedOn: '2027-01-06', customerId: 'cus_b', remittance: number(n) }, w.deps);
    await pay('pay_1', 1, w.state.invoices.get(number(1))!.balance);
    expect(w.state.customers.get('cus_b')).toMatchObject({ collectionsStatus: 'credit-hold' });
    await pay('pay_2', 2, w.state.invoices.get(number(2))!.balance);
    await pay('pay_3', 3, w.state.invoices.get(number(3))!.balance);
    expect((w.state.customers.get('cus_b') as { collectionsStatus?: string }).collectionsStatus).toBeUndefined();
    expect(w.state.audit.at(-1)).toMatchObject({ action: 'customer.collections-lifted', actor: 'apply-payment', before: { collectionsStatus: 'credit-hold' } });
    const lifted = await updateCustomer('cus_c', { collectionsStatus: 'none' }, 'finance key', 'agreed a payment plan', w.deps);
    expect(lifted.collectionsStatus).toBeUndefined();
    expect(customerView(lifted)).toMatchObject({ collectionsStatus: 'none', kind: 'consumer' });
  });

  it('sends nothing to an exempt customer, nor a letter below the minimum after netting unapplied cash against the oldest amounts', async () => {
    const w = book();
    w.state.customers.set('cus_c', { ...w.state.customers.get('cus_c')!, dunningExempt: true } as never);
    // cus_b's unapplied cash covers all but £4.94 of its three invoices: below the £5.00 minimum
    w.state.payments.set('pay_1', { id: 'pay_1', source: 'bank', externalId: 'x', amount: 3 * 3898 - 494, currency: 'GBP', receivedOn: '2026-11-20', customerId: 'cus_b', allocations: [], discounts: [], unapplied: 3 * 3898 - 494, appliedAt: '2026-11-20T00:00:00Z' });
    expect(await run(w, 7)).toMatchObject({ letters: 0, invoices: 0 });
    expect(w.state.dunningMarks.size).toBe(0);
    // £5.06 left: one letter, for the newest invoice only (the credit covered the older ones)
    w.state.payments.set('pay_1', { ...w.state.payments.get('pay_1')!, amount: 3 * 3898 - 506, unapplied: 3 * 3898 - 506 });
    await run(w, 7);
    expect(sent(w)).toHaveLength(1);
    expect(sent(w)[0]!.items).toEqual([{ invoiceNumber: number(3), level: 'reminder' }]);
  });

  it('a run that dies before queueing loses nothing: the rerun queues the same letter under the same key and charges no second fee', async () => {
    const w = book();
    const down: Outbox<ReminderRequest> = { send: () => Promise.reject(new Error('SQS down')), sendMany: () => Promise.reject(new Error('SQS down')) };
    await expect(run(w, 21, down)).rejects.toThrow('SQS down');
    expect(w.state.invoices.get(number(1))!.fees).toHaveLength(1);
    await run(w, 21);
    expect(sent(w).map((m) => m.customerId).sort()).toEqual(['cus_b', 'cus_c']);
    expect(w.state.invoices.get(number(1))!.fees).toHaveLength(1);
    expect([...w.state.journal.keys()].filter((k) => k.startsWith('fee-'))).toHaveLength(3);
  });

  it('property: over any sequence of runs and as-of days, each invoice has at most one fee per level and every letter is sent once per level', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -5, max: 70 }), { minLength: 1, maxLength: 12 }), fc.array(fc.boolean(), { minLength: 12, maxLength: 12 }), async (days, crashes) => {
        const w = book();
        const down: Outbox<ReminderRequest> = { send: () => Promise.reject(new Error('down')), sendMany: () => Promise.reject(new Error('down')) };
        for (const [i, d] of days.entries()) await run(w, d, crashes[i] ? down : undefined).catch(() => undefined);
        for (const inv of w.state.invoices.values()) {
          const levels = (inv.fees ?? []).map((f) => f.level);
          expect(new Set(levels).size).toBe(levels.length);
          expect(new Set(inv.dunningLevels ?? []).size).toBe((inv.dunningLevels ?? []).length);
        }
        const keys = sent(w).flatMap((m) => m.items.map((i) => `${i.invoiceNumber}@${i.level}`));
        expect(new Set(keys).size).toBe(keys.length);
      }),
      { numRuns: 60 },
    );
  });
});

describe('sendReminder', () => {
  it('renders one letter for the customer\'s invoices with fees, the total, where to pay, each reference, the statement and (first letter) the invoices attached, once per key', async () => {
    const w = book();
    await run(w, 21);
    const letter = sent(w).find((m) => m.customerId === 'cus_b')!;
    expect(await sendReminder(letter, w.deps)).toBe(true);
    expect(await sendReminder(letter, w.deps)).toBe(true);
    const mails = w.state.mailbox.filter((m) => m.key === letter.key);
    // A retry queues the same letter under the same key: send-mail sends a key once.
    expect(mails).toHaveLength(2);
    expect(mails[1]).toEqual(mails[0]);
    const mail = mails[0]!;
    expect(mail.subject).toBe(`Overdue payment: ${[1, 2, 3].map(number).join(', ')}`);
    expect(mail.text).toContain('The invoices below remain unpaid.'); // no earlier reminder was sent: no "despite"
    expect(mail.text).not.toContain('Despite');
    const inv = w.state.invoices.get(number(1))!;
    expect(mail.text).toContain(`${number(1)}, due 1 December 2026, 21 days overdue: £78.98 (including late-payment fees £40.00), reference ${inv.paymentReference!.replace(/(.{4})(?=.)/g, '$1 ')}`);
    expect(mail.text).toContain('Total to pay £236.94.');
    expect(mail.text).toContain('If the overdue balance is still unpaid on 5 January 2027, new orders on account will be held until it is paid.');
    expect(mail.text).toContain('IBAN GB62 DEMO 0000 0012 3456 78');
    // the first letter naming the invoices carries each invoice's PDF beside the statement; the next one the statement only
    expect(mail.attachments?.map((a) => a.filename)).toEqual(['statement-2026-12-22.pdf', ...[1, 2, 3].map((n) => `${number(n)}.pdf`)]);
    await run(w, 35);
    const final = sent(w).filter((m) => m.customerId === 'cus_b').at(-1)!;
    expect(final.items.map((i) => i.level)).toEqual(['final', 'final', 'final']);
    await sendReminder(final, w.deps);
    expect(w.state.mailbox.find((m) => m.key === final.key)!.attachments?.map((a) => a.filename)).toEqual(['statement-2027-01-05.pdf']);
  });

  it('prints each invoice\'s payment link (for the amount asked, per invoice and level) where links are configured; a refused one is left out', async () => {
    const w = book();
    await run(w, 7);
    const letter = sent(w).find((m) => m.customerId === 'cus_b')!;
    const asked: { invoiceNumber: string; level: string; amount: number }[] = [];
    const paymentLinks = {
      async linkFor(r: { invoiceNumber: string; level: string; amount: number }) {
        asked.push({ invoiceNumber: r.invoiceNumber, level: r.level, amount: r.amount });
        return r.invoiceNumber === number(3) ? ({ kind: 'none', reason: 'refused' } as const) : ({ kind: 'link', url: `https://pay.example/${r.invoiceNumber}` } as const);
      },
    };
    await sendReminder(letter, { ...w.deps, paymentLinks });
    expect(asked).toEqual([1, 2, 3].map((n) => ({ invoiceNumber: number(n), level: 'reminder', amount: 3898 })));
    const text = w.state.mailbox.find((m) => m.key === letter.key)!.text;
    expect(text).toContain(`Pay this invoice online: https://pay.example/${number(1)}`);
    expect(text).toContain(`Pay this invoice online: https://pay.example/${number(2)}`);
    expect(text).not.toContain(`https://pay.example/${number(3)}`);
  });

  it('hands the case to the agency with a CSV of the open items and the contact', async () => {
    const w = book();
    await run(w, 60);
    const letter = sent(w).find((m) => m.customerId === 'cus_b')!;
    expect(letter.action).toBe('hand-to-agency');
    await sendReminder(letter, w.deps);
    const handover = w.state.mailbox.find((m) => m.to[0] === 'cases@agency.example')!;
    expect(handover.subject).toContain('Ada Lovelace');
    const csv = Buffer.from(handover.attachments![0]!.contentBase64, 'base64').toString('utf8');
    expect(csv.split('\r\n')[1]).toMatch(new RegExp(`^2027-01-30,cus_b,Ada Lovelace,cus_b@example.com,GB123456789,,${number(1)},`));
    expect(w.state.mailbox.find((m) => m.key === letter.key)!.text).toContain('We have passed the overdue balance to our collection agency');
  });

  it('reads only the invoices whose next action date has come: not those between levels, paid, or past the hand-over to the agency', async () => {
    const w = book();
    expect(await run(w, -4)).toMatchObject({ read: 0 });
    expect(await run(w, -3)).toMatchObject({ read: 4, letters: 2 });
    expect(w.state.invoices.get(number(1))!.nextActionOn).toBe('2026-12-08'); // moved to the reminder with the level
    expect(await run(w, 6)).toMatchObject({ read: 0, letters: 0 });
    await applyPayment({ id: 'pay_4', source: 'bank', externalId: 'pay_4', amount: 3898, currency: 'GBP', receivedOn: '2026-12-05', customerId: 'cus_c', remittance: number(4) }, w.deps);
    expect(w.state.invoices.get(number(4))!.balance).toBe(0);
    expect(await run(w, 7)).toMatchObject({ read: 3, letters: 1 }); // the paid one is not read
    expect(await run(w, 60)).toMatchObject({ read: 3, letters: 1 });
    for (const n of [1, 2, 3]) expect(w.state.invoices.get(number(n))!.nextActionOn, number(n)).toBeUndefined(); // handed to the agency: no level left
    expect(await run(w, 90)).toMatchObject({ read: 0, letters: 0 });
  });

  it('a promise moves the next action to the day after it; the run that finds it broken sends the letter', async () => {
    const w = book();
    await run(w, 7);
    const inv = w.state.invoices.get(number(4))!;
    w.state.invoices.set(number(4), { ...inv, promisedUntil: addDays(DUE, 30), promisedAtLevel: 1, nextActionOn: addDays(DUE, 10) });
    expect(await run(w, 10)).toMatchObject({ letters: 0 }); // read: the promise holds
    expect(w.state.invoices.get(number(4))!.nextActionOn).toBe(addDays(DUE, 31));
    expect(await run(w, 25)).toMatchObject({ letters: 1 }); // cus_b's firm letter only
    expect(sent(w).at(-1)!.customerId).toBe('cus_b');
    expect(await run(w, 31)).toMatchObject({ letters: 1 });
    expect(sent(w).at(-1)).toMatchObject({ customerId: 'cus_c', items: [{ invoiceNumber: number(4), level: 'firm' }] });
  });

  it('emails finance the collectors worklist with the run: the customers written to, ranked by expected loss, with a CSV; once a day', async () => {
    const w = book();
    await run(w, -3);
    await run(w, 7);
    await run(w, 7);
    const lists = w.state.mailbox.filter((m) => m.key === 'worklist:2026-12-08');
    expect(lists.length).toBeGreaterThanOrEqual(1);
    const list = lists[0]!;
    expect(list.to).toEqual(['finance@example.com']);
    // cus_b owes £116.94 overdue, cus_c £38.98; both score 7 now (7 days late) — the larger expected loss first
    expect(list.text).toMatch(/^1\. Ada Lovelace \(cus_b\): £116\.94 overdue, score \d+ \(\d+\.\d%\), expected loss £/m);
    expect(list.text).toMatch(/^2\. Ada Lovelace \(cus_c\): £38\.98 overdue/m);
    expect(list.text).toContain('level today: reminder; last contact: courtesy (reached 2026-11-28); next action: 2026-12-22');
    const csv = Buffer.from(list.attachments![0]!.contentBase64, 'base64').toString('utf8').split('\r\n');
    expect(csv[1]).toMatch(/^2026-12-08,1,GBP,cus_b,Ada Lovelace,cus_b@example.com,116\.94,/);
  });
});

describe('inPool', () => {
  it('keeps at most `limit` calls in flight, starts the next as soon as one ends, and answers in input order', async () => {
    const { inPool } = await import('../../../functions/use-cases/plan-dunning.ts');
    let inFlight = 0;
    let most = 0;
    const started: number[] = [];
    const out = await inPool(
      [5, 1, 1, 1, 1, 1, 1, 1],
      async (n) => {
        started.push(n);
        inFlight++;
        most = Math.max(most, inFlight);
        for (let i = 0; i < n; i++) await Promise.resolve();
        inFlight--;
        return n * 10;
      },
      3,
    );
    expect(out).toEqual([50, 10, 10, 10, 10, 10, 10, 10]);
    expect(most).toBe(3);
    expect(started).toHaveLength(8);
    expect(await inPool([], async () => 1, 3)).toEqual([]);
  });
});
