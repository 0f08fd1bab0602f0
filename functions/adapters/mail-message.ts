/**
 * The one message every email in o2c travels as, on the `mail` queue, to the
 * one sender (send-mail), which composes raw MIME and sends it through SES.
 * Producers render; the sender only composes and sends, idempotently per `key`.
 */
import * as z from 'zod/mini';
import { isIsoDate } from '#domain/dates';

const text = (min: number, max: number) => z.string().check(z.minLength(min), z.maxLength(max));
const emails = (min: number) => z.array(z.email()).check(z.minLength(min), z.maxLength(50));

export const MailAttachmentSchema = z.object({
  filename: text(1, 200),
  contentType: text(3, 100),
  contentBase64: z.base64(),
});

export const MailMessageSchema = z.object({
  /** Idempotency key: the same key is sent at most once (e.g. `invoice:INV-2026-000042`). */
  key: text(1, 250),
  to: emails(1),
  cc: z.optional(emails(0)),
  subject: text(1, 998),
  text: z.string().check(z.minLength(1)),
  html: z.optional(z.string()),
  attachments: z.optional(z.array(MailAttachmentSchema).check(z.maxLength(20))),
  /** BCP 47 language of the content (`en`, `sv`, `ja` …), set as Content-Language. */
  language: z.optional(text(2, 35)),
});

const IsoDate = z.string().check(z.refine(isIsoDate, 'a calendar date (YYYY-MM-DD)'));

/** A document render-documents renders (ports DocumentRef). */
export const DocumentRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('invoice'), number: text(1, 40) }),
  z.object({ kind: z.literal('credit-note'), invoiceNumber: text(1, 40), number: text(1, 40) }),
  z.object({ kind: z.literal('statement'), customerId: text(1, 100), asOf: IsoDate }),
]);

/** An email with the documents to render and attach (ports DocumentMail), on the `documents` queue. */
export const DocumentMailSchema = z.object({ mail: MailMessageSchema, documents: z.array(DocumentRefSchema).check(z.minLength(1), z.maxLength(10)) });

export type MailMessage = z.infer<typeof MailMessageSchema>;
export type MailAttachment = z.infer<typeof MailAttachmentSchema>;
