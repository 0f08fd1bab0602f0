/**
 * The warehouse reports one shipment of an order, or lines it cannot ship
 * (POST /fulfilment/{orderId}/shipments, the warehouse's key). An order may
 * leave in several shipments; the workflow's fulfilment wait ends when every
 * unit is shipped or cancelled.
 *
 * 1. The order must exist (404). A report whose id is recorded already is the
 *    same report again: nothing new is written, steps 4–7 run again (each does
 *    its part once), and the answer is the first one's.
 * 2. Otherwise the order must be waiting for its warehouse: fulfilling, with its
 *    fulfilment wait open (409 when answered, cancelled or timed out).
 * 3. The lines may not ship or cancel more than is still open per SKU
 *    (ordered − shipped − cancelled: a 422 in the order's words, nothing written).
 *    Stock is brought to the order's record with this report (absolute targets per SKU: units shipped, units
 *    still open — a re-run moves nothing): held units beyond what is open go back on the shelf, backordered units
 *    shipped now come off it (too few there: 409 StockShort, nothing recorded). Then the shipment (or
 *    cancellation) is written on the order under its id, guarded by the order's version (a concurrent report:
 *    read again, check again).
 * 4. Stock is brought to the order's record again (what a concurrent report left to do).
 * 5. A shipment: the customer is mailed (when customerEmails has "shipment") what is in the parcel, its tracking and
 *    what is still to follow, in their language (key per shipment).
 * 6. invoiceOn "shipment": the shipment is invoiced (issue-invoice's
 *    invoiceShipments: once per shipment, its number kept on the order).
 * 7. The order complete (every unit shipped or cancelled): the fulfilment wait
 *    is answered — with the last shipment (ShipOrder, IssueInvoice follow), or,
 *    when nothing shipped at all, with WarehouseFailed (the reject path: the
 *    customer told, a prepaid order refunded). A wait answered before (a replay) is left alone.
 */
import { emails } from '#domain/notifications';
import { checkReport, isComplete, progressOf, shipmentsOf, stockTargets, unitsShipped, type LineCancellation, type RecordedShipment, type ShipmentLine } from '#domain/shipments';
import { amendOrder } from '#domain/order';
import { customerLanguage, formatsFor, orderReference, renderMessage } from '#messages';
import { ConcurrentUpdate, ConflictError, OrderNotFound, WORKFLOW_ERRORS } from '../errors.ts';
import type { StoredOrder } from '../ports.ts';
import { answerWait, type AnswerWaitDeps } from './answer-wait.ts';
import { mailTo } from './customer-mail.ts';
import { invoiceShipments, type IssueInvoiceDeps } from './issue-invoice.ts';
import type { ShipOrderDeps } from './ship-order.ts';

export type ShipmentsReport =
  | {
      readonly shipmentId: string;
      readonly lines: readonly ShipmentLine[];
      readonly carrier: string;
      readonly service?: string | undefined;
      readonly trackingNumber: string;
      readonly shippedAt?: string | undefined;
      readonly cost?: number | undefined;
      /** When the warehouse expects the units still to follow, per SKU (told to the customer with this shipment). */
      readonly expected?: readonly { readonly sku: string; readonly expectedOn: string }[] | undefined;
    }
  | { readonly shipmentId: string; readonly cancelled: true; readonly lines: readonly ShipmentLine[]; readonly reason: string };

export type RecordShipmentDeps = AnswerWaitDeps &
  Pick<ShipOrderDeps, 'customers' | 'catalog' | 'mail' | 'company' | 'customerEmails'> & {
    readonly invoiceOn: 'order' | 'shipment';
    /** The invoicing ports (invoiceOn "shipment"). */
    readonly invoicing?: IssueInvoiceDeps | undefined;
  };

export interface RecordShipmentResult {
  readonly orderId: string;
  readonly shipmentId: string;
  readonly recorded: 'shipment' | 'cancellation';
  /** Every unit shipped or cancelled. */
  readonly complete: boolean;
  /** What may still ship, per SKU. */
  readonly open: readonly ShipmentLine[];
}

const MAX_ATTEMPTS = 5;

/**
 * The seller (or its shop, with the B2B key) cancels units of the order that have not shipped — backordered ones
 * the customer no longer wants, say: recorded like a warehouse's cancellation (its id prefixed `seller:`, so it
 * cannot collide with the warehouse's ids), so their stock goes back, the wait ends when nothing is left open, and
 * a prepaid order is refunded what its invoices do not bill (issue-invoice).
 */
