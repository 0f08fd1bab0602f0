/**
 * A payment platform reports a refund: keep it for accounts receivable, once
 * per refund id (credit notes and their postings build on this record).
 */
import type { Clock, RefundRecord, Refunds } from '../ports.ts';

export async function recordRefund(refund: RefundRecord, deps: { readonly refunds: Refunds; readonly clock: Clock }): Promise<{ recorded: boolean }> {
  return { recorded: await deps.refunds.record(refund, deps.clock.now().toISOString()) };
}
