/** record-shipment: an order leaving in parts — each shipment once, stock per SKU, the customer's mail, invoiceOn, the wait ended when complete. */
import { describe, expect, it } from 'vitest';
import { issueInvoice } from '../../../functions/use-cases/issue-invoice.ts';
import { cancelLines, recordShipment, type ShipmentsReport } from '../../../functions/use-cases/record-shipment.ts';
import { reportShipment } from '../../../functions/use-cases/report-shipment.ts';
import { shipOrder } from '../../../functions/use-cases/ship-order.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { BOOK, MUG, NOW, refusal, world } from './fixtures.ts';

const parcel = (shipmentId: string, lines: { sku: string; quantity: number }[]): ShipmentsReport => ({ shipmentId, lines, carrier: 'DPD', service: 'Next Day', trackingNumber: `T-${shipmentId}`, shippedAt: '2026-11-22T09:00:00Z' });

async function fulfilling(invoiceOn: 'order' | 'shipment' = 'order', extra: Parameters<typeof testOrder>[2] = {}) {
  const w = world();
  w.putCustomer(testCustomer('cus_1'));
  w.putProduct(MUG);
  w.putProduct(BOOK);
  w.putOrder(testOrder('ord_1', 'fulfilling', extra)); // 2 × MUG-01 (£5.00 off the line), 1 × BOOK-7, £4.99 shipping
  await w.deps.catalog.reserve('ord_1', new Map([['MUG-01', 2], ['BOOK-7', 1]]), NOW);
  await w.deps.tokens.store('ord_1', 'fulfilment', 'tok-1', NOW);
  const deps = { ...w.deps, invoiceOn, invoicing: { ...w.deps, invoiceOn } };
  return { w, deps };
}

const reservation = (w: ReturnType<typeof world>, sku: string) => w.state.reservations.get('ord_1')!.get(sku)!;

