/**
 * A bank file imported: what of it is cash in, what finance must look at, and
 * how the same file (or the same entry in two files) is recognised. Pure.
 *
 * - The file's fingerprint: its statements' ids with their accounts, formats
 *   and sequence numbers (a bank resending a statement sends the same ids),
 *   else — a CSV export has no statement id of its own — the SHA-256 of the
 *   file. The import id is derived from it, so the same file is the same import.
 * - Only booked credits that are not reversals are cash in: one credit line per
 *   transaction (a batched entry pays several). Its key is the bank's entry key
 *   qualified by the account, so the same entry in two overlapping files is
 *   one payment.
 * - Debits are never applied: a return or reversal of a credit (reversal flag,
 *   return reason) is listed for finance to act on; bank fees and other debits
 *   are listed. Pending and information-only entries, and credits that reverse
 *   a debit, are listed as not applied.
 */
import { createHash } from 'node:crypto';
import type { BankEntry, BankFile, BankFileFormat, BankStatement, BankStatementHead } from '../platforms/bank/types.ts';
import type { IsoDate, Money } from './model.ts';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The longest remittance and payer reference a payment message carries (PaymentMessageSchema). */
export const REMITTANCE_MAX = 1000;
export const PAYER_REFERENCE_MAX = 140;
/**
 * The most credits one import holds: its payment ids are kept in items of 1,000 beside the import, and the
 * view and finance's summary read its payments back (BatchGet, 100 a call).
 */
export const MAX_CREDITS_PER_IMPORT = 50_000;

/** The file's identity: its statements (format, account, id, sequence), else a digest of its bytes. */
export function bankFileFingerprint(file: BankFile, body: string): string {
  return fingerprintOf(
    file.format,
    file.statements.map((s) => ({ statementId: s.statementId, account: accountOf(s), ...(s.sequence ? { sequence: s.sequence } : {}) })),
    () => sha256(body),
  );
}

/** The fingerprint from the statements as summarised (ids, accounts, sequences), else the file's digest (`digest`: its SHA-256 in hex). */
export function fingerprintOf(format: BankFileFormat, statements: readonly Pick<BankStatementSummary, 'statementId' | 'account' | 'sequence'>[], digest: () => string): string {
  const identified = format !== 'csv' && statements.length > 0 && statements.every((s) => s.statementId && s.account);
  if (!identified) return `sha256:${digest()}`;
  const parts = statements.map((s) => [format, s.account, s.statementId, s.sequence ?? ''].join('|')).sort();
  return `stmt:${sha256(parts.join('\n'))}`;
}

/** A SHA-256 over text given in pieces (a streamed file's digest, as `sha256` of the whole text). */
export function textDigest(): { update(text: string): void; hex(): string } {
  const hash = createHash('sha256');
  return { update: (text) => void hash.update(text), hex: () => hash.digest('hex') };
}

/**
 * The import counts its credits on this many small counter items (by a hash of the payment id), not on
 * its own item: appliers of one large file running at once update different items, and the import item
 * is updated once per counter that reaches 0.
 */
export const COUNT_SHARDS = 16;

/** The counter a payment of an import is counted on (FNV-1a of its id). */
export function countShardOf(paymentId: string, shards = COUNT_SHARDS): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < paymentId.length; i++) {
    h ^= paymentId.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shards;
}

/** How many distinct payment ids fall on each counter. */
export function shardCounts(paymentIds: readonly string[], shards = COUNT_SHARDS): number[] {
  const counts = new Array<number>(shards).fill(0);
  for (const id of new Set(paymentIds)) counts[countShardOf(id, shards)]! += 1;
  return counts;
}

/** The import's id: the same file always gets the same one. */
export const bankImportId = (fingerprint: string) => `bi_${sha256(`bank-import\n${fingerprint}`).slice(0, 24)}`;

/** The account a statement is of: its IBAN, else the bank's own account id. */
export function accountOf(statement: Pick<BankStatement, 'account'>): string {
  return statement.account.iban ?? statement.account.id ?? '';
}

export interface BankCredit {
  /** `<account>:<entry key>`: the payment's external id (the same entry in two files is one payment). */
  readonly externalId: string;
  readonly entryKey: string;
  readonly amount: number;
  readonly currency: string;
  readonly bookingDate: IsoDate;
  readonly payerName?: string;
  readonly payerIban?: string;
  readonly creditorReference?: string;
  readonly remittance?: string;
  readonly endToEndId?: string;
}

export type BankDebitKind = 'return' | 'fee' | 'other';

