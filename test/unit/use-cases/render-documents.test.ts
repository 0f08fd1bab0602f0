/** render-documents: the email queued with its documents, rendered from their records in the customer's language, attached once per key. */
import { describe, expect, it } from 'vitest';
import { pdfDocuments } from '../../../functions/adapters/pdf.ts';
import type { CustomerStatement } from '../../../functions/domain/statement.ts';
import type { Invoice } from '../../../functions/domain/model.ts';
import { NotFoundError } from '../../../functions/errors.ts';
import type { DocumentLabels } from '../../../functions/messages/documents/types.ts';
import type { DocumentMail, InvoiceDocuments } from '../../../functions/ports.ts';
import { issueInvoice } from '../../../functions/use-cases/issue-invoice.ts';
import { renderDocuments } from '../../../functions/use-cases/render-documents.ts';
import { TEST_COMPANY } from '../../support/memory.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { invoiceFor, world } from './fixtures.ts';

const mail = (key: string) => ({ key, to: ['ada@example.com'], subject: 'Invoice', text: 'Attached.', language: 'en' });
const invoiceMail = (number: string): DocumentMail => ({ mail: mail(`invoice:${number}`), documents: [{ kind: 'invoice', number }] });

/** Documents that record the labels' language each was rendered in. */
function recording() {
  const languages: string[] = [];
  const documents: InvoiceDocuments = {
    pdf: async (invoice: Invoice, _s: unknown, _c: unknown, labels: DocumentLabels) => (languages.push(labels.language), new TextEncoder().encode(`%PDF invoice ${invoice.number} ${labels.language}`)),
    creditNotePdf: async (note, _s, _c, labels) => (languages.push(labels.language), new TextEncoder().encode(`%PDF note ${note.number}`)),
    statementPdf: async (s: CustomerStatement, _s: unknown, labels: DocumentLabels) => (languages.push(labels.language), new TextEncoder().encode(`%PDF statement ${s.asOf} ${s.currencies.length}`)),
  };
  return { languages, documents };
}

describe('renderDocuments', () => {
  it('issue-invoice queues the email with the invoice named, not rendered; render-documents attaches its PDF and queues it under the same key', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1'));
    w.putOrder(testOrder('ord_1', 'shipped'));
    const { invoiceNumber } = await issueInvoice({ orderId: 'ord_1' }, w.deps);
    const [queued] = w.deps.renderQueue.sent;
    expect(queued).toMatchObject({ mail: { key: `invoice:${invoiceNumber}`, to: ['cus_1@example.com'], language: 'en' }, documents: [{ kind: 'invoice', number: invoiceNumber }] });
    expect(queued!.mail.attachments).toBeUndefined();
    const [sent] = w.state.mailbox;
    expect(sent!.key).toBe(`invoice:${invoiceNumber}`);
    expect(sent!.attachments!.map((a) => [a.filename, a.contentType])).toEqual([[`${invoiceNumber}.pdf`, 'application/pdf']]);
  });

  it('renders the same bytes on a retry, under the same key: the sender sends it once', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1', { language: 'ja', name: '山田太郎' }));
    w.putInvoice(invoiceFor(testOrder('ord_1', 'invoiced')));
    const deps = { ...w.deps, documents: pdfDocuments };
    await renderDocuments(invoiceMail('INV-2026-000001'), deps);
    await renderDocuments(invoiceMail('INV-2026-000001'), deps);
    const [first, second] = w.state.mailbox;
    expect(second!.key).toBe(first!.key);
    expect(second!.attachments).toEqual(first!.attachments);
    expect(Buffer.from(first!.attachments![0]!.contentBase64, 'base64').subarray(0, 5).toString()).toBe('%PDF-');
  });

  it('labels each document in its customer language, else the company default, else English', async () => {
    for (const [customerLanguage, companyLanguage, expected] of [['ru', 'sv', 'ru'], [undefined, 'sv', 'sv'], [undefined, undefined, 'en']] as const) {
      const w = world({ company: { ...TEST_COMPANY, ...(companyLanguage ? { defaultLanguage: companyLanguage } : {}) } });
      const customer = testCustomer('cus_1');
      const { language: _l, ...withoutLanguage } = customer;
      w.putCustomer((customerLanguage ? { ...customer, language: customerLanguage } : withoutLanguage) as typeof customer);
      w.putInvoice(invoiceFor(testOrder('ord_1', 'invoiced')));
      const { languages, documents } = recording();
      await renderDocuments({ mail: mail('k'), documents: [{ kind: 'invoice', number: 'INV-2026-000001' }, { kind: 'statement', customerId: 'cus_1', asOf: '2026-11-22' }] }, { ...w.deps, documents });
      expect(languages).toEqual([expected, expected]);
      expect(w.state.mailbox[0]!.attachments!.map((a) => a.filename)).toEqual(['INV-2026-000001.pdf', 'statement-2026-11-22.pdf']);
    }
  });

  it('puts what else a document travels with (the e-invoice) after its PDF, given the PDF', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1'));
    w.putInvoice(invoiceFor(testOrder('ord_1', 'invoiced')));
    const seen: string[] = [];
    await renderDocuments(invoiceMail('INV-2026-000001'), {
      ...w.deps,
      extraAttachments: async (doc, customer, pdf) => {
        seen.push(`${doc.kind} ${customer.id} ${new TextDecoder().decode(pdf).slice(0, 12)}`);
        return [{ filename: 'INV-2026-000001.xml', contentType: 'application/xml', contentBase64: Buffer.from('<Invoice/>').toString('base64') }];
      },
    });
    expect(seen).toEqual(['invoice cus_1 %PDF-1.7 inv']);
    expect(w.state.mailbox[0]!.attachments!.map((a) => a.filename)).toEqual(['INV-2026-000001.pdf', 'INV-2026-000001.xml']);
  });

  it('sends nothing when a document is not there (the message is retried, then dead-lettered)', async () => {
    const w = world();
    w.putCustomer(testCustomer('cus_1'));
    await expect(renderDocuments(invoiceMail('INV-2026-000404'), w.deps)).rejects.toBeInstanceOf(NotFoundError);
    await expect(renderDocuments({ mail: mail('cn'), documents: [{ kind: 'credit-note', invoiceNumber: 'INV-2026-000404', number: 'CN-2026-000001' }] }, w.deps)).rejects.toBeInstanceOf(NotFoundError);
    expect(w.state.mailbox).toEqual([]);
  });
});
