/**
 * The local Step Functions host on its own, for tests of local/stepfunctions.ts: fake functions that answer
 * `{ ran, orderId }` (or never, or after a gate), a fake queue client that records what was sent, a journal in a
 * temp directory, and the host's real HTTP endpoint. `useSfnHosts()` stops every host and removes every directory
 * after each test, failed or not.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { freePort } from '../../local/dynamodb-local.ts';
import type { FunctionHost } from '../../local/functions.ts';
import type { LocalQueues } from '../../local/queues.ts';
import { startStepFunctions, type LocalStepFunctions } from '../../local/stepfunctions.ts';
import type { LocalStateMachine } from '../../local/template.ts';
import { openWorkflowJournal, type WorkflowJournal } from '../../local/workflow-journal.ts';

export interface SfnHost {
  sfn: LocalStepFunctions;
  journal: WorkflowJournal;
  /** The functions invoked, in order. */
  calls: string[];
  /** Every queue message the host sent, parsed. */
  sent: any[];
  call(action: string, body: unknown): Promise<{ status: number; body: any }>;
}

export interface SfnHostOptions {
  /** Functions that never answer (the process "dies" inside them). */
  hang?: readonly string[];
  /** Functions that answer only once their gate resolves. */
  gates?: Record<string, Promise<void>>;
}

export function useSfnHosts(machines: LocalStateMachine | readonly LocalStateMachine[]) {
  const dirs: string[] = [];
  const hosts: SfnHost[] = [];
  afterEach(async () => {
    for (const h of hosts.splice(0)) {
      await h.sfn.stop();
      h.journal.close();
    }
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  return {
    journalPath(): string {
      const dir = mkdtempSync(join(tmpdir(), 'o2c-sfn-'));
      dirs.push(dir);
      return join(dir, 'workflows.sqlite');
    },
    async host(path: string, options: SfnHostOptions = {}): Promise<SfnHost> {
      const calls: string[] = [];
      const sent: any[] = [];
      const functions = {
        functions: [],
        invocations: new Map(),
        invoke: async (fn: string, input: unknown) => {
          calls.push(fn);
          if (options.hang?.includes(fn)) return new Promise(() => undefined);
          await options.gates?.[fn];
          return { ran: fn, orderId: (input as { orderId?: string }).orderId };
        },
      } as unknown as FunctionHost;
      const queues = {
        client: {
          send: async (command: { input: { MessageBody: string } }) => {
            sent.push(JSON.parse(command.input.MessageBody));
            return { MessageId: `m${sent.length}` };
          },
        },
      } as unknown as LocalQueues;
      const journal = await openWorkflowJournal(path);
      const port = await freePort();
      const sfn = await startStepFunctions(machines, functions, queues, { port, waitMs: 10, retryMs: 10, journal });
      const call = async (action: string, body: unknown) => {
        const res = await fetch(`http://127.0.0.1:${port}`, { method: 'POST', headers: { 'x-amz-target': `AWSStepFunctions.${action}`, 'content-type': 'application/x-amz-json-1.0' }, body: JSON.stringify(body) });
        return { status: res.status, body: (await res.json()) as any };
      };
      const h = { sfn, journal, calls, sent, call };
      hosts.push(h);
      return h;
    },
    /** The host "dies": after stop() it journals nothing more (what a kill -9 at this instant leaves), and is gone. */
    async die(h: SfnHost): Promise<void> {
      await h.sfn.stop();
      h.journal.close();
      hosts.splice(hosts.indexOf(h), 1);
    },
  };
}

export async function until(what: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
