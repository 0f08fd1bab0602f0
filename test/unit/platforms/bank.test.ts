import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { O2cError } from '../../../functions/errors.ts';
import { invoiceNumberFromReference } from '../../../functions/domain/references.ts';
import { readCsv } from '../../../functions/platforms/bank/csv.ts';
import { type BankStatement, type CsvMapping, detectFormat, entryItems, parseBankFile } from '../../../functions/platforms/bank/index.ts';
import { statusOf } from '../../../functions/runtime/errors.ts';
import { fixture } from './support.ts';

const UK: CsvMapping = {
  decimal: '.',
  dateFormat: 'DD/MM/YYYY',
  columns: { date: 'Date', amount: 'Amount', payerName: 'Payer', reference: 'Reference', remittance: 'Description', entryRef: 'Transaction ID' },
  currency: 'GBP',
};
const SE: CsvMapping = {
  delimiter: ';',
  decimal: ',',
  dateFormat: 'YYYY-MM-DD',
  columns: { date: 'Bokföringsdag', valueDate: 'Valutadag', amount: 'Belopp', currency: 'Valuta', payerName: 'Avsändare', payerIban: 'Avsändarens konto', reference: 'OCR', remittance: 'Meddelande' },
};

/** opening + booked credits − booked debits, which must be the closing balance. */
function movedTo(s: BankStatement): number {
  return s.entries.filter((e) => e.status === 'booked').reduce((sum, e) => sum + (e.direction === 'credit' ? e.amount : -e.amount), s.openingBalance!.amount);
}
const short = (s: BankStatement) => s.entries.map((e) => [e.direction, e.amount, e.reversal, e.entryRef]);
const refused = (body: string, options = {}) => {
  try {
    parseBankFile(body, options);
  } catch (e) {
    expect(e).toBeInstanceOf(O2cError);
    expect(statusOf(e)).toBe(422);
    return (e as Error).message;
  }
  throw new Error('the file was accepted');
};

describe('camt.053.001.02', () => {
  const file = parseBankFile(fixture('bank/camt053-v02.xml'));
  const [s] = file.statements;
  it('reads the statement, its account and balances', () => {
    expect(file).toMatchObject({ format: 'camt.053', version: '001.02', messageId: 'O2C-TEST-053-02-0001' });
    expect(file.statements).toHaveLength(1);
    expect(s).toMatchObject({ statementId: 'STMT-2026-11-30-GBP', sequence: '334', account: { iban: 'GB33BUKB20201555555555', currency: 'GBP' } });
    expect(s!.openingBalance).toEqual({ amount: 1_000_000, currency: 'GBP' });
    expect(s!.closingBalance).toEqual({ amount: 1_218_049, currency: 'GBP' });
    expect(movedTo(s!)).toBe(s!.closingBalance!.amount);
  });
  it('reads every entry: amounts in pence, direction, payer, references', () => {
    expect(short(s!)).toEqual([
      ['credit', 125_000, false, 'BUKB-20261130-0001'],
      ['credit', 85_049, false, 'BUKB-20261130-0002'],
      ['debit', 4_500, false, 'BUKB-20261130-0003'],
      ['credit', 20_000, false, 'BUKB-20261130-0004'],
      ['debit', 7_500, true, 'BUKB-20261130-0005'],
    ]);
    const [rf, batch, fee, unstructured, reversal] = s!.entries;
    expect(rf).toMatchObject({ bookingDate: '2026-11-30', payerName: 'Northwind Traders Ltd', payerIban: 'GB82WEST12345698765432', creditorReference: 'RF54INV2026000042', endToEndId: 'NW-7781', transactionCode: 'PMNT/RCDT/DMCT' });
    expect(invoiceNumberFromReference(rf!.creditorReference!, { series: 'INV' })?.invoiceNumber).toBe('INV-2026-000042');
    expect(batch!.payerName).toBeUndefined();
    expect(entryItems(batch!).map((t) => [t.entryRef, t.amount, t.payerName, t.payerIban, t.creditorReference, t.remittance, t.endToEndId])).toEqual([
      ['BUKB-20261130-0002-A', 30_000, 'Fabrikam & Sons', 'DE89370400440532013000', undefined, 'INV-2026-000043', 'FAB-1'],
      ['BUKB-20261130-0002/2', 45_050, 'Contoso Pharmaceuticals', undefined, 'RF97INV2026000044', 'INV-2026-000044', undefined],
      ['BUKB-20261130-0002/3', 9_999, 'Tailspin Toys', 'NL91ABNA0417164300', undefined, 'Samples November', undefined],
    ]);
    expect(fee).toMatchObject({ remittance: 'Account maintenance fee November', transactionCode: 'ACMT/MDOP/CHRG' });
    expect(fee!.payerName).toBeUndefined();
    expect(entryItems(fee!)).toEqual([fee]);
    expect(unstructured).toMatchObject({ payerName: 'Adventure Works', remittance: 'Payment inv 2026 43 and the rest next week, thanks', valueDate: '2026-12-01' });
    expect(unstructured!.creditorReference).toBeUndefined();
    expect(reversal).toMatchObject({ payerName: 'Northwind Traders Ltd', payerIban: 'GB82WEST12345698765432', returnReason: 'AC04', remittance: 'INV-2026-000040' });
  });
});

