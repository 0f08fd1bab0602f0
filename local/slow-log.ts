/**
 * `O2C_SLOW_LOG=<file>` (diagnosis, off by default): every invocation that failed or ran longer than
 * `O2C_SLOW_MS` (10,000) is appended to the file as a JSON line — function, wall-clock ms, error, and its SDK calls
 * (service, operation, ms, error name) in order — through the one SDK tap (local/sdk-tap.ts).
 */
import { appendFileSync } from 'node:fs';
import { tapSdk, type Invocation } from './sdk-tap.ts';

export function startSlowLog(file: string | undefined, slowMs = Number(process.env.O2C_SLOW_MS) || 10_000): () => void {
  if (!file) return () => undefined;
  const calls = new WeakMap<Invocation, { op: string; ms: number; error?: string; at: number }[]>();
  return tapSdk({
    after(call) {
      if (!call.invocation) return;
      const list = calls.get(call.invocation) ?? [];
      list.push({ op: `${call.service}.${call.operation}`, ms: Math.round(call.ms ?? 0), at: Date.now(), ...(call.error ? { error: (call.error as Error).name } : {}) });
      calls.set(call.invocation, list);
    },
    ended(ended, ms, error) {
      if (!error && ms < slowMs) return;
      const line = { at: new Date().toISOString(), fn: ended.fn, ms: Math.round(ms), error: error ? `${(error as Error).name}: ${(error as Error).message}` : undefined, calls: calls.get(ended) ?? [] };
      appendFileSync(file, `${JSON.stringify(line)}\n`);
    },
  });
}
