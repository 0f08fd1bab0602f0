/**
 * The state machines locally: the template's ASL run by aws-local-stepfunctions,
 * every Task state overridden (Lambda tasks call the hosted handlers; SQS tasks
 * send through the local SQS; `states:startExecution` tasks start an execution of
 * the other machine here; `aws-sdk:sfn:sendTask*` tasks answer a token here; and
 * `.waitForTaskToken` ones wait for a token the host issues), behind a small
 * Step Functions endpoint (AWS JSON 1.0) that answers StartExecution,
 * SendTaskSuccess/Failure/Heartbeat, DescribeExecution and ListExecutions for
 * the handlers' real SFN client and the CLI.
 *
 * The Standard machine's executions are `executions` (named after their order);
 * the Express order steps' executions run beside them, counted (`express()`: the
 * cost bench prices them per request and duration) and dropped when they end,
 * as Express keeps no history.
 *
 * `$$.Task.Token` is not provided by the library: the run's context carries a
 * placeholder that the SQS override replaces with a fresh token per wait.
 *
 * With a journal (local/workflow-journal.ts; `npm start` keeps one in its data
 * directory) every execution, the state it is in and each token it handed out
 * are written as they change, and `startStepFunctions` resumes the running ones:
 * each from the state it was in (a machine whose StartAt is that state), its
 * waits with the tokens they had, so a callback holding one still answers.
 */
import './polyfills.ts';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { StateMachine } from 'aws-local-stepfunctions';
import type { FunctionHost } from './functions.ts';
import type { LocalQueues } from './queues.ts';
import type { LocalStateMachine } from './template.ts';
import type { TaskOutcome, WorkflowJournal } from './workflow-journal.ts';

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

