/**
 * Payment plans with in-memory ports: the agreement checked to the minor unit, retried safely and confirmed in the
 * customer's language; dunning holds the covered invoices while the plan is kept, resumes where it stood when an
 * instalment is missed, and lets go when the plan is completed or cancelled.
 */
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../functions/domain/dates.ts';
import { planStanding, paidTowards } from '../../../functions/domain/payment-plans.ts';
import type { Invoice } from '../../../functions/domain/model.ts';
import { agreePaymentPlan, cancelPaymentPlan, paymentPlansOf } from '../../../functions/use-cases/payment-plans.ts';
import { planDunning } from '../../../functions/use-cases/plan-dunning.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { invoiceFor, refusal, world } from './fixtures.ts';

const number = (n: number) => `INV-2026-${String(n).padStart(6, '0')}`;
/** Due 2026-11-01: 21 days overdue on the world's day (2026-11-22). */
const DUE = '2026-11-01';
const dueOn = (n: number, customerId = 'cus_b', extra: Partial<Invoice> = {}): Invoice => ({
  ...invoiceFor(testOrder(`ord_${n}`, 'invoiced'), { sequence: n, issueDate: addDays(DUE, -30), terms: { netDays: 30 }, customerId }),
  ...extra,
});
const gbp = (amount: number) => ({ amount, currency: 'GBP' });

/** A business in Swedish with three invoices of £38.98, the reminder (+7) already sent for each. */
function book() {
  const w = world();
  w.putCustomer({ ...testCustomer('cus_b', { language: 'sv' }), taxId: 'SE556677889901' } as never);
  for (const n of [1, 2, 3]) w.putInvoice(dueOn(n, 'cus_b', { dunningLevels: ['reminder'], nextActionOn: addDays(DUE, 21) }));
  return w;
}
const run = (w: ReturnType<typeof world>, asOf: string) => planDunning({ asOf }, w.deps);
const pay = (w: ReturnType<typeof world>, n: number, amount: number) => {
  const inv = w.state.invoices.get(number(n))!;
  w.state.invoices.set(number(n), { ...inv, balance: inv.balance - amount });
};
/** Two instalments: £50.00 by 2026-12-01, £66.94 by 2027-01-01 (3 × £38.98 = £116.94). */
const TWO = [
  { dueDate: '2026-12-01', amount: gbp(5000) },
  { dueDate: '2027-01-01', amount: gbp(6694) },
];

