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
import { amountOf, checkBatch, clean, dateOf, FallbackRefs, RunningBalance, signedMoney } from './common.ts';
import { collectBankFile, type BankDirection, type BankEntry, type BankFile, type BankFileEvent, type BankFileParser, type BankStatementHead, type BankTransaction } from './types.ts';

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
  const p = camtParser(body);
  return collectBankFile([...p.feed(body), ...p.end()]);
}

/** Largest entry (`<Ntry>…</Ntry>`) or statement header read; beyond it the file is refused (it is not a bank's). */
export const CAMT_PIECE_MAX = 2 * 1024 * 1024;
/** Most text outside the entries (group header, statement headers and balances) a file may hold. */
export const CAMT_SKELETON_MAX = 8 * 1024 * 1024;

/**
 * A camt file read as a stream: its statements (`Stmt`, `Rpt`, `Ntfctn`) split
 * into the header (everything before the first `Ntry`: ids, account, balances),
 * parsed on its own, and each `<Ntry>…</Ntry>` parsed on its own — with the
 * same fast-xml-parser and mapper as a whole file — so memory is bounded by the
 * largest entry, not the file. What lies outside the entries (the skeleton: the
 * XML declaration, `Document`, the group header, the statement headers and
 * tails, each entry replaced by its line breaks so line numbers stay the file's)
 * is kept and checked well-formed at the end, with the message's structure.
 * The balance check runs as the entries pass. Tags are found by their local
 * name (any namespace prefix), comments, CDATA and processing instructions
 * skipped.
 *
 * `start`: the file's first characters (8 KB or all of it), for the namespace.
 */
export function camtParser(start: string): BankFileParser {
  const found = camtMessageOf(start);
  if (!found) throw new BankFileInvalid('the XML file has no ISO 20022 camt namespace (urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN)');
  const { message, version } = found;
  if (!isCamtMessage(message)) {
    throw new BankFileUnsupported(`${NAMES_OF_OTHER_MESSAGES[message] ?? message} is not read: send a camt.053 statement, a camt.052 intraday report or a camt.054 notification`);
  }
  if (!SUPPORTED_CAMT_VERSIONS.includes(version)) {
    throw new BankFileUnsupported(`${message}.${version} is not a supported version (supported: ${message}.001.02 to ${message}.001.08)`);
  }
  return new CamtSplitter(message, version);
}

const notWellFormed = (msg: string, line: number) => new BankFileInvalid(`the file is not well-formed XML: ${msg} (line ${line})`);
const newlines = (t: string) => {
  let n = 0;
  for (let i = t.indexOf('\n'); i !== -1; i = t.indexOf('\n', i + 1)) n++;
  return n;
};

function parseFragment(xml: string, firstLine: number): Node {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw notWellFormed(valid.err.msg, firstLine + valid.err.line - 1);
  try {
    return parser.parse(xml);
  } catch (e) {
    throw new BankFileInvalid(`the file is not well-formed XML: ${e instanceof Error ? e.message : String(e)}`);
  }
}

class CamtSplitter implements BankFileParser {
  private readonly spec: (typeof MESSAGES)[CamtMessage];
  /** Markup of interest: comments, CDATA, PIs (skipped whole), and the report and entry tags. */
  private readonly marks: RegExp;
  private buf = '';
  /** The line `buf` starts on. */
  private line = 1;
  private mode: 'outside' | 'head' | 'entry' | 'body' = 'outside';
  private skeleton: string[] = [];
  private skeletonSize = 0;
  private piece: string[] = [];
  private pieceSize = 0;
  private pieceLine = 1;
  private reportName = '';
  private reports = 0;
  private statement?: { readonly where: string; readonly account: string; readonly refs: FallbackRefs; readonly balance: RunningBalance; entries: number };
  private started = false;

  constructor(
    private readonly message: CamtMessage,
    private readonly version: string,
  ) {
    this.spec = MESSAGES[message];
    this.marks = new RegExp(`<(?:!--|!\\[CDATA\\[|\\?|(/?)((?:[A-Za-z_][\\w.-]*:)?(?:Ntry|${this.spec.report}))(?=[\\s/>]))`, 'g');
  }

  feed(chunk: string): BankFileEvent[] {
    const out: BankFileEvent[] = [];
    if (!this.started) {
      this.started = true;
      out.push({ kind: 'file', format: this.message, version: this.version });
    }
    this.buf += chunk;
    this.scan(out, false);
    return out;
  }

