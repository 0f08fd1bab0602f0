/**
 * Daily: carry out the dunning policy as of `asOf` (default today in the
 * company's zone) — one letter per customer and currency, the fees, the actions.
 * Steps 1–8 run per shard of the next-action index (`dunShard`; in AWS one
 * shard worker each, use-cases/run-dunning-shard): the index is sharded by
 * customer, so every invoice of a customer due for an action is in the one
 * shard and its one letter of the run is written there. Step 9 is once per run.
 *
 * 1. Only the open invoices whose next action date (`nextActionOn`, domain
 *    `nextActionDate`) has come by `asOf`, from the sparse, sharded
 *    next-action index (never a Scan, never the whole overdue book): invoices
 *    at their last level, with the agency or not yet due for a level are not
 *    read. A settled one found there leaves the index.
 * 1a. Invoices held by a payment plan whose instalment's last day has passed:
 *    the plan is reviewed (use-cases/payment-plans) — kept: held until the
 *    next instalment's last day; completed: released; missed: the plan is
 *    broken and the invoices resume from the level after the last one sent
 *    before the plan, in this run. A held invoice reads as under a promise.
 * 2. Each one's level (domain `levelDue`): the highest reached above the
 *    highest sent; pre-due levels only while not yet overdue; nothing while a
 *    promise to pay holds; an invoice wholly disputed is not chased (paused
 *    invoices stay in the index and are checked again each run, as do those of
 *    an exempt customer or one with the agency). One with no level yet (a
 *    promise holds, a missed pre-due level) moves to its next action date.
 * 3. Per customer: none for an unknown or exempt customer, or one handed to
 *    the agency (o2c sends nothing more). Per currency, the customer's
 *    unapplied cash and credit in its favour (from its statement as of the day)
 *    are netted against its oldest open amounts (`netAgainstOldest`); the
 *    invoices the credit covers drop out, and a letter asking for less than
 *    the policy's minimum is not sent (nothing is claimed, charged or done).
 * 4. Claim each invoice's level (one mark per invoice and level): a level
 *    queued before drops out, so a rerun sends nothing new.
 * 5. Charge each level's fee (once per invoice and level: a fee item written
 *    in the transaction of its entry and the invoice's new balance).
 * 6. Carry out the letter's action (credit hold, suspension, hand-over) on the
 *    customer, audited; a status only rises here.
 * 7. Queue one letter per customer and currency, saying whether an earlier
 *    reminder was really sent, the action done and the next escalation the
 *    policy will carry out (with its day); then confirm each claimed level,
 *    which moves the invoice's next action date to the level after it in the
 *    same write (none after the last level or the hand-over).
 * 8. Customers with an invoice at an overdue level in this run have their credit
 *    score recomputed (use-cases/rescore-customer).
 * 9. With mail and finance recipients configured, the collectors' worklist
 *    (`sendWorklist`, once the run's last shard is done): the customers written to, ranked by expected loss (domain/worklist: the
 *    overdue amount × a probability of loss from the new score), with the
 *    level, last contact, promises due within a week, disputes and the next
 *    action, as text and CSV, once per day (mail key `worklist:<asOf>`).
 * A run that dies anywhere is repeated by the next: pending claims are queued
 * again under the same mail key (per customer, day and level set), fees and
 * actions find themselves done.
 */
import { addDays, todayIn } from '#domain/dates';
import {
  announcedEscalation,
  feeFor,
  isBusiness,
  letterLevel,
  levelById,
  levelDate,
  levelDue,
  minimumOverdue,
  nextActionDate,
  netAgainstOldest,
  raisedStatus,
  type DunningAction,
  type DunningLevel,
  type DunningPolicy,
} from '#domain/dunning';
import { lateFeeEntry } from '#domain/ledger';
import { heldPromise } from '#domain/payment-plans';
import type { OpenItem } from '#domain/statement';
import type { Invoice, InvoiceFee, IsoDate } from '#domain/model';
import { formatMoney, sumAmounts } from '#domain/money';
import { rankWorklist, worklistCsv, type WorklistEntry } from '#domain/worklist';
import { renderMessage } from '#messages';
import { ConcurrentUpdate } from '../errors.ts';
import type { Clock, Company, Customers, Disputes, DunningMarks, DunningShardCounts, Invoices, Mail, Metrics, Outbox, PaymentPlans, Payments, RefundRequests, ReminderRequest, StoredCustomer } from '../ports.ts';
import { reviewPaymentPlans, type ReviewDeps } from './payment-plans.ts';
import { statementOf } from './customer-statement.ts';
import { rescoreCustomer } from './rescore-customer.ts';

