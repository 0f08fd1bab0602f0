/**
 * A small book of receivables written through the real use cases (issue-invoice, apply-payment, credit notes,
 * write-offs, disputes) on any deps — the memory world or DynamoDB Local — each event on its own day (the clock
 * is moved to it). The figures tests compute the finance pack from what these wrote.
 */
import { priceOrder } from '../../functions/domain/pricing.ts';
import type { Customer, IsoDate, PaymentSource } from '../../functions/domain/model.ts';
import type { StoredOrder } from '../../functions/ports.ts';
import { writeOffInvoice, issueCreditNote } from '../../functions/use-cases/adjust-invoice.ts';
import { applyPayment } from '../../functions/use-cases/apply-payment.ts';
import { openInvoiceDispute, resolveDispute } from '../../functions/use-cases/disputes.ts';
import { issueInvoice } from '../../functions/use-cases/issue-invoice.ts';
import { TEST_COMPANY } from './memory.ts';
import { testCustomer, testOrder } from './orders.ts';

export type BookEvent =
  | { readonly kind: 'invoice'; readonly key: string; readonly on: IsoDate; readonly orderedOn: IsoDate; readonly amount: number; readonly customerId?: string }
  | { readonly kind: 'payment'; readonly key: string; readonly on: IsoDate; readonly amount: number; readonly source: PaymentSource }
  | { readonly kind: 'credit-note'; readonly key: string; readonly on: IsoDate; readonly amount: number }
  | { readonly kind: 'write-off'; readonly key: string; readonly on: IsoDate }
  | { readonly kind: 'dispute'; readonly key: string; readonly on: IsoDate; readonly amount: number }
  | { readonly kind: 'resolve'; readonly key: string; readonly on: IsoDate };

export interface BookTarget {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly deps: any;
  readonly clock: { set(at: string): void };
  putOrder(order: StoredOrder): Promise<void> | void;
  putCustomer(customer: Customer): Promise<void> | void;
}

export const CUSTOMERS = [testCustomer('cus_1', { name: 'Ada Ltd' }), testCustomer('cus_2', { name: 'Brick & Co' })];

/** A shipped order of one untaxed line of `amount` minor units, placed on `orderedOn`. */
export function bookOrder(id: string, amount: number, orderedOn: IsoDate, customerId = 'cus_1'): StoredOrder {
  const lines = [{ sku: 'SVC-1', description: 'Consulting', quantity: 1, unitPrice: amount, discount: 0, taxRatePpm: 0 }];
  const shipping = { amount: 0, taxRatePpm: 0 };
  return testOrder(id, 'shipped', { customerId, lines, shipping, totals: priceOrder(lines, shipping, TEST_COMPANY.taxPolicy).totals, createdAt: `${orderedOn}T09:00:00.000Z`, updatedAt: `${orderedOn}T09:00:00.000Z` });
}

