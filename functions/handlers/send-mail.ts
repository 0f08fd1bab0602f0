/**
 * send-mail (mail queue): the one way out for email — use-cases/send-mail,
 * at most once per message key (Powertools idempotency on the table, kept
 * IDEMPOTENCY_EXPIRY_SECONDS: a week, beyond every platform's retry window). The Lambda context is registered with the idempotency config, so a
 * send that dies mid-way holds its key only until the invocation's deadline,
 * not for the record's lifetime: the redelivery then sends.
 */
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { MailMessageSchema } from '#adapters/mail-message';
import { sesTransport } from '#adapters/mailer';
import { Keys, TABLE_KEYS, TTL_ATTRIBUTE } from '#adapters/table-schema';
import { businessMetrics, IDEMPOTENCY_EXPIRY_SECONDS, pacer, readBindings, sqsBatch, withObservability } from '#runtime';
import { sendMail } from '#use-cases/send-mail';

const env = readBindings('send-mail');
export const deps = { transport: sesTransport(env.SENDER_ADDRESS, env.SES_CONFIGURATION_SET), metrics: businessMetrics, pace: pacer(env.MAIL_MIN_INTERVAL_MS) };
const persistenceStore = new DynamoDBPersistenceLayer({ tableName: env.TABLE_NAME, keyAttr: TABLE_KEYS.partitionKey, sortKeyAttr: TABLE_KEYS.sortKey, staticPkValue: Keys.idempotencyPartition('send-mail'), expiryAttr: TTL_ATTRIBUTE });
export const config = new IdempotencyConfig({ eventKeyJmesPath: 'key', expiresAfterSeconds: env.MAIL_IDEMPOTENCY_SECONDS ?? IDEMPOTENCY_EXPIRY_SECONDS });
export const sendMailOnce = makeIdempotent((message: Parameters<typeof sendMail>[0]) => sendMail(message, deps), { persistenceStore, config });
const batch = sqsBatch(MailMessageSchema, async (message) => void (await sendMailOnce(message)), { processInParallel: false });

export const handler = withObservability((event: SQSEvent, context: Context) => {
  config.registerLambdaContext(context);
  return batch(event, context);
});
