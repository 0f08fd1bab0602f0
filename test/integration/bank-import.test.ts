/**
 * Bank-statement imports on DynamoDB Local: the import item is written once
 * (conditional put on the id the file's fingerprint gives) — the same file
 * twice, even at once, is one import — and the payments its credits became
 * are read back with BatchGetItem once apply-payment has written them.
 */
import { readFileSync } from 'node:fs';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { dynamoBankImports } from '../../functions/adapters/bank-imports.ts';
import { dynamoTable } from '../../functions/adapters/dynamo.ts';
import { Keys } from '../../functions/adapters/table-schema.ts';
import { COUNT_SHARDS, countShardOf, shardCounts } from '../../functions/domain/bank-import.ts';
import { parseBankFile, readBankFileStream } from '../../functions/platforms/bank/index.ts';
import { applyPayment } from '../../functions/use-cases/apply-payment.ts';
import { bankImportView, importBankFile } from '../../functions/use-cases/bank-import.ts';
import { rejectProposal } from '../../functions/use-cases/bank-proposals.ts';
import { issueInvoice } from '../../functions/use-cases/issue-invoice.ts';
import { putCustomer, putOrder, testCustomer, testOrder } from '../support/orders.ts';
import { dynamoDeps } from '../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';

const CAMT = readFileSync(new URL('../fixtures/bank/camt053-v02.xml', import.meta.url), 'utf8');
const API = { kind: 'api', actor: 'finance key' } as const;