  end(): BankFileEvent[] {
    const out: BankFileEvent[] = this.started ? [] : [{ kind: 'file', format: this.message, version: this.version }];
    this.started = true;
    this.scan(out, true);
    const skeleton = this.skeleton.join('');
    const valid = XMLValidator.validate(skeleton);
    if (valid !== true) throw notWellFormed(valid.err.msg, valid.err.line);
    if (this.mode !== 'outside') throw new BankFileInvalid(`the file ends inside a ${this.spec.what}`);
    const doc = parseFragment(skeleton, 1);
    const root = at(doc, `Document/${this.spec.root}`);
    if (!isObj(root)) throw new BankFileInvalid(`a ${this.message} file must hold Document/${this.spec.root}`);
    const reports = list(root, this.spec.report).length;
    if (reports === 0 || this.reports === 0) throw new BankFileInvalid(`the ${this.message} file holds no ${this.spec.what} (${this.spec.report})`);
    if (reports !== this.reports) throw new BankFileInvalid(`the ${this.message} file holds a ${this.spec.what} (${this.spec.report}) outside Document/${this.spec.root}`);
    const messageId = text(root, 'GrpHdr/MsgId');
    out.push({ kind: 'end', ...(messageId ? { messageId } : {}) });
    return out;
  }

  /** Consumes `buf` up to the last markup it cannot finish yet (all of it at the end). */
  private scan(out: BankFileEvent[], atEnd: boolean): void {
    const buf = this.buf;
    let pos = 0;
    /** The end of the last complete markup seen (a `<` before it may be inside a comment, CDATA or PI). */
    let seen = 0;
    this.marks.lastIndex = 0;
    for (let m = this.marks.exec(buf); m; m = this.marks.exec(buf)) {
      const i = m.index;
      const opener = m[0];
      let close: number;
      if (opener === '<!--') close = buf.indexOf('-->', i + 4) + 3;
      else if (opener === '<![CDATA[') close = buf.indexOf(']]>', i + 9) + 3;
      else if (opener === '<?') close = buf.indexOf('?>', i + 2) + 2;
      else close = tagEnd(buf, i + opener.length) + 1;
      if (close <= 2 || close === 0) {
        if (atEnd) break;
        this.keep(pos, i);
        return;
      }
      seen = close;
      this.marks.lastIndex = close;
      if (m[2] === undefined) continue; // a comment, CDATA or PI: content of whatever region it is in
      this.take(buf.slice(pos, i));
      this.tag(buf.slice(i, close), m[1] === '/', localName(m[2]), out);
      pos = close;
    }
    if (atEnd) {
      this.take(buf.slice(pos));
      this.buf = '';
      return;
    }
    // Keep a possible markup start cut by the chunk's end (not a `<` inside a comment or CDATA already complete).
    const lt = buf.lastIndexOf('<');
    this.keep(pos, lt >= Math.max(pos, seen) ? lt : buf.length);
  }

  /** Takes buf[pos, upTo) as content, keeps the rest for the next chunk. */
  private keep(pos: number, upTo: number): void {
    this.take(this.buf.slice(pos, upTo));
    this.buf = this.buf.slice(upTo);
    if (this.buf.length > CAMT_PIECE_MAX) throw new BankFileInvalid(`the file has a comment or tag of more than ${CAMT_PIECE_MAX / 1024 / 1024} MB (line ${this.line})`);
  }

  /** Text (content or markup) of the current region. */
  private take(t: string): void {
    if (t === '') return;
    const lines = newlines(t);
    if (this.mode === 'entry' || this.mode === 'head') {
      this.piece.push(t);
      this.pieceSize += t.length;
      if (this.pieceSize > CAMT_PIECE_MAX) {
        const what = this.mode === 'entry' ? `entry ${(this.statement?.entries ?? 0) + 1}` : `a ${this.spec.what} header`;
        throw new BankFileInvalid(`${this.statement?.where ?? `the ${this.spec.what}`}: ${what} is larger than ${CAMT_PIECE_MAX / 1024 / 1024} MB`);
      }
    }
    if (this.mode === 'entry') this.toSkeleton('\n'.repeat(lines));
    else this.toSkeleton(t);
    this.line += lines;
  }

  private toSkeleton(text: string): void {
    if (text === '') return;
    // A copy, never a slice of the chunk it came from (V8 keeps a sliced string's whole parent alive): white space
    // between entries as its line breaks only, other text copied.
    const t = /^\s*$/.test(text) ? '\n'.repeat(newlines(text)) : Buffer.from(text, 'utf8').toString('utf8');
    if (t === '') return;
    this.skeleton.push(t);
    this.skeletonSize += t.length;
    if (this.skeletonSize > CAMT_SKELETON_MAX) throw new BankFileInvalid(`the file holds more than ${CAMT_SKELETON_MAX / 1024 / 1024} MB outside its entries`);
  }

