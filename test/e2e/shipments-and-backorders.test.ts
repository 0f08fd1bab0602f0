/**
 * End to end through a local stack synthesized with `-c o2c.invoiceOn=shipment -c o2c.backorderPolicy=ship-available`
 * (in memory, random free ports): an order the warehouse ships in two parcels gets two invoices, each as its parcel
 * is reported; an order for more than is in stock ships what is there, the customer told, the rest cancelled.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Keys } from '../../functions/adapters/table-schema.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb-local.ts';
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { stackClient, until } from '../support/stack-client.ts';

let stack: LocalStack;
const { post, admin, mails } = stackClient(() => stack);
const invoicesOf = async (reference: string) => ((await admin('/_local/invoices')).invoices as any[]).filter((i) => i.orderReference === reference);

beforeAll(async () => {
  stack = await startLocalStack({ inMemory: true, apiPort: await freePort(), mailPort: await freePort(), warehouseDelayMs: 1_500, waitMs: 500, context: { 'o2c.invoiceOn': 'shipment', 'o2c.backorderPolicy': 'ship-available' } });
}, 90_000);

afterAll(async () => {
  await stack?.stop();
}, 30_000);

describe('invoiceOn "shipment" and backorderPolicy "ship-available", end to end', () => {
  it('partial shipment → two shipments, two invoices: each parcel invoiced as it is reported (shipping with the first), together the whole order', async () => {
    const res = await post('/orders', {
      externalId: 'E2E-P2',
      reference: 'E2E-P2',
      customer: { email: 'purchasing@acme-retail.example', name: 'E2E Buyer' },
      currency: 'GBP',
      paymentMode: 'terms',
      shippingAddress: { line1: '1 Market Street', city: 'York', country: 'GB' },
      shipping: { amount: 499, taxRatePpm: 200_000 },
      lines: [{ sku: 'MUG-01', description: 'Stoneware mug, 350 ml', quantity: 3, unitPrice: 1250, taxRatePpm: 200_000 }],
    });
    expect(res.status).toBe(202);
    const id = res.body.orderId as string;
    stack.warehouse.leave(id);
    await until('fulfilment', async () => (await admin(`/_local/orders/${id}`)).order?.status === 'fulfilling', 20_000);
    const parcel = (shipmentId: string, quantity: number) => ({ shipmentId, lines: [{ sku: 'MUG-01', quantity }], carrier: 'DPD', service: 'Next Day', trackingNumber: `TRK-${shipmentId}` });

    expect((await post(`/fulfilment/${id}/shipments`, parcel('P2-A', 1))).status).toBe(202);
    // Invoiced at once: 1 × £12.50 + £4.99 shipping + 20 % VAT = £20.99, while the rest is still to ship.
    expect((await invoicesOf('E2E-P2')).map((i) => i.total)).toEqual([2099]);
    expect((await admin(`/_local/orders/${id}`)).order.status).toBe('fulfilling');
    expect((await post(`/fulfilment/${id}/shipments`, parcel('P2-A', 1))).status).toBe(202); // the same parcel again: no second invoice
    expect(await invoicesOf('E2E-P2')).toHaveLength(1);

    expect((await post(`/fulfilment/${id}/shipments`, parcel('P2-B', 2))).body).toMatchObject({ complete: true });
    const order = await until('the order invoiced', async () => {
      const o = (await admin(`/_local/orders/${id}`)).order;
      return o?.status === 'invoiced' ? o : undefined;
    });
    const invoices = await invoicesOf('E2E-P2');
    expect(invoices.map((i) => i.total)).toEqual([2099, 3000]); // 2 × £12.50 + VAT; together £50.99, the order's total
    expect(order.invoiceNumber).toBe(invoices[1].number);
    for (const invoice of invoices) await until(`the email of ${invoice.number}`, async () => (await mails()).find((m) => m.subject.startsWith(`Invoice ${invoice.number}`)));
  }, 60_000);

  it('backorder with ship-available: 40 of 42 lamps reserved and shipped, the customer told what follows, the 2 refused while none is in stock, then cancelled by the seller; one invoice for the 40', async () => {
    const onHand = async () => (await stack.doc.send(new GetCommand({ TableName: stack.tableName, Key: Keys.product('LAMP-3') }))).Item!.onHand as number;
    expect(await onHand()).toBe(40);
    const res = await post('/orders', {
      externalId: 'E2E-B1',
      reference: 'E2E-B1',
      customer: { email: 'purchasing@acme-retail.example', name: 'E2E Buyer' },
      currency: 'GBP',
      paymentMode: 'terms',
      shippingAddress: { line1: '1 Market Street', city: 'York', country: 'GB' },
      lines: [{ sku: 'LAMP-3', description: 'Brass desk lamp', quantity: 42, unitPrice: 8900, taxRatePpm: 200_000 }],
    });
    const id = res.body.orderId as string;
    stack.warehouse.leave(id);
    await until('fulfilment', async () => (await admin(`/_local/orders/${id}`)).order?.status === 'fulfilling', 30_000);
    expect(await onHand()).toBe(0);
    const notice = await until('the backorder notice', async () => (await mails()).find((m) => m.subject === 'Part of your order E2E-B1 is on backorder'));
    expect(notice.body.text).toContain('Ships now:\n  40 × Brass desk lamp\n\nFollows as soon as it is back in stock:\n  2 × Brass desk lamp');
    const request = await until('the request to the warehouse', async () => stack.warehouse.deliveries.find((d) => d.orderId === id));
    expect(request.body).toMatchObject({ lines: [{ sku: 'LAMP-3', quantity: 42 }], backordered: [{ sku: 'LAMP-3', quantity: 2 }] });

    const parcel = (shipmentId: string, quantity: number) => ({ shipmentId, lines: [{ sku: 'LAMP-3', quantity }], carrier: 'DPD', service: 'Next Day', trackingNumber: `TRK-${shipmentId}` });
    expect((await post(`/fulfilment/${id}/shipments`, parcel('B1-A', 40))).body).toMatchObject({ complete: false, open: [{ sku: 'LAMP-3', quantity: 2 }] });
    const short = await post(`/fulfilment/${id}/shipments`, parcel('B1-B', 2));
    expect(short).toMatchObject({ status: 409, body: { error: 'StockShort' } });
    const cancelled = await post(`/orders/${id}/lines/cancel`, { cancellationId: 'B1-K', lines: [{ sku: 'LAMP-3', quantity: 2 }], reason: 'the customer will not wait' });
    expect(cancelled).toMatchObject({ status: 202, body: { complete: true, open: [] } });
    await until('the order invoiced', async () => (await admin(`/_local/orders/${id}`)).order?.status === 'invoiced', 30_000);
    expect((await invoicesOf('E2E-B1')).map((i) => i.total)).toEqual([40 * 8900 * 1.2]);
    const reservation = (await stack.doc.send(new GetCommand({ TableName: stack.tableName, Key: Keys.reservation(id, 'LAMP-3') }))).Item;
    expect(reservation).toMatchObject({ quantity: 40, shipped: 40, released: 0, state: 'shipped' });
    expect(await onHand()).toBe(0);
  }, 90_000);
});
