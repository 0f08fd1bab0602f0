/**
 * Raw MIME (nodemailer's MailComposer, imported alone rather than all of
 * nodemailer) sent with SES SendRawEmail, which carries attachments.
 */
import { SendRawEmailCommand, SESClient } from '@aws-sdk/client-ses';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { tracer } from '#runtime';
import type { MailMessage } from './mail-message.ts';

let client: SESClient | undefined;
export function sesClient(): SESClient {
  client ??= tracer.captureAWSv3Client(new SESClient({}));
  return client;
}
export function setSesClient(next: SESClient | undefined): void {
  client = next;
}

export async function composeMime(message: MailMessage, from: string): Promise<Buffer> {
  const composer = new MailComposer({
    from,
    to: message.to,
    ...(message.cc ? { cc: message.cc } : {}),
    subject: message.subject,
    text: message.text,
    ...(message.html ? { html: message.html } : {}),
    headers: { 'X-O2C-Key': message.key, ...(message.language ? { 'Content-Language': message.language } : {}) },
    attachments: (message.attachments ?? []).map((a) => ({ filename: a.filename, contentType: a.contentType, content: Buffer.from(a.contentBase64, 'base64') })),
  });
  return composer.compile().build();
}

export async function sendRaw(mime: Buffer, configurationSet?: string): Promise<string | undefined> {
  const r = await sesClient().send(new SendRawEmailCommand({ RawMessage: { Data: mime }, ...(configurationSet ? { ConfigurationSetName: configurationSet } : {}) }));
  return r.MessageId;
}
