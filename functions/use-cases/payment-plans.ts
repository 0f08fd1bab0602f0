/**
 * Payment plans: finance agrees instalments with a customer for overdue invoices; dunning holds those invoices while
 * the plan is kept and resumes where it stood when an instalment is missed (domain/payment-plans).
 *
 * Agree (POST /finance/customers/{id}/payment-plans):
 *   1. The customer must exist (404) and not be with the collection agency (409).
 *   2. The invoices: those named (each must exist, 404), else every overdue invoice of the customer in the
 *      instalments' currency that owes something outside disputes and is in no other plan.
 *   3. The domain checks the agreement: one currency, instalments on ascending days from today, more than nothing,
 *      adding up exactly to the invoices' undisputed balance (422 in words), no invoice in another plan (409).
 *   4. The plan's id comes from the client's Idempotency-Key, else from the request and its day: a retried
 *      request finds the plan it made (the answer is that plan). The plan, each invoice's hold (guarded by the
 *      balance read and the absence of another plan), its next action date (the day after the first instalment's
 *      last day) and the audit line are one transaction; an invoice that moved meanwhile → read again.
 *   5. The customer is sent the plan in their language (mail key per plan: sent once).
 * List: the customer's plans, each with where it stands today (instalments paid, due, missed).
 * Cancel: 1. The plan must exist (404) and be active (409). 2. It becomes cancelled and its invoices are released:
 *   dunning resumes the next day from the level after the last one sent before the plan; audited.
 * Review (plan-dunning, for invoices whose hold ended before the run's day):
 *   1. Per plan, read it and its invoices; what was paid towards it is the invoices' balances as agreed less now.
 *   2. Completed → the plan is completed (audited), the holds go. Kept → the holds move to the next instalment's last day
 *      (and the next action to the day after). Missed → the plan is broken (audited), the holds go and each
 *      invoice resumes as after a broken promise made when the plan was agreed: the run carries on with them.
 */
import { addDays, todayIn } from '#domain/dates';
import { paymentPlanId } from '#domain/ids';
import type { Invoice, IsoDate, Money } from '#domain/model';
import { formatMoney } from '#domain/money';
import { checkAgreement, DEFAULT_GRACE_DAYS, lastDayOf, paidTowards, planStanding, type Instalment, type PaymentPlan, type PlanStanding } from '#domain/payment-plans';
import { renderMessage } from '#messages';
import { ConcurrentUpdate, ConflictError, NotFoundError, ValidationError } from '../errors.ts';
import type { AuditEntry, Clock, Company, Customers, Invoices, Mail, PaymentPlans, PlanInvoiceChange } from '../ports.ts';
import { mailTo, paymentInstructions } from './customer-mail.ts';
import type { ClientKey } from './adjust-invoice.ts';

export interface PaymentPlanDeps {
  readonly customers: Pick<Customers, 'get'>;
  readonly invoices: Pick<Invoices, 'get' | 'openOfCustomer'>;
  readonly paymentPlans: PaymentPlans;
  readonly mail: Mail;
  readonly clock: Clock;
  readonly company: Company;
}

export interface AgreePlanInput {
  readonly customerId: string;
  readonly invoiceNumbers?: readonly string[];
  readonly instalments: readonly { readonly dueDate: IsoDate; readonly amount: Money }[];
  readonly graceDays?: number;
  readonly reason?: string;
}

const m = (amount: number, currency: string): Money => ({ amount, currency });
const ATTEMPTS = 4;

/** A plan as the finance API answers it: money as `{ amount, currency }`, each instalment's state as of `today`. */
export function planView(plan: PaymentPlan, standing: PlanStanding | undefined, paid: number, today: IsoDate) {
  let cumulative = 0;
  // A plan that ended (a run "as of" a later day broke it) is shown as it stood when it ended, if that is later.
  const day = plan.endedOn !== undefined && plan.endedOn > today ? plan.endedOn : today;
  return {
    planId: plan.planId,
    customerId: plan.customerId,
    status: plan.status,
    ...(plan.status === 'active' && standing ? { standing: standing.kind } : {}),
    currency: plan.currency,
    covered: m(plan.covered, plan.currency),
    paid: m(Math.min(paid, plan.covered), plan.currency),
    invoices: plan.invoices.map((i) => ({ invoiceNumber: i.invoiceNumber, balanceAgreed: m(i.balance, plan.currency) })),
    instalments: plan.instalments.map((s) => {
      cumulative += s.amount;
      const state = cumulative <= paid ? 'paid' : lastDayOf(plan, s) < day ? 'missed' : 'due';
      return { dueDate: s.dueDate, amount: m(s.amount, plan.currency), lastDay: lastDayOf(plan, s), state };
    }),
    graceDays: plan.graceDays,
    agreedOn: plan.agreedOn,
    agreedBy: plan.agreedBy,
    ...(plan.endedOn ? { endedOn: plan.endedOn } : {}),
    ...(plan.endReason ? { endReason: plan.endReason } : {}),
  };
}

