/**
 * send-mail: the one way out for email. Compose raw MIME and send it with SES,
 * at most once per message key (Powertools idempotency on the table, kept 7
 * days), so retries and duplicate deliveries never email twice.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { composeMime, sendRaw } from '#adapters/mailer';
import { MailMessageSchema, type MailMessage } from '#adapters/mail-message';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { env, envOr, metrics, sqsHandler } from '#runtime';

const sender = env('SENDER_ADDRESS');
const configurationSet = process.env.SES_CONFIGURATION_SET;

export async function sendMail(message: MailMessage): Promise<{ messageId: string | undefined }> {
  const mime = await composeMime(message, sender);
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

export const sendMailOnce = makeIdempotent(sendMail, {
  persistenceStore: persistence,
  config: new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: Number(envOr('MAIL_IDEMPOTENCY_SECONDS', String(7 * 24 * 3600))) }),
});

export const handler = sqsHandler(MailMessageSchema, async (message) => {
  await sendMailOnce(message);
});
