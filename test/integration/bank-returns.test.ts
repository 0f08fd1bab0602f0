/**
 * Returns on DynamoDB Local: a return in a later file takes the payment back in
 * one transaction — the return item (conditional put), the payment, the
 * invoice back in the open-by-due index with its reversal event, the entry —
 * and two files carrying the same return entry, even at once, reverse it once.
 */
import { readFileSync } from 'node:fs';
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoBankImports } from '../../functions/adapters/bank-imports.ts';
import { dynamoTable } from '../../functions/adapters/dynamo.ts';
import { GSI_OPEN_BY_DUE, ITEM_TYPES, Keys, VERSION_ATTRIBUTE } from '../../functions/adapters/table-schema.ts';
import { isBalanced } from '../../functions/domain/ledger.ts';
import type { Invoice } from '../../functions/domain/model.ts';
import { priceOrder } from '../../functions/domain/pricing.ts';
import { parseBankFile, readBankFileStream } from '../../functions/platforms/bank/index.ts';
import { applyPayment } from '../../functions/use-cases/apply-payment.ts';
import { bankImportView, importBankFile } from '../../functions/use-cases/bank-import.ts';
import { customerStatement } from '../../functions/use-cases/customer-statement.ts';
import { camtReturn } from '../support/bank-files.ts';
import { dynamoDeps } from '../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';
import { TEST_COMPANY } from '../support/memory.ts';
import { putCustomer, testCustomer, testOrder } from '../support/orders.ts';
import { invoiceFor } from '../unit/use-cases/fixtures.ts';

const CAMT = readFileSync(new URL('../fixtures/bank/camt053-v02.xml', import.meta.url), 'utf8');
const API = { kind: 'api', actor: 'finance key' } as const;
const INV42 = 'INV-2026-000042';

function invoice42(): Invoice {
  const lines = [{ sku: 'X', description: 'x', quantity: 1, unitPrice: 125000, discount: 0, taxRatePpm: 0 }];
  return invoiceFor(testOrder('ord_42', 'invoiced', { lines, shipping: undefined, totals: priceOrder(lines, undefined, TEST_COMPANY.taxPolicy).totals }), { sequence: 42 });
}

