/** release-stock (the workflow's failure path): held stock back once, shipped stock untouched, the order left where it was. */
import { describe, expect, it } from 'vitest';
import { releaseStock } from '../../../functions/use-cases/release-stock.ts';
import { testOrder } from '../../support/orders.ts';
import { BOOK, MUG, NOW, world } from './fixtures.ts';

const lines = new Map([
  ['MUG-01', 2],
  ['BOOK-7', 1],
]);

function reserved(status: Parameters<typeof testOrder>[1]) {
  const w = world();
  w.putProduct(MUG);
  w.putProduct(BOOK);
  w.putOrder(testOrder('ord_1', status));
  return w;
}

describe('releaseStock', () => {
  it('puts held units back, once, and leaves the order in its status (the customer is told nothing)', async () => {
    const w = reserved('fulfilling');
    await w.deps.catalog.reserve('ord_1', lines, NOW);
    await w.deps.tokens.store('ord_1', 'fulfilment', 'tok-f', NOW);
    expect(w.state.products.get('MUG-01')!.onHand).toBe(8);
    const error = { Error: 'States.Timeout', Cause: 'the warehouse did not answer' };
    expect(await releaseStock({ orderId: 'ord_1', error }, w.deps)).toEqual({ released: 2 });
    expect(await releaseStock({ orderId: 'ord_1', error }, w.deps)).toEqual({ released: 0 });
    expect(w.state.products.get('MUG-01')!.onHand).toBe(10);
    expect(w.state.products.get('BOOK-7')!.onHand).toBe(10);
    expect(w.state.orders.get('ord_1')).toMatchObject({ status: 'fulfilling', version: 1 });
    expect(w.state.events.get('ord_1')?.[0]).toEqual({ at: NOW, step: 'workflow-failed', detail: 'States.Timeout: stock of 2 line(s) put back; the order stays fulfilling for finance to decide' });
    expect(w.state.mailbox).toEqual([]);
    expect(w.tokenOf('ord_1', 'fulfilment')).toBeUndefined(); // a late request delivery asks nobody
  });

  it('releases nothing of an order that shipped before a later step failed', async () => {
    const w = reserved('shipped');
    await w.deps.catalog.reserve('ord_1', lines, NOW);
    await w.deps.catalog.ship('ord_1');
    expect(await releaseStock({ orderId: 'ord_1', error: { Error: 'InvoiceConflict' } }, w.deps)).toEqual({ released: 0 });
    expect(w.state.products.get('MUG-01')!.onHand).toBe(8);
  });

  it('does nothing for an order that does not exist', async () => {
    const w = world();
    expect(await releaseStock({ orderId: 'ord_nope' }, w.deps)).toEqual({ released: 0 });
  });
});
