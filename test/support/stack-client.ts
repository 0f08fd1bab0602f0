/**
 * The HTTP side of an end-to-end test against a running local stack: each caller's own key (the warehouse on its
 * callbacks, finance on /finance/*, the B2B key elsewhere), the admin routes, the SES mailbox, and waiting for a
 * condition. `stack` is read at call time (the suite starts the stack in its beforeAll).
 */
import type { LocalStack } from '../../local/stack.ts';

export type Mail = { destination: { to: string[] }; subject: string; body: { text?: string }; attachments: { filename?: string; content: string }[] };

export async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function stackClient(stackOf: () => LocalStack) {
  const keyFor = (path: string) => {
    const stack = stackOf();
    return path.startsWith('/fulfilment/') ? stack.warehouseKey : path.startsWith('/finance/') ? stack.financeKey : stack.apiKey;
  };
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${stackOf().apiUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': keyFor(path), ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as any };
  };
  const get = async (path: string) => {
    const res = await fetch(`${stackOf().apiUrl}${path}`, { headers: { 'x-api-key': keyFor(path) } });
    return { status: res.status, body: (await res.json().catch(() => ({}))) as any };
  };
  const admin = async (path: string) => (await (await fetch(`${stackOf().apiUrl}${path}`)).json()) as any;
  const mails = async (): Promise<Mail[]> => ((await (await fetch(`${stackOf().mailUrl}/store`)).json()) as { emails: Mail[] }).emails;
  return { post, get, admin, mails };
}
