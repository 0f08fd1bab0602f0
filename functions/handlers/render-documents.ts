/**
 * render-documents (documents queue): renders the invoice, credit note and statement PDFs an email carries (Unicode
 * fonts shipped beside the bundle), attaches them and queues the email for send-mail — use-cases/render-documents.
 * The only function that bundles the PDF renderer, so the order path stays small.
 */
import { DocumentMailSchema } from '#adapters/mail-message';
import { mailQueue } from '#adapters/mail-queue';
import { pdfDocuments } from '#adapters/pdf';
import { repositories } from '#adapters/repositories';
import { ublDocuments } from '#adapters/ubl';
import { companyOf, readBindings, sqsHandler } from '#runtime';
import { eInvoiceAttachments } from '#use-cases/e-invoices';
import { renderDocuments } from '#use-cases/render-documents';

const env = readBindings('render-documents');
const { invoices, customers, payments, disputes, refundRequests } = repositories(env.TABLE_NAME);
const company = companyOf(env);
export const deps = {
  ...{ invoices, customers, payments, disputes, refundRequests, documents: pdfDocuments, mail: mailQueue(env.MAIL_QUEUE_URL), company },
  extraAttachments: eInvoiceAttachments({ invoices, eInvoices: ublDocuments, company }),
};
export const handler = sqsHandler(DocumentMailSchema, async (message) => {
  await renderDocuments(message, deps);
});
