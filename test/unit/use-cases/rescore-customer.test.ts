/** The dynamic credit score on the customer: recomputed when an invoice is paid or disputed, explained to finance in the credit-review email. */
import { describe, expect, it } from 'vitest';
import { applyPayment } from '../../../functions/use-cases/apply-payment.ts';
import { openInvoiceDispute } from '../../../functions/use-cases/open-dispute.ts';
import { requestCreditReview } from '../../../functions/use-cases/request-credit-review.ts';
import { rescoreCustomer } from '../../../functions/use-cases/rescore-customer.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { invoiceFor, world } from './fixtures.ts';

const number = (n: number) => `INV-2026-${String(n).padStart(6, '0')}`;

/** cus_1 (limit £10,000): invoice 1 £38.98 due 2026-10-01, invoice 2 due 2026-11-01, both open; the world's day is 2026-11-22. */
function book() {
  const w = world();
  w.putCustomer(testCustomer('cus_1', { riskScore: 0 }));
  w.putInvoice(invoiceFor(testOrder('ord_1', 'invoiced'), { sequence: 1, issueDate: '2026-09-01', customerId: 'cus_1' }));
  w.putInvoice(invoiceFor(testOrder('ord_2', 'invoiced'), { sequence: 2, issueDate: '2026-10-02', customerId: 'cus_1' }));
  return w;
}

describe('rescoreCustomer and its hooks', () => {
  it('a late payment stores the score and its factors on the customer (audited)', async () => {
    const w = book();
    await applyPayment({ id: 'pay_1', source: 'bank', externalId: 'pay_1', amount: 3898, currency: 'GBP', receivedOn: '2026-11-22', customerId: 'cus_1', remittance: number(1) }, w.deps);
    const c = (await w.deps.customers.get('cus_1'))!;
    // invoice 1 paid 52 days late, invoice 2 open 21 days overdue: (52 + 21) / 2 = 36.5 → 37 days, capped 30; 1 of 1 paid late → 20
    expect(c).toMatchObject({ riskScore: 50, riskScoredOn: '2026-11-22', riskFactors: [{ id: 'days-late', points: 30, value: 37 }, { id: 'paid-late', points: 20, value: 100 }] });
    expect(w.state.audit.some((a) => a.action === 'customer.rescore' && a.reason === 'payment pay_1')).toBe(true);
    expect(await rescoreCustomer({ customerId: 'cus_1', cause: 'again' }, w.deps)).toMatchObject({ score: 50 });
    expect(w.state.audit.filter((a) => a.action === 'customer.rescore')).toHaveLength(1); // unchanged: nothing written
    // As DynamoDB hands the factors back: the same, their keys in another order — still unchanged, nothing written.
    const stored = w.state.customers.get('cus_1')!;
    w.state.customers.set('cus_1', { ...stored, riskFactors: stored.riskFactors!.map((f) => ({ value: f.value, points: f.points, id: f.id })) });
    expect(await rescoreCustomer({ customerId: 'cus_1', cause: 'a redelivered dunning shard' }, w.deps)).toMatchObject({ score: 50 });
    expect(w.state.audit.filter((a) => a.action === 'customer.rescore')).toHaveLength(1);
  });

  it('a dispute adds its factor', async () => {
    const w = book();
    await openInvoiceDispute({ invoiceNumber: number(2), amount: { amount: 1000, currency: 'GBP' }, reason: 'one mug arrived broken' }, 'finance', w.deps);
    expect((await w.deps.customers.get('cus_1'))!.riskFactors).toContainEqual({ id: 'disputes', points: 5, value: 1 });
  });

  it('the credit-review email explains the score', async () => {
    const w = book();
    await rescoreCustomer({ customerId: 'cus_1', cause: 'test' }, w.deps);
    w.putOrder(testOrder('ord_9', 'credit_hold', { customerId: 'cus_1', reason: 'high risk: score 30 needs review' }));
    await requestCreditReview({ orderId: 'ord_9', taskToken: 't' }, w.deps);
    const lines = w.state.mailbox[0]!.text.split('\n');
    const at = lines.findIndex((l) => l.startsWith("The customer's credit score"));
    expect(lines.slice(at, at + 2)).toEqual([
      "The customer's credit score is 30 of 100 (as of 2026-11-22), from:",
      '- pays 37 days late on average, weighted by amount (open invoices count their days overdue): +30',
    ]);
  });
});