async function balancesOf(plan: PaymentPlan, deps: Pick<PaymentPlanDeps, 'invoices'>) {
  const invoices = await Promise.all(plan.invoices.map((i) => deps.invoices.get(i.invoiceNumber)));
  return invoices.filter((i): i is Invoice => i !== undefined);
}

const balanceMap = (invoices: readonly Invoice[]) => new Map(invoices.map((i) => [i.number, i.balance]));

export async function agreePaymentPlan(input: AgreePlanInput, actor: string, deps: PaymentPlanDeps, clientKey?: ClientKey) {
  const customer = await deps.customers.get(input.customerId);
  if (!customer) throw new NotFoundError(`customer ${input.customerId} does not exist`, 'CustomerNotFound');
  if (customer.collectionsStatus === 'with-agency') throw new ConflictError(`the debt of ${customer.name} has been handed to the collection agency: agree a plan with the agency`, 'CustomerWithAgency');
  const currencies = [...new Set(input.instalments.map((s) => s.amount.currency))];
  if (currencies.length !== 1) throw new ValidationError([{ path: 'instalments', message: currencies.length === 0 ? 'at least one instalment is needed' : 'every instalment must be in the same currency' }]);
  const currency = currencies[0]!;
  const instalments: Instalment[] = input.instalments.map((s) => ({ dueDate: s.dueDate, amount: s.amount.amount }));
  const graceDays = input.graceDays ?? DEFAULT_GRACE_DAYS;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const now = deps.clock.now();
    const today = todayIn(deps.company.timezone, now);
    const invoices = input.invoiceNumbers
      ? await Promise.all(
          input.invoiceNumbers.map(async (n) => {
            const inv = await deps.invoices.get(n);
            if (!inv) throw new NotFoundError(`invoice ${n} does not exist`, 'InvoiceNotFound');
            return inv;
          }),
        )
      : (await deps.invoices.openOfCustomer(customer.id))
          .filter((i) => i.currency === currency && i.dueDate < today && i.balance - (i.disputed ?? 0) > 0 && !i.paymentPlan)
          .sort((a, b) => a.dueDate.localeCompare(b.dueDate) || a.number.localeCompare(b.number));
    // The request on its day (the invoices it names, or "the overdue ones", and the instalments): a retry finds its plan.
    const planId = paymentPlanId(customer.id, clientKey ? ['key', clientKey.key] : ['plan', today, JSON.stringify(input.invoiceNumbers ?? 'overdue'), JSON.stringify(instalments)]);
    const existing = await deps.paymentPlans.get(customer.id, planId);
    if (existing) return viewNow(existing, deps, today);
    const { covered } = checkAgreement({ customerId: customer.id, currency, invoices, instalments, graceDays, today });
    const plan: PaymentPlan = {
      planId,
      customerId: customer.id,
      currency,
      invoices: invoices.map((i) => ({ invoiceNumber: i.number, balance: i.balance, atLevel: (i.dunningLevels ?? []).length })),
      covered,
      instalments,
      graceDays,
      agreedOn: today,
      agreedAt: now.toISOString(),
      agreedBy: actor,
      status: 'active',
    };
    const heldUntil = lastDayOf(plan, instalments[0]!);
    const changes: PlanInvoiceChange[] = invoices.map((invoice) => ({ invoice, hold: { planId, heldUntil, atLevel: (invoice.dunningLevels ?? []).length }, nextActionOn: addDays(heldUntil, 1) }));
    const audit: AuditEntry = {
      at: plan.agreedAt,
      on: today,
      actor,
      action: 'payment-plan.agree',
      entity: `customer:${customer.id}`,
      after: { planId, covered: m(covered, currency), invoices: invoices.map((i) => i.number), instalments: instalments.map((s) => ({ dueDate: s.dueDate, amount: m(s.amount, currency) })), graceDays },
      ...(input.reason ? { reason: input.reason } : {}),
    };
    const outcome = await deps.paymentPlans.agree(plan, changes, audit);
    if (outcome === 'changed') continue;
    const stored = (await deps.paymentPlans.get(customer.id, planId)) ?? plan;
    await sendConfirmation(stored, customer, deps);
    return planView(stored, planStanding(stored, 0, today), 0, today);
  }
  throw new ConcurrentUpdate(`the invoices of customer ${customer.id} kept changing while the payment plan was agreed; nothing was written`);
}

