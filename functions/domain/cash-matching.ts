/**
 * The matching cascade of cash application (issue 9): which invoices does a
 * bank credit pay, by which rule, how sure are we, and why. Pure: no I/O, no
 * clock. Two phases so the use case fetches only what it needs (by number,
 * by reference, by IBAN, by customer — never a Scan):
 *
 * 1. `identify(entry, reading)`: the invoice numbers the entry names (RF and
 *    national references first, then invoice numbers typed in the remittance),
 *    the payer's IBAN and name. The use case looks those invoices up, and the
 *    customer by IBAN (seen before: exact) or, failing that, by name
 *    (`bestCustomerByName` over the candidates it fetched).
 * 2. `matchEntry(entry, context, policy)`: the decision, every step in
 *    `evidence` in words a finance person reads.
 *
 * The cascade, first rule that places the money wins:
 *  (1) a structured reference (RF or national, in the structured field or
 *      anywhere in the remittance) → that invoice;
 *  (2) invoice numbers in the remittance → those invoices, oldest due first;
 *  (3)+(4) within the customer's open invoices (customer from the payer's
 *      IBAN, else its name): the one exact balance, else the early-payment
 *      amount inside its window, else a combination of 2–5 invoices summing
 *      exactly to the payment;
 *  (5) else unapplied cash on the customer when one was found, or an
 *      unidentified item for the worklist.
 *
 * Confidence (0–1). Rule confidences: structured reference 1; an RF reference
 * in free text 1 (its two check digits hold and it decodes to one of our
 * invoices); a national reference in free text 0.98 (one check digit: one in
 * ten random digit runs passes); an invoice number 0.98, or 0.96 when it is
 * spelled differently from the canonical number (`INV 2026 42`) and only in
 * the unstructured text. Rules (1)–(2) do not depend on the payer (the
 * invoice names its customer). Rules (3)–(4): customer score × rule, where
 * the customer score is 1 for a known IBAN (or the customer of a quoted
 * invoice) and the name similarity for a name; the rule is 0.95 for the one
 * exact balance, 0.93 for the early-payment amount, 0.9 for a combination,
 * and 0.85 whenever that rule found more than one candidate (several equal
 * balances, several combinations of the same size): the oldest is proposed,
 * below the default auto threshold, so a person decides. (5): the customer
 * score (unapplied cash on a customer known by IBAN is held automatically),
 * 0 when nobody was identified.
 *
 * Amounts (decisions a reviewer should know):
 *  - Never more than an invoice's undisputed balance is applied (balance −
 *    disputed): a disputed part waits for its dispute, a payment of it stays
 *    unapplied on the customer. Closed invoices (paid, void, written off) get
 *    nothing.
 *  - Overpayment: the rest is unapplied on the customer.
 *  - Early payment: inside the window (payment day ≤ `until`, invoice not part
 *    paid, nothing disputed), a payment of at least the discounted amount
 *    closes the invoice, the discount covering the rest (never more than the
 *    discount); a payment short of the discounted amount by no more than the
 *    tolerance also takes the discount. A payment further short gets no
 *    discount (it is measured against the full balance).
 *  - Short payment of a single matched invoice: within the tolerance it is
 *    applied as a part payment and the small rest stays open (said in the
 *    evidence; writing it off is a finance decision this module does not
 *    take); beyond it, the payment is applied and a deduction case
 *    (`short-payment`) opens for the whole difference. Several invoices paid
 *    short: oldest due first, the rest stays open on the last, no deduction.
 *  - Tolerance: the smaller of `ppm` of the expected amount (rounded half up)
 *    and the currency's amount (`byCurrency`, else `minor`, else 5 units of
 *    the payment's currency: 500 for GBP, 5 for JPY).
 *  - Another currency than the invoice: nothing applied; the invoices are
 *    named in `currencyMismatch` and the item is proposed, never automatic.
 *  - Σ applications + unapplied = the payment, always.
 *
 * Determinism: invoices are deduplicated by number and ordered by due date,
 * issue date, number before any rule looks at them, so the input order of the
 * lists never matters; ties are broken in that order (oldest first).
 *
 * Fuzzy names use fuzzball's `token_set_ratio` from `fuzzball/ultra_lite`:
 * esbuild --bundle --minify of an entry importing only `token_set_ratio`
 * weighs 11.5 kB (4.2 kB gzip), against 19.8 kB for `fuzzball/lite` and
 * 43.7 kB for the full build (which pulls lodash and heap). The ultra-lite
 * build's own cleanup strips non-ASCII letters, so it is called with
 * `full_process: false` on names `normaliseName` has already cleaned (which
 * keeps Cyrillic and CJK); its scores then equal the full build's. This
 * module with everything it imports bundles (node22 ESM, minified) to 52 kB,
 * 16 kB gzip: ibantools 18 kB (already there through references.ts), this
 * file 15 kB, fuzzball 11 kB.
 */
import { token_set_ratio } from 'fuzzball/ultra_lite';
import { friendlyFormatIBAN } from 'ibantools';
import { compareDates } from './dates.ts';
import { formatInvoiceNumber, parseInvoiceNumber } from './invoice.ts';
import { applyRatePpm, currencyExponent, formatMoney, isCurrency } from './money.ts';
import type { Invoice, IsoDate } from './model.ts';
import {
  findPaymentReferences,
  formatPaymentReference,
  invoiceNumberFromReference,
  normaliseIban,
  type PaymentReferenceScheme,
} from './references.ts';

// ------------------------------------------------------------------ inputs