/** A wait's token: settled by SendTaskSuccess/Failure (or a timeout), possibly before the run reaches the wait (resumed). */
interface PendingTask {
  execution: string;
  state: string;
  result: Promise<unknown>;
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

function pendingTask(execution: string, state: string): PendingTask {
  let resolve!: (output: unknown) => void;
  let reject!: (error: Error) => void;
  const result = new Promise<unknown>((ok, fail) => {
    resolve = ok;
    reject = fail;
  });
  result.catch(() => undefined); // awaited by the wait; settled early it must not count as unhandled
  return { execution, state, result, resolve, reject };
}

const outcomeError = (outcome: { error: string; cause: string }) => Object.assign(new Error(outcome.cause), { name: outcome.error });

class SfnError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/** The Express executions so far: how many, and their billed duration (each rounded up to 100 ms, as Express bills). */
export interface ExpressCount {
  executions: number;
  billedMs: number;
  failed: number;
}

export interface LocalStepFunctions {
  endpoint: string;
  /** The Standard machine's executions. */
  executions: Map<string, ExecutionRecord>;
  express(): ExpressCount;
  /** State transitions of every execution so far (the cost bench's count; see ExecutionRecord.transitions). */
  transitions(): number;
  /** Task states the host runs itself (all of them: anything else would call real AWS). */
  overriddenStates: string[];
  /** Executions resumed from the journal when the host started (running when the process before it stopped). */
  resumed: string[];
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

/**
 * Clamps timeouts past setTimeout's range, and gives a Task without a timeout none (the longest setTimeout takes):
 * Step Functions lets such a task run as long as its Lambda does (the default TimeoutSeconds is 99,999,999), but
 * aws-local-stepfunctions fails it after 60 s — under a burst, a task that only waited for the local host's
 * per-function concurrency limit then failed with States.Timeout (a 10,000-order bench:burst lost nearly all its orders that way).
 * Everything else is kept as synthesized, in nested branches too.
 */
export function localDefinition(definition: LocalStateMachine['definition']): LocalStateMachine['definition'] {
  const local = (s: Record<string, any>): Record<string, any> => {
    let out = s;
    if (s.TimeoutSeconds > MAX_TIMEOUT_SECONDS) out = { ...out, TimeoutSeconds: MAX_TIMEOUT_SECONDS };
    if (s.Type === 'Task' && s.TimeoutSeconds === undefined && s.TimeoutSecondsPath === undefined) out = { ...out, TimeoutSeconds: MAX_TIMEOUT_SECONDS };
    if (Array.isArray(s.Branches)) out = { ...out, Branches: s.Branches.map((b: LocalStateMachine['definition']) => localDefinition(b)) };
    for (const key of ['Iterator', 'ItemProcessor'] as const) if (s[key]?.States) out = { ...out, [key]: localDefinition(s[key]) };
    return out;
  };
  return { ...definition, States: Object.fromEntries(Object.entries(definition.States).map(([name, s]) => [name, local(s)])) };
}

export async function startStepFunctions(
  machinesOfTemplate: LocalStateMachine | readonly LocalStateMachine[],
  host: FunctionHost,
  queues: LocalQueues,
  options: { port: number; waitMs: number; retryMs: number; onWait?: (state: string, orderInput: unknown) => void; journal?: WorkflowJournal },
): Promise<LocalStepFunctions> {
  const journal = options.journal;
  const all = Array.isArray(machinesOfTemplate) ? (machinesOfTemplate as readonly LocalStateMachine[]) : [machinesOfTemplate as LocalStateMachine];
  const sm = all[0]!; // the Standard machine
  const byArn = new Map(all.map((m) => [m.arn, { sm: m, definition: localDefinition(m.definition) }]));
  const machineOf = (arn: string) => {
    const m = byArn.get(arn);
    if (!m) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  };
  // One machine per state an execution starts in: the definition's StartAt, or where a resumed execution was (the
  // same definition, validated once as synthesized: from another StartAt the states before it are "unreachable").
  const machines = new Map<string, StateMachine>();
  const machineFrom = (arn: string, startAt: string) => {
    const { definition } = machineOf(arn);
    let m = machines.get(`${arn}|${startAt}`);
    if (!m) {
      m = startAt === definition.StartAt
        ? new StateMachine(definition, { validationOptions: { checkPaths: false, checkArn: false } })
        : new StateMachine({ ...definition, StartAt: startAt }, { validationOptions: { noValidate: true } });
      machines.set(`${arn}|${startAt}`, m);
    }
    return m;
  };
  for (const m of all) machineFrom(m.arn, byArn.get(m.arn)!.definition.StartAt); // each validated as synthesized, at start
  const isExpress = (arn: string) => byArn.get(arn)?.sm.type === 'EXPRESS';
  const executions = new Map<string, ExecutionRecord>();
  const expressRunning = new Map<string, ExecutionRecord>();
  const expressCount: ExpressCount = { executions: 0, billedMs: 0, failed: 0 };
  const pending = new Map<string, PendingTask>();
  let stopping = false;

  const overridesFor = (record: ExecutionRecord) =>
    Object.fromEntries(
      Object.entries(machineOf(record.stateMachineArn).sm.tasks).map(([state, task]) => [
        state,
        async (input: unknown): Promise<any> => {
          if (task.kind === 'lambda') return host.invoke(task.fn, input);
          if (task.kind === 'answer') {
            const p = input as { TaskToken: string; Output?: string; Error?: string; Cause?: string };
            try {
              if (task.action === 'sendTaskSuccess') actions.SendTaskSuccess!({ taskToken: p.TaskToken, output: p.Output });
              else actions.SendTaskFailure!({ taskToken: p.TaskToken, error: p.Error, cause: p.Cause });
            } catch (error) {
              // As the AWS SDK integration names a service's exception: the service, then the exception's name.
              if (error instanceof SfnError) throw Object.assign(new Error(error.message), { name: `Sfn.${error.type}Exception` });
              throw error;
            }
            return {};
          }
          const params = input as { QueueUrl: string; MessageBody: unknown; StateMachineArn: string; Input: unknown; Name?: string };
          const send = async (body: unknown) => {
            if (task.kind === 'sqs') {
              const r = await queues.client.send(new SendMessageCommand({ QueueUrl: params.QueueUrl, MessageBody: JSON.stringify(body) }));
              return { MessageId: r.MessageId };
            }
            const started = start(params.Name ?? randomUUID(), JSON.stringify(body ?? {}), params.StateMachineArn);
            return { ExecutionArn: started.executionArn, StartDate: started.startDate.toISOString() };
          };
          const payload = task.kind === 'sqs' ? params.MessageBody : params.Input;
          if (!task.waitForTaskToken) return send(payload);
          // A resumed wait keeps the token it handed out (and its answer, when that came before the restart).
          const journaled = journal?.tokenFor(record.name, state);
          if (journaled?.outcome) return settled(journaled.outcome);
          const token = journaled?.token ?? `${record.name}:${state}:${randomUUID()}`;
          let wait = pending.get(token);
          if (!wait) pending.set(token, (wait = pendingTask(record.name, state)));
          if (!journaled) journal?.tokenIssued(token, record.name, state);
          record.waitingIn.add(state);
          if (!journaled?.sent) {
            await send(replaceDeep(payload, TOKEN_PLACEHOLDER, token));
            journal?.tokenSent(token);
          }
          options.onWait?.(state, payload);
          try {
            return await wait.result;
          } finally {
            record.waitingIn.delete(state);
            pending.delete(token);
          }
        },
      ]),
    );
  const allStates = all.flatMap((m) => Object.entries(m.definition.States));
  const waitOverrides = Object.fromEntries(allStates.filter(([, s]) => s.Type === 'Wait').map(([n]) => [n, options.waitMs]));
  const retryOverrides = Object.fromEntries(allStates.filter(([, s]) => s.Retry).map(([n]) => [n, options.retryMs]));

  const settled = (outcome: TaskOutcome): unknown => {
    if ('error' in outcome) throw outcomeError(outcome);
    return outcome.output;
  };
  /** Settles a wait's token and journals how (before the caller hears it was taken). */
  const answer = (token: string, task: PendingTask, outcome: TaskOutcome) => {
    journal?.tokenAnswered(token, outcome);
    pending.delete(token);
    if ('error' in outcome) task.reject(outcomeError(outcome));
    else task.resolve(outcome.output);
  };
  const ended = (record: ExecutionRecord) => {
    if (stopping) return; // the host stopping is not the execution ending: it resumes on the next start
    if (isExpress(record.stateMachineArn)) {
      expressRunning.delete(record.name);
      expressCount.executions++;
      expressCount.billedMs += Math.ceil(((record.stopDate ?? new Date()).getTime() - record.startDate.getTime()) / 100) * 100;
      if (record.status !== 'SUCCEEDED') expressCount.failed++;
    }
    journal?.ended(record.name, { status: record.status, output: record.output, error: record.error, cause: record.cause, stopDate: record.stopDate?.getTime() });
  };

  /** Runs an execution from `startAt` (its first state, or where it was when the host stopped) with that state's input. */
  function launch(record: ExecutionRecord, startAt: string, stateInput: unknown): void {
    const input = JSON.parse(record.input || '{}') as unknown;
    const run = machineFrom(record.stateMachineArn, startAt).run(stateInput as never, {
      overrides: { taskResourceLocalHandlers: overridesFor(record), waitTimeOverrides: waitOverrides, retryIntervalOverrides: retryOverrides },
      context: { Execution: { Id: record.executionArn, Name: record.name, Input: input, StartTime: record.startDate.toISOString() }, Task: { Token: TOKEN_PLACEHOLDER } } as never,
      noThrowOnAbort: true,
    });
    record.abort = run.abort;
    // Read the run's event log (unread, the library keeps every event in memory): each state entered and each retry
    // is a billed transition; the journal (when the stack keeps its data) records each state entered.
    void (async () => {
      for await (const event of run.eventLogs) {
        if ((event.type === 'StateEntered' || event.type === 'StateRetried') && !isExpress(record.stateMachineArn)) record.transitions++;
        if (journal && event.type === 'StateEntered' && !stopping && record.status === 'RUNNING') journal.entered(record.name, event.state.name, event.state.input);
      }
    })().catch(() => undefined);
    run.result.then(
      (output) => {
        if (record.status !== 'RUNNING') return;
        record.status = 'SUCCEEDED';
        record.output = JSON.stringify(output);
        record.stopDate = new Date();
        ended(record);
      },
      (error: Error & { cause?: unknown }) => {
        if (record.status !== 'RUNNING') return;
        // The library wraps the failing state's error (a Fail state's Error/Cause) in an ExecutionError.
        const inner = error.cause instanceof Error ? error.cause : error;
        record.status = 'FAILED';
        record.error = inner.name;
        record.cause = inner.message;
        record.stopDate = new Date();
        ended(record);
      },
    );
  }

  function start(name: string, inputText: string, stateMachineArn: string = sm.arn): ExecutionRecord {
    const { definition } = machineOf(stateMachineArn);
    const express = isExpress(stateMachineArn);
    const named = express ? expressRunning : executions;
    if (named.has(name)) throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${name}'`);
    const record: ExecutionRecord = {
      executionArn: `${stateMachineArn.replace(':stateMachine:', express ? ':express:' : ':execution:')}:${name}`,
      stateMachineArn,
      name,
      status: 'RUNNING',
      input: inputText,
      startDate: new Date(),
      waitingIn: new Set(),
      transitions: 0,
      abort: () => undefined,
    };
    named.set(name, record);
    journal?.started({ name, executionArn: record.executionArn, stateMachineArn, input: inputText, startDate: record.startDate.getTime() });
    launch(record, definition.StartAt, JSON.parse(inputText || '{}'));
    return record;
  }

  /** The journal's executions back in the host: ended ones as they ended, running ones resumed where they were. */
  function resume(): string[] {
    if (!journal) return [];
    const running: { record: ExecutionRecord; state?: string; stateInput?: string }[] = [];
    for (const e of journal.executions()) {
      const record: ExecutionRecord = {
        executionArn: e.executionArn,
        stateMachineArn: e.stateMachineArn,
        name: e.name,
        status: e.status,
        input: e.input,
        ...(e.output !== undefined ? { output: e.output } : {}),
        ...(e.error !== undefined ? { error: e.error, cause: e.cause } : {}),
        startDate: new Date(e.startDate),
        ...(e.stopDate !== undefined ? { stopDate: new Date(e.stopDate) } : {}),
        waitingIn: new Set(),
        abort: () => undefined,
        transitions: 0, // counted for this process's run only
      };
      if (!byArn.has(e.stateMachineArn)) continue; // a machine the template no longer has
      if (isExpress(e.stateMachineArn)) {
        if (e.status !== 'RUNNING') continue; // ended Express executions keep no history
        expressRunning.set(e.name, record);
      } else executions.set(e.name, record);
      if (e.status === 'RUNNING') running.push({ record, ...(e.state ? { state: e.state } : {}), ...(e.stateInput ? { stateInput: e.stateInput } : {}) });
    }
    // Tokens handed out and not yet answered can be answered before their execution is back at the wait.
    for (const t of journal.tokens()) {
      if (!t.outcome && (executions.get(t.execution) ?? expressRunning.get(t.execution))?.status === 'RUNNING') pending.set(t.token, pendingTask(t.execution, t.state));
    }
    for (const { record, state, stateInput } of running) {
      const { definition } = machineOf(record.stateMachineArn);
      const at = state && definition.States[state] ? state : definition.StartAt;
      launch(record, at, JSON.parse(at === state && stateInput ? stateInput : record.input || '{}'));
    }
    return running.map((r) => r.record.name);
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
      const r = start(name, b.input ?? '{}', b.stateMachineArn ?? sm.arn);
      return { executionArn: r.executionArn, startDate: r.startDate.getTime() / 1000 };
    },
    SendTaskSuccess: (b) => {
      const task = pending.get(b.taskToken);
      if (!task) throw new SfnError('TaskTimedOut', 'Task Timed Out: the token is not waiting (answered, timed out, or unknown)');
      answer(b.taskToken, task, { output: JSON.parse(b.output ?? 'null') });
      return {};
    },
    // Checks the token still waits (a heartbeat of a task without HeartbeatSeconds changes nothing else).
    SendTaskHeartbeat: (b) => {
      if (!pending.has(b.taskToken)) throw new SfnError('TaskTimedOut', 'Task Timed Out: the token is not waiting (answered, timed out, or unknown)');
      return {};
    },
    SendTaskFailure: (b) => {
      const task = pending.get(b.taskToken);
      if (!task) throw new SfnError('TaskTimedOut', 'Task Timed Out: the token is not waiting (answered, timed out, or unknown)');
      answer(b.taskToken, task, { error: b.error ?? 'TaskFailed', cause: b.cause ?? '' });
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
        ended(r);
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
  const resumed = resume();
  return {
    endpoint: `http://127.0.0.1:${options.port}`,
    executions,
    express: () => ({ ...expressCount }),
    resumed,
    transitions: () => [...executions.values()].reduce((sum, e) => sum + e.transitions, 0),
    overriddenStates: [...new Set(all.flatMap((m) => Object.keys(m.tasks)))],
    expire(executionName, state) {
      for (const [token, t] of pending) {
        if (t.execution !== executionName || t.state !== state) continue;
        answer(token, t, { error: 'States.Timeout', cause: `${state} timed out (local: expired on request)` });
        return true;
      }
      return false;
    },
    async stop() {
      stopping = true;
      for (const r of [...executions.values(), ...expressRunning.values()]) if (r.status === 'RUNNING') {
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
