/**
 * The VAT content of a document (EU VAT Directive art. 226, HMRC's VAT invoice rules): the category of every line
 * and of shipping, and the VAT summary per category and rate, exact in minor units.
 *
 * Amounts are never recomputed here: the lines and the shipping tax come priced (domain/pricing, platform taxes
 * authoritative), and the breakdown only groups them, so Σ tax = totals.tax and Σ taxable = net + shipping always.
 * A category only names why a 0 % line carries no VAT: reverse charge (`AE`) for a business buyer with a VAT number
 * in another EU member state (when the seller opts in), export (`G`) for goods shipped out of the seller's VAT area,
 * zero-rated (`Z`) otherwise. A line priced with VAT is standard-rated (`S`).
 */
import { DomainError } from './errors.ts';
import type { Address, CreditNote, Invoice, Party, PricedLine, VatCategory, VatSubtotal } from './model.ts';
import { allocate, sumAmounts } from './money.ts';

/** EU member states (ISO 3166-1 alpha-2; Greece's VAT prefix is EL). */
export const EU_COUNTRIES: ReadonlySet<string> = new Set('AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK'.split(' '));

/** The country of a VAT number's prefix (`EL` → `GR`, `XI` Northern Ireland → `GB`); undefined when it has none. */
export function vatNumberCountry(vatNumber: string | undefined): string | undefined {
  const prefix = vatNumber?.trim().slice(0, 2).toUpperCase();
  if (!prefix || !/^[A-Z]{2}$/.test(prefix)) return undefined;
  return prefix === 'EL' ? 'GR' : prefix === 'XI' ? 'GB' : prefix;
}

/** Why no VAT is charged, printed on the document and sent as the e-invoice's exemption reason. */
export const EXEMPTION_REASONS: Readonly<Partial<Record<VatCategory, string>>> = {
  AE: 'Reverse charge: VAT to be accounted for by the customer (Directive 2006/112/EC art. 196)',
  G: 'Export of goods outside the VAT area: zero-rated (Directive 2006/112/EC art. 146)',
  K: 'Intra-community supply of goods: exempt (Directive 2006/112/EC art. 138)',
  E: 'Exempt from VAT',
  O: 'Outside the scope of VAT',
};

export interface VatSituation {
  /** The seller's country (ISO alpha-2). */
  readonly sellerCountry: string;
  /** The seller accounts intra-EU B2B supplies as reverse charge (config `vatReverseCharge`). */
  readonly reverseCharge: boolean;
  readonly buyerVatNumber?: string;
  /** Where the goods go (the order's shipping address). */
  readonly shipTo?: Pick<Address, 'country'>;
}

/** The category of a 0 % supply in this situation (a supply with VAT is always `S`). */
export function zeroRateCategory(s: VatSituation): VatCategory {
  const seller = s.sellerCountry.toUpperCase();
  const buyer = vatNumberCountry(s.buyerVatNumber);
  if (s.reverseCharge && buyer && buyer !== seller && EU_COUNTRIES.has(buyer) && EU_COUNTRIES.has(seller)) return 'AE';
  const dest = s.shipTo?.country.toUpperCase();
  if (dest && dest !== seller && !(EU_COUNTRIES.has(dest) && EU_COUNTRIES.has(seller))) return 'G';
  return 'Z';
}

/** A line's (or the shipping's) category: given, else `S` when it carries tax or a rate, else the situation's zero-rate category. */
export function categoryOf(given: VatCategory | undefined, ratePpm: number, tax: number, s: VatSituation): VatCategory {
  if (given) return given;
  return ratePpm > 0 || tax > 0 ? 'S' : zeroRateCategory(s);
}

/** The lines with their categories set. */
export function categorise(lines: readonly PricedLine[], s: VatSituation): PricedLine[] {
  return lines.map((l) => ({ ...l, vatCategory: categoryOf(l.vatCategory, l.taxRatePpm, l.tax, s) }));
}

export interface TaxedAmount {
  readonly category: VatCategory;
  readonly ratePpm: number;
  readonly taxable: number;
  readonly tax: number;
}

/** Groups taxed amounts by category and rate (first seen first), exemption reasons added. */
export function groupVat(items: readonly TaxedAmount[]): VatSubtotal[] {
  const groups = new Map<string, { category: VatCategory; ratePpm: number; taxable: number[]; tax: number[] }>();
  for (const it of items) {
    if (it.category !== 'S' && it.ratePpm !== 0) throw new DomainError('InvalidVat', `VAT category ${it.category} is charged at 0 %, not ${it.ratePpm / 10_000} %`);
    if (it.category !== 'S' && it.tax !== 0) throw new DomainError('InvalidVat', `VAT category ${it.category} carries no VAT`);
    const key = `${it.category}:${it.ratePpm}`;
    const g = groups.get(key) ?? { category: it.category, ratePpm: it.ratePpm, taxable: [], tax: [] };
    g.taxable.push(it.taxable);
    g.tax.push(it.tax);
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => {
    const reason = EXEMPTION_REASONS[g.category];
    return { category: g.category, ratePpm: g.ratePpm, taxable: sumAmounts(g.taxable), tax: sumAmounts(g.tax), ...(reason ? { exemptionReason: reason } : {}) };
  });
}

export interface InvoiceVat {
  readonly lines: PricedLine[];
  readonly shippingVatCategory?: VatCategory;
  readonly vatBreakdown: VatSubtotal[];
}

