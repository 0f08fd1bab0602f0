/**
 * Raw MIME (nodemailer's MailComposer, imported alone rather than all of
 * nodemailer) sent with SES SendRawEmail, which carries attachments (port `MailTransport`).
 */
import { SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import type { MailMessage, MailTransport } from '../ports.ts';

let client: SESClient | undefined;
export function sesClient(): SESClient {
  client ??= new SESClient({});
  return client;
}
export function setSesClient(next: SESClient | undefined): void {
  client = next;
}

export async function composeMime(message: MailMessage, from: string): Promise<Buffer> {
  const composer = new MailComposer({
    from,
    to: [...message.to],
    ...(message.cc ? { cc: [...message.cc] } : {}),
    subject: message.subject,
    text: message.text,
    ...(message.html ? { html: message.html } : {}),
    headers: { 'X-O2C-Key': message.key, ...(message.language ? { 'Content-Language': message.language } : {}) },
    attachments: (message.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') })),
  });
  return composer.compile().build();
}

export function sesTransport(sender: string, configurationSet?: string): MailTransport {
  return {
    async send(message) {
      const mime = await composeMime(message, sender);
      const r = await sesClient().send(new SendRawEmailCommand({ RawMessage: { Data: mime }, ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}) }));
      return r.MessageId;
    },
  };
}
