/**
 * Delivers a fulfilment request to the seller's warehouse webhook (one message
 * of the warehouse-requests queue, queued by fulfil-order).
 * 1. No webhook configured: nothing to deliver (the event on the bus was the hand-off).
 * 2. The order must still wait for its warehouse (fulfilling, its fulfilment wait open); an order answered,
 *    cancelled or timed out meanwhile is asked nothing: the message is done — after finishing a refusal this
 *    message's first delivery gave the workflow and died before recording (answer-wait `finishNotedAnswer`).
 * 3. Deliver it — signed, with the request id as Idempotency-Key, so a redelivered message is the same request:
 *    - 2xx: accepted, on the order's timeline;
 *    - 4xx: the warehouse refuses: the order's fulfilment fails with the warehouse's reason (SendTaskFailure
 *      `WarehouseFailed` through the stored token, report-shipment's path), and the workflow rejects the order
 *      with its stock back; a wait answered meanwhile (409) changes nothing;
 *    - 5xx, 429, network, timeout: the adapter throws WarehouseUnavailable, so SQS retries with backoff and
 *      finally dead-letters the message (alarmed).
 */
import { ConflictError } from '../errors.ts';
import type { FulfilmentRequestMessage, WarehouseWebhook } from '../ports.ts';
import { finishNotedAnswer, type AnswerWaitDeps } from './answer-wait.ts';
import { reportShipment } from './report-shipment.ts';

export interface SendFulfilmentRequestDeps extends AnswerWaitDeps {
  /** Absent when no `warehouseWebhookUrl` is configured. */
  readonly webhook?: WarehouseWebhook | undefined;
}

export type SendFulfilmentRequestResult = 'no-webhook' | 'not-waiting' | 'accepted' | 'refused' | 'refused-after-answer';

export async function sendFulfilmentRequest({ request }: FulfilmentRequestMessage, deps: SendFulfilmentRequestDeps): Promise<SendFulfilmentRequestResult> {
  if (!deps.webhook) return 'no-webhook';
  const { orderId } = request;
  const order = await deps.orders.get(orderId);
  if (order && order.status !== 'fulfilling') {
    await finishNotedAnswer({ orderId, kind: 'fulfilment' }, deps);
    return 'not-waiting';
  }
  if (!order || !(await deps.tokens.get(orderId, 'fulfilment'))) return 'not-waiting';
  const answer = await deps.webhook.deliver(request);
  if (answer.kind === 'accepted') {
    await deps.orders.recordEvent(orderId, { at: deps.clock.now().toISOString(), step: 'warehouse-request', detail: `accepted by the warehouse (HTTP ${answer.status})` });
    return 'accepted';
  }
  try {
    await reportShipment({ orderId, report: { failed: true, reason: `the warehouse refused the fulfilment request (HTTP ${answer.status}): ${answer.reason}` } }, deps);
    return 'refused';
  } catch (error) {
    if (error instanceof ConflictError) return 'refused-after-answer';
    throw error;
  }
}
