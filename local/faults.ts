/**
 * Fault injection for the local host: a hosted function's process "dies" right after its k-th side effect
 * succeeded — the call reached the service and took effect, and nothing after it in that invocation runs.
 *
 * Built on the one SDK tap (local/sdk-tap.ts): an `after` listener counts each invocation's side-effecting calls
 * that succeeded (SIDE_EFFECTS below; reads are not side effects, nor is a write the service refused — a
 * conditional write whose condition failed changed nothing), and at the chosen one sets `invocation.crashed` and
 * throws. The host (local/functions.ts) then fails the whole invocation, whatever the handler made of the error, and
 * the platform does what AWS does with a failed invocation: SQS makes the whole batch visible again (local/queues.ts),
 * Step Functions retries per the state's Retry (the crash is reported as `Lambda.Unknown`, AWS's name for an
 * invocation that died without an answer), EventBridge Scheduler retries per the schedule's RetryPolicy
 * (local/scheduler.ts), and an HTTP caller sees a 502 and sends the same request again.
 *
 * Side effects outside the SDK count at the same point: `fetch` (the warehouse webhook, Stripe payment links)
 * and node:http(s) requests (the `stripe` package's refunds) made inside an invocation with a method other than
 * GET/HEAD/OPTIONS count once their response has arrived (the far side has acted, whatever it answered).
 *
 * Counting is per function, across its invocations, from the moment a counter is armed: the k-th side effect of
 * function f in a scenario is the k-th such call any invocation of f made since. `arm([{ fn, k }, …])` crashes at
 * each of those calls, once (at most one point per function: after a crash the retry's calls shift the count);
 * `count()` only counts (the clean run that tells the test how many crash points there are).
 */
import http from 'node:http';
import https from 'node:https';
import { syncBuiltinESMExports } from 'node:module';
import { invocation, tapSdk, type Invocation, type SdkCall } from './sdk-tap.ts';

/**
 * What changes the world, per service id (the SDK client's `serviceId`) and operation (lib-dynamodb's document
 * commands under their own names). Everything else — Get/Query/BatchGet/Scan, ReceiveMessage, GetQueueAttributes,
 * DescribeExecution, GetSecretValue, GetObject, HeadObject — is a read. `ChangeMessageVisibility` is left out:
 * it changes when a message is seen again, not what happens to it.
 */
export const SIDE_EFFECTS: Readonly<Record<string, ReadonlySet<string>>> = {
  DynamoDB: new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'TransactWriteItems', 'BatchWriteItem', 'ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction', 'Put', 'Update', 'Delete', 'TransactWrite', 'BatchWrite']),
  SQS: new Set(['SendMessage', 'SendMessageBatch', 'DeleteMessage', 'DeleteMessageBatch', 'PurgeQueue']),
  SES: new Set(['SendEmail', 'SendRawEmail', 'SendTemplatedEmail', 'SendBulkTemplatedEmail', 'SendBulkEmail']),
  SESv2: new Set(['SendEmail', 'SendBulkEmail']),
  SFN: new Set(['StartExecution', 'StartSyncExecution', 'SendTaskSuccess', 'SendTaskFailure', 'SendTaskHeartbeat', 'StopExecution']),
  EventBridge: new Set(['PutEvents']),
  S3: new Set(['PutObject', 'CopyObject', 'DeleteObject', 'DeleteObjects', 'CompleteMultipartUpload']),
  'Secrets Manager': new Set(['PutSecretValue', 'UpdateSecret']),
  Scheduler: new Set(['CreateSchedule', 'UpdateSchedule', 'DeleteSchedule']),
};

/** The error a crashed invocation ends with: what Step Functions reports for an invocation that died unanswered. */
export const CRASH_ERROR_NAME = 'Lambda.Unknown';

export interface SideEffect {
  readonly fn: string;
  /** 1-based: which side effect of its invocation this was. */
  readonly nth: number;
  /** `DynamoDB.TransactWrite`, `SES.SendRawEmail`, `http.POST 127.0.0.1:12111/v1/refunds`… */
  readonly what: string;
}

export interface CrashPoint {
  readonly fn: string;
  /** 1-based: the crash follows the k-th side effect `fn` makes after arming. */
  readonly k: number;
}

