/**
 * EventBridge locally: a small PutEvents endpoint (AWS JSON 1.1,
 * `X-Amz-Target: AWSEvents.PutEvents`) for the handlers' real EventBridge
 * client (`AWS_ENDPOINT_URL_EVENTBRIDGE`). It keeps every entry put on a bus
 * of the template, for the tests and for a developer to read; an entry for a
 * bus the template does not create fails as EventBridge fails it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';

export interface LocalEvent {
  id: string;
  bus: string;
  source: string;
  detailType: string;
  detail: unknown;
  time: string;
}

export interface LocalEventBridge {
  endpoint: string;
  events: LocalEvent[];
  stop(): Promise<void>;
}

export async function startLocalEventBridge(options: { buses: readonly string[]; port?: number }): Promise<LocalEventBridge> {
  const events: LocalEvent[] = [];
  const buses = new Set(options.buses);
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(body));
      };
      const action = String(req.headers['x-amz-target'] ?? '').replace(/^AWSEvents\./, '');
      if (action !== 'PutEvents') return reply(400, { __type: 'UnknownOperationException', message: `${action} is not served locally` });
      let entries: { EventBusName?: string; Source?: string; DetailType?: string; Detail?: string }[];
      try {
        entries = (JSON.parse(raw || '{}') as { Entries?: typeof entries }).Entries ?? [];
      } catch {
        return reply(400, { __type: 'SerializationException', message: 'body is not JSON' });
      }
      const results = entries.map((e) => {
        const bus = e.EventBusName ?? 'default';
        if (!buses.has(bus)) return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${bus} does not exist.` };
        const id = randomUUID();
        events.push({ id, bus, source: e.Source ?? '', detailType: e.DetailType ?? '', detail: JSON.parse(e.Detail ?? 'null'), time: new Date().toISOString() });
        return { EventId: id };
      });
      reply(200, { FailedEntryCount: results.filter((r) => 'ErrorCode' in r).length, Entries: results });
    });
  });
  await new Promise<void>((ok) => server.listen(options.port ?? 0, '127.0.0.1', ok));
  const address = server.address() as { port: number };
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    events,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
    },
  };
}
