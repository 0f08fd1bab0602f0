/** A rendered message (functions/messages) as the mail to one customer, under its idempotency key. */
import type { Customer, Invoice } from '#domain/model';
import { formatIban, printedReference } from '#domain/references';
import type { PaymentInstructions, RenderedMessage } from '#messages';
import type { Company, MailAttachment, MailMessage } from '../ports.ts';

export function mailTo(customer: Pick<Customer, 'email'>, key: string, message: RenderedMessage, attachments?: readonly MailAttachment[]): MailMessage {
  return { key, to: [customer.email], language: message.language, subject: message.subject, text: message.text, ...(attachments ? { attachments } : {}) };
}

/** A Peppol e-invoice as a mail attachment (`INV-2026-000042.xml`). */
export function ublAttachment(number: string, xml: string): MailAttachment {
  return { filename: `${number}.xml`, contentType: 'application/xml', contentBase64: Buffer.from(xml, 'utf8').toString('base64') };
}

/** What a customer needs to pay an invoice: the seller's account and the invoice's structured reference, formatted for print. */
export function paymentInstructions(invoice: Pick<Invoice, 'paymentReference'>, company: Pick<Company, 'bankAccount' | 'paymentReferenceScheme'>): PaymentInstructions {
  const { iban, bic, bankName } = company.bankAccount;
  return {
    reference: invoice.paymentReference ? printedReference(invoice.paymentReference, company.paymentReferenceScheme) : null,
    iban: formatIban(iban),
    bic,
    bankName: bankName ?? null,
  };
}
