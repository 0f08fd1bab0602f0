/**
 * Peppol BIS Billing 3.0 e-invoices: an invoice or credit note as UBL 2.1, written with fast-xml-parser's XMLBuilder
 * (already a dependency; a few KB in the bundle, where `@e-invoice-eu/core` would add 2.6 MB to build the same
 * elements from a mapping). Pure: the document, the seller and, optionally, the PDF's bytes in; the XML text out.
 *
 * What it fills (EN 16931 business terms): number, issue and due date, type code, currency, buyer reference and
 * order reference (the platform's order reference, else our order id), the corrected invoice of a credit note, the
 * PDF as an embedded `AdditionalDocumentReference`, seller and buyer with endpoint ids, postal addresses, VAT and
 * registration numbers, the supply date, payment means (58 SEPA credit transfer for EUR to a SEPA IBAN, else 30
 * credit transfer) with the IBAN, BIC and the structured reference as `PaymentID`, payment terms, shipping as a
 * document-level charge, the VAT breakdown, the totals and one line per invoice line.
 *
 * Amounts are decimal strings built from minor units (domain/money `toDecimalString`: JPY 0 decimals, GBP 2, KWD 3),
 * never floats. EN 16931 allows at most 2 decimals on amounts (BR-DEC-*): a three-decimal currency's amounts are
 * written exactly and a receiver's validator will refuse those with a non-zero third decimal.
 */
import { XMLBuilder } from 'fast-xml-parser';
import type { Address, CreditNote, Invoice, Party, PricedLine, VatCategory, VatSubtotal } from '#domain/model';
import { describeTerms } from '#domain/invoice';
import { toDecimalString } from '#domain/money';
import { sellerParty } from '#domain/vat';
import type { Company, EInvoices } from '../ports.ts';

export const PEPPOL_CUSTOMIZATION_ID = 'urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0';
export const PEPPOL_PROFILE_ID = 'urn:fdc:peppol.eu:2017:poacc:billing:01:1.0';

const NS = {
  invoice: 'urn:oasis:names:specification:ubl:schema:xsd:Invoice-2',
  creditNote: 'urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2',
  cac: 'urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2',
  cbc: 'urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2',
};

/** Peppol electronic address schemes (EAS) of VAT numbers, by country: a party's endpoint when it has no Peppol id. */
const VAT_EAS: Readonly<Record<string, string>> = {
  AT: '9914', BE: '9925', BG: '9926', CY: '9928', CZ: '9929', DE: '9930', EE: '9931', GB: '9932', GR: '9933', HR: '9934', IE: '9935',
  LT: '9937', LU: '9938', LV: '9939', MT: '9943', NL: '9944', PL: '9945', PT: '9946', RO: '9947', SI: '9949', SK: '9950', FR: '9957', HU: '9910', ES: '9920',
};

/** VAT exemption reason codes (VATEX) of the categories that carry one. */
const VATEX: Readonly<Partial<Record<VatCategory, string>>> = { AE: 'VATEX-EU-AE', G: 'VATEX-EU-G', K: 'VATEX-EU-IC', O: 'VATEX-EU-O' };

/** SEPA countries (IBAN prefixes) for payment means code 58. */
const SEPA = new Set('AT BE BG CH CY CZ DE DK EE ES FI FR GB GI GR HR HU IE IS IT LI LT LU LV MC MT NL NO PL PT RO SE SI SK SM VA AD'.split(' '));

type Node = Record<string, unknown>;

const amount = (minor: number, currency: string) => ({ '#text': toDecimalString({ amount: minor, currency }), '@_currencyID': currency });

