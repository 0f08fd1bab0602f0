/**
 * Hosts the template's functions in this process. Each handler module reads
 * its environment when it loads, so the host first sets the union of all the
 * functions' variables (with the emulator endpoints) and refuses to start if
 * two functions disagree on a value, which would need separate processes.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { invocation, invocationEnded, type Invocation } from './sdk-tap.ts';
import type { LocalFunction } from './template.ts';

const root = resolve(import.meta.dirname, '..');

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** An error as Lambda reports it: the workflow matches `name` in Retry/Catch. */
export class FunctionError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
    /** Set when the invocation "died" (fault injection): what was left of its time then, ms. */
    readonly crashedWithMsLeft?: number,
  ) {
    super(message);
    this.name = errorType;
  }
}

/**
 * How many invocations of one function run at once locally (O2C_LOCAL_CONCURRENCY). In Lambda every
 * invocation has its own CPU; here all of them share this process and the machine's cores, so without a
 * limit a burst (1,000 workflows reaching IssueInvoice together) makes every invocation slow enough to
 * hit its own timeout. Like throttled Lambda invocations, the excess waits, and its timeout starts when it runs.
 */
export const DEFAULT_LOCAL_CONCURRENCY = 4;

class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((go) => this.waiting.push(go));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

export interface FunctionHost {
  invoke(logicalIdOrName: string, event: unknown): Promise<unknown>;
  readonly functions: readonly LocalFunction[];
  readonly invocations: Map<string, number>;
  /** Invocations running or waiting for their function's concurrency now. */
  active(): number;
  /**
   * Per function: how long invocations waited for a slot of the local concurrency limit (Lambda would have run them
   * at once) and how long they ran, in ms — what a bench needs to tell the local host's queueing from the work.
   */
  readonly timings: Map<string, InvocationTimings>;
}

export interface InvocationTimings {
  count: number;
  waitMs: number;
  maxWaitMs: number;
  runMs: number;
}

/** Variables every hosted function shares: the union of the template's, checked for conflicts. */
export function sharedEnvironment(functions: readonly LocalFunction[]): Record<string, string> {
  const env: Record<string, string> = {};
  const owner: Record<string, string> = {};
  for (const fn of functions) {
    for (const [k, v] of Object.entries(fn.env)) {
      if (k === 'O2C_FUNCTION') continue;
      if (k in env && env[k] !== v) {
        throw new Error(`functions ${owner[k]} and ${fn.name} set ${k} to different values; the in-process host cannot run both`);
      }
      env[k] = v;
      owner[k] = fn.name;
    }
  }
  return env;
}

export async function hostFunctions(
  functions: readonly LocalFunction[],
  baseEnv: Record<string, string>,
  options: {
    concurrency?: number;
    perFunction?: Readonly<Record<string, number>>;
    /**
     * Caps the time each invocation is told it has (`getRemainingTimeInMillis`; nothing is cut off locally): the
     * fault-injection mode keeps crashed invocations' deadlines — which SQS redelivery waits out, as it does in AWS,
     * where a queue's visibility timeout is at least its consumer's timeout — short.
     */
    deadlineSeconds?: number;
  } = {},
): Promise<FunctionHost> {
  const concurrency = options.concurrency ?? (Number(process.env.O2C_LOCAL_CONCURRENCY) || DEFAULT_LOCAL_CONCURRENCY);
  const gates = new Map(functions.map((f) => [f.name, new Semaphore(options.perFunction?.[f.name] ?? concurrency)]));
  Object.assign(process.env, sharedEnvironment(functions), baseEnv);
  const modules = new Map<string, Handler>();
  const invocations = new Map<string, number>();
  const timings = new Map<string, InvocationTimings>(functions.map((f) => [f.name, { count: 0, waitMs: 0, maxWaitMs: 0, runMs: 0 }]));
  let active = 0;
  for (const fn of functions) {
    const mod = (await import(pathToFileURL(resolve(root, 'functions/handlers', `${fn.name}.ts`)).href)) as { handler?: Handler };
    if (typeof mod.handler !== 'function') throw new Error(`functions/handlers/${fn.name}.ts exports no handler`);
    modules.set(fn.logicalId, mod.handler);
    modules.set(fn.name, mod.handler);
  }
  const byKey = new Map(functions.flatMap((f) => [[f.logicalId, f] as const, [f.name, f] as const]));
  return {
    functions,
    invocations,
    timings,
    active: () => active,
    async invoke(key, event) {
      const fn = byKey.get(key);
      const handler = modules.get(key);
      if (!fn || !handler) throw new Error(`no hosted function ${key}`);
      invocations.set(fn.name, (invocations.get(fn.name) ?? 0) + 1);
      const queued = performance.now();
      active++;
      try {
        return await gates.get(fn.name)!.run(async () => {
          const started = performance.now();
          const t = timings.get(fn.name)!;
          t.count++;
          t.waitMs += started - queued;
          t.maxWaitMs = Math.max(t.maxWaitMs, started - queued);
          try {
            return await run(fn, handler, event);
          } finally {
            t.runMs += performance.now() - started;
          }
        });
      } finally {
        active--;
      }
    },
  };
  async function run(fn: LocalFunction, handler: Handler, event: unknown): Promise<unknown> {
    const deadline = Date.now() + Math.min(fn.timeoutSeconds, options.deadlineSeconds ?? Infinity) * 1000;
    const requestId = randomUUID();
    const current: Invocation = { fn: fn.name, requestId, memoryMb: fn.memoryMb, calls: 0 };
    const context = {
      functionName: fn.name,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${fn.name}`,
      memoryLimitInMB: String(fn.memoryMb),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: 'local',
      callbackWaitsForEmptyEventLoop: false,
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    } as Context;
    const started = performance.now();
    try {
      const result = await invocation.run(current, () => handler(event, context));
      if (current.crashed) throw current.crashed; // the process "died": whatever the handler made of it is lost
      invocationEnded(current, performance.now() - started);
      return result;
    } catch (error) {
      const e = (current.crashed ?? error) as Error;
      invocationEnded(current, performance.now() - started, e);
      throw new FunctionError(e.name || 'Error', e.message, current.crashed ? Math.max(0, deadline - Date.now()) : undefined);
    }
  }
}
