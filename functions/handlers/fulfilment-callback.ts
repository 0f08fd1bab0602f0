/**
 * fulfilment-callback: the warehouse (or 3PL) reports the shipment, or that it
 * cannot ship. The workflow's fulfilment wait is answered with it.
 * 1. Check the API key; the order must exist (404) and be waiting (409).
 * 2. SendTaskSuccess with the shipment, or SendTaskFailure `WarehouseFailed`.
 * A second callback for the same order finds no open wait: 409, nothing changes.
 */
import * as z from 'zod/mini';
import { minorUnits, text } from '#platforms/canonical';
import { isValidApiKey } from '#adapters/api-keys';
import { getOrder, recordOrderEvent } from '#adapters/orders';
import { completeTask, deleteTaskToken, failTask, getTaskToken, TaskTokenSpent } from '#adapters/workflow';
import { ConflictError, httpHandler, NotFoundError, parseJsonBody, UnauthorizedError, type HttpRequest, type HttpResult } from '#runtime';

export const ShipmentSchema = z.union([
  z.object({
    carrier: text(1, 100),
    service: text(1, 100),
    trackingNumber: text(1, 100),
    shippedAt: z.iso.datetime({ offset: true }),
    cost: z.optional(minorUnits()),
  }),
  z.object({ failed: z.literal(true), reason: text(1, 1000) }),
]);

export async function fulfilmentCallback(req: HttpRequest): Promise<HttpResult> {
  if (!(await isValidApiKey(req.headers['x-api-key']))) throw new UnauthorizedError('missing or wrong x-api-key');
  const orderId = req.pathParameters.orderId ?? '';
  const body = parseJsonBody(req, ShipmentSchema);
  if (!(await getOrder(orderId))) throw new NotFoundError(`order ${orderId} does not exist`);
  const token = await getTaskToken(orderId, 'fulfilment');
  if (!token) throw new ConflictError(`order ${orderId} is not waiting for a shipment`, 'NotAwaitingShipment');
  try {
    if ('failed' in body) await failTask(token.taskToken, 'WarehouseFailed', body.reason);
    else await completeTask(token.taskToken, body);
  } catch (error) {
    if (error instanceof TaskTokenSpent) throw new ConflictError(`the fulfilment wait of order ${orderId} has already ended`, 'NotAwaitingShipment');
    throw error;
  }
  await deleteTaskToken(orderId, 'fulfilment');
  await recordOrderEvent(orderId, 'warehouse', 'failed' in body ? `failed: ${body.reason}` : `${body.carrier} ${body.trackingNumber}`);
  return { status: 202, body: { orderId, accepted: 'failed' in body ? 'failure' : 'shipment' } };
}

export const handler = httpHandler(fulfilmentCallback);
