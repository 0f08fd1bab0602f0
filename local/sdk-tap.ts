/**
 * Every AWS SDK v3 call made in this process, seen at the SDK level: the local host runs each invocation inside
 * `invocation.run(...)`, so a call knows which function (and which invocation) made it; calls outside an invocation
 * are the local platform's own (pollers, the state-machine host, the stack's set-up) and carry no function.
 *
 * One patch of the smithy `Client.prototype.send` that every SDK client (and lib-dynamodb's document client) inherits,
 * shared by whoever listens: the cost bench counts billable calls, the fault-injection mode "kills" an invocation after
 * its k-th side effect. Listeners run in order; `before` may change the command's input (e.g. ask DynamoDB for its
 * consumed capacity), `after` sees the output or error and may throw (the caller then sees that error instead).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { SQSClient } from '@aws-sdk/client-sqs';

/** One invocation of a hosted function, as the host runs it. */
export interface Invocation {
  readonly fn: string;
  readonly requestId: string;
  /** Memory configured for the function, MB (what Lambda bills by). */
  readonly memoryMb: number;
  /** SDK calls made so far in this invocation (all of them, reads included). */
  calls: number;
  /** Set by a listener that decided this invocation has "died": the host then fails it whatever the handler returns. */
  crashed?: Error;
}

export const invocation = new AsyncLocalStorage<Invocation>();

export interface SdkCall {
  /** The invocation that made the call; undefined for the local platform's own calls. */
  readonly invocation: Invocation | undefined;
  /** The client's service id: "DynamoDB", "SQS", "SES", "SFN", "S3", "Secrets Manager", "EventBridge"… */
  readonly service: string;
  /** The command's name without "Command": "PutItem", "TransactWrite" (lib-dynamodb), "SendMessage"… */
  readonly operation: string;
  readonly input: Record<string, unknown>;
  output?: Record<string, unknown>;
  error?: unknown;
  /** Wall-clock milliseconds of the call. */
  ms?: number;
}

export interface SdkListener {
  before?(call: SdkCall): void;
  after?(call: SdkCall): void;
  /** An invocation the host ran has ended (`ms`: the handler's wall-clock time, what Lambda bills as duration). */
  ended?(ended: Invocation, ms: number, error?: unknown): void;
}

type Send = (this: { config?: { serviceId?: string } }, command: { input: Record<string, unknown>; constructor: { name: string } }, ...rest: unknown[]) => Promise<unknown>;

const listeners: SdkListener[] = [];
let original: Send | undefined;

function install(): void {
  if (original) return;
  const base = Object.getPrototypeOf(SQSClient.prototype) as { send: Send };
  original = base.send;
  const send = original;
  base.send = async function tapped(this: { config?: { serviceId?: string } }, command, ...rest) {
    // Callback-style calls are not used by o2c; hand them through untouched.
    if (listeners.length === 0 || rest.some((r) => typeof r === 'function')) return send.call(this, command, ...rest);
    const current = invocation.getStore();
    if (current?.crashed) throw current.crashed; // a dead process makes no more calls
    if (current) current.calls++;
    const call: SdkCall = {
      invocation: current,
      service: this.config?.serviceId ?? 'unknown',
      operation: command.constructor.name.replace(/Command$/, ''),
      input: command.input,
    };
    for (const l of listeners) l.before?.(call);
    const started = performance.now();
    try {
      call.output = (await send.call(this, command, ...rest)) as Record<string, unknown>;
    } catch (error) {
      call.error = error;
    }
    call.ms = performance.now() - started;
    for (const l of listeners) l.after?.(call);
    if (call.error !== undefined) throw call.error;
    return call.output;
  };
}

/** The host reports each invocation's end here (local/functions.ts). */
export function invocationEnded(ended: Invocation, ms: number, error?: unknown): void {
  for (const l of listeners) l.ended?.(ended, ms, error);
}

/** Adds a listener to every SDK call in this process; the returned function removes it. */
export function tapSdk(listener: SdkListener): () => void {
  install();
  listeners.push(listener);
  return () => {
    const i = listeners.indexOf(listener);
    if (i >= 0) listeners.splice(i, 1);
  };
}
