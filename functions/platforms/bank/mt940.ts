/**
 * SWIFT MT940 customer statements into the canonical `BankFile`, with
 * mt940js splitting the file into statements and tags (`:20:` … `:62:`,
 * blocks `{1:…}{4:` too) and checking the mandatory tags.
 *
 * Amounts: mt940js turns `1234,56` into a float rounded to two decimals
 * (`Math.round(x * 100) / 100`), which is inexact in general and wrong for
 * three-decimal currencies, so every amount is re-read here from the tag's
 * own text (`:61:` and `:60:`/`:62:`, kept by `parse(data, true)`) into
 * minor units with the domain's exact decimal parser.
 *
 * `:86:` details, in the structures banks use:
 * - German (DFÜ/DATEV) `?NN` subfields: `?20`–`?29` and `?60`–`?63` the
 *   purpose (SEPA keywords `EREF+`, `SVWZ+` … read out of it), `?30` BIC,
 *   `?31` IBAN, `?32`/`?33` the payer's name;
 * - Dutch / SWIFT structured `/TAG/value` (`/NAME/`, `/IBAN/`, `/REMI/`,
 *   `/EREF/`, ING's `/CNTP/iban/bic/name/city/`, `/RTRN/` reason);
 * - otherwise the whole text is the remittance.
 * Subfields and lines that are cut at their full width (27 characters for
 * `?NN`, 65 for a line) are joined without a space, others with one.
 */
import mt940js, { type Mt940Statement, type Mt940Tag } from 'mt940js';
import { isIsoDate } from '#domain/dates';
import { isValidCreditorReference, normaliseIban } from '#domain/references';
import type { IsoDate } from '#domain/model';
import { BankFileInvalid } from '#errors';
import { amountOf, checkBalances, clean, FallbackRefs, signedMoney } from './common.ts';
import { collectBankFile, type BankDirection, type BankEntry, type BankFile, type BankFileEvent, type BankFileParser, type BankStatement } from './types.ts';

const LINE = /^(\d{2})(\d{2})(\d{2})(?:(\d{2})(\d{2}))?(R?[DC])([A-Z])?(\d[\d,]{0,14})([A-Z][A-Z0-9]{3})([^/\n]{0,16})(?:\/\/([^\n]{0,16}))?(?:\n([\s\S]*))?$/;
const BALANCE = /^([DC])(\d{2})(\d{2})(\d{2})([A-Z]{3})(\d[\d,]{0,14})\s*$/;

/** `1234,56` (SWIFT decimal comma, maybe no decimals: `1234,`) as a decimal string. */
function swiftDecimal(text: string, currency: string, where: string): number {
  if (!/^\d+,\d*$/.test(text)) throw new BankFileInvalid(`${where}: amount ${JSON.stringify(text)} is not a SWIFT amount (digits with a decimal comma)`);
  const [whole, frac = ''] = text.split(',');
  return amountOf(frac ? `${whole}.${frac}` : whole, currency, where);
}

function yymmdd(yy: string, mm: string, dd: string, where: string): IsoDate {
  const date = `20${yy}-${mm}-${dd}`;
  if (!isIsoDate(date)) throw new BankFileInvalid(`${where}: ${yy}${mm}${dd} is not a date (YYMMDD)`);
  return date;
}

/** The booking date's year is the value date's, or the next or last one across New Year. */
function bookingDate(value: IsoDate, mm: string, dd: string, where: string): IsoDate {
  const year = Number(value.slice(0, 4));
  const valueMonth = Number(value.slice(5, 7));
  const month = Number(mm);
  const y = valueMonth === 12 && month === 1 ? year + 1 : valueMonth === 1 && month === 12 ? year - 1 : year;
  return yymmdd(String(y).slice(2), mm, dd, `${where}, booking date`);
}

/** Joins pieces that were cut at `width` without a space, other pieces with one. */
function joinCut(pieces: readonly string[], width: number): string {
  let out = '';
  pieces.forEach((p, i) => {
    if (i > 0 && (pieces[i - 1] ?? '').length < width) out += ' ';
    out += p;
  });
  return out.replace(/\s+/g, ' ').trim();
}

