/**
 * Finance moves a payment's unapplied cash.
 *
 * Apply to an invoice: 1. A retried request (same Idempotency-Key and body)
 *   answers as the first did; another body under the key is a 409. 2. The
 *   payment and the invoice must exist (404). 3. The domain checks currency,
 *   owner, what is unapplied and what the invoice still owes (409 with the
 *   reason) and decides the move: Dr unapplied cash / Cr receivable. 4. One
 *   transaction writes the payment's and the invoice's new state (each guarded
 *   by what was read), the entry, the audit line and the key; a concurrent
 *   change makes it read again, a few times, then 409.
 * Pay back: the same course, without an invoice: Dr unapplied cash / Cr cash.
 */
import { cashSource, METRIC } from '#domain/figures';
import { todayIn } from '#domain/dates';
import type { Money, PaymentEvent } from '#domain/model';
import { allocateUnapplied, refundUnapplied } from '#domain/unapplied';
import { ConcurrentUpdate, ConflictError, NotFoundError } from '../errors.ts';
import type { AuditEntry, Clock, Company, Invoices, Payments, RequestKeys, StoredPayment, UnappliedMove } from '../ports.ts';
import type { ClientKey } from './adjust-invoice.ts';

export interface UnappliedCashDeps {
  readonly payments: Payments;
  readonly invoices: Invoices;
  readonly requestKeys: RequestKeys;
  readonly clock: Clock;
  readonly company: Pick<Company, 'timezone'>;
}

/** Idempotency-Key scopes of the two moves. */
export const ALLOCATION_KEYS = 'payment-allocations';
export const CASH_REFUND_KEYS = 'payment-refunds';
const MAX_REREADS = 5;

/** A payment as the finance API answers it (money as `{ amount, currency }`). */
export const paymentView = (p: StoredPayment) => {
  const money = (amount: number) => ({ amount, currency: p.currency });
  return {
    paymentId: p.id,
    source: p.source,
    externalId: p.externalId,
    receivedOn: p.receivedOn,
    amount: money(p.amount),
    unapplied: money(p.unapplied),
    ...(p.customerId ? { customerId: p.customerId } : {}),
    ...(p.payerReference ? { payerReference: p.payerReference } : {}),
    ...(p.remittance ? { remittance: p.remittance } : {}),
    allocations: p.allocations.map((a) => ({ invoiceNumber: a.invoiceId, amount: money(a.amount), on: p.receivedOn })),
    moves: (p.applications ?? []).map((e: PaymentEvent) => ({ on: e.on, kind: e.kind, amount: money(e.amount), ...(e.invoiceNumber ? { invoiceNumber: e.invoiceNumber } : {}), ...(e.reason ? { reason: e.reason } : {}) })),
  };
};

async function paymentOf(paymentId: string, deps: UnappliedCashDeps): Promise<StoredPayment> {
  const payment = await deps.payments.get(paymentId);
  if (!payment) throw new NotFoundError(`payment ${paymentId} does not exist (a payment just recorded is applied within seconds; try again shortly)`, 'PaymentNotFound');
  return payment;
}

const keyReused = () => new ConflictError('Idempotency-Key was used before with a different body', 'IdempotencyKeyReused');

/** Runs `attempt` on fresh readings until it is written, replayed or refused. */
async function withRereads(kind: string, paymentId: string, deps: UnappliedCashDeps, clientKey: ClientKey | undefined, attempt: (payment: StoredPayment, key: UnappliedMove['requestKey']) => Promise<UnappliedMove>): Promise<StoredPayment> {
  // A key names one request on one payment: the same key on another payment is another request.
  const scope = `${kind}:${paymentId}`;
  if (clientKey) {
    const prior = await deps.requestKeys.find(scope, clientKey.key);
    if (prior) {
      if (prior.bodyHash !== clientKey.bodyHash) throw keyReused();
      return paymentOf(String(prior.answer), deps);
    }
  }
  const at = deps.clock.now().toISOString();
  const requestKey = clientKey ? { scope, key: clientKey.key, bodyHash: clientKey.bodyHash, at } : undefined;
  for (let reread = 0; reread < MAX_REREADS; reread++) {
    const payment = await paymentOf(paymentId, deps);
    const result = await deps.payments.moveUnapplied(await attempt(payment, requestKey));
    if (result.kind === 'key-reused') throw keyReused();
    if (result.kind !== 'changed') return paymentOf(result.kind === 'replayed' ? result.answer : paymentId, deps);
    await deps.clock.sleep(20 * (reread + 1));
  }
  throw new ConcurrentUpdate(`payment ${paymentId} kept changing; nothing was written, try again`);
}

