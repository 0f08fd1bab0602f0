/**
 * HTTP API (payload v2) routes. A route function receives a decoded request and
 * returns `{ status, body }`; this wrapper owns body decoding, the size limit,
 * JSON parsing, schema validation and the mapping of errors to statuses, so that
 * nothing a client can send produces a 500.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { safeParse, type Infer, type Schema } from './schema.ts';
import { BadRequestError, ForbiddenError, NotFoundError, O2cError, PayloadTooLargeError, UnauthorizedError, ValidationError, statusOf, toFieldIssues } from './errors.ts';
import type { CallerRole, Credentials } from '../ports.ts';
import { logger } from './powertools.ts';
import { withObservability, type LambdaFn } from './wrap.ts';

/** Largest body any route accepts (API Gateway's own limit is 10 MB). */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpRequest {
  readonly method: string;
  readonly path: string;
  readonly routeKey: string;
  /** Header names lower-cased. */
  readonly headers: Readonly<Record<string, string>>;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** The body exactly as sent (base64 decoded), for signature checks. */
  readonly rawBody: string;
  readonly receivedAt: string;
  /** IAM caller (finance routes), when the route has an IAM authorizer. */
  readonly callerArn?: string;
}

export interface HttpResult {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
  /** `body` is base64 of binary content (a PDF), sent as is with its own content type. */
  readonly base64?: boolean;
}

/** A document as the answer: 200 with its content type and a download name. */
export function binary(bytes: Uint8Array, contentType: string, filename: string): HttpResult {
  return { status: 200, body: Buffer.from(bytes).toString('base64'), base64: true, headers: { 'content-type': contentType, 'content-disposition': `attachment; filename="${filename}"` } };
}

/** Whether the client asked for `type` in its Accept header (an exact media type; JSON stays the default). */
export function accepts(req: HttpRequest, type: string): boolean {
  return (req.headers.accept ?? '').split(',').some((part) => part.split(';')[0]!.trim().toLowerCase() === type);
}

export type Route = (req: HttpRequest) => Promise<HttpResult>;

/** Decodes an API Gateway v2 event into an `HttpRequest`; throws 413 past the limit. */
export function toRequest(event: APIGatewayProxyEventV2): HttpRequest {
  const raw = event.body ?? '';
  const rawBody = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(rawBody, 'utf8') > MAX_BODY_BYTES) throw new PayloadTooLargeError(MAX_BODY_BYTES);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.headers ?? {})) if (v !== undefined) headers[k.toLowerCase()] = v;
  const clean = (o: Record<string, string | undefined> | undefined) =>
    Object.fromEntries(Object.entries(o ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
  const iam = (event.requestContext as { authorizer?: { iam?: { userArn?: string } } }).authorizer?.iam;
  return {
    method: event.requestContext.http.method,
    path: event.rawPath,
    routeKey: event.routeKey,
    headers,
    pathParameters: clean(event.pathParameters),
    query: clean(event.queryStringParameters),
    rawBody,
    receivedAt: new Date(event.requestContext.timeEpoch || Date.now()).toISOString(),
    ...(iam?.userArn ? { callerArn: iam.userArn } : {}),
  };
}

/** Parses the body as JSON (400 if it is not) and validates it (422 listing field paths). */
export function parseJsonBody<S extends Schema>(req: HttpRequest, schema: S): Infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody);
  } catch {
    throw new BadRequestError('body is not valid JSON');
  }
  const result = safeParse(schema, json);
  if (!result.success) throw new ValidationError(toFieldIssues(result.error.issues));
  return result.data;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

/** Maps any thrown value to a response; only unexpected faults are 500s (and logged). */
export function errorResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  const status = statusOf(error);
  if (error instanceof O2cError && error.kind !== 'fault') {
    const body: Record<string, unknown> = { error: error.code, message: error.message };
    if (error.issues) body.issues = error.issues;
    logger.info('request refused', { status, code: error.code, reason: error.message });
    return json(status, body);
  }
  logger.error('request failed', error as Error);
  return json(500, { error: 'InternalError', message: 'the request could not be processed; it is safe to retry' });
}

