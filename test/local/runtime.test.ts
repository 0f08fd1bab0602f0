/** The local runtime's pure parts: template reading, route matching, cron, the shared environment. */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { matchRoute } from '../../local/api.ts';
import { sharedEnvironment } from '../../local/functions.ts';
import { cronFires, startScheduler } from '../../local/scheduler.ts';
import { localDefinition } from '../../local/stepfunctions.ts';
import { synthTemplate } from '../../local/synth.ts';
import { readTopology, type LocalTopology } from '../../local/template.ts';

let topology: LocalTopology;
beforeAll(() => {
  const { template } = synthTemplate();
  topology = readTopology(template, { region: 'eu-west-1', account: '000000000000', queueUrl: (n) => `http://q.local/${n}` });
}, 60_000);

const tasks_ = () => topology.stateMachine.tasks;

describe('template reader', () => {
  it('derives the whole topology from the template, intrinsics resolved to local values', () => {
    expect(topology.table.indexes.map((i) => i.name).sort()).toEqual(['gsi1', 'gsi2']);
    expect(topology.queues.filter((q) => q.deadLetter)).toHaveLength(11);
    // The dunning run's shards: planned by plan-dunning, worked by run-dunning-shard one message at a time.
    const planner = topology.functions.find((f) => f.name === 'plan-dunning')!;
    expect(planner.env.DUNNING_SHARDS_QUEUE_URL).toMatch(/^http:\/\/q\.local\/\w+DunningShards\w+$/);
    const worker = topology.functions.find((f) => f.name === 'run-dunning-shard')!;
    expect(worker.timeoutSeconds).toBe(300);
    expect(topology.eventSources.filter((e) => e.fn === worker.logicalId)).toEqual([expect.objectContaining({ batchSize: 1 })]);
    // The o2c bus by its name, which fulfil-order puts its events on.
    expect(topology.eventBuses).toEqual(['O2c-dev']);
    expect(topology.functions.find((f) => f.name === 'fulfil-order')!.env.EVENT_BUS_NAME).toBe('O2c-dev');
    expect(topology.functions.find((f) => f.name === 'fulfil-order')!.env.WAREHOUSE_REQUESTS_QUEUE_URL).toMatch(/^http:\/\/q\.local\/\w+WarehouseRequests\w+$/);
    expect(tasks_().ReleaseStock).toEqual({ kind: 'lambda', fn: topology.functions.find((f) => f.name === 'release-stock')!.logicalId });
    const intake = topology.functions.find((f) => f.name === 'intake')!;
    expect(intake.env.TABLE_NAME).toBe(topology.table.name);
    expect(intake.env.ORDERS_QUEUE_URL).toMatch(/^http:\/\/q\.local\/\w+Orders\w+$/);
    const start = topology.functions.find((f) => f.name === 'start-order')!;
    expect(start.env.STATE_MACHINE_ARN).toBe(topology.stateMachine.arn);
    const tasks = topology.stateMachine.tasks;
    expect(tasks.WaitForFulfilment).toEqual({ kind: 'start-execution', waitForTaskToken: true });
    expect(topology.stateMachine.type).toBe('STANDARD');
    const steps = topology.stateMachines.find((m) => m.type === 'EXPRESS')!;
    expect(topology.stateMachines.map((m) => m.type)).toEqual(['STANDARD', 'EXPRESS']);
    expect(topology.stateMachine.definition.States.WaitForFulfilment.Parameters.StateMachineArn).toBe(steps.arn);
    expect(steps.tasks.Invoiced).toEqual({ kind: 'answer', action: 'sendTaskSuccess' });
    expect(steps.tasks.StepFailed).toEqual({ kind: 'answer', action: 'sendTaskFailure' });
    expect(steps.tasks.RequestFulfilment).toEqual({ kind: 'sqs', waitForTaskToken: false });
    expect(topology.functions.find((f) => f.name === 'fulfilment-callback')!.env.ORDER_STEPS_ARN).toBe(steps.arn);
    expect(tasks.NotifyFailure).toEqual({ kind: 'sqs', waitForTaskToken: false });
    expect(steps.tasks.IssueInvoice).toEqual({ kind: 'lambda', fn: topology.functions.find((f) => f.name === 'issue-invoice')!.logicalId });
    expect(topology.stateMachine.definition.States.WaitForCreditReview.Parameters.QueueUrl).toMatch(/^http:\/\/q\.local\/\w+CreditReview\w+$/);
    expect(topology.schedules.map((s) => [s.expression, s.input]).sort()).toEqual([
      ['cron(0 6 * * ? *)', { scheduledTime: '<aws.scheduler.scheduled-time>' }],
      ['cron(0 7 * * ? *)', { kind: 'flash' }],
      ['cron(0 7 1 * ? *)', { kind: 'month-end' }],
      ['cron(0 7 ? * MON *)', { kind: 'weekly' }],
      ['cron(0/5 * * * ? *)', { redriveReceived: true }],
    ]);
    expect(cronFires('cron(0/5 * * * ? *)', 'Europe/London', new Date('2026-12-01T06:35:10Z'))).toBe(true);
    expect(cronFires('cron(0/5 * * * ? *)', 'Europe/London', new Date('2026-12-01T06:36:10Z'))).toBe(false);
  });

  it('lets every function share one process environment without conflicts', () => {
    const env = sharedEnvironment(topology.functions);
    expect(env.TABLE_NAME).toBe(topology.table.name);
    expect(() => sharedEnvironment([{ logicalId: 'A', name: 'a', env: { X: '1' }, timeoutSeconds: 3, memoryMb: 128 }, { logicalId: 'B', name: 'b', env: { X: '2' }, timeoutSeconds: 3, memoryMb: 128 }])).toThrow(/a and b set X/);
  });

  it('clamps task timeouts that overflow setTimeout', () => {
    const d = localDefinition({ StartAt: 'A', States: { A: { Type: 'Task', TimeoutSeconds: 30 * 86_400, End: true } } });
    expect(d.States.A.TimeoutSeconds).toBe(2_147_483);
  });

  it("gives a task without a timeout Step Functions' (none), not the emulator's 60 s, in nested branches too; keeps the others", () => {
    const d = localDefinition({
      StartAt: 'A',
      States: {
        A: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'B' },
        B: { Type: 'Task', TimeoutSeconds: 30, Next: 'C' },
        C: { Type: 'Task', TimeoutSecondsPath: '$.t', Next: 'P' },
        P: { Type: 'Parallel', Branches: [{ StartAt: 'X', States: { X: { Type: 'Task', End: true } } }], Next: 'W' },
        W: { Type: 'Wait', Seconds: 5, End: true },
      },
    });
    expect(d.States.A.TimeoutSeconds).toBe(2_147_483);
    expect(d.States.B.TimeoutSeconds).toBe(30);
    expect(d.States.C.TimeoutSeconds).toBeUndefined();
    expect(d.States.P.Branches[0].States.X.TimeoutSeconds).toBe(2_147_483);
    expect(d.States.W.TimeoutSeconds).toBeUndefined();
  });
});