export function cancelLines(input: { orderId: string; cancellationId: string; lines: readonly ShipmentLine[]; reason: string }, deps: RecordShipmentDeps): Promise<RecordShipmentResult> {
  return recordShipment({ orderId: input.orderId, report: { shipmentId: `seller:${input.cancellationId}`, cancelled: true, lines: input.lines, reason: input.reason } }, deps);
}

const isCancellation = (r: ShipmentsReport): r is Extract<ShipmentsReport, { cancelled: true }> => 'cancelled' in r;

export async function recordShipment(input: { orderId: string; report: ShipmentsReport }, deps: RecordShipmentDeps): Promise<RecordShipmentResult> {
  const { orderId, report } = input;
  const order = await write(orderId, report, deps);
  await deps.catalog.settleLines(orderId, stockTargets(order));
  const shipment = order.shipments?.[report.shipmentId];
  if (shipment) await mailShipment(order, shipment, deps);
  const cancellation = order.lineCancellations?.[report.shipmentId];
  if (cancellation) await mailCancellation(order, cancellation, deps);
  if (deps.invoiceOn === 'shipment' && deps.invoicing && shipment) await invoiceShipments({ orderId, mailShipment: shipment.shipmentId }, deps.invoicing);
  const complete = isComplete(order);
  if (complete) await answer(order, deps);
  const open = [...progressOf(order).values()].filter((p) => p.open > 0).map((p) => ({ sku: p.sku, quantity: p.open }));
  return { orderId, shipmentId: report.shipmentId, recorded: shipment ? 'shipment' : 'cancellation', complete, open };
}

/** Steps 1–3: the order with the report recorded (by this call or an earlier one). */
async function write(orderId: string, report: ShipmentsReport, deps: RecordShipmentDeps): Promise<StoredOrder> {
  for (let attempt = 1; ; attempt++) {
    const order = await deps.orders.get(orderId);
    if (!order) throw new OrderNotFound(orderId);
    if (order.shipments?.[report.shipmentId] || order.lineCancellations?.[report.shipmentId]) return order;
    const why = order.status !== 'fulfilling' ? `it is ${order.status}` : !(await deps.tokens.get(orderId, 'fulfilment')) ? 'its wait for the warehouse has ended' : undefined;
    if (why) throw new ConflictError(`order ${order.source.reference ?? orderId} is not waiting for shipments (${why})`, 'NotAwaitingShipment');
    checkReport(order, report.lines, isCancellation(report) ? 'cancel' : 'ship');
    // Stock first: backordered units shipped now come off the shelf, or the report is refused (StockShort, 409) with
    // nothing recorded. Absolute targets, so a crash before the write below is healed by the warehouse's retry.
    await deps.catalog.settleLines(orderId, stockTargets(order, report.lines, isCancellation(report) ? 'cancel' : 'ship'));
    const at = deps.clock.now().toISOString();
    const lines = report.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
    const what = lines.map((l) => `${l.quantity} × ${l.sku}`).join(', ');
    const change = isCancellation(report)
      ? amendOrder(
          { lineCancellations: { ...order.lineCancellations, [report.shipmentId]: { cancellationId: report.shipmentId, lines, reason: report.reason, at } satisfies LineCancellation } },
          { at, step: 'lines-cancelled', detail: `${what}: ${report.reason}` },
        )
      : amendOrder(
          {
            shipments: {
              ...order.shipments,
              [report.shipmentId]: {
                shipmentId: report.shipmentId,
                lines,
                carrier: report.carrier,
                service: report.service ?? '',
                trackingNumber: report.trackingNumber,
                shippedAt: report.shippedAt ?? at,
                ...(report.cost !== undefined ? { cost: report.cost } : {}),
                ...(report.expected?.length ? { expected: Object.fromEntries(report.expected.map((e) => [e.sku, e.expectedOn])) } : {}),
                seq: shipmentsOf(order).length + 1,
              } satisfies RecordedShipment,
            },
          },
          { at, step: 'shipment', detail: `${report.shipmentId}: ${what} with ${report.carrier} ${report.trackingNumber}` },
        );
    try {
      return await deps.orders.apply(order, change);
    } catch (error) {
      if (!(error instanceof ConcurrentUpdate) || attempt >= MAX_ATTEMPTS) throw error;
      await deps.clock.sleep(10 * attempt);
    }
  }
}