/** 200000 ppm → "20", 88750 → "8.875": exact, from the integer. */
export function percentOf(ratePpm: number): string {
  const whole = Math.trunc(ratePpm / 10_000);
  const frac = String(ratePpm % 10_000).padStart(4, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : String(whole);
}

function taxCategory(category: VatCategory, ratePpm: number, reason?: string): Node {
  return {
    'cbc:ID': category,
    ...(category === 'O' ? {} : { 'cbc:Percent': percentOf(ratePpm) }),
    ...(category !== 'S' && category !== 'Z' && VATEX[category] ? { 'cbc:TaxExemptionReasonCode': VATEX[category] } : {}),
    ...(category !== 'S' && category !== 'Z' && reason ? { 'cbc:TaxExemptionReason': reason } : {}),
    'cac:TaxScheme': { 'cbc:ID': 'VAT' },
  };
}

function postalAddress(a: Address | undefined, fallbackCountry: string): Node {
  return {
    ...(a?.line1 ? { 'cbc:StreetName': a.line1 } : {}),
    ...(a?.line2 ? { 'cbc:AdditionalStreetName': a.line2 } : {}),
    ...(a?.city ? { 'cbc:CityName': a.city } : {}),
    ...(a?.postalCode ? { 'cbc:PostalZone': a.postalCode } : {}),
    ...(a?.region ? { 'cbc:CountrySubentity': a.region } : {}),
    'cac:Country': { 'cbc:IdentificationCode': (a?.country ?? fallbackCountry).toUpperCase() },
  };
}

/** The party's endpoint: its Peppol id, else its VAT number under its country's VAT scheme. */
export function endpointOf(party: Party): { scheme: string; id: string } | undefined {
  if (party.endpoint) return party.endpoint;
  const prefix = party.vatNumber?.slice(0, 2).toUpperCase();
  const scheme = prefix ? VAT_EAS[prefix === 'EL' ? 'GR' : prefix] : undefined;
  return scheme && party.vatNumber ? { scheme, id: party.vatNumber } : undefined;
}

function party(p: Party, fallbackCountry: string): Node {
  const endpoint = endpointOf(p);
  return {
    'cac:Party': {
      ...(endpoint ? { 'cbc:EndpointID': { '#text': endpoint.id, '@_schemeID': endpoint.scheme } } : {}),
      'cac:PartyName': { 'cbc:Name': p.name },
      'cac:PostalAddress': postalAddress(p.address, fallbackCountry),
      ...(p.vatNumber ? { 'cac:PartyTaxScheme': { 'cbc:CompanyID': p.vatNumber, 'cac:TaxScheme': { 'cbc:ID': 'VAT' } } } : {}),
      'cac:PartyLegalEntity': { 'cbc:RegistrationName': p.name, ...(p.companyNumber ? { 'cbc:CompanyID': p.companyNumber } : {}) },
      ...(p.email ? { 'cac:Contact': { 'cbc:ElectronicMail': p.email } } : {}),
    },
  };
}

/** The seller as the document fixed it at issue, else as the company is configured now. */
export function sellerOf(doc: { readonly seller?: Party }, company: Company): Party {
  return doc.seller ?? sellerParty(company);
}

function paymentMeans(company: Company, currency: string, paymentId: string): Node {
  const { iban, bic, bankName } = company.bankAccount;
  const sepa = currency === 'EUR' && SEPA.has(iban.slice(0, 2));
  return {
    'cbc:PaymentMeansCode': { '#text': sepa ? '58' : '30', '@_name': sepa ? 'SEPA credit transfer' : 'Credit transfer' },
    'cbc:PaymentID': paymentId,
    'cac:PayeeFinancialAccount': { 'cbc:ID': iban, ...(bankName ? { 'cbc:Name': bankName } : {}), 'cac:FinancialInstitutionBranch': { 'cbc:ID': bic } },
  };
}

function attachment(number: string, title: string, pdf: Uint8Array | undefined): Node {
  if (!pdf) return {};
  return {
    'cac:AdditionalDocumentReference': {
      'cbc:ID': number,
      'cbc:DocumentDescription': title,
      'cac:Attachment': { 'cbc:EmbeddedDocumentBinaryObject': { '#text': Buffer.from(pdf).toString('base64'), '@_mimeCode': 'application/pdf', '@_filename': `${number}.pdf` } },
    },
  };
}

function taxTotal(breakdown: readonly VatSubtotal[], currency: string): Node {
  return {
    'cac:TaxTotal': {
      'cbc:TaxAmount': amount(breakdown.reduce((s, v) => s + v.tax, 0), currency),
      'cac:TaxSubtotal': breakdown.map((v) => ({
        'cbc:TaxableAmount': amount(v.taxable, currency),
        'cbc:TaxAmount': amount(v.tax, currency),
        'cac:TaxCategory': taxCategory(v.category, v.ratePpm, v.exemptionReason),
      })),
    },
  };
}

function categoryOfLine(l: PricedLine): VatCategory {
  return l.vatCategory ?? (l.taxRatePpm > 0 ? 'S' : 'Z');
}

function invoiceLine(l: PricedLine, index: number, currency: string, lineTag: string, quantityTag: string): Node {
  // Net of tax the unit price is not always a whole number of minor units (tax-inclusive prices: the net is what is
  // left after the tax was taken out): the line's net is then the price of all its units (BaseQuantity = quantity),
  // so quantity × price / base = net exactly.
  const inclusive = l.net !== l.gross - l.discount;
  const category = categoryOfLine(l);
  return {
    [`cbc:ID`]: String(index + 1),
    [quantityTag]: { '#text': String(l.quantity), '@_unitCode': 'C62' },
    'cbc:LineExtensionAmount': amount(l.net, currency),
    ...(!inclusive && l.discount > 0
      ? { 'cac:AllowanceCharge': { 'cbc:ChargeIndicator': 'false', 'cbc:AllowanceChargeReasonCode': '95', 'cbc:AllowanceChargeReason': 'Discount', 'cbc:Amount': amount(l.discount, currency) } }
      : {}),
    'cac:Item': {
      'cbc:Name': l.description.slice(0, 200) || l.sku,
      'cac:SellersItemIdentification': { 'cbc:ID': l.sku },
      'cac:ClassifiedTaxCategory': { 'cbc:ID': category, ...(category === 'O' ? {} : { 'cbc:Percent': percentOf(l.taxRatePpm) }), 'cac:TaxScheme': { 'cbc:ID': 'VAT' } },
    },
    'cac:Price': inclusive
      ? { 'cbc:PriceAmount': amount(l.net, currency), 'cbc:BaseQuantity': { '#text': String(l.quantity), '@_unitCode': 'C62' } }
      : { 'cbc:PriceAmount': amount(l.unitPrice, currency) },
    _tag: lineTag,
  };
}

/** The rate of the standard-rated subtotal the shipping charge is in: the one whose taxable exceeds its lines' by the shipping. */
function shippingRateOf(invoice: Invoice, category: VatCategory): number {
  if (category !== 'S') return 0;
  for (const v of invoice.vatBreakdown ?? []) {
    if (v.category !== 'S') continue;
    const lines = invoice.lines.filter((l) => categoryOfLine(l) === 'S' && l.taxRatePpm === v.ratePpm).reduce((s, l) => s + l.net, 0);
    if (v.taxable - lines === invoice.totals.shipping) return v.ratePpm;
  }
  return 0;
}

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', format: true, indentBy: '  ', suppressBooleanAttributes: false });

function toXml(rootTag: string, rootNs: string, body: Node, lines: Node[], lineTag: string): string {
  const root = { '@_xmlns': rootNs, '@_xmlns:cac': NS.cac, '@_xmlns:cbc': NS.cbc, ...body, [lineTag]: lines.map(({ _tag, ...rest }) => rest) };
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [rootTag]: root })}`;
}

export interface UblOptions {
  /** The PDF of the same document, embedded as its visual representation. */
  readonly pdf?: Uint8Array;
}

/** The balance owed when the invoice was issued: today's balance with every later change of it undone. */
function balanceAtIssue(invoice: Invoice): number {
  if (!invoice.history) return invoice.balance;
  return Math.min(invoice.totals.total, invoice.history.reduce((b, e) => b + e.amount, invoice.balance));
}

/** The invoice as a Peppol BIS 3 UBL invoice. The document needs its VAT breakdown (filled at issue time). */
export function invoiceUbl(invoice: Invoice, company: Company, options: UblOptions = {}): string {
  const c = invoice.currency;
  const seller = sellerOf(invoice, company);
  const sellerCountry = seller.address?.country ?? company.legal?.country ?? 'GB';
  const buyer = invoice.buyer ?? { name: invoice.customerId };
  const breakdown = invoice.vatBreakdown ?? [];
  const t = invoice.totals;
  const prepaid = Math.max(0, t.total - Math.max(0, balanceAtIssue(invoice)));
  const payable = t.total - prepaid;
  const shippingCategory = invoice.shippingVatCategory ?? 'Z';
  const shippingRate = shippingRateOf(invoice, shippingCategory);
  const terms = payable === 0 ? 'Paid' : `${describeTerms(invoice.terms)}${invoice.earlyPayment ? `; pay ${toDecimalString({ amount: invoice.earlyPayment.amountDue, currency: c })} ${c} by ${invoice.earlyPayment.until} (early-payment discount)` : ''}`;
  const body: Node = {
    'cbc:CustomizationID': PEPPOL_CUSTOMIZATION_ID,
    'cbc:ProfileID': PEPPOL_PROFILE_ID,
    'cbc:ID': invoice.number,
    'cbc:IssueDate': invoice.issueDate,
    'cbc:DueDate': invoice.dueDate,
    'cbc:InvoiceTypeCode': '380',
    'cbc:DocumentCurrencyCode': c,
    'cbc:BuyerReference': invoice.orderReference ?? invoice.orderId,
    'cac:OrderReference': { 'cbc:ID': invoice.orderReference ?? invoice.orderId },
    ...attachment(invoice.number, `Invoice ${invoice.number}`, options.pdf),
    'cac:AccountingSupplierParty': party(seller, sellerCountry),
    'cac:AccountingCustomerParty': party(buyer, sellerCountry),
    ...(invoice.supplyDate ? { 'cac:Delivery': { 'cbc:ActualDeliveryDate': invoice.supplyDate } } : {}),
    ...(payable > 0 ? { 'cac:PaymentMeans': paymentMeans(company, c, invoice.paymentReference ?? invoice.number) } : {}),
    'cac:PaymentTerms': { 'cbc:Note': terms },
    ...(t.shipping > 0
      ? {
          'cac:AllowanceCharge': {
            'cbc:ChargeIndicator': 'true',
            'cbc:AllowanceChargeReasonCode': 'FC',
            'cbc:AllowanceChargeReason': 'Shipping',
            'cbc:Amount': amount(t.shipping, c),
            'cac:TaxCategory': taxCategory(shippingCategory, shippingRate),
          },
        }
      : {}),
    ...taxTotal(breakdown, c),
    'cac:LegalMonetaryTotal': {
      'cbc:LineExtensionAmount': amount(t.net, c),
      'cbc:TaxExclusiveAmount': amount(t.net + t.shipping, c),
      'cbc:TaxInclusiveAmount': amount(t.total, c),
      ...(t.shipping > 0 ? { 'cbc:ChargeTotalAmount': amount(t.shipping, c) } : {}),
      ...(prepaid > 0 ? { 'cbc:PrepaidAmount': amount(prepaid, c) } : {}),
      'cbc:PayableAmount': amount(payable, c),
    },
  };
  const lines = invoice.lines.map((l, i) => invoiceLine(l, i, c, 'cac:InvoiceLine', 'cbc:InvoicedQuantity'));
  return toXml('Invoice', NS.invoice, body, lines, 'cac:InvoiceLine');
}

/**
 * The credit note as a Peppol BIS 3 UBL credit note, referring to the invoice it corrects. One line per VAT subtotal
 * (the credit is a share of the invoice's goods, shipping and tax, not of its lines): "Credit on INV-…: <reason>".
 */
export function creditNoteUbl(cn: CreditNote, invoice: Invoice, company: Company, options: UblOptions = {}): string {
  const c = cn.currency;
  const seller = sellerOf(cn.seller ? cn : invoice, company);
  const sellerCountry = seller.address?.country ?? company.legal?.country ?? 'GB';
  const buyer = cn.buyer ?? invoice.buyer ?? { name: cn.customerId };
  const breakdown = cn.vatBreakdown ?? [];
  const taxable = cn.net + cn.shipping;
  const body: Node = {
    'cbc:CustomizationID': PEPPOL_CUSTOMIZATION_ID,
    'cbc:ProfileID': PEPPOL_PROFILE_ID,
    'cbc:ID': cn.number,
    'cbc:IssueDate': cn.issueDate,
    'cbc:CreditNoteTypeCode': '381',
    'cbc:Note': cn.reason,
    'cbc:DocumentCurrencyCode': c,
    'cbc:BuyerReference': invoice.orderReference ?? invoice.orderId,
    'cac:OrderReference': { 'cbc:ID': invoice.orderReference ?? invoice.orderId },
    'cac:BillingReference': { 'cac:InvoiceDocumentReference': { 'cbc:ID': invoice.number, 'cbc:IssueDate': invoice.issueDate } },
    ...attachment(cn.number, `Credit note ${cn.number}`, options.pdf),
    'cac:AccountingSupplierParty': party(seller, sellerCountry),
    'cac:AccountingCustomerParty': party(buyer, sellerCountry),
    ...(cn.supplyDate ?? invoice.supplyDate ? { 'cac:Delivery': { 'cbc:ActualDeliveryDate': cn.supplyDate ?? invoice.supplyDate } } : {}),
    ...taxTotal(breakdown, c),
    'cac:LegalMonetaryTotal': {
      'cbc:LineExtensionAmount': amount(taxable, c),
      'cbc:TaxExclusiveAmount': amount(taxable, c),
      'cbc:TaxInclusiveAmount': amount(cn.total, c),
      'cbc:PayableAmount': amount(cn.total, c),
    },
  };
  const lines = breakdown.map((v, i) => ({
    'cbc:ID': String(i + 1),
    'cbc:CreditedQuantity': { '#text': '1', '@_unitCode': 'C62' },
    'cbc:LineExtensionAmount': amount(v.taxable, c),
    'cac:Item': {
      'cbc:Name': `Credit on ${invoice.number}: ${cn.reason}`.slice(0, 200),
      'cac:ClassifiedTaxCategory': { 'cbc:ID': v.category, ...(v.category === 'O' ? {} : { 'cbc:Percent': percentOf(v.ratePpm) }), 'cac:TaxScheme': { 'cbc:ID': 'VAT' } },
    },
    'cac:Price': { 'cbc:PriceAmount': amount(v.taxable, c) },
  }));
  return toXml('CreditNote', NS.creditNote, body, lines, 'cac:CreditNoteLine');
}

/** The EInvoices port. */
export const ublDocuments: EInvoices = {
  invoice: (invoice, company, pdf) => invoiceUbl(invoice, company, pdf ? { pdf } : {}),
  creditNote: (creditNote, invoice, company, pdf) => creditNoteUbl(creditNote, invoice, company, pdf ? { pdf } : {}),
};
