/**
 * Partial shipments (pure): an order's lines leave the warehouse in one or more
 * shipments, and lines the warehouse cannot ship are cancelled. Everything here
 * is per SKU (the warehouse ships SKUs; o2c reserves per SKU) and derived from
 * what is recorded on the order — its `shipments` and `lineCancellations`, each
 * keyed by the warehouse's own id, so a report sent twice is recorded once.
 *
 * - `progressOf`: per SKU, ordered / shipped / cancelled / open.
 * - `checkReport`: a report may not ship or cancel more than is open (a clear 422, in the order's words).
 * - `isComplete`: every unit shipped or cancelled — the workflow's fulfilment wait ends then.
 * - `stockTargets`: per SKU, the units shipped and the units still open (absolute, so a re-run converges): the
 *   reservation grows to cover what shipped (a backordered unit taken from the shelf when it ships) and lets go of
 *   held units beyond what is open (cancelled ones; a cancelled backordered unit was never held, so nothing returns).
 * - `invoiceablePart`: the lines (quantities, with discount and platform tax allocated so that the parts of all
 *   shipments add up to the line exactly) and shipping of one shipment, or of everything shipped.
 */
import { DomainError } from './errors.ts';
import type { IsoDate, IsoInstant, OrderLine, ShippingCharge } from './model.ts';

export interface ShipmentLine {
  readonly sku: string;
  /** Whole units, > 0. */
  readonly quantity: number;
}

/** A shipment the warehouse reported (POST /fulfilment/{orderId}/shipments). */
export interface RecordedShipment {
  readonly shipmentId: string;
  readonly lines: readonly ShipmentLine[];
  readonly carrier: string;
  readonly service: string;
  readonly trackingNumber: string;
  readonly shippedAt: IsoInstant;
  /** Minor units the carrier charges us (cost, not revenue). */
  readonly cost?: number;
  /** Its position among the order's shipments (1, 2, …): the first carries the shipping charge. */
  readonly seq: number;
  /** The invoice of this shipment (invoiceOn: "shipment"). */
  readonly invoiceNumber?: string;
  /** When the warehouse expected the units still to follow, per SKU, as of this shipment. */
  readonly expected?: Readonly<Record<string, IsoDate>>;
}

/** Lines the warehouse reported it cannot ship (or the seller cancelled): their stock goes back. */
export interface LineCancellation {
  readonly cancellationId: string;
  readonly lines: readonly ShipmentLine[];
  readonly reason: string;
  readonly at: IsoInstant;
}

export interface FulfilmentRecord {
  readonly lines: readonly Pick<OrderLine, 'sku' | 'description' | 'quantity'>[];
  readonly shipments?: Readonly<Record<string, RecordedShipment>>;
  readonly lineCancellations?: Readonly<Record<string, LineCancellation>>;
}

export interface SkuProgress {
  readonly sku: string;
  readonly description: string;
  readonly ordered: number;
  readonly shipped: number;
  readonly cancelled: number;
  /** ordered − shipped − cancelled: what may still ship. */
  readonly open: number;
}

/** The order's shipments, oldest first. */
export function shipmentsOf(order: Pick<FulfilmentRecord, 'shipments'>): RecordedShipment[] {
  return Object.values(order.shipments ?? {}).sort((a, b) => a.seq - b.seq);
}

const sum = (lines: readonly ShipmentLine[], sku: string) => lines.reduce((n, l) => n + (l.sku === sku ? l.quantity : 0), 0);

export function progressOf(order: FulfilmentRecord): Map<string, SkuProgress> {
  const shipments = Object.values(order.shipments ?? {});
  const cancellations = Object.values(order.lineCancellations ?? {});
  const out = new Map<string, SkuProgress>();
  for (const line of order.lines) {
    const before = out.get(line.sku);
    const ordered = (before?.ordered ?? 0) + line.quantity;
    const shipped = shipments.reduce((n, s) => n + sum(s.lines, line.sku), 0);
    const cancelled = cancellations.reduce((n, c) => n + sum(c.lines, line.sku), 0);
    out.set(line.sku, { sku: line.sku, description: before?.description ?? line.description, ordered, shipped, cancelled, open: ordered - shipped - cancelled });
  }
  return out;
}

/** Every unit shipped or cancelled. */
export function isComplete(order: FulfilmentRecord): boolean {
  return [...progressOf(order).values()].every((p) => p.open <= 0);
}

/** Units shipped in all (0: nothing left the warehouse). */
export function unitsShipped(order: FulfilmentRecord): number {
  return [...progressOf(order).values()].reduce((n, p) => n + p.shipped, 0);
}

/**
 * A report may only ship or cancel units that are still open: known SKUs, whole positive quantities, a SKU
 * once per report, never more than ordered minus shipped and cancelled. The message names the item as the
 * order does and the quantities — what the warehouse's people can act on.
 */
