/**
 * The one message every email in o2c travels as, on the `mail` queue, to the
 * one sender (send-mail), which composes raw MIME and sends it through SES.
 * Producers render; the sender only composes and sends, idempotently per `key`.
 */
import { z } from 'zod';

const email = z.email();

export const MailAttachmentSchema = z.object({
  filename: z.string().min(1).max(200),
  contentType: z.string().min(3).max(100),
  contentBase64: z.base64(),
});

export const MailMessageSchema = z.object({
  /** Idempotency key: the same key is sent at most once (e.g. `invoice:INV-2026-000042`). */
  key: z.string().min(1).max(250),
  to: z.array(email).min(1).max(50),
  cc: z.array(email).max(50).optional(),
  subject: z.string().min(1).max(998),
  text: z.string().min(1),
  html: z.string().optional(),
  attachments: z.array(MailAttachmentSchema).max(10).optional(),
  /** BCP 47 language of the content (`en`, `sv`, `ja` …), set as Content-Language. */
  language: z.string().min(2).max(35).optional(),
});

export type MailMessage = z.infer<typeof MailMessageSchema>;
export type MailAttachment = z.infer<typeof MailAttachmentSchema>;
