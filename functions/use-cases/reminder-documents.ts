/**
 * The documents a dunning letter carries, behind one call so that rendering can move to its own function (the
 * `render-documents` consumer of the mail flow) without touching send-reminder:
 * 1. the customer's statement of account as of the run's day (always);
 * 2. each invoice's own PDF, on the first letter that names the invoice (no level was sent for it before this one),
 *    so the customer has the invoice in hand when first asked for it, and not again with every reminder.
 */
import type { CustomerStatement } from '#domain/statement';
import type { Customer, Invoice, IsoDate } from '#domain/model';
import type { Company, InvoiceDocuments, MailAttachment } from '../ports.ts';

export interface LetterDocumentsDeps {
  readonly documents: Pick<InvoiceDocuments, 'statementPdf' | 'pdf'>;
  readonly company: Company;
}

const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** True when no dunning level other than `level` was sent for the invoice: this letter is the first to name it. */
export const firstLetterFor = (invoice: Pick<Invoice, 'dunningLevels'>, level: string) => (invoice.dunningLevels ?? []).every((id) => id === level);

export async function letterAttachments(
  input: { readonly statement: CustomerStatement; readonly asOf: IsoDate; readonly customer: Pick<Customer, 'name' | 'email' | 'billingAddress'>; readonly firstInvoices: readonly Invoice[] },
  deps: LetterDocumentsDeps,
): Promise<MailAttachment[]> {
  const statement = await deps.documents.statementPdf(input.statement, deps.company);
  const invoices = await Promise.all(input.firstInvoices.map(async (inv) => ({ filename: `${inv.number}.pdf`, contentType: 'application/pdf', contentBase64: base64(await deps.documents.pdf(inv, deps.company, input.customer)) })));
  return [{ filename: `statement-${input.asOf}.pdf`, contentType: 'application/pdf', contentBase64: base64(statement) }, ...invoices];
}