export function checkReport(order: FulfilmentRecord, lines: readonly ShipmentLine[], what: 'ship' | 'cancel'): void {
  if (lines.length === 0) throw new DomainError('EmptyShipment', `a report must name at least one line to ${what}`);
  const progress = progressOf(order);
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const line of lines) {
    const p = progress.get(line.sku);
    if (seen.has(line.sku)) problems.push(`${line.sku} is listed twice; list each item once with its whole quantity`);
    seen.add(line.sku);
    if (!p) problems.push(`${line.sku} is not on this order`);
    else if (!Number.isInteger(line.quantity) || line.quantity <= 0) problems.push(`the quantity of ${p.description} (${p.sku}) must be a whole number above zero`);
    else if (line.quantity > p.open) {
      const left = p.open === 0 ? 'none is left to' : `only ${p.open} ${p.open === 1 ? 'is' : 'are'} left to`;
      problems.push(`${line.quantity} × ${p.description} (${p.sku}) cannot be ${what === 'ship' ? 'shipped' : 'cancelled'}: ${p.ordered} ordered, ${p.shipped} shipped, ${p.cancelled} cancelled, ${left} ${what}`);
    }
  }
  if (problems.length > 0) throw new DomainError('ShipmentExceedsOrder', problems.join('; '));
}

/** What each SKU's reservation must follow: units shipped, units still open (see `settleReservation`). */
export function stockTargets(order: FulfilmentRecord, extra: readonly ShipmentLine[] = [], extraKind: 'ship' | 'cancel' = 'ship'): Map<string, StockTarget> {
  return new Map(
    [...progressOf(order).values()].map((p) => {
      const more = sum(extra, p.sku);
      return [p.sku, { shipped: p.shipped + (extraKind === 'ship' ? more : 0), open: Math.max(0, p.open - more) }];
    }),
  );
}

export interface StockTarget {
  readonly shipped: number;
  readonly open: number;
}

/**
 * A reservation brought to a target (pure; adapters write it with the counts read as the guard): it grows to cover
 * the units shipped (`topUp` units taken from the shelf), and releases held units beyond what is still open. Never
 * backwards: shipped and released units stay so.
 */
export function settleReservation(r: { readonly quantity: number; readonly shipped: number; readonly released: number }, target: StockTarget): { quantity: number; shipped: number; released: number; topUp: number } {
  const shipped = Math.max(r.shipped, target.shipped);
  const quantity = Math.max(r.quantity, shipped + r.released);
  const released = Math.min(quantity - shipped, Math.max(r.released, quantity - shipped - target.open));
  return { quantity, shipped, released, topUp: quantity - r.quantity };
}

/** floor(total × part / whole) with integers only (no float on money). */
const share = (total: number, part: number, whole: number) => (whole === 0 ? 0 : Math.floor((total * part) / whole));

/**
 * The invoiceable part of an order: each line with the quantity shipped in `shipment` (or in every shipment when
 * none is named), its discount and platform tax allocated by cumulative shares — the units shipped before it and
 * through it — so the parts of all shipments sum exactly to the line; the shipping charge with the first shipment
 * (or with everything). Lines with nothing in this part are left out.
 */
export function invoiceablePart<L extends OrderLine>(
  order: FulfilmentRecord & { readonly lines: readonly L[]; readonly shipping?: ShippingCharge },
  shipment?: RecordedShipment,
): { lines: L[]; shipping?: ShippingCharge } {
  const shipments = shipmentsOf(order);
  const before = shipment ? shipments.filter((s) => s.seq < shipment.seq) : [];
  const through = shipment ? [...before, shipment] : shipments;
  const units = (list: readonly RecordedShipment[], sku: string) => list.reduce((n, s) => n + sum(s.lines, sku), 0);
  // Units of a SKU go to its lines in order (an order may list a SKU twice).
  const consumed = new Map<string, number>();
  const lines: L[] = [];
  for (const line of order.lines) {
    const offset = consumed.get(line.sku) ?? 0;
    consumed.set(line.sku, offset + line.quantity);
    const clamp = (n: number) => Math.max(0, Math.min(line.quantity, n - offset));
    const from = clamp(units(before, line.sku));
    const to = clamp(units(through, line.sku));
    if (to - from <= 0) continue;
    const part = (total: number) => share(total, to, line.quantity) - share(total, from, line.quantity);
    lines.push({ ...line, quantity: to - from, discount: part(line.discount), ...(line.tax !== undefined ? { tax: part(line.tax) } : {}) });
  }
  const withShipping = order.shipping && (!shipment || shipment.seq === 1 || (shipments[0]?.shipmentId ?? shipment.shipmentId) === shipment.shipmentId);
  return { lines, ...(withShipping && order.shipping ? { shipping: order.shipping } : {}) };
}

/** The invoiceable part as an order `buildInvoice` can take (its lines and shipping replaced). */
export function partOrder<O extends FulfilmentRecord & { readonly lines: readonly OrderLine[]; readonly shipping?: ShippingCharge }>(order: O, shipment?: RecordedShipment): O {
  const part = invoiceablePart(order, shipment);
  const { shipping: _drop, ...rest } = order;
  return { ...rest, lines: part.lines, ...(part.shipping ? { shipping: part.shipping } : {}) } as unknown as O;
}
