/**
 * ISO 20022 camt.052 (BankToCustomerAccountReport, the intraday report),
 * camt.053 (BankToCustomerStatement) and camt.054
 * (BankToCustomerDebitCreditNotification), versions 001.02 to 001.08, into
 * the canonical `BankFile`. The message and version come from the namespace
 * `urn:iso:std:iso:20022:tech:xsd:camt.05N.001.NN`.
 *
 * The entry key (the payment's dedupe key, so an entry seen in a camt.052 in
 * the day and again in the evening's camt.053 is applied once): the bank's
 * `AcctSvcrRef` (of the entry, else of its one transaction), else the hash of
 * account, booking date, direction, amount, currency and references. `NtryRef`
 * is not used: it is unique only within one report, and an intraday report
 * and the statement number their entries differently.
 *
 * Balances: opening (OPBD, else PRCD) + booked entries must equal the closing
 * booked balance (CLBD). A camt.052 usually has no CLBD, only an interim
 * booked balance (ITBD) whose period the report may not cover whole (an
 * incremental report lists only the entries since the last one), so it is
 * not checked against the entries.
 *
 * Parsed by fast-xml-parser with every value kept a string (amounts go to
 * minor units through the domain's exact decimal parser, never a float) and
 * the repeating elements always arrays; the mapper below is written against
 * the message structure (paths as in the ISO 20022 message definitions):
 *
 *   Stmt|Ntfctn  Id, ElctrncSeqNb|LglSeqNb, Acct/Id/IBAN|Othr/Id, Acct/Ccy,
 *                Bal (Tp/CdOrPrtry/Cd OPBD|PRCD|CLBD, Amt@Ccy, CdtDbtInd)
 *   Ntry         Amt@Ccy, CdtDbtInd, RvslInd, Sts (Cd from 001.08), BookgDt|ValDt (Dt|DtTm),
 *                AcctSvcrRef, NtryRef, BkTxCd, AddtlNtryInf
 *   NtryDtls/TxDtls  Refs (AcctSvcrRef, EndToEndId), Amt@Ccy (001.03+), AmtDtls/TxAmt/Amt,
 *                RltdPties/Dbtr (Nm, or Pty/Nm from 001.08), DbtrAcct/Id/IBAN, Cdtr…,
 *                RmtInf/Ustrd, RmtInf/Strd/CdtrRefInf/Ref, Strd/RfrdDocInf/Nb, RtrInf/Rsn/Cd
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { normaliseIban } from '#domain/references';
import type { Money } from '#domain/model';
import { BankFileInvalid, BankFileUnsupported } from '#errors';
import { amountOf, checkBalances, checkBatch, clean, dateOf, FallbackRefs, signedMoney } from './common.ts';
import type { BankDirection, BankEntry, BankFile, BankStatement, BankTransaction } from './types.ts';

/** The camt namespace as declared on an element (not as a comment or text may mention it). */
export const CAMT_NAMESPACE = /\bxmlns(?::[\w.-]+)?\s*=\s*["']urn:iso:std:iso:20022:tech:xsd:(camt\.\d{3})\.(\d{3}\.\d{2})["']/;
export const SUPPORTED_CAMT_VERSIONS: readonly string[] = ['001.02', '001.03', '001.04', '001.05', '001.06', '001.07', '001.08'];

const MESSAGES = {
  'camt.052': { root: 'BkToCstmrAcctRpt', report: 'Rpt', what: 'report' },
  'camt.053': { root: 'BkToCstmrStmt', report: 'Stmt', what: 'statement' },
  'camt.054': { root: 'BkToCstmrDbtCdtNtfctn', report: 'Ntfctn', what: 'notification' },
} as const;

const NAMES_OF_OTHER_MESSAGES: Readonly<Record<string, string>> = {
  'camt.086': 'a bank services billing statement (camt.086)',
};

const REPEATING = new Set(['Rpt', 'Stmt', 'Ntfctn', 'Bal', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'Strd', 'CdtrRefInf', 'RfrdDocInf', 'AddtlRmtInf', 'AddtlNtryInf', 'AddtlTxInf']);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  removeNSPrefix: true,
  trimValues: true,
  isArray: (name, _path, _leaf, isAttribute) => !isAttribute && REPEATING.has(name),
});

