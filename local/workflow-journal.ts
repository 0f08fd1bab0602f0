/**
 * The local state-machine host's journal: every execution and every task token it handed out, in SQLite beside the
 * table (`<dataDir>/workflows.sqlite`), written synchronously on each change, so a restart — even after `kill -9` —
 * resumes every running execution where it was and every token handed out before it still answers its wait.
 *
 *   executions   one row per execution (its name is the order id): input, status, and while it runs the state it is
 *                in with that state's input (the raw input, before InputPath/Parameters) — where it resumes
 *   task_tokens  one row per `.waitForTaskToken` wait: the token, its execution and state, whether its message was
 *                sent, and the answer (SendTaskSuccess/Failure, or a timeout) once it came
 *
 * What resuming relies on: every Task of the workflow is idempotent (its handler guards its own writes), so running
 * again the state an execution was in converges; a wait is resumed with its journaled token (the message is not sent
 * again once it was), and an answer that came before the crash is kept until the execution has left the wait.
 * The token rows of a wait are dropped when the execution is journaled entering the next state, or when it ends.
 *
 * WAL with synchronous=NORMAL: a committed write survives the process being killed (not a power cut: local only).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { withoutSqliteWarning } from './sqlite.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface JournaledExecution {
  name: string;
  executionArn: string;
  stateMachineArn: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
  /** While running: the state it is in and that state's input (JSON); absent before its first state was journaled. */
  state?: string;
  stateInput?: string;
}

/** How a wait was answered: its output, or an error (SendTaskFailure, States.Timeout). */
export type TaskOutcome = { output: unknown } | { error: string; cause: string };

export interface JournaledToken {
  token: string;
  execution: string;
  state: string;
  sent: boolean;
  outcome?: TaskOutcome;
}

