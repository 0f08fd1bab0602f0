/** A rendered message (functions/messages) as the mail to one customer, under its idempotency key. */
import type { Customer } from '#domain/model';
import type { RenderedMessage } from '#messages';
import type { MailAttachment, MailMessage } from '../ports.ts';

export function mailTo(customer: Pick<Customer, 'email'>, key: string, message: RenderedMessage, attachments?: readonly MailAttachment[]): MailMessage {
  return { key, to: [customer.email], language: message.language, subject: message.subject, text: message.text, ...(attachments ? { attachments } : {}) };
}
