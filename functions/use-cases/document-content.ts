/**
 * The VAT-invoice content of a document, fixed when it is issued (EU VAT Directive art. 226, HMRC's VAT invoice
 * rules): the seller from config, the buyer from the customer and the order, the supply (shipment) date, the VAT
 * category of every line and shipping, and the VAT summary per category and rate.
 *
 * invoice: 1. Seller: the company's legal identity. 2. Buyer: the customer's name, VAT and company number, Peppol
 *   id; the order's billing (else the customer's, else the shipping) address. 3. Supply date: the day the order
 *   shipped, in the company's zone. 4. Categories and breakdown (domain/vat): 0 % lines are reverse charge,
 *   export or zero-rated by the buyer's VAT number and the destination.
 * credit note: 1. The corrected invoice's parties and supply date. 2. Its net, shipping and tax shared over the
 *   invoice's VAT subtotals (domain/vat `creditNoteVat`).
 * Documents issued before this content existed get it computed the same way when an e-invoice is asked for
 * (`withInvoiceContent` on the stored invoice, with the customer's current details).
 */
import { todayIn } from '#domain/dates';
import type { CreditNote, Customer, Invoice, Order, Party } from '#domain/model';
import { buyerParty, creditNoteVat, invoiceVat, sellerParty, type VatSituation } from '#domain/vat';
import type { Company, StoredCustomer } from '../ports.ts';

/** The customer's VAT number: the one set for invoices, else the tax id finance keeps. */
const vatNumberOf = (customer: (Customer & { readonly taxId?: string }) | undefined) => customer?.vatNumber ?? (customer?.taxId && /^[A-Z]{2}/i.test(customer.taxId) ? customer.taxId.toUpperCase() : undefined);

export interface InvoiceContentInput {
  readonly company: Company;
  readonly customer?: StoredCustomer | Customer;
  readonly order?: Pick<Order, 'billingAddress' | 'shippingAddress' | 'shipping'> & { readonly shipment?: Record<string, unknown> };
}

/** The invoice with its parties, supply date, line categories and VAT breakdown. */
export function withInvoiceContent(invoice: Invoice, input: InvoiceContentInput): Invoice {
  const { company, customer, order } = input;
  const vatNumber = vatNumberOf(customer);
  const buyer = invoice.buyer ?? (customer ? buyerParty({ ...customer, ...(vatNumber ? { vatNumber } : {}) }, order) : undefined);
  const situation: VatSituation = {
    sellerCountry: company.legal?.country ?? 'GB',
    reverseCharge: company.legal?.reverseCharge === true,
    ...(buyer?.vatNumber ? { buyerVatNumber: buyer.vatNumber } : {}),
    ...(order?.shippingAddress ? { shipTo: order.shippingAddress } : {}),
  };
  const vat = invoice.vatBreakdown ? undefined : invoiceVat({ lines: invoice.lines, totals: invoice.totals, ...(order?.shipping ? { shippingRatePpm: order.shipping.taxRatePpm } : {}) }, situation);
  const shippedAt = order?.shipment?.shippedAt;
  const supplyDate = invoice.supplyDate ?? (typeof shippedAt === 'string' && !Number.isNaN(Date.parse(shippedAt)) ? todayIn(company.timezone, new Date(shippedAt)) : undefined);
  return {
    ...invoice,
    seller: invoice.seller ?? sellerParty(company),
    ...(buyer ? { buyer } : {}),
    ...(supplyDate ? { supplyDate } : {}),
    ...(vat ? { lines: vat.lines, vatBreakdown: vat.vatBreakdown, ...(vat.shippingVatCategory ? { shippingVatCategory: vat.shippingVatCategory } : {}) } : {}),
  };
}

/** The credit note with the corrected invoice's parties and supply date, and its share of the invoice's VAT subtotals. */
export function withCreditNoteContent(creditNote: CreditNote, invoice: Invoice, input: Pick<InvoiceContentInput, 'company' | 'customer'>): CreditNote {
  const full = invoice.vatBreakdown ? invoice : withInvoiceContent(invoice, input);
  return {
    ...creditNote,
    seller: creditNote.seller ?? full.seller ?? sellerParty(input.company),
    ...(creditNote.buyer ?? full.buyer ? { buyer: creditNote.buyer ?? full.buyer } : {}),
    ...(creditNote.supplyDate ?? full.supplyDate ? { supplyDate: creditNote.supplyDate ?? full.supplyDate } : {}),
    vatBreakdown: creditNote.vatBreakdown ?? creditNoteVat(creditNote, full.vatBreakdown ?? []),
    ...(full.shippingVatCategory && creditNote.shipping > 0 ? { shippingVatCategory: full.shippingVatCategory } : {}),
  };
}