export interface PlanDunningDeps {
  readonly invoices: Invoices;
  readonly customers: Pick<Customers, 'get' | 'update' | 'account'>;
  readonly payments: Pick<Payments, 'ofCustomer'>;
  readonly disputes: Pick<Disputes, 'ofInvoice'>;
  readonly refundRequests: Pick<RefundRequests, 'get'>;
  readonly dunning: DunningMarks;
  /** Payment plans of the invoices read (step 1a); absent: no plan is looked at. */
  readonly paymentPlans?: PaymentPlans;
  readonly reminderQueue: Outbox<ReminderRequest>;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly company: Company;
  readonly policy: DunningPolicy;
  /** For the collectors' worklist (step 9); absent: none is sent. */
  readonly mail?: Mail;
  readonly financeRecipients?: readonly string[];
}

export interface DunningRun {
  readonly asOf: IsoDate;
  /** Open invoices read from the next-action index. */
  readonly read: number;
  readonly letters: number;
  readonly invoices: number;
  readonly fees: number;
  readonly actions: number;
  /** Payment plans broken in this run (an instalment missed): their invoices are chased again. */
  readonly plansBroken?: number;
}

/** Customers (and index moves, confirmations, rescores) worked on at once: a pool, so one slow customer never holds up the others. */
export const IN_PARALLEL = 32;
const ACTION_ORDER: readonly DunningAction[] = ['credit-hold', 'suspend', 'hand-to-agency'];

/** `fn` over every item with at most `limit` calls in flight (a worker pool: each worker takes the next item as soon as it is free); results in input order. */
export async function inPool<T, R>(items: readonly T[], fn: (item: T) => Promise<R>, limit = IN_PARALLEL): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** What a shard of a run did (steps 1–8), with the worklist lines of the customers it wrote to (their new scores). */
export interface ShardOutcome extends DunningShardCounts {
  readonly worklist: WorklistEntry[];
  /**
   * Records each claimed level as sent and moves its invoice's next action past the run's day: call it once the
   * shard's counts and worklist are recorded. Before it, the invoices are still due in the index, so a redelivery
   * after a crash reads them again (their claims pending: the same letters under the same mail keys, no second
   * email) and records what the first delivery did; after it, a redelivery reads nothing more and adds nothing.
   */
  readonly confirm: () => Promise<void>;
}

/**
 * The whole run in one call: steps 1–8 over every shard of the next-action index at once, then the worklist
 * (step 9). In AWS a run is fanned out instead (use-cases/start-dunning-run, one run-dunning-shard per shard);
 * the tests and the local one-process callers run it whole.
 */
export async function planDunning(input: { asOf?: IsoDate }, deps: PlanDunningDeps): Promise<DunningRun> {
  const asOf = input.asOf ?? todayIn(deps.company.timezone, deps.clock.now());
  const outcome = await dunShard({ asOf }, deps);
  await outcome.confirm();
  await sendWorklist(asOf, outcome.worklist, deps);
  const { worklist: _, confirm: __, plansBroken, ...counts } = outcome;
  return { asOf, ...counts, ...(plansBroken > 0 ? { plansBroken } : {}) };
}