/** What the cascade reads of a bank credit (a `BankTransaction`/`BankEntry` fits). */
export interface CashEntry {
  /** Positive minor units. */
  readonly amount: number;
  readonly currency: string;
  /** Only credits are cash in; a debit is never matched. Absent: a credit. */
  readonly direction?: 'credit' | 'debit';
  readonly payerName?: string;
  readonly payerIban?: string;
  /** The structured creditor reference field (camt `RmtInf/Strd/CdtrRefInf/Ref`). */
  readonly creditorReference?: string;
  /** Unstructured remittance text. */
  readonly remittance?: string;
}

/** What the cascade reads of an invoice. */
export type MatchInvoice = Pick<Invoice, 'number' | 'customerId' | 'currency' | 'balance' | 'dueDate' | 'issueDate' | 'disputed' | 'earlyPayment'> &
  Partial<Pick<Invoice, 'status'>>;

export type ReferenceKind = 'rf-reference' | 'invoice-number';

export interface IdentifyOptions {
  /** Payment reference schemes in use (as configured), tried in this order. */
  readonly schemes: readonly PaymentReferenceScheme[];
  /** Invoice series in use (the first is the one national references belong to). */
  readonly series: string | readonly string[];
  readonly seOcrLengthDigit?: boolean;
}

/** One invoice the entry names, and how. */
export interface Quote {
  readonly invoiceNumber: string;
  readonly kind: ReferenceKind;
  readonly where: 'structured' | 'remittance';
  /** As written in the file (a reference as compared: compact, upper case). */
  readonly text: string;
  readonly scheme?: PaymentReferenceScheme;
  /** Spelled differently from the canonical invoice number (spaces, no dashes, missing zeros). */
  readonly tolerant: boolean;
}

export interface Identification {
  /** References first (structured field, then remittance), then invoice numbers; no repeats. */
  readonly invoiceNumbers: string[];
  /** Per number, the strongest way it was named. */
  readonly referenceKind: Readonly<Record<string, ReferenceKind>>;
  /** Per number, the strongest quote (for the evidence). Same order as `invoiceNumbers`. */
  readonly quotes: readonly Quote[];
  /** Electronic format, only when a valid IBAN. */
  readonly payerIban?: string;
  readonly payerName?: string;
}

// ---------------------------------------------------------- phase 1: identify

function seriesList(series: IdentifyOptions['series']): string[] {
  return (typeof series === 'string' ? [series] : [...series]).filter((s) => /^[A-Z]{2,8}$/.test(s));
}

/**
 * Invoice numbers of the given series however a payer typed them: any case,
 * spaces, dots, slashes, dashes or nothing between the parts, missing or extra
 * leading zeros (`INV 2026 42`, `inv-2026-000042`, `INV2026000042`,
 * `Inv.2026/42` → `INV-2026-000042`). The series must be one in use, so a
 * loose spelling cannot pick up any word followed by digits.
 */
export function findTolerantInvoiceNumbers(text: string | undefined, series: IdentifyOptions['series']): { invoiceNumber: string; text: string; tolerant: boolean }[] {
  if (!text) return [];
  const found: { invoiceNumber: string; text: string; tolerant: boolean; at: number }[] = [];
  for (const s of seriesList(series)) {
    const re = new RegExp(`(?<![\\p{L}\\p{N}])${s}[\\s._/#:-]*(\\d{4})[\\s._/-]*(\\d{1,12})(?!\\d)`, 'giu');
    for (const m of text.matchAll(re)) {
      const sequence = Number(m[2]);
      if (!Number.isSafeInteger(sequence) || sequence < 1) continue;
      let invoiceNumber: string;
      try {
        invoiceNumber = formatInvoiceNumber(s, Number(m[1]), sequence);
      } catch {
        continue;
      }
      found.push({ invoiceNumber, text: m[0], tolerant: m[0].toUpperCase() !== invoiceNumber, at: m.index });
    }
  }
  // Numbers of a series not configured (an older series) only in their canonical, dashed spelling.
  for (const m of text.matchAll(/(?<![\p{L}\p{N}-])([A-Za-z]{2,8})-(\d{4})-(\d{6,})(?![\p{N}-])/gu)) {
    const canonical = `${m[1]!.toUpperCase()}-${m[2]}-${m[3]}`;
    const parts = parseInvoiceNumber(canonical);
    if (!parts || formatInvoiceNumber(parts.series, parts.year, parts.sequence) !== canonical) continue;
    if (!found.some((f) => f.invoiceNumber === canonical)) found.push({ invoiceNumber: canonical, text: m[0], tolerant: false, at: m.index });
  }
  found.sort((a, b) => a.at - b.at);
  const out: { invoiceNumber: string; text: string; tolerant: boolean }[] = [];
  for (const f of found) {
    const seen = out.find((o) => o.invoiceNumber === f.invoiceNumber);
    if (!seen) out.push({ invoiceNumber: f.invoiceNumber, text: f.text, tolerant: f.tolerant });
    else if (seen.tolerant && !f.tolerant) out[out.indexOf(seen)] = { invoiceNumber: f.invoiceNumber, text: f.text, tolerant: false };
  }
  return out;
}

