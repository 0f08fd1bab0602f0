/**
 * start-order's scheduled re-drive (every 5 minutes): an order still `received` some minutes after it was written
 * has no workflow that moved it — intake wrote it and died before queueing it, and a platform that does not resend
 * a failed delivery (WooCommerce) will never send it again; or its queue message was lost.
 * 1. Read the orders created before now − `olderThanSeconds` (default 300) that are still `received`, from the
 *    received-orders index (at most 100 a run; in the normal course there are none: the validate step moves an
 *    order on within seconds, and its change takes it out of the index).
 * 2. Start each one's workflow. A duplicate start is a no-op: an order whose workflow is running (a long queue, a
 *    slow validate step) or ended (the failure path keeps `received`) is not started twice.
 * 3. Take it out of the index, so each order is re-driven once.
 */
import type { Clock, Log, Metrics, Orders, Workflow } from '../ports.ts';

export interface RedriveDeps {
  readonly orders: Orders;
  readonly workflow: Workflow;
  readonly clock: Clock;
  readonly log: Log;
  readonly metrics: Metrics;
}

/** Orders one run looks at: the next run (5 minutes later) takes the rest. */
export const REDRIVE_BATCH = 100;
export const REDRIVE_AFTER_SECONDS = 300;

export async function redriveReceivedOrders(input: { readonly olderThanSeconds?: number }, deps: RedriveDeps): Promise<{ found: number; started: number }> {
  const before = new Date(deps.clock.now().getTime() - (input.olderThanSeconds ?? REDRIVE_AFTER_SECONDS) * 1000).toISOString();
  const ids = await deps.orders.receivedBefore(before, REDRIVE_BATCH);
  let started = 0;
  for (const orderId of ids) {
    if (await deps.workflow.start(orderId)) {
      started++;
      deps.log.info('order re-driven: it had no workflow', { orderId });
    }
    await deps.orders.leaveReceived(orderId);
  }
  if (started > 0) deps.metrics.count('OrdersRedriven', started);
  return { found: ids.length, started };
}