/** Steps 1–8 for one shard of the next-action index (`shard`), or for all of them (none). */
export async function dunShard(input: { asOf: IsoDate; shard?: number }, deps: PlanDunningDeps): Promise<ShardOutcome> {
  const { policy } = deps;
  const { asOf } = input;
  const at = deps.clock.now().toISOString();
  const read = await deps.invoices.dueForAction(addDays(asOf, 1), input.shard);
  // Payment plans whose instalment's last day has passed: kept (held on), completed or broken (dunning resumes).
  const reviewed = deps.paymentPlans ? await reviewPaymentPlans(read, asOf, at, deps as ReviewDeps) : { invoices: new Map<string, Invoice>(), broken: 0 };
  const open = read.map((inv) => reviewed.invoices.get(inv.number) ?? inv);
  const moves: { invoice: Invoice; on: IsoDate | null }[] = [];
  const due = open.flatMap((inv) => {
    if (inv.balance <= 0) {
      moves.push({ invoice: inv, on: null }); // settled while its item was being moved: it leaves the index
      return [];
    }
    if (inv.balance - (inv.disputed ?? 0) <= 0) return [];
    const level = levelDue(policy, { ...levelInputOf(inv), asOf });
    if (level) return [{ invoice: inv, level }];
    const next = nextActionDate(policy, levelInputOf(inv), addDays(asOf, 1));
    if (next === null || next > asOf) moves.push({ invoice: inv, on: next });
    return [];
  });
  await inPool(moves, (m) => deps.invoices.scheduleNext(m.invoice, m.on));
  const byCustomer = new Map<string, { invoice: Invoice; level: DunningLevel }[]>();
  for (const d of due) byCustomer.set(d.invoice.customerId, [...(byCustomer.get(d.invoice.customerId) ?? []), d]);

  const letters: ReminderRequest[] = [];
  const claimed: { invoice: Invoice; level: string; next: IsoDate | null }[] = [];
  const worklist: WorklistEntry[] = [];
  let fees = 0;
  let actions = 0;
  await inPool([...byCustomer], async ([customerId, items]) => {
    const customer = await deps.customers.get(customerId);
    // Kept in the index (looked at again each run): finance may lift the status or the exemption.
    if (!customer || customer.dunningExempt || customer.collectionsStatus === 'with-agency') return;
    const statement = await statementOf(customer, asOf, deps);
    for (const currency of [...new Set(items.map((i) => i.invoice.currency))].sort()) {
      const section = statement.currencies.find((c) => c.currency === currency);
      const credit = section ? section.unapplied + section.customerCredit : 0;
      const netted = netAgainstOldest(section?.openItems ?? [], credit);
      const chased = new Map(netted.map((n) => [n.item.invoiceNumber, n.chased]));
      const inLetter = items.filter((i) => i.invoice.currency === currency && (chased.get(i.invoice.number) ?? 0) > 0);
      if (sumAmounts(inLetter.map((i) => chased.get(i.invoice.number)!)) < minimumOverdue(policy, currency)) continue;
      const claims = await Promise.all(inLetter.map((i) => deps.dunning.claim(i.invoice.number, i.level.id, asOf, at)));
      const letter = inLetter.filter((_, n) => claims[n] !== 'queued');
      if (letter.length === 0) continue;
      for (const i of letter) if (await chargeFeeOnce(i.invoice.number, i.level, isBusiness(customer), asOf, deps)) fees++;
      const action = mostSevere(letter.map((i) => i.level.action));
      if (action && (await carryOut(customer.id, action, letterLevel(policy, letter.map((i) => i.level.id)).id, asOf, at, deps))) actions++;
      letters.push(letterOf(customer, currency, asOf, letter, action, policy));
      worklist.push(worklistEntry(customer, section?.openItems ?? [], letter, asOf, policy));
      claimed.push(...letter.map((i) => ({ invoice: i.invoice, level: i.level.id, next: nextActionDate(policy, { ...levelInputOf(i.invoice), sent: [...(i.invoice.dunningLevels ?? []), i.level.id] }, addDays(asOf, 1)) })));
    }
  });
  if (letters.length > 0) await deps.reminderQueue.sendMany(letters);
  const overdue = [...new Set(letters.filter((l) => l.items.some((i) => (levelById(policy, i.level)?.offsetDays ?? 0) > 0)).map((l) => l.customerId))];
  const scores = new Map(await inPool(overdue, async (customerId) => [customerId, (await rescoreCustomer({ customerId, asOf, cause: `dunning as of ${asOf}` }, deps))?.score] as const));
  deps.metrics.count('DunningLetters', letters.length);
  deps.metrics.count('LateFeesCharged', fees);
  return {
    read: open.length,
    letters: letters.length,
    invoices: claimed.length,
    fees,
    actions,
    plansBroken: reviewed.broken,
    worklist: worklist.map((e) => ({ ...e, riskScore: scores.get(e.customerId) ?? e.riskScore })),
    confirm: async () => void (await inPool(claimed, (c) => deps.dunning.confirmQueued(c.invoice, c.level, at, c.next))),
  };
}

