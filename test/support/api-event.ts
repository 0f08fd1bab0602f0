/** An API Gateway HTTP API (payload 2.0) event, as a handler receives it. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export interface ApiEventOptions {
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
  /** The IAM caller, as the IAM authorizer of a finance route reports it. */
  callerArn?: string;
}

export function apiEvent(routeKey: string, body: unknown, { headers = {}, pathParameters = {}, callerArn }: ApiEventOptions = {}): APIGatewayProxyEventV2 {
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
