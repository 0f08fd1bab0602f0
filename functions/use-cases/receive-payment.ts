/**
 * A payment was reported (B2B API, a platform event, the platform marking an
 * invoiced order paid): give it its deterministic id and queue it for
 * apply-payment, which applies each id once.
 */
import { paymentId } from '#domain/ids';
import type { Outbox, PaymentMessage, PaymentReport } from '../ports.ts';

/** The id a reported payment gets (the same report always gets the same id). */
export const paymentIdOf = (report: Pick<PaymentReport, 'source' | 'externalId'>) => paymentId(report.source, report.externalId);

/**
 * `deliveryId`: the delivery it came in — the platform's id of it (Stripe's event id), a request's Idempotency-Key or
 * body — so apply-payment can tell a second delivery of it (a duplicate) from a caller's retry of the same one.
 */
export async function receivePayment(report: PaymentReport, deps: { readonly paymentQueue: Outbox<PaymentMessage> }, deliveryId?: string): Promise<{ paymentId: string }> {
  const id = paymentIdOf(report);
  await deps.paymentQueue.send({ ...report, id, ...(deliveryId ? { deliveryId } : {}) });
  return { paymentId: id };
}
