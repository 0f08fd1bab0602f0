/**
 * How long o2c remembers that it did something, against how long the platforms may send the same thing again.
 *
 * Every idempotency record o2c keeps with an expiry — send-mail's Powertools idempotency records (one per mail key)
 * and the B2B API's `Idempotency-Key` records — must outlast the longest window in which a platform redelivers, plus
 * late deliveries: a duplicate that arrives after its record expired is done twice. (Orders, payments and refunds are
 * keyed by their source ids for good — no expiry — so this bounds only what does expire.)
 *
 * - Shopify retries a webhook that was not answered 2xx 8 times over 4 hours; deliveries can also arrive late and
 *   out of order.
 * - Stripe retries webhook deliveries for up to 3 days in live mode (with exponential backoff), and a failed event
 *   can be resent by hand from the dashboard within that time.
 * - WooCommerce retries a failed delivery a few times within minutes, then disables the webhook (no long window).
 */
const HOUR = 3600;
const DAY = 24 * HOUR;

/** The platforms' redelivery windows, seconds. */
export const PLATFORM_RETRY_WINDOWS_SECONDS = { shopify: 4 * HOUR, stripe: 3 * DAY, woocommerce: 1 * HOUR } as const;

/** What late deliveries and a retry by hand after the last automatic one are allowed beyond a window. */
export const LATE_DELIVERY_MARGIN_SECONDS = 2 * DAY;

/** The expiry of o2c's idempotency records: the longest window, plus the margin, rounded up to a week. */
export const IDEMPOTENCY_EXPIRY_SECONDS = 7 * DAY;