/** Phase 1: what to look up for this entry. */
export function identify(entry: CashEntry, options: IdentifyOptions): Identification {
  const series = seriesList(options.series);
  const reading = { series: series[0] ?? 'INV', schemes: options.schemes, ...(options.seOcrLengthDigit !== undefined ? { seOcrLengthDigit: options.seOcrLengthDigit } : {}) };
  const quotes: Quote[] = [];
  const add = (q: Quote) => {
    const i = quotes.findIndex((x) => x.invoiceNumber === q.invoiceNumber);
    if (i < 0) quotes.push(q);
    else if (quoteConfidence(q) > quoteConfidence(quotes[i]!)) quotes[i] = q;
  };
  const structured = entry.creditorReference?.trim();
  const structuredNumbers = structured ? findTolerantInvoiceNumbers(structured, series) : [];
  if (structured && options.schemes.length > 0) {
    const r = invoiceNumberFromReference(structured, reading);
    if (r) add({ invoiceNumber: r.invoiceNumber, kind: 'rf-reference', where: 'structured', text: r.reference, scheme: r.scheme, tolerant: false });
  }
  if (options.schemes.length > 0) {
    for (const r of findPaymentReferences(entry.remittance, reading)) {
      add({ invoiceNumber: r.invoiceNumber, kind: 'rf-reference', where: 'remittance', text: r.reference, scheme: r.scheme, tolerant: false });
    }
  }
  for (const n of structuredNumbers) add({ invoiceNumber: n.invoiceNumber, kind: 'invoice-number', where: 'structured', text: n.text, tolerant: n.tolerant });
  for (const n of findTolerantInvoiceNumbers(entry.remittance, series)) add({ invoiceNumber: n.invoiceNumber, kind: 'invoice-number', where: 'remittance', text: n.text, tolerant: n.tolerant });
  // References before numbers, each group in order of discovery.
  const ordered = [...quotes.filter((q) => q.kind === 'rf-reference'), ...quotes.filter((q) => q.kind === 'invoice-number')];
  const payerIban = normaliseIban(entry.payerIban);
  const payerName = entry.payerName?.replace(/\s+/g, ' ').trim();
  return {
    invoiceNumbers: ordered.map((q) => q.invoiceNumber),
    referenceKind: Object.fromEntries(ordered.map((q) => [q.invoiceNumber, q.kind])),
    quotes: ordered,
    ...(payerIban ? { payerIban } : {}),
    ...(payerName ? { payerName } : {}),
  };
}

/** How sure a quote alone makes us of its invoice (see the module comment). */
export function quoteConfidence(q: Quote): number {
  if (q.kind === 'rf-reference') return q.where === 'structured' || q.scheme === 'rf' ? 1 : 0.98;
  return q.tolerant && q.where === 'remittance' ? 0.96 : 0.98;
}

// -------------------------------------------------------------- payer names

/** Legal forms dropped from a name (compared after case, accents and punctuation are folded). */
const LEGAL_FORM_WORDS = new Set(
  (
    'ltd limited llc llp lp plc inc incorporated corp corporation co company pty pte cic ' +
    'gmbh mbh ag kg ohg ug kgaa ev eg se ' +
    'ab hb kb oy oyj as asa aps ans da ' +
    'sa sas sarl sasu eurl snc sca spa srl sl slu sapa scs ' +
    'bv nv vof cv bvba sprl ' +
    'kk yk gk ' +
    'ооо оао зао пао ао ип нко тоо ' +
    'the and'
  ).split(' '),
);
/** Multi-word legal forms, removed before single words (already folded). */
const LEGAL_FORM_PHRASES = ['kabushiki kaisha', 'yugen kaisha', 'godo kaisha', 'co kg', 'gmbh co kg', 'pty ltd', 'co ltd', 'sa de cv', 's a'];
/** Legal forms written without spaces (CJK, Zengin's katakana abbreviations), removed as substrings. */
const LEGAL_FORM_MARKS = ['株式会社', '有限会社', '合同会社', '合資会社', '合名会社', '股份有限公司', '有限责任公司', '有限公司', '(株)', '(有)', '(合)', 'カ)', '(カ', 'ユ)', '(ユ', 'ド)', '(ド'];
/** Letters NFKD does not take apart. */
const FOLD: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', þ: 'th', ı: 'i', ħ: 'h' };

