/**
 * Finance confirms a match the cascade was not sure enough to carry out (a
 * proposal kept on the payment of a bank credit).
 *
 * 1. The import must exist and list the payment (404), the payment must be
 *    applied (404: still being matched) and hold a proposal that was not
 *    carried out automatically (409 with the reason).
 * 2. Every proposed application was confirmed before (its allocation key is
 *    claimed)? 409 "already applied", nothing written.
 * 3. Each proposed application not yet done moves the payment's unapplied cash
 *    to its invoice through `allocateUnappliedCash` (Dr unapplied cash / Cr
 *    receivable, audited with the person who confirmed), under a key derived
 *    from the payment and the invoice: a crash between two applications, or a
 *    second concurrent call, writes each one once.
 * 4. A proposed early-payment discount is not granted here: the invoice keeps
 *    that amount open, and the answer says so (a credit note grants it).
 * 5. The proposal's deduction (a short payment) is opened as a `short-payment`
 *    dispute, keyed by the payment (the key apply-payment uses): once.
 * 6. The confirmation itself is audited once on the payment (who, when, what).
 *
 * Or finance turns it down (`rejectProposal`), with a reason:
 * 1. The same checks (404); no proposal, one applied automatically, one
 *    already confirmed (in part) or already rejected: 409, nothing written.
 * 2. The rejection (who, when, why) is kept on the payment's match in one
 *    transaction with the audit line (`payment.proposal.reject`), guarded by the
 *    unapplied cash read and the proposal still undecided: a concurrent confirm
 *    or reject makes it a 409.
 * 3. Nothing is applied: the payment keeps all its cash as unapplied cash — on
 *    its customer when the customer was known for sure (IBAN, a quoted invoice);
 *    a customer only guessed from the payer's name is let go, and the cash goes
 *    to the unassigned list (`GET /finance/unapplied-cash`) for finance to place.
 */
import { todayIn } from '#domain/dates';
import type { Money } from '#domain/model';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { Audit, BankImports, Clock, Company, Disputes, PayerDirectory, Payments, StoredPayment } from '../ports.ts';
import { openInvoiceDispute } from './disputes.ts';
import { ALLOCATION_KEYS, allocateUnappliedCash, type UnappliedCashDeps } from './unapplied-cash.ts';

export interface ConfirmProposalDeps extends Omit<UnappliedCashDeps, 'company'> {
  readonly company: Company;
  readonly bankImports: BankImports;
  readonly disputes: Disputes;
  readonly audit: Audit;
  /** Where the payer's IBAN is remembered once finance confirmed whose the payment is. */
  readonly payers?: Pick<PayerDirectory, 'remember'>;
}

/** The key an application of a confirmed proposal is claimed under (scope: the payment's allocations). */
export const proposalKey = (paymentId: string, invoiceNumber: string) => `proposal:${paymentId}:${invoiceNumber}`;

export interface ConfirmedProposal {
  readonly paymentId: string;
  readonly applied: readonly { readonly invoiceNumber: string; readonly amount: Money }[];
  readonly unapplied: Money;
  /** Early-payment discounts the proposal counted on: not granted by the confirmation (issue a credit note). */
  readonly discountsNotGranted: readonly { readonly invoiceNumber: string; readonly amount: Money; readonly note: string }[];
  readonly deduction?: { readonly invoiceNumber: string; readonly amount: Money; readonly disputeId: string };
}

async function proposedPayment(importId: string, paymentId: string, deps: { readonly bankImports: BankImports; readonly payments: Pick<Payments, 'get'> }): Promise<StoredPayment> {
  const record = await deps.bankImports.get(importId);
  if (!record) throw new NotFoundError(`bank-statement import ${importId} does not exist`, 'BankImportNotFound');
  if (!(await deps.bankImports.paymentIdsOf(record)).includes(paymentId)) throw new NotFoundError(`payment ${paymentId} is not a credit of bank-statement import ${importId}`, 'BankImportItemNotFound');
  const payment = await deps.payments.get(paymentId);
  if (!payment) throw new NotFoundError(`payment ${paymentId} is still being matched; try again shortly`, 'PaymentNotFound');
  return payment;
}

