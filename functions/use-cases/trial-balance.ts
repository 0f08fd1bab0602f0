/**
 * The trial balance as of a day (default today in the company's zone): every
 * account's debits and credits per currency from the ledger totals, and whether
 * they balance — which they must, as every entry is balanced before it is written.
 */
import { todayIn } from '#domain/dates';
import { trialBalanceOf } from '#domain/ledger';
import type { IsoDate } from '#domain/model';
import type { Clock, Company, Ledger } from '../ports.ts';

export async function trialBalanceAsOf(input: { asOf?: IsoDate }, deps: { readonly ledger: Ledger; readonly clock: Clock; readonly company: Company }) {
  const asOf = input.asOf ?? todayIn(deps.company.timezone, deps.clock.now());
  const books = trialBalanceOf(await deps.ledger.movementsAsOf(asOf));
  const money = (amount: number, currency: string) => ({ amount, currency });
  return {
    asOf,
    balanced: books.every((b) => b.balanced),
    currencies: books.map((b) => ({
      currency: b.currency,
      balanced: b.balanced,
      debits: money(b.debits, b.currency),
      credits: money(b.credits, b.currency),
      accounts: b.lines.map((l) => ({ account: l.account, debit: money(l.debit, b.currency), credit: money(l.credit, b.currency), balance: money(l.balance, b.currency) })),
    })),
  };
}