function foldName(name: string): string {
  let s = name.normalize('NFKD');
  // Combining diacritical marks only (U+0300–U+036F): accents go, Japanese voicing marks stay (recomposed below).
  s = s.replace(/[\u0300-\u036f]/g, '').normalize('NFC').toLowerCase();
  s = s.replace(/[ßæœøłđðþıħ]/g, (c) => FOLD[c] ?? c);
  for (const mark of LEGAL_FORM_MARKS) s = s.split(mark).join(' ');
  s = s.replace(/&|\+/g, ' and ');
  s = s.replace(/\ba\/s\b/g, ' as ');
  // Apostrophes and dots join (O'Brien → obrien, S.A. → sa); other punctuation separates.
  s = s.replace(/['’`.]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
  const words = s.split(' ').filter(Boolean);
  let text = ` ${words.join(' ')} `;
  for (const p of LEGAL_FORM_PHRASES) text = text.split(` ${p} `).join(' ');
  const kept = text.split(' ').filter((w) => w && !LEGAL_FORM_WORDS.has(w));
  // A name that is nothing but legal-form words keeps them (better than an empty name).
  return (kept.length > 0 ? kept : words).join(' ');
}

/**
 * A company or person name as compared: NFKD with accents removed (ü → u),
 * ß/æ/ø/ł… spelled out, lower case, punctuation out, `&`/`+`/`and`/`the`
 * dropped, legal forms dropped (Ltd, Limited, LLC, Inc, GmbH, AG, AB, Oy, AS,
 * SA, SAS, BV, NV, Pty, KK, 株式会社, 有限会社, ООО, АО and the rest of the
 * lists above), spaces collapsed. `ACME LIMITED` and `Acme Ltd.` → `acme`.
 */
export function normaliseName(name: string): string {
  return foldName(name);
}

/** The spellings a name is compared in: as normalised, and with German umlauts as ae/oe/ue (Müller ≈ Mueller). */
function nameVariants(name: string): string[] {
  const plain = foldName(name);
  const umlauts = name.normalize('NFC').replace(/[äöüÄÖÜ]/g, (c) => ({ ä: 'ae', ö: 'oe', ü: 'ue', Ä: 'Ae', Ö: 'Oe', Ü: 'Ue' })[c] ?? c);
  const german = foldName(umlauts);
  return german === plain ? [plain] : [plain, german];
}

/** Similarity of two names, 0–1: the best token-set ratio over their spellings. */
export function nameScore(a: string, b: string): number {
  let best = 0;
  for (const x of nameVariants(a)) {
    for (const y of nameVariants(b)) {
      if (!x || !y) continue;
      best = Math.max(best, token_set_ratio(x, y, { full_process: false }));
    }
  }
  return best / 100;
}

export interface NameCandidate {
  readonly customerId: string;
  readonly name: string;
}

export interface NameMatch {
  readonly customerId: string;
  /** 0–1. */
  readonly score: number;
  /** The candidate's name that scored (for the evidence). */
  readonly name: string;
}

/**
 * The customer whose name is most like the payer's, or undefined: no name,
 * the best below `minScore` (default 0.8), or a tie between customers
 * (ambiguous: never a guess). One exception to the tie: when exactly one of
 * the tied names is, normalised, the payer's name itself, it wins (token-set
 * scores a name that contains the other as 1: "Acme" vs "Acme Foods").
 * A customer listed under several names counts once, with its best.
 */
export function bestCustomerByName(payerName: string | undefined, candidates: readonly NameCandidate[], options: { minScore?: number } = {}): NameMatch | undefined {
  if (!payerName || !normaliseName(payerName)) return undefined;
  const minScore = options.minScore ?? 0.8;
  const payer = normaliseName(payerName);
  const best = new Map<string, { score: number; exact: boolean; name: string }>();
  for (const c of candidates) {
    const score = nameScore(payerName, c.name);
    const exact = normaliseName(c.name) === payer;
    const prev = best.get(c.customerId);
    const better = !prev || score > prev.score || (score === prev.score && ((exact && !prev.exact) || (exact === prev.exact && c.name < prev.name)));
    if (better) best.set(c.customerId, { score, exact, name: c.name });
  }
  const ranked = [...best.entries()].sort((a, b) => b[1].score - a[1].score || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const top = ranked[0];
  if (!top || top[1].score < minScore || top[1].score === 0) return undefined;
  const tied = ranked.filter(([, v]) => v.score === top[1].score);
  if (tied.length > 1) {
    const exact = tied.filter(([, v]) => v.exact);
    if (exact.length !== 1) return undefined;
    return { customerId: exact[0]![0], score: exact[0]![1].score, name: exact[0]![1].name };
  }
  return { customerId: top[0], score: top[1].score, name: top[1].name };
}

export interface PayerCustomer {
  readonly customerId: string;
  /** `given`: the payment itself names the customer (cash finance recorded for them). */
  readonly by: 'given' | 'iban' | 'name' | 'quoted';
  /** 0–1: 1 for an IBAN or a quoted invoice, the name score for a name. */
  readonly score: number;
  /** The customer's name, for the evidence. */
  readonly name?: string;
}

/**
 * The customer to search: the one the payment names (cash finance recorded
 * for a customer) beats the payer's IBAN seen before on a payment from a
 * customer (exact), which beats the customer of the invoices the entry quotes,
 * which beats a name similarity. The use case passes what its lookups found.
 */
export function customerFromPayer(found: {
  readonly given?: { readonly customerId: string; readonly name?: string } | undefined;
  readonly byIban?: { readonly customerId: string; readonly name?: string } | undefined;
  readonly byQuoted?: { readonly customerId: string; readonly name?: string } | undefined;
  readonly byName?: NameMatch | undefined;
}): PayerCustomer | undefined {
  if (found.given) return { customerId: found.given.customerId, by: 'given', score: 1, ...(found.given.name ? { name: found.given.name } : {}) };
  if (found.byIban) return { customerId: found.byIban.customerId, by: 'iban', score: 1, ...(found.byIban.name ? { name: found.byIban.name } : {}) };
  if (found.byQuoted) return { customerId: found.byQuoted.customerId, by: 'quoted', score: 1, ...(found.byQuoted.name ? { name: found.byQuoted.name } : {}) };
  if (found.byName) return { customerId: found.byName.customerId, by: 'name', score: found.byName.score, name: found.byName.name };
  return undefined;
}

// ---------------------------------------------------------- phase 2: decide

export interface MatchContext {
  /** `identify(entry, …)`: which numbers were quoted and how. */
  readonly identified: Identification;
  /** The invoices the identified numbers and references found (any order; others ignored). */
  readonly quoted: readonly MatchInvoice[];
  readonly customer?: PayerCustomer | undefined;
  /** The customer's open invoices (any order; other customers' are ignored). */
  readonly openInvoices: readonly MatchInvoice[];
  /** The day the money arrived (the entry's value date, else its booking date): the early-payment window is judged on it. */
  readonly asOf: IsoDate;
}

/** How sure the cascade must be, and how short a payment may be (lib/config.ts `cashMatching`, bound as CASH_MATCHING). */
export interface MatchPolicy {
  /** Below this nothing is applied automatically: the decision is proposed. Default 0.9. */
  readonly autoApplyConfidence: number;
  /** The payer-name similarity (0–1) a customer needs to be named by its name (rule 3); default 0.8. */
  readonly minNameScore?: number;
  readonly shortPaymentTolerance: {
    /** Parts per million of the expected amount. Default 10,000 (1 %). */
    readonly ppm: number;
    /** Minor units, for any currency; default 5 units of the payment's currency (500 for GBP, 5 for JPY). The smaller of the two applies. */
    readonly minor?: number;
    /** Minor units per currency (`{"GBP": 50}`), before `minor` and the 5-unit default. */
    readonly byCurrency?: Readonly<Record<string, number>>;
  };
}

export const DEFAULT_MATCH_POLICY: MatchPolicy = { autoApplyConfidence: 0.9, minNameScore: 0.8, shortPaymentTolerance: { ppm: 10_000 } };

/** The most a short payment of `expected` may miss by and still count as paid in part, not a deduction (minor units). */
export function shortPaymentTolerance(expected: number, currency: string, policy: Pick<MatchPolicy, 'shortPaymentTolerance'>): number {
  const t = policy.shortPaymentTolerance;
  const minor = t.byCurrency?.[currency] ?? t.minor ?? 5 * 10 ** currencyExponent(currency);
  return Math.max(0, Math.min(applyRatePpm(expected, t.ppm, 'half-up'), minor));
}

export type MatchedBy = 'rf-reference' | 'invoice-number' | 'amount' | 'early-payment' | 'combination' | 'fuzzy-name' | 'none';

export interface InvoiceAmount {
  readonly invoiceNumber: string;
  readonly amount: number;
}

export interface MatchDecision {
  /** Taken off the invoices' balances, in the payment's currency. */
  readonly applications: InvoiceAmount[];
  /** Early-payment discounts written off the balances. */
  readonly discounts: InvoiceAmount[];
  /** Left as the customer's unapplied cash (or, without a customer, the unidentified item). */
  readonly unapplied: number;
  /** A short payment beyond the tolerance: the difference, as a dispute. */
  readonly deduction?: { readonly invoiceNumber: string; readonly amount: number; readonly reason: 'short-payment' };
  readonly customerId?: string;
  /** How the customer was found. */
  readonly customerBy?: PayerCustomer['by'];
  /**
   * The rule that placed the money. `fuzzy-name`: only the customer was
   * found, by name (held as unapplied cash); `none`: no rule placed it
   * (unapplied on a customer known otherwise, or unidentified).
   */
  readonly matchedBy: MatchedBy;
  /** 0–1. */
  readonly confidence: number;
  readonly evidence: string[];
  /** confidence ≥ autoApplyConfidence and no currency problem: the use case may carry it out without a person. */
  readonly auto: boolean;
  /** One sentence. */
  readonly reason: string;
  /** The invoices named were in another currency: nothing applied, proposed with this. */
  readonly currencyMismatch?: { readonly invoiceNumbers: string[]; readonly invoiceCurrency: string; readonly paymentCurrency: string };
}

const CLOSED = new Set(['paid', 'void', 'written_off']);
const isOpen = (i: MatchInvoice) => !CLOSED.has(i.status ?? 'open') && i.balance > 0;
/** What may be paid down: the balance less what is under dispute. */
const payable = (i: MatchInvoice) => Math.max(0, i.balance - Math.max(0, i.disputed ?? 0));

function byAge(a: MatchInvoice, b: MatchInvoice): number {
  return compareDates(a.dueDate, b.dueDate) || compareDates(a.issueDate, b.issueDate) || (a.number < b.number ? -1 : a.number > b.number ? 1 : 0);
}

/** Deduplicated by number (the first in age order wins), oldest due first: the input order never matters. */
function ordered(list: readonly MatchInvoice[]): MatchInvoice[] {
  const sorted = [...list].sort((a, b) => byAge(a, b) || a.balance - b.balance || a.customerId.localeCompare(b.customerId));
  const seen = new Set<string>();
  return sorted.filter((i) => (seen.has(i.number) ? false : (seen.add(i.number), true)));
}

function earlyEligible(i: MatchInvoice, asOf: IsoDate): i is MatchInvoice & { earlyPayment: NonNullable<MatchInvoice['earlyPayment']> } {
  const e = i.earlyPayment;
  return !!e && compareDates(asOf, e.until) <= 0 && (i.disputed ?? 0) === 0 && i.balance === e.amountDue + e.discount && e.amountDue > 0;
}

const tolerance = shortPaymentTolerance;

const round4 = (x: number) => Math.round(Math.min(1, Math.max(0, x)) * 10_000) / 10_000;

interface Draft {
  applications: InvoiceAmount[];
  discounts: InvoiceAmount[];
  deduction?: MatchDecision['deduction'];
}

/**
 * Combination search: among the 30 oldest-due candidates smaller than the
 * payment, the subsets of 2 to 5 whose undisputed balances sum exactly to it;
 * fewest invoices first, then oldest first (lexicographic in age order).
 * Worst case Σ C(30, k) for k = 2…5 = 174,406 subsets (plus the prefixes on
 * the way), whatever the number of open invoices. Stops at the second subset
 * of the winning size (only to know it is ambiguous).
 */
export const COMBINATION_MAX_INVOICES = 5;
export const COMBINATION_POOL = 30;

export function findCombination(candidates: readonly MatchInvoice[], amount: number): { invoices: MatchInvoice[]; ambiguous: boolean } | undefined {
  const pool = candidates.filter((i) => payable(i) > 0 && payable(i) < amount).slice(0, COMBINATION_POOL);
  const values = pool.map(payable);
  for (let k = 2; k <= COMBINATION_MAX_INVOICES && k <= pool.length; k++) {
    const hits: number[][] = [];
    const chosen: number[] = [];
    const dfs = (start: number, remaining: number): void => {
      if (hits.length >= 2) return;
      if (chosen.length === k) {
        if (remaining === 0) hits.push([...chosen]);
        return;
      }
      for (let i = start; i <= pool.length - (k - chosen.length); i++) {
        const v = values[i]!;
        if (v > remaining) continue;
        if (chosen.length === k - 1 && v !== remaining) continue;
        chosen.push(i);
        dfs(i + 1, remaining - v);
        chosen.pop();
        if (hits.length >= 2) return;
      }
    };
    dfs(0, amount);
    if (hits.length > 0) return { invoices: hits[0]!.map((i) => pool[i]!), ambiguous: hits.length > 1 };
  }
  return undefined;
}

/**
 * Phase 2: the decision for one credit. See the module comment for the
 * cascade, the confidences and the amount rules.
 */
export function matchEntry(entry: CashEntry, context: MatchContext, policyIn: Partial<MatchPolicy> = {}): MatchDecision {
  const policy: MatchPolicy = {
    autoApplyConfidence: policyIn.autoApplyConfidence ?? DEFAULT_MATCH_POLICY.autoApplyConfidence,
    ...(policyIn.minNameScore !== undefined ? { minNameScore: policyIn.minNameScore } : {}),
    shortPaymentTolerance: { ...DEFAULT_MATCH_POLICY.shortPaymentTolerance, ...policyIn.shortPaymentTolerance },
  };
  const evidence: string[] = [];
  const amount = entry.amount;
  const currency = entry.currency;
  const nothing = (reason: string): MatchDecision => ({
    applications: [],
    discounts: [],
    unapplied: Number.isSafeInteger(amount) && amount > 0 ? amount : 0,
    matchedBy: 'none',
    confidence: 0,
    evidence: [...evidence, reason],
    auto: false,
    reason,
  });
  if (entry.direction === 'debit') return nothing('a debit is not cash in: nothing to match');
  if (!Number.isSafeInteger(amount) || amount <= 0) return nothing('the amount is not a positive whole number of minor units');
  if (!isCurrency(currency)) return nothing(`${JSON.stringify(currency)} is not a currency code`);
  const fmt = (n: number, cur: string = currency) => formatMoney({ amount: n, currency: cur });
  const customer = context.customer ? { ...context.customer, score: round4(context.customer.score) } : undefined;
  const who = (c: PayerCustomer) => (c.name ? `${c.name} (${c.customerId})` : c.customerId);

  // ------------------------------------------------ rules 1–2: quoted
  const quotes = context.identified.quotes;
  const quotedByNumber = new Map(ordered(context.quoted).map((i) => [i.number, i]));
  const usable: { invoice: MatchInvoice; quote: Quote }[] = [];
  const otherCurrency: MatchInvoice[] = [];
  for (const q of quotes) {
    const inv = quotedByNumber.get(q.invoiceNumber);
    const said = describeQuote(q);
    if (!inv) {
      evidence.push(`${said}: no such invoice`);
      continue;
    }
    if (!isOpen(inv)) {
      evidence.push(`${said} → ${inv.number}, already ${inv.status === 'void' ? 'void' : inv.status === 'written_off' ? 'written off' : 'paid'}: not applied`);
      continue;
    }
    if (inv.currency !== currency) {
      evidence.push(`${said} → ${inv.number}, which is in ${inv.currency}; the payment is in ${currency}`);
      otherCurrency.push(inv);
      continue;
    }
    if (payable(inv) === 0) {
      evidence.push(`${said} → ${inv.number}: its whole balance ${fmt(inv.balance)} is under dispute, not paid down`);
      continue;
    }
    evidence.push(`${said} → ${inv.number}`);
    usable.push({ invoice: inv, quote: q });
  }
  const quotedCustomers = [...new Set(usable.map((u) => u.invoice.customerId))];
  if (usable.length > 0) {
    if (customer && customer.by !== 'quoted' && !quotedCustomers.includes(customer.customerId)) {
      evidence.push(`note: the payer (${customer.by === 'iban' ? 'by account' : customer.by === 'given' ? 'as recorded' : 'by name'}) is ${who(customer)}, the invoice${usable.length > 1 ? 's belong' : ' belongs'} to ${quotedCustomers.join(', ')}: the reference wins`);
    }
    const kind: ReferenceKind = usable.some((u) => u.quote.kind === 'rf-reference') ? 'rf-reference' : 'invoice-number';
    const confidence = round4(Math.min(...usable.map((u) => quoteConfidence(u.quote))));
    const invoices = ordered(usable.map((u) => u.invoice));
    const draft = invoices.length === 1 ? settleOne(invoices[0]!, amount, currency, context.asOf, policy, evidence, fmt) : settleSeveral(invoices, amount, context.asOf, evidence, fmt);
    const customerId = quotedCustomers.length === 1 ? quotedCustomers[0]! : (customer?.customerId ?? invoices[0]!.customerId);
    return finish(draft, amount, policy, evidence, {
      customerId,
      customerBy: customer && customer.customerId === customerId ? customer.by : 'quoted',
      matchedBy: kind,
      confidence,
      fmt,
    });
  }
  if (otherCurrency.length > 0) {
    const invs = ordered(otherCurrency);
    const invoiceCurrency = invs[0]!.currency;
    const reason = `paid in ${currency}, but ${invs.map((i) => i.number).join(', ')} ${invs.length > 1 ? 'are' : 'is'} in ${invoiceCurrency}: not applied, proposed for a person to decide`;
    const customerId = customer?.customerId ?? invs[0]!.customerId;
    const kind: ReferenceKind = quotes.some((q) => q.kind === 'rf-reference' && invs.some((i) => i.number === q.invoiceNumber)) ? 'rf-reference' : 'invoice-number';
    return {
      applications: [],
      discounts: [],
      unapplied: amount,
      customerId,
      customerBy: customer && customer.customerId === customerId ? customer.by : 'quoted',
      matchedBy: kind,
      confidence: round4(Math.min(...quotes.filter((q) => invs.some((i) => i.number === q.invoiceNumber)).map(quoteConfidence))),
      evidence: [...evidence, reason],
      auto: false,
      reason,
      currencyMismatch: { invoiceNumbers: invs.map((i) => i.number), invoiceCurrency, paymentCurrency: currency },
    };
  }

  // ------------------------------------------------ rules 3–4: the customer's open invoices
  // Quoted invoices that could not take the money still name their customer (a wrong or paid number: rules 3–4 may still place it).
  const owners = [...new Set(ordered(context.quoted).filter((i) => quotes.some((q) => q.invoiceNumber === i.number)).map((i) => i.customerId))];
  const payer: PayerCustomer | undefined = customer ?? (owners.length === 1 ? { customerId: owners[0]!, by: 'quoted', score: 1 } : undefined);
  if (!payer) {
    evidence.push(context.identified.payerName ? `payer name "${context.identified.payerName}" matched no customer closely enough` : 'no payer name');
    return nothing(`nobody identified: ${fmt(amount)} is an unidentified item for the worklist`);
  }
  evidence.push(describeCustomer(payer, context.identified));
  const all = ordered(context.openInvoices).filter((i) => i.customerId === payer.customerId && isOpen(i));
  const candidates = all.filter((i) => i.currency === currency && payable(i) > 0);
  const foreign = all.filter((i) => i.currency !== currency);
  if (foreign.length > 0 && candidates.length === 0) evidence.push(`the customer's open invoices are in ${[...new Set(foreign.map((i) => i.currency))].join(', ')}, the payment in ${currency}`);
  const rule = (matchedBy: MatchedBy, ruleConfidence: number, draft: Draft) =>
    finish(draft, amount, policy, evidence, { customerId: payer.customerId, customerBy: payer.by, matchedBy, confidence: round4(payer.score * ruleConfidence), fmt });

  const exact = candidates.filter((i) => payable(i) === amount);
  if (exact.length > 0) {
    const inv = exact[0]!;
    evidence.push(
      exact.length === 1
        ? `${fmt(amount)} is exactly the open balance of ${inv.number} (due ${inv.dueDate})`
        : `${fmt(amount)} is the open balance of ${exact.length} invoices (${exact.map((i) => i.number).join(', ')}): the oldest due, ${inv.number}, is proposed`,
    );
    return rule('amount', exact.length === 1 ? 0.95 : 0.85, { applications: [{ invoiceNumber: inv.number, amount }], discounts: [] });
  }
  const early = candidates.filter((i) => earlyEligible(i, context.asOf) && i.earlyPayment.amountDue === amount);
  if (early.length > 0) {
    const inv = early[0]! as MatchInvoice & { earlyPayment: NonNullable<MatchInvoice['earlyPayment']> };
    const e = inv.earlyPayment;
    evidence.push(
      `${fmt(amount)} is the early-payment amount of ${inv.number} (${fmt(inv.balance)} less the ${fmt(e.discount)} discount), paid by ${e.until}` +
        (early.length > 1 ? `; ${early.length} invoices have that amount (${early.map((i) => i.number).join(', ')}): the oldest due is proposed` : ''),
    );
    return rule('early-payment', early.length === 1 ? 0.93 : 0.85, { applications: [{ invoiceNumber: inv.number, amount }], discounts: [{ invoiceNumber: inv.number, amount: e.discount }] });
  }
  const combo = findCombination(candidates, amount);
  if (combo) {
    evidence.push(
      `${fmt(amount)} is the sum of ${combo.invoices.length} open invoices: ${combo.invoices.map((i) => `${i.number} ${fmt(payable(i))}`).join(' + ')}` +
        (combo.ambiguous ? ' (other combinations of as many invoices make the same sum: the oldest is proposed)' : ''),
    );
    return rule('combination', combo.ambiguous ? 0.85 : 0.9, { applications: combo.invoices.map((i) => ({ invoiceNumber: i.number, amount: payable(i) })), discounts: [] });
  }

  // ------------------------------------------------ rule 5: unapplied on the customer
  evidence.push(
    candidates.length === 0
      ? `the customer has no open invoice in ${currency}`
      : `no open invoice, early-payment amount or combination of up to ${COMBINATION_MAX_INVOICES} invoices makes ${fmt(amount)}`,
  );
  const reason = `${fmt(amount)} held as unapplied cash on ${who(payer)}`;
  const confidence = round4(payer.score);
  return {
    applications: [],
    discounts: [],
    unapplied: amount,
    customerId: payer.customerId,
    customerBy: payer.by,
    matchedBy: payer.by === 'name' ? 'fuzzy-name' : 'none',
    confidence,
    evidence: [...evidence, reason],
    auto: confidence >= policy.autoApplyConfidence,
    reason,
  };
}

function describeQuote(q: Quote): string {
  const where = q.where === 'structured' ? 'the structured reference' : 'the remittance text';
  if (q.kind === 'rf-reference') return `${q.scheme ? formatPaymentReference(q.scheme, q.text) : q.text} in ${where}`;
  return `"${q.text}" in ${where}${q.tolerant ? ' (read as an invoice number)' : ''}`;
}

function describeCustomer(c: PayerCustomer, id: Identification): string {
  const name = c.name ? `${c.name} (${c.customerId})` : c.customerId;
  if (c.by === 'iban') return `payer account ${id.payerIban ? `${friendlyFormatIBAN(id.payerIban) ?? id.payerIban} ` : ''}was seen before on payments from ${name}`;
  if (c.by === 'name') return `payer name "${id.payerName ?? ''}" is most like customer ${name} (score ${c.score.toFixed(2)})`;
  if (c.by === 'given') return `the payment names customer ${name}`;
  return `the quoted invoices belong to ${name}`;
}

/** Rules 1–2, one invoice: discount window, tolerance, deduction. */
function settleOne(inv: MatchInvoice, amount: number, currency: string, asOf: IsoDate, policy: MatchPolicy, evidence: string[], fmt: (n: number) => string): Draft {
  const open = payable(inv);
  if ((inv.disputed ?? 0) > 0) evidence.push(`${fmt(inv.disputed ?? 0)} of ${inv.number} is under dispute: only the undisputed ${fmt(open)} is paid down`);
  if (amount >= open) {
    evidence.push(amount === open ? `${fmt(amount)} pays ${inv.number} in full` : `${fmt(amount)} pays ${inv.number} in full (${fmt(open)}); ${fmt(amount - open)} more than owed`);
    return { applications: [{ invoiceNumber: inv.number, amount: open }], discounts: [] };
  }
  if (earlyEligible(inv, asOf)) {
    const e = inv.earlyPayment;
    if (amount >= e.amountDue) {
      const discount = open - amount;
      evidence.push(`paid by ${e.until}, within the early-payment window: ${fmt(amount)} settles ${inv.number}, discount ${fmt(discount)}${discount < e.discount ? ` of the ${fmt(e.discount)} allowed` : ''}`);
      return { applications: [{ invoiceNumber: inv.number, amount }], discounts: [{ invoiceNumber: inv.number, amount: discount }] };
    }
    const short = e.amountDue - amount;
    if (short <= tolerance(e.amountDue, currency, policy)) {
      evidence.push(`paid by ${e.until}, within the early-payment window: discount ${fmt(e.discount)}; ${fmt(short)} short of the discounted ${fmt(e.amountDue)}, within the tolerance: left open on ${inv.number}`);
      return { applications: [{ invoiceNumber: inv.number, amount }], discounts: [{ invoiceNumber: inv.number, amount: e.discount }] };
    }
  }
  const short = open - amount;
  if (short <= tolerance(open, currency, policy)) {
    evidence.push(`${fmt(short)} short of the ${fmt(open)} owed on ${inv.number}, within the tolerance: applied as a part payment, ${fmt(short)} stays open`);
    return { applications: [{ invoiceNumber: inv.number, amount }], discounts: [] };
  }
  const lateDiscount = inv.earlyPayment && short === inv.earlyPayment.discount && compareDates(asOf, inv.earlyPayment.until) > 0;
  evidence.push(
    `${fmt(short)} short of the ${fmt(open)} owed on ${inv.number}, beyond the tolerance: a deduction case opens for ${fmt(short)}` +
      (lateDiscount ? ` (it looks like the early-payment discount, whose window closed on ${inv.earlyPayment!.until})` : ''),
  );
  return { applications: [{ invoiceNumber: inv.number, amount }], discounts: [], deduction: { invoiceNumber: inv.number, amount: short, reason: 'short-payment' } };
}

/**
 * Rules 1–2, several invoices, oldest due first. When the payment is exactly
 * the sum of what each asks (the discounted amount for those inside their
 * window, the undisputed balance for the rest) the discounts are taken;
 * otherwise each is paid down in turn and what is left stays open on the last.
 */
function settleSeveral(invoices: readonly MatchInvoice[], amount: number, asOf: IsoDate, evidence: string[], fmt: (n: number) => string): Draft {
  const expected = invoices.map((i) => (earlyEligible(i, asOf) ? i.earlyPayment.amountDue : payable(i)));
  const anyEarly = invoices.some((i) => earlyEligible(i, asOf));
  if (anyEarly && expected.reduce((a, b) => a + b, 0) === amount) {
    const applications = invoices.map((i, k) => ({ invoiceNumber: i.number, amount: expected[k]! }));
    const discounts = invoices.flatMap((i) => (earlyEligible(i, asOf) ? [{ invoiceNumber: i.number, amount: i.earlyPayment.discount }] : []));
    evidence.push(`${fmt(amount)} is what the ${invoices.length} invoices ask with their early-payment discounts (${discounts.map((d) => `${d.invoiceNumber} ${fmt(d.amount)}`).join(', ')})`);
    return { applications, discounts };
  }
  let left = amount;
  const applications: InvoiceAmount[] = [];
  for (const inv of invoices) {
    if (left === 0) {
      evidence.push(`nothing left for ${inv.number}`);
      continue;
    }
    const a = Math.min(left, payable(inv));
    applications.push({ invoiceNumber: inv.number, amount: a });
    left -= a;
    if (a < payable(inv)) evidence.push(`${fmt(a)} of the ${fmt(payable(inv))} owed on ${inv.number} (oldest due first): ${fmt(payable(inv) - a)} stays open`);
  }
  return { applications, discounts: [] };
}

function finish(
  draft: Draft,
  amount: number,
  policy: MatchPolicy,
  evidence: string[],
  meta: { customerId: string; customerBy: PayerCustomer['by']; matchedBy: MatchedBy; confidence: number; fmt: (n: number) => string },
): MatchDecision {
  const applied = draft.applications.reduce((s, a) => s + a.amount, 0);
  const unapplied = amount - applied;
  if (unapplied > 0) evidence.push(`${meta.fmt(unapplied)} left as unapplied cash on the customer`);
  const auto = meta.confidence >= policy.autoApplyConfidence;
  const what = draft.applications.map((a) => `${meta.fmt(a.amount)} to ${a.invoiceNumber}`).join(', ');
  const reason =
    `${RULE_WORDS[meta.matchedBy]}: ${what}` +
    (draft.discounts.length > 0 ? `, discount ${draft.discounts.map((d) => meta.fmt(d.amount)).join(', ')}` : '') +
    (draft.deduction ? `, deduction case for ${meta.fmt(draft.deduction.amount)}` : '') +
    (unapplied > 0 ? `, ${meta.fmt(unapplied)} unapplied` : '') +
    (auto ? '' : ` (confidence ${meta.confidence.toFixed(2)}: proposed for a person to confirm)`);
  return {
    applications: draft.applications,
    discounts: draft.discounts,
    unapplied,
    ...(draft.deduction ? { deduction: draft.deduction } : {}),
    customerId: meta.customerId,
    customerBy: meta.customerBy,
    matchedBy: meta.matchedBy,
    confidence: meta.confidence,
    evidence,
    auto,
    reason,
  };
}

const RULE_WORDS: Record<MatchedBy, string> = {
  'rf-reference': 'by payment reference',
  'invoice-number': 'by invoice number',
  amount: 'by exact amount',
  'early-payment': 'by early-payment amount',
  combination: 'by a combination of open invoices',
  'fuzzy-name': 'by payer name',
  none: 'not matched',
};
