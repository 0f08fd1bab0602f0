import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatInvoiceNumber } from '../../../functions/domain/invoice.ts';
import {
  creditorReference,
  findPaymentReferences,
  finnishCheckDigit,
  finnishReference,
  formatCreditorReference,
  formatFinnishReference,
  formatPaymentReference,
  invoiceNumberFromReference,
  invoiceNumberOfReference,
  invoiceReference,
  invoiceReferenceBase,
  isValidCreditorReference,
  isValidFinnishReference,
  isValidSwedishOcr,
  luhnCheckDigit,
  normaliseIban,
  parseBankAccount,
  paymentReferenceFor,
  swedishOcrReference,
} from '../../../functions/domain/references.ts';

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const base = fc.string({ unit: fc.constantFrom(...ALNUM), minLength: 1, maxLength: 21 });
const invoiceNumber = fc
  .record({
    series: fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'), minLength: 2, maxLength: 8 }),
    year: fc.integer({ min: 1000, max: 9999 }),
    sequence: fc.integer({ min: 1, max: 999_999_999 }),
  })
  .filter(({ series, sequence }) => series.length + 4 + Math.max(6, String(sequence).length) <= 21)
  .map(({ series, year, sequence }) => formatInvoiceNumber(series, year, sequence));

/** Every string that differs from `s` in exactly one character (from `alphabet`). */
function* substitutions(s: string, alphabet: string) {
  for (let i = 0; i < s.length; i++) for (const c of alphabet) if (c !== s[i]) yield s.slice(0, i) + c + s.slice(i + 1);
}
/** Every string with two adjacent (different) characters of `s` swapped. */
function* transpositions(s: string) {
  for (let i = 0; i + 1 < s.length; i++) if (s[i] !== s[i + 1]) yield s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
}

