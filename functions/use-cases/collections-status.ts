/**
 * A customer's collections status after the money came in: a credit hold or a
 * suspension set by dunning lasts until the overdue balance is paid.
 *
 * 1. Only a customer on credit hold or suspended (a hand-over to the agency is
 *    finance's to undo).
 * 2. Its overdue balance today (domain `overdueExposure`: due before today,
 *    not disputed, fees included) in every currency it has invoices in.
 * 3. Nothing overdue: the status is lifted (guarded by the customer's version,
 *    read again on a race), audited with the cause.
 */
import { overdueExposure } from '#domain/credit';
import { todayIn } from '#domain/dates';
import { ConcurrentUpdate } from '../errors.ts';
import type { Clock, Company, Customers, Log, StoredCustomer } from '../ports.ts';

export interface CollectionsDeps {
  readonly customers: Pick<Customers, 'get' | 'update' | 'account'>;
  readonly clock: Clock;
  readonly company: Pick<Company, 'timezone'>;
  readonly log: Log;
}

export async function liftWhenPaid(customerId: string, cause: string, deps: CollectionsDeps, read?: StoredCustomer): Promise<boolean> {
  for (let attempt = 0; attempt < 5; attempt++) {
    // `read`: the customer as the caller just read it (the first attempt needs no read of its own).
    const before = attempt === 0 && read ? read : await deps.customers.get(customerId);
    if (!before || (before.collectionsStatus !== 'credit-hold' && before.collectionsStatus !== 'suspended')) return false;
    const today = todayIn(deps.company.timezone, deps.clock.now());
    const account = await deps.customers.account(customerId);
    const overdue = [...new Set(account.invoices.map((i) => i.currency))].some((c) => overdueExposure(account, c, today) > 0);
    if (overdue) return false;
    const { collectionsStatus, collectionsSince: _since, collectionsLevel: _level, ...rest } = before;
    const after: StoredCustomer = rest;
    try {
      await deps.customers.update(before, after, {
        at: deps.clock.now().toISOString(),
        actor: 'apply-payment',
        action: 'customer.collections-lifted',
        entity: `customer:${customerId}`,
        before: { collectionsStatus },
        after: { collectionsStatus: 'none' },
        reason: `overdue balance paid (${cause})`,
      });
      deps.log.info('collections status lifted', { customerId, was: collectionsStatus });
      return true;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdate)) throw error;
      await deps.clock.sleep(10 * 2 ** attempt);
    }
  }
  return false;
}