describe('agreePaymentPlan', () => {
  it('covers the overdue invoices, holds them until the first instalment’s last day and confirms the plan in the customer’s language, once', async () => {
    const w = book();
    const plan = await agreePaymentPlan({ customerId: 'cus_b', instalments: TWO }, 'finance key', w.deps);
    expect(plan).toMatchObject({ status: 'active', standing: 'kept', covered: gbp(11_694), paid: gbp(0), graceDays: 3, agreedOn: '2026-11-22' });
    expect(plan.invoices.map((i) => i.invoiceNumber)).toEqual([1, 2, 3].map(number));
    expect(plan.instalments).toEqual([
      { dueDate: '2026-12-01', amount: gbp(5000), lastDay: '2026-12-04', state: 'due' },
      { dueDate: '2027-01-01', amount: gbp(6694), lastDay: '2027-01-04', state: 'due' },
    ]);
    for (const n of [1, 2, 3]) expect(w.state.invoices.get(number(n))).toMatchObject({ paymentPlan: { planId: plan.planId, heldUntil: '2026-12-04', atLevel: 1 }, nextActionOn: '2026-12-05' });
    // the same request again (a retry): the same plan, nothing new written, the mail under one key
    const again = await agreePaymentPlan({ customerId: 'cus_b', instalments: TWO }, 'finance key', w.deps);
    expect(again.planId).toBe(plan.planId);
    expect(w.state.paymentPlans.size).toBe(1);
    const mails = w.state.mailbox.filter((m) => m.key === `payment-plan:${plan.planId}`);
    expect(mails.length).toBeGreaterThanOrEqual(1);
    expect(new Set(mails.map((m) => m.key)).size).toBe(1);
    expect(mails[0]).toMatchObject({ to: ['cus_b@example.com'], language: 'sv' });
    expect(mails[0]!.subject).toContain('avbetalningsplan');
    expect(mails[0]!.text).toContain('£50.00');
    expect(mails[0]!.text).toContain('2027-01-01');
    expect(w.state.audit.filter((a) => a.action === 'payment-plan.agree')).toHaveLength(1);
  });

  it('refuses instalments that do not add up to what the invoices owe, in words and money, writing nothing', async () => {
    const w = book();
    const r = await refusal(agreePaymentPlan({ customerId: 'cus_b', instalments: [{ dueDate: '2026-12-01', amount: gbp(11_693) }] }, 'finance key', w.deps));
    expect(r).toMatchObject({ status: 422, code: 'InstalmentsDoNotAddUp' });
    expect(r.message).toBe(`the instalments add up to £116.93, but the invoices covered (${[1, 2, 3].map(number).join(', ')}) owe £116.94`);
    expect(w.state.paymentPlans.size).toBe(0);
    expect(w.state.invoices.get(number(1))!.paymentPlan).toBeUndefined();
    expect(w.state.mailbox).toHaveLength(0);
  });

  it('refuses past or unordered dates, an unknown customer, an invoice in another plan and a customer with the agency', async () => {
    const w = book();
    expect(await refusal(agreePaymentPlan({ customerId: 'cus_b', instalments: [{ dueDate: '2026-11-21', amount: gbp(11_694) }] }, 'f', w.deps))).toMatchObject({ status: 422 });
    expect(
      await refusal(agreePaymentPlan({ customerId: 'cus_b', instalments: [{ dueDate: '2027-01-01', amount: gbp(5000) }, { dueDate: '2026-12-01', amount: gbp(6694) }] }, 'f', w.deps)),
    ).toMatchObject({ status: 422, message: 'instalment 2 must be due after instalment 1 (2027-01-01)' });
    expect(await refusal(agreePaymentPlan({ customerId: 'cus_x', instalments: TWO }, 'f', w.deps))).toMatchObject({ status: 404 });
    await agreePaymentPlan({ customerId: 'cus_b', invoiceNumbers: [number(1)], instalments: [{ dueDate: '2026-12-01', amount: gbp(3898) }] }, 'f', w.deps);
    expect(await refusal(agreePaymentPlan({ customerId: 'cus_b', invoiceNumbers: [number(1), number(2)], instalments: [{ dueDate: '2026-12-01', amount: gbp(7796) }] }, 'f', w.deps))).toMatchObject({
      status: 409,
      code: 'InvoiceInPlan',
    });
    w.putCustomer({ ...testCustomer('cus_a'), collectionsStatus: 'with-agency' } as never);
    w.putInvoice(dueOn(9, 'cus_a'));
    expect(await refusal(agreePaymentPlan({ customerId: 'cus_a', instalments: [{ dueDate: '2026-12-01', amount: gbp(3898) }] }, 'f', w.deps))).toMatchObject({ status: 409 });
  });
});

