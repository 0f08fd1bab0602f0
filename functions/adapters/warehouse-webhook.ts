/**
 * The seller's warehouse webhook (port `WarehouseWebhook`): one HTTPS POST of
 * the fulfilment request as JSON, signed (`x-o2c-signature: t=…,v1=…`,
 * platforms/warehouse.ts) with the warehouse webhook secret, and the request id
 * as `Idempotency-Key`. The secret comes from Secrets Manager (cached for 5
 * minutes; a plain string, or `{"current": "…"}`) or, locally, a development secret.
 *
 * 2xx → accepted; 4xx (but 408 and 429) → refused with the warehouse's reason
 * (`reason`, `message` or `error` of a JSON answer, else its text, at most 500
 * characters); anything else — 5xx, 408, 429, a redirect, the network, no answer
 * in 10 s — throws WarehouseUnavailable, so SQS retries.
 */
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { WAREHOUSE_IDEMPOTENCY_HEADER, WAREHOUSE_SIGNATURE_HEADER, warehouseSignature } from '#platforms/warehouse';
import { WarehouseUnavailable } from '../errors.ts';
import type { Clock, WarehouseWebhook } from '../ports.ts';

export const WAREHOUSE_TIMEOUT_MS = 10_000;

export interface WarehouseSecretSource {
  readonly local?: string | undefined;
  readonly secretArn?: string | undefined;
}

export async function warehouseWebhookSecret(source: WarehouseSecretSource): Promise<string> {
  if (source.local) return source.local;
  if (!source.secretArn) throw new Error('no warehouse webhook secret is configured');
  const value = await getSecret(source.secretArn, { maxAge: 300 });
  const text = typeof value === 'string' ? value.trim() : '';
  if (text.startsWith('{')) {
    const current = (JSON.parse(text) as { current?: unknown }).current;
    if (typeof current === 'string' && current) return current;
  } else if (text) return text;
  throw new Error('the warehouse webhook secret is empty (store the secret, or {"current": "…"})');
}

const RETRIED = new Set([408, 429]);

async function reasonOf(response: Response): Promise<string> {
  const text = (await response.text().catch(() => '')).trim();
  try {
    const json = JSON.parse(text) as Record<string, unknown>;
    for (const key of ['reason', 'message', 'error']) if (typeof json[key] === 'string' && json[key]) return String(json[key]).slice(0, 500);
  } catch {
    // not JSON: its text
  }
  return text.slice(0, 500) || response.statusText || `HTTP ${response.status}`;
}

export function warehouseWebhook(options: { url: string; secret: () => Promise<string>; clock: Clock; timeoutMs?: number }): WarehouseWebhook {
  return {
    async deliver(request) {
      const body = JSON.stringify(request);
      const timestamp = Math.floor(options.clock.now().getTime() / 1000);
      const signature = warehouseSignature(await options.secret(), timestamp, body);
      let response: Response;
      try {
        response = await fetch(options.url, {
          method: 'POST',
          redirect: 'manual',
          headers: { 'content-type': 'application/json', 'user-agent': 'o2c-warehouse-webhook/1', [WAREHOUSE_SIGNATURE_HEADER]: signature, [WAREHOUSE_IDEMPOTENCY_HEADER]: request.requestId },
          body,
          signal: AbortSignal.timeout(options.timeoutMs ?? WAREHOUSE_TIMEOUT_MS),
        });
      } catch (error) {
        throw new WarehouseUnavailable(`the warehouse webhook did not answer: ${(error as Error).message}`);
      }
      if (response.status >= 200 && response.status < 300) {
        await response.body?.cancel().catch(() => undefined);
        return { kind: 'accepted', status: response.status };
      }
      if (response.status >= 400 && response.status < 500 && !RETRIED.has(response.status)) return { kind: 'refused', status: response.status, reason: await reasonOf(response) };
      await response.body?.cancel().catch(() => undefined);
      throw new WarehouseUnavailable(`the warehouse webhook answered HTTP ${response.status}; the request is retried`);
    },
  };
}