describe('camt.053.001.08 with two statements', () => {
  const file = parseBankFile(fixture('bank/camt053-v08.xml'));
  const [eur, jpy] = file.statements;
  it('reads both statements; the balances add up (PRCD as the opening balance)', () => {
    expect(file).toMatchObject({ format: 'camt.053', version: '001.08' });
    expect(file.statements.map((s) => [s.statementId, s.account.iban ?? s.account.id, s.account.currency])).toEqual([
      ['EUR-20261201', 'DE44500105175407324931', 'EUR'],
      ['JPY-20261201', '0012-345678', 'JPY'],
    ]);
    expect([eur!.openingBalance, eur!.closingBalance]).toEqual([{ amount: 500_000, currency: 'EUR' }, { amount: 654_000, currency: 'EUR' }]);
    expect(movedTo(eur!)).toBe(654_000);
    expect(movedTo(jpy!)).toBe(1_150_000);
  });
  it('reads Pty/Nm, Sts/Cd, DtTm, five-decimal amounts, batches with TxDtls/Amt, debits to a creditor and a reversal', () => {
    expect(short(eur!)).toEqual([
      ['credit', 119_000, false, '2026120100001'],
      ['credit', 100_000, false, '2026120100002'],
      ['debit', 50_000, false, '2026120100003'],
      ['credit', 10_000, false, '2026120100004'], // "100.00000" EUR
      ['debit', 25_000, true, '2026120100005'],
    ]);
    const [rf, batch, supplier, fiveDecimals, reversal] = eur!.entries;
    expect(rf).toMatchObject({ payerName: 'Müller Maschinenbau GmbH', payerIban: 'DE89370400440532013000', creditorReference: 'RF97INV2026000044', endToEndId: 'MM-RE-2026-118', status: 'booked' });
    expect(batch).toMatchObject({ bookingDate: '2026-12-01', transactionCode: 'SAMMLER' });
    expect(entryItems(batch!).map((t) => [t.entryRef, t.direction, t.amount, t.payerName, t.creditorReference ?? t.remittance])).toEqual([
      ['2026120100002-1', 'credit', 25_000, 'Alpen Logistik AG', 'RF70INV2026000045'],
      ['2026120100002/2', 'credit', 35_000, 'Bäckerei Sonnenschein', 'INV-2026-000046'],
      ['2026120100002/3', 'credit', 40_000, 'Café Central KG', 'Rechnung 2026-47'],
    ]);
    expect(supplier).toMatchObject({ payerName: 'Office Supplies BV', payerIban: 'NL20INGB0001234567', remittance: 'Order PO-5531' });
    expect(fiveDecimals).toMatchObject({ payerName: 'Jean Dupont', remittance: 'Thanks for invoice 48' });
    expect(fiveDecimals!.valueDate).toBeUndefined();
    expect(reversal).toMatchObject({ payerName: 'Alpen Logistik AG', creditorReference: 'RF70INV2026000045', returnReason: 'MD06' });
  });
  it('reads yen without decimals; a pending entry is listed but does not move the booked balance', () => {
    expect(jpy!.entries.map((e) => [e.amount, e.currency, e.status, e.payerName ?? e.remittance])).toEqual([
      [150_000, 'JPY', 'booked', '株式会社サクラ商事'],
      [5_000, 'JPY', 'pending', 'Incoming transfer awaiting funds'],
    ]);
    // No bank reference in the file: a stable digest instead, the same on every read.
    expect(jpy!.entries[0]!.entryRef).toMatch(/^hash:[0-9a-f]{32}$/);
    expect(parseBankFile(fixture('bank/camt053-v08.xml')).statements[1]!.entries[0]!.entryRef).toBe(jpy!.entries[0]!.entryRef);
  });
});

