/**
 * A bank import's summary lease on DynamoDB Local, held by the delivery that takes it (SQS message id and receive
 * count), as a dunning shard's: the finisher that died right after taking it (the crash point apply-payment:4) is
 * taken over at once by its own message's redelivery, while another message or the same delivery again is refused
 * until the lease is stale; a holder taken over cannot give back the new holder's lease; once the import is
 * summarised nobody takes it. The conditional UpdateItem on the import item does all of it. Queues and mailbox are
 * in-memory ports.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { Keys } from '../../../functions/adapters/table-schema.ts';
import { readBankFileStream } from '../../../functions/platforms/bank/index.ts';
import { applyPayment } from '../../../functions/use-cases/apply-payment.ts';
import { importBankFile } from '../../../functions/use-cases/bank-import.ts';
import { SUMMARY_LEASE_MS } from '../../../functions/use-cases/bank-import-summary.ts';
import { dynamoDeps } from '../../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../../support/dynamodb.ts';

const DAY = '2026-11-30';
const API = { kind: 'api', actor: 'finance key' } as const;

const gbp = (minor: number) => (minor / 100).toFixed(2);

/** A camt.053.001.08 of our own: one statement, these credits (minor units), balances that add up. */
function camt(id: string, credits: readonly { ref: string; minor: number; text: string }[]): string {
  const close = gbp(100_000 + credits.reduce((s, c) => s + c.minor, 0));
  const entries = credits
    .map((c) => `<Ntry><Amt Ccy="GBP">${gbp(c.minor)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>${DAY}</Dt></BookgDt><AcctSvcrRef>${c.ref}</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Lease Test Payer</Nm></Dbtr></RltdPties><RmtInf><Ustrd>${c.text}</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>${id}</MsgId><CreDtTm>${DAY}T18:00:00</CreDtTm></GrpHdr>
<Stmt><Id>${id}</Id><ElctrncSeqNb>1</ElctrncSeqNb><Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id><Ccy>GBP</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${DAY}</Dt></Dt></Bal>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">${close}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${DAY}</Dt></Dt></Bal>
${entries}
</Stmt></BkToCstmrStmt></Document>`;
}

describe("a bank import's summary lease held by its delivery (DynamoDB Local)", () => {
  const ddb = useDynamoDbLocal();
  let table: string;
  let world: ReturnType<typeof dynamoDeps>;
  beforeEach(async () => {
    table = await ddb.createTable();
    world = dynamoDeps(table);
    world.clock.set(`${DAY}T20:00:00.000Z`);
  });

  const importItem = async (importId: string) => (await ddb.doc().send(new GetCommand({ TableName: table, Key: Keys.bankImport(importId), ConsistentRead: true }))).Item!;
  const instant = (plusMs = 0) => new Date(world.clock.now().getTime() + plusMs).toISOString();
  const stale = () => instant(-SUMMARY_LEASE_MS);
  const delivery = (messageId: string, receiveCount: number) => ({ messageId, receiveCount });

  /** A one-credit file imported, its payment applied by delivery 1 of `msg-1`, which dies right after taking the summary's lease. */
  const crashedAfterTheLease = async (id: string) => {
    const { importId } = await importBankFile({ body: camt(id, [{ ref: `${id}-E1`, minor: 1234, text: 'no invoice quoted' }]), source: API }, { ...world.deps, readBankFile: (chunks) => readBankFileStream(chunks) });
    const message = world.deps.paymentQueue.sent.at(-1)!;
    const real = world.deps.imports.bankImports;
    const crashing = {
      ...world.deps,
      imports: {
        ...world.deps.imports,
        bankImports: {
          ...real,
          claimSummary: async (...args: Parameters<typeof real.claimSummary>) => {
            if (await real.claimSummary(...args)) throw new Error('crashed after taking the lease');
            return false;
          },
        },
      },
    };
    await expect(applyPayment({ ...message, delivery: delivery('msg-1', 1) }, crashing)).rejects.toThrow('crashed after taking the lease');
    return { importId, message, bankImports: real };
  };

  it("takes the lease over at once for the holder's own redelivery, refuses another message and the same delivery while it is live, and lets no holder taken over give it back", async () => {
    const { importId, message, bankImports } = await crashedAfterTheLease('LEASE1');
    expect(await importItem(importId)).toMatchObject({ outstanding: 0, summaryClaimedAt: expect.any(String), summaryHolder: { messageId: 'msg-1', receiveCount: 1 } });
    expect((await importItem(importId)).summarisedAt).toBeUndefined();

    // The conditional write, one case at a time (the lease is live: it was taken a moment ago).
    expect(await bankImports.claimSummary(importId, delivery('msg-other', 1), instant(), stale())).toBe(false); // another message
    expect(await bankImports.claimSummary(importId, delivery('msg-other', 9), instant(), stale())).toBe(false); // another message's later delivery
    expect(await bankImports.claimSummary(importId, delivery('msg-1', 1), instant(), stale())).toBe(false); // the same delivery again
    expect(await bankImports.claimSummary(importId, delivery('msg-1', 2), instant(1000), stale())).toBe(true); // its redelivery: at once
    expect((await importItem(importId)).summaryHolder).toEqual({ messageId: 'msg-1', receiveCount: 2 });
    expect(await bankImports.claimSummary(importId, delivery('msg-1', 1), instant(), stale())).toBe(false); // an earlier delivery never takes it back
    // The holder taken over (delivery 1) cannot give back delivery 2's lease; another message cannot either.
    await bankImports.releaseSummary(importId, delivery('msg-1', 1));
    await bankImports.releaseSummary(importId, delivery('msg-other', 2));
    expect((await importItem(importId)).summaryHolder).toEqual({ messageId: 'msg-1', receiveCount: 2 });
    // Stale (its holder is long gone): anyone takes it, as before.
    expect(await bankImports.claimSummary(importId, delivery('msg-other', 1), instant(SUMMARY_LEASE_MS + 2000), instant(2000))).toBe(true);
    expect((await importItem(importId)).summaryHolder).toEqual({ messageId: 'msg-other', receiveCount: 1 });
    // Given back by its holder: free again.
    await bankImports.releaseSummary(importId, delivery('msg-other', 1));
    const free = await importItem(importId);
    expect(free.summaryHolder).toBeUndefined();
    expect(free.summaryClaimedAt).toBeUndefined();

    // The payment message's next delivery finishes the import: one summary; nobody takes the lease after it.
    await applyPayment({ ...message, delivery: delivery('msg-1', 3) }, world.deps);
    const done = await importItem(importId);
    expect(done).toMatchObject({ summarisedAt: expect.any(String), summaryClaimedAt: expect.any(String) });
    expect(done.summaryHolder).toBeUndefined(); // whichever delivery finished is no part of the import
    expect(world.state.mailbox.map((m) => m.key)).toEqual([`bank-import:${importId}`]);
    expect(await bankImports.claimSummary(importId, delivery('msg-1', 4), instant(), stale())).toBe(false);
    expect(await bankImports.claimSummary(importId, delivery('msg-other', 1), instant(SUMMARY_LEASE_MS + 2000), instant(2000))).toBe(false);
    await bankImports.releaseSummary(importId, delivery('msg-1', 3));
    expect(await importItem(importId)).toEqual(done);
  }, 90_000);

  it('the redelivery of the message that died after taking the lease finishes the import at once (no wait for the lease), once', async () => {
    const { importId, message } = await crashedAfterTheLease('LEASE2');
    // A duplicate delivery of the credit under another message id (counted before) finds the lease live and stops.
    await applyPayment({ ...message, delivery: delivery('msg-duplicate', 1) }, world.deps);
    expect(world.state.mailbox).toHaveLength(0);
    // 15 s later (the local fault mode's redelivery), well inside the lease's 2 minutes.
    world.clock.set(instant(15_000));
    await applyPayment({ ...message, delivery: delivery('msg-1', 2) }, world.deps);
    expect(await importItem(importId)).toMatchObject({ outstanding: 0, summarisedAt: expect.any(String) });
    expect(world.state.mailbox.map((m) => m.key)).toEqual([`bank-import:${importId}`]);
    await applyPayment({ ...message, delivery: delivery('msg-1', 3) }, world.deps);
    expect(world.state.mailbox).toHaveLength(1);
  }, 90_000);

  it('a lease taken before holders were kept (no holder) is refused to any delivery while live and taken once stale', async () => {
    const { importId, bankImports } = await crashedAfterTheLease('LEASE3');
    await ddb.doc().send(new UpdateCommand({ TableName: table, Key: Keys.bankImport(importId), UpdateExpression: 'REMOVE summaryHolder' }));
    expect(await bankImports.claimSummary(importId, delivery('msg-1', 2), instant(), stale())).toBe(false);
    await bankImports.releaseSummary(importId, delivery('msg-1', 1));
    expect((await importItem(importId)).summaryClaimedAt).toEqual(expect.any(String));
    expect(await bankImports.claimSummary(importId, delivery('msg-1', 2), instant(SUMMARY_LEASE_MS + 2000), instant(2000))).toBe(true);
  }, 90_000);
});
