/**
 * Renders the documents an email carries, attaches them and queues the email for sending (render-documents, the
 * consumer of the `documents` queue: the one function that bundles the PDF renderer and its fonts).
 *
 * 1. Read each document the message names from its record: an invoice by number, a credit note by its invoice and
 *    number, a customer's statement as of a day (statement.ts undoes every later change, so a retry days later
 *    renders the same statement). A document that is not there is an error: the message is retried, then
 *    dead-lettered (alarmed) — never sent without it.
 * 2. The document's customer: their details on the document, their language for its labels (else the company's
 *    default language, else English).
 * 3. Render each PDF (the same record renders the same bytes) and build the attachment list: the PDF, and beside
 *    it whatever else the document travels with (`extraAttachments`: the place for the Peppol UBL of an
 *    e-invoicing customer's invoice or credit note, which embeds this PDF).
 * 4. Queue the email with its attachments under its own key: the sender sends a key once, so a retry of this
 *    message (or a second render) never sends the email twice.
 */
import { documentLabels } from '#messages/documents/index';
import type { CreditNote, Invoice } from '#domain/model';
import { NotFoundError } from '../errors.ts';
import type { Company, Customers, DocumentMail, DocumentRef, InvoiceDocuments, Invoices, Mail, MailAttachment, StoredCustomer } from '../ports.ts';
import { statementOf, type StatementDeps } from './customer-statement.ts';

export interface RenderDocumentsDeps extends Pick<StatementDeps, 'payments' | 'disputes' | 'refundRequests'> {
  readonly invoices: Invoices;
  readonly customers: Pick<Customers, 'get'>;
  readonly documents: InvoiceDocuments;
  readonly mail: Mail;
  readonly company: Company;
  /**
   * What else a document is attached with, given its PDF (default: nothing). The e-invoice (UBL with the PDF
   * embedded) for customers who want one goes here.
   */
  readonly extraAttachments?: (document: { kind: 'invoice'; invoice: Invoice } | { kind: 'credit-note'; creditNote: CreditNote }, customer: StoredCustomer, pdf: Uint8Array) => Promise<readonly MailAttachment[]>;
}

const pdfAttachment = (filename: string, pdf: Uint8Array): MailAttachment => ({ filename, contentType: 'application/pdf', contentBase64: Buffer.from(pdf).toString('base64') });

async function customerOf(customerId: string, deps: RenderDocumentsDeps): Promise<StoredCustomer> {
  const customer = await deps.customers.get(customerId);
  if (!customer) throw new NotFoundError(`customer ${customerId} does not exist`, 'CustomerNotFound');
  return customer;
}

/** Step 1–3 for one document: its attachments. */
export async function renderDocument(ref: DocumentRef, deps: RenderDocumentsDeps): Promise<readonly MailAttachment[]> {
  const labelsFor = (customer: StoredCustomer) => documentLabels(customer.language, deps.company.defaultLanguage);
  switch (ref.kind) {
    case 'invoice': {
      const invoice = await deps.invoices.get(ref.number);
      if (!invoice) throw new NotFoundError(`invoice ${ref.number} does not exist`, 'InvoiceNotFound');
      const customer = await customerOf(invoice.customerId, deps);
      const pdf = await deps.documents.pdf(invoice, deps.company, customer, labelsFor(customer));
      return [pdfAttachment(`${invoice.number}.pdf`, pdf), ...((await deps.extraAttachments?.({ kind: 'invoice', invoice }, customer, pdf)) ?? [])];
    }
    case 'credit-note': {
      const note = await deps.invoices.creditNote(ref.invoiceNumber, ref.number);
      if (!note) throw new NotFoundError(`credit note ${ref.number} on invoice ${ref.invoiceNumber} does not exist`, 'CreditNoteNotFound');
      const customer = await customerOf(note.customerId, deps);
      const pdf = await deps.documents.creditNotePdf(note, deps.company, customer, labelsFor(customer));
      return [pdfAttachment(`${note.number}.pdf`, pdf), ...((await deps.extraAttachments?.({ kind: 'credit-note', creditNote: note }, customer, pdf)) ?? [])];
    }
    case 'statement': {
      const customer = await customerOf(ref.customerId, deps);
      const statement = await statementOf(customer, ref.asOf, deps);
      return [pdfAttachment(`statement-${ref.asOf}.pdf`, await deps.documents.statementPdf(statement, deps.company, labelsFor(customer)))];
    }
  }
}

export async function renderDocuments(request: DocumentMail, deps: RenderDocumentsDeps): Promise<{ readonly key: string; readonly attachments: number }> {
  const attachments: MailAttachment[] = [...(request.mail.attachments ?? [])];
  for (const ref of request.documents) attachments.push(...(await renderDocument(ref, deps)));
  await deps.mail.enqueue({ ...request.mail, attachments });
  return { key: request.mail.key, attachments: attachments.length };
}