/**
 * The categories and the VAT summary of an invoice: one subtotal per category and rate, shipping in its own
 * category and rate (the order's shipping rate). Σ tax = totals.tax, Σ taxable = totals.net + totals.shipping.
 */
export function invoiceVat(invoice: Pick<Invoice, 'lines' | 'totals'> & { readonly shippingRatePpm?: number }, s: VatSituation): InvoiceVat {
  const lines = categorise(invoice.lines, s);
  const lineTax = sumAmounts(lines.map((l) => l.tax));
  const shippingTax = invoice.totals.tax - lineTax;
  const hasShipping = invoice.totals.shipping !== 0 || shippingTax !== 0;
  const shippingRate = invoice.shippingRatePpm ?? (shippingTax > 0 ? dominantRate(lines) : 0);
  const shippingVatCategory = hasShipping ? categoryOf(undefined, shippingRate, shippingTax, s) : undefined;
  const items: TaxedAmount[] = lines.map((l) => ({ category: l.vatCategory!, ratePpm: l.taxRatePpm, taxable: l.net, tax: l.tax }));
  if (shippingVatCategory) items.push({ category: shippingVatCategory, ratePpm: shippingVatCategory === 'S' ? shippingRate : 0, taxable: invoice.totals.shipping, tax: shippingTax });
  const vatBreakdown = groupVat(items);
  assertBreakdown(vatBreakdown, invoice.totals.net + invoice.totals.shipping, invoice.totals.tax);
  return { lines, ...(shippingVatCategory ? { shippingVatCategory } : {}), vatBreakdown };
}

/** The highest rate of the lines (shipping follows the principal supply when its own rate is unknown). */
function dominantRate(lines: readonly PricedLine[]): number {
  return lines.reduce((m, l) => Math.max(m, l.taxRatePpm), 0);
}

/**
 * A credit note's VAT summary: its taxable amount (net + shipping) and its tax shared over the corrected invoice's
 * subtotals in their proportions (largest remainder, so both sum exactly).
 */
export function creditNoteVat(cn: Pick<CreditNote, 'net' | 'shipping' | 'tax'>, invoiceBreakdown: readonly VatSubtotal[]): VatSubtotal[] {
  if (invoiceBreakdown.length === 0) throw new DomainError('InvalidVat', 'the corrected invoice has no VAT breakdown');
  const taxableWeights = invoiceBreakdown.map((v) => v.taxable);
  const taxWeights = invoiceBreakdown.map((v) => v.tax);
  const taxable = sumAmounts(taxableWeights) === 0 ? even(cn.net + cn.shipping, invoiceBreakdown.length) : allocate(cn.net + cn.shipping, taxableWeights);
  const tax = sumAmounts(taxWeights) === 0 ? invoiceBreakdown.map(() => 0) : allocate(cn.tax, taxWeights);
  if (sumAmounts(taxWeights) === 0 && cn.tax !== 0) throw new DomainError('InvalidVat', 'a credit note cannot reverse VAT its invoice never charged');
  const breakdown = invoiceBreakdown.map((v, i) => ({ ...v, taxable: taxable[i]!, tax: tax[i]! })).filter((v) => v.taxable !== 0 || v.tax !== 0);
  return breakdown.length > 0 ? breakdown : [{ ...invoiceBreakdown[0]!, taxable: 0, tax: 0 }];
}

function even(total: number, n: number): number[] {
  return allocate(total, Array.from({ length: n }, () => 1));
}

function assertBreakdown(breakdown: readonly VatSubtotal[], taxable: number, tax: number): void {
  if (sumAmounts(breakdown.map((v) => v.taxable)) !== taxable || sumAmounts(breakdown.map((v) => v.tax)) !== tax) {
    throw new DomainError('InvalidVat', 'the VAT breakdown does not add up to the totals');
  }
}

/** The buyer as a document names it: the customer's legal details, the order's billing (else shipping) address. */
export function buyerParty(customer: { readonly name: string; readonly email?: string; readonly vatNumber?: string; readonly companyNumber?: string; readonly peppolId?: { readonly scheme: string; readonly id: string }; readonly billingAddress?: Address }, order?: { readonly billingAddress?: Address; readonly shippingAddress?: Address }): Party {
  const address = order?.billingAddress ?? customer.billingAddress ?? order?.shippingAddress;
  return {
    name: address?.company ?? customer.name,
    ...(address ? { address } : {}),
    ...(customer.vatNumber ? { vatNumber: customer.vatNumber } : {}),
    ...(customer.companyNumber ? { companyNumber: customer.companyNumber } : {}),
    ...(customer.peppolId ? { endpoint: customer.peppolId } : {}),
    ...(customer.email ? { email: customer.email } : {}),
  };
}

/** What the seller's party is made of: the trading name and, where configured, the legal identity (port `Company`). */
export interface SellerIdentity {
  readonly name: string;
  readonly legal?: {
    readonly legalName: string;
    readonly postalAddress?: Address;
    readonly vatNumber?: string;
    readonly registration?: string;
    readonly peppolId?: { readonly scheme: string; readonly id: string };
  };
}

/** The seller as documents name it: the legal identity from config (else the trading name). */
export function sellerParty(company: SellerIdentity): Party {
  const legal = company.legal;
  return {
    name: legal?.legalName ?? company.name,
    ...(legal?.postalAddress ? { address: legal.postalAddress } : {}),
    ...(legal?.vatNumber ? { vatNumber: legal.vatNumber } : {}),
    ...(legal?.registration ? { companyNumber: legal.registration } : {}),
    ...(legal?.peppolId ? { endpoint: legal.peppolId } : {}),
  };
}
