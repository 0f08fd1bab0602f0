/**
 * The ledger totals on DynamoDB Local: every journal write adds its movements
 * to the day's and the month's totals in the same transaction, and the trial
 * balance as of a day reads the earlier months from the ledger-periods index
 * and that month's days — across a month boundary, without a Scan.
 */
import { describe, expect, it } from 'vitest';
import { issueCreditNote, writeOffInvoice } from '../../functions/use-cases/adjust-invoice.ts';
import { applyPayment } from '../../functions/use-cases/apply-payment.ts';
import { financePack } from '../../functions/use-cases/finance-pack.ts';
import { issueInvoice } from '../../functions/use-cases/issue-invoice.ts';
import { trialBalanceAsOf } from '../../functions/use-cases/trial-balance.ts';
import { dynamoDeps } from '../support/dynamo-deps.ts';
import { useDynamoDbLocal } from '../support/dynamodb.ts';
import { putCustomer, putOrder, testCustomer, testOrder } from '../support/orders.ts';

const account = (tb: Awaited<ReturnType<typeof trialBalanceAsOf>>, name: string) => tb.currencies[0]?.accounts.find((a) => a.account === name)?.balance.amount ?? 0;

describe('trial balance (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();

  it('is balanced as of every day across two months of invoices, payments, a credit note and a write-off, with each day showing only what was posted by then', async () => {
    const table = await ddb.createTable();
    const w = dynamoDeps(table, { now: '2026-10-30T10:00:00Z' });
    await putCustomer(ddb.doc(), table, testCustomer('cus_1'));
    for (const id of ['ord_1', 'ord_2']) await putOrder(ddb.doc(), table, testOrder(id, 'shipped'));
    const first = await issueInvoice({ orderId: 'ord_1' }, w.deps); // 30 October
    w.clock.set('2026-11-02T10:00:00Z');
    const second = await issueInvoice({ orderId: 'ord_2' }, w.deps); // 2 November
    await applyPayment({ id: 'pay_1', source: 'manual', externalId: 'CHQ-1', amount: 3898, currency: 'GBP', receivedOn: '2026-11-03', remittance: first.invoiceNumber }, w.deps);
    w.clock.set('2026-11-04T10:00:00Z');
    await issueCreditNote({ invoiceNumber: second.invoiceNumber, amount: { amount: 898, currency: 'GBP' }, reason: 'goodwill' }, 'finance key', w.deps);
    w.clock.set('2026-11-05T10:00:00Z');
    await writeOffInvoice({ invoiceNumber: second.invoiceNumber, reason: 'insolvent' }, 'finance key', w.deps);

    const expected: Record<string, { ar: number; cash: number; badDebt: number }> = {
      '2026-10-29': { ar: 0, cash: 0, badDebt: 0 },
      '2026-10-31': { ar: 3898, cash: 0, badDebt: 0 },
      '2026-11-02': { ar: 7796, cash: 0, badDebt: 0 },
      '2026-11-03': { ar: 3898, cash: 3898, badDebt: 0 },
      '2026-11-04': { ar: 3000, cash: 3898, badDebt: 0 },
      '2026-11-30': { ar: 0, cash: 3898, badDebt: 3000 },
    };
    for (const [asOf, want] of Object.entries(expected)) {
      const tb = await trialBalanceAsOf({ asOf }, w.deps);
      expect(tb.balanced, asOf).toBe(true);
      expect({ ar: account(tb, 'accounts_receivable'), cash: account(tb, 'cash'), badDebt: account(tb, 'bad_debt') }, asOf).toEqual(want);
    }
    const end = await trialBalanceAsOf({ asOf: '2026-11-30' }, w.deps);
    expect(end.currencies[0]!.debits).toEqual(end.currencies[0]!.credits);
    // the pack as of the month's end agrees with the ledger: nothing left receivable
    const pack = await financePack({ kind: 'flash', asOf: '2026-11-30' }, w.deps);
    expect(pack.currencies.map((c) => ({ currency: c.currency, receivables: c.aging.total, closingAr: c.kpi.closingAr })).filter((c) => c.receivables !== 0 || c.closingAr !== 0)).toEqual([]);
  }, 180_000);
});
