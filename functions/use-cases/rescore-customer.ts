/**
 * Recomputes a customer's dynamic credit score (domain/credit-score) after its payment behaviour changed: an
 * invoice paid (apply-payment), overdue (plan-dunning) or disputed (open-dispute).
 *
 * 1. Read the customer; none, or no credit currency: nothing to do.
 * 2. Its invoices issued up to today (by-customer index, with their payment history and disputes) and its
 *    exposure in its credit currency (open receivables and approved orders not invoiced).
 * 3. Score them (domain `creditScore`); an unchanged score and factors write nothing.
 * 4. Store `riskScore`, `riskFactors` and `riskScoredOn` on the customer, guarded by its version, audited; a
 *    concurrent change reads again (three times, then it is left to the next event: a score is never worth
 *    failing a payment or a dunning run for).
 */
import { creditExposure } from '#domain/credit';
import { creditScore, type CreditScore, type RiskFactor } from '#domain/credit-score';
import { todayIn } from '#domain/dates';
import type { IsoDate } from '#domain/model';
import { ConcurrentUpdate } from '../errors.ts';
import type { Clock, Company, Customers, Invoices, StoredCustomer } from '../ports.ts';

export interface RescoreDeps {
  readonly customers: Pick<Customers, 'get' | 'update' | 'account'>;
  readonly invoices: Pick<Invoices, 'ofCustomer'>;
  readonly clock: Clock;
  readonly company: Pick<Company, 'timezone'>;
}

export async function rescoreCustomer(input: { customerId: string; asOf?: IsoDate; cause: string; read?: StoredCustomer }, deps: RescoreDeps): Promise<CreditScore | undefined> {
  const now = deps.clock.now();
  const asOf = input.asOf ?? todayIn(deps.company.timezone, now);
  for (let attempt = 0; attempt < 3; attempt++) {
    // `read`: the customer as the caller just read it (the first attempt needs no read of its own).
    const before = attempt === 0 && input.read ? input.read : await deps.customers.get(input.customerId);
    if (!before?.currency) return undefined;
    const [invoices, account] = await Promise.all([deps.invoices.ofCustomer(before.id, asOf), deps.customers.account(before.id)]);
    const exposure = creditExposure(account, before.currency);
    const scored = creditScore({
      asOf,
      currency: before.currency,
      creditLimit: before.creditLimit,
      exposure: exposure.openReceivables + exposure.openOrders,
      invoices: invoices.map((i) => ({ currency: i.currency, dueDate: i.dueDate, total: i.totals.total, balance: i.balance, ...(i.disputed ? { disputed: i.disputed } : {}), ...(i.history ? { history: i.history } : {}) })),
    });
    // Unchanged: nothing written (a redelivered dunning shard rescoring again). Field by field: the stored factors come
    // back from DynamoDB with their keys in any order, so their JSON is no measure.
    if (before.riskScore === scored.score && sameFactors(before.riskFactors ?? [], scored.factors)) return scored;
    try {
      await deps.customers.update(before, { ...before, riskScore: scored.score, riskFactors: scored.factors, riskScoredOn: asOf }, {
        at: now.toISOString(),
        actor: 'credit-score',
        action: 'customer.rescore',
        entity: `customer:${before.id}`,
        before: { riskScore: before.riskScore },
        after: { riskScore: scored.score, factors: scored.factors.map((f) => `${f.id}+${f.points}`).join(' ') },
        reason: input.cause,
      });
      return scored;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdate)) throw error;
    }
  }
  return undefined;
}

const sameFactors = (a: readonly RiskFactor[], b: readonly RiskFactor[]) => a.length === b.length && a.every((f, i) => f.id === b[i]!.id && f.points === b[i]!.points && f.value === b[i]!.value);
