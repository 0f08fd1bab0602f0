/** Helpers for the order handlers' wiring tests (mocked AWS clients, no network). */
import type { APIGatewayProxyEventV2, Context, SQSEvent } from 'aws-lambda';
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

/** An HTTP API (payload v2) event as API Gateway delivers it. */
export function apiEvent(
  routeKey: string,
  body: unknown,
  { headers = { 'x-api-key': API_KEY }, pathParameters = {}, callerArn }: { headers?: Record<string, string>; pathParameters?: Record<string, string>; callerArn?: string } = {},
): APIGatewayProxyEventV2 {
  const [method, path] = routeKey.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    pathParameters,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { http: { method, path }, timeEpoch: Date.parse('2026-11-22T10:00:00Z'), ...(callerArn ? { authorizer: { iam: { userArn: callerArn } } } : {}) },
  } as unknown as APIGatewayProxyEventV2;
}

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
