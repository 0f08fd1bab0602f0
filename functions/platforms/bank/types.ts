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
