/** send-mail: wait for this sender's turn, send, count. */
import { describe, expect, it } from 'vitest';
import type { MailMessage } from '../../../functions/ports.ts';
import { sendMail } from '../../../functions/use-cases/send-mail.ts';
import { world } from './fixtures.ts';

const message: MailMessage = { key: 'invoice:INV-2026-000001', to: ['cus_1@example.com'], subject: 'Invoice', text: 'Dear Ada' };

describe('sendMail', () => {
  it('paces, then sends through the transport, then counts EmailsSent', async () => {
    const w = world();
    const steps: string[] = [];
    const deps = {
      ...w.deps,
      pace: async () => void steps.push(`pace (sent so far: ${w.state.transmitted.length})`),
      transport: { send: async (m: MailMessage) => (steps.push(`send ${m.key}`), w.deps.transport.send(m)) },
    };
    expect(await sendMail(message, deps)).toEqual({ messageId: 'msg-1' });
    expect(steps).toEqual(['pace (sent so far: 0)', 'send invoice:INV-2026-000001']);
    expect(w.state.transmitted).toEqual([message]);
    expect(w.state.counted).toEqual({ EmailsSent: 1 });
  });

  it('counts nothing when the transport fails (the message is retried)', async () => {
    const w = world();
    const deps = { ...w.deps, transport: { send: () => Promise.reject(new Error('SES throttled')) } };
    await expect(sendMail(message, deps)).rejects.toThrow('SES throttled');
    expect(w.state.counted).toEqual({});
  });
});