/** An entry that is not applied, as finance reads it. */
export interface BankLine {
  readonly entryKey: string;
  readonly account: string;
  readonly direction: 'credit' | 'debit';
  readonly amount: number;
  readonly currency: string;
  readonly bookingDate: IsoDate;
  readonly counterparty?: string;
  readonly counterpartyIban?: string;
  readonly reference?: string;
  readonly remittance?: string;
  readonly endToEndId?: string;
  readonly returnReason?: string;
  readonly transactionCode?: string;
  /** Why it is listed and not applied (not-applied lines only). */
  readonly note?: string;
  /** Returns: how many of the file's credits come before it (a return takes back only a credit booked before it). */
  readonly creditsBefore?: number;
}

export interface BankStatementSummary {
  readonly statementId: string;
  readonly sequence?: string;
  readonly account: string;
  readonly currency?: string;
  readonly entries: number;
  readonly openingBalance?: Money;
  readonly closingBalance?: Money;
}

export interface BankImportPlan {
  readonly format: BankFileFormat;
  readonly version?: string;
  readonly statements: readonly BankStatementSummary[];
  readonly entries: number;
  readonly credits: readonly BankCredit[];
  readonly returns: readonly BankLine[];
  readonly fees: readonly BankLine[];
  readonly otherDebits: readonly BankLine[];
  readonly notApplied: readonly BankLine[];
}

/** Bank fees: ISO 20022 charges (`…/CHRG`, family `CHRG`), MT940 charges, commission and interest codes. */
export function isBankFee(code: string | undefined): boolean {
  if (!code) return false;
  const c = code.toUpperCase();
  return /(^|\/)CHRG(\/|$)/.test(c) || /(^|\/)(COMM|COME|INTR)(\/|$)/.test(c) || /^[NSF](CHG|COM|INT)$/.test(c);
}

/** A debit that takes back a credit: flagged as a reversal, or returned with a reason. */
const isReturn = (entry: BankEntry) => entry.direction === 'debit' && (entry.reversal || entry.returnReason !== undefined || (entry.batch ?? []).some((t) => t.returnReason !== undefined));

const cap = (text: string | undefined, max: number) => (text === undefined ? undefined : text.length > max ? text.slice(0, max) : text);

function lineOf(account: string, entry: BankEntry, note?: string): BankLine {
  const defined = <T extends object>(o: T) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
  return defined({
    entryKey: entry.entryRef,
    account,
    direction: entry.direction,
    amount: entry.amount,
    currency: entry.currency,
    bookingDate: entry.bookingDate,
    counterparty: entry.payerName,
    counterpartyIban: entry.payerIban,
    reference: entry.creditorReference,
    remittance: cap(entry.remittance, 300),
    endToEndId: entry.endToEndId,
    returnReason: entry.returnReason ?? entry.batch?.find((t) => t.returnReason)?.returnReason,
    transactionCode: entry.transactionCode,
    note,
  });
}

/** The credits (payments) one booked, non-reversal credit entry brings: one per transaction of a batch. */
function creditsOf(account: string, entry: BankEntry): BankCredit[] {
  const credits: BankCredit[] = [];
  const items = entry.batch && entry.batch.length > 0 ? entry.batch : [entry];
  for (const tx of items) {
    const c: BankCredit = {
      externalId: `${account}:${tx.entryRef}`,
      entryKey: tx.entryRef,
      amount: tx.amount,
      currency: tx.currency,
      bookingDate: entry.bookingDate,
      ...(tx.payerName ? { payerName: cap(tx.payerName, 140)! } : {}),
      ...(tx.payerIban ? { payerIban: tx.payerIban } : {}),
      ...(tx.creditorReference ? { creditorReference: cap(tx.creditorReference, PAYER_REFERENCE_MAX)! } : {}),
      ...(tx.remittance ? { remittance: cap(tx.remittance, REMITTANCE_MAX)! } : {}),
      ...(tx.endToEndId && tx.endToEndId !== 'NOTPROVIDED' ? { endToEndId: cap(tx.endToEndId, 35)! } : {}),
    };
    if (c.amount > 0) credits.push(c);
  }
  return credits;
}

/** Lines of one kind as they pass: counted and summed, the first `keep` kept. */
class LineTally {
  count = 0;
  readonly lines: BankLine[] = [];
  private readonly sums = new Map<string, number>();
  constructor(private readonly keep: number) {}
  add(line: BankLine): void {
    this.count += 1;
    this.sums.set(line.currency, (this.sums.get(line.currency) ?? 0) + line.amount);
    if (this.lines.length < this.keep) this.lines.push(line);
  }
  group(listed: number): BankLineGroup {
    return { count: this.count, totals: [...this.sums].map(([currency, amount]) => ({ amount, currency })), lines: this.lines.slice(0, listed) };
  }
}

