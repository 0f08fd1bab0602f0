/** An API Gateway HTTP API (payload 2.0) event, as a test would receive it. */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

export function apiEvent(routeKey: string, body: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  const [method, path] = routeKey.split(' ') as [string, string];
  return {
    version: '2.0',
    routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json', ...headers },
    body,
    isBase64Encoded: false,
    requestContext: { http: { method, path }, timeEpoch: Date.parse('2026-11-22T10:00:00Z') },
  } as unknown as APIGatewayProxyEventV2;
}

