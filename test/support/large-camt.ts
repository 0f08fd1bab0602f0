/**
 * A large camt.053.001.08 statement built on the fly, never held whole: one
 * GBP account, `entries` booked entries of some 1.9 KB each (a credit transfer
 * with its debtor's name, address, IBAN and BIC, an RF reference and a line of
 * remittance; every 50th entry a bank fee), streamed as chunks of about
 * `chunkChars` characters. The closing balance is the opening plus the
 * entries (or `tamper` minor units off, to be refused). Used by the streaming
 * test (test/unit/use-cases/bank-import-stream.test.ts) and `npm run bench:stream`.
 */
import { paymentReferenceFor } from '../../functions/domain/references.ts';

export const LARGE_CAMT_ACCOUNT = 'GB33BUKB20201555555555';

export interface LargeCamtOptions {
  readonly entries: number;
  readonly chunkChars?: number;
  /** Minor units added to the closing balance: the file no longer adds up. */
  readonly tamper?: number;
  /** Statement id (another id is another file). */
  readonly statementId?: string;
}

const amount = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

/** Entry e: a fee (debit) every 50th, else a credit paying `INV-2026-<e>`. */
export const isFee = (e: number) => e % 50 === 49;
export const minorOf = (e: number) => (isFee(e) ? 250 : 10_000 + ((e * 7919) % 90_000));

export function largeCamtEntry(e: number): string {
  const n = String(e).padStart(8, '0');
  if (isFee(e)) {
    return `      <Ntry>
        <NtryRef>${e + 1}</NtryRef>
        <Amt Ccy="GBP">${amount(minorOf(e))}</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-11-30</Dt></BookgDt>
        <ValDt><Dt>2026-11-30</Dt></ValDt>
        <AcctSvcrRef>LRG-${n}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>ACMT</Cd><Fmly><Cd>MDOP</Cd><SubFmlyCd>CHRG</SubFmlyCd></Fmly></Domn></BkTxCd>
        <AddtlNtryInf>Account maintenance charge, November 2026</AddtlNtryInf>
      </Ntry>
`;
  }
  const invoice = `INV-2026-${String(e + 1).padStart(6, '0')}`;
  return `      <Ntry>
        <NtryRef>${e + 1}</NtryRef>
        <Amt Ccy="GBP">${amount(minorOf(e))}</Amt>
        <CdtDbtInd>CRDT</CdtDbtInd>
        <RvslInd>false</RvslInd>
        <Sts><Cd>BOOK</Cd></Sts>
        <BookgDt><Dt>2026-11-30</Dt></BookgDt>
        <ValDt><Dt>2026-11-30</Dt></ValDt>
        <AcctSvcrRef>LRG-${n}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            <Refs>
              <MsgId>MSG-${n}</MsgId>
              <EndToEndId>E2E-${n}</EndToEndId>
              <TxId>TX-${n}</TxId>
            </Refs>
            <Amt Ccy="GBP">${amount(minorOf(e))}</Amt>
            <CdtDbtInd>CRDT</CdtDbtInd>
            <RltdPties>
              <Dbtr>
                <Pty>
                  <Nm>Large Statement Customer ${e % 997} Limited</Nm>
                  <PstlAdr><StrtNm>Industrial Estate Road</StrtNm><BldgNb>${(e % 300) + 1}</BldgNb><PstCd>LS1 ${e % 9}AB</PstCd><TwnNm>Leeds</TwnNm><Ctry>GB</Ctry></PstlAdr>
                </Pty>
              </Dbtr>
              <DbtrAcct><Id><IBAN>GB82WEST123456${String(e % 99_999_999).padStart(8, '0')}</IBAN></Id></DbtrAcct>
              <Cdtr><Pty><Nm>Example Trading Ltd</Nm></Pty></Cdtr>
              <CdtrAcct><Id><IBAN>${LARGE_CAMT_ACCOUNT}</IBAN></Id></CdtrAcct>
            </RltdPties>
            <RltdAgts><DbtrAgt><FinInstnId><BICFI>WESTGB2LXXX</BICFI></FinInstnId></DbtrAgt></RltdAgts>
            <RmtInf>
              <Ustrd>Payment of ${invoice} for goods delivered, thank you for your business</Ustrd>
              <Strd>
                <CdtrRefInf>
                  <Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry><Issr>ISO</Issr></Tp>
                  <Ref>${paymentReferenceFor('rf', invoice)}</Ref>
                </CdtrRefInf>
              </Strd>
            </RmtInf>
            <AddtlTxInf>SEPA credit transfer received via Faster Payments gateway</AddtlTxInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
`;
}

/** Credits and their sum (what the import must queue). */
export function largeCamtCredits(entries: number): { count: number; minor: number; moved: number } {
  let count = 0;
  let minor = 0;
  let moved = 0;
  for (let e = 0; e < entries; e++) {
    if (isFee(e)) moved -= minorOf(e);
    else {
      count += 1;
      minor += minorOf(e);
      moved += minorOf(e);
    }
  }
  return { count, minor, moved };
}

/** The file as a stream: `open()` may be called again (a second pass reads it anew); `chunks` counts what was produced. */
export function largeCamt(options: LargeCamtOptions) {
  const chunkChars = options.chunkChars ?? 64 * 1024;
  const opening = 5_000_000;
  const closing = opening + largeCamtCredits(options.entries).moved + (options.tamper ?? 0);
  const stats = { opened: 0, chunks: 0, chars: 0 };
  const head = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>LRG-${options.statementId ?? 'STMT-1'}</MsgId><CreDtTm>2026-12-01T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>${options.statementId ?? 'STMT-1'}</Id>
      <ElctrncSeqNb>1</ElctrncSeqNb>
      <CreDtTm>2026-12-01T06:00:00</CreDtTm>
      <Acct><Id><IBAN>${LARGE_CAMT_ACCOUNT}</IBAN></Id><Ccy>GBP</Ccy><Ownr><Nm>Example Trading Ltd</Nm></Ownr></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">${amount(opening)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-30</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">${amount(closing)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-11-30</Dt></Dt></Bal>
      <TxsSummry><TtlNtries><NbOfNtries>${options.entries}</NbOfNtries></TtlNtries></TxsSummry>
`;
  const tail = `      <AddtlStmtInf>Generated statement for o2c's streaming tests</AddtlStmtInf>
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
  async function* open(): AsyncGenerator<string> {
    stats.opened += 1;
    let piece = head;
    const out = (text: string) => {
      stats.chunks += 1;
      stats.chars += text.length;
      return text;
    };
    for (let e = 0; e < options.entries; e++) {
      piece += largeCamtEntry(e);
      // Cut at a fixed size wherever it falls (inside a tag or a character's text): the parser must cope.
      while (piece.length >= chunkChars) {
        yield out(piece.slice(0, chunkChars));
        piece = piece.slice(chunkChars);
      }
    }
    piece += tail;
    while (piece.length > 0) {
      yield out(piece.slice(0, chunkChars));
      piece = piece.slice(chunkChars);
    }
  }
  return { open, stats };
}