describe('camt versions and namespace prefixes', () => {
  it('reads 001.02 to 001.08 by namespace, with or without a namespace prefix', () => {
    const v02 = fixture('bank/camt053-v02.xml');
    for (const v of ['03', '04', '05', '06', '07']) {
      const file = parseBankFile(v02.replace('xsd:camt.053.001.02"', `xsd:camt.053.001.${v}"`));
      expect(file.version).toBe(`001.${v}`);
      expect(file.statements[0]!.entries).toHaveLength(5);
    }
    const prefixed = fixture('bank/camt053-v08.xml')
      .replace(/<(\/?)([A-Za-z]+)([ >])/g, '<$1ns2:$2$3')
      .replace('<ns2:Document xmlns=', '<ns2:Document xmlns:ns2=');
    expect(prefixed).toContain('<ns2:Ntry>');
    expect(parseBankFile(prefixed)).toEqual(parseBankFile(fixture('bank/camt053-v08.xml')));
  });
});

describe('camt.052.001.08 (intraday report) and the evening camt.053 of the same day', () => {
  const report = parseBankFile(fixture('bank/camt052-v08.xml'));
  const statement = parseBankFile(fixture('bank/camt053-v08-day.xml'));

  it('reads the report (Rpt) by its namespace: booked and pending entries, no balance check against the interim balance', () => {
    expect(detectFormat(fixture('bank/camt052-v08.xml'))).toBe('camt.052');
    expect(report).toMatchObject({ format: 'camt.052', version: '001.08', messageId: 'O2C-TEST-052-08-1200' });
    const [r] = report.statements;
    expect(r).toMatchObject({ format: 'camt.052', statementId: 'RPT-2026-12-02-1200-GBP', sequence: '4', account: { iban: 'GB29NWBK60161331926819', currency: 'GBP' }, openingBalance: { amount: 200_000, currency: 'GBP' } });
    expect(r!.closingBalance).toBeUndefined();
    expect(r!.entries.map((e) => [e.status, e.amount, e.bookingDate, e.payerName])).toEqual([
      ['booked', 48_000, '2026-12-02', 'Harbourside Cafe Ltd'],
      ['booked', 9_995, '2026-12-02', 'Tindall & Webb Partners'],
      ['pending', 7_500, '2026-12-02', 'Orchard Lane Bakery'],
    ]);
  });

  it('gives an entry the same key in both: the bank reference, else the hash of what it says (never the per-report NtryRef)', () => {
    const [r] = report.statements;
    const [s] = statement.statements;
    expect(s!.entries).toHaveLength(5);
    expect(r!.entries[0]!.entryRef).toBe('NWBK-20261202-0101');
    expect(s!.entries[0]!.entryRef).toBe('NWBK-20261202-0101');
    // No AcctSvcrRef: NtryRef 2 in the report, 0003 in the statement; the key is the hash, the same in both.
    expect(r!.entries[1]!.entryRef).toMatch(/^hash:[0-9a-f]{32}$/);
    expect(s!.entries[2]!.entryRef).toBe(r!.entries[1]!.entryRef);
    // A different amount is a different entry.
    const other = parseBankFile(fixture('bank/camt052-v08.xml').replace(/99\.95/g, '99.96').replace('2579.95', '2579.96'));
    expect(other.statements[0]!.entries[1]!.entryRef).not.toBe(r!.entries[1]!.entryRef);
  });

  it('only a closing booked balance (CLBD) is checked against the entries: an interim one (ITBD) may cover a longer period', () => {
    const body = fixture('bank/camt052-v08.xml').replace('2579.95', '2600.00');
    expect(parseBankFile(body).format).toBe('camt.052');
    expect(refused(body.replace('<Cd>ITBD</Cd>', '<Cd>CLBD</Cd>'))).toMatch(/^report RPT-2026-12-02-1200-GBP: the entries do not add up to the balances/);
  });
});

