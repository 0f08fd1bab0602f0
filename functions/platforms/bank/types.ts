/**
 * The canonical bank statement: what every bank file format (camt.053,
 * camt.054, MT940, CSV) is mapped to, and what cash application reads.
 * Amounts are integer minor units of their ISO 4217 currency, never floats;
 * dates are `YYYY-MM-DD` as the bank booked them.
 */
import type { IsoDate, Money } from '#domain/model';

export type BankFileFormat = 'camt.052' | 'camt.053' | 'camt.054' | 'mt940' | 'csv';
export type BankDirection = 'credit' | 'debit';

/** One payment: a whole entry, or one transaction of a batched entry. */
export interface BankTransaction {
  /**
   * The bank's unique reference of this booking (camt `AcctSvcrRef` of the
   * entry, else of its one transaction; MT940 bank reference after `//`), the later dedupe key. When
   * the file gives none it is `hash:` + a digest of account, booking date,
   * amount, currency and references (+ `#2`, `#3`… for identical lines in one
   * statement), so the same line in two overlapping files has the same key.
   */
  readonly entryRef: string;
  readonly direction: BankDirection;
  /** Positive minor units; `direction` says which way. */
  readonly amount: number;
  readonly currency: string;
  /** The other party: the payer of a credit (and of the credit a reversal takes back), the payee of a debit. */
  readonly payerName?: string;
  readonly payerIban?: string;
  /** A structured creditor reference (RF… or a national one) from the file's structured field. */
  readonly creditorReference?: string;
  /** Unstructured remittance text, its parts joined with a space. */
  readonly remittance?: string;
  readonly endToEndId?: string;
  /** The return reason code (camt `RtrInf/Rsn/Cd`, e.g. AC04) when the bank gives one. */
  readonly returnReason?: string;
}

export interface BankEntry extends BankTransaction {
  readonly bookingDate: IsoDate;
  readonly valueDate?: IsoDate;
  /** camt `RvslInd` true, MT940 `RC`/`RD`: this booking takes back an earlier one (the direction is the reversal's own). */
  readonly reversal: boolean;
  /** Only booked entries move the balance and may be applied; pending and info entries are listed. */
  readonly status: 'booked' | 'pending' | 'info';
  /** Bank transaction code (camt `BkTxCd` domain/family/sub-family or proprietary; MT940 `:61:` type, e.g. NTRF). */
  readonly transactionCode?: string;
  /**
   * A batched booking (one entry, several transactions: camt `NtryDtls/TxDtls`
   * more than one): each transaction as its own item, with its own amount;
   * their amounts sum to the entry's. Absent for a single transaction, whose
   * details are the entry's own. `entryItems` gives the payments either way.
   */
  readonly batch?: readonly BankTransaction[];
}

export interface BankStatement {
  readonly format: BankFileFormat;
  /** camt message version (`001.08`); absent for MT940 and CSV. */
  readonly version?: string;
  /** camt `Stmt/Id` (or `Rpt/Id`, `Ntfctn/Id`); MT940 `:20:`; CSV: a digest of the file. */
  readonly statementId: string;
  /** camt `ElctrncSeqNb` (else `LglSeqNb`); MT940 `:28C:` statement[/sequence]. */
  readonly sequence?: string;
  readonly account: { readonly iban?: string; readonly id?: string; readonly currency?: string };
  readonly openingBalance?: Money;
  readonly closingBalance?: Money;
  readonly entries: readonly BankEntry[];
}

export interface BankFile {
  readonly format: BankFileFormat;
  readonly version?: string;
  /** camt `GrpHdr/MsgId`. */
  readonly messageId?: string;
  readonly statements: readonly BankStatement[];
}

/** The payments an entry books: its batch's transactions, or the entry itself. */
export function entryItems(entry: BankEntry): readonly BankTransaction[] {
  return entry.batch && entry.batch.length > 0 ? entry.batch : [entry];
}

/** A statement as its header gives it, before its entries (account, balances, ids). */
export type BankStatementHead = Omit<BankStatement, 'entries'>;

/**
 * A bank file read as a stream: the file's format first, then per statement
 * its head, each entry, and its end (after the balance check held), then the
 * end of the file. A file that is wrong throws `BankFileInvalid` at the point
 * it is found — possibly after many entries (a balance that does not hold is
 * known only at the statement's end): read the whole stream before acting on it.
 */
export type BankFileEvent =
  | { readonly kind: 'file'; readonly format: BankFileFormat; readonly version?: string }
  | { readonly kind: 'statement'; readonly statement: BankStatementHead }
  | { readonly kind: 'entry'; readonly entry: BankEntry }
  | { readonly kind: 'statement-end'; readonly entries: number }
  | { readonly kind: 'end'; readonly messageId?: string };

/** A push parser: text in (in chunks of any size), events out; memory bounded by the largest entry, not the file. */
export interface BankFileParser {
  feed(chunk: string): BankFileEvent[];
  end(): BankFileEvent[];
}

/** The events of a whole file as the canonical `BankFile`. */
export function collectBankFile(events: Iterable<BankFileEvent>): BankFile {
  let format: BankFileFormat | undefined;
  let version: string | undefined;
  let messageId: string | undefined;
  const statements: BankStatement[] = [];
  let current: { head: BankStatementHead; entries: BankEntry[] } | undefined;
  for (const e of events) {
    if (e.kind === 'file') ({ format, version } = e);
    else if (e.kind === 'statement') current = { head: e.statement, entries: [] };
    else if (e.kind === 'entry') current?.entries.push(e.entry);
    else if (e.kind === 'statement-end' && current) {
      statements.push({ ...current.head, entries: current.entries });
      current = undefined;
    } else if (e.kind === 'end') messageId = e.messageId;
  }
  if (!format) throw new Error('a bank file stream without its format');
  return { format, ...(version ? { version } : {}), ...(messageId ? { messageId } : {}), statements };
}