interface Details {
  payerName?: string;
  payerIban?: string;
  creditorReference?: string;
  remittance?: string;
  endToEndId?: string;
  returnReason?: string;
}

const SEPA_KEYWORDS = /(EREF|KREF|MREF|CRED|DEBT|SVWZ|ABWA|ABWE|IBAN|BIC)\+/g;

function germanDetails(fields: Readonly<Record<string, string>>): Details {
  const keys = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => String(from + i)).flatMap((k) => (fields[k] !== undefined ? [fields[k]] : []));
  const purpose = joinCut([...keys(20, 29), ...keys(60, 63)], 27);
  const parts = new Map<string, string>();
  const marks = [...purpose.matchAll(SEPA_KEYWORDS)];
  marks.forEach((m, i) => {
    const end = marks[i + 1]?.index ?? purpose.length;
    if (!parts.has(m[1]!)) parts.set(m[1]!, purpose.slice(m.index + m[0].length, end).trim());
  });
  const eref = parts.get('EREF');
  const remittance = clean(parts.get('SVWZ') ?? (marks.length > 0 ? undefined : purpose)) ?? clean(purpose);
  const payerName = clean(joinCut(keys(32, 33), 27));
  const payerIban = normaliseIban(fields['31']) ?? normaliseIban(parts.get('IBAN'));
  return {
    ...(payerName ? { payerName } : {}),
    ...(payerIban ? { payerIban } : {}),
    ...(remittance ? { remittance } : {}),
    ...(eref && eref !== 'NOTPROVIDED' ? { endToEndId: eref } : {}),
  };
}

const SLASH_KEYS = new Set(['TRTP', 'CNTP', 'IBAN', 'BIC', 'NAME', 'ADDR', 'REMI', 'EREF', 'MARF', 'CSID', 'ORDP', 'BENM', 'ULTC', 'ULTD', 'ULTB', 'PURP', 'ISDT', 'RTRN', 'CDTRREF', 'CDTRREFTP', 'SVCL', 'BUSP', 'PREF', 'FX', 'COAM', 'OAMT', 'ORIG', 'CHGS', 'EXCH', 'RTYP']);