/** Runs a route with decoding and error mapping, without the middy stack (for tests and the local host). */
export async function runRoute(route: Route, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
  try {
    const result = await route(toRequest(event));
    if (result.base64) return { statusCode: result.status, headers: { ...result.headers }, body: String(result.body), isBase64Encoded: true };
    return result.body === undefined
      ? { statusCode: result.status, headers: { ...result.headers } }
      : json(result.status, result.body, { ...result.headers });
  } catch (error) {
    return errorResponse(error);
  }
}

export function httpHandler(route: Route): LambdaFn<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> {
  return withObservability((event: APIGatewayProxyEventV2, _context: Context) => runRoute(route, event));
}

/** The query string validated by `schema` (422 listing the failing parameters). */
export function parseQuery<S extends Schema>(req: HttpRequest, schema: S): Infer<S> {
  const result = safeParse(schema, req.query);
  if (!result.success) throw new ValidationError(toFieldIssues(result.error.issues));
  return result.data;
}

/** A query parameter the route needs (422 naming it when absent or empty). */
export function queryParam(req: HttpRequest, name: string): string {
  const value = req.query[name];
  if (!value) throw new ValidationError([{ path: name, message: 'required query parameter' }]);
  return value;
}

/** One Lambda serving several routes: dispatch on the route key (404 for one it does not serve). */
export function routeBy(routes: Readonly<Record<string, Route>>): Route {
  return (req) => {
    const route = routes[req.routeKey];
    if (!route) throw new NotFoundError(`no route ${req.routeKey}`);
    return route(req);
  };
}

/** A route and who called it (`actor`: the IAM principal, or the role whose key was presented). */
export type RoleRoute = (req: HttpRequest, actor: string) => Promise<HttpResult>;

/**
 * The route is for one role. Finance routes take the IAM caller the authorizer
 * vouched for (AWS) or, where there is none, the finance key. A key of another
 * role is refused with 403 (it is valid, just not here); no key or an unknown
 * one with 401. The refusal names no key.
 */
export const withRole =
  (credentials: Credentials, role: CallerRole, route: RoleRoute): Route =>
  async (req) => {
    if (role === 'finance' && req.callerArn) return route(req, req.callerArn);
    const presented = await credentials.roleOf(req.headers['x-api-key']);
    if (presented === undefined) throw new UnauthorizedError(role === 'finance' ? 'finance routes need IAM credentials (or, locally, the finance key in x-api-key)' : 'missing or wrong x-api-key');
    if (presented !== role) throw new ForbiddenError(`this route is for ${ROLE_NAMES[role]}; the key given is ${ROLE_NAMES[presented]}'s`);
    return route(req, `${role} key`);
  };

const ROLE_NAMES: Readonly<Record<CallerRole, string>> = { b2b: 'the B2B order API', warehouse: 'the warehouse', finance: 'finance' };

/**
 * Webhook routes `POST /webhooks/<platform>`, one per parser: the platform's
 * secrets are looked up (401 when none is configured), the parser verifies the
 * signature and maps the body, and `handle` acts on what it found.
 */
export function webhookRoutes<P extends string, E>(
  parsers: Readonly<Record<P, (req: HttpRequest, secrets: string[]) => E>>,
  secretsOf: (platform: P) => Promise<string[]>,
  handle: (platform: P, event: E, req: HttpRequest) => Promise<HttpResult>,
): Record<string, Route> {
  return Object.fromEntries(
    (Object.keys(parsers) as P[]).map((platform) => [
      `POST /webhooks/${platform}`,
      async (req: HttpRequest) => {
        const secrets = await secretsOf(platform);
        if (secrets.length === 0) throw new UnauthorizedError(`no ${platform} webhook secret is configured`);
        return handle(platform, parsers[platform](req, secrets), req);
      },
    ]),
  );
}