async function sendConfirmation(plan: PaymentPlan, customer: { readonly email: string; readonly name: string; readonly language: string }, deps: PaymentPlanDeps) {
  const money = (amount: number) => formatMoney({ amount, currency: plan.currency });
  const { iban, bic, bankName } = paymentInstructions({}, deps.company);
  const message = renderMessage('payment-plan-agreed', customer.language, {
    customerName: customer.name,
    companyName: deps.company.name,
    total: money(plan.covered),
    invoices: plan.invoices.map((i) => i.invoiceNumber),
    instalments: plan.instalments.map((s) => ({ dueDate: s.dueDate, amount: money(s.amount) })),
    graceDays: plan.graceDays,
    payment: { iban, bic, bankName },
  });
  await deps.mail.enqueue(mailTo(customer, `payment-plan:${plan.planId}`, message));
}

async function viewNow(plan: PaymentPlan, deps: Pick<PaymentPlanDeps, 'invoices'>, today: IsoDate) {
  const paid = paidTowards(plan, balanceMap(await balancesOf(plan, deps)));
  return planView(plan, planStanding(plan, paid, today), paid, today);
}

export async function paymentPlansOf(customerId: string, deps: PaymentPlanDeps) {
  if (!(await deps.customers.get(customerId))) throw new NotFoundError(`customer ${customerId} does not exist`, 'CustomerNotFound');
  const today = todayIn(deps.company.timezone, deps.clock.now());
  return { customerId, plans: await Promise.all((await deps.paymentPlans.ofCustomer(customerId)).map((p) => viewNow(p, deps, today))) };
}

/** The holds released: each open invoice resumes as after a broken promise on `until`, with its next action on `next`. */
function released(plan: PaymentPlan, invoices: readonly Invoice[], until: IsoDate, next: IsoDate, resume: boolean): PlanInvoiceChange[] {
  return invoices
    .filter((i) => i.paymentPlan?.planId === plan.planId)
    .map((invoice) => {
      const atLevel = plan.invoices.find((c) => c.invoiceNumber === invoice.number)?.atLevel ?? (invoice.dunningLevels ?? []).length;
      const promisedUntil = invoice.promisedUntil !== undefined && invoice.promisedUntil > until ? invoice.promisedUntil : until;
      return { invoice, hold: null, ...(resume && invoice.balance > 0 ? { resume: { promisedUntil, promisedAtLevel: atLevel }, nextActionOn: next } : {}) };
    });
}

export async function cancelPaymentPlan(input: { customerId: string; planId: string; reason: string }, actor: string, deps: PaymentPlanDeps) {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const plan = await deps.paymentPlans.get(input.customerId, input.planId);
    if (!plan) throw new NotFoundError(`payment plan ${input.planId} of customer ${input.customerId} does not exist`, 'PaymentPlanNotFound');
    if (plan.status !== 'active') throw new ConflictError(`the payment plan agreed on ${plan.agreedOn} is ${plan.status} already`, 'PaymentPlanEnded');
    const now = deps.clock.now();
    const today = todayIn(deps.company.timezone, now);
    const invoices = await balancesOf(plan, deps);
    const after: PaymentPlan = { ...plan, status: 'cancelled', endedOn: today, endReason: input.reason };
    const audit: AuditEntry = { at: now.toISOString(), on: today, actor, action: 'payment-plan.cancel', entity: `customer:${plan.customerId}`, before: { planId: plan.planId, status: plan.status }, after: { planId: plan.planId, status: 'cancelled' }, reason: input.reason };
    if ((await deps.paymentPlans.change(plan, after, released(plan, invoices, today, addDays(today, 1), true), audit)) === 'done') {
      const paid = paidTowards(plan, balanceMap(invoices));
      return planView(after, undefined, paid, today);
    }
  }
  throw new ConcurrentUpdate(`payment plan ${input.planId} kept changing while it was cancelled; nothing was written`);
}