describe('bank-statement imports on DynamoDB Local', () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  let world: ReturnType<typeof dynamoDeps>;
  let deps: ReturnType<typeof dynamoDeps>['deps'] & { bankImports: ReturnType<typeof dynamoBankImports>; readBankFile: (chunks: AsyncIterable<string>) => ReturnType<typeof readBankFileStream> };
  beforeEach(async () => {
    table = await ddb.createTable();
    world = dynamoDeps(table);
    deps = { ...world.deps, bankImports: dynamoBankImports(dynamoTable(table, ddb.doc)), readBankFile: (chunks) => readBankFileStream(chunks) };
  });

  // 90 s for the tests that apply payments: each is several transactions (payment, counter), heavily shared cores.
  it('writes the import once: the same file again returns its id and queues nothing', async () => {
    const first = await importBankFile({ body: CAMT, source: API }, deps);
    const again = await importBankFile({ body: CAMT, source: API }, deps);
    expect(first.created).toBe(true);
    expect(again).toMatchObject({ importId: first.importId, created: false });
    expect(world.deps.paymentQueue.sent).toHaveLength(5);
    const item = (await ddb.doc().send(new GetCommand({ TableName: table, Key: Keys.bankImport(first.importId), ConsistentRead: true }))).Item!;
    expect(item).toMatchObject({ type: 'BankImport', status: 'queued', importId: first.importId, credits: { count: 5 }, paymentChunks: 1 });
    expect(item.paymentIds).toBeUndefined(); // kept beside the import, in items of 1,000
    const ids = (await ddb.doc().send(new GetCommand({ TableName: table, Key: Keys.bankImportPayments(first.importId, 0), ConsistentRead: true }))).Item!;
    expect(ids).toMatchObject({ type: 'BankImportPayments', ids: world.deps.paymentQueue.sent.map((m) => m.id) });
    expect(await deps.bankImports.paymentIdsOf(item as never)).toEqual(world.deps.paymentQueue.sent.map((m) => m.id));
    expect(item.fingerprint).toMatch(/^stmt:/);
  });

  it('two posts of the same file at once make one import; apply-payment applies each payment once', async () => {
    const [a, b] = await Promise.all([importBankFile({ body: CAMT, source: API }, deps), importBankFile({ body: CAMT, source: API }, deps)]);
    expect(a.importId).toBe(b.importId);
    expect([a.created, b.created].sort()).toEqual([false, true]);
    const outcomes = [];
    for (const m of world.deps.paymentQueue.sent) outcomes.push(await applyPayment(m, deps));
    expect(outcomes.filter((o) => o.applied)).toHaveLength(5);
    // Finance gets one email: the second post may still be finishing the first's queuing and queue it again,
    // but under the import's one mail key, which send-mail sends once.
    expect(new Set(world.state.mailbox.map((m) => m.key))).toEqual(new Set([`bank-import:${a.importId}`]));
  }, 90_000);

  it('reads the payments back (BatchGet): pending until apply-payment wrote them, then what it did', async () => {
    const { importId } = await importBankFile({ body: CAMT, source: API }, deps);
    expect(await bankImportView(importId, deps)).toMatchObject({ status: 'queued', pending: 5, queued: 5 });
    const sent = world.deps.paymentQueue.sent;
    await applyPayment(sent[0]!, deps);
    expect(await bankImportView(importId, deps)).toMatchObject({ status: 'queued', pending: 4 });
    for (const m of sent.slice(1)) await applyPayment(m, deps);
    const view = await bankImportView(importId, deps);
    expect(view).toMatchObject({ status: 'applied', pending: 0, applied: { count: 0 }, unapplied: { count: 5, amount: view.credits.totals }, autoMatchRate: 0 });
    // The evidence travelled with the payment and is stored on it.
    const stored = await deps.payments.get(sent[0]!.id);
    expect(stored).toMatchObject({ payerName: 'Northwind Traders Ltd', payerIban: 'GB82WEST12345698765432', importId, entryKey: 'BUKB-20261130-0001' });
  }, 90_000);

  it('marking an import queued that does not exist writes nothing', async () => {
    await expect(deps.bankImports.markQueued('bi_missing', '2026-11-22T10:00:00.000Z')).rejects.toThrow();
    expect((await ddb.doc().send(new GetCommand({ TableName: table, Key: Keys.bankImport('bi_missing') }))).Item).toBeUndefined();
  });

  it('rejecting a proposal writes the rejection and its audit line once; a customer guessed by name lets the cash go to the unassigned list', async () => {
    await putCustomer(ddb.doc(), table, testCustomer('cus_1'));
    for (const id of ['ord_a', 'ord_b']) {
      await putOrder(ddb.doc(), table, testOrder(id));
      await issueInvoice({ orderId: id }, deps);
    }
    // Two open invoices of the same amount: the older is proposed (0.85), not applied.
    const pay = { id: 'pay_p', source: 'bank' as const, externalId: 'GB33:P1', amount: 3898, currency: 'GBP', receivedOn: '2026-11-25' };
    await applyPayment({ ...pay, customerId: 'cus_1' }, deps);
    await applyPayment({ ...pay, id: 'pay_q', externalId: 'GB33:P2', customerId: 'cus_1' }, deps);
    const record = { importId: 'bi_p', fingerprint: 'sha256:p', status: 'queued' as const, source: API, receivedAt: '2026-11-25T08:00:00.000Z', paymentIds: ['pay_p', 'pay_q'], format: 'camt.053' as const, statements: [], entries: 2, credits: { count: 2, totals: [] }, returns: { count: 0, totals: [], lines: [] }, fees: { count: 0, totals: [], lines: [] }, otherDebits: { count: 0, totals: [], lines: [] }, notApplied: { count: 0, totals: [], lines: [] } };
    await deps.bankImports.create(record);
    const holding = async () => (await deps.payments.unappliedOf('cus_1')).map((u) => u.paymentId).sort();
    expect(await holding()).toEqual(['pay_p', 'pay_q']);
    const r = await rejectProposal({ importId: 'bi_p', paymentId: 'pay_p', reason: 'not these' }, 'alice@finance', deps);
    expect(await holding()).toEqual(['pay_p', 'pay_q']); // rejected, still the customer's cash
    expect(r).toMatchObject({ customerId: 'cus_1', unapplied: { amount: 3898, currency: 'GBP' } });
    const item = (await ddb.doc().send(new GetCommand({ TableName: table, Key: Keys.payment('pay_p'), ConsistentRead: true }))).Item!;
    expect(item).toMatchObject({ unapplied: 3898, customerId: 'cus_1', gsi2pk: 'PAYMENTS#cus_1', match: { auto: false, rejected: { by: 'alice@finance', reason: 'not these' } } });
    await expect(rejectProposal({ importId: 'bi_p', paymentId: 'pay_p', reason: 'again' }, 'bob@finance', deps)).rejects.toMatchObject({ code: 'ProposalAlreadyRejected' });
    expect((await deps.audit.entriesOf('payment:pay_p')).filter((a) => a.action === 'payment.proposal.reject')).toHaveLength(1);
    // The same write, for a payment whose customer was a guess from the name: off the customer, on the unassigned list.
    const q = (await deps.payments.get('pay_q'))!;
    expect(await deps.payments.rejectProposal({ before: q, rejection: { by: 'a', at: '2026-11-25T10:00:00.000Z', reason: 'r', customerReleased: 'cus_1' }, releaseCustomer: true, audit: { at: '2026-11-25T10:00:00.000Z', actor: 'a', action: 'payment.proposal.reject', entity: 'payment:pay_q', before: {}, after: {} } })).toBe('done');
    const released = (await ddb.doc().send(new GetCommand({ TableName: table, Key: Keys.payment('pay_q'), ConsistentRead: true }))).Item!;
    expect(released.customerId).toBeUndefined();
    expect(released.gsi2pk).toBe('PAYMENTS#UNASSIGNED');
    expect((await deps.payments.unassigned()).map((p) => p.id)).toEqual(['pay_q']);
    expect(await holding()).toEqual(['pay_p']); // released: no longer the customer's unapplied cash
    expect(await deps.payments.rejectProposal({ before: q, rejection: { by: 'a', at: 'x', reason: 'r' }, releaseCustomer: false, audit: { at: 'x', actor: 'a', action: 'payment.proposal.reject', entity: 'payment:pay_q', before: {}, after: {} } })).toBe('changed');
  }, 90_000);

  it('counts each credit once on its counter, concurrently and twice over; only the count that closes a counter says so (nothing read back before); the import is finished when the last counter closes; an import made before the counters counts on its own item', { timeout: 180_000 }, async () => {
    const ids = Array.from({ length: 60 }, (_, i) => `pay_c${String(i).padStart(3, '0')}`);
    const counts = shardCounts(ids);
    const open = counts.filter((n) => n > 0).length;
    const empty = { count: 0, totals: [], lines: [] };
    const base = { fingerprint: 'sha256:c', status: 'queued' as const, source: API, receivedAt: '2026-11-25T08:00:00.000Z', format: 'camt.053' as const, statements: [], entries: 60, credits: { count: 60, totals: [] }, returns: empty, fees: empty, otherDebits: empty, notApplied: empty };
    // Every command the repository sends, by name.
    const sent: string[] = [];
    const counting = { send: (command: { constructor: { name: string } }) => (sent.push(command.constructor.name), ddb.doc().send(command as never)) } as unknown as ReturnType<typeof ddb.doc>;
    const imports = dynamoBankImports(dynamoTable(table, () => counting));
    await imports.create({ ...base, importId: 'bi_c', paymentIds: ids, countShards: COUNT_SHARDS, outstanding: open }, { shardCounts: counts });
    const outstanding = async () => (await imports.get('bi_c'))!.outstanding;
    // A count that does not close its counter is one write and reads nothing.
    const single = ids.find((id) => counts[countShardOf(id)]! > 1)!;
    sent.length = 0;
    expect(await imports.countApplied('bi_c', single)).toBe('counted');
    expect(sent).toEqual(['TransactWriteCommand']);
    // All but the last, twice each, 12 at a time: every first count is 'counted' or — the last of its counter — 'closed', every second 'counted-before'.
    const [last, ...others] = [ids[59]!, ...ids.slice(0, 59)];
    const rest = others.filter((id) => id !== single);
    const results: string[] = [];
    for (let i = 0; i < rest.length; i += 12) results.push(...(await Promise.all([...rest.slice(i, i + 12), ...rest.slice(i, i + 12)].map((id) => imports.countApplied('bi_c', id)))));
    expect(results.filter((r) => r === 'counted' || r === 'closed')).toHaveLength(58);
    expect(results.filter((r) => r === 'closed')).toHaveLength(open - 1);
    expect(results.filter((r) => r === 'counted-before')).toHaveLength(58);
    expect(await outstanding()).toBe(1);
    const lastCounter = (await ddb.doc().send(new GetCommand({ TableName: table, Key: Keys.bankImportCounter('bi_c', countShardOf(last)), ConsistentRead: true }))).Item!;
    expect(lastCounter).toMatchObject({ type: 'BankImportCounter', outstanding: 1 });
    expect(lastCounter.closed).toBeUndefined();
    // The last credit: counted, its counter closed and the import's count at 0 in one transaction.
    expect(await imports.countApplied('bi_c', last)).toBe('closed');
    expect(await outstanding()).toBe(0);
    // Its redelivery (say its applier crashed before finishing): counted before — the use case looks at the import then.
    expect(await imports.countApplied('bi_c', last)).toBe('counted-before');
    expect(await outstanding()).toBe(0);
    // The import item is written once per counter, not once per credit.
    const closed = await Promise.all(counts.map(async (n, k) => (n === 0 ? true : (await ddb.doc().send(new GetCommand({ TableName: table, Key: Keys.bankImportCounter('bi_c', k), ConsistentRead: true }))).Item?.closed)));
    expect(closed.every(Boolean)).toBe(true);
    // An import made before the counters: counted on its own item, the last count says it closed.
    await imports.create({ ...base, importId: 'bi_old', paymentIds: ['pay_o1', 'pay_o2'], outstanding: 2 });
    expect(await imports.countApplied('bi_old', 'pay_o1')).toBe('counted');
    expect(await imports.countApplied('bi_old', 'pay_o1')).toBe('counted-before');
    expect((await imports.get('bi_old'))!.outstanding).toBe(1);
    expect(await imports.countApplied('bi_old', 'pay_o2')).toBe('closed');
    expect((await imports.get('bi_old'))!.outstanding).toBe(0);
    expect(await imports.countApplied('bi_unknown', 'pay_o1')).toBe('untracked');
  });

  it('a counter left at 0 but not closed (counted by the version that closed in a second step, which crashed in between) is closed by the redelivery, once', async () => {
    const empty = { count: 0, totals: [], lines: [] };
    const ids = ['pay_u1', 'pay_u2'];
    const counts = shardCounts(ids);
    const open = counts.filter((n) => n > 0).length;
    await deps.bankImports.create({ fingerprint: 'sha256:u', status: 'queued', source: API, receivedAt: '2026-11-25T08:00:00.000Z', format: 'camt.053', statements: [], entries: 2, credits: { count: 2, totals: [] }, returns: empty, fees: empty, otherDebits: empty, notApplied: empty, importId: 'bi_u', paymentIds: ids, countShards: COUNT_SHARDS, outstanding: open }, { shardCounts: counts });
    // As that version left it: both marked, their counters at 0, none closed.
    for (const id of ids) await ddb.doc().send(new PutCommand({ TableName: table, Item: { ...Keys.bankImportApplied('bi_u', id), type: 'BankImportApplied', paymentId: id } }));
    for (const [k, n] of counts.entries()) if (n > 0) await ddb.doc().send(new PutCommand({ TableName: table, Item: { ...Keys.bankImportCounter('bi_u', k), type: 'BankImportCounter', outstanding: 0 } }));
    for (const id of [...ids, ...ids]) expect(await deps.bankImports.countApplied('bi_u', id)).toBe('counted-before');
    expect((await deps.bankImports.get('bi_u'))!.outstanding).toBe(0);
  });
});
