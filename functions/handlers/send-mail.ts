/**
 * send-mail: the one way out for email. Compose raw MIME and send it with SES,
 * at most once per message key (Powertools idempotency on the table, kept 7
 * days), so retries and duplicate deliveries never email twice.
 * 1. Compose the raw MIME (attachments, Content-Language) from the MailMessage.
 * 2. Send it with SES SendRawEmail, once per `key`.
 * The Lambda context is registered with the idempotency config, so a send that
 * dies mid-way (timeout, crash) holds its key only until the invocation's own
 * deadline, not for the 7-day record lifetime: the redelivery then sends.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { composeMime, sendRaw } from '#adapters/mailer';
import { MailMessageSchema, type MailMessage } from '#adapters/mail-message';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSEvent } from 'aws-lambda';
import { env, envOr, metrics, sqsBatch, withObservability } from '#runtime';

const sender = env('SENDER_ADDRESS');
const configurationSet = process.env.SES_CONFIGURATION_SET;

/** Pacing: this instance sends at most one message per interval (the stack divides the SES rate among the pollers). */
const minIntervalMs = Number(envOr('MAIL_MIN_INTERVAL_MS', '0'));
let nextSendAt = 0;
async function paced(): Promise<void> {
  const wait = nextSendAt - Date.now();
  nextSendAt = Math.max(Date.now(), nextSendAt) + minIntervalMs;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

export async function sendMail(message: MailMessage): Promise<{ messageId: string | undefined }> {
  const mime = await composeMime(message, sender);
  await paced();
  const messageId = await sendRaw(mime, configurationSet);
  metrics.addMetric('EmailsSent', MetricUnit.Count, 1);
  return { messageId };
}

const persistence = new DynamoDBPersistenceLayer({
  tableName: env('TABLE_NAME'),
  keyAttr: 'pk',
  sortKeyAttr: 'sk',
  staticPkValue: 'IDEMPOTENCY#send-mail',
  expiryAttr: 'expiration',
});

const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: Number(envOr('MAIL_IDEMPOTENCY_SECONDS', String(7 * 24 * 3600))) });

export const sendMailOnce = makeIdempotent(sendMail, { persistenceStore: persistence, config });

const batch = sqsBatch(
  MailMessageSchema,
  async (message) => {
    await sendMailOnce(message);
  },
  { processInParallel: false },
);

/** Idempotency needs the invocation's context to stop an in-progress record outliving a timed-out run. */
export const handler = withObservability((event: SQSEvent, context: Context) => {
  config.registerLambdaContext(context);
  return batch(event, context);
});