export interface FaultInjector {
  /** Counts from zero, and crashes each `point.fn` right after its k-th side effect (once; one point per function). */
  arm(points: readonly CrashPoint[]): void;
  /** Counts from zero without crashing. */
  count(): void;
  /** Side effects per function since the last arm/count. */
  counts(): Map<string, number>;
  /** The side effects since the last arm/count, in order. */
  readonly log: SideEffect[];
  /** The armed crashes that happened, each with the side effect it followed. */
  fired(): (CrashPoint & { after: SideEffect })[];
  stop(): void;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isSideEffect(call: Pick<SdkCall, 'service' | 'operation'>): boolean {
  return SIDE_EFFECTS[call.service]?.has(call.operation) ?? false;
}

export function injectFaults(): FaultInjector {
  let armed = new Map<string, number>();
  let fired: (CrashPoint & { after: SideEffect })[] = [];
  let perFn = new Map<string, number>();
  const perInvocation = new WeakMap<Invocation, number>();
  const log: SideEffect[] = [];

  /** Records one side effect of `current`; true when the process "dies" right after it. */
  const record = (current: Invocation, what: string): boolean => {
    const n = (perFn.get(current.fn) ?? 0) + 1;
    perFn.set(current.fn, n);
    const nth = (perInvocation.get(current) ?? 0) + 1;
    perInvocation.set(current, nth);
    const effect = { fn: current.fn, nth, what };
    log.push(effect);
    if (armed.get(current.fn) !== n) return false;
    armed.delete(current.fn);
    fired.push({ fn: current.fn, k: n, after: effect });
    const error = new Error(`RequestId: ${current.requestId} Error: the process died after side effect ${n} of ${current.fn} (${what}; fault injection)`);
    error.name = CRASH_ERROR_NAME;
    current.crashed = error;
    return true;
  };

  const untap = tapSdk({
    after(call) {
      const current = call.invocation;
      if (!current || current.crashed || call.error !== undefined || !isSideEffect(call)) return;
      if (record(current, `${call.service}.${call.operation}`)) throw current.crashed;
    },
  });

  // fetch: the warehouse webhook and Stripe payment links.
  const realFetch = globalThis.fetch;
  globalThis.fetch = async function faultyFetch(input: Parameters<typeof fetch>[0], init?: RequestInit) {
    const current = invocation.getStore();
    if (current?.crashed) throw current.crashed;
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase();
    const response = await realFetch(input, init);
    if (current && !READ_METHODS.has(method)) {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (record(current, `http.${method} ${url.host}${url.pathname}`)) throw current.crashed;
    }
    return response;
  } as typeof fetch;

  // node:http(s) requests: the `stripe` package's HTTP client. The response event of a write made inside an
  // invocation counts; when it is the crash point, the response is replaced by the crash.
  const restore: (() => void)[] = [];
  for (const mod of [http, https]) {
    const realRequest = mod.request;
    mod.request = function faultyRequest(this: unknown, ...args: unknown[]) {
      const req = (realRequest as (...a: unknown[]) => http.ClientRequest).apply(this, args);
      const current = invocation.getStore();
      // The AWS SDK's own requests (signed) are counted at the SDK tap, not here.
      const signed = req.getHeader('x-amz-date') !== undefined || String(req.getHeader('authorization') ?? '').startsWith('AWS4-');
      if (!current || signed || READ_METHODS.has((req.method ?? 'GET').toUpperCase())) return req;
      if (current.crashed) {
        const crashed = current.crashed; // a dead process sends nothing more
        process.nextTick(() => req.destroy(crashed));
        return req;
      }
      const emit = req.emit.bind(req);
      req.emit = ((event: string, ...rest: unknown[]) => {
        if (event === 'response' && !current.crashed && record(current, `http.${req.method} ${req.host}${req.path}`)) {
          (rest[0] as http.IncomingMessage).resume();
          return emit('error', current.crashed);
        }
        return emit(event, ...rest);
      }) as typeof req.emit;
      return req;
    } as typeof mod.request;
    restore.push(() => (mod.request = realRequest));
  }
  syncBuiltinESMExports(); // so `import { request } from 'node:http'` sees the wrapper too

  const reset = (points: readonly CrashPoint[]) => {
    if (new Set(points.map((p) => p.fn)).size !== points.length) throw new Error('one crash point per function and run: after a crash, the retry shifts the count');
    armed = new Map(points.map((p) => [p.fn, p.k]));
    fired = [];
    perFn = new Map();
    log.length = 0;
  };
  return {
    arm: (points) => reset(points),
    count: () => reset([]),
    counts: () => new Map(perFn),
    log,
    fired: () => [...fired],
    stop() {
      untap();
      globalThis.fetch = realFetch;
      for (const r of restore) r();
      syncBuiltinESMExports();
    },
  };
}
