/**
 * Structured payment references, designed in at invoice time so that the
 * bank's files later name the invoice a payment is for (issue 9):
 *
 * - ISO 11649 creditor reference: `RF` + two check digits (ISO 7064 MOD 97-10)
 *   + up to 21 letters and digits. o2c's base is the invoice number without
 *   its dashes (`INV-2026-000042` → `INV2026000042` → `RF54INV2026000042`),
 *   so the reference alone gives the invoice back, whatever the series.
 * - Swedish OCR reference (Bankgirot "OCR-referens"): digits, a Luhn (mod 10)
 *   check digit last and, in the "length" control, a length digit before it.
 * - Finnish reference (viitenumero): digits with a 7-3-1 check digit last.
 *
 * The national formats hold digits only and payers type them by hand, so
 * they encode only the year and sequence (`2026` + `000042`): short, and the
 * series comes from configuration when the reference is read back.
 *
 * Also: the seller's bank account (IBAN/BIC) checked with `ibantools`.
 * Pure: no I/O.
 */
import { electronicFormatIBAN, friendlyFormatIBAN, validateBIC, validateIBAN, ValidationErrorsIBAN } from 'ibantools';
import { DomainError } from './errors.ts';
import { formatInvoiceNumber, parseInvoiceNumber } from './invoice.ts';

// ---------------------------------------------------------------- ISO 11649

const RF_BASE = /^[A-Z0-9]{1,21}$/;
const RF_REFERENCE = /^RF(\d{2})([A-Z0-9]{1,21})$/;

/** Spaces out, upper case: how a reference read from print or a form is compared. */
export function compactReference(text: string): string {
  return text.replace(/[\s\u00a0]+/g, '').toUpperCase();
}