/** Step 9: with mail and finance recipients configured, the collectors' worklist of these lines, ranked, once per day (mail key `worklist:<asOf>`); false when none is sent. */
export async function sendWorklist(asOf: IsoDate, worklist: readonly WorklistEntry[], deps: Pick<PlanDunningDeps, 'mail' | 'financeRecipients'>): Promise<boolean> {
  if (!deps.mail || !deps.financeRecipients?.length || worklist.length === 0) return false;
  const ranked = rankWorklist(worklist);
  const money = (currency: string, amount: number) => formatMoney({ amount, currency });
  const message = renderMessage('collectors-worklist', 'en', {
    asOf,
    rows: ranked.map((r) => ({
      rank: r.rank,
      customerName: r.customerName,
      customerId: r.customerId,
      overdue: money(r.currency, r.overdue),
      expectedLoss: money(r.currency, r.expectedLoss),
      riskScore: r.riskScore,
      probability: `${(r.probabilityPpm / 10_000).toFixed(1)}%`,
      level: r.level,
      lastContact: r.lastContact ? `${r.lastContact.level} (reached ${r.lastContact.on})` : null,
      promisesDue: r.promisesDue.length ? r.promisesDue.map((p) => `${p.invoiceNumber} by ${p.promisedUntil}`).join(', ') : null,
      disputes: r.openDisputes ? `${r.openDisputes} open, ${money(r.currency, r.disputed)}` : null,
      nextAction: r.nextAction,
    })),
  });
  await deps.mail.enqueue({
    key: `worklist:${asOf}`,
    to: deps.financeRecipients,
    subject: message.subject,
    text: message.text,
    attachments: [{ filename: `worklist-${asOf}.csv`, contentType: 'text/csv', contentBase64: Buffer.from(worklistCsv(ranked, asOf), 'utf8').toString('base64') }],
  });
  return true;
}

/** A customer's line on the worklist: its overdue undisputed amount in the letter's currency, today's level, the level before, promises, disputes, the next action. */
function worklistEntry(customer: StoredCustomer, openItems: readonly OpenItem[], letter: readonly { invoice: Invoice; level: DunningLevel }[], asOf: IsoDate, policy: DunningPolicy): WorklistEntry {
  const overdue = openItems.filter((i) => i.daysOverdue > 0);
  const earlier = letter.flatMap((i) => {
    const before = (i.invoice.dunningLevels ?? []).map((id) => levelById(policy, id)).filter((l): l is DunningLevel => l !== undefined && l.id !== i.level.id);
    const last = before.at(-1);
    return last ? [{ level: last.id, on: levelDate(i.invoice.dueDate, last) }] : [];
  });
  const next = letter.map((i) => nextActionDate(policy, { ...levelInputOf(i.invoice), sent: [...(i.invoice.dunningLevels ?? []), i.level.id] }, addDays(asOf, 1))).filter((d): d is IsoDate => d !== null).sort();
  const week = addDays(asOf, 7);
  return {
    customerId: customer.id,
    customerName: customer.name,
    email: customer.email,
    currency: letter[0]!.invoice.currency,
    overdue: sumAmounts(overdue.map((i) => Math.max(0, i.balance - i.disputed))),
    riskScore: customer.riskScore,
    level: letterLevel(policy, letter.map((i) => i.level.id)).id,
    lastContact: earlier.sort((a, b) => b.on.localeCompare(a.on))[0] ?? null,
    promisesDue: openItems.filter((i) => i.promisedUntil !== undefined && i.promisedUntil <= week).map((i) => ({ invoiceNumber: i.invoiceNumber, promisedUntil: i.promisedUntil! })),
    openDisputes: openItems.filter((i) => i.disputed > 0).length,
    disputed: sumAmounts(openItems.map((i) => i.disputed)),
    nextAction: next[0] ?? null,
  };
}

/** What the policy's level rules read of an invoice (a payment plan's hold reads as a promise to pay until its instalment's last day). */
function levelInputOf(inv: Invoice) {
  return { dueDate: inv.dueDate, sent: inv.dunningLevels ?? [], ...heldPromise(inv) };
}