export async function confirmProposal(input: { readonly importId: string; readonly paymentId: string }, actor: string, deps: ConfirmProposalDeps): Promise<ConfirmedProposal> {
  const payment = await proposedPayment(input.importId, input.paymentId, deps);
  const proposal = payment.match?.proposal;
  if (payment.match?.rejected) throw new ConflictError(`the proposal for payment ${payment.externalId} was rejected by ${payment.match.rejected.by}: apply its unapplied cash by hand`, 'ProposalRejected');
  if (!proposal || payment.match?.auto) {
    throw new ConflictError(payment.match?.auto ? `payment ${payment.externalId} was applied automatically: there is no proposal to confirm` : `payment ${payment.externalId} has no proposed match to confirm; apply its unapplied cash by hand`, 'NoProposal');
  }
  const money = (amount: number) => ({ amount, currency: payment.currency });
  const keyed = proposal.applications.map((a) => ({ ...a, key: proposalKey(payment.id, a.invoiceNumber) }));
  const done = await Promise.all(keyed.map((a) => deps.requestKeys.find(`${ALLOCATION_KEYS}:${payment.id}`, a.key)));
  if (keyed.length > 0 && done.every((d) => d !== undefined)) throw new ConflictError(`the proposal for payment ${payment.externalId} was already applied`, 'ProposalAlreadyApplied');
  let after = payment;
  for (const [i, a] of keyed.entries()) {
    if (done[i]) continue;
    after = await allocateUnappliedCash({ paymentId: payment.id, invoiceNumber: a.invoiceNumber, amount: money(a.amount) }, actor, deps, { key: a.key, bodyHash: a.key });
  }
  // Finance confirmed whose money it is: the payer's IBAN names that customer from now on.
  if (payment.payerIban && after.customerId) await deps.payers?.remember({ iban: payment.payerIban, customerId: after.customerId, seenOn: payment.receivedOn, paymentId: payment.id });
  const deduction = proposal.deduction;
  const dispute = deduction
    ? await openInvoiceDispute(
        { invoiceNumber: deduction.invoiceNumber, amount: money(deduction.amount), reason: `short-payment: payment ${payment.externalId} paid less than was due (confirmed by ${actor})` },
        actor,
        deps,
        { key: `deduction:${payment.id}`, bodyHash: `deduction:${payment.id}` },
      )
    : undefined;
  await deps.audit.recordOnce({
    at: deps.clock.now().toISOString(),
    on: todayIn(deps.company.timezone, deps.clock.now()),
    actor,
    action: 'payment.proposal.confirm',
    entity: `payment:${payment.id}`,
    before: { unapplied: money(payment.unapplied), matchedBy: payment.match?.matchedBy, confidence: payment.match?.confidence },
    after: { unapplied: money(after.unapplied), applications: proposal.applications.map((a) => ({ invoiceNumber: a.invoiceNumber, amount: money(a.amount) })), ...(dispute ? { disputeId: dispute.disputeId } : {}) },
    reason: `bank-statement import ${input.importId}`,
  });
  return {
    paymentId: payment.id,
    applied: proposal.applications.map((a) => ({ invoiceNumber: a.invoiceNumber, amount: money(a.amount) })),
    unapplied: money(after.unapplied),
    discountsNotGranted: proposal.discounts.map((d) => ({ invoiceNumber: d.invoiceNumber, amount: money(d.amount), note: `the early-payment discount is not granted by confirming: issue a credit note on ${d.invoiceNumber} to grant it` })),
    ...(deduction && dispute ? { deduction: { invoiceNumber: deduction.invoiceNumber, amount: money(deduction.amount), disputeId: dispute.disputeId } } : {}),
  };
}