describe('routes and schedules', () => {
  it('matches path parameters like API Gateway', () => {
    const m = matchRoute(topology.routes, 'POST', '/fulfilment/ord_123/shipment');
    expect(m?.route.routeKey).toBe('POST /fulfilment/{orderId}/shipment');
    expect(m?.pathParameters).toEqual({ orderId: 'ord_123' });
    expect(matchRoute(topology.routes, 'GET', '/orders')).toBeUndefined();
    expect(matchRoute(topology.routes, 'POST', '/fulfilment/a/b/shipment')).toBeUndefined();
  });

  it('fires cron expressions at their minute in their time zone', () => {
    // 06:00 in London is 06:00 UTC in winter and 05:00 UTC in summer.
    expect(cronFires('cron(0 6 * * ? *)', 'Europe/London', new Date('2026-12-01T06:00:30Z'))).toBe(true);
    expect(cronFires('cron(0 6 * * ? *)', 'Europe/London', new Date('2026-07-01T05:00:30Z'))).toBe(true);
    expect(cronFires('cron(0 6 * * ? *)', 'Europe/London', new Date('2026-07-01T06:00:30Z'))).toBe(false);
    expect(cronFires('cron(*/15 * * * ? *)', 'UTC', new Date('2026-07-01T06:45:00Z'))).toBe(true);
    expect(cronFires('cron(*/15 * * * ? *)', 'UTC', new Date('2026-07-01T06:46:00Z'))).toBe(false);
  });

  it('fires a day-of-week cron on its weekday only (1 = Sunday, or by name), in the zone', () => {
    // Monday 30 November 2026, 07:00 in London; Sunday 29 November.
    expect(cronFires('cron(0 7 ? * MON *)', 'Europe/London', new Date('2026-11-30T07:00:10Z'))).toBe(true);
    expect(cronFires('cron(0 7 ? * MON *)', 'Europe/London', new Date('2026-11-29T07:00:10Z'))).toBe(false);
    expect(cronFires('cron(0 7 ? * 2 *)', 'Europe/London', new Date('2026-11-30T07:00:10Z'))).toBe(true);
    expect(cronFires('cron(0 7 ? * 1 *)', 'Europe/London', new Date('2026-11-29T07:00:10Z'))).toBe(true);
    expect(cronFires('cron(0 7 ? * MON-FRI *)', 'Europe/London', new Date('2026-12-04T07:00:10Z'))).toBe(true);
    // Tokyo's Monday starts on Sunday 15:00 UTC.
    expect(cronFires('cron(0 0 ? * MON *)', 'Asia/Tokyo', new Date('2026-11-29T15:00:10Z'))).toBe(true);
    // The month-end pack: the 1st at 07:00.
    expect(cronFires('cron(0 7 1 * ? *)', 'Europe/London', new Date('2026-12-01T07:00:10Z'))).toBe(true);
    expect(cronFires('cron(0 7 1 * ? *)', 'Europe/London', new Date('2026-11-30T07:00:10Z'))).toBe(false);
  });
});

