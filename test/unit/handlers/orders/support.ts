/** Helpers for the order handlers' wiring tests (mocked AWS clients, no network). */
import type { Context, SQSEvent } from 'aws-lambda';
import { apiEvent as sharedApiEvent, type ApiEventOptions } from '../../../support/api-event.ts';
import { Keys } from '../../../../functions/adapters/table-schema.ts';
import { testOrder } from '../../../support/orders.ts';

export const API_KEY = 'test-key';

export function setTestEnv(): void {
  Object.assign(process.env, {
    TABLE_NAME: 'o2c-test',
    O2C_API_KEY: API_KEY,
    STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:000000000000:stateMachine:order-to-cash',
    MAIL_QUEUE_URL: 'http://sqs.local/000000000000/mail',
    FINANCE_RECIPIENTS: 'finance@example.com',
  });
}

/** An HTTP API event carrying the test API key unless `headers` says otherwise. */
export const apiEvent = (routeKey: string, body: unknown, options: ApiEventOptions = {}) => sharedApiEvent(routeKey, body, { headers: { 'x-api-key': API_KEY }, ...options });

export function sqsEvent(bodies: readonly string[]): SQSEvent {
  return {
    Records: bodies.map((body, i) => ({
      messageId: `m${i}`,
      receiptHandle: `r${i}`,
      body,
      attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'x', ApproximateFirstReceiveTimestamp: '0' },
      messageAttributes: {},
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-1:000000000000:orders',
      awsRegion: 'eu-west-1',
    })),
  };
}

export const lambdaContext = { functionName: 'test', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

/** The order item as the table holds it. */
export const orderItem = (id: string, status: Parameters<typeof testOrder>[1], extra: Parameters<typeof testOrder>[2] = {}) => ({
  ...Keys.order(id),
  type: 'Order',
  ...testOrder(id, status, extra),
});

export const sfnError = (Ctor: new (opts: { message: string; $metadata: object }) => Error, message = 'token'): Error => new Ctor({ message, $metadata: {} });
