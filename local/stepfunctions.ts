/**
 * The state machine locally: the template's ASL run by aws-local-stepfunctions,
 * every Task state overridden (Lambda tasks call the hosted handlers; SQS tasks
 * send through the local SQS, and `.waitForTaskToken` ones wait for a token the
 * host issues), behind a small Step Functions endpoint (AWS JSON 1.0) that
 * answers StartExecution, SendTaskSuccess/Failure, DescribeExecution and
 * ListExecutions for the handlers' real SFN client and the CLI.
 *
 * `$$.Task.Token` is not provided by the library: the run's context carries a
 * placeholder that the SQS override replaces with a fresh token per wait.
 */
import './polyfills.ts';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { StateMachine } from 'aws-local-stepfunctions';
import type { FunctionHost } from './functions.ts';
import type { LocalQueues } from './queues.ts';
import type { LocalStateMachine } from './template.ts';

const TOKEN_PLACEHOLDER = '__O2C_LOCAL_TASK_TOKEN__';
/** setTimeout's limit: a longer task timeout fails the run at once (ARCHITECTURE.md §6). */
const MAX_TIMEOUT_SECONDS = 2_147_483;

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: Date;
  stopDate?: Date;
  /** Names of the wait states the execution is in now. */
  waitingIn: Set<string>;
  /** State transitions so far, as Step Functions bills a Standard execution: every state entered, every retry. */
  transitions: number;
  abort: () => void;
}

interface PendingTask {
  execution: string;
  state: string;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface LocalStepFunctions {
  endpoint: string;
  executions: Map<string, ExecutionRecord>;
  /** State transitions of every execution so far (the cost bench's count; see ExecutionRecord.transitions). */
  transitions(): number;
  /** Task states the host runs itself (all of them: anything else would call real AWS). */
  overriddenStates: string[];
  /**
   * Ends a task-token wait of an execution as its TimeoutSeconds would (error `States.Timeout`, the token spent), now:
   * how the local stack lets a test reach a 7- or 14-day timeout. False when that execution is not waiting there.
   */
  expire(executionName: string, state: string): boolean;
  stop(): Promise<void>;
}

function replaceDeep(value: unknown, from: string, to: string): unknown {
  if (typeof value === 'string') return value === from ? to : value;
  if (Array.isArray(value)) return value.map((v) => replaceDeep(v, from, to));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceDeep(v, from, to)]));
  return value;
}

/** Clamps timeouts past setTimeout's range; keeps everything else as synthesized. */
export function localDefinition(definition: LocalStateMachine['definition']): LocalStateMachine['definition'] {
  const states = Object.fromEntries(
    Object.entries(definition.States).map(([name, s]) => [name, s.TimeoutSeconds > MAX_TIMEOUT_SECONDS ? { ...s, TimeoutSeconds: MAX_TIMEOUT_SECONDS } : s]),
  );
  return { ...definition, States: states };
}

