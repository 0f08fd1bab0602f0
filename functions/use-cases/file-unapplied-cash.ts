/**
 * One-off, after deploying the unapplied-cash items (the credit check reads a customer's unapplied cash from them,
 * no longer from every payment the customer made): files each payment that holds unapplied cash and was written
 * before them. Safe to run again, and while payments move.
 *
 * 1. Every customer (the customer-names partition: one Query, never a Scan).
 * 2. Each one's payments (its partition of the by-customer payments index), those holding unapplied cash.
 * 3. File each (`fileUnapplied`: its unapplied-cash item, only while the payment is as read — one that moved
 *    meanwhile was filed by its move), a pool of customers at once.
 */
import type { PayerDirectory, Payments } from '../ports.ts';
import { inPool } from './plan-dunning.ts';

export interface FileUnappliedCashDeps {
  readonly payers: Pick<PayerDirectory, 'customerNames'>;
  readonly payments: Pick<Payments, 'ofCustomer' | 'fileUnapplied'>;
}

export async function fileUnappliedCash(deps: FileUnappliedCashDeps): Promise<{ customers: number; filed: number; changed: number }> {
  const customers = await deps.payers.customerNames({ fresh: true });
  let filed = 0;
  let changed = 0;
  await inPool(customers, async ({ customerId }) => {
    const holding = (await deps.payments.ofCustomer(customerId, '9999-12-31')).filter((p) => p.customerId === customerId && p.unapplied > 0);
    for (const payment of holding) {
      const outcome = await deps.payments.fileUnapplied(payment);
      if (outcome === 'filed') filed++;
      else if (outcome === 'changed') changed++;
    }
  });
  return { customers: customers.length, filed, changed };
}
