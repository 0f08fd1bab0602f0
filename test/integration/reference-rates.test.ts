/**
 * Reference rates on DynamoDB Local: the scheduled refresh reads a source in
 * the ECB's layout over HTTP (a local server on 127.0.0.1), keeps the latest
 * day once, and the credit check converts with the later of the stored and
 * the configured rates.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpRateSource } from '../../functions/adapters/rate-source.ts';
import { repositories } from '../../functions/adapters/repositories.ts';
import { checkCredit } from '../../functions/use-cases/check-credit.ts';
import { refreshReferenceRates } from '../../functions/use-cases/refresh-reference-rates.ts';
import { dynamoDeps } from '../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';
import { putCustomer, putOrder, testCustomer, testOrder } from '../support/orders.ts';

const daily = readFileSync(resolve(import.meta.dirname, '../fixtures/rates/ecb-daily.xml'), 'utf8');

describe('reference rates: refresh and use', () => {
  const ddb = useDynamoDbLocal();
  let server: Server;
  let url = '';
  let body = daily;
  let status = 200;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(status, { 'content-type': 'application/xml' });
      res.end(body);
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/eurofxref-daily.xml`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  });

  it('keeps the day’s rates once, never replaces them with an older day, and refuses a source that is down', async () => {
    const table = await ddb.createTable();
    const store = repositories(table).rateStore;
    const deps = { source: httpRateSource(url), store, clock: { now: () => new Date('2026-11-30T16:30:00Z'), sleep: async () => undefined } };
    expect(await refreshReferenceRates({}, deps)).toEqual({ on: '2026-11-30', currencies: 5, outcome: 'saved' });
    expect(await refreshReferenceRates({}, deps)).toEqual({ on: '2026-11-30', currencies: 5, outcome: 'unchanged' });
    body = daily.replace('time="2026-11-30"', 'time="2026-11-27"');
    expect(await refreshReferenceRates({}, deps)).toMatchObject({ on: '2026-11-27', outcome: 'unchanged' });
    expect(await store.latest()).toMatchObject({ on: '2026-11-30', rates: { GBP: '0.85340' } });
    body = daily.replace('time="2026-11-30"', 'time="2026-12-01"').replace('0.85340', '0.86000');
    expect(await refreshReferenceRates({}, deps)).toMatchObject({ on: '2026-12-01', outcome: 'saved' });
    expect(await store.latest()).toMatchObject({ on: '2026-12-01', rates: { GBP: '0.86000' } });
    status = 503;
    await expect(refreshReferenceRates({}, deps)).rejects.toThrow('answered HTTP 503');
    status = 200;
    body = daily;
  });

  it('the credit check converts with the stored rates when they are later than the configured ones', async () => {
    const table = await ddb.createTable();
    const d = dynamoDeps(table);
    await d.deps.rateStore.save({ on: '2026-11-30', base: 'EUR', rates: { GBP: '0.8', SEK: '10' } }, '2026-11-30T16:30:00Z');
    await putCustomer(ddb.doc(), table, testCustomer('cus_1', { creditLimit: 10_000 }));
    // A SEK order of 1,000.00 kr: at 10 SEK and 0.8 GBP per EUR it is £80.00 against a £100.00 limit → approved.
    const lines = [{ sku: 'X', description: 'x', quantity: 1, unitPrice: 100_000, discount: 0, taxRatePpm: 0 }];
    await putOrder(ddb.doc(), table, testOrder('ord_sek', 'validated', { currency: 'SEK', lines, shipping: undefined, totals: { gross: 100_000, discount: 0, net: 100_000, shipping: 0, tax: 0, total: 100_000 } }));
    const configured = { on: '2026-11-01', base: 'EUR', rates: { GBP: '0.5', SEK: '10' } }; // older: would make it £50.00
    expect(await checkCredit({ orderId: 'ord_sek' }, { ...d.deps, referenceRates: configured })).toEqual({ decision: 'approve', reason: 'within credit limit' });
    expect(((await d.deps.orders.get('ord_sek')) as { exposure?: number } | undefined)?.exposure).toBe(8_000);
  });
});
