/** Every email leaves through the mail queue, as a validated MailMessage. */
import { env } from '#runtime';
import { MailMessageSchema, type MailMessage } from './mail-message.ts';
import { sendJson } from './queue.ts';

export async function enqueueMail(message: MailMessage): Promise<void> {
  await sendJson(env('MAIL_QUEUE_URL'), MailMessageSchema.parse(message));
}
