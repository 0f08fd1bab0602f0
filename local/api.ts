/**
 * API Gateway (HTTP API, payload 2.0) locally: a node:http server that matches
 * the template's routes, turns each request into the event API Gateway would
 * send, invokes the route's function and writes its response. Routes with an
 * IAM authorizer cannot be signed locally; their handlers accept the API key.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { FunctionHost } from './functions.ts';
import type { LocalRoute } from './template.ts';

/** API Gateway's own payload limit. */
const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

export type AdminRoute = (req: { method: string; path: string; query: URLSearchParams; body: string }) => Promise<{ status: number; body: unknown } | undefined>;

interface CompiledRoute extends LocalRoute {
  pattern: RegExp;
  params: string[];
}

function compile(route: LocalRoute): CompiledRoute {
  const params: string[] = [];
  const source = route.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{(\w+)\+?\\?\}/g, (_, name: string) => {
    params.push(name);
    return '([^/]+)';
  });
  return { ...route, pattern: new RegExp(`^${source.replace(/\{(\w+)\}/g, '([^/]+)')}$`), params };
}

export function matchRoute(routes: readonly LocalRoute[], method: string, path: string): { route: LocalRoute; pathParameters: Record<string, string> } | undefined {
  for (const r of routes.map(compile)) {
    if (r.method !== method && r.method !== 'ANY') continue;
    const m = r.pattern.exec(path);
    if (!m) continue;
    return { route: r, pathParameters: Object.fromEntries(r.params.map((p, i) => [p, decodeURIComponent(m[i + 1]!)])) };
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_PAYLOAD_BYTES) chunks.push(c);
    });
    req.on('end', () => resolve(size > MAX_PAYLOAD_BYTES ? null : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function toApiEvent(req: IncomingMessage, body: Buffer, route: LocalRoute, pathParameters: Record<string, string>): APIGatewayProxyEventV2 {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const text = body.toString('utf8');
  const isText = Buffer.from(text, 'utf8').equals(body);
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: route.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    ...(url.search ? { queryStringParameters: Object.fromEntries(url.searchParams) } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    ...(body.length ? { body: isText ? text : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'local',
      http: { method: req.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: req.socket.remoteAddress ?? '127.0.0.1', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey: route.routeKey,
      stage: '$default',
      time: new Date(now).toISOString(),
      timeEpoch: now,
    },
  } as APIGatewayProxyEventV2;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): void {
  res.writeHead(status, headers);
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

export async function startApi(
  routes: readonly LocalRoute[],
  host: FunctionHost,
  port: number,
  admin?: AdminRoute,
): Promise<{ url: string; server: Server; routes: readonly LocalRoute[]; stop(): Promise<void> }> {
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      if (body === null) return send(res, 413, { message: 'Request Entity Too Large' });
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      if (url.pathname.startsWith('/_local/') && admin) {
        const r = await admin({ method, path: url.pathname, query: url.searchParams, body: body.toString('utf8') });
        if (r) return send(res, r.status, r.body);
      }
      const match = matchRoute(routes, method, url.pathname);
      if (!match) return send(res, 404, { message: 'Not Found' });
      let result: APIGatewayProxyStructuredResultV2;
      try {
        result = (await host.invoke(match.route.fn, toApiEvent(req, body, match.route, match.pathParameters))) as APIGatewayProxyStructuredResultV2;
      } catch (error) {
        // What API Gateway would log for a failed integration; the caller sees only the 500.
        console.error(`${match.route.routeKey}: the function failed: ${(error as Error).name}: ${(error as Error).message}`);
        return send(res, 500, { message: 'Internal Server Error' });
      }
      const out = result.body === undefined ? '' : result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
      res.writeHead(result.statusCode ?? 200, Object.fromEntries(Object.entries(result.headers ?? {}).map(([k, v]) => [k, String(v)])));
      res.end(out);
    } catch (error) {
      send(res, 500, { message: (error as Error).message });
    }
  });
  // Longer than any client's idle keep-alive (undici's is 4 s): a server that closes an idle connection first races
  // the client's next request on it, which then fails with ECONNRESET — seen under load, when the event loop lags
  // by seconds (bench:burst). API Gateway keeps idle connections open longer too.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    routes,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