/**
 * The plan of a file as its entries stream by (pure, incremental): `statement`
 * for each statement's head, `entry` for each entry — which answers the
 * credits that entry brings, for the caller to send on — then `summary`. What
 * it keeps is bounded by the lines it lists (`keepLines` of fees, other debits
 * and entries not applied; every return, which a file has few of), not by the
 * file: the credits are counted and summed, not kept.
 */
export class BankImportPlanner {
  private format?: BankFileFormat;
  private version?: string;
  private readonly statements: BankStatementSummary[] = [];
  private account = '';
  private entries = 0;
  private creditCount = 0;
  private readonly creditSums = new Map<string, number>();
  readonly returns: BankLine[] = [];
  private readonly fees: LineTally;
  private readonly otherDebits: LineTally;
  private readonly notApplied: LineTally;

  constructor(keepLines = LISTED_LINES_MAX) {
    this.fees = new LineTally(keepLines);
    this.otherDebits = new LineTally(keepLines);
    this.notApplied = new LineTally(keepLines);
  }

  file(format: BankFileFormat, version?: string): void {
    this.format = format;
    this.version = version;
  }

  statement(s: BankStatementHead): void {
    this.account = accountOf(s);
    this.statements.push({
      statementId: s.statementId,
      ...(s.sequence ? { sequence: s.sequence } : {}),
      account: this.account,
      ...(s.account.currency ? { currency: s.account.currency } : {}),
      entries: 0,
      ...(s.openingBalance ? { openingBalance: s.openingBalance } : {}),
      ...(s.closingBalance ? { closingBalance: s.closingBalance } : {}),
    });
  }

  /** One entry of the current statement: the credits it brings (none for a debit or an entry not applied). */
  entry(entry: BankEntry): BankCredit[] {
    const account = this.account;
    this.entries += 1;
    const last = this.statements.length - 1;
    if (last >= 0) this.statements[last] = { ...this.statements[last]!, entries: this.statements[last]!.entries + 1 };
    if (entry.status !== 'booked') this.notApplied.add(lineOf(account, entry, `${entry.status} entry, not booked`));
    else if (entry.direction === 'debit' && isReturn(entry)) this.returns.push({ ...lineOf(account, entry), creditsBefore: this.creditCount });
    else if (entry.direction === 'debit') (isBankFee(entry.transactionCode) ? this.fees : this.otherDebits).add(lineOf(account, entry));
    else if (entry.reversal) this.notApplied.add(lineOf(account, entry, 'a credit reversing an earlier debit'));
    else {
      const credits = creditsOf(account, entry);
      for (const c of credits) {
        this.creditCount += 1;
        this.creditSums.set(c.currency, (this.creditSums.get(c.currency) ?? 0) + c.amount);
      }
      return credits;
    }
    return [];
  }

  /** The statements as kept (ids, accounts, sequence numbers): what the fingerprint is made of. */
  statementSummaries(): readonly BankStatementSummary[] {
    return this.statements;
  }

  get credits(): number {
    return this.creditCount;
  }

  summary(listed = LISTED_LINES_MAX): BankImportSummary {
    if (!this.format) throw new Error('a bank import planned without its file');
    const returns = new LineTally(listed);
    this.returns.forEach((r) => returns.add(r));
    return {
      format: this.format,
      ...(this.version ? { version: this.version } : {}),
      statements: this.statements,
      entries: this.entries,
      credits: { count: this.creditCount, totals: [...this.creditSums].map(([currency, amount]) => ({ amount, currency })) },
      returns: returns.group(listed),
      fees: this.fees.group(listed),
      otherDebits: this.otherDebits.group(listed),
      notApplied: this.notApplied.group(listed),
    };
  }

  /** Every line of each kind (as far as kept: `keepLines`). */
  lines(): Pick<BankImportPlan, 'returns' | 'fees' | 'otherDebits' | 'notApplied'> {
    return { returns: this.returns, fees: this.fees.lines, otherDebits: this.otherDebits.lines, notApplied: this.notApplied.lines };
  }
}

/** What the import does with each entry of the file (the whole file at once: `BankImportPlanner` over it). */
export function planBankImport(file: BankFile): BankImportPlan {
  const planner = new BankImportPlanner(Number.POSITIVE_INFINITY);
  planner.file(file.format, file.version);
  const credits: BankCredit[] = [];
  for (const { entries, ...head } of file.statements) {
    planner.statement(head);
    for (const entry of entries) credits.push(...planner.entry(entry));
  }
  const summary = planner.summary();
  return {
    format: file.format,
    ...(file.version ? { version: file.version } : {}),
    statements: summary.statements,
    entries: summary.entries,
    credits,
    ...planner.lines(),
  };
}