describe('ISO 11649 creditor references', () => {
  it('known answers, each checked by hand (ISO 7064 MOD 97-10)', () => {
    // RF18539007547034 (the example ISO 11649 itself uses): base 539007547034 + "RF00" → digits 539007547034 27 15 00.
    // Piecewise mod 97: 539007547 mod 97 = 81; 81|0342715 = 810342715 mod 97 = 59; 59|00 = 5900 mod 97 = 80.
    // Check = 98 − 80 = 18.
    expect(creditorReference('539007547034')).toBe('RF18539007547034');
    // RF712348231 (the published example of a short reference): 2348231 27 15 00:
    // 234823127 mod 97 = 95; 95|1500 = 951500 mod 97 = 27; 98 − 27 = 71.
    expect(creditorReference('2348231')).toBe('RF712348231');
    // RF332348236: Finance Finland's example of the RF form of the Finnish reference 2348236:
    // 234823627 mod 97 = 13; 13|1500 = 131500 mod 97 = 65; 98 − 65 = 33.
    expect(creditorReference('2348236')).toBe('RF332348236');
    // o2c's own: INV2026000042 → I=18 N=23 V=31: 182331 2026000042 27 15 00:
    // 182331202 mod 97 = 11; 11|6000042 mod 97 = 70; 70|271500 mod 97 = 44; 98 − 44 = 54.
    expect(invoiceReference('INV-2026-000042')).toBe('RF54INV2026000042');

    for (const good of ['RF18539007547034', 'RF18 5390 0754 7034', 'rf18 5390 0754 7034', 'RF712348231', 'RF54INV2026000042']) {
      expect(isValidCreditorReference(good), good).toBe(true);
    }
    for (const bad of ['RF19539007547034', 'RF18539007547043', 'RF1853900754703X', 'RF00', 'RF18', 'XX18539007547034', 'RF1853900754703412345678901234', '']) {
      expect(isValidCreditorReference(bad), bad).toBe(false);
    }
    expect(formatCreditorReference('rf18539007547034')).toBe('RF18 5390 0754 7034');
    expect(formatCreditorReference('RF712348231')).toBe('RF71 2348 231');
    expect(() => creditorReference('')).toThrow(/1 to 21 letters or digits/);
    expect(() => creditorReference('ABC-123')).toThrow(/1 to 21/);
    expect(() => creditorReference('1234567890123456789012')).toThrow(/1 to 21/);
  });

  it('every reference built validates; every change of a digit for a digit or a letter for a letter, and every swap of two adjacent digits or letters, fails', () => {
    const DIGITS = '0123456789';
    const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const isDigit = (c: string) => DIGITS.includes(c);
    fc.assert(
      fc.property(base, (b) => {
        const ref = creditorReference(b);
        expect(ref).toMatch(/^RF\d{2}[A-Z0-9]{1,21}$/);
        expect(isValidCreditorReference(ref)).toBe(true);
        expect(isValidCreditorReference(formatCreditorReference(ref).toLowerCase())).toBe(true);
        for (let i = 0; i < ref.length; i++) {
          for (const c of isDigit(ref[i]!) ? DIGITS : LETTERS) {
            if (c === ref[i]) continue;
            const wrong = ref.slice(0, i) + c + ref.slice(i + 1);
            expect(isValidCreditorReference(wrong), wrong).toBe(false);
          }
        }
        for (let i = 0; i + 1 < ref.length; i++) {
          const [x, y] = [ref[i]!, ref[i + 1]!];
          if (x === y || isDigit(x) !== isDigit(y)) continue;
          const wrong = ref.slice(0, i) + y + x + ref.slice(i + 2);
          expect(isValidCreditorReference(wrong), wrong).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a change between a digit and a letter is caught unless it happens to move the value by a multiple of 97 (the letters count as two digits)', () => {
    // The limit of MOD 97-10 over letters, found by the property above when it tried every change:
    // RF8840 → RF884S: 40|271588 vs 4|28|271588 differ by 388,000,000 = 97 × 4,000,000.
    expect(isValidCreditorReference('RF8840')).toBe(true);
    expect(isValidCreditorReference('RF884S')).toBe(true);
    // "1B" and "B1" both read 111 (B = 11): that swap cannot be seen at all.
    const ref = creditorReference('1B');
    expect(isValidCreditorReference(`${ref.slice(0, 4)}B1`)).toBe(true);
    // Still, nearly all such changes are caught (about 96 in 97).
    let missed = 0;
    let tried = 0;
    fc.assert(
      fc.property(base, (b) => {
        const r = creditorReference(b);
        for (const wrong of substitutions(r.slice(4), ALNUM)) {
          tried++;
          if (isValidCreditorReference(`RF${r.slice(2, 4)}${wrong}`)) missed++;
        }
        for (const wrong of transpositions(r)) {
          tried++;
          if (isValidCreditorReference(wrong)) missed++;
        }
      }),
      { numRuns: 200, seed: 11649 },
    );
    expect(tried).toBeGreaterThan(10_000);
    expect(missed / tried).toBeLessThan(0.01);
  });

  it('the invoice number rides in the reference and comes back, whatever the series', () => {
    expect(invoiceReferenceBase('INV-2026-000042')).toBe('INV2026000042');
    expect(invoiceNumberOfReference('RF54 INV2 0260 0004 2')).toBe('INV-2026-000042');
    expect(invoiceNumberOfReference('RF55INV2026000042')).toBeNull(); // wrong check digits
    expect(invoiceNumberOfReference('RF18539007547034')).toBeNull(); // valid RF, but not one of ours
    expect(() => invoiceReference('INV-2026-42')).toThrow(/not an invoice number/);
    expect(() => invoiceReference('ABCDEFGH-2026-1234567890')).toThrow(/too long/);
    fc.assert(
      fc.property(invoiceNumber, (n) => {
        expect(invoiceNumberOfReference(invoiceReference(n))).toBe(n);
      }),
    );
  });
});

describe('Swedish OCR references (Bankgirot)', () => {
  it('known answers: Luhn check digit, and the length digit', () => {
    // Luhn's classic example 7992739871 → 3: from the right, every other digit doubled starting with the last:
    // 1,8,3,2,9 → 2, 16→7, 6, 4, 18→9 = 28; the others 7,9,7,9,7 = 39; 67 → 10 − 7 = 3.
    expect(luhnCheckDigit('7992739871')).toBe(3);
    // 123456789: doubled 9,7,5,3,1 → 18→9,14→5,10→1,6,2 = 23; undoubled 8,6,4,2 = 20; 43 → 7.
    expect(swedishOcrReference('123456789', { lengthDigit: false })).toBe('1234567897');
    // With length digit: 12345 + length 7 (5 + 2) → 123457; Luhn: doubled 7,4,2 → 14→5,8,4 = 17; undoubled 5,3,1 = 9; 26 → 4.
    expect(swedishOcrReference('12345')).toBe('1234574');
    // An invoice: INV-2026-000042 → 2026000042 + length 2 (12 digits mod 10) + Luhn 2.
    expect(paymentReferenceFor('se-ocr', 'INV-2026-000042')).toBe('202600004222');
    expect(paymentReferenceFor('se-ocr', 'INV-2026-000042', { seOcrLengthDigit: false })).toBe('20260000425');
    expect(isValidSwedishOcr('1234574')).toBe(true);
    expect(isValidSwedishOcr('1234567897', { lengthDigit: false })).toBe(true);
    expect(isValidSwedishOcr('1234567897')).toBe(false); // its second-last digit is not the length
    expect(isValidSwedishOcr('1234575')).toBe(false);
    expect(isValidSwedishOcr('12 345 74')).toBe(true);
    expect(() => swedishOcrReference('12a')).toThrow(/digits only/);
    expect(() => swedishOcrReference('1'.repeat(24))).toThrow(/at most 25/);
  });

  it('every reference validates; a single wrong digit always fails, a transposition fails unless it swaps 0 and 9 (Luhn’s known blind spot)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 23 }), fc.boolean(), (payload, lengthDigit) => {
        const ref = swedishOcrReference(payload, { lengthDigit });
        expect(isValidSwedishOcr(ref, { lengthDigit })).toBe(true);
        for (const wrong of substitutions(ref, '0123456789')) expect(isValidSwedishOcr(wrong, { lengthDigit }), wrong).toBe(false);
        for (let i = 0; i + 1 < ref.length; i++) {
          const [a, b] = [ref[i]!, ref[i + 1]!];
          if (a === b || (a + b === '09' || a + b === '90')) continue;
          const wrong = ref.slice(0, i) + b + a + ref.slice(i + 2);
          expect(isValidSwedishOcr(wrong, { lengthDigit }), wrong).toBe(false);
        }
        if (lengthDigit && ref.length > 3) expect(isValidSwedishOcr(ref.slice(0, 1) + ref.slice(2), { lengthDigit })).toBe(false); // a dropped digit
      }),
    );
  });
});

