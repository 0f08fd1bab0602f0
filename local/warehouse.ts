/**
 * The simulated warehouse of `npm start`: a separate HTTP receiver (127.0.0.1)
 * of o2c's real warehouse webhook, so the local cycle runs the production path
 * — fulfil-order → warehouse-requests queue → send-fulfilment-request → this
 * receiver → the public callback route with the warehouse key.
 *
 * It checks `x-o2c-signature` with the webhook secret (401 otherwise, like a
 * real receiver should), answers 202, and after a delay reports the shipment
 * with the carrier o2c chose to the request's `callbackUrl` (the same report again while o2c answers
 * 5xx or not at all, up to five times). A redelivered
 * request (same Idempotency-Key) is answered 202 again and shipped once.
 * Tests steer it: `leave(orderId)` — it accepts but never answers that order
 * (the test answers as the warehouse); `refuse(orderIdOrReference, reason)` —
 * it answers 422 with the reason, which fails the order's fulfilment.
 *
 * Like a real warehouse it remembers what it accepted: with a `stateFile`
 * (`npm start` keeps `warehouse.jsonl` in its data directory) each accepted
 * request and each shipment it reported is a line appended there, and on start
 * it ships what it had accepted and not yet reported (a `kill -9` of the stack
 * loses no shipment; one reported just before the kill may be reported again,
 * which o2c's callback answers as already done).
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { dirname } from 'node:path';
import type { AddressInfo } from 'node:net';
import { verifyWarehouseSignature, WAREHOUSE_IDEMPOTENCY_HEADER, WAREHOUSE_SIGNATURE_HEADER } from '../functions/platforms/warehouse.ts';

export interface WarehouseDelivery {
  orderId: string;
  requestId: string;
  status: number;
  body: Record<string, any>;
}

export interface LocalWarehouse {
  url: string;
  /** Every signed delivery it accepted or refused (not the 401s). */
  deliveries: WarehouseDelivery[];
  /** Deliveries refused for a bad or missing signature. */
  unauthorized: number;
  /** Requests accepted before a restart (state file) and not yet reported. */
  readonly pending: number;
  /** Ships those (after the usual delay): call once the callback route answers. */
  resumePending(): void;
  leave(orderId: string): void;
  refuse(orderIdOrReference: string, reason: string): void;
  stop(): Promise<void>;
}

export interface LocalWarehouseOptions {
  secret: string;
  /** The key the warehouse presents on its callbacks (O2C_WAREHOUSE_KEY). */
  warehouseKey: string;
  delayMs: number;
  port?: number;
  /** Where it keeps what it accepted and reported (JSON lines), so a restart ships what was pending. */
  stateFile?: string;
  log?: (line: string) => void;
}

export async function startLocalWarehouse(options: LocalWarehouseOptions): Promise<LocalWarehouse> {
  const log = options.log ?? (() => undefined);
  const left = new Set<string>();
  const refusals = new Map<string, string>();
  const shipped = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const deliveries: WarehouseDelivery[] = [];
  let unauthorized = 0;
  let stopped = false;
  const remember = (line: Record<string, unknown>) => {
    if (options.stateFile) appendFileSync(options.stateFile, `${JSON.stringify(line)}\n`);
  };

  // The report is made once and sent again as it was while o2c answers 5xx or not at all (as the docs ask of a
  // warehouse), for a couple of minutes: a busy or restarting stack may be slow to answer.
  const ship = (requestId: string, body: Record<string, any>, made?: string) => {
    const report =
      made ??
      JSON.stringify({
        carrier: body.carrier?.carrier ?? 'Royal Mail',
        service: body.carrier?.service ?? 'Tracked 48',
        trackingNumber: `LOCAL${Math.floor(Math.random() * 1e9).toString().padStart(9, '0')}GB`,
        shippedAt: new Date().toISOString(),
      });
    if (!made) remember({ report: requestId, body: report });
    const attempt = (n: number, delayMs: number) => {
      const timer = setTimeout(async () => {
        timers.delete(timer);
        const status = await fetch(String(body.callbackUrl), { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': options.warehouseKey }, body: report })
          .then(async (r) => (await r.arrayBuffer(), r.status))
          .catch((e: Error) => {
            if (n === 120) log(`warehouse: callback for ${body.orderId} failed ${n} times, giving up: ${e.message}`);
            return 0;
          });
        if (stopped) return;
        if (status !== 0 && status < 500) remember({ reported: requestId });
        else if (n < 120) attempt(n + 1, Math.min(1_000, 200 * 2 ** n));
      }, delayMs);
      timers.add(timer);
    };
    attempt(1, options.delayMs);
  };

  // What it accepted before a restart and never reported: shipped once the stack answers (`resumePending`).
  const pendingFromBefore = new Map<string, { body: Record<string, any>; report?: string }>();
  if (options.stateFile) {
    mkdirSync(dirname(options.stateFile), { recursive: true });
    const accepted = new Map<string, { body: Record<string, any>; report?: string }>();
    if (existsSync(options.stateFile)) {
      for (const line of readFileSync(options.stateFile, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        let entry: { accepted?: string; body?: any; report?: string; reported?: string };
        try {
          entry = JSON.parse(line) as typeof entry;
        } catch {
          continue; // a line cut short by a kill
        }
        if (entry.accepted && entry.body) {
          accepted.set(entry.accepted, { body: entry.body as Record<string, any> });
          shipped.add(entry.accepted);
        }
        const made = entry.report ? accepted.get(entry.report) : undefined;
        if (made && typeof entry.body === 'string') made.report = entry.body;
        if (entry.reported) accepted.delete(entry.reported);
      }
    }
    for (const [requestId, pending] of accepted) pendingFromBefore.set(requestId, pending);
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const raw = Buffer.concat(chunks).toString('utf8');
      if (req.method !== 'POST') return reply(405, { reason: 'POST the fulfilment request' });
      const signature = req.headers[WAREHOUSE_SIGNATURE_HEADER];
      if (!verifyWarehouseSignature(typeof signature === 'string' ? signature : undefined, raw, [options.secret], Math.floor(Date.now() / 1000))) {
        unauthorized++;
        return reply(401, { reason: 'bad or missing x-o2c-signature' });
      }
      let body: Record<string, any>;
      try {
        body = JSON.parse(raw) as Record<string, any>;
      } catch {
        return reply(400, { reason: 'the body is not JSON' });
      }
      const orderId = String(body.orderId ?? '');
      const requestId = String(req.headers[WAREHOUSE_IDEMPOTENCY_HEADER] ?? body.requestId ?? orderId);
      const refusal = refusals.get(orderId) ?? refusals.get(String(body.reference ?? ''));
      if (refusal !== undefined) {
        deliveries.push({ orderId, requestId, status: 422, body });
        return reply(422, { reason: refusal });
      }
      deliveries.push({ orderId, requestId, status: 202, body });
      reply(202, { accepted: requestId });
      if (left.has(orderId) || shipped.has(requestId)) return;
      shipped.add(requestId);
      remember({ accepted: requestId, body });
      ship(requestId, body);
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port ?? 0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/fulfilment-requests`,
    deliveries,
    get unauthorized() {
      return unauthorized;
    },
    pending: pendingFromBefore.size,
    resumePending() {
      for (const [requestId, { body, report }] of pendingFromBefore) ship(requestId, body, report);
      pendingFromBefore.clear();
    },
    leave: (orderId) => void left.add(orderId),
    refuse: (key, reason) => void refusals.set(key, reason),
    async stop() {
      stopped = true;
      for (const t of timers) clearTimeout(t);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
