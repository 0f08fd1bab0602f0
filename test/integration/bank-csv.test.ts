/**
 * CSV bank files through the bank-import handler on DynamoDB Local: with the
 * configured column mapping bound (BANK_CSV_MAPPING, from `bankCsvMapping`)
 * a CSV export is imported like camt and MT940; without one it is refused.
 * Also the confirm route of a proposal: 404 for an item not in the import.
 */
import { readFileSync } from 'node:fs';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Route, runRoute as RunRoute } from '../../functions/runtime/http.ts';
import { apiEvent } from '../support/api-event.ts';
import { setTestBindings, TEST_FINANCE_KEY } from '../support/bindings.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';

const CSV = readFileSync(new URL('../fixtures/bank/uk-bank.csv', import.meta.url), 'utf8');
const UK = { decimal: '.', dateFormat: 'DD/MM/YYYY', columns: { date: 'Date', amount: 'Amount', payerName: 'Payer', reference: 'Reference', remittance: 'Description', entryRef: 'Transaction ID' }, currency: 'GBP', accountIban: 'GB33BUKB20201555555555' };
const sqs = mockClient(SQSClient);

describe('bank-import handler with a CSV mapping (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  beforeAll(async () => {
    table = await ddb.createTable();
  });
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({ Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: '' })), Failed: [] }));
  });

  const load = async (mapping: unknown) => {
    vi.resetModules();
    setTestBindings({ TABLE_NAME: table, ...(mapping === undefined ? { BANK_CSV_MAPPING: undefined } : { BANK_CSV_MAPPING: JSON.stringify(mapping) }) });
    // The runtime of the same module graph as the handler (its error classes are the ones it throws).
    const { runRoute } = await import('../../functions/runtime/http.ts');
    const { routes } = await import('../../functions/handlers/bank-import.ts');
    return { routes, runRoute };
  };
  const call = async ({ routes, runRoute }: { routes: Record<string, Route>; runRoute: typeof RunRoute }, routeKey: string, body: string, path: Record<string, string> = {}) => {
    const res = await runRoute(routes[routeKey]!, apiEvent(routeKey, body, { headers: { 'x-api-key': TEST_FINANCE_KEY, 'content-type': 'text/csv' }, pathParameters: path }));
    return { status: res.statusCode ?? 0, body: res.body ? JSON.parse(res.body) : undefined };
  };

  it('imports the CSV export with the mapping: its credits queued, its card fee listed', async () => {
    const routes = await load(UK);
    const posted = await call(routes, 'POST /finance/bank-statements', CSV);
    expect(posted.status).toBe(202);
    const view = await call(routes, 'GET /finance/bank-statements/{importId}', '', { importId: posted.body.importId });
    expect(view.body).toMatchObject({ format: 'csv', status: 'queued', credits: { count: 4, totals: [{ amount: 195000, currency: 'GBP' }] }, fees: { count: 0 }, debits: { count: 1 }, proposals: [] });
    const sent = sqs.commandCalls(SendMessageBatchCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(sent).toHaveLength(4);
    const confirm = await call(routes, 'POST /finance/bank-statements/{importId}/items/{itemId}/apply', '', { importId: posted.body.importId, itemId: 'pay_not_in_it' });
    expect(confirm).toMatchObject({ status: 404, body: { message: expect.stringMatching(/is not a credit of bank-statement import/) } });
  });

  it('without a mapping a CSV file is refused with the reason (422)', async () => {
    const routes = await load(undefined);
    const posted = await call(routes, 'POST /finance/bank-statements', CSV);
    expect(posted).toMatchObject({ status: 422, body: { message: expect.stringMatching(/no CSV column mapping is configured/) } });
  });

  it('a malformed mapping stops the function at load, naming the variable', async () => {
    await expect(load({ decimal: '.', columns: {} })).rejects.toThrow(/BANK_CSV_MAPPING is invalid/);
  });
});
