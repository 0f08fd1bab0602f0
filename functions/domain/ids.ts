/**
 * Deterministic ids: the same platform order, payment or customer always gets
 * the same o2c id, so every at-least-once delivery converges on one record, and
 * the order id doubles as the workflow's execution name.
 */
import { createHash } from 'node:crypto';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const digest = (parts: readonly string[], length: number) => sha256(parts.join('\n')).slice(0, length);

export const orderId = (platform: string, shop: string, externalId: string) => `ord_${digest([platform, shop, externalId], 24)}`;
export const paymentId = (source: string, externalId: string) => `pay_${digest([source, externalId], 24)}`;
/** A customer is one email within one shop. */
export const customerId = (shop: string, email: string) => `cus_${digest([shop, email.trim().toLowerCase()], 20)}`;
/** Fingerprint of a request body (Idempotency-Key replays must carry the same body). */
export const bodyHash = (body: string) => sha256(body);
/**
 * A dispute of an invoice: the same basis (the client's Idempotency-Key, or the
 * instant, actor, amount and reason of the request) always gives the same id,
 * so a retried request finds the dispute it opened instead of opening another.
 */
export const disputeId = (invoiceNumber: string, basis: readonly string[]) => `dsp_${digest([invoiceNumber, ...basis], 20)}`;

/** The o2c refund of an order: one per order, so a retried step or redelivered message converges on it. */
export const refundId = (orderId: string) => `rf_${digest(['refund', orderId], 24)}`;

/** A payment plan of a customer: the same basis (the client's Idempotency-Key, or the plan's invoices and instalments) gives the same id, so a retried agreement finds the plan it made. */
export const paymentPlanId = (customerId: string, basis: readonly string[]) => `pln_${digest([customerId, ...basis], 20)}`;