describe('the local scheduler', () => {
  afterEach(() => vi.useRealTimers());
  const everyMinute = { logicalId: 'Tick', fn: 'Fn', expression: 'cron(* * * * ? *)', timezone: 'UTC', input: { scheduledTime: '<aws.scheduler.scheduled-time>' }, retryAttempts: 0 };
  const running = (timers?: boolean) => {
    const invoked: unknown[] = [];
    const host = { invoke: async (fn: string, input: unknown) => invoked.push([fn, input]) } as unknown as Parameters<typeof startScheduler>[1];
    const scheduler = startScheduler([everyMinute], host, () => undefined, timers === undefined ? {} : { timers });
    return { invoked, scheduler };
  };

  it('fires a schedule on its cron, once a minute, with the minute as its scheduled time', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-02T06:00:05Z') });
    const { invoked, scheduler } = running();
    await vi.advanceTimersByTimeAsync(60_000); // it looks every 15 s: at 06:00:20, :35, :50 and 06:01:05
    scheduler.stop();
    expect(invoked).toEqual([
      ['Fn', { scheduledTime: '2026-12-02T06:00:00Z' }],
      ['Fn', { scheduledTime: '2026-12-02T06:01:00Z' }],
    ]);
  });

  it('fires nothing on its own with timers off (a test that triggers schedules through the admin route)', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-02T06:00:05Z') });
    const { invoked, scheduler } = running(false);
    await vi.advanceTimersByTimeAsync(180_000);
    scheduler.stop();
    expect(invoked).toEqual([]);
    expect(scheduler.schedules).toEqual([everyMinute]);
  });
});

describe('npm start -- -c o2c.<key>=<value>', () => {
  it('reads -c arguments as cdk deploy does and hands them to the synthesized app', async () => {
    const { contextArgs } = await import('../../local/stack.ts');
    const context = contextArgs(['o2c.warehouseWebhookUrl=http://127.0.0.1:9000/hook?a=b', 'o2c.promisedDeliveryDays=5']);
    expect(context).toEqual({ 'o2c.warehouseWebhookUrl': 'http://127.0.0.1:9000/hook?a=b', 'o2c.promisedDeliveryDays': '5' });
    expect(() => contextArgs(['o2c.stage'])).toThrow(/expected <key>=<value>/);
    const { template } = synthTemplate(context);
    const t = readTopology(template, { region: 'eu-west-1', account: '000000000000', queueUrl: (n) => n });
    expect(t.functions.find((f) => f.name === 'send-fulfilment-request')!.env.WAREHOUSE_WEBHOOK_URL).toBe('http://127.0.0.1:9000/hook?a=b');
    expect(t.functions.find((f) => f.name === 'fulfil-order')!.env.PROMISED_DELIVERY_DAYS).toBe('5');
    expect(() => synthTemplate({ 'o2c.warehouseWebhookUrl': 'http://wms.example/hook' })).toThrow(/o2c\.warehouseWebhookUrl/);
  }, 60_000);
});