describe('recordShipment', () => {
  it('a first parcel: recorded, its units shipped, the customer told what is in it and what follows; the wait stays open', async () => {
    const { w, deps } = await fulfilling();
    expect(await recordShipment({ orderId: 'ord_1', report: parcel('S1', [{ sku: 'MUG-01', quantity: 1 }]) }, deps)).toEqual({
      orderId: 'ord_1',
      shipmentId: 'S1',
      recorded: 'shipment',
      complete: false,
      open: [{ sku: 'MUG-01', quantity: 1 }, { sku: 'BOOK-7', quantity: 1 }],
    });
    expect(reservation(w, 'MUG-01')).toMatchObject({ quantity: 2, shipped: 1, released: 0, state: 'held' });
    expect(w.state.products.get('MUG-01')!.onHand).toBe(8);
    expect(w.state.mailbox).toHaveLength(1);
    expect(w.state.mailbox[0]).toMatchObject({ key: 'shipment:ord_1:S1', subject: 'Part of your order PO-ord_1 has shipped' });
    expect(w.state.mailbox[0]!.text).toContain('Tracking number: T-S1\n\nIn this parcel:\n  1 × Stoneware mug\n\nStill to follow:\n  1 × Stoneware mug\n  1 × Field guide');
    expect(w.state.workflowCalls.filter((c) => c.op === 'complete')).toEqual([]);
    expect(w.state.invoices.size).toBe(0); // invoiceOn order: billed when complete
  });

  it('tells the customer when the warehouse expects what follows, in their language and date format', async () => {
    const { w, deps } = await fulfilling();
    const report = { ...parcel('S1', [{ sku: 'MUG-01', quantity: 1 }]), expected: [{ sku: 'BOOK-7', expectedOn: '2026-12-15' }] };
    await recordShipment({ orderId: 'ord_1', report }, deps);
    expect(w.state.mailbox[0]!.text).toContain('Still to follow:\n  1 × Stoneware mug\n  1 × Field guide (expected 15 December 2026)');
    expect(w.state.orders.get('ord_1')!.shipments!.S1!.expected).toEqual({ 'BOOK-7': '2026-12-15' });
    const sv = await fulfilling();
    sv.w.putCustomer(testCustomer('cus_1', { language: 'sv' }));
    await recordShipment({ orderId: 'ord_1', report }, sv.deps);
    expect(sv.w.state.mailbox[0]!.text).toContain('1 × Field guide (väntas 15 december 2026)');
    expect(sv.w.state.mailbox[0]!.text).toContain('22 november 2026');
  });

  it('the same report again is recorded once: nothing moves twice, no second mail', async () => {
    const { w, deps } = await fulfilling();
    await recordShipment({ orderId: 'ord_1', report: parcel('S1', [{ sku: 'MUG-01', quantity: 1 }]) }, deps);
    const again = await recordShipment({ orderId: 'ord_1', report: parcel('S1', [{ sku: 'MUG-01', quantity: 1 }]) }, deps);
    expect(again.open).toEqual([{ sku: 'MUG-01', quantity: 1 }, { sku: 'BOOK-7', quantity: 1 }]);
    expect(Object.keys(w.state.orders.get('ord_1')!.shipments!)).toEqual(['S1']);
    expect(reservation(w, 'MUG-01')).toMatchObject({ shipped: 1 });
    expect(new Set(w.state.mailbox.map((m) => m.key)).size).toBe(1);
  });

  it('more than is left to ship is a 422 in the order\'s words, and nothing is written', async () => {
    const { w, deps } = await fulfilling();
    await recordShipment({ orderId: 'ord_1', report: parcel('S1', [{ sku: 'MUG-01', quantity: 1 }]) }, deps);
    const error = await refusal(recordShipment({ orderId: 'ord_1', report: parcel('S2', [{ sku: 'MUG-01', quantity: 2 }]) }, deps));
    expect(error).toMatchObject({ status: 422, code: 'ShipmentExceedsOrder' });
    expect((error as { message: string }).message).toBe('2 × Stoneware mug (MUG-01) cannot be shipped: 2 ordered, 1 shipped, 0 cancelled, only 1 is left to ship');
    expect(await refusal(recordShipment({ orderId: 'ord_1', report: parcel('S3', [{ sku: 'NOPE', quantity: 1 }]) }, deps))).toMatchObject({ message: 'NOPE is not on this order' });
    expect(Object.keys(w.state.orders.get('ord_1')!.shipments!)).toEqual(['S1']);
    expect(reservation(w, 'MUG-01')).toMatchObject({ shipped: 1 });
  });

  it('an order not waiting for its warehouse is a 409', async () => {
    const { w, deps } = await fulfilling();
    await w.deps.tokens.delete('ord_1', 'fulfilment'); // timed out: release-stock forgot the wait
    expect(await refusal(recordShipment({ orderId: 'ord_1', report: parcel('S1', [{ sku: 'MUG-01', quantity: 1 }]) }, deps))).toEqual({ status: 409, code: 'NotAwaitingShipment', message: 'order PO-ord_1 is not waiting for shipments (its wait for the warehouse has ended)' });
  });

  it('two parcels complete the order: the wait is answered with the last; ShipOrder and IssueInvoice (invoiceOn order) bill what shipped once', async () => {
    const { w, deps } = await fulfilling('order');
    await recordShipment({ orderId: 'ord_1', report: parcel('S1', [{ sku: 'MUG-01', quantity: 1 }]) }, deps);
    const done = await recordShipment({ orderId: 'ord_1', report: parcel('S2', [{ sku: 'MUG-01', quantity: 1 }, { sku: 'BOOK-7', quantity: 1 }]) }, deps);
    expect(done).toMatchObject({ complete: true, open: [] });
    const completes = w.state.workflowCalls.filter((c) => c.op === 'complete');
    expect(completes).toEqual([{ op: 'complete', args: ['tok-1', { carrier: 'DPD', service: 'Next Day', trackingNumber: 'T-S2', shippedAt: '2026-11-22T09:00:00Z' }] }]);
    expect(w.state.mailbox.at(-1)!.text).toContain('This completes your order.');
    await shipOrder({ orderId: 'ord_1', shipment: completes[0]!.args[1] as never }, deps);
    const result = await issueInvoice({ orderId: 'ord_1' }, deps.invoicing);
    expect(result).toMatchObject({ created: true, total: testOrder('ord_1').totals.total });
    expect(w.state.invoices.size).toBe(1);
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'invoiced', invoiceNumber: result.invoiceNumber });
    expect([...w.state.reservations.get('ord_1')!.values()].map((r) => r.state)).toEqual(['shipped', 'shipped']);
  });

  it('invoiceOn shipment: an invoice per parcel as it is reported, shipping and discount split exactly; the order invoiced naming the last', async () => {
    const { w, deps } = await fulfilling('shipment');
    await recordShipment({ orderId: 'ord_1', report: parcel('S1', [{ sku: 'MUG-01', quantity: 1 }]) }, deps);
    expect(w.state.invoices.size).toBe(1);
    await recordShipment({ orderId: 'ord_1', report: parcel('S1', [{ sku: 'MUG-01', quantity: 1 }]) }, deps); // replay
    expect(w.state.invoices.size).toBe(1);
    await recordShipment({ orderId: 'ord_1', report: parcel('S2', [{ sku: 'MUG-01', quantity: 1 }, { sku: 'BOOK-7', quantity: 1 }]) }, deps);
    const [first, second] = [...w.state.invoices.values()];
    // MUG 2 × £12.50 − £5.00: £10.00 net a parcel; the £4.99 shipping on the first
    expect(first!.lines.map((l) => [l.sku, l.quantity, l.discount])).toEqual([['MUG-01', 1, 250]]);
    expect(first!.totals.shipping).toBe(499);
    expect(second!.lines.map((l) => [l.sku, l.quantity, l.discount])).toEqual([['MUG-01', 1, 250], ['BOOK-7', 1, 0]]);
    expect(second!.totals.shipping).toBe(0);
    expect(first!.totals.total + second!.totals.total).toBe(testOrder('ord_1').totals.total);
    await shipOrder({ orderId: 'ord_1', shipment: w.state.workflowCalls.at(-1)!.args[1] as never }, deps);
    const result = await issueInvoice({ orderId: 'ord_1' }, deps.invoicing);
    expect(result).toMatchObject({ invoiceNumber: second!.number, created: false });
    expect(w.state.invoices.size).toBe(2);
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'invoiced', invoiceNumber: second!.number });
    expect(Object.values(w.state.orders.get('ord_1')!.shipments!).map((s) => s.invoiceNumber)).toEqual([first!.number, second!.number]);
  });

  it('cancelled lines put their stock back; the rest ships and completes the order; the invoice bills only what shipped', async () => {
    const { w, deps } = await fulfilling('order');
    const cancelled = await recordShipment({ orderId: 'ord_1', report: { shipmentId: 'C1', cancelled: true, lines: [{ sku: 'BOOK-7', quantity: 1 }], reason: 'damaged in the warehouse' } }, deps);
    expect(cancelled).toMatchObject({ recorded: 'cancellation', complete: false });
    expect(reservation(w, 'BOOK-7')).toMatchObject({ released: 1, state: 'released' });
    // The customer is told which units will not come (the warehouse's own words stay on the timeline).
    expect(w.state.mailbox).toHaveLength(1);
    expect(w.state.mailbox[0]).toMatchObject({ key: 'lines-cancelled:ord_1:C1', subject: 'Part of your order PO-ord_1 will not be delivered' });
    expect(w.state.mailbox[0]!.text).toContain('cannot be shipped after all and have been cancelled:\n  1 × Field guide\n\nThey will not be invoiced.');
    expect(w.state.mailbox[0]!.text).not.toContain('damaged in the warehouse');
    expect(w.state.products.get('BOOK-7')!.onHand).toBe(10);
    await recordShipment({ orderId: 'ord_1', report: parcel('S1', [{ sku: 'MUG-01', quantity: 2 }]) }, deps);
    await shipOrder({ orderId: 'ord_1', shipment: w.state.workflowCalls.at(-1)!.args[1] as never }, deps);
    await issueInvoice({ orderId: 'ord_1' }, deps.invoicing);
    const [invoice] = [...w.state.invoices.values()];
    expect(invoice!.lines.map((l) => l.sku)).toEqual(['MUG-01']);
    expect(w.state.products.get('BOOK-7')!.onHand).toBe(10);
  });

  it('every line cancelled: the wait fails with WarehouseFailed (the reject path), all stock back', async () => {
    const { w, deps } = await fulfilling();
    await recordShipment({ orderId: 'ord_1', report: { shipmentId: 'C1', cancelled: true, lines: [{ sku: 'MUG-01', quantity: 2 }, { sku: 'BOOK-7', quantity: 1 }], reason: 'out of stock' } }, deps);
    expect(w.state.workflowCalls.filter((c) => c.op === 'fail')).toEqual([{ op: 'fail', args: ['tok-1', 'WarehouseFailed', 'the warehouse cannot ship any of it: out of stock'] }]);
    expect([w.state.products.get('MUG-01')!.onHand, w.state.products.get('BOOK-7')!.onHand]).toEqual([10, 10]);
    expect(w.state.mailbox).toEqual([]); // the rejection tells the customer, not a cancellation notice
  });

  it('a prepaid order with a line cancelled: its invoices and one refund of the rest add up to what was paid, whatever is re-run', async () => {
    for (const invoiceOn of ['order', 'shipment'] as const) {
      const { w, deps } = await fulfilling(invoiceOn, { paymentMode: 'prepaid', source: { platform: 'stripe', externalId: 'cs_1', shop: '-', reference: 'WEB-1' }, paymentReference: { paymentIntent: 'pi_1' } });
      await recordShipment({ orderId: 'ord_1', report: parcel('S1', [{ sku: 'MUG-01', quantity: 1 }]) }, deps);
      await recordShipment({ orderId: 'ord_1', report: { shipmentId: 'C1', cancelled: true, lines: [{ sku: 'MUG-01', quantity: 1 }], reason: 'broken in the warehouse' } }, deps);
      await recordShipment({ orderId: 'ord_1', report: parcel('S2', [{ sku: 'BOOK-7', quantity: 1 }]) }, deps);
      await shipOrder({ orderId: 'ord_1', shipment: w.state.workflowCalls.at(-1)!.args[1] as never }, deps);
      await issueInvoice({ orderId: 'ord_1' }, deps.invoicing);
      await issueInvoice({ orderId: 'ord_1' }, deps.invoicing); // the step run again
      const billed = [...w.state.invoices.values()].reduce((n, i) => n + i.totals.total, 0);
      const refunds = [...w.state.refundRequests.values()];
      expect(refunds, invoiceOn).toHaveLength(1);
      expect(refunds[0], invoiceOn).toMatchObject({ orderId: 'ord_1', status: 'requested', reason: 'not shipped: broken in the warehouse', paymentReference: { paymentIntent: 'pi_1' } });
      expect(billed + refunds[0]!.amount, invoiceOn).toBe(testOrder('ord_1').totals.total);
      expect(refunds[0]!.amount, invoiceOn).toBe(1200); // one mug: £12.50 − £2.50 of the line's discount + 20 % VAT
      expect(w.state.invoices.size, invoiceOn).toBe(invoiceOn === 'order' ? 1 : 2);
    }
  });

  it('the seller cancels the units still to come: their stock back, the wait answered once nothing is open, the same request twice once', async () => {
    const { w, deps } = await fulfilling();
    await recordShipment({ orderId: 'ord_1', report: parcel('S1', [{ sku: 'MUG-01', quantity: 2 }]) }, deps);
    const refused = await refusal(cancelLines({ orderId: 'ord_1', cancellationId: 'K1', lines: [{ sku: 'MUG-01', quantity: 1 }], reason: 'no longer needed' }, deps));
    expect(refused).toMatchObject({ status: 422, message: '1 × Stoneware mug (MUG-01) cannot be cancelled: 2 ordered, 2 shipped, 0 cancelled, none is left to cancel' });
    const done = await cancelLines({ orderId: 'ord_1', cancellationId: 'K1', lines: [{ sku: 'BOOK-7', quantity: 1 }], reason: 'no longer needed' }, deps);
    expect(done).toEqual({ orderId: 'ord_1', shipmentId: 'seller:K1', recorded: 'cancellation', complete: true, open: [] });
    await cancelLines({ orderId: 'ord_1', cancellationId: 'K1', lines: [{ sku: 'BOOK-7', quantity: 1 }], reason: 'no longer needed' }, deps);
    // One notice, under the cancellation's key (the sender sends a key once), saying it was cancelled as asked.
    const notices = w.state.mailbox.filter((m) => m.key === 'lines-cancelled:ord_1:seller:K1');
    expect(notices.length).toBeGreaterThanOrEqual(1);
    expect(new Set(notices.map((m) => m.text)).size).toBe(1);
    expect(notices[0]!.text).toContain('as requested, we have cancelled these items of your order PO-ord_1:\n  1 × Field guide');
    expect(w.state.products.get('BOOK-7')!.onHand).toBe(10);
    expect(w.state.workflowCalls.filter((c) => c.op === 'complete')).toHaveLength(1);
    expect(Object.keys(w.state.orders.get('ord_1')!.lineCancellations!)).toEqual(['seller:K1']);
  });

  it('an order shipping in parts is reported there to the end: the whole-order callback is a 409, nothing moves', async () => {
    const { w, deps } = await fulfilling();
    await recordShipment({ orderId: 'ord_1', report: parcel('S1', [{ sku: 'MUG-01', quantity: 1 }]) }, deps);
    for (const report of [{ carrier: 'DPD', service: 'Next Day', trackingNumber: 'X', shippedAt: NOW }, { failed: true as const, reason: 'no' }]) {
      expect(await refusal(reportShipment({ orderId: 'ord_1', report }, deps))).toMatchObject({ status: 409, code: 'ShippingInParts' });
    }
    expect(w.state.workflowCalls.filter((c) => c.op === 'complete' || c.op === 'fail')).toEqual([]);
  });
});