/** Sums per currency, in the order the currencies first appear. */
export function totalsByCurrency(lines: readonly { readonly amount: number; readonly currency: string }[]): Money[] {
  const sums = new Map<string, number>();
  for (const l of lines) sums.set(l.currency, (sums.get(l.currency) ?? 0) + l.amount);
  return [...sums].map(([currency, amount]) => ({ amount, currency }));
}

/** The most lines of each kind an import lists (all are counted and summed): the import is one item. */
export const LISTED_LINES_MAX = 200;

/** Lines of one kind: all counted and summed per currency, the first `LISTED_LINES_MAX` listed. */
export interface BankLineGroup {
  readonly count: number;
  readonly totals: readonly Money[];
  readonly lines: readonly BankLine[];
}

/** What an import keeps of its file: counts and sums, the lines finance acts on; not the credits (they are payments). */
export interface BankImportSummary {
  readonly format: BankFileFormat;
  readonly version?: string;
  readonly statements: readonly BankStatementSummary[];
  readonly entries: number;
  readonly credits: { readonly count: number; readonly totals: readonly Money[] };
  readonly returns: BankLineGroup;
  readonly fees: BankLineGroup;
  readonly otherDebits: BankLineGroup;
  readonly notApplied: BankLineGroup;
}

const groupOf = (lines: readonly BankLine[]): BankLineGroup => ({ count: lines.length, totals: totalsByCurrency(lines), lines: lines.slice(0, LISTED_LINES_MAX) });

export function summariseBankImport(plan: BankImportPlan): BankImportSummary {
  return {
    format: plan.format,
    ...(plan.version ? { version: plan.version } : {}),
    statements: plan.statements,
    entries: plan.entries,
    credits: { count: plan.credits.length, totals: totalsByCurrency(plan.credits) },
    returns: groupOf(plan.returns),
    fees: groupOf(plan.fees),
    otherDebits: groupOf(plan.otherDebits),
    notApplied: groupOf(plan.notApplied),
  };
}

/** What apply-payment did with one payment of an import, as its stored item says. */
export interface AppliedPaymentFacts {
  readonly amount: number;
  readonly currency: string;
  readonly allocations: readonly { readonly amount: number; readonly matchedBy?: string }[];
  readonly unapplied: number;
  readonly matchedBy?: string;
  /** The cascade's decision apply-payment keeps on the payment. */
  readonly match?: { readonly matchedBy: string; readonly auto: boolean; readonly proposal?: unknown; readonly rejected?: unknown };
}

export interface BankImportOutcome {
  /** Payments apply-payment has not written yet. */
  readonly pending: number;
  readonly applied: { readonly count: number; readonly byRule: Readonly<Record<string, number>> };
  /** Matched below the confidence threshold: nothing applied, a proposal waits for finance. */
  readonly proposed: number;
  /** Proposals finance turned down (the cash stays unapplied). */
  readonly rejected: number;
  readonly unapplied: { readonly count: number; readonly amount: readonly Money[] };
  /** Share of the import's credits that settled at least one invoice (0–1); null when there are none. */
  readonly autoMatchRate: number | null;
}

/**
 * The outcome from the payments themselves: the rule is the one apply-payment's
 * cascade recorded on the payment (`match.matchedBy`); a payment written before
 * the cascade counts as `unrecorded`. Proposals (not sure enough) are counted apart.
 */
export function bankImportOutcome(credits: number, found: readonly AppliedPaymentFacts[]): BankImportOutcome {
  const byRule: Record<string, number> = {};
  let applied = 0;
  let proposed = 0;
  let rejected = 0;
  const leftOver: { amount: number; currency: string }[] = [];
  for (const p of found) {
    if (p.allocations.length > 0) {
      applied += 1;
      const rule = p.match?.matchedBy ?? p.matchedBy ?? p.allocations.find((a) => a.matchedBy)?.matchedBy ?? 'unrecorded';
      byRule[rule] = (byRule[rule] ?? 0) + 1;
    }
    if (p.unapplied > 0) leftOver.push({ amount: p.unapplied, currency: p.currency });
    if (p.match && !p.match.auto && p.match.proposal && !p.match.rejected) proposed += 1;
    if (p.match?.rejected) rejected += 1;
  }
  return {
    pending: Math.max(0, credits - found.length),
    applied: { count: applied, byRule },
    proposed,
    rejected,
    unapplied: { count: leftOver.length, amount: totalsByCurrency(leftOver) },
    autoMatchRate: credits === 0 ? null : Math.round((applied / credits) * 10_000) / 10_000,
  };
}