describe('Finnish references (viitenumero)', () => {
  it('known answers from Finance Finland’s guide and published examples', () => {
    // Finance Finland's example 12 34561: 123456 × 1,3,7,1,3,7 (7-3-1 from the right): 6·7 + 5·3 + 4·1 + 3·7 + 2·3 + 1·1 = 89 → 90 − 89 = 1.
    expect(finnishReference('123456')).toBe('1234561');
    expect(formatFinnishReference('1234561')).toBe('12 34561');
    // 12345 → 5·7 + 4·3 + 3·1 + 2·7 + 1·3 = 67 → 3.
    expect(finnishReference('12345')).toBe('123453');
    // 123456712345678 → 246 → 4 (the worked example "1 23456 71234 56784").
    expect(finnishCheckDigit('123456712345678')).toBe(4);
    expect(formatFinnishReference('1234567123456784')).toBe('1 23456 71234 56784');
    // 2348236: Finance Finland's reference behind RF332348236.
    expect(isValidFinnishReference('2348236')).toBe(true);
    expect(isValidFinnishReference('00000000000001234561')).toBe(true); // machine-readable, zero padded
    expect(isValidFinnishReference('12 34561')).toBe(true);
    expect(isValidFinnishReference('1234562')).toBe(false);
    expect(isValidFinnishReference('123')).toBe(false); // 3 + check digit at least
    expect(paymentReferenceFor('fi', 'INV-2026-000042')).toBe('20260000422');
    expect(() => finnishReference('12')).toThrow(/3 to 19 digits/);
  });

  it('every reference validates; a single wrong digit fails, a transposition fails unless the digits differ by 5 (7-3-1’s blind spot)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 3, maxLength: 19 }).filter((p) => p[0] !== '0'), (payload) => {
        const ref = finnishReference(payload);
        expect(isValidFinnishReference(ref)).toBe(true);
        for (const wrong of substitutions(ref, '0123456789')) {
          if (wrong[0] === '0') continue; // a leading zero is not printed: the same reference
          expect(isValidFinnishReference(wrong), wrong).toBe(false);
        }
        for (let i = 0; i + 1 < ref.length; i++) {
          const [a, b] = [Number(ref[i]), Number(ref[i + 1])];
          if (a === b || Math.abs(a - b) === 5 || (i === 0 && b === 0)) continue;
          const wrong = ref.slice(0, i) + ref[i + 1] + ref[i] + ref.slice(i + 2);
          expect(isValidFinnishReference(wrong), wrong).toBe(false);
        }
      }),
    );
  });
});

