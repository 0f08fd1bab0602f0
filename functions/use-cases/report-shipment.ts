/**
 * The warehouse (or 3PL) reports the shipment of an order, or that it cannot ship.
 * 1. The order must exist (404) and its workflow be waiting for the warehouse (409).
 * 2. SendTaskSuccess with the shipment, or SendTaskFailure `WarehouseFailed`.
 * A second report for the same order finds no open wait: 409, nothing changes.
 * An order the warehouse has begun to ship in parts (POST /fulfilment/{orderId}/shipments) is reported there to the
 * end — the rest shipped or cancelled, unit by unit — so this whole-order answer is a 409 for it.
 */
import type { Shipment } from '#domain/model';
import { ConflictError, WORKFLOW_ERRORS } from '../errors.ts';
import { answerWait, type AnswerWaitDeps } from './answer-wait.ts';

export type ShipmentReport = Shipment | { readonly failed: true; readonly reason: string };

export async function reportShipment(input: { orderId: string; report: ShipmentReport }, deps: AnswerWaitDeps): Promise<{ orderId: string; accepted: 'shipment' | 'failure' }> {
  const { orderId, report } = input;
  const notWaiting = new ConflictError(`order ${orderId} is not waiting for a shipment`, 'NotAwaitingShipment');
  await answerWait(
    {
      orderId,
      kind: 'fulfilment',
      precondition: (order) =>
        Object.keys(order.shipments ?? {}).length > 0 || Object.keys(order.lineCancellations ?? {}).length > 0
          ? new ConflictError(`order ${order.source.reference ?? orderId} is being shipped in parts: report the rest, or cancel it, at /fulfilment/${orderId}/shipments`, 'ShippingInParts')
          : undefined,
      answer: 'failed' in report ? { error: WORKFLOW_ERRORS.warehouseFailed, cause: report.reason } : { output: report },
      notOpen: notWaiting,
      ended: new ConflictError(`the fulfilment wait of order ${orderId} has already ended`, 'NotAwaitingShipment'),
      step: 'warehouse',
      detail: 'failed' in report ? `failed: ${report.reason}` : `${report.carrier} ${report.trackingNumber}`,
    },
    deps,
  );
  return { orderId, accepted: 'failed' in report ? 'failure' : 'shipment' };
}