// --- reading the parsed tree: every node is a string, an object or an array of them

type Node = unknown;
const isObj = (n: Node): n is Record<string, Node> => typeof n === 'object' && n !== null && !Array.isArray(n);

/** The child at a `/`-separated path (the first item of any array on the way). */
function at(node: Node, path: string): Node {
  let n: Node = node;
  for (const key of path.split('/')) {
    if (Array.isArray(n)) n = n[0];
    if (!isObj(n)) return undefined;
    n = n[key];
  }
  return n;
}
function list(node: Node, path: string): Node[] {
  const n = at(node, path);
  return n === undefined ? [] : Array.isArray(n) ? n : [n];
}
function text(node: Node, path?: string): string | undefined {
  const n = path === undefined ? node : at(node, path);
  const v = Array.isArray(n) ? n[0] : n;
  if (typeof v === 'string') return v.trim() || undefined;
  if (isObj(v) && typeof v['#text'] === 'string') return v['#text'].trim() || undefined;
  return undefined;
}
const texts = (node: Node, path: string): string[] => list(node, path).flatMap((n) => text(n) ?? []);
const attr = (node: Node, path: string, name: string): string | undefined => {
  const n = at(node, path);
  const v = isObj(n) ? n[`@${name}`] : undefined;
  return typeof v === 'string' ? v.trim() : undefined;
};

function direction(code: string | undefined, where: string): BankDirection {
  if (code === 'CRDT') return 'credit';
  if (code === 'DBIT') return 'debit';
  throw new BankFileInvalid(`${where}: credit/debit indicator ${JSON.stringify(code ?? '')} is neither CRDT nor DBIT`);
}

/** The name at a party: `Nm` (up to 001.07) or `Pty/Nm` (001.08's Party40Choice). */
const partyName = (party: Node): string | undefined => clean(text(party, 'Nm') ?? text(party, 'Pty/Nm'));
const accountIban = (account: Node): string | undefined => normaliseIban(text(account, 'Id/IBAN'));

/** The dot-separated version and message of a camt body, or null when it has no ISO 20022 camt namespace. */
export function camtMessageOf(body: string): { message: string; version: string } | null {
  const m = CAMT_NAMESPACE.exec(body.slice(0, 8192));
  return m ? { message: m[1]!, version: m[2]! } : null;
}