export async function startStepFunctions(
  sm: LocalStateMachine,
  host: FunctionHost,
  queues: LocalQueues,
  options: { port: number; waitMs: number; retryMs: number; onWait?: (state: string, orderInput: unknown) => void },
): Promise<LocalStepFunctions> {
  const machine = new StateMachine(localDefinition(sm.definition), { validationOptions: { checkPaths: false, checkArn: false } });
  const executions = new Map<string, ExecutionRecord>();
  const pending = new Map<string, PendingTask>();

  const overridesFor = (record: ExecutionRecord) =>
    Object.fromEntries(
      Object.entries(sm.tasks).map(([state, task]) => [
        state,
        async (input: unknown): Promise<any> => {
          if (task.kind === 'lambda') return host.invoke(task.fn, input);
          const params = input as { QueueUrl: string; MessageBody: unknown };
          if (!task.waitForTaskToken) {
            const r = await queues.client.send(new SendMessageCommand({ QueueUrl: params.QueueUrl, MessageBody: JSON.stringify(params.MessageBody) }));
            return { MessageId: r.MessageId };
          }
          const token = `${record.name}:${state}:${randomUUID()}`;
          const result = new Promise((resolve, reject) => pending.set(token, { execution: record.name, state, resolve, reject }));
          record.waitingIn.add(state);
          await queues.client.send(new SendMessageCommand({ QueueUrl: params.QueueUrl, MessageBody: JSON.stringify(replaceDeep(params.MessageBody, TOKEN_PLACEHOLDER, token)) }));
          options.onWait?.(state, params.MessageBody);
          try {
            return await result;
          } finally {
            record.waitingIn.delete(state);
            pending.delete(token);
          }
        },
      ]),
    );
  const waitOverrides = Object.fromEntries(Object.entries(sm.definition.States).filter(([, s]) => s.Type === 'Wait').map(([n]) => [n, options.waitMs]));
  const retryOverrides = Object.fromEntries(Object.entries(sm.definition.States).filter(([, s]) => s.Retry).map(([n]) => [n, options.retryMs]));

  function start(name: string, inputText: string): ExecutionRecord {
    if (executions.has(name)) throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${name}'`);
    const input = JSON.parse(inputText || '{}') as unknown;
    const record: ExecutionRecord = {
      executionArn: `${sm.arn.replace(':stateMachine:', ':execution:')}:${name}`,
      stateMachineArn: sm.arn,
      name,
      status: 'RUNNING',
      input: inputText,
      startDate: new Date(),
      waitingIn: new Set(),
      transitions: 0,
      abort: () => undefined,
    };
    executions.set(name, record);
    const run = machine.run(input as never, {
      overrides: { taskResourceLocalHandlers: overridesFor(record), waitTimeOverrides: waitOverrides, retryIntervalOverrides: retryOverrides },
      context: { Execution: { Id: record.executionArn, Name: name, Input: input, StartTime: record.startDate.toISOString() }, Task: { Token: TOKEN_PLACEHOLDER } } as never,
      noThrowOnAbort: true,
    });
    record.abort = run.abort;
    // Read the run's event log (unread, the library keeps every event in memory): each state entered and each retry is a transition.
    void (async () => {
      for await (const event of run.eventLogs) if (event.type === 'StateEntered' || event.type === 'StateRetried') record.transitions++;
    })().catch(() => undefined);
    run.result.then(
      (output) => {
        if (record.status !== 'RUNNING') return;
        record.status = 'SUCCEEDED';
        record.output = JSON.stringify(output);
        record.stopDate = new Date();
      },
      (error: Error & { cause?: unknown }) => {
        if (record.status !== 'RUNNING') return;
        // The library wraps the failing state's error (a Fail state's Error/Cause) in an ExecutionError.
        const inner = error.cause instanceof Error ? error.cause : error;
        record.status = 'FAILED';
        record.error = inner.name;
        record.cause = inner.message;
        record.stopDate = new Date();
      },
    );
    return record;
  }

  const describe = (r: ExecutionRecord) => ({
    executionArn: r.executionArn,
    stateMachineArn: r.stateMachineArn,
    name: r.name,
    status: r.status,
    startDate: r.startDate.getTime() / 1000,
    ...(r.stopDate ? { stopDate: r.stopDate.getTime() / 1000 } : {}),
    input: r.input,
    ...(r.output !== undefined ? { output: r.output } : {}),
    ...(r.error ? { error: r.error, cause: r.cause } : {}),
  });

  const actions: Record<string, (body: any) => unknown> = {
    StartExecution: (b) => {
      const name = b.name ?? randomUUID();
      const r = start(name, b.input ?? '{}');
      return { executionArn: r.executionArn, startDate: r.startDate.getTime() / 1000 };
    },
    SendTaskSuccess: (b) => {
      const task = pending.get(b.taskToken);
      if (!task) throw new SfnError('TaskTimedOut', 'Task Timed Out: the token is not waiting (answered, timed out, or unknown)');
      pending.delete(b.taskToken);
      task.resolve(JSON.parse(b.output ?? 'null'));
      return {};
    },
    SendTaskFailure: (b) => {
      const task = pending.get(b.taskToken);
      if (!task) throw new SfnError('TaskTimedOut', 'Task Timed Out: the token is not waiting (answered, timed out, or unknown)');
      pending.delete(b.taskToken);
      const error = new Error(b.cause ?? '');
      error.name = b.error ?? 'TaskFailed';
      task.reject(error);
      return {};
    },
    StopExecution: (b) => {
      const r = [...executions.values()].find((e) => e.executionArn === b.executionArn);
      if (!r) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${b.executionArn}'`);
      if (r.status === 'RUNNING') {
        r.status = 'ABORTED';
        r.error = b.error;
        r.cause = b.cause;
        r.stopDate = new Date();
        r.abort();
        for (const [token, t] of pending) {
          if (t.execution !== r.name) continue;
          pending.delete(token);
          t.resolve(null); // the aborted run no longer listens
        }
      }
      return { stopDate: (r.stopDate ?? new Date()).getTime() / 1000 };
    },
    DescribeExecution: (b) => {
      const r = [...executions.values()].find((e) => e.executionArn === b.executionArn);
      if (!r) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${b.executionArn}'`);
      return describe(r);
    },
    ListExecutions: (b) => ({
      executions: [...executions.values()].filter((e) => !b.statusFilter || e.status === b.statusFilter).map((r) => describe(r)),
    }),
  };

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (raw += c));
    req.on('end', () => {
      const action = String(req.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
      const reply = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify(body));
      };
      try {
        const fn = actions[action];
        if (!fn) return reply(400, { __type: 'UnknownOperationException', message: `${action} is not served locally` });
        reply(200, fn(JSON.parse(raw || '{}')));
      } catch (error) {
        if (error instanceof SfnError) return reply(400, { __type: error.type, message: error.message });
        reply(500, { __type: 'InternalFailure', message: (error as Error).message });
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    executions,
    transitions: () => [...executions.values()].reduce((sum, e) => sum + e.transitions, 0),
    overriddenStates: Object.keys(overridesFor(undefined as never)),
    expire(executionName, state) {
      for (const [token, t] of pending) {
        if (t.execution !== executionName || t.state !== state) continue;
        pending.delete(token);
        const error = new Error(`${state} timed out (local: expired on request)`);
        error.name = 'States.Timeout';
        t.reject(error);
        return true;
      }
      return false;
    },
    async stop() {
      for (const r of executions.values()) if (r.status === 'RUNNING') {
        r.status = 'ABORTED';
        r.abort();
      }
      // The executions are aborted, so nothing listens for their waits any more: settle them quietly (a rejection
      // nobody awaits would be an unhandled rejection that kills the process on its way out).
      for (const t of pending.values()) t.resolve(null);
      pending.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