const audited = (payment: StoredPayment, action: string, at: string, actor: string, after: Record<string, unknown>, reason?: string, on?: string): AuditEntry => ({
  at,
  ...(on ? { on } : {}),
  actor,
  action,
  entity: `payment:${payment.id}`,
  before: { unapplied: { amount: payment.unapplied, currency: payment.currency }, ...(payment.customerId ? { customerId: payment.customerId } : {}) },
  after,
  ...(reason ? { reason } : {}),
});

export async function allocateUnappliedCash(input: { paymentId: string; invoiceNumber: string; amount: Money }, actor: string, deps: UnappliedCashDeps, clientKey?: ClientKey): Promise<StoredPayment> {
  return withRereads(ALLOCATION_KEYS, input.paymentId, deps, clientKey, async (payment, requestKey) => {
    const invoice = await deps.invoices.get(input.invoiceNumber);
    if (!invoice) throw new NotFoundError(`invoice ${input.invoiceNumber} does not exist`, 'InvoiceNotFound');
    if (input.amount.currency !== payment.currency) throw new ConflictError(`payment ${payment.externalId} is in ${payment.currency}; an amount in ${input.amount.currency} cannot be taken from it`, 'CurrencyMismatch');
    const now = deps.clock.now();
    const move = allocateUnapplied(payment, invoice, input.amount.amount, todayIn(deps.company.timezone, now));
    const money = (amount: number) => ({ amount, currency: payment.currency });
    return {
      before: payment,
      unapplied: move.payment.unapplied,
      customerId: move.payment.customerId,
      event: move.payment.event,
      invoice: { before: invoice, after: move.invoice, event: move.invoiceEvent },
      entry: move.entry,
      audit: audited(payment, 'payment.allocate', now.toISOString(), actor, { unapplied: money(move.payment.unapplied), customerId: move.payment.customerId, invoiceNumber: invoice.number, amount: money(input.amount.amount), invoiceBalance: money(move.invoice.balance) }, undefined, move.invoiceEvent.on),
      aggregates: { collections: input.amount.amount, unappliedCash: -input.amount.amount, [METRIC.collectedBy(cashSource(payment.source))]: input.amount.amount },
      ...(requestKey ? { requestKey } : {}),
    };
  });
}

export async function refundUnappliedCash(input: { paymentId: string; amount?: Money; reason: string }, actor: string, deps: UnappliedCashDeps, clientKey?: ClientKey): Promise<StoredPayment> {
  return withRereads(CASH_REFUND_KEYS, input.paymentId, deps, clientKey, async (payment, requestKey) => {
    if (input.amount && input.amount.currency !== payment.currency) throw new ConflictError(`payment ${payment.externalId} is in ${payment.currency}; an amount in ${input.amount.currency} cannot be paid back from it`, 'CurrencyMismatch');
    const now = deps.clock.now();
    const amount = input.amount?.amount ?? payment.unapplied;
    const move = refundUnapplied(payment, amount, todayIn(deps.company.timezone, now), input.reason);
    const money = (a: number) => ({ amount: a, currency: payment.currency });
    return {
      before: payment,
      unapplied: move.payment.unapplied,
      event: move.payment.event,
      entry: move.entry,
      audit: audited(payment, 'payment.refund', now.toISOString(), actor, { unapplied: money(move.payment.unapplied), refunded: money(amount) }, input.reason),
      aggregates: { unappliedCash: -amount, cashRefunded: amount },
      ...(requestKey ? { requestKey } : {}),
    };
  });
}

/** Cash nobody owns yet (it quoted no invoice and named no customer): finance's worklist. */
export async function unassignedCash(deps: Pick<UnappliedCashDeps, 'payments'>): Promise<StoredPayment[]> {
  return (await deps.payments.unassigned()).sort((a, b) => a.receivedOn.localeCompare(b.receivedOn) || a.id.localeCompare(b.id));
}

export async function paymentDetails(paymentId: string, deps: UnappliedCashDeps): Promise<StoredPayment> {
  return paymentOf(paymentId, deps);
}
