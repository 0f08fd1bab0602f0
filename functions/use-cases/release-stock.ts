/**
 * The workflow's failure path (every `States.ALL` catch, before NotifyFailure):
 * the order stops without shipping for a reason nobody decided — a step failed
 * after its retries, the credit review or the warehouse did not answer in time
 * (States.Timeout) — so the stock it reserved goes back on the shelf.
 * 1. An order that does not exist holds nothing: done.
 * 2. Release what it still holds: catalog.release moves only `held` reservations, so units already shipped stay
 *    shipped, units a rejection or cancellation released are not released twice, and a re-run releases nothing.
 * 3. Forget its wait tokens: nothing waits on them any more, so a late delivery of the fulfilment request asks
 *    nobody (send-fulfilment-request) and a late callback is a 409.
 * 4. The order keeps its status: nobody decided to reject or cancel it, so the customer is told nothing (no
 *    "rejected" for o2c's own fault); finance, mailed next, decides. Its timeline says what stopped it and what went back.
 */
import type { Catalog, Clock, Orders, TaskTokens } from '../ports.ts';

export interface ReleaseStockDeps {
  readonly orders: Orders;
  readonly catalog: Catalog;
  readonly tokens: TaskTokens;
  readonly clock: Clock;
}

export interface ReleaseStockInput {
  readonly orderId: string;
  /** The error the step's catch recorded (`$.error`). */
  readonly error?: { readonly Error?: string | undefined; readonly Cause?: string | undefined } | undefined;
}

export async function releaseStock(input: ReleaseStockInput, deps: ReleaseStockDeps): Promise<{ released: number }> {
  const order = await deps.orders.get(input.orderId);
  if (!order) return { released: 0 };
  const released = await deps.catalog.release(order.id);
  for (const kind of ['fulfilment', 'credit-review'] as const) await deps.tokens.delete(order.id, kind);
  const why = input.error?.Error ?? 'a step failed';
  await deps.orders.recordEvent(order.id, {
    at: deps.clock.now().toISOString(),
    step: 'workflow-failed',
    detail: `${why}: ${released === 0 ? 'no stock was held' : `stock of ${released} line(s) put back`}; the order stays ${order.status} for finance to decide`,
  });
  return { released };
}