async function mailShipment(order: StoredOrder, shipment: RecordedShipment, deps: RecordShipmentDeps): Promise<void> {
  if (!emails(deps.customerEmails, 'shipment')) return;
  const customer = await deps.customers.get(order.customerId);
  if (!customer) return;
  const progress = progressOf(order);
  const description = (sku: string) => progress.get(sku)?.description ?? sku;
  const language = customerLanguage(customer, deps.company);
  const { date } = formatsFor(language);
  const message = renderMessage('shipment-sent', language, {
    customerName: customer.name,
    orderReference: orderReference(order),
    shippedOn: date(shipment.shippedAt.slice(0, 10)),
    carrier: shipment.carrier,
    service: shipment.service,
    trackingNumber: shipment.trackingNumber,
    companyName: deps.company.name,
    lines: shipment.lines.map((l) => ({ quantity: l.quantity, description: description(l.sku) })),
    // What was still open once this shipment left (later reports do not change what this mail says).
    toFollow: [...progress.values()].flatMap((p) => {
      const later = shipmentsOf(order).filter((s) => s.seq > shipment.seq).reduce((n, s) => n + s.lines.reduce((m, l) => m + (l.sku === p.sku ? l.quantity : 0), 0), 0);
      const left = p.open + later;
      const expectedOn = shipment.expected?.[p.sku];
      return left > 0 ? [{ quantity: left, description: p.description, expectedOn: expectedOn ? date(expectedOn) : null }] : [];
    }),
  });
  await deps.mail.enqueue(mailTo(customer, `shipment:${order.id}:${shipment.shipmentId}`, message));
}

/**
 * The customer told which units will not ship (once per cancellation: its own mail key) — unless nothing of the order
 * ships at all, when the order is rejected and reject-order tells them so.
 */
async function mailCancellation(order: StoredOrder, cancellation: LineCancellation, deps: RecordShipmentDeps): Promise<void> {
  if (isComplete(order) && unitsShipped(order) === 0) return;
  if (!emails(deps.customerEmails, 'cancellation')) return;
  const customer = await deps.customers.get(order.customerId);
  if (!customer) return;
  const progress = progressOf(order);
  const message = renderMessage('lines-cancelled', customerLanguage(customer, deps.company), {
    customerName: customer.name,
    orderReference: orderReference(order),
    lines: cancellation.lines.map((l) => ({ quantity: l.quantity, description: progress.get(l.sku)?.description ?? l.sku })),
    bySeller: cancellation.cancellationId.startsWith('seller:'),
    refunded: order.paymentMode === 'prepaid',
    companyName: deps.company.name,
  });
  await deps.mail.enqueue(mailTo(customer, `lines-cancelled:${order.id}:${cancellation.cancellationId}`, message));
}

/** Step 7: the fulfilment wait answered once the order is complete; a wait already answered is left alone. */
async function answer(order: StoredOrder, deps: RecordShipmentDeps): Promise<void> {
  const last = shipmentsOf(order).at(-1);
  const reasons = Object.values(order.lineCancellations ?? {}).map((c) => c.reason);
  try {
    await answerWait(
      {
        orderId: order.id,
        kind: 'fulfilment',
        answer:
          unitsShipped(order) === 0 || !last
            ? { error: WORKFLOW_ERRORS.warehouseFailed, cause: `the warehouse cannot ship any of it: ${reasons.join('; ')}` }
            : { output: { carrier: last.carrier, service: last.service, trackingNumber: last.trackingNumber, shippedAt: last.shippedAt, ...(last.cost !== undefined ? { cost: last.cost } : {}) } },
        notOpen: new ConflictError(`order ${order.id} is not waiting for a shipment`, 'NotAwaitingShipment'),
        ended: new ConflictError(`the fulfilment wait of order ${order.id} has already ended`, 'NotAwaitingShipment'),
        step: 'warehouse',
        detail: unitsShipped(order) === 0 ? 'nothing could be shipped' : `complete after ${shipmentsOf(order).length} shipment(s)`,
      },
      deps,
    );
  } catch (error) {
    if (error instanceof ConflictError) return; // answered by an earlier delivery of this report
    throw error;
  }
}