describe('dunning under a payment plan', () => {
  it('sends nothing while the plan is kept; a missed instalment breaks it and dunning resumes at the level after the last one sent', async () => {
    const w = book();
    const { planId } = await agreePaymentPlan({ customerId: 'cus_b', instalments: TWO }, 'finance key', w.deps);
    expect(await run(w, '2026-11-22')).toMatchObject({ letters: 0, fees: 0 }); // firm (+21) would be due today
    expect(await run(w, '2026-12-04')).toMatchObject({ letters: 0, fees: 0 });
    pay(w, 1, 3898);
    pay(w, 2, 1102); // £50.00 paid towards the plan by the first instalment's last day
    expect(await run(w, '2026-12-05')).toMatchObject({ letters: 0, fees: 0 });
    expect((await paymentPlansOf('cus_b', w.deps)).plans[0]).toMatchObject({ status: 'active', standing: 'kept', paid: gbp(5000), instalments: [{ state: 'paid' }, { state: 'due' }] });
    expect(w.state.invoices.get(number(2))).toMatchObject({ paymentPlan: { heldUntil: '2027-01-04' }, nextActionOn: '2027-01-05' });
    expect(await run(w, '2026-12-20')).toMatchObject({ letters: 0, fees: 0 });
    expect(w.deps.reminderQueue.sent).toHaveLength(0);
    // the second instalment is not paid: the run after its last day breaks the plan and writes again
    const broken = await run(w, '2027-01-05');
    expect(broken).toMatchObject({ letters: 1, plansBroken: 1 });
    const [letter] = w.deps.reminderQueue.sent;
    expect(letter).toMatchObject({ customerId: 'cus_b', earlierReminder: true, items: [2, 3].map((n) => ({ invoiceNumber: number(n), level: 'firm' })) });
    expect(w.state.invoices.get(number(3))!.fees?.map((f) => f.level)).toEqual(['firm']);
    expect(w.state.invoices.get(number(3))!.paymentPlan).toBeUndefined();
    const plan = (await paymentPlansOf('cus_b', w.deps)).plans[0]!;
    expect(plan).toMatchObject({ planId, status: 'broken', endedOn: '2027-01-05' });
    expect(plan.endReason).toBe('instalment 2 (£66.94 due 2027-01-01) was not paid by 2027-01-04');
    expect(w.state.audit.filter((a) => a.action === 'payment-plan.broken')).toHaveLength(1);
    // a rerun of the day changes nothing
    expect(await run(w, '2027-01-05')).toMatchObject({ letters: 0 });
    expect(w.state.audit.filter((a) => a.action === 'payment-plan.broken')).toHaveLength(1);
  });

  it('a plan paid in full is completed and sends nothing; a cancelled one lets dunning resume the next day', async () => {
    const w = book();
    await agreePaymentPlan({ customerId: 'cus_b', invoiceNumbers: [number(1)], instalments: [{ dueDate: '2026-12-01', amount: gbp(3898) }] }, 'f', w.deps);
    const other = await agreePaymentPlan({ customerId: 'cus_b', invoiceNumbers: [number(2), number(3)], instalments: [{ dueDate: '2026-12-10', amount: gbp(7796) }] }, 'f', w.deps);
    pay(w, 1, 1000);
    await cancelPaymentPlan({ customerId: 'cus_b', planId: other.planId, reason: 'customer asked for a new plan' }, 'f', w.deps);
    expect(await refusal(cancelPaymentPlan({ customerId: 'cus_b', planId: other.planId, reason: 'again' }, 'f', w.deps))).toMatchObject({ status: 409 });
    expect(w.state.invoices.get(number(2))).toMatchObject({ promisedUntil: '2026-11-22', promisedAtLevel: 1, nextActionOn: '2026-11-23' });
    expect(await run(w, '2026-11-22')).toMatchObject({ letters: 0 });
    const next = await run(w, '2026-11-23');
    expect(next.letters).toBe(1);
    expect(w.deps.reminderQueue.sent[0]!.items).toEqual([2, 3].map((n) => ({ invoiceNumber: number(n), level: 'firm' })));
    pay(w, 1, 2898);
    expect(await run(w, '2026-12-05')).toMatchObject({ letters: 0 });
    const plans = (await paymentPlansOf('cus_b', w.deps)).plans;
    expect(plans.map((p) => p.status).sort()).toEqual(['active', 'cancelled']); // paid off: leaves the index, its standing says so
    expect(plans.find((p) => p.status === 'active')).toMatchObject({ standing: 'completed', paid: gbp(3898) });
  });
});

describe('planStanding', () => {
  const plan = { instalments: [{ dueDate: '2026-12-01', amount: 100 }, { dueDate: '2027-01-01', amount: 200 }], graceDays: 2, covered: 300 };
  it('counts instalments cumulatively: early or partial payments, the grace days, completion', () => {
    expect(planStanding(plan, 0, '2026-12-03')).toMatchObject({ kind: 'kept', heldUntil: '2026-12-03' });
    expect(planStanding(plan, 99, '2026-12-04')).toMatchObject({ kind: 'broken', missedNumber: 1, on: '2026-12-04' });
    expect(planStanding(plan, 100, '2026-12-04')).toMatchObject({ kind: 'kept', heldUntil: '2027-01-03' });
    expect(planStanding(plan, 250, '2027-01-04')).toMatchObject({ kind: 'broken', missedNumber: 2 });
    expect(planStanding(plan, 300, '2030-01-01')).toEqual({ kind: 'completed' });
    expect(paidTowards({ invoices: [{ invoiceNumber: 'A', balance: 200, atLevel: 0 }, { invoiceNumber: 'B', balance: 100, atLevel: 0 }] }, new Map([['A', 50], ['B', 150]]))).toBe(150);
  });
});