export type ReviewDeps = Pick<PaymentPlanDeps, 'invoices' | 'paymentPlans'>;

/**
 * plan-dunning's look at the plans of invoices whose hold ended before `asOf`: returns those invoices as they are
 * after the review (held again, released after completion, or resumed after a missed instalment) and how many
 * plans broke.
 */
export async function reviewPaymentPlans(invoices: readonly Invoice[], asOf: IsoDate, at: string, deps: ReviewDeps): Promise<{ invoices: Map<string, Invoice>; broken: number }> {
  const ended = invoices.filter((i) => i.paymentPlan && i.paymentPlan.heldUntil < asOf);
  const plans = new Map<string, { customerId: string; planId: string }>();
  for (const i of ended) plans.set(i.paymentPlan!.planId, { customerId: i.customerId, planId: i.paymentPlan!.planId });
  const out = new Map<string, Invoice>();
  let broken = 0;
  for (const { customerId, planId } of plans.values()) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const plan = await deps.paymentPlans.get(customerId, planId);
      if (!plan) break; // never: a hold is written in its plan's transaction
      const covered = await balancesOf(plan, deps);
      if (plan.status !== 'active') {
        // A hold left by a plan that ended by another path: released, dunning goes on from where it stood.
        const changes = released(plan, covered, addDays(asOf, -1), asOf, true);
        if ((await deps.paymentPlans.change(plan, plan, changes)) !== 'done') continue;
        for (const c of changes) out.set(c.invoice.number, resumed(c));
        break;
      }
      const standing = planStanding(plan, paidTowards(plan, balanceMap(covered)), asOf);
      let changes: PlanInvoiceChange[];
      let after = plan;
      let audit: AuditEntry | undefined;
      if (standing.kind === 'kept') {
        changes = covered
          .filter((i) => i.paymentPlan?.planId === planId)
          .map((invoice) => ({ invoice, hold: { ...invoice.paymentPlan!, heldUntil: standing.heldUntil }, ...(invoice.balance > 0 ? { nextActionOn: addDays(standing.heldUntil, 1) } : {}) }));
      } else if (standing.kind === 'completed') {
        after = { ...plan, status: 'completed', endedOn: asOf, endReason: 'every instalment was paid' };
        changes = released(plan, covered, asOf, asOf, false);
        audit = { at, actor: 'dunning', action: 'payment-plan.completed', entity: `customer:${customerId}`, before: { planId, status: 'active' }, after: { planId, status: 'completed' }, reason: after.endReason! };
      } else {
        const amount = formatMoney({ amount: standing.missed.amount, currency: plan.currency });
        after = { ...plan, status: 'broken', endedOn: standing.on, endReason: `instalment ${standing.missedNumber} (${amount} due ${standing.missed.dueDate}) was not paid by ${lastDayOf(plan, standing.missed)}` };
        changes = released(plan, covered, addDays(standing.on, -1), standing.on, true);
        audit = { at, actor: 'dunning', action: 'payment-plan.broken', entity: `customer:${customerId}`, before: { planId, status: 'active' }, after: { planId, status: 'broken', paid: m(standing.paid, plan.currency) }, reason: after.endReason! };
      }
      if ((await deps.paymentPlans.change(plan, after, changes, audit)) !== 'done') continue;
      if (standing.kind === 'broken') broken++;
      for (const c of changes) out.set(c.invoice.number, resumed(c));
      break;
    }
  }
  return { invoices: out, broken };
}

/** The invoice as the change leaves it. */
function resumed(c: PlanInvoiceChange): Invoice {
  const { paymentPlan: _hold, ...rest } = c.invoice;
  return { ...rest, ...(c.hold ? { paymentPlan: c.hold } : {}), ...(c.resume ?? {}), ...(c.nextActionOn ? { nextActionOn: c.nextActionOn } : {}) };
}
