/** Small camt.053 statements written by the tests (a return of an earlier credit, one debit). */

/** A camt.053.001.02 statement of GB33BUKB20201555555555 with one booked return debit. */
export function camtReturn(options: { statementId: string; entryRef: string; amount: string; endToEndId?: string; iban?: string; remittance?: string; bookedOn?: string }): string {
  const opening = 10000_00;
  const [units, cents = '00'] = options.amount.split('.');
  const closing = opening - (Number(units) * 100 + Number(cents.padEnd(2, '0')));
  const fmt = (minor: number) => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;
  const day = options.bookedOn ?? '2026-12-02';
  return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>${options.statementId}-MSG</MsgId><CreDtTm>${day}T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>${options.statementId}</Id>
      <CreDtTm>${day}T06:00:00</CreDtTm>
      <Acct><Id><IBAN>GB33BUKB20201555555555</IBAN></Id><Ccy>GBP</Ccy></Acct>
      <Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">${fmt(opening)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>
      <Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="GBP">${fmt(closing)}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>${day}</Dt></Dt></Bal>
      <Ntry>
        <Amt Ccy="GBP">${options.amount}</Amt>
        <CdtDbtInd>DBIT</CdtDbtInd>
        <RvslInd>true</RvslInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>${day}</Dt></BookgDt>
        <AcctSvcrRef>${options.entryRef}</AcctSvcrRef>
        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>RRTN</SubFmlyCd></Fmly></Domn></BkTxCd>
        <NtryDtls>
          <TxDtls>
            ${options.endToEndId ? `<Refs><EndToEndId>${options.endToEndId}</EndToEndId></Refs>` : ''}
            <RltdPties>
              <Dbtr><Nm>Northwind Traders Ltd</Nm></Dbtr>
              ${options.iban ? `<DbtrAcct><Id><IBAN>${options.iban}</IBAN></Id></DbtrAcct>` : ''}
            </RltdPties>
            ${options.remittance ? `<RmtInf><Ustrd>${options.remittance}</Ustrd></RmtInf>` : ''}
            <RtrInf><Rsn><Cd>AC04</Cd></Rsn></RtrInf>
          </TxDtls>
        </NtryDtls>
      </Ntry>
    </Stmt>
  </BkToCstmrStmt>
</Document>
`;
}
