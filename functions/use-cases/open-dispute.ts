/**
 * Opening a dispute (the first part of use-cases/disputes.ts, on its own so
 * that cash application, which opens short-payment deductions, does not carry
 * the credit-note and mail code of a resolution).
 *
 * 1. With a client Idempotency-Key, a dispute already opened under it is the
 *    answer (the id derives from the key). 2. The invoice must exist (404).
 * 3. The domain checks the amount — in the invoice's currency, more than
 *    nothing, at most the balance not yet disputed — and refuses a closed
 *    invoice (409). 4. The dispute, its pointer, the invoice's `disputed`
 *    (guarded by the invoice's version read) and the audit line are one
 *    transaction; the invoice moved meanwhile → read it again and decide again.
 */
import { rescoreCustomer, type RescoreDeps } from './rescore-customer.ts';
import { todayIn } from '#domain/dates';
import { disputedOf, openDispute } from '#domain/disputes';
import { disputeId as disputeIdOf } from '#domain/ids';
import type { Dispute, Invoice, Money } from '#domain/model';
import { ConcurrentUpdate, ConflictError, NotFoundError } from '../errors.ts';
import type { Clock, Company, Disputes, Invoices } from '../ports.ts';
import type { ClientKey } from './adjust-invoice.ts';

export const MAX_INVOICE_REREADS = 5;
export const money = (amount: number, currency: string): Money => ({ amount, currency });

/** A dispute as the finance API answers it (money as `{ amount, currency }`). */
export const disputeView = (d: Dispute) => ({
  disputeId: d.disputeId,
  invoiceNumber: d.invoiceNumber,
  amount: money(d.amount, d.currency),
  reason: d.reason,
  status: d.status,
  openedOn: d.openedOn,
  ...(d.resolvedOn ? { resolvedOn: d.resolvedOn } : {}),
  ...(d.resolution
    ? { resolution: { outcome: d.resolution.outcome, amount: money(d.resolution.amount, d.currency), ...(d.resolution.creditNoteNumber ? { creditNoteNumber: d.resolution.creditNoteNumber } : {}) } }
    : {}),
});

/** What the audit trail keeps of an invoice here: balance, disputed and promise, money with its currency. */
export const shown = (i: Invoice) => ({
  balance: money(i.balance, i.currency),
  disputed: money(disputedOf(i), i.currency),
  status: i.status,
  ...(i.promisedUntil ? { promisedUntil: i.promisedUntil } : {}),
});

export async function invoiceOf(number: string, deps: Pick<OpenDisputeDeps, 'invoices'>) {
  const invoice = await deps.invoices.get(number);
  if (!invoice) throw new NotFoundError(`invoice ${number} does not exist`, 'InvoiceNotFound');
  return invoice;
}

/** Runs `attempt` on a fresh read of the invoice until it is not overtaken by another writer. */
export async function onFreshInvoice<T>(number: string, deps: Pick<OpenDisputeDeps, 'invoices'>, what: string, attempt: (invoice: Invoice) => Promise<T>): Promise<T> {
  for (let reread = 0; reread < MAX_INVOICE_REREADS; reread++) {
    try {
      return await attempt(await invoiceOf(number, deps));
    } catch (error) {
      if (!(error instanceof ConcurrentUpdate)) throw error;
    }
  }
  throw new ConcurrentUpdate(`invoice ${number} kept changing while ${what}; try again`);
}

/** A retried opening finds its dispute; another request under the same key is refused. */
export function sameOpening(existing: Dispute | undefined, input: { invoiceNumber: string; amount: Money; reason: string }): Dispute {
  if (existing && existing.invoiceNumber === input.invoiceNumber && existing.amount === input.amount.amount && existing.currency === input.amount.currency && existing.reason === input.reason) return existing;
  throw new ConflictError('Idempotency-Key was used before with a different body', 'IdempotencyKeyReused');
}

/** What opening a dispute needs (no documents or mail: cash application opens deductions with it). */
export interface OpenDisputeDeps {
  readonly invoices: Invoices;
  readonly disputes: Disputes;
  readonly clock: Clock;
  readonly company: Pick<Company, 'timezone'>;
  /** For the credit score (recomputed when a dispute opens); absent: not recomputed. */
  readonly customers?: RescoreDeps['customers'];
}

export async function openInvoiceDispute(input: { invoiceNumber: string; amount: Money; reason: string }, actor: string, deps: OpenDisputeDeps, clientKey?: ClientKey) {
  const now = deps.clock.now();
  const openedAt = now.toISOString();
  const id = disputeIdOf(input.invoiceNumber, clientKey ? ['key', clientKey.key] : ['request', openedAt, actor, String(input.amount.amount), input.amount.currency, input.reason]);
  if (clientKey) {
    const prior = await deps.disputes.get(id);
    if (prior) return disputeView(sameOpening(prior, input));
  }
  const openedOn = todayIn(deps.company.timezone, now);
  return onFreshInvoice(input.invoiceNumber, deps, 'the dispute was opened', async (before) => {
    const { dispute, invoice: after } = openDispute({ invoice: before, amount: input.amount, reason: input.reason, disputeId: id, openedAt, openedOn });
    const audit = { at: openedAt, on: openedOn, actor, action: 'invoice.dispute', entity: `invoice:${before.number}`, before: shown(before), after: { ...shown(after), dispute: id, amount: input.amount }, reason: input.reason };
    const result = await deps.disputes.open({ before, dispute, disputed: disputedOf(after), audit });
    if (result === 'opened' && deps.customers) await rescoreCustomer({ customerId: before.customerId, cause: `dispute ${id}` }, { ...deps, customers: deps.customers });
    return disputeView(result === 'opened' ? dispute : sameOpening(await deps.disputes.get(id), input));
  });
}