function mostSevere(list: readonly (DunningAction | undefined)[]): DunningAction | undefined {
  return [...ACTION_ORDER].reverse().find((a) => list.includes(a));
}

/** The letter's message: its items, what was sent before (truthfully), the action and the next escalation. */
function letterOf(customer: StoredCustomer, currency: string, asOf: IsoDate, letter: readonly { invoice: Invoice; level: DunningLevel }[], action: DunningAction | undefined, policy: DunningPolicy): ReminderRequest {
  const level = letterLevel(policy, letter.map((i) => i.level.id));
  // "Despite our earlier reminders" only when an overdue level's letter was queued for one of these invoices before this run.
  const earlierReminder = letter.some((i) => (i.invoice.dunningLevels ?? []).some((id) => id !== i.level.id && (levelById(policy, id)?.offsetDays ?? 0) > 0));
  const escalation = announcedEscalation(policy, level, letter.filter((i) => i.level.id === level.id).map((i) => i.invoice.dueDate), asOf);
  const items = letter.map((i) => ({ invoiceNumber: i.invoice.number, level: i.level.id })).sort((a, b) => a.invoiceNumber.localeCompare(b.invoiceNumber));
  return {
    customerId: customer.id,
    currency,
    asOf,
    items,
    earlierReminder,
    ...(action ? { action } : {}),
    ...(escalation ? { escalation } : {}),
    key: `dunning:${customer.id}:${currency}:${asOf}:${items.map((i) => `${i.invoiceNumber}@${i.level}`).join(',')}`,
  };
}

/**
 * The level's fee on the invoice, charged at most once: read the invoice, stop when this level's fee is on it
 * (or none is due), else write the fee with its entry and the new balance guarded by the balance read; a lost
 * race reads again. True when this call charged it.
 */
async function chargeFeeOnce(invoiceNumber: string, level: DunningLevel, business: boolean, asOf: IsoDate, deps: PlanDunningDeps): Promise<boolean> {
  if (!level.fee && !level.interest) return false;
  for (let attempt = 0; attempt < 6; attempt++) {
    const invoice = await deps.invoices.get(invoiceNumber);
    if (!invoice || invoice.balance <= 0 || (invoice.fees ?? []).some((f) => f.level === level.id)) return false;
    const earlier = invoice.fees ?? [];
    // The debt the fee is reckoned on: what is owed and not disputed, without the fees charged before.
    const debt = Math.max(0, invoice.balance - (invoice.disputed ?? 0) - sumAmounts(earlier.map((f) => f.amount)));
    const charge = feeFor({ level, policy: deps.policy, business, currency: invoice.currency, dueDate: invoice.dueDate, asOf, debt, earlier });
    if (!charge) return false;
    const fee: InvoiceFee = { ...charge, on: asOf };
    const outcome = await deps.invoices.chargeFee({ before: invoice, fee, entry: lateFeeEntry(invoice, fee) });
    if (outcome === 'charged') return true;
    if (outcome === 'exists') return false;
    await deps.clock.sleep(10 * 2 ** attempt);
  }
  throw new ConcurrentUpdate(`invoice ${invoiceNumber} kept changing while its late fee was charged; the next run charges it`);
}

/** Raises the customer's collections status for the action (audited); false when it is there already. */
async function carryOut(customerId: string, action: DunningAction, level: string, asOf: IsoDate, at: string, deps: PlanDunningDeps): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const before = await deps.customers.get(customerId);
    if (!before) return false;
    const status = raisedStatus(before.collectionsStatus, action);
    if (!status) return false;
    const after: StoredCustomer = { ...before, collectionsStatus: status, collectionsSince: asOf, collectionsLevel: level };
    try {
      await deps.customers.update(before, after, {
        at,
        actor: 'dunning',
        action: `customer.${action}`,
        entity: `customer:${customerId}`,
        before: { collectionsStatus: before.collectionsStatus ?? 'none' },
        after: { collectionsStatus: status, since: asOf, level },
        reason: `dunning level ${level} reached as of ${asOf}`,
      });
      return true;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdate)) throw error;
      await deps.clock.sleep(10 * 2 ** attempt);
    }
  }
  throw new ConcurrentUpdate(`customer ${customerId} kept changing while dunning set its status; the next run sets it`);
}