  private tag(markup: string, closing: boolean, local: string, out: BankFileEvent[]): void {
    const selfClosing = markup.endsWith('/>');
    const isReport = local === this.spec.report;
    if (this.mode === 'outside') {
      if (isReport && !closing) {
        this.reportName = markup.slice(1).split(/[\s/>]/)[0]!;
        this.mode = 'head';
        this.startPiece();
        this.take(markup);
        if (selfClosing) this.finishHead(out, '', true);
      } else this.take(markup);
      return;
    }
    if (this.mode === 'head') {
      if (local === 'Ntry' && !closing) {
        this.finishHead(out, `</${this.reportName}>`, false);
        this.startEntry(markup, selfClosing, out);
      } else if (isReport && closing) {
        this.take(markup);
        this.finishHead(out, '', true);
      } else this.take(markup);
      return;
    }
    if (this.mode === 'entry') {
      this.take(markup);
      if (local === 'Ntry' && closing) this.finishEntry(out);
      return;
    }
    // body: between and after the entries of a statement
    if (local === 'Ntry' && !closing) this.startEntry(markup, selfClosing, out);
    else if (isReport && closing) {
      this.take(markup);
      this.endStatement(out);
    } else this.take(markup);
  }

  private startPiece(): void {
    this.piece = [];
    this.pieceSize = 0;
    this.pieceLine = this.line;
  }

  private finishHead(out: BankFileEvent[], closer: string, whole: boolean): void {
    const xml = this.piece.join('') + closer;
    this.piece = [];
    this.reports += 1;
    const doc = parseFragment(xml, this.pieceLine);
    const report = list(doc, this.spec.report)[0] ?? {};
    const label = this.reports === 1 ? this.spec.what : `${this.spec.what} ${this.reports}`;
    const head = mapReportHead(report, { format: this.message, version: this.version, where: label });
    this.statement = { where: head.where, account: head.account, refs: new FallbackRefs(), balance: new RunningBalance(head.statement, head.where), entries: 0 };
    out.push({ kind: 'statement', statement: head.statement });
    if (whole) this.endStatement(out);
    else this.mode = 'body';
  }

  private startEntry(markup: string, selfClosing: boolean, out: BankFileEvent[]): void {
    this.mode = 'entry';
    this.startPiece();
    this.take(markup);
    if (selfClosing) this.finishEntry(out);
  }

  private finishEntry(out: BankFileEvent[]): void {
    const s = this.statement!;
    const doc = parseFragment(this.piece.join(''), this.pieceLine);
    this.piece = [];
    this.mode = 'body';
    const entry = mapEntry(list(doc, 'Ntry')[0] ?? {}, `${s.where}, entry ${s.entries + 1}`, s.account, s.refs);
    s.balance.add(entry, s.entries);
    s.entries += 1;
    out.push({ kind: 'entry', entry });
  }

  private endStatement(out: BankFileEvent[]): void {
    const s = this.statement!;
    s.balance.close();
    out.push({ kind: 'statement-end', entries: s.entries });
    this.statement = undefined;
    this.mode = 'outside';
  }
}

const localName = (qname: string) => qname.slice(qname.indexOf(':') + 1);

/** The index of the `>` ending the tag whose name ends before `from` (quotes respected); -1 when not in `buf` yet. */
function tagEnd(buf: string, from: number): number {
  let quote = '';
  for (let i = from; i < buf.length; i++) {
    const c = buf[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
  }
  return -1;
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

function mapReportHead(report: Node, ctx: Ctx): { statement: BankStatementHead; where: string; account: string } {
  const statementId = text(report, 'Id');
  if (!statementId) throw new BankFileInvalid(`${ctx.where}: it has no Id`);
  const where = `${ctx.where} ${statementId}`;
  const iban = normaliseIban(text(report, 'Acct/Id/IBAN'));
  const otherId = text(report, 'Acct/Id/Othr/Id');
  const openingBalance = balance(report, ['OPBD', 'PRCD'], where);
  const closingBalance = balance(report, ['CLBD'], where);
  const currency = text(report, 'Acct/Ccy') ?? openingBalance?.currency ?? closingBalance?.currency;
  const sequence = text(report, 'ElctrncSeqNb') ?? text(report, 'LglSeqNb');
  const statement: BankStatementHead = {
    format: ctx.format,
    version: ctx.version,
    statementId,
    ...(sequence ? { sequence } : {}),
    account: { ...(iban ? { iban } : {}), ...(otherId ? { id: otherId } : {}), ...(currency ? { currency } : {}) },
    ...(openingBalance ? { openingBalance } : {}),
    ...(closingBalance ? { closingBalance } : {}),
  };
  return { statement, where, account: iban ?? otherId ?? '' };
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
