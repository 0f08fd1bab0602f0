/**
 * The customer notifications o2c can send by email, and which of them a seller chose (`customerEmails` in the
 * configuration). Each costs an SES message (and, for the invoice, its PDF rendering): a shop whose platform already
 * confirms and tracks the order (Shopify, WooCommerce and Stripe send their own receipts) may keep only the invoice.
 *
 * - `confirmation`: the order is confirmed (confirm-order);
 * - `backorder`: what ships now and what follows (confirm-order, backorderPolicy "ship-available");
 * - `shipment`: the parcel left, with its tracking (ship-order; each part with record-shipment);
 * - `cancellation`: lines that will not ship (record-shipment);
 * - `invoice`: the invoice with its PDF (issue-invoice → render-documents);
 * - `rejection`: the order was rejected (reject-order);
 * - `refund`: a refund was made (refund-payment).
 * Dunning reminders and statements follow the dunning policy, not this list. Pure.
 */
export const CUSTOMER_NOTIFICATIONS = ['confirmation', 'backorder', 'shipment', 'cancellation', 'invoice', 'rejection', 'refund'] as const;
export type CustomerNotification = (typeof CUSTOMER_NOTIFICATIONS)[number];

/** Is this notification emailed? No choice made (undefined) means every one, as before the setting existed. */
export function emails(chosen: readonly string[] | undefined, notification: CustomerNotification): boolean {
  return chosen === undefined || chosen.includes(notification);
}