export function parseCamt(body: string): BankFile {
  const found = camtMessageOf(body);
  if (!found) throw new BankFileInvalid('the XML file has no ISO 20022 camt namespace (urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN)');
  const { message, version } = found;
  if (!isCamtMessage(message)) {
    throw new BankFileUnsupported(`${NAMES_OF_OTHER_MESSAGES[message] ?? message} is not read: send a camt.053 statement, a camt.052 intraday report or a camt.054 notification`);
  }
  if (!SUPPORTED_CAMT_VERSIONS.includes(version)) {
    throw new BankFileUnsupported(`${message}.${version} is not a supported version (supported: ${message}.001.02 to ${message}.001.08)`);
  }
  const valid = XMLValidator.validate(body);
  if (valid !== true) throw new BankFileInvalid(`the file is not well-formed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let doc: Node;
  try {
    doc = parser.parse(body);
  } catch (e) {
    throw new BankFileInvalid(`the file is not well-formed XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  const spec = MESSAGES[message];
  const root = at(doc, `Document/${spec.root}`);
  if (!isObj(root)) throw new BankFileInvalid(`a ${message} file must hold Document/${spec.root}`);
  const reports = list(root, spec.report);
  if (reports.length === 0) throw new BankFileInvalid(`the ${message} file holds no ${spec.what} (${spec.report})`);
  const several = reports.length > 1;
  const statements = reports.map((report, i) => mapReport(report, { format: message, version, where: several ? `${spec.what} ${i + 1}` : spec.what }));
  const messageId = text(root, 'GrpHdr/MsgId');
  return { format: message, version, ...(messageId ? { messageId } : {}), statements };
}

export type CamtMessage = keyof typeof MESSAGES;
export const isCamtMessage = (message: string): message is CamtMessage => Object.hasOwn(MESSAGES, message);

interface Ctx {
  readonly format: CamtMessage;
  readonly version: string;
  readonly where: string;
}

function balance(report: Node, codes: readonly string[], where: string): Money | undefined {
  for (const code of codes) {
    const bal = list(report, 'Bal').find((b) => text(b, 'Tp/CdOrPrtry/Cd') === code);
    if (!bal) continue;
    const w = `${where}, balance ${code}`;
    const currency = attr(bal, 'Amt', 'Ccy');
    const amount = amountOf(text(bal, 'Amt'), currency, w);
    return signedMoney(amount, currency!, direction(text(bal, 'CdtDbtInd'), w) === 'debit');
  }
  return undefined;
}

function mapReport(report: Node, ctx: Ctx): BankStatement {
  const statementId = text(report, 'Id');
  if (!statementId) throw new BankFileInvalid(`${ctx.where}: it has no Id`);
  const where = `${ctx.where} ${statementId}`;
  const iban = normaliseIban(text(report, 'Acct/Id/IBAN'));
  const otherId = text(report, 'Acct/Id/Othr/Id');
  const openingBalance = balance(report, ['OPBD', 'PRCD'], where);
  const closingBalance = balance(report, ['CLBD'], where);
  const currency = text(report, 'Acct/Ccy') ?? openingBalance?.currency ?? closingBalance?.currency;
  const sequence = text(report, 'ElctrncSeqNb') ?? text(report, 'LglSeqNb');
  const refs = new FallbackRefs();
  const accountKey = iban ?? otherId ?? '';
  const entries = list(report, 'Ntry').map((ntry, i) => mapEntry(ntry, `${where}, entry ${i + 1}`, accountKey, refs));
  const statement: BankStatement = {
    format: ctx.format,
    version: ctx.version,
    statementId,
    ...(sequence ? { sequence } : {}),
    account: { ...(iban ? { iban } : {}), ...(otherId ? { id: otherId } : {}), ...(currency ? { currency } : {}) },
    ...(openingBalance ? { openingBalance } : {}),
    ...(closingBalance ? { closingBalance } : {}),
    entries,
  };
  checkBalances(statement, where);
  return statement;
}

function status(ntry: Node, where: string): BankEntry['status'] {
  // Up to 001.07 `<Sts>BOOK</Sts>`, from 001.08 `<Sts><Cd>BOOK</Cd></Sts>`.
  const code = text(ntry, 'Sts') ?? text(ntry, 'Sts/Cd');
  if (code === 'BOOK') return 'booked';
  if (code === 'PDNG') return 'pending';
  if (code === 'INFO') return 'info';
  if (code === undefined) return 'booked';
  throw new BankFileInvalid(`${where}: status ${JSON.stringify(code)} is not BOOK, PDNG or INFO`);
}

function transactionCode(ntry: Node): string | undefined {
  const domain = text(ntry, 'BkTxCd/Domn/Cd');
  if (domain) return [domain, text(ntry, 'BkTxCd/Domn/Fmly/Cd'), text(ntry, 'BkTxCd/Domn/Fmly/SubFmlyCd')].filter(Boolean).join('/');
  return text(ntry, 'BkTxCd/Prtry/Cd');
}

/** Payer (or payee), references and remittance of one TxDtls. */
function details(tx: Node, dir: BankDirection, reversal: boolean): Omit<BankTransaction, 'entryRef' | 'direction' | 'amount' | 'currency'> {
  const parties = at(tx, 'RltdPties');
  // The other party: who paid a credit (and, for a reversal, whose credit it takes back), whom a debit paid.
  const useDebtor = dir === 'credit' || reversal;
  const payerName = useDebtor ? (partyName(at(parties, 'Dbtr')) ?? partyName(at(parties, 'UltmtDbtr')) ?? (reversal ? partyName(at(parties, 'Cdtr')) : undefined)) : partyName(at(parties, 'Cdtr'));
  const payerIban = useDebtor ? (accountIban(at(parties, 'DbtrAcct')) ?? (reversal ? accountIban(at(parties, 'CdtrAcct')) : undefined)) : accountIban(at(parties, 'CdtrAcct'));
  const strd = list(tx, 'RmtInf/Strd');
  const creditorReference = strd.flatMap((s) => list(s, 'CdtrRefInf').flatMap((c) => text(c, 'Ref') ?? []))[0];
  const remittance = clean(
    [...texts(tx, 'RmtInf/Ustrd'), ...strd.flatMap((s) => [...list(s, 'RfrdDocInf').flatMap((d) => text(d, 'Nb') ?? []), ...texts(s, 'AddtlRmtInf')])].join(' '),
  );
  const endToEndId = text(tx, 'Refs/EndToEndId');
  const returnReason = text(tx, 'RtrInf/Rsn/Cd') ?? text(tx, 'RtrInf/Rsn/Prtry');
  return {
    ...(payerName ? { payerName } : {}),
    ...(payerIban ? { payerIban } : {}),
    ...(creditorReference ? { creditorReference: creditorReference.replace(/\s+/g, '') } : {}),
    ...(remittance ? { remittance } : {}),
    ...(endToEndId && endToEndId !== 'NOTPROVIDED' ? { endToEndId } : {}),
    ...(returnReason ? { returnReason } : {}),
  };
}

function mapEntry(ntry: Node, where: string, account: string, refs: FallbackRefs): BankEntry {
  const currency = attr(ntry, 'Amt', 'Ccy');
  const amount = amountOf(text(ntry, 'Amt'), currency, where);
  const dir = direction(text(ntry, 'CdtDbtInd'), where);
  const reversal = text(ntry, 'RvslInd') === 'true' || text(ntry, 'RvslInd') === '1';
  const bookingDate = dateOf(text(ntry, 'BookgDt/Dt') ?? text(ntry, 'BookgDt/DtTm') ?? text(ntry, 'ValDt/Dt') ?? text(ntry, 'ValDt/DtTm'), `${where}, booking date`);
  const valueText = text(ntry, 'ValDt/Dt') ?? text(ntry, 'ValDt/DtTm');
  const valueDate = valueText ? dateOf(valueText, `${where}, value date`) : undefined;
  const txs = list(ntry, 'NtryDtls').flatMap((d) => list(d, 'TxDtls'));
  const own: ReturnType<typeof details> = txs.length === 1 ? details(txs[0], dir, reversal) : {};
  const fallbackText = clean([...texts(ntry, 'AddtlNtryInf'), ...(txs.length === 1 ? texts(txs[0], 'AddtlTxInf') : [])].join(' '));
  const remittance = own.remittance ?? (txs.length <= 1 ? fallbackText : undefined);
  const entryRef =
    text(ntry, 'AcctSvcrRef') ??
    (txs.length === 1 ? text(txs[0], 'Refs/AcctSvcrRef') : undefined) ??
    refs.next([account, bookingDate, dir, amount, currency, own.endToEndId, own.creditorReference, remittance]);
  const code = transactionCode(ntry);
  const entry: BankEntry = {
    entryRef,
    bookingDate,
    ...(valueDate ? { valueDate } : {}),
    direction: dir,
    amount,
    currency: currency!,
    reversal,
    status: status(ntry, where),
    ...(code ? { transactionCode: code } : {}),
    ...own,
    ...(remittance ? { remittance } : {}),
    ...(txs.length > 1 ? { batch: txs.map((tx, i) => mapBatchItem(tx, `${where}, transaction ${i + 1}`, entryRef, i, dir, reversal)) } : {}),
  };
  checkBatch(entry, where);
  return entry;
}

function mapBatchItem(tx: Node, where: string, entryRef: string, index: number, entryDir: BankDirection, reversal: boolean): BankTransaction {
  const path = at(tx, 'AmtDtls/TxAmt/Amt') !== undefined ? 'AmtDtls/TxAmt/Amt' : 'Amt';
  if (at(tx, path) === undefined) throw new BankFileInvalid(`${where}: the transaction of a batched entry has no amount (Amt or AmtDtls/TxAmt/Amt)`);
  const currency = attr(tx, path, 'Ccy');
  const amount = amountOf(text(tx, path), currency, where);
  const indicator = text(tx, 'CdtDbtInd');
  const dir = indicator ? direction(indicator, where) : entryDir;
  return {
    entryRef: text(tx, 'Refs/AcctSvcrRef') ?? `${entryRef}/${index + 1}`,
    direction: dir,
    amount,
    currency: currency!,
    ...details(tx, dir, reversal),
  };
}