describe('bank returns on DynamoDB Local', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  let world: ReturnType<typeof dynamoDeps>;
  let deps: ReturnType<typeof dynamoDeps>['deps'] & { bankImports: ReturnType<typeof dynamoBankImports>; readBankFile: (chunks: AsyncIterable<string>) => ReturnType<typeof readBankFileStream> };
  const item = async (key: Record<string, string>) => (await ddb.doc().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;

  beforeEach(async () => {
    table = await ddb.createTable();
    world = dynamoDeps(table, { now: '2026-12-05T10:00:00.000Z' });
    deps = { ...world.deps, bankImports: dynamoBankImports(dynamoTable(table, ddb.doc)), readBankFile: (chunks) => readBankFileStream(chunks) };
    const inv = invoice42();
    await ddb.doc().send(new PutCommand({ TableName: table, Item: { ...Keys.invoice(inv.number), ...Keys.invoiceByCustomer(inv.customerId, inv.issueDate, inv.number), ...Keys.openInvoice(inv.number, inv.dueDate), type: ITEM_TYPES.invoice, ...inv, [VERSION_ATTRIBUTE]: 1 } }));
    await putCustomer(ddb.doc(), table, testCustomer('cus_1'));
    await importBankFile({ body: CAMT, source: API }, deps);
    for (const m of world.deps.paymentQueue.sent) await applyPayment(m, deps);
  });

  const openIndexed = async () => {
    const shards = [0, 1, 2, 3].map((s) => Keys.openShard(s));
    const found = await Promise.all(shards.map((pk) => ddb.doc().send(new QueryCommand({ TableName: table, IndexName: GSI_OPEN_BY_DUE.indexName, KeyConditionExpression: `${GSI_OPEN_BY_DUE.partitionKey} = :pk`, ExpressionAttributeValues: { ':pk': pk } }))));
    return found.flatMap((r) => r.Items ?? []).map((i) => i.number as string);
  };

  it('two files with the same return entry, imported at once, reverse the payment once; the invoice is open again and indexed; the statement as of before and after', async () => {
    expect(await item(Keys.invoice(INV42))).toMatchObject({ balance: 0, status: 'paid' });
    expect(await openIndexed()).not.toContain(INV42);
    const file = (id: string) => camtReturn({ statementId: id, entryRef: 'BUKB-20261202-0001', amount: '1250.00', endToEndId: 'NW-7781' });
    const [a, b] = await Promise.all([importBankFile({ body: file('STMT-A'), source: API }, deps), importBankFile({ body: file('STMT-B'), source: API }, deps)]);
    const outcomes = [...(await bankImportView(a.importId, deps)).returns.outcomes, ...(await bankImportView(b.importId, deps)).returns.outcomes].map((o) => o.outcome).sort();
    expect(outcomes).toEqual(['reversed', 'reversed-before']);

    const inv = (await item(Keys.invoice(INV42)))!;
    expect(inv).toMatchObject({ balance: 125000, status: 'open', version: 3 });
    expect((inv.history as { kind: string }[]).filter((e) => e.kind === 'reversal')).toHaveLength(1);
    expect(await openIndexed()).toContain(INV42);
    const ret = (await item(Keys.bankReturn('GB33BUKB20201555555555', 'BUKB-20261202-0001')))!;
    const payment = (await item(Keys.payment(ret.paymentId as string)))!;
    expect(payment).toMatchObject({ unapplied: 0, returned: { entryKey: 'BUKB-20261202-0001' }, endToEndId: 'NW-7781' });
    const entry = (await item(Keys.journal(`return-${payment.id}`)))!;
    expect(isBalanced(entry as never)).toBe(true);
    expect(entry.lines).toEqual([
      { account: 'accounts_receivable', side: 'debit', amount: 125000 },
      { account: 'cash', side: 'credit', amount: 125000 },
    ]);
    const open = async (asOf: string) => (await customerStatement({ customerId: 'cus_1', asOf }, deps)).currencies.find((c) => c.currency === 'GBP')?.openItems.map((i) => [i.invoiceNumber, i.balance, i.status]) ?? [];
    expect(await open('2026-12-01')).toEqual([]);
    expect(await open('2026-12-02')).toEqual([[INV42, 125000, 'open']]);
  });

  it('a payment that moved meanwhile is not reversed on the stale reading: the transaction is refused, nothing written', async () => {
    const paymentId = (await deps.paymentReturns.paymentsQuoting({ endToEndIds: ['NW-7781'], entryKeys: [] }))[0]!;
    const stored = (await deps.payments.get(paymentId))!;
    const write = {
      payment: { ...stored, unapplied: 1 },
      record: { account: 'GB33BUKB20201555555555', entryKey: 'R-9', paymentId, on: '2026-12-02', amount: 125000, currency: 'GBP' },
      reopened: [],
      paymentEvent: { on: '2026-12-02', kind: 'return' as const, amount: 0 },
      entry: { id: `return-${paymentId}`, date: '2026-12-02', currency: 'GBP', memo: 'x', reference: 'x', lines: [{ account: 'cash' as const, side: 'credit' as const, amount: 1 }, { account: 'unapplied_cash' as const, side: 'debit' as const, amount: 1 }] },
      audit: { at: '2026-12-05T10:00:00.000Z', actor: 'test', action: 'payment.return', entity: `payment:${paymentId}` },
      aggregates: {},
    };
    expect(await deps.paymentReturns.reverse(write)).toBe('changed');
    expect(await item(Keys.bankReturn('GB33BUKB20201555555555', 'R-9'))).toBeUndefined();
    expect(await item(Keys.journal(`return-${paymentId}`))).toBeUndefined();
  });
});