export interface WorkflowJournal {
  readonly path: string;
  executions(): JournaledExecution[];
  tokens(): JournaledToken[];
  tokenFor(execution: string, state: string): JournaledToken | undefined;
  started(e: Pick<JournaledExecution, 'name' | 'executionArn' | 'stateMachineArn' | 'input' | 'startDate'>): void;
  /** The execution entered `state` with `input`; the tokens of the state it left go. Ignored once it ended. */
  entered(execution: string, state: string, input: unknown): void;
  ended(execution: string, end: Pick<JournaledExecution, 'status' | 'output' | 'error' | 'cause' | 'stopDate'>): void;
  tokenIssued(token: string, execution: string, state: string): void;
  tokenSent(token: string): void;
  tokenAnswered(token: string, outcome: TaskOutcome): void;
  close(): void;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS executions (
  name TEXT PRIMARY KEY,
  execution_arn TEXT NOT NULL,
  state_machine_arn TEXT NOT NULL,
  status TEXT NOT NULL,
  input TEXT NOT NULL,
  output TEXT,
  error TEXT,
  cause TEXT,
  start_date INTEGER NOT NULL,
  stop_date INTEGER,
  state TEXT,
  state_input TEXT
);
CREATE TABLE IF NOT EXISTS task_tokens (
  token TEXT PRIMARY KEY,
  execution TEXT NOT NULL,
  state TEXT NOT NULL,
  sent INTEGER NOT NULL DEFAULT 0,
  outcome TEXT
);
CREATE INDEX IF NOT EXISTS task_tokens_by_execution ON task_tokens (execution, state);
`;

type Row = Record<string, string | number | null>;
const text = (v: unknown): string | undefined => (v === null || v === undefined ? undefined : String(v));

function execution(row: Row): JournaledExecution {
  const optional = (key: string, value: unknown) => (value === null || value === undefined ? {} : { [key]: value });
  return {
    name: String(row.name),
    executionArn: String(row.execution_arn),
    stateMachineArn: String(row.state_machine_arn),
    status: String(row.status) as ExecutionStatus,
    input: String(row.input),
    startDate: Number(row.start_date),
    ...optional('output', text(row.output)),
    ...optional('error', text(row.error)),
    ...optional('cause', text(row.cause)),
    ...optional('stopDate', row.stop_date === null ? undefined : Number(row.stop_date)),
    ...optional('state', text(row.state)),
    ...optional('stateInput', text(row.state_input)),
  };
}

function token(row: Row): JournaledToken {
  return {
    token: String(row.token),
    execution: String(row.execution),
    state: String(row.state),
    sent: Number(row.sent) === 1,
    ...(row.outcome === null ? {} : { outcome: JSON.parse(String(row.outcome)) as TaskOutcome }),
  };
}

/** Opens (or creates) the journal at `path`. */
export async function openWorkflowJournal(path: string): Promise<WorkflowJournal> {
  const { DatabaseSync } = await withoutSqliteWarning(() => import('node:sqlite'));
  mkdirSync(dirname(path), { recursive: true });
  const db: DatabaseSync = new DatabaseSync(path);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  db.exec(SCHEMA);
  const q = (sql: string): StatementSync => db.prepare(sql);
  const stmts = {
    all: q('SELECT * FROM executions'),
    tokens: q('SELECT * FROM task_tokens'),
    tokenFor: q('SELECT * FROM task_tokens WHERE execution = ? AND state = ? LIMIT 1'),
    started: q(`INSERT INTO executions (name, execution_arn, state_machine_arn, status, input, start_date) VALUES (?, ?, ?, 'RUNNING', ?, ?)
                ON CONFLICT (name) DO NOTHING`),
    stateOf: q(`SELECT state FROM executions WHERE name = ? AND status = 'RUNNING'`),
    entered: q(`UPDATE executions SET state = ?, state_input = ? WHERE name = ? AND status = 'RUNNING'`),
    dropTokensOf: q('DELETE FROM task_tokens WHERE execution = ? AND state = ?'),
    ended: q(`UPDATE executions SET status = ?, output = ?, error = ?, cause = ?, stop_date = ?, state = NULL, state_input = NULL WHERE name = ?`),
    dropTokens: q('DELETE FROM task_tokens WHERE execution = ?'),
    issued: q('INSERT OR IGNORE INTO task_tokens (token, execution, state) VALUES (?, ?, ?)'),
    sent: q('UPDATE task_tokens SET sent = 1 WHERE token = ?'),
    answered: q('UPDATE task_tokens SET outcome = ? WHERE token = ? AND outcome IS NULL'),
  };
  let open = true;
  const inTransaction = (fn: () => void) => {
    db.exec('BEGIN');
    try {
      fn();
      db.exec('COMMIT');
    } catch (error) {
      db.exec('ROLLBACK');
      throw error;
    }
  };
  // After close (the stack stopping) the host may still report the last moves of aborted runs: those are not news.
  const write = (fn: () => void) => {
    if (open) fn();
  };
  return {
    path,
    executions: () => (stmts.all.all() as Row[]).map(execution),
    tokens: () => (stmts.tokens.all() as Row[]).map(token),
    tokenFor(executionName, state) {
      const row = stmts.tokenFor.get(executionName, state) as Row | undefined;
      return row ? token(row) : undefined;
    },
    started: (e) => write(() => void stmts.started.run(e.name, e.executionArn, e.stateMachineArn, e.input, e.startDate)),
    entered: (executionName, state, input) =>
      write(() =>
        inTransaction(() => {
          const before = stmts.stateOf.get(executionName) as { state: string | null } | undefined;
          if (!before) return; // ended already
          if (before.state !== null && before.state !== state) stmts.dropTokensOf.run(executionName, before.state);
          stmts.entered.run(state, JSON.stringify(input ?? null), executionName);
        }),
      ),
    ended: (executionName, end) =>
      write(() =>
        inTransaction(() => {
          stmts.ended.run(end.status, end.output ?? null, end.error ?? null, end.cause ?? null, end.stopDate ?? null, executionName);
          stmts.dropTokens.run(executionName);
        }),
      ),
    tokenIssued: (t, executionName, state) => write(() => void stmts.issued.run(t, executionName, state)),
    tokenSent: (t) => write(() => void stmts.sent.run(t)),
    tokenAnswered: (t, outcome) => write(() => void stmts.answered.run(JSON.stringify(outcome), t)),
    close() {
      if (!open) return;
      open = false;
      db.close();
    },
  };
}