describe('one scheme choice, recognised when the money comes back', () => {
  const reading = { series: 'INV' };
  it('reads back the invoice from any scheme, as typed', () => {
    expect(invoiceNumberFromReference('RF54 INV2 0260 0004 2', reading)).toEqual({ scheme: 'rf', reference: 'RF54INV2026000042', invoiceNumber: 'INV-2026-000042' });
    expect(invoiceNumberFromReference('2026 0000 4222', { ...reading, schemes: ['se-ocr'] })).toEqual({ scheme: 'se-ocr', reference: '202600004222', invoiceNumber: 'INV-2026-000042' });
    expect(invoiceNumberFromReference('2 02600 00422', { ...reading, schemes: ['fi'] })).toEqual({ scheme: 'fi', reference: '20260000422', invoiceNumber: 'INV-2026-000042' });
    expect(invoiceNumberFromReference('20260000423', { ...reading, schemes: ['fi'] })).toBeNull();
    expect(invoiceNumberFromReference('hello', reading)).toBeNull();
    expect(formatPaymentReference('rf', 'RF54INV2026000042')).toBe('RF54 INV2 0260 0004 2');
    expect(formatPaymentReference('fi', '20260000422')).toBe('2 02600 00422');
    expect(formatPaymentReference('se-ocr', '2026 0000 4222')).toBe('202600004222');
  });

  it('round-trips every invoice number in every scheme', () => {
    fc.assert(
      fc.property(invoiceNumber, fc.constantFrom('rf', 'se-ocr', 'fi') as fc.Arbitrary<'rf' | 'se-ocr' | 'fi'>, (n, scheme) => {
        const series = n.split('-')[0]!;
        const digits = n.length - series.length - 2;
        if (scheme === 'fi' && digits > 19) return;
        if (scheme === 'se-ocr' && digits > 23) return;
        const ref = paymentReferenceFor(scheme, n);
        expect(invoiceNumberFromReference(formatPaymentReference(scheme, ref), { series, schemes: [scheme] })?.invoiceNumber).toBe(n);
      }),
    );
  });

  it('finds the references quoted in free remittance text', () => {
    const text = 'Payment for RF54 INV2 0260 0004 2 and ref 202600004321 thanks';
    const ocr = paymentReferenceFor('se-ocr', 'INV-2026-000043');
    expect(ocr).toBe('202600004321');
    expect(findPaymentReferences(text, { series: 'INV', schemes: ['rf', 'se-ocr'] }).map((r) => [r.scheme, r.invoiceNumber])).toEqual([
      ['rf', 'INV-2026-000042'],
      ['se-ocr', 'INV-2026-000043'],
    ]);
    expect(findPaymentReferences('RF54INV2026000042 RF54INV2026000042', reading)).toHaveLength(1);
    expect(findPaymentReferences(undefined, reading)).toEqual([]);
  });
});

describe('the seller’s bank account', () => {
  it('is normalised to electronic format, or refused in words', () => {
    expect(parseBankAccount({ iban: 'gb82 west 1234 5698 7654 32', bic: 'westgb2l' })).toEqual({ ok: true, account: { iban: 'GB82WEST12345698765432', bic: 'WESTGB2L' } });
    expect(parseBankAccount({ iban: 'SE45 5000 0000 0583 9825 7466' })).toEqual({ ok: true, account: { iban: 'SE4550000000058398257466' } });
    expect(parseBankAccount({ iban: 'GB82WEST12345698765433' })).toEqual({ ok: false, error: 'IBAN "GB82WEST12345698765433" has wrong check digits (a typing error?)' });
    expect(parseBankAccount({ iban: 'GB82WEST1234569876543' })).toMatchObject({ ok: false, error: expect.stringMatching(/wrong length/) });
    expect(parseBankAccount({ iban: 'XX82WEST12345698765432' })).toMatchObject({ ok: false, error: expect.stringMatching(/country code/) });
    expect(parseBankAccount({ iban: 'DE89370400440532013000', bic: 'DEUT DE' })).toMatchObject({ ok: false, error: expect.stringMatching(/^BIC "DEUT DE" is not a valid BIC/) });
    expect(normaliseIban('de89 3704 0044 0532 0130 00')).toBe('DE89370400440532013000');
    expect(normaliseIban('DE89370400440532013001')).toBeUndefined();
  });
});
