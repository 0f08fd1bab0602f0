/**
 * The one way out for email: send a queued message as raw MIME through SES,
 * at most once per message key (the handler wraps this with idempotency keyed
 * on `key`), paced so all senders together stay within the SES send rate.
 */
import type { MailMessage, MailTransport, Metrics } from '../ports.ts';

export interface SendMailDeps {
  readonly transport: MailTransport;
  readonly metrics: Metrics;
  /** Waits for this sender's turn within the SES send rate. */
  readonly pace: () => Promise<void>;
}

export async function sendMail(message: MailMessage, deps: SendMailDeps): Promise<{ messageId: string | undefined }> {
  await deps.pace();
  const messageId = await deps.transport.send(message);
  deps.metrics.count('EmailsSent');
  return { messageId };
}