describe('camt.054.001.08', () => {
  it('reads a batch booking and a single credit; a notification has no balances', () => {
    const file = parseBankFile(fixture('bank/camt054-v08.xml'));
    expect(file).toMatchObject({ format: 'camt.054', version: '001.08', messageId: 'O2C-TEST-054-08-0001' });
    const [n] = file.statements;
    expect(n).toMatchObject({ format: 'camt.054', statementId: 'NTF-20261201-1400', account: { iban: 'SE4550000000058398257466', currency: 'SEK' } });
    expect(n!.openingBalance).toBeUndefined();
    expect(short(n!)).toEqual([
      ['credit', 1_250_000, false, 'BG-5050-1055-0001'],
      ['credit', 79_950, false, 'BG-5050-1055-0002'],
    ]);
    expect(entryItems(n!.entries[0]!).map((t) => [t.entryRef, t.amount, t.payerName, t.creditorReference ?? t.remittance])).toEqual([
      ['BG-5050-1055-0001-01', 1_000_000, 'Nordic Verktyg AB', '202600006128'], // Swedish OCR of INV-2026-000061
      ['BG-5050-1055-0001-02', 250_000, 'Kalles Kaffe HB', 'Faktura INV-2026-000062'], // AmtDtls/TxAmt/Amt
    ]);
    expect(invoiceNumberFromReference('202600006128', { series: 'INV', schemes: ['se-ocr'] })?.invoiceNumber).toBe('INV-2026-000061');
    expect(n!.entries[1]).toMatchObject({ payerName: 'Svensson, Anna', payerIban: 'SE7280000810340009783242', creditorReference: 'RF53INV2026000060' });
  });
});

describe('MT940', () => {
  const file = parseBankFile(fixture('bank/statements.mt940'));
  const [de, nl] = file.statements;
  it('reads two statements, balances exactly, and they add up', () => {
    expect(file.format).toBe('mt940');
    expect(file.statements.map((s) => [s.statementId, s.sequence, s.account.iban, s.openingBalance?.amount, s.closingBalance?.amount])).toEqual([
      ['STMT20261130', '00234/001', 'DE44500105175407324931', 1_000_000, 1_107_000],
      ['STMT20261201', '00235/001', 'NL91ABNA0417164300', 200_000, 275_950],
    ]);
    expect(movedTo(de!)).toBe(1_107_000);
    expect(movedTo(nl!)).toBe(275_950);
  });
  it('reads the German ?NN structure: purpose (SEPA keywords), payer name and IBAN; a plain :86: as remittance; RC as a reversed credit', () => {
    expect(short(de!)).toEqual([
      ['credit', 119_000, false, 'BREF0001'],
      ['debit', 4_500, false, 'BREF0002'],
      ['debit', 7_500, true, 'BREF0003'],
    ]);
    expect(de!.entries[0]).toMatchObject({
      bookingDate: '2026-11-30',
      valueDate: '2026-11-30',
      transactionCode: 'NTRF',
      payerName: 'Hans Schmidt Handelsgesellschaft mbH', // ?32 cut at 27 characters, ?33 continues it
      payerIban: 'DE89370400440532013000',
      remittance: 'RF54INV2026000042 Rechnung vom 2026-11-02',
      endToEndId: 'E2E-4711',
    });
    expect(de!.entries[1]!.remittance).toBe('Account maintenance fee November 2026 incl. statement charges and card fees');
    expect(de!.entries[2]).toMatchObject({ payerName: 'Hans Schmidt', remittance: 'Rueckbuchung AC04' });
  });
  it('reads the Dutch /TAG/ structure: NAME, IBAN, REMI (unstructured and STRD/CUR), EREF, RTRN; RD as a reversed debit', () => {
    expect(nl!.entries.map((e) => [e.direction, e.amount, e.reversal, e.payerName, e.payerIban, e.creditorReference, e.remittance])).toEqual([
      ['credit', 50_000, false, 'De Vries Import BV', 'NL20INGB0001234567', undefined, 'INV-2026-000050 en INV-2026-000051'],
      ['credit', 32_000, false, 'Janssens NV', 'BE68539007547034', 'RF75INV2026000052', undefined],
      ['debit', 12_050, false, 'Kantoor Supplies', 'FR1420041010050500013M02606', undefined, 'Invoice 99812 PO-7781'],
      ['credit', 6_000, true, 'Kantoor Supplies', undefined, undefined, 'Return of payment'],
    ]);
    expect(nl!.entries[0]!.endToEndId).toBe('DV-2026-9');
    expect(nl!.entries[3]).toMatchObject({ returnReason: 'AC01', entryRef: expect.stringMatching(/^hash:/) });
  });
  it('keeps three-decimal and zero-decimal currencies exact (mt940js alone rounds to two decimals in a float)', () => {
    const kwd = [':20:KWD1', ':25:KW81CBKU0000000000001234560101', ':28C:1/1', ':60F:C261201KWD1000,125', ':61:261201C0,001NTRFNONREF//K1', ':86:fils', ':62F:C261201KWD1000,126', ''].join('\n');
    const [s] = parseBankFile(kwd).statements;
    expect([s!.openingBalance, s!.entries[0]!.amount, s!.closingBalance]).toEqual([{ amount: 1_000_125, currency: 'KWD' }, 1, { amount: 1_000_126, currency: 'KWD' }]);
  });
});