/** A proposal as the import's view lists it: still waiting while one of its applications is not done. */
export function proposalsOf(payments: readonly StoredPayment[]) {
  return payments
    .filter((p) => p.match && !p.match.auto && !p.match.rejected && p.match.proposal && p.match.proposal.applications.length > 0)
    .filter((p) => p.match!.proposal!.applications.some((a) => !(p.applications ?? []).some((e) => e.kind === 'allocation' && e.invoiceNumber === a.invoiceNumber)))
    .map((p) => {
      const money = (amount: number) => ({ amount, currency: p.currency });
      const m = p.match!;
      return {
        paymentId: p.id,
        amount: money(p.amount),
        receivedOn: p.receivedOn,
        invoices: m.proposal!.applications.map((a) => ({ invoiceNumber: a.invoiceNumber, amount: money(a.amount) })),
        ...(m.proposal!.discounts.length > 0 ? { discounts: m.proposal!.discounts.map((d) => ({ invoiceNumber: d.invoiceNumber, amount: money(d.amount) })) } : {}),
        ...(m.proposal!.deduction ? { deduction: { invoiceNumber: m.proposal!.deduction.invoiceNumber, amount: money(m.proposal!.deduction.amount) } } : {}),
        matchedBy: m.matchedBy,
        confidence: m.confidence,
        reason: m.reason,
        evidence: m.evidence,
      };
    });
}

export interface RejectedProposal {
  readonly paymentId: string;
  readonly rejected: { readonly by: string; readonly at: string; readonly reason: string };
  /** All of the payment's cash, still unapplied. */
  readonly unapplied: Money;
  /** Whose unapplied cash it stays (absent: on the unassigned list). */
  readonly customerId?: string;
}

export interface RejectProposalDeps {
  readonly bankImports: BankImports;
  readonly payments: Pick<Payments, 'get' | 'rejectProposal'>;
  readonly requestKeys: ConfirmProposalDeps['requestKeys'];
  readonly clock: Clock;
}

export async function rejectProposal(input: { readonly importId: string; readonly paymentId: string; readonly reason: string }, actor: string, deps: RejectProposalDeps): Promise<RejectedProposal> {
  const payment = await proposedPayment(input.importId, input.paymentId, deps);
  const match = payment.match;
  if (match?.rejected) throw new ConflictError(`the proposal for payment ${payment.externalId} was already rejected by ${match.rejected.by}`, 'ProposalAlreadyRejected');
  if (!match?.proposal || match.auto) {
    throw new ConflictError(match?.auto ? `payment ${payment.externalId} was applied automatically: there is no proposal to reject` : `payment ${payment.externalId} has no proposed match to reject`, 'NoProposal');
  }
  const done = await Promise.all(match.proposal.applications.map((a) => deps.requestKeys.find(`${ALLOCATION_KEYS}:${payment.id}`, proposalKey(payment.id, a.invoiceNumber))));
  if (done.some((d) => d !== undefined)) throw new ConflictError(`the proposal for payment ${payment.externalId} was already confirmed: move the cash back by hand if it was wrong`, 'ProposalAlreadyApplied');
  const releaseCustomer = match.customerBy === 'name' && payment.customerId !== undefined;
  const at = deps.clock.now().toISOString();
  const rejection = { by: actor, at, reason: input.reason, ...(releaseCustomer ? { customerReleased: payment.customerId! } : {}) };
  const money = (amount: number) => ({ amount, currency: payment.currency });
  const written = await deps.payments.rejectProposal({
    before: payment,
    rejection,
    releaseCustomer,
    audit: {
      at,
      actor,
      action: 'payment.proposal.reject',
      entity: `payment:${payment.id}`,
      before: { unapplied: money(payment.unapplied), matchedBy: match.matchedBy, confidence: match.confidence, proposal: match.proposal.applications.map((a) => ({ invoiceNumber: a.invoiceNumber, amount: money(a.amount) })), ...(payment.customerId ? { customerId: payment.customerId } : {}) },
      after: { unapplied: money(payment.unapplied), ...(releaseCustomer ? { customerId: null } : payment.customerId ? { customerId: payment.customerId } : {}) },
      reason: `${input.reason} (bank-statement import ${input.importId})`,
    },
  });
  if (written === 'changed') throw new ConflictError(`payment ${payment.externalId} changed while its proposal was being rejected: look at it again`, 'ProposalChanged');
  return {
    paymentId: payment.id,
    rejected: { by: actor, at, reason: input.reason },
    unapplied: money(payment.unapplied),
    ...(payment.customerId && !releaseCustomer ? { customerId: payment.customerId } : {}),
  };
}
