/**
 * Finance approves or rejects an order on credit hold.
 * 1. The order must exist (404) and be on credit hold (409 NotOnHold); the
 *    decision's fields must fit it (422): `upTo` and `until` together and only
 *    with approve, `until` from today up to a year ahead, `upTo` in the
 *    customer's limit currency and covering the exposure with this order;
 *    `reason` only with reject.
 * 2. A time-boxed approval is written on the customer first, audited (a retry
 *    of the same decision finds it there and writes nothing): later orders
 *    within it are approved by check-credit without a review until it expires.
 * 3. Answer the workflow's review wait (409 ReviewNotOpen / ReviewClosed),
 *    which then confirms or rejects the order in its own steps; a rejection
 *    tells the customer `reason` in their language, never the note.
 * 4. Record who decided, with the note, on the order's timeline.
 */
import { addDays, todayIn } from '#domain/dates';
import { formatMoney } from '#domain/money';
import type { CreditApproval } from '#domain/credit';
import { ConflictError, ValidationError } from '../errors.ts';
import type { Customers } from '../ports.ts';
import { answerWait, type AnswerWaitDeps } from './answer-wait.ts';
import { creditView, type CreditViewDeps } from './credit-view.ts';

export type CreditRefusalReason = 'credit-limit' | 'overdue-balance' | 'credit-history' | 'prepayment-required';

export interface CreditDecisionInput {
  readonly orderId: string;
  readonly decision: 'approve' | 'reject';
  readonly note?: string;
  /** With approve: the approval also covers the customer's later orders up to this exposure, until the end of `until`. */
  readonly upTo?: { readonly amount: number; readonly currency: string };
  readonly until?: string;
  /** With reject: what the customer is told (in their language). */
  readonly reason?: CreditRefusalReason;
  /** Who decided (IAM principal, or "finance key" locally). */
  readonly actor: string;
}

export type DecideCreditDeps = AnswerWaitDeps & CreditViewDeps & { readonly customers: Pick<Customers, 'get' | 'update' | 'account'> };

/** The longest a time-boxed approval may run. */
export const MAX_APPROVAL_DAYS = 366;

export async function decideCreditReview(input: CreditDecisionInput, deps: DecideCreditDeps): Promise<{ orderId: string; decision: 'approve' | 'reject'; approval?: CreditApproval }> {
  const { orderId, decision } = input;
  const onHold = (status: string) => (status === 'credit_hold' ? undefined : new ConflictError(`order ${orderId} is ${status}, not on credit hold`, 'NotOnHold'));
  const issues = fieldProblems(input);
  if (issues.length) throw new ValidationError(issues, 'the credit decision is incomplete');

  let approval: CreditApproval | undefined;
  if (input.upTo && input.until) {
    const view = await creditView({ orderId }, deps);
    const refusal = onHold(view.status);
    if (refusal) throw refusal;
    const today = todayIn(deps.company.timezone, deps.clock.now());
    approval = await grantApproval(input as Required<Pick<CreditDecisionInput, 'upTo' | 'until'>> & CreditDecisionInput, view, today, deps);
  }
  await answerWait(
    {
      orderId,
      kind: 'credit-review',
      precondition: (order) => onHold(order.status),
      answer: { output: { decision, note: input.note ?? '', ...(input.reason ? { reason: input.reason } : {}) } },
      notOpen: new ConflictError(`the review of order ${orderId} is not open yet; retry shortly`, 'ReviewNotOpen'),
      ended: new ConflictError(`the review of order ${orderId} has already ended`, 'ReviewClosed'),
      step: 'credit-decision',
      detail: `${decision} by ${input.actor}${approval ? ` up to ${formatMoney({ amount: approval.upTo, currency: approval.currency })} until ${approval.until}` : ''}${input.reason ? ` (${input.reason})` : ''}${input.note ? `: ${input.note}` : ''}`,
    },
    deps,
  );
  return { orderId, decision, ...(approval ? { approval } : {}) };
}

function fieldProblems(input: CreditDecisionInput): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  if ((input.upTo === undefined) !== (input.until === undefined)) out.push({ path: input.upTo ? 'until' : 'upTo', message: 'an approval beyond this order needs both an amount (upTo) and a last day (until)' });
  if (input.decision === 'reject' && (input.upTo || input.until)) out.push({ path: 'upTo', message: 'only an approval has an amount and a last day' });
  if (input.decision === 'approve' && input.reason) out.push({ path: 'reason', message: 'a reason is given only with a rejection' });
  return out;
}

async function grantApproval(
  input: CreditDecisionInput & { upTo: { amount: number; currency: string }; until: string },
  view: Awaited<ReturnType<typeof creditView>>,
  today: string,
  deps: DecideCreditDeps,
): Promise<CreditApproval> {
  const customer = await deps.customers.get(view.customer?.id ?? '');
  if (!customer) throw new ConflictError('o2c has no customer record for this order, so there is no account to approve: approve this order alone', 'NoCustomer');
  const problems: { path: string; message: string }[] = [];
  if (input.until < today) problems.push({ path: 'until', message: `${input.until} has passed (today is ${today})` });
  if (input.until > addDays(today, MAX_APPROVAL_DAYS)) problems.push({ path: 'until', message: `an approval may run at most ${MAX_APPROVAL_DAYS} days, until ${addDays(today, MAX_APPROVAL_DAYS)}` });
  if (input.upTo.currency !== customer.currency) problems.push({ path: 'upTo.currency', message: `the customer's credit is in ${customer.currency}, not ${input.upTo.currency}` });
  else if (input.upTo.amount < view.exposure.total) {
    const m = (amount: number) => formatMoney({ amount, currency: customer.currency });
    problems.push({ path: 'upTo.amount', message: `${m(input.upTo.amount)} does not cover this order: the customer's exposure with it is ${m(view.exposure.total)}` });
  }
  if (problems.length) throw new ValidationError(problems, 'the approval cannot be given');
  const at = deps.clock.now().toISOString();
  const approval: CreditApproval = { upTo: input.upTo.amount, currency: customer.currency, until: input.until, by: input.actor, at, orderId: view.orderId, ...(input.note ? { note: input.note } : {}) };
  const same = customer.creditApproval;
  if (same && same.orderId === approval.orderId && same.upTo === approval.upTo && same.until === approval.until) return same;
  await deps.customers.update(customer, { ...customer, creditApproval: approval }, {
    at,
    on: today,
    actor: input.actor,
    action: 'credit-approval',
    entity: `customer:${customer.id}`,
    ...(same ? { before: { creditApproval: same } } : {}),
    after: { creditApproval: approval },
    ...(input.note ? { reason: input.note } : {}),
  });
  return approval;
}
