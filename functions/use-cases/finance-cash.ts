/**
 * Cash finance records by hand (a cheque, a transfer the bank file missed):
 * audited, then queued for apply-payment like every payment, so it goes
 * through the same matching (quoted numbers, exact amount, unapplied cash).
 * The same payment (source + external id) recorded twice is one payment.
 */
import type { Audit, AuditEntry, Clock, Outbox, PaymentMessage, PaymentReport } from '../ports.ts';
import { paymentIdOf, receivePayment } from './receive-payment.ts';

/**
 * `deliveryId`: the request's (its Idempotency-Key, else its body): the same request sent again after o2c failed to
 * answer is the same delivery, not a duplicate absorbed.
 */
export async function recordPaymentByHand(report: PaymentReport, actor: string, deps: { readonly paymentQueue: Outbox<PaymentMessage>; readonly audit: Audit; readonly clock: Clock }, deliveryId?: string): Promise<{ paymentId: string }> {
  const id = paymentIdOf(report);
  const at = deps.clock.now().toISOString();
  const entry: AuditEntry = { at, actor, action: 'payment.record', entity: `payment:${id}`, after: { ...report } };
  // The payment is one payment however often it is recorded, and so is its audit line.
  await deps.audit.recordOnce(entry);
  return receivePayment(report, deps, deliveryId ?? at);
}

/** The audit trail of one entity (`invoice:INV-2026-000042`, `customer:cus_…`, `payment:pay_…`). */
export function auditTrail(entity: string, deps: { readonly audit: Audit }): Promise<AuditEntry[]> {
  return deps.audit.entriesOf(entity);
}