function slashDetails(text: string): Details | null {
  const segments = text.split('/');
  if (segments[0] !== '' || !SLASH_KEYS.has(segments[1] ?? '')) return null;
  const fields = new Map<string, string>();
  let key: string | undefined;
  let value: string[] = [];
  const flush = () => {
    if (key && !fields.has(key)) fields.set(key, value.join('/').replace(/\/+$/, ''));
  };
  for (const seg of segments.slice(1)) {
    if (SLASH_KEYS.has(seg)) {
      flush();
      key = seg;
      value = [];
    } else value.push(seg);
  }
  flush();
  const cntp = (fields.get('CNTP') ?? '').split('/');
  const remi = (fields.get('REMI') ?? '').replace(/\/+$/, '');
  const structured = /^STRD\/(?:CUR|ISO|SCOR)\/(.+)$/.exec(remi);
  const creditorReference = structured ? structured[1]!.trim() : undefined;
  const remittance = clean(structured ? undefined : remi.replace(/^USTD\/\//, ''));
  const payerName = clean(fields.get('NAME')) ?? clean(cntp[2]);
  const payerIban = normaliseIban(fields.get('IBAN')) ?? normaliseIban(cntp[0]);
  const eref = clean(fields.get('EREF'));
  const returnReason = clean((fields.get('RTRN') ?? '').split('/')[0]);
  return {
    ...(payerName ? { payerName } : {}),
    ...(payerIban ? { payerIban } : {}),
    ...(creditorReference ? { creditorReference } : {}),
    ...(remittance ? { remittance } : {}),
    ...(eref && eref !== 'NOTPROVIDED' ? { endToEndId: eref } : {}),
    ...(returnReason ? { returnReason } : {}),
  };
}

function details86(raw: string, structured: Readonly<Record<string, string>> | undefined): Details {
  const text = joinCut(raw.split('\n'), 65);
  if (structured && /^\d{3}[?>]|^[?>]\d{2}/.test(raw.trim())) return germanDetails(structured);
  const slash = slashDetails(raw.split('\n').join(''));
  if (slash) return slash;
  const remittance = clean(text);
  return remittance ? { remittance } : {};
}

/** mt940js's own errors ("Mandatory tag 25 is missing in group 1") in o2c's words. */
function explain(e: unknown, before = 0): BankFileInvalid {
  const msg = (e instanceof Error ? e.message : String(e)).replace(/in group (\d+)/, (_, n: string) => `in group ${Number(n) + before}`);
  let m: RegExpExecArray | null;
  if ((m = /^Mandatory tag (\w+) is missing in group (\d+)/.exec(msg))) return new BankFileInvalid(`statement ${m[2]}: the mandatory :${m[1]}: tag is missing`);
  if ((m = /^Sum of lines \((.*)\) != turnover \((.*)\) in group (\d+)/.exec(msg))) {
    return new BankFileInvalid(`statement ${m[3]}: the entries do not add up to the balances (the entries come to ${m[1]}, the balances move by ${m[2]})`);
  }
  if ((m = /^Currency markers are differ \[(.*)\] in group (\d+)/.exec(msg))) return new BankFileInvalid(`statement ${m[2]}: the balances are in different currencies (${m[1]})`);
  if ((m = /^Cannot parse tag (\w+): ([\s\S]*)/.exec(msg))) return new BankFileInvalid(`the :${m[1]}: tag ${JSON.stringify(m[2]!.split('\n')[0])} cannot be read`);
  if ((m = /^Unknown tag (\w+)/.exec(msg))) return new BankFileInvalid(`the MT940 file has an unknown tag :${m[1]}:`);
  if (e instanceof TypeError) return new BankFileInvalid('the MT940 file does not start with a tag (:20:)');
  return new BankFileInvalid(`the MT940 file cannot be read: ${msg.split('\n')[0]}`);
}

export function parseMt940(body: string): BankFile {
  const p = mt940Parser();
  return collectBankFile([...p.feed(body), ...p.end()]);
}

/** The largest MT940 statement read (one statement is parsed whole by mt940js; the file may hold any number). */
export const MT940_STATEMENT_MAX = 16 * 2 ** 20;

/**
 * An MT940 file read as a stream, one statement at a time: the file is split
 * into statements where one starts (a `:20:` line, or `{1:` when the file is in
 * SWIFT blocks), and each statement is parsed by mt940js and mapped as it is
 * complete. Memory is bounded by the largest statement, not the file.
 */
export function mt940Parser(maxStatement = MT940_STATEMENT_MAX): BankFileParser {
  let rest = '';
  let group: string[] = [];
  let groupSize = 0;
  let tagged = false;
  let blocks: boolean | undefined;
  let statements = 0;
  let started = false;
  const flush = (out: BankFileEvent[]) => {
    if (group.length === 0) return;
    const text = group.join('\n');
    group = [];
    groupSize = 0;
    tagged = false;
    let parsed: Mt940Statement[];
    try {
      parsed = new mt940js.Parser().parse(text, true);
    } catch (e) {
      throw explain(e, statements);
    }
    for (const s of parsed) {
      statements += 1;
      const { entries, ...head } = mapStatement(s, statements === 1 ? 'statement' : `statement ${statements}`);
      out.push({ kind: 'statement', statement: head });
      for (const entry of entries) out.push({ kind: 'entry', entry });
      out.push({ kind: 'statement-end', entries: entries.length });
    }
  };
  const line = (l: string, out: BankFileEvent[]) => {
    const t = l.trimStart();
    if (blocks === undefined && t !== '') blocks = t.startsWith('{');
    const starts = blocks ? t.startsWith('{1:') : l.startsWith(':20:');
    if (starts && tagged) flush(out);
    if (/^:\w+:/.test(l) || starts) tagged = true;
    group.push(l);
    groupSize += l.length + 1;
    if (groupSize > maxStatement) {
      throw new BankFileInvalid(`statement ${statements + 1} is larger than ${maxStatement / 2 ** 20} MB: an MT940 statement is read whole (a file of many statements streams); ask the bank for daily statements or camt.053`);
    }
  };
  return {
    feed(chunk) {
      const out: BankFileEvent[] = started ? [] : [{ kind: 'file', format: 'mt940' }];
      started = true;
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const l of lines) line(l, out);
      return out;
    },
    end() {
      const out: BankFileEvent[] = started ? [] : [{ kind: 'file', format: 'mt940' }];
      started = true;
      if (rest !== '') line(rest, out);
      rest = '';
      flush(out);
      if (statements === 0) throw new BankFileInvalid('the MT940 file holds no statement');
      out.push({ kind: 'end' });
      return out;
    },
  };
}

function balanceOf(tag: Mt940Tag | undefined, where: string) {
  if (!tag) return undefined;
  const m = BALANCE.exec(tag.data.trim());
  if (!m) throw new BankFileInvalid(`${where}: balance ${JSON.stringify(tag.data)} cannot be read`);
  return signedMoney(swiftDecimal(m[6]!, m[5]!, where), m[5]!, m[1] === 'D');
}

function mapStatement(s: Mt940Statement, label: string): BankStatement {
  const where = `${label} ${s.transactionReference}`.trim();
  const tags = s.tags ?? [];
  const lines = tags.filter((t) => t.id === 61);
  if (lines.length !== s.transactions.length) throw new BankFileInvalid(`${where}: its :61: lines cannot be read`);
  const openingBalance = balanceOf(tags.find((t) => t.id === 60), `${where}, opening balance`);
  const closingBalance = balanceOf(tags.find((t) => t.id === 62), `${where}, closing balance`);
  const currency = s.currency || openingBalance?.currency;
  const accountText = s.accountIdentification.trim();
  const iban = normaliseIban(accountText) ?? normaliseIban(accountText.replace(/[A-Z]{3}$/, ''));
  const refs = new FallbackRefs();
  const entries = s.transactions.map((t, i): BankEntry => {
    const w = `${where}, entry ${i + 1}`;
    const m = LINE.exec(lines[i]!.data);
    if (!m || !currency) throw new BankFileInvalid(`${w}: the :61: line ${JSON.stringify(lines[i]!.data.split('\n')[0])} cannot be read`);
    const [, yy, mm, dd, bm, bd, mark, , amountText, type, customerRef] = m;
    const valueDate = yymmdd(yy!, mm!, dd!, `${w}, value date`);
    const booked = bm && bd ? bookingDate(valueDate, bm, bd, w) : valueDate;
    // C credit, D debit; RC reverses a credit (money goes out), RD reverses a debit (money comes back).
    const direction: BankDirection = mark === 'C' || mark === 'RD' ? 'credit' : 'debit';
    const amount = swiftDecimal(amountText!, currency, w);
    const d = details86(t.details, t.structuredDetails);
    const reference = customerRef?.trim();
    const quoted = reference && reference !== 'NONREF' ? reference : undefined;
    const creditorReference = d.creditorReference ?? (quoted && isValidCreditorReference(quoted) ? quoted.toUpperCase() : undefined);
    // The :61: customer reference ("reference for the account owner") is what the payer quoted, when it is not NONREF.
    const remittance = quoted && !creditorReference && !(d.remittance ?? '').includes(quoted) ? clean(`${d.remittance ?? ''} ${quoted}`) : d.remittance;
    const bankRef = t.bankReference.trim();
    const entryRef = bankRef && bankRef !== 'NONREF' ? bankRef : refs.next([iban ?? accountText, booked, direction, amount, currency, quoted, d.remittance]);
    return {
      entryRef,
      bookingDate: booked,
      valueDate,
      direction,
      amount,
      currency,
      reversal: mark!.startsWith('R'),
      status: 'booked',
      transactionCode: type!,
      ...d,
      ...(creditorReference ? { creditorReference } : {}),
      ...(remittance ? { remittance } : {}),
    };
  });
  const statement: BankStatement = {
    format: 'mt940',
    statementId: s.transactionReference,
    sequence: [s.number.statement, s.number.sequence].filter(Boolean).join('/'),
    account: { ...(iban ? { iban } : {}), id: accountText, ...(currency ? { currency } : {}) },
    ...(openingBalance ? { openingBalance } : {}),
    ...(closingBalance ? { closingBalance } : {}),
    entries,
  };
  checkBalances(statement, where);
  return statement;
}
