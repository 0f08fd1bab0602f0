/**
 * What every bank file mapper shares: exact amounts from decimal strings,
 * dates, the fallback entry key, and the balance check.
 */
import { createHash } from 'node:crypto';
import { isIsoDate } from '#domain/dates';
import { DomainError } from '#domain/errors';
import type { IsoDate, Money } from '#domain/model';
import { isCurrency, parseDecimal, toDecimalString } from '#domain/money';
import { BankFileInvalid } from '#errors';
import type { BankEntry, BankStatement } from './types.ts';

/** "12.34" (or "12,34" with `decimalComma`) of `currency` into minor units; a bad one is a `BankFileInvalid` naming `where`. */
export function amountOf(text: string | undefined, currency: string | undefined, where: string): number {
  if (currency === undefined || currency === '') throw new BankFileInvalid(`${where}: the amount has no currency`);
  if (!isCurrency(currency)) throw new BankFileInvalid(`${where}: currency ${JSON.stringify(currency)} is not an ISO 4217 code`);
  if (text === undefined || text.trim() === '') throw new BankFileInvalid(`${where}: the amount is missing`);
  if (text.trim().startsWith('-')) throw new BankFileInvalid(`${where}: amount ${JSON.stringify(text)} is negative (the credit/debit mark gives the direction)`);
  try {
    return parseDecimal(text, currency);
  } catch (e) {
    if (e instanceof DomainError && e.code === 'InvalidDecimal' && /decimal places/.test(e.message)) {
      throw new BankFileInvalid(`${where}: amount ${JSON.stringify(text)} has more decimals than ${currency} has`);
    }
    if (e instanceof DomainError && e.code === 'AmountOverflow') throw new BankFileInvalid(`${where}: amount ${JSON.stringify(text)} is too large`);
    throw new BankFileInvalid(`${where}: amount ${JSON.stringify(text)} is not a decimal number`);
  }
}

/** `2026-11-30` or the date of `2026-11-30T10:15:00+01:00` (the bank's own calendar day). */
export function dateOf(text: string | undefined, where: string): IsoDate {
  const date = (text ?? '').trim().slice(0, 10);
  if (!isIsoDate(date)) throw new BankFileInvalid(`${where}: ${JSON.stringify(text ?? '')} is not a date`);
  return date;
}

/** Trimmed text with runs of white space made one space; undefined when empty. */
export function clean(text: string | undefined): string | undefined {
  const t = text?.replace(/\s+/g, ' ').trim();
  return t ? t : undefined;
}

/**
 * Gives entries without a bank reference a stable key: a digest of what
 * identifies the booking, numbered when one statement holds identical lines
 * (two equal transfers on one day are two payments, not one seen twice).
 */
export class FallbackRefs {
  private readonly seen = new Map<string, number>();
  next(parts: readonly (string | number | undefined)[]): string {
    const digest = createHash('sha256').update(JSON.stringify(parts.map((p) => p ?? ''))).digest('hex').slice(0, 32);
    const n = (this.seen.get(digest) ?? 0) + 1;
    this.seen.set(digest, n);
    return n === 1 ? `hash:${digest}` : `hash:${digest}#${n}`;
  }
}

/** A signed balance: credit positive, debit negative. */
export function signedMoney(amount: number, currency: string, debit: boolean): Money {
  return { amount: debit && amount !== 0 ? -amount : amount, currency };
}

const money = (amount: number, currency: string) => toDecimalString({ amount, currency });

/**
 * Opening balance + booked credits − booked debits must be the closing
 * balance when the file gives both (and the entries are in its currency):
 * a file that does not add up is refused, nothing of it applied. Kept as the
 * entries stream by (`add` each, then `close`): no entry is kept.
 */
export class RunningBalance {
  private moved = 0;
  constructor(
    private readonly statement: Pick<BankStatement, 'openingBalance' | 'closingBalance'>,
    private readonly where: string,
  ) {
    const { openingBalance: open, closingBalance: close } = statement;
    if (open && close && open.currency !== close.currency) throw new BankFileInvalid(`${where}: the opening balance is in ${open.currency} but the closing balance in ${close.currency}`);
  }

  /** The entry at 0-based `index` of the statement. */
  add(e: BankEntry, index: number): void {
    const { openingBalance: open, closingBalance: close } = this.statement;
    if (!open || !close || e.status !== 'booked') return;
    if (e.currency !== open.currency) throw new BankFileInvalid(`${this.where}, entry ${index + 1}: the entry is in ${e.currency} but the statement in ${open.currency}`);
    this.moved += e.direction === 'credit' ? e.amount : -e.amount;
  }

  close(): void {
    const { openingBalance: open, closingBalance: close } = this.statement;
    if (!open || !close) return;
    const moved = this.moved;
    if (!Number.isSafeInteger(moved) || open.amount + moved !== close.amount) {
      throw new BankFileInvalid(
        `${this.where}: the entries do not add up to the balances: opening ${money(open.amount, open.currency)} + entries ${money(moved, open.currency)} = ${money(open.amount + moved, open.currency)}, but the closing balance is ${money(close.amount, close.currency)} ${close.currency}`,
      );
    }
  }
}

/** The balance check over a whole statement (`RunningBalance` over its entries). */
export function checkBalances(statement: BankStatement, where: string): void {
  const running = new RunningBalance(statement, where);
  statement.entries.forEach((e, i) => running.add(e, i));
  running.close();
}

/** The amounts of a batch must add up to its entry (checked when every transaction is in the entry's currency). */
export function checkBatch(entry: BankEntry, where: string): void {
  const batch = entry.batch;
  if (!batch || batch.length === 0) return;
  if (batch.some((t) => t.currency !== entry.currency)) return;
  const total = batch.reduce((s, t) => s + (t.direction === entry.direction ? t.amount : -t.amount), 0);
  if (total !== entry.amount) {
    throw new BankFileInvalid(`${where}: its ${batch.length} transactions come to ${money(total, entry.currency)} but the entry is ${money(entry.amount, entry.currency)} ${entry.currency}`);
  }
}