/** ISO 7064 MOD 97-10 remainder of an alphanumeric string, letters as A=10 … Z=35, read piecewise (no big integers). */
function mod97(text: string): number {
  let r = 0;
  for (const c of text) {
    const code = c.charCodeAt(0);
    const digits = code >= 48 && code <= 57 ? c : String(code - 55);
    for (const d of digits) r = (r * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return r;
}

/** `RF` + check digits + `base` (1–21 letters or digits; spaces and case ignored). */
export function creditorReference(base: string): string {
  const b = compactReference(base);
  if (!RF_BASE.test(b)) throw new DomainError('InvalidReference', `a creditor reference holds 1 to 21 letters or digits, not ${JSON.stringify(base)}`);
  const check = 98 - mod97(`${b}RF00`);
  return `RF${String(check).padStart(2, '0')}${b}`;
}

/** A well-formed RF reference whose check digits hold (spaces and lower case tolerated). */
export function isValidCreditorReference(text: string): boolean {
  const ref = compactReference(text);
  const m = RF_REFERENCE.exec(ref);
  if (!m) return false;
  // Check digits 00, 01 and 99 can never be produced by 98 − (n mod 97).
  const check = Number(m[1]);
  if (check < 2 || check > 98) return false;
  return mod97(`${m[2]}RF${m[1]}`) === 1;
}

/** Groups of four for print: `RF18 5390 0754 7034`. */
export function formatCreditorReference(text: string): string {
  return compactReference(text).replace(/(.{4})(?=.)/g, '$1 ');
}

// ------------------------------------------------ the invoice in a reference

/** `INV-2026-000042` → `INV2026000042`: the invoice number without its dashes. */
export function invoiceReferenceBase(invoiceNumber: string): string {
  const parts = parseInvoiceNumber(invoiceNumber);
  if (!parts) throw new DomainError('InvalidReference', `${JSON.stringify(invoiceNumber)} is not an invoice number`);
  const base = invoiceNumber.replaceAll('-', '');
  if (base.length > 21) throw new DomainError('InvalidReference', `invoice number ${invoiceNumber} is too long for a creditor reference (at most 21 letters and digits)`);
  return base;
}

/** The RF creditor reference of an invoice: `INV-2026-000042` → `RF54INV2026000042`. */
export function invoiceReference(invoiceNumber: string): string {
  return creditorReference(invoiceReferenceBase(invoiceNumber));
}

/** The invoice number an RF reference made by `invoiceReference` encodes, or null (bad check digits, or not o2c's shape). */
export function invoiceNumberOfReference(reference: string): string | null {
  if (!isValidCreditorReference(reference)) return null;
  const base = compactReference(reference).slice(4);
  const m = /^([A-Z]{2,8})(\d{4})(\d{6,})$/.exec(base);
  if (!m) return null;
  const number = `${m[1]}-${m[2]}-${m[3]}`;
  return parseInvoiceNumber(number) ? number : null;
}

// ------------------------------------------------------ national references

/** Luhn (mod 10, weights 2-1-2… from the right of the payload) check digit. */
export function luhnCheckDigit(payload: string): number {
  if (!/^\d+$/.test(payload)) throw new DomainError('InvalidReference', `${JSON.stringify(payload)} is not a string of digits`);
  let sum = 0;
  for (let i = 0; i < payload.length; i++) {
    const digit = payload.charCodeAt(payload.length - 1 - i) - 48;
    const v = i % 2 === 0 ? digit * 2 : digit;
    sum += v > 9 ? v - 9 : v;
  }
  return (10 - (sum % 10)) % 10;
}

export interface SwedishOcrOptions {
  /**
   * Bankgirot's "length" control: the digit before the check digit is the
   * reference's whole length (check and length digit included) mod 10.
   * Default true (it also catches a dropped or doubled digit).
   */
  readonly lengthDigit?: boolean;
}

/** Swedish OCR reference for `payload` digits (2–25 digits in all, Bankgirot's limits). */
export function swedishOcrReference(payload: string, options: SwedishOcrOptions = {}): string {
  const withLength = options.lengthDigit ?? true;
  if (!/^\d+$/.test(payload)) throw new DomainError('InvalidReference', `an OCR reference holds digits only, not ${JSON.stringify(payload)}`);
  const length = payload.length + (withLength ? 2 : 1);
  if (length > 25) throw new DomainError('InvalidReference', `an OCR reference has at most 25 digits; ${payload} would make ${length}`);
  const body = withLength ? `${payload}${length % 10}` : payload;
  return `${body}${luhnCheckDigit(body)}`;
}

/** An OCR reference's check digit (and length digit, when that control is in use) hold. */
export function isValidSwedishOcr(text: string, options: SwedishOcrOptions = {}): boolean {
  const withLength = options.lengthDigit ?? true;
  const ref = compactReference(text);
  if (!/^\d{2,25}$/.test(ref) || (withLength && ref.length < 3)) return false;
  if (luhnCheckDigit(ref.slice(0, -1)) !== Number(ref.at(-1))) return false;
  return !withLength || Number(ref.at(-2)) === ref.length % 10;
}

/** Finnish 7-3-1 check digit (weights 7, 3, 1, 7, … from the right of the payload). */
export function finnishCheckDigit(payload: string): number {
  if (!/^\d+$/.test(payload)) throw new DomainError('InvalidReference', `${JSON.stringify(payload)} is not a string of digits`);
  const weights = [7, 3, 1] as const;
  let sum = 0;
  for (let i = 0; i < payload.length; i++) sum += (payload.charCodeAt(payload.length - 1 - i) - 48) * weights[i % 3]!;
  return (10 - (sum % 10)) % 10;
}

/** Finnish reference (viitenumero): 3–19 payload digits + the check digit, 4–20 digits in all. */
export function finnishReference(payload: string): string {
  if (!/^\d{3,19}$/.test(payload)) throw new DomainError('InvalidReference', `a Finnish reference is built from 3 to 19 digits, not ${JSON.stringify(payload)}`);
  return `${payload}${finnishCheckDigit(payload)}`;
}

/** Leading zeros are tolerated (the machine-readable form pads to 20 digits); spaces too (print groups of five). */
export function isValidFinnishReference(text: string): boolean {
  const ref = compactReference(text).replace(/^0+/, '');
  if (!/^\d{4,20}$/.test(ref)) return false;
  return finnishCheckDigit(ref.slice(0, -1)) === Number(ref.at(-1));
}

/** Groups of five from the right, no leading zeros, as printed: `12 34561`. */
export function formatFinnishReference(text: string): string {
  const ref = compactReference(text).replace(/^0+/, '');
  return ref.replace(/\B(?=(\d{5})+$)/g, ' ');
}

// ----------------------------------------------------- one choice, read back

export type PaymentReferenceScheme = 'rf' | 'se-ocr' | 'fi';
export const PAYMENT_REFERENCE_SCHEMES: readonly PaymentReferenceScheme[] = ['rf', 'se-ocr', 'fi'];

export interface PaymentReferenceOptions {
  /** Swedish OCR with the length digit (default true). */
  readonly seOcrLengthDigit?: boolean;
}

/** The numeric payload of an invoice for the national schemes: year + sequence (`2026000042`). */
function numericPayload(invoiceNumber: string): string {
  const parts = parseInvoiceNumber(invoiceNumber);
  if (!parts) throw new DomainError('InvalidReference', `${JSON.stringify(invoiceNumber)} is not an invoice number`);
  return invoiceNumber.slice(parts.series.length + 1).replace('-', '');
}

/** The reference printed on an invoice in the configured scheme. */
export function paymentReferenceFor(scheme: PaymentReferenceScheme, invoiceNumber: string, options: PaymentReferenceOptions = {}): string {
  switch (scheme) {
    case 'rf':
      return invoiceReference(invoiceNumber);
    case 'se-ocr':
      return swedishOcrReference(numericPayload(invoiceNumber), { lengthDigit: options.seOcrLengthDigit ?? true });
    case 'fi':
      return finnishReference(numericPayload(invoiceNumber));
    default:
      throw new DomainError('InvalidReference', `unknown payment reference scheme ${JSON.stringify(scheme)}`);
  }
}

/** How a reference is printed: RF in groups of four, Finnish in groups of five, OCR as one run of digits. */
export function formatPaymentReference(scheme: PaymentReferenceScheme, reference: string): string {
  if (scheme === 'rf') return formatCreditorReference(reference);
  if (scheme === 'fi') return formatFinnishReference(reference);
  return compactReference(reference);
}

export interface ReferenceReading extends PaymentReferenceOptions {
  /** The invoice series the numeric schemes belong to (configured `invoiceSeries`). */
  readonly series: string;
  /** Schemes to try, in order (default: all; RF first, then `se-ocr`, then `fi`). */
  readonly schemes?: readonly PaymentReferenceScheme[];
}

export interface RecognisedReference {
  readonly scheme: PaymentReferenceScheme;
  /** The reference as compared: no spaces, upper case, no leading zeros for Finnish. */
  readonly reference: string;
  readonly invoiceNumber: string;
}

function invoiceFromNumericPayload(payload: string, series: string): string | null {
  const m = /^(\d{4})(\d{6,})$/.exec(payload);
  if (!m) return null;
  const sequence = Number(m[2]);
  if (!Number.isSafeInteger(sequence) || sequence < 1) return null;
  try {
    const number = formatInvoiceNumber(series, Number(m[1]), sequence);
    // Only the canonical spelling (no extra leading zeros) is one of our invoices.
    return number.endsWith(`-${m[1]}-${m[2]}`) ? number : null;
  } catch {
    return null;
  }
}

/**
 * The invoice a single reference (as a payer typed it, or as a bank file's
 * structured reference field holds it) names, in any scheme o2c prints, or
 * null. Numeric references can be valid in more than one scheme by chance:
 * the first of `schemes` that reads an invoice wins, so list only those in use.
 */
export function invoiceNumberFromReference(text: string, reading: ReferenceReading): RecognisedReference | null {
  const compact = compactReference(text);
  for (const scheme of reading.schemes ?? PAYMENT_REFERENCE_SCHEMES) {
    if (scheme === 'rf') {
      const invoiceNumber = invoiceNumberOfReference(compact);
      if (invoiceNumber) return { scheme, reference: compact, invoiceNumber };
    } else if (scheme === 'se-ocr') {
      const lengthDigit = reading.seOcrLengthDigit ?? true;
      if (!isValidSwedishOcr(compact, { lengthDigit })) continue;
      const invoiceNumber = invoiceFromNumericPayload(compact.slice(0, lengthDigit ? -2 : -1), reading.series);
      if (invoiceNumber) return { scheme, reference: compact, invoiceNumber };
    } else if (scheme === 'fi') {
      if (!isValidFinnishReference(compact)) continue;
      const ref = compact.replace(/^0+/, '');
      const invoiceNumber = invoiceFromNumericPayload(ref.slice(0, -1), reading.series);
      if (invoiceNumber) return { scheme, reference: ref, invoiceNumber };
    }
  }
  return null;
}

/**
 * Every reference of the schemes read that free text (remittance) quotes, in
 * order of mention, without repeats: RF references also when printed in
 * groups of four (`RF54 INV2 0260 0004 2`), numeric ones as a run of digits.
 */
export function findPaymentReferences(text: string | undefined, reading: ReferenceReading): RecognisedReference[] {
  if (!text) return [];
  const found: RecognisedReference[] = [];
  const add = (r: RecognisedReference | null) => {
    if (r && !found.some((f) => f.invoiceNumber === r.invoiceNumber && f.scheme === r.scheme)) found.push(r);
  };
  const schemes = reading.schemes ?? PAYMENT_REFERENCE_SCHEMES;
  if (schemes.includes('rf')) {
    for (const m of text.matchAll(/\bRF\d{2}(?: ?[A-Z0-9]){1,21}/gi)) {
      // The run may have swallowed the next word: take the longest prefix that is a valid reference of ours.
      const compact = compactReference(m[0]);
      for (let end = compact.length; end >= 5; end--) {
        const r = invoiceNumberFromReference(compact.slice(0, end), { ...reading, schemes: ['rf'] });
        if (r) {
          add(r);
          break;
        }
      }
    }
  }
  const numeric = schemes.filter((s) => s !== 'rf');
  if (numeric.length > 0) {
    for (const m of text.matchAll(/(?<![\d])\d(?:[ \u00a0]?\d){3,24}(?![\d])/g)) add(invoiceNumberFromReference(m[0], { ...reading, schemes: numeric }));
  }
  return found;
}

// ----------------------------------------------------------- bank account

export interface BankAccount {
  /** Electronic format: no spaces, upper case (`GB33BUKB20201555555555`). */
  readonly iban: string;
  readonly bic?: string;
}

export type BankAccountResult = { readonly ok: true; readonly account: BankAccount } | { readonly ok: false; readonly error: string };

const IBAN_PROBLEMS: Partial<Record<ValidationErrorsIBAN, string>> = {
  [ValidationErrorsIBAN.NoIBANProvided]: 'no IBAN given',
  [ValidationErrorsIBAN.NoIBANCountry]: 'does not start with a known country code',
  [ValidationErrorsIBAN.WrongBBANLength]: 'has the wrong length for its country',
  [ValidationErrorsIBAN.WrongBBANFormat]: 'does not have its country’s account number format',
  [ValidationErrorsIBAN.ChecksumNotNumber]: 'has check digits that are not digits',
  [ValidationErrorsIBAN.WrongIBANChecksum]: 'has wrong check digits (a typing error?)',
  [ValidationErrorsIBAN.WrongAccountBankBranchChecksum]: 'has a wrong national check digit',
  [ValidationErrorsIBAN.QRIBANNotAllowed]: 'is a Swiss QR-IBAN',
};

/** The seller's bank account from config, normalised to electronic format, or what is wrong with it in words. */
export function parseBankAccount(input: { readonly iban: string; readonly bic?: string | undefined }): BankAccountResult {
  const iban = electronicFormatIBAN(input.iban ?? '') ?? '';
  const result = validateIBAN(iban);
  if (!result.valid) {
    const why = result.errorCodes.map((c) => IBAN_PROBLEMS[c] ?? 'is not valid').join(', ');
    return { ok: false, error: `IBAN ${JSON.stringify(input.iban)} ${why}` };
  }
  if (input.bic === undefined || input.bic.trim() === '') return { ok: true, account: { iban } };
  const bic = compactReference(input.bic);
  if (!validateBIC(bic).valid) return { ok: false, error: `BIC ${JSON.stringify(input.bic)} is not a valid BIC (8 or 11 characters: bank, country, location, branch)` };
  return { ok: true, account: { iban, bic } };
}

/** An IBAN for print, in groups of four: `GB62 DEMO 0000 0012 3456 78`. */
export function formatIban(iban: string): string {
  return friendlyFormatIBAN(iban) ?? iban;
}

/**
 * How a stored invoice reference is printed: an RF reference as RF whatever the
 * scheme configured now, any other in the configured scheme's print form.
 */
export function printedReference(reference: string, scheme: PaymentReferenceScheme): string {
  return formatPaymentReference(isValidCreditorReference(reference) ? 'rf' : scheme, reference);
}

/** `text` as an electronic-format IBAN when it is a valid one in any spacing or case, else undefined (payer accounts read from bank files). */
export function normaliseIban(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const iban = electronicFormatIBAN(text);
  return iban && validateIBAN(iban).valid ? iban : undefined;
}
