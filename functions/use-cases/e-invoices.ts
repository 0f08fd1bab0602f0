/**
 * Finance downloads a document's Peppol BIS 3 e-invoice (UBL), as the customer's AP portal would receive it.
 *
 * invoice: 1. The invoice must exist (404). 2. Its VAT-invoice content as fixed at issue (an invoice from before
 *   that content existed gets it from the customer's and the order's current details, document-content). 3. Its
 *   PDF is rendered and embedded. 4. The UBL text.
 * credit note: 1. The note, found by its number (404), and the invoice it corrects. 2.–4. The same, with its share
 *   of the invoice's VAT breakdown.
 */
import type { CreditNote, Invoice } from '#domain/model';
import { documentLabels } from '#messages/documents/index';
import { NotFoundError } from '../errors.ts';
import type { Company, Customers, EInvoices, InvoiceDocuments, Invoices, Orders } from '../ports.ts';
import { withCreditNoteContent, withInvoiceContent } from './document-content.ts';
import { ublAttachment } from './customer-mail.ts';
import type { RenderDocumentsDeps } from './render-documents.ts';

export interface EInvoiceDeps {
  readonly invoices: Invoices;
  readonly customers: Customers;
  /** To fill the content of invoices issued before it was kept (the order's addresses and shipment). */
  readonly orders?: Orders;
  readonly documents: InvoiceDocuments;
  readonly eInvoices: EInvoices;
  readonly company: Company;
}

async function complete(invoice: Invoice, deps: EInvoiceDeps): Promise<Invoice> {
  if (invoice.vatBreakdown && invoice.buyer && invoice.seller) return invoice;
  const customer = await deps.customers.get(invoice.customerId);
  const order = deps.orders ? await deps.orders.get(invoice.orderId) : undefined;
  return withInvoiceContent(invoice, { company: deps.company, ...(customer ? { customer } : {}), ...(order ? { order } : {}) });
}

export async function invoiceEInvoice(number: string, deps: EInvoiceDeps): Promise<{ filename: string; xml: string }> {
  const stored = await deps.invoices.get(number);
  if (!stored) throw new NotFoundError(`invoice ${number} does not exist`, 'InvoiceNotFound');
  const invoice = await complete(stored, deps);
  const customer = await deps.customers.get(invoice.customerId);
  const pdf = customer ? await deps.documents.pdf(invoice, deps.company, customer, documentLabels(customer.language, deps.company.defaultLanguage)) : undefined;
  return { filename: `${invoice.number}.xml`, xml: deps.eInvoices.invoice(invoice, deps.company, pdf) };
}

export async function creditNoteEInvoice(number: string, deps: EInvoiceDeps): Promise<{ filename: string; xml: string }> {
  const stored: CreditNote | undefined = await deps.invoices.creditNoteByNumber(number);
  if (!stored) throw new NotFoundError(`credit note ${number} does not exist (or was issued before credit notes could be found by their number: ask for its invoice's)`, 'CreditNoteNotFound');
  const invoiceStored = await deps.invoices.get(stored.invoiceNumber);
  if (!invoiceStored) throw new NotFoundError(`the invoice ${stored.invoiceNumber} of credit note ${number} does not exist`, 'InvoiceNotFound');
  const invoice = await complete(invoiceStored, deps);
  const customer = await deps.customers.get(stored.customerId);
  const note = withCreditNoteContent(stored, invoice, { company: deps.company, ...(customer ? { customer } : {}) });
  const pdf = customer ? await deps.documents.creditNotePdf(note, deps.company, customer, documentLabels(customer.language, deps.company.defaultLanguage)) : undefined;
  return { filename: `${note.number}.xml`, xml: deps.eInvoices.creditNote(note, invoice, deps.company, pdf) };
}

/**
 * render-documents' `extraAttachments`: for a customer who wants e-invoices (`eInvoice`), the Peppol BIS 3 UBL of the
 * invoice or credit note just rendered, with that PDF embedded (a credit note's needs the invoice it corrects).
 */
export function eInvoiceAttachments(deps: { readonly invoices: Pick<Invoices, 'get'>; readonly eInvoices: EInvoices; readonly company: Company }): NonNullable<RenderDocumentsDeps['extraAttachments']> {
  return async (document, customer, pdf) => {
    if (!customer.eInvoice) return [];
    if (document.kind === 'invoice') {
      const invoice = withInvoiceContent(document.invoice, { company: deps.company, customer });
      return [ublAttachment(invoice.number, deps.eInvoices.invoice(invoice, deps.company, pdf))];
    }
    const note = document.creditNote;
    const stored = await deps.invoices.get(note.invoiceNumber);
    if (!stored) throw new NotFoundError(`the invoice ${note.invoiceNumber} of credit note ${note.number} does not exist`, 'InvoiceNotFound');
    const invoice = withInvoiceContent(stored, { company: deps.company, customer });
    return [ublAttachment(note.number, deps.eInvoices.creditNote(withCreditNoteContent(note, invoice, { company: deps.company, customer }), invoice, deps.company, pdf))];
  };
}
