/** Every email leaves through the mail queue, as a validated MailMessage (port `Mail`). */
import type { Mail } from '../ports.ts';
import { MailMessageSchema } from './mail-message.ts';
import { sendJson } from './queue.ts';

export function mailQueue(queueUrl: string): Mail {
  return { enqueue: (message) => sendJson(queueUrl, MailMessageSchema.parse(message)) };
}