describe('CSV with a column mapping', () => {
  it('UK style: comma, DD/MM/YYYY, quoted fields with commas, quotes and line breaks, grouped thousands', () => {
    const [s] = parseBankFile(fixture('bank/uk-bank.csv'), { csv: UK }).statements;
    expect(s!.entries.map((e) => [e.bookingDate, e.direction, e.amount, e.currency, e.payerName, e.creditorReference, e.remittance, e.entryRef])).toEqual([
      ['2026-11-30', 'credit', 125_000, 'GBP', 'Smith, Jones & Co "Trading" Ltd', 'RF54INV2026000042', 'Faster payment', 'FP-889120'],
      ['2026-11-30', 'credit', 30_000, 'GBP', 'Fabrikam & Sons', undefined, 'INV-2026-000043, INV-2026-000044 Faster payment', 'FP-889121'],
      ['2026-11-30', 'debit', 4_500, 'GBP', undefined, undefined, 'Card fee', 'FEE-1130'],
      ['2026-12-01', 'credit', 20_000, 'GBP', 'Adventure Works', undefined, 'part payment, "see letter" Cheque paid in', s!.entries[3]!.entryRef],
      ['2026-12-01', 'credit', 20_000, 'GBP', 'Adventure Works', undefined, 'part payment, "see letter" Cheque paid in', `${s!.entries[3]!.entryRef}#2`],
    ]);
    // Two identical cheques on one day are two payments: the second key is numbered, not the same.
    expect(s!.entries[3]!.entryRef).toMatch(/^hash:[0-9a-f]{32}$/);
  });
  it('Swedish style: semicolon, decimal comma with space or dot thousands, a currency column, the OCR column as the structured reference', () => {
    const [s] = parseBankFile(fixture('bank/se-bank.csv'), { csv: SE }).statements;
    expect(s!.entries.map((e) => [e.bookingDate, e.valueDate, e.direction, e.amount, e.currency, e.payerName, e.payerIban, e.creditorReference, e.remittance])).toEqual([
      ['2026-12-01', '2026-12-01', 'credit', 125_000, 'SEK', 'Nordic Verktyg AB', 'SE3550000000054910000003', '202600006128', undefined],
      ['2026-12-01', '2026-12-02', 'credit', 1_250_050, 'SEK', 'Kalles Kaffe; Konditori HB', undefined, undefined, 'Faktura INV-2026-000062; tack'],
      ['2026-12-02', '2026-12-02', 'debit', 9_900, 'SEK', 'Bankgirot', undefined, undefined, 'Avgift'],
      ['2026-12-02', '2026-12-02', 'credit', 50, 'SEK', 'Svensson, Anna', undefined, undefined, 'Öresavrundning'],
    ]);
  });
  it('the reader handles what RFC 4180 allows', () => {
    expect(readCsv('a,"b,1","c ""x"""\r\n"multi\nline",2,\n\n', ',').map((r) => [r.line, r.fields])).toEqual([
      [1, ['a', 'b,1', 'c "x"']],
      [2, ['multi\nline', '2', '']],
    ]);
    fc.assert(
      fc.property(fc.array(fc.array(fc.string({ unit: fc.constantFrom('a', ',', '"', '\n', ' ', 'é') }), { minLength: 2, maxLength: 4 }), { minLength: 1, maxLength: 5 }), (rows) => {
        const text = rows.map((r) => r.map((f) => `"${f.replaceAll('"', '""')}"`).join(',')).join('\r\n');
        expect(readCsv(text, ',').map((r) => r.fields)).toEqual(rows);
      }),
    );
  });
});