/** Writes the events in order (sorted by day first); returns the invoice number and dispute id behind each key. */
export async function writeBook(target: BookTarget, events: readonly BookEvent[]): Promise<Map<string, string>> {
  for (const c of CUSTOMERS) await target.putCustomer(c);
  const numbers = new Map<string, string>();
  const disputes = new Map<string, string>();
  const sorted = [...events].map((e, i) => ({ e, i })).sort((a, b) => a.e.on.localeCompare(b.e.on) || a.i - b.i).map((x) => x.e);
  let n = 0;
  for (const e of sorted) {
    target.clock.set(`${e.on}T12:00:00.000Z`);
    const number = numbers.get(e.key)!;
    if (e.kind === 'invoice') {
      const order = bookOrder(`ord_${e.key}`, e.amount, e.orderedOn, e.customerId);
      await target.putOrder(order);
      numbers.set(e.key, (await issueInvoice({ orderId: order.id }, target.deps)).invoiceNumber);
    } else if (e.kind === 'payment') {
      n += 1;
      await applyPayment({ id: `pay_${e.key}_${n}`, source: e.source, externalId: `ext_${e.key}_${n}`, amount: e.amount, currency: 'GBP', receivedOn: e.on, remittance: number, customerId: 'cus_1' }, target.deps);
    } else if (e.kind === 'credit-note') {
      await issueCreditNote({ invoiceNumber: number, amount: { amount: e.amount, currency: 'GBP' }, reason: 'price agreed' }, 'clerk@example.com', target.deps);
    } else if (e.kind === 'write-off') {
      await writeOffInvoice({ invoiceNumber: number, reason: 'uncollectable' }, 'clerk@example.com', target.deps);
    } else if (e.kind === 'dispute') {
      const view = (await openInvoiceDispute({ invoiceNumber: number, amount: { amount: e.amount, currency: 'GBP' }, reason: 'damaged goods' }, 'clerk@example.com', target.deps)) as { disputeId: string };
      disputes.set(e.key, view.disputeId);
    } else {
      await resolveDispute({ disputeId: disputes.get(e.key)!, outcome: 'reinstate', reason: 'goods were fine' }, 'clerk@example.com', target.deps);
    }
  }
  return numbers;
}

/**
 * The worked book of the known-answer test (README "The finance pack"), all GBP, net 30:
 * INV6 07-01 50.00 written off 11-15 · INV5 08-01 100.00 open · INV1 09-10 100.00 paid 10-05 (bank) ·
 * INV2 10-15 200.00 open · INV9 10-20 50.00 paid 11-25 (bank) · INV8 11-02 60.00 paid 11-12 (Stripe) ·
 * INV3 11-05 300.00, credited 30.00 on 11-10, paid 270.00 on 12-02 · INV4 11-20 400.00 (Brick & Co), 100.00
 * disputed 11-25, reinstated 12-03 · INV7 12-01 500.00.
 */
export const WORKED_BOOK: readonly BookEvent[] = [
  { kind: 'invoice', key: 'INV6', on: '2026-07-01', orderedOn: '2026-06-30', amount: 5000 },
  { kind: 'invoice', key: 'INV5', on: '2026-08-01', orderedOn: '2026-07-30', amount: 10000 },
  { kind: 'invoice', key: 'INV1', on: '2026-09-10', orderedOn: '2026-09-08', amount: 10000 },
  { kind: 'payment', key: 'INV1', on: '2026-10-05', amount: 10000, source: 'bank' },
  { kind: 'invoice', key: 'INV2', on: '2026-10-15', orderedOn: '2026-10-14', amount: 20000 },
  { kind: 'invoice', key: 'INV9', on: '2026-10-20', orderedOn: '2026-10-18', amount: 5000 },
  { kind: 'invoice', key: 'INV8', on: '2026-11-02', orderedOn: '2026-11-01', amount: 6000 },
  { kind: 'invoice', key: 'INV3', on: '2026-11-05', orderedOn: '2026-11-03', amount: 30000 },
  { kind: 'credit-note', key: 'INV3', on: '2026-11-10', amount: 3000 },
  { kind: 'payment', key: 'INV8', on: '2026-11-12', amount: 6000, source: 'stripe' },
  { kind: 'write-off', key: 'INV6', on: '2026-11-15' },
  { kind: 'invoice', key: 'INV4', on: '2026-11-20', orderedOn: '2026-11-15', amount: 40000, customerId: 'cus_2' },
  { kind: 'payment', key: 'INV9', on: '2026-11-25', amount: 5000, source: 'bank' },
  { kind: 'dispute', key: 'INV4', on: '2026-11-25', amount: 10000 },
  // After the pack's day (2026-11-30): none of these may change it.
  { kind: 'invoice', key: 'INV7', on: '2026-12-01', orderedOn: '2026-11-29', amount: 50000 },
  { kind: 'payment', key: 'INV3', on: '2026-12-02', amount: 27000, source: 'bank' },
  { kind: 'resolve', key: 'INV4', on: '2026-12-03' },
];