describe('recognising the format', () => {
  it('from the content', () => {
    expect(detectFormat(fixture('bank/camt053-v02.xml'))).toBe('camt.053');
    expect(detectFormat(fixture('bank/camt054-v08.xml'))).toBe('camt.054');
    expect(detectFormat(fixture('bank/statements.mt940'))).toBe('mt940');
    expect(detectFormat(`{1:F01BANKDEFFAXXX0000000000}{2:O940}{4:\n:20:X\n`)).toBe('mt940');
    expect(detectFormat(fixture('bank/uk-bank.csv'))).toBe('csv');
    expect(detectFormat('<html><body>hi</body></html>')).toBeNull();
    expect(detectFormat('')).toBeNull();
    // A namespace only mentioned in a comment is not the document's.
    expect(detectFormat('<?xml version="1.0"?><!-- urn:iso:std:iso:20022:tech:xsd:camt.053.001.02 --><Document xmlns="urn:other"/>')).toBeNull();
    expect(detectFormat('<ns2:Document xmlns:ns2="urn:iso:std:iso:20022:tech:xsd:camt.054.001.04"></ns2:Document>')).toBe('camt.054');
  });
});

describe('bad files are refused in words (422), never a stack trace', () => {
  const v02 = fixture('bank/camt053-v02.xml');
  it('unknown or unsupported formats and versions', () => {
    expect(refused('')).toBe('the file is empty');
    expect(refused('%PDF-1.7\u0000\u0001')).toMatch(/not text/);
    expect(refused('just some words')).toMatch(/neither ISO 20022 camt XML nor MT940, and no CSV column mapping/);
    expect(refused('<html><body>hi</body></html>')).toMatch(/no ISO 20022 camt namespace/);
    expect(refused(v02.replace('xsd:camt.053.001.02"', 'xsd:camt.053.001.13"'))).toBe('camt.053.001.13 is not a supported version (supported: camt.053.001.02 to camt.053.001.08)');
    expect(refused(v02.replace('xsd:camt.053.001.02"', 'xsd:camt.086.001.02"'))).toMatch(/^a bank services billing statement \(camt.086\) is not read/);
    expect(refused(v02.replace('</Stmt>', ''))).toMatch(/^the file is not well-formed XML: .*\(line \d+\)/);
  });
  it('malformed amounts, currencies, dates and indicators name the entry', () => {
    expect(refused(v02.replace('<Amt Ccy="GBP">200.00</Amt>', '<Amt Ccy="GBP">2OO.00</Amt>'))).toBe('statement STMT-2026-11-30-GBP, entry 4: amount "2OO.00" is not a decimal number');
    expect(refused(v02.replace('<Amt Ccy="GBP">200.00</Amt>', '<Amt Ccy="GBP">200.001</Amt>'))).toBe('statement STMT-2026-11-30-GBP, entry 4: amount "200.001" has more decimals than GBP has');
    expect(refused(v02.replace('<Amt Ccy="GBP">200.00</Amt>', '<Amt Ccy="XXY">200.00</Amt>'))).toMatch(/entry 4: currency "XXY" is not an ISO 4217 code/);
    expect(refused(v02.replace('<Amt Ccy="GBP">200.00</Amt>', '<Amt Ccy="GBP">-200.00</Amt>'))).toMatch(/entry 4: amount "-200.00" is negative \(the credit\/debit mark gives the direction\)/);
    expect(refused(v02.replace('<Amt Ccy="GBP">45.00</Amt>\n        <CdtDbtInd>DBIT</CdtDbtInd>', '<Amt Ccy="GBP">45.00</Amt>\n        <CdtDbtInd>DEBIT</CdtDbtInd>'))).toMatch(/entry 3: credit\/debit indicator "DEBIT" is neither CRDT nor DBIT/);
    expect(refused(v02.replace('<BookgDt><Dt>2026-11-30</Dt></BookgDt>', '<BookgDt><Dt>2026-11-31</Dt></BookgDt>'))).toMatch(/entry 1, booking date: "2026-11-31" is not a date/);
    expect(refused(fixture('bank/uk-bank.csv').replace('-45.00', '-45.0x'), { csv: UK })).toBe('entry 3 (line 4): amount "-45.0x" is not a decimal number');
    expect(refused(fixture('bank/se-bank.csv').replace('-99,00', '12,3x'), { csv: SE })).toBe('entry 3 (line 4): amount "12,3x" is not a decimal number');
    expect(refused(fixture('bank/uk-bank.csv').replace('30/11/2026,Card', '31/11/2026,Card'), { csv: UK })).toBe('entry 3 (line 4): date "31/11/2026" is not a date in the form DD/MM/YYYY');
    expect(refused(fixture('bank/uk-bank.csv'), { csv: { ...UK, columns: { ...UK.columns, amount: 'Betrag' } } })).toMatch(/the CSV has no amount column "Betrag" \(its columns: "Date", "Description", "Amount"/);
    expect(refused('a,"b\n1,2', { csv: UK })).toBe('line 1: a quoted field is not closed');
  });
  it('a statement whose entries do not add up to its balances, and a batch that does not add up to its entry', () => {
    expect(refused(v02.replace('<Amt Ccy="GBP">12180.49</Amt>', '<Amt Ccy="GBP">12180.50</Amt>'))).toBe(
      'statement STMT-2026-11-30-GBP: the entries do not add up to the balances: opening 10000.00 + entries 2180.49 = 12180.49, but the closing balance is 12180.50 GBP',
    );
    expect(refused(v02.replace('<Amt Ccy="GBP">99.99</Amt>', '<Amt Ccy="GBP">99.98</Amt>'))).toBe('statement STMT-2026-11-30-GBP, entry 2: its 3 transactions come to 850.48 but the entry is 850.49 GBP');
    const mt = fixture('bank/statements.mt940');
    expect(refused(mt.replace(':62F:C261130EUR11070,00', ':62F:C261130EUR11070,01'))).toMatch(/^statement 1: the entries do not add up to the balances/);
    expect(refused(mt.replace(':25:DE44500105175407324931\n', ''))).toBe('statement 1: the mandatory :25: tag is missing');
    expect(refused(mt.replace('CR1190,00NTRF', 'CR11x0,00NTRF'))).toMatch(/:61: tag .* cannot be read/);
  });
  it('a fuzzed statement is read or refused with a 422, never anything else', () => {
    const files = [v02, fixture('bank/camt053-v08.xml'), fixture('bank/statements.mt940'), fixture('bank/uk-bank.csv')];
    fc.assert(
      fc.property(fc.integer({ min: 0, max: files.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 4 }), (which, edits) => {
        let body = files[which]!;
        for (const [at, del, insert] of edits) {
          const i = at % (body.length + 1);
          body = body.slice(0, i) + insert + body.slice(i + del);
        }
        try {
          parseBankFile(body, { csv: UK });
        } catch (e) {
          expect(e).toBeInstanceOf(O2cError);
          expect(statusOf(e)).toBe(422);
          expect((e as Error).message).not.toMatch(/\n\s+at /);
        }
      }),
      { numRuns: 400 },
    );
  });
});
