/**
 * Template assertions: every resource and wiring of issue #2, read from the two
 * synthesized templates (bundling skipped: the code is not under test here):
 * the stateful stack (`O2c-dev-data`: table, queues, mail identity, secrets) and
 * the stateless one (`O2c-dev`: functions, API, workflow, schedules, alarms),
 * which reaches the stateful resources through CloudFormation exports.
 *
 * The app is synthesized ONCE, with the cdk-nag packs and CloudFormation's own
 * validation on (a few seconds of CPU each): the template tests read that
 * assembly and the cdk-nag test reads its validation report. If that synth
 * fails (a finding), the template tests fall back to a synth without checks,
 * so a nag finding fails only the cdk-nag test.
 */
import { BANK_ROUTES } from '../../lib/constructs/bank-import.ts';
import { CASH_ROUTES, FINANCE_ROUTES, PLAN_ROUTES } from '../../lib/constructs/finance.ts';
import { openApiDocument } from '../../functions/platforms/openapi.ts';
import { setTestBindings } from '../support/bindings.ts';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BINDINGS, FUNCTION_BINDINGS, FUNCTION_NAMES as ALL_FUNCTION_NAMES, type BindingName, type BindingSpec, type FunctionName } from '../../functions/bindings.ts';

/** Functions the stack creates only when configured (refresh-rates: with `creditRatesSourceUrl`; test/infra/config.test.ts synthesizes it). */
const CONDITIONAL: readonly FunctionName[] = ['refresh-rates'];
const FUNCTION_NAMES = ALL_FUNCTION_NAMES.filter((n) => !CONDITIONAL.includes(n));
import { WORKFLOW_ERRORS } from '../../functions/errors.ts';
import { buildApp } from '../../lib/app.ts';

const root = resolve(import.meta.dirname, '../..');
const cdkContext = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const context = { ...cdkContext, 'aws:cdk:bundling-stacks': [] };
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };
type Templates = { app: Template; data: Template; appDependsOn: string[]; stackNames: string[] };

let template: Template;
let dataTemplate: Template;
/** The stateless stack's resources. */
let resources: Record<string, Resource>;
/** The stateful stack's resources. */
let dataResources: Record<string, Resource>;
/** Export name → exported value (an intrinsic of the stateful stack). */
let exported: Map<string, unknown>;
let outdir: string;
let nagSynthError: unknown;
let synthesized: Templates;

const withoutCfnValidation = <T>(fn: () => T): T => {
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    return fn();
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
  }
};
const synthesize = (app: ReturnType<typeof buildApp>): Templates => {
  const assembly = app.app.synth();
  const artifact = assembly.getStackArtifact(app.stack.artifactId);
  return {
    app: Template.fromJSON(artifact.template),
    data: Template.fromJSON(assembly.getStackArtifact(app.data.artifactId).template),
    appDependsOn: artifact.dependencies.map((d) => d.id),
    stackNames: assembly.stacks.map((st) => st.stackName).sort(),
  };
};
const ofType = (type: string, from: Record<string, Resource> = resources) => Object.entries(from).filter(([, r]) => r.Type === type);
/** The stateful resource behind a value of the stateless stack: an import's exported value, or the value itself. */
const deref = (v: any): any => (v && typeof v === 'object' && 'Fn::ImportValue' in v ? exported.get(v['Fn::ImportValue']) : v);
const refId = (v: any): string => {
  const d = deref(v);
  return d.Ref ?? d['Fn::GetAtt'][0];
};
const fnByName = (name: string) => ofType('AWS::Lambda::Function').find(([, r]) => r.Properties.Environment?.Variables?.O2C_FUNCTION === name);
const envOf = (name: string) => fnByName(name)![1].Properties.Environment.Variables as Record<string, unknown>;
const roleOf = (name: string) => (fnByName(name)![1].Properties.Role['Fn::GetAtt'] as string[])[0]!;
const policyStatements = (name: string) =>
  ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleOf(name)))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
const actionsOf = (name: string) => new Set(policyStatements(name).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'o2c-infra-'));
  let templates: Templates;
  try {
    templates = synthesize(buildApp({ context, outdir }));
  } catch (error) {
    nagSynthError = error;
    templates = withoutCfnValidation(() => synthesize(buildApp({ context, nag: false })));
  }
  synthesized = templates;
  template = templates.app;
  dataTemplate = templates.data;
  resources = template.toJSON().Resources;
  const data = dataTemplate.toJSON() as { Resources: Record<string, Resource>; Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }> };
  dataResources = data.Resources;
  exported = new Map(Object.values(data.Outputs ?? {}).flatMap((o) => (o.Export ? [[o.Export.Name, o.Value] as const] : [])));
}, 180_000); // one synth with cdk-nag: ~30 s alone, over a minute on 2 cores shared with other suites
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('functions', () => {
  const handlers = readdirSync(join(root, 'functions/handlers')).map((f) => f.replace(/\.ts$/, '')).filter((f) => !CONDITIONAL.includes(f as FunctionName)).sort();

  it('has one function per handler file, and the steps the issue names', () => {
    const names = ofType('AWS::Lambda::Function').map(([, r]) => r.Properties.Environment.Variables.O2C_FUNCTION as string).sort();
    expect(names).toEqual(handlers);
    for (const step of ['intake', 'start-order', 'validate-order', 'check-credit', 'confirm-order', 'fulfil-order', 'ship-order', 'issue-invoice', 'apply-payment', 'plan-dunning', 'send-reminder', 'build-report', 'send-mail']) {
      expect(names).toContain(step);
    }
  });

  it('runs every function on arm64 Node.js 22 with tracing, its own log group and ESM source maps', () => {
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      expect(fn.Properties).toMatchObject({ Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
      expect(fn.Properties.LoggingConfig?.LogGroup).toBeDefined();
      expect(fn.Properties.Environment.Variables).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: 'o2c' });
    }
    const retention = ofType('AWS::Logs::LogGroup').map(([, l]) => l.Properties.RetentionInDays);
    expect(new Set(retention)).toEqual(new Set([30]));
  });

  it('passes each function the configuration it reads', () => {
    expect(fnByName('issue-invoice')![1].Properties.Environment.Variables).toMatchObject({
      INVOICE_SERIES: 'INV',
      COMPANY_NAME: 'Example Trading Ltd',
      DEFAULT_TERMS: JSON.stringify({ netDays: 30, discount: { ratePpm: 20_000, days: 10 } }),
    });
    expect(fnByName('plan-dunning')![1].Properties.Environment.Variables).toMatchObject({ TIMEZONE: 'Europe/London' });
    expect(JSON.parse(fnByName('plan-dunning')![1].Properties.Environment.Variables.DUNNING_POLICY).levels.map((l: { id: string }) => l.id)).toEqual(['courtesy', 'reminder', 'firm', 'final', 'agency']);
    expect(fnByName('send-mail')![1].Properties.Environment.Variables).toMatchObject({ SENDER_ADDRESS: 'billing@example.com' });
    expect(JSON.parse(fnByName('build-report')![1].Properties.Environment.Variables.REPORT_RECIPIENTS)).toEqual({ flash: ['finance@example.com'], weekly: ['finance@example.com'], 'month-end': ['finance@example.com'] });
  });
});

describe('queues', () => {
  it('gives each of the eleven queues a DLQ after 5 deliveries, and each queue 6× its consumer timeout', () => {
    const queues = ofType('AWS::SQS::Queue', dataResources).filter(([, q]) => q.Properties.RedrivePolicy);
    expect(queues).toHaveLength(11);
    const dlqIds = new Set(ofType('AWS::SQS::Queue', dataResources).filter(([, q]) => !q.Properties.RedrivePolicy).map(([id]) => id));
    expect(dlqIds.size).toBe(11);
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    for (const [id, q] of queues) {
      expect(q.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
      expect(dlqIds.has(q.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0])).toBe(true);
      expect(q.Properties.SqsManagedSseEnabled).toBe(true);
      const mapping = mappings.find(([, m]) => refId(m.Properties.EventSourceArn) === id);
      expect(mapping, `a consumer for ${id}`).toBeDefined();
      const consumer = resources[mapping![1].Properties.FunctionName.Ref]!;
      expect(q.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * consumer.Properties.Timeout);
      expect(mapping![1].Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    }
  });
});

describe('dunning, fanned out by shard', () => {
  it('plan-dunning queues the shards (and nothing else); run-dunning-shard consumes them one at a time within 5 minutes, the queue 6× that, its DLQ alarmed', () => {
    const shardsQueue = ofType('AWS::SQS::Queue', dataResources).find(([id]) => id.includes('DunningShardsQueue'))!;
    const shardsDlq = ofType('AWS::SQS::Queue', dataResources).find(([id]) => id.includes('DunningShardsDlq'))![0];
    expect(shardsQueue[1].Properties).toMatchObject({ VisibilityTimeout: 1800, RedrivePolicy: { maxReceiveCount: 5 } });
    const [, mapping] = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) => refId(m.Properties.EventSourceArn) === shardsQueue[0])!;
    expect(mapping.Properties.BatchSize).toBe(1);
    const consumer = resources[mapping.Properties.FunctionName.Ref]!;
    expect(consumer.Properties).toMatchObject({ Timeout: 300, Environment: { Variables: { O2C_FUNCTION: 'run-dunning-shard' } } });
    expect(Object.keys(envOf('plan-dunning'))).toContain('DUNNING_SHARDS_QUEUE_URL');
    expect(Object.keys(envOf('plan-dunning'))).not.toContain('DUNNING_QUEUE_URL');
    expect(Object.keys(envOf('run-dunning-shard'))).toEqual(expect.arrayContaining(['DUNNING_QUEUE_URL', 'MAIL_QUEUE_URL', 'FINANCE_RECIPIENTS', 'DUNNING_POLICY']));
    expect(ofType('AWS::CloudWatch::Alarm').some(([, a]) => JSON.stringify(a.Properties.Dimensions).includes(shardsDlq))).toBe(true);
  });
});

describe('bank-file drop', () => {
  it('is a versioned, encrypted, private, TLS-only bucket moving files to Glacier after bankFileGlacierDays, announcing new files on the bank-files queue that bank-import consumes', () => {
    const buckets = ofType('AWS::S3::Bucket', dataResources);
    const [id, bucket] = buckets.find(([, b]) => b.Properties.NotificationConfiguration)!;
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LifecycleConfiguration: { Rules: [{ Status: 'Enabled', Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }] }] },
      LoggingConfiguration: {},
    });
    const policies = ofType('AWS::S3::BucketPolicy', dataResources).filter(([, p]) => p.Properties.Bucket.Ref === id);
    expect(JSON.stringify(policies)).toContain('"aws:SecureTransport":"false"');
    const [config] = bucket.Properties.NotificationConfiguration.QueueConfigurations;
    expect(config.Event).toBe('s3:ObjectCreated:*');
    const queueId = config.Queue['Fn::GetAtt'][0] as string;
    expect(queueId).toMatch(/BankFilesQueue/);
    const mapping = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) => refId(m.Properties.EventSourceArn) === queueId);
    const importer = resources[mapping![1].Properties.FunctionName.Ref]!;
    expect(importer.Properties.Environment.Variables.O2C_FUNCTION).toBe('bank-import');
    // Streamed statements: 512 MB (a 50 MB camt.053 peaks at ~170 MB RSS, bench:stream), 10 minutes (CPU comes with memory).
    expect(importer.Properties).toMatchObject({ MemorySize: 512, Timeout: 600 });
    expect([...actionsOf('bank-import')].filter((a) => a.startsWith('s3:'))).toEqual(['s3:GetObject']);
    // No other function reads the bucket.
    for (const [, fn] of ofType('AWS::Lambda::Function')) {
      const name = fn.Properties.Environment.Variables.O2C_FUNCTION as string;
      if (name !== 'bank-import') expect([...actionsOf(name)].some((a) => a.startsWith('s3:')), name).toBe(false);
    }
  });
});

describe('order workflow', () => {
  const definition = (type: 'STANDARD' | 'EXPRESS' = 'STANDARD') => {
    const [, sm] = ofType('AWS::StepFunctions::StateMachine').find(([, m]) => m.Properties.StateMachineType === type)!;
    const parts = sm.Properties.DefinitionString['Fn::Join'][1] as unknown[];
    return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : '"x"').replace(/^"x"$/, 'x')).join('')) as { States: Record<string, any> };
  };

  it('is a Standard state machine that waits and an Express one that runs the steps, both logged and traced', () => {
    expect(ofType('AWS::StepFunctions::StateMachine').map(([, m]) => m.Properties.StateMachineType).sort()).toEqual(['EXPRESS', 'STANDARD']);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'STANDARD', TracingConfiguration: { Enabled: true }, LoggingConfiguration: { Level: 'ALL' } });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'EXPRESS', TracingConfiguration: { Enabled: true }, LoggingConfiguration: { Level: 'ERROR' } });
  });

  it('waits in the Standard machine only: the order steps started with its token, the credit review, the backorder wait; the failure path', () => {
    const states = definition().States;
    expect(Object.keys(states).sort()).toEqual(['BackorderWait', 'Failed', 'NotifyFailure', 'RejectOrder', 'ReleaseStock', 'ReviewOutcome', 'WaitForApprovedFulfilment', 'WaitForCreditReview', 'WaitForFulfilment', 'WaitForSecondApprover']);
    // A new order is ONE Standard transition when it is neither held nor backordered: the steps answer this very task.
    expect(states.WaitForFulfilment).toMatchObject({ Type: 'Task', Resource: 'arn:x:states:::states:startExecution.waitForTaskToken', End: true, ResultPath: '$.outcome', TimeoutSeconds: 14 * 86_400 });
    expect(states.WaitForFulfilment.Parameters.Input).toEqual({ from: 'validate', 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token', 'AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID.$': '$$.Execution.Id' });
    expect(states.WaitForApprovedFulfilment.Parameters.Input).toMatchObject({ from: 'confirm', 'taskToken.$': '$$.Task.Token' });
    // The steps hand held and backordered orders back as named failures, caught before the warehouse's and the failure path.
    expect(states.WaitForFulfilment.Catch).toEqual([
      { ErrorEquals: ['CreditHold'], ResultPath: '$.hold', Next: 'WaitForCreditReview' },
      { ErrorEquals: ['OrderBackordered'], ResultPath: '$.backorder', Next: 'BackorderWait' },
      { ErrorEquals: ['WarehouseFailed'], ResultPath: '$.warehouse', Next: 'RejectOrder' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReleaseStock' },
    ]);
    expect(states.WaitForApprovedFulfilment.Catch).toEqual([
      { ErrorEquals: ['WarehouseFailed'], ResultPath: '$.warehouse', Next: 'RejectOrder' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReleaseStock' },
    ]);
    expect(states.BackorderWait).toMatchObject({ Type: 'Wait', Seconds: 3600, Next: 'WaitForFulfilment' });
    expect(states.WaitForCreditReview.Parameters.MessageBody).toEqual({ 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token' });
    // A review left undecided goes to the second approver (cdk.json names one), whose silence rejects the order (stock back).
    expect(states.WaitForCreditReview).toMatchObject({ ResultPath: '$.review', TimeoutSeconds: 168 * 3600, Next: 'ReviewOutcome' });
    expect(states.WaitForCreditReview.Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.reviewTimeout', Next: 'WaitForSecondApprover' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReleaseStock' },
    ]);
    expect(states.WaitForSecondApprover).toMatchObject({ TimeoutSeconds: 72 * 3600, ResultPath: '$.review', Next: 'ReviewOutcome' });
    expect(states.WaitForSecondApprover.Parameters.MessageBody).toEqual({ 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token', escalated: true });
    expect(states.WaitForSecondApprover.Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: '$.reviewExpired', Next: 'RejectOrder' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'ReleaseStock' },
    ]);
    expect(states.ReviewOutcome.Choices).toEqual([{ Variable: '$.review.decision', StringEquals: 'approve', Next: 'WaitForApprovedFulfilment' }]);
    expect(states.ReviewOutcome.Default).toBe('RejectOrder');
    expect(states.RejectOrder).toMatchObject({ End: true, ResultPath: '$.outcome', ResultSelector: { 'rejected.$': '$' } });
    expect(Object.values(states).filter((s) => s.Type === 'Succeed')).toEqual([]);
    // The release step itself: retried, and finance is told even when it fails (the first error kept in $.error).
    expect(states.ReleaseStock.Next).toBe('NotifyFailure');
    expect(states.ReleaseStock.ResultPath).toBeNull();
    expect(states.ReleaseStock.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.releaseError', Next: 'NotifyFailure' }]);
    expect((states.ReleaseStock.Retry as { ErrorEquals: string[] }[]).flatMap((r) => r.ErrorEquals)).toEqual(expect.arrayContaining(['Lambda.ServiceException', ...WORKFLOW_ERRORS.retryable]));
    expect(states.NotifyFailure.Next).toBe('Failed');
    for (const type of ['STANDARD', 'EXPRESS'] as const) {
      expect(JSON.stringify(definition(type))).not.toContain('JSONata');
      expect(JSON.stringify(definition(type))).not.toContain('"Assign"');
    }
  });

  it('runs the steps in the Express machine from where the wait is: validation, approval or shipment; every path answers the token', () => {
    const states = definition('EXPRESS').States;
    expect(states.From.Choices).toEqual([
      { Variable: '$.from', StringEquals: 'ship', Next: 'ShipOrder' },
      { Variable: '$.from', StringEquals: 'confirm', Next: 'ConfirmOrder' },
    ]);
    expect(states.From.Default).toBe('ValidateOrder');
    expect(states.ValidateOrder.Next).toBe('ValidationOutcome');
    expect(states.ConfirmOrder.Next).toBe('RequestFulfilment');
    // The hand-off to the warehouse passes the Standard task's token on; the warehouse's answer starts the steps from ShipOrder.
    expect(states.RequestFulfilment).toMatchObject({ Resource: 'arn:x:states:::sqs:sendMessage', End: true });
    expect(states.RequestFulfilment.Parameters.MessageBody).toEqual({ 'orderId.$': '$.orderId', 'taskToken.$': '$.taskToken' });
    expect(states.ShipOrder.Next).toBe('IssueInvoice');
    expect(states.IssueInvoice).toMatchObject({ Next: 'Invoiced', ResultPath: '$.outcome', ResultSelector: { 'invoiced.$': '$' } });
    expect(states.RejectOrder).toMatchObject({ Next: 'Rejected', ResultPath: '$.outcome', ResultSelector: { 'rejected.$': '$' } });
    const answers = Object.fromEntries(Object.entries(states).filter(([, s]) => String(s.Resource).includes(':aws-sdk:sfn:')).map(([n, s]) => [n, s]));
    expect(Object.keys(answers).sort()).toEqual(['Backordered', 'CreditHeld', 'Invoiced', 'Rejected', 'StepFailed']);
    for (const [name, s] of Object.entries(answers)) {
      expect(s.Parameters['TaskToken.$'], name).toBe('$.taskToken');
      expect(s.End, name).toBe(true);
      // A token nobody waits on (the order cancelled meanwhile, or answered by an earlier run) ends the steps quietly.
      expect(s.Catch, name).toEqual([{ ErrorEquals: ['Sfn.TaskTimedOutException', 'Sfn.InvalidTokenException', 'Sfn.TaskDoesNotExistException'], ResultPath: '$.answer', Next: 'WaitEnded' }]);
    }
    expect(states.WaitEnded.Type).toBe('Succeed');
    expect(answers.Invoiced!.Parameters['Output.$']).toBe('States.JsonToString($.outcome)');
    expect(answers.CreditHeld!.Parameters.Error).toBe('CreditHold');
    expect(answers.Backordered!.Parameters.Error).toBe('OrderBackordered');
    expect(answers.StepFailed!.Parameters).toMatchObject({ 'Error.$': '$.error.Error', 'Cause.$': '$.error.Cause' });
    expect(states.ValidationOutcome.Choices.map((c: { StringEquals: string; Next: string }) => [c.StringEquals, c.Next])).toEqual([['backordered', 'Backordered'], ['invalid', 'RejectOrder']]);
    expect(states.CreditOutcome.Choices.map((c: { StringEquals: string; Next: string }) => [c.StringEquals, c.Next])).toEqual([['approve', 'ConfirmOrder'], ['hold', 'CreditHeld']]);
    expect(states.CreditOutcome.Default).toBe('RejectOrder');
    // A step that fails after its retries fails the Standard task with its error: the failure path is there.
    for (const [name, s] of Object.entries(states).filter(([, st]) => st.Type === 'Task' && !String(st.Resource).includes(':aws-sdk:sfn:'))) {
      expect(s.Catch, name).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'StepFailed' }]);
    }
  });

  it('lets the order steps answer the Standard machine, and only them and the callbacks', () => {
    const [expressId, express] = ofType('AWS::StepFunctions::StateMachine').find(([, m]) => m.Properties.StateMachineType === 'EXPRESS')!;
    const [standardId] = ofType('AWS::StepFunctions::StateMachine').find(([, m]) => m.Properties.StateMachineType === 'STANDARD')!;
    const role = refId(express.Properties.RoleArn);
    const statements = ofType('AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as unknown[]).some((r) => refId(r) === role))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const answering = statements.find((st) => [st.Action].flat().includes('states:SendTaskSuccess'))!;
    expect([answering.Action].flat().sort()).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess']);
    expect(answering.Resource).toEqual({ Ref: standardId });
    expect(envOf('fulfilment-callback').ORDER_STEPS_ARN).toEqual({ Ref: expressId });
    expect(actionsOf('fulfilment-callback').has('states:StartExecution')).toBe(true);
    expect(actionsOf('fulfilment-callback').has('states:SendTaskHeartbeat')).toBe(true); // the token checked before the steps start
  });
});

describe('API, schedules, data, mail', () => {
  it('routes webhooks, orders, callbacks and the finance API; every /finance route needs IAM, and serves exactly the finance handler\'s routes', async () => {
    const routes = Object.fromEntries(ofType('AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties.RouteKey, r.Properties.AuthorizationType ?? 'NONE']));
    expect(routes).toEqual({
      'POST /orders': 'NONE',
      'POST /webhooks/shopify': 'NONE',
      'POST /webhooks/woocommerce': 'NONE',
      'POST /webhooks/stripe': 'NONE',
      'GET /openapi.json': 'NONE',
      'POST /fulfilment/{orderId}/shipment': 'NONE',
      'POST /fulfilment/{orderId}/shipments': 'NONE',
      'POST /orders/{orderId}/lines/cancel': 'NONE',
      'POST /finance/orders/{orderId}/credit-decision': 'AWS_IAM',
      'GET /finance/orders/{orderId}/credit': 'AWS_IAM',
      ...Object.fromEntries([...FINANCE_ROUTES, ...CASH_ROUTES, ...BANK_ROUTES, ...PLAN_ROUTES].map(([method, path]) => [`${method} ${path}`, 'AWS_IAM'])),
    });
    setTestBindings();
    const { routes: served } = await import('../../functions/handlers/finance.ts');
    expect(Object.keys(served).sort()).toEqual(FINANCE_ROUTES.map(([method, path]) => `${method} ${path}`).sort());
    const { routes: cash } = await import('../../functions/handlers/finance-cash.ts');
    expect(Object.keys(cash).sort()).toEqual(CASH_ROUTES.map(([method, path]) => `${method} ${path}`).sort());
    const { routes: bank } = await import('../../functions/handlers/bank-import.ts');
    expect(Object.keys(bank).sort()).toEqual(BANK_ROUTES.map(([method, path]) => `${method} ${path}`).sort());
    // …and /openapi.json publishes each of them (and the B2B order route), with a schema for every body.
    const doc = openApiDocument() as { paths: Record<string, Record<string, { requestBody?: unknown }>> };
    for (const [method, path] of [['POST', '/orders'], ...FINANCE_ROUTES, ...CASH_ROUTES, ...BANK_ROUTES, ...PLAN_ROUTES] as const) expect(doc.paths[path]?.[method.toLowerCase()], `${method} ${path}`).toBeDefined();
    expect(doc.paths['/payments']).toBeUndefined();
    expect(doc.paths['/finance/invoices/{number}/credit-notes']!.post!.requestBody).toMatchObject({ content: { 'application/json': { schema: { required: ['amount', 'reason'] } } } });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { AccessLogSettings: {}, DefaultRouteSettings: { ThrottlingRateLimit: 200 } });
  });

  it("schedules dunning (with the scheduler's fire time: a retried run is the same run), the three finance packs in the configured zone, each with its kind as the payload, and start-order's re-drive every 5 minutes", () => {
    const schedules = ofType('AWS::Scheduler::Schedule').map(([, s]) => s.Properties);
    expect(schedules.map((s) => [s.ScheduleExpression, s.ScheduleExpressionTimezone, s.Target.Input]).sort()).toEqual([
      ['cron(0 6 * * ? *)', 'Europe/London', '{"scheduledTime":"<aws.scheduler.scheduled-time>"}'],
      ['cron(0 7 * * ? *)', 'Europe/London', '{"kind":"flash"}'],
      ['cron(0 7 1 * ? *)', 'Europe/London', '{"kind":"month-end"}'],
      ['cron(0 7 ? * MON *)', 'Europe/London', '{"kind":"weekly"}'],
      ['cron(0/5 * * * ? *)', 'Europe/London', '{"redriveReceived":true}'],
    ]);
    const [, redrive] = ofType('AWS::Scheduler::Schedule').find(([, s]) => s.Properties.Target.Input.includes('redriveReceived'))!;
    const [startOrder] = ofType('AWS::Lambda::Function').find(([, f]) => f.Properties.Environment?.Variables?.O2C_FUNCTION === 'start-order')!;
    expect(JSON.stringify(redrive.Properties.Target.Arn)).toContain(startOrder);
    // All three invoke build-report, whose recipients per kind are bound beside it.
    const targets = new Set(ofType('AWS::Scheduler::Schedule').filter(([, s]) => s.Properties.Target.Input.includes('"kind"')).map(([, s]) => JSON.stringify(s.Properties.Target.Arn)));
    expect(targets.size).toBe(1);
    const [, fn] = ofType('AWS::Lambda::Function').find(([, f]) => f.Properties.Environment?.Variables?.REPORT_RECIPIENTS)!;
    expect(JSON.parse(fn.Properties.Environment.Variables.REPORT_RECIPIENTS)).toEqual({ flash: ['finance@example.com'], weekly: ['finance@example.com'], 'month-end': ['finance@example.com'] });
  });

  it('has one on-demand table with PITR, a stream, TTL and the two indexes', () => {
    const [[, table]] = ofType('AWS::DynamoDB::GlobalTable', dataResources) as [[string, Resource]];
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
    expect(table.Properties.Replicas[0].PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled).toBe(true);
    expect(table.Properties.GlobalSecondaryIndexes.map((g: { IndexName: string }) => g.IndexName).sort()).toEqual(['gsi1', 'gsi2']);
  });

  it('grants least privilege: only send-mail sends email; only queue producers send to queues', () => {
    expect(actionsOf('send-mail').has('ses:SendRawEmail')).toBe(true);
    for (const name of ['intake', 'issue-invoice', 'build-report']) expect(actionsOf(name).has('ses:SendRawEmail'), name).toBe(false);
    expect([...actionsOf('check-credit')].some((a) => a.startsWith('sqs:Send'))).toBe(false);
    expect([...actionsOf('start-order')]).toContain('states:StartExecution');
    expect([...actionsOf('fulfilment-callback')]).toContain('states:SendTaskSuccess');
    expect([...actionsOf('send-reminder')].some((a) => a === 'dynamodb:PutItem')).toBe(false);
  });
});

describe('environment', () => {
  /** Set on every function for the runtime and Powertools, not part of the bindings contract. */
  const COMMON = new Set(['O2C_FUNCTION', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'NODE_OPTIONS']);
  const spec = (name: string) => BINDINGS[name as BindingName] as BindingSpec | undefined;

  it('has exactly one function per manifest entry of functions/bindings.ts', () => {
    const names = ofType('AWS::Lambda::Function').map(([, r]) => r.Properties.Environment.Variables.O2C_FUNCTION as string).sort();
    expect(names).toEqual([...FUNCTION_NAMES].sort());
    expect(names).toHaveLength(26);
  });

  it("gives every function exactly its manifest's bindings: each required one, optional ones only when set, never a local one", () => {
    const problems: string[] = [];
    for (const name of FUNCTION_NAMES) {
      const manifest = new Set<string>(FUNCTION_BINDINGS[name as FunctionName]);
      const given = new Set(Object.keys(envOf(name)).filter((v) => !COMMON.has(v)));
      for (const v of COMMON) if (!(v in envOf(name))) problems.push(`${name} lacks ${v}`);
      for (const v of given) {
        if (!manifest.has(v)) problems.push(`${name} gets ${v}, which its manifest does not list`);
        if (spec(v)?.setBy === 'local') problems.push(`${name} gets ${v}, which only the local runtime sets`);
      }
      for (const v of manifest) if (!spec(v)?.optional && !given.has(v)) problems.push(`${name} needs ${v}`);
    }
    expect(problems).toEqual([]);
  });

  it('hands the API key secret to the API-key routes and the webhook secrets to intake, with read access', () => {
    for (const name of ['intake', 'fulfilment-callback', 'decide-credit']) {
      expect(deref(envOf(name).API_KEY_SECRET_ARN), name).toEqual({ Ref: ofType('AWS::SecretsManager::Secret', dataResources).find(([id]) => id.includes('ApiKey'))![0] });
      expect(actionsOf(name).has('secretsmanager:GetSecretValue'), name).toBe(true);
    }
    expect(deref(envOf('intake').WEBHOOK_SECRETS_ARN)).toEqual({ Ref: ofType('AWS::SecretsManager::Secret', dataResources).find(([id]) => id.includes('Webhook'))![0] });
    expect(actionsOf('check-credit').has('secretsmanager:GetSecretValue')).toBe(false);
  });
});

describe('workflow wiring and limits', () => {
  const definitions = () =>
    ofType('AWS::StepFunctions::StateMachine').map(([, sm]) => {
      const parts = sm.Properties.DefinitionString['Fn::Join'][1] as unknown[];
      return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'x')).join('')) as { States: Record<string, any> };
    });
  const express = () => definitions()[ofType('AWS::StepFunctions::StateMachine').findIndex(([, m]) => m.Properties.StateMachineType === 'EXPRESS')]!;
  const standard = () => definitions()[ofType('AWS::StepFunctions::StateMachine').findIndex(([, m]) => m.Properties.StateMachineType === 'STANDARD')]!;

  it('calls Lambda steps directly (payloadResponseOnly) with retries on Lambda faults and lost races', () => {
    const states = express().States;
    for (const name of ['ValidateOrder', 'CheckCredit', 'ConfirmOrder', 'ShipOrder', 'IssueInvoice', 'RejectOrder']) {
      expect(states[name].Resource, name).toBe('x');
      const retried = (states[name].Retry as { ErrorEquals: string[] }[]).flatMap((r) => r.ErrorEquals);
      expect(retried, name).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException', 'ConcurrentUpdate', ...WORKFLOW_ERRORS.retryable]));
    }
    // Every Lambda task — the Standard machine's RejectOrder and failure path's ReleaseStock too — runs a step again whose invocation died (Lambda.Unknown).
    const lambdaTasks = (m: { States: Record<string, any> }) => Object.entries(m.States).filter(([, s]) => s.Type === 'Task' && String(s.Resource) === 'x');
    expect(lambdaTasks(express()).map(([n]) => n).sort()).toEqual(['CheckCredit', 'ConfirmOrder', 'IssueInvoice', 'RejectOrder', 'ShipOrder', 'ValidateOrder']);
    expect(lambdaTasks(standard()).map(([n]) => n).sort()).toEqual(['RejectOrder', 'ReleaseStock']);
    for (const [name, s] of [...lambdaTasks(express()), ...lambdaTasks(standard())]) {
      const crashed = (s.Retry as { ErrorEquals: string[]; MaxAttempts: number }[]).filter((r) => r.ErrorEquals.includes('Lambda.Unknown'));
      expect(crashed, name).toHaveLength(1);
      expect(crashed[0]!.ErrorEquals, name).toEqual([...WORKFLOW_ERRORS.crashed]);
      expect(crashed[0]!.MaxAttempts, name).toBeGreaterThanOrEqual(2);
      // Retriers are matched in order and none before it may swallow the crash with States.ALL.
      expect((s.Retry as { ErrorEquals: string[] }[]).some((r) => r.ErrorEquals.includes('States.ALL')), name).toBe(false);
    }
    expect(states.ValidateOrder.ResultPath).toBe('$.validation');
    expect(states.CheckCredit.ResultPath).toBe('$.credit');
    const waits = standard().States;
    expect(waits.WaitForCreditReview).toMatchObject({ ResultPath: '$.review', TimeoutSeconds: 7 * 86_400 });
    expect(waits.WaitForFulfilment).toMatchObject({ ResultPath: '$.outcome', TimeoutSeconds: 14 * 86_400 });
    expect(waits.BackorderWait).toMatchObject({ Type: 'Wait', Seconds: 3600, Next: 'WaitForFulfilment' });
    expect(waits.NotifyFailure.Parameters.MessageBody['key.$']).toBe("States.Format('workflow-failed:{}', $.orderId)");
    expect(waits.NotifyFailure.Parameters.MessageBody.to).toEqual(['finance@example.com']);
  });

  it('logs executions without their data, and lets only the right functions start or answer it', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { LoggingConfiguration: { IncludeExecutionData: false } });
    expect(envOf('start-order').STATE_MACHINE_ARN).toBeDefined();
    for (const name of ['decide-credit', 'fulfilment-callback']) {
      expect([...actionsOf(name)], name).toEqual(expect.arrayContaining(['states:SendTaskSuccess', 'states:SendTaskFailure']));
    }
    expect(actionsOf('decide-credit').has('states:StartExecution')).toBe(false);
    for (const name of ['validate-order', 'check-credit', 'issue-invoice', 'send-mail']) {
      expect([...actionsOf(name)].some((a) => a.startsWith('states:')), name).toBe(false);
    }
  });

  it('keeps send-mail under the SES rate, dead-letters after 14 days of keeping, and refuses plain HTTP on every queue', () => {
    const mailQueue = ofType('AWS::SQS::Queue', dataResources).find(([id]) => id.includes('MailQueue'))![0];
    const [, mapping] = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) => refId(m.Properties.EventSourceArn) === mailQueue)!;
    const { BatchSize, ScalingConfig } = mapping.Properties;
    // each poller sends about one batch a second
    expect(BatchSize * ScalingConfig.MaximumConcurrency).toBeLessThanOrEqual(14 + 2 * BatchSize);
    for (const [, q] of ofType('AWS::SQS::Queue', dataResources).filter(([, q]) => !q.Properties.RedrivePolicy)) expect(q.Properties.MessageRetentionPeriod).toBe(14 * 86_400);
    const policies = ofType('AWS::SQS::QueuePolicy', dataResources);
    const secured = new Set(
      policies
        .filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'))
        .flatMap(([, p]) => (p.Properties.Queues as { Ref: string }[]).map((q) => q.Ref)),
    );
    expect(secured.size).toBe(22);
  });

  it('invokes the scheduled functions with their input (dunning\'s fire time, the finance pack\'s kind, the re-drive), never in a flexible window', () => {
    for (const [, s] of ofType('AWS::Scheduler::Schedule')) {
      expect(s.Properties.Target.Input).toMatch(/^\{"scheduledTime":"<aws\.scheduler\.scheduled-time>"\}$|^\{"kind":"(flash|weekly|month-end)"\}$|^\{"redriveReceived":true\}$/);
      expect(s.Properties.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    }
  });

  it('alarms on every DLQ, on failed workflows and on order steps that failed or timed out without answering, to an encrypted topic', () => {
    expect(ofType('AWS::CloudWatch::Alarm')).toHaveLength(14);
    const [steps] = ofType('AWS::StepFunctions::StateMachine').find(([, m]) => m.Properties.StateMachineType === 'EXPRESS')!;
    const onSteps = ofType('AWS::CloudWatch::Alarm').filter(([, a]) => JSON.stringify(a.Properties.Dimensions).includes(steps)).map(([, a]) => a.Properties.MetricName).sort();
    expect(onSteps).toEqual(['ExecutionsFailed', 'ExecutionsTimedOut']);
    // …the warehouse-requests and documents DLQs among them.
    const documentsDlq = ofType('AWS::SQS::Queue', dataResources).find(([id]) => id.includes('DocumentsDlq'))![0];
    expect(ofType('AWS::CloudWatch::Alarm').some(([, a]) => JSON.stringify(a.Properties.Dimensions).includes(documentsDlq))).toBe(true);
    const dlq = ofType('AWS::SQS::Queue', dataResources).find(([id]) => id.includes('WarehouseRequestsDlq'))![0];
    expect(ofType('AWS::CloudWatch::Alarm').some(([, a]) => JSON.stringify(a.Properties.Dimensions).includes(dlq))).toBe(true);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: {} });
  });

  it('lets a dev stack delete its table and queues, and has no resources beyond the design', () => {
    expect(ofType('AWS::DynamoDB::GlobalTable', dataResources)[0]![1].DeletionPolicy).toBe('Delete');
    for (const [id, q] of ofType('AWS::SQS::Queue', dataResources)) expect(q.DeletionPolicy, id).toBe('Delete');
    expect(ofType('AWS::Lambda::Function')).toHaveLength(26);
    expect(ofType('AWS::SQS::Queue', dataResources)).toHaveLength(22);
    expect(ofType('AWS::StepFunctions::StateMachine')).toHaveLength(2);
    expect(ofType('AWS::ApiGatewayV2::Api')).toHaveLength(1);
    expect(ofType('AWS::SecretsManager::Secret', dataResources)).toHaveLength(5);
    expect(ofType('AWS::Events::EventBus', dataResources)).toHaveLength(1);
    expect(ofType('AWS::SES::EmailIdentity', dataResources)).toHaveLength(1);
    expect(ofType('AWS::SES::ConfigurationSet', dataResources)).toHaveLength(1);
  });
});

describe('warehouse hand-off', () => {
  const dataId = (type: string, part: string) => ofType(type, dataResources).find(([id]) => id.includes(part))![0];

  it('creates the o2c bus O2c-<stage> in the data stack; only fulfil-order puts events on it', () => {
    const [[busId, bus]] = ofType('AWS::Events::EventBus', dataResources) as [[string, Resource]];
    expect(bus.Properties.Name).toBe('O2c-dev');
    expect(bus.DeletionPolicy).toBe('Delete');
    expect(deref(envOf('fulfil-order').EVENT_BUS_NAME)).toEqual({ Ref: busId });
    const put = policyStatements('fulfil-order').find((st) => st.Action === 'events:PutEvents');
    expect(deref(put?.Resource)).toEqual({ 'Fn::GetAtt': [busId, 'Arn'] });
    for (const name of FUNCTION_NAMES.filter((n) => n !== 'fulfil-order')) expect(actionsOf(name).has('events:PutEvents'), name).toBe(false);
  });

  it('queues webhook deliveries on warehouse-requests (DLQ after 5), consumed by send-fulfilment-request, which may answer the wait', () => {
    const queue = dataId('AWS::SQS::Queue', 'WarehouseRequestsQueue');
    expect(dataResources[queue]!.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0]).toBe(dataId('AWS::SQS::Queue', 'WarehouseRequestsDlq'));
    expect(dataResources[queue]!.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
    expect(deref(envOf('fulfil-order').WAREHOUSE_REQUESTS_QUEUE_URL)).toEqual({ Ref: queue });
    const [, mapping] = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) => refId(m.Properties.EventSourceArn) === queue)!;
    expect(resources[mapping.Properties.FunctionName.Ref]!.Properties.Environment.Variables.O2C_FUNCTION).toBe('send-fulfilment-request');
    expect([...actionsOf('send-fulfilment-request')]).toEqual(expect.arrayContaining(['states:SendTaskFailure', 'sqs:ReceiveMessage']));
    expect(actionsOf('send-fulfilment-request').has('states:StartExecution')).toBe(false);
  });

  it('signs with a generated WarehouseWebhookSecret that only send-fulfilment-request reads; no webhook URL unless configured', () => {
    const secret = dataId('AWS::SecretsManager::Secret', 'WarehouseWebhookSecret');
    expect(dataResources[secret]!.Properties.GenerateSecretString).toMatchObject({ ExcludePunctuation: true, PasswordLength: 48 });
    expect(deref(envOf('send-fulfilment-request').WAREHOUSE_WEBHOOK_SECRET_ARN)).toEqual({ Ref: secret });
    const readers = FUNCTION_NAMES.filter((n) => policyStatements(n).some((st) => st.Action === 'secretsmanager:GetSecretValue' || (Array.isArray(st.Action) && st.Action.includes('secretsmanager:GetSecretValue'))) && JSON.stringify(policyStatements(n)).includes(secret));
    expect(readers).toEqual(['send-fulfilment-request']);
    expect(envOf('send-fulfilment-request').WAREHOUSE_WEBHOOK_URL).toBeUndefined();
  });

  it("tells fulfil-order the API's public URL, for the callback", () => {
    const [apiId] = ofType('AWS::ApiGatewayV2::Api')[0]!;
    expect(JSON.stringify(envOf('fulfil-order').PUBLIC_API_URL)).toContain(apiId);
  });

  it('passes warehouseWebhookUrl from the configuration to send-fulfilment-request only', () => {
    const withUrl = withoutCfnValidation(() => buildApp({ context: { ...context, 'o2c.warehouseWebhookUrl': 'https://wms.acme.example/o2c' }, nag: false }));
    const app = Template.fromJSON(withUrl.app.synth().getStackArtifact(withUrl.stack.artifactId).template).toJSON().Resources as Record<string, Resource>;
    const env = (name: string) => Object.values(app).find((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment.Variables.O2C_FUNCTION === name)!.Properties.Environment.Variables;
    expect(env('send-fulfilment-request').WAREHOUSE_WEBHOOK_URL).toBe('https://wms.acme.example/o2c');
    expect(env('fulfil-order').WAREHOUSE_WEBHOOK_URL).toBeUndefined();
  });

  it('binds the failure path step release-stock to the table only', () => {
    expect(Object.keys(envOf('release-stock')).filter((k) => !['O2C_FUNCTION', 'POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'NODE_OPTIONS'].includes(k))).toEqual(['TABLE_NAME']);
    expect([...actionsOf('release-stock')].some((a) => a.startsWith('sqs:') || a.startsWith('states:') || a.startsWith('ses:'))).toBe(false);
  });
});

describe('stateful and stateless stacks', () => {
  const STATEFUL = ['AWS::DynamoDB::GlobalTable', 'AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'AWS::SecretsManager::Secret', 'AWS::SES::EmailIdentity', 'AWS::SES::ConfigurationSet', 'AWS::S3::Bucket', 'AWS::S3::BucketPolicy', 'AWS::Events::EventBus'];

  it('keeps the data in the data stack and only there; the stateless stack holds none of it', () => {
    expect(new Set(Object.values(dataResources).map((r) => r.Type))).toEqual(new Set(STATEFUL.filter((t) => t !== 'AWS::DynamoDB::Table')));
    expect(Object.values(resources).filter((r) => STATEFUL.includes(r.Type))).toEqual([]);
  });

  it('reaches the data through exports of the data stack, and the API, workflow and outputs stay where they were', () => {
    expect(exported.size).toBeGreaterThan(0);
    for (const name of exported.keys()) expect(name).toMatch(/^O2c-dev-data:/);
    expect(deref(envOf('intake').TABLE_NAME)).toEqual({ Ref: ofType('AWS::DynamoDB::GlobalTable', dataResources)[0]![0] });
    expect(deref(envOf('intake').ORDERS_QUEUE_URL)).toEqual({ Ref: ofType('AWS::SQS::Queue', dataResources).find(([id]) => id.includes('OrdersQueue'))![0] });
    expect(Object.keys(template.toJSON().Outputs).filter((k) => !k.startsWith('Exports')).sort()).toEqual(['ApiKeySecretArn', 'ApiUrl', 'StateMachineArn', 'TableName', 'WarehouseKeySecretArn']);
  });

  it('deploys the data stack first', () => {
    expect(synthesized.stackNames).toEqual(['O2c-dev', 'O2c-dev-data']);
    expect(synthesized.appDependsOn).toContain('O2c-dev-data');
  });
});

describe('cdk-nag', () => {
  it('AwsSolutions and Serverless packs (and CloudFormation validation) report zero unacknowledged findings', () => {
    // cdk-nag 3 runs as a CDK validation plugin: findings go to <outdir>/validation-report.json and make synth throw.
    const report = (() => {
      try {
        return JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as {
          pluginReports: { pluginName: string; violations: { ruleName: string; violatingConstructs: { constructPath?: string }[] }[] }[];
        };
      } catch {
        return { pluginReports: [] };
      }
    })();
    const findings = report.pluginReports.flatMap((p) => p.violations.map((v) => `${p.pluginName} ${v.ruleName} ${v.violatingConstructs.map((r) => r.constructPath).join(',')}`));
    expect(findings).toEqual([]);
    expect(nagSynthError).toBeUndefined();
  });

  it('reports a finding once an acknowledgement is taken away (the check bites, across the two stacks too)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'o2c-nag-'));
    try {
      const built = buildApp({ context, outdir: dir });
      // The table grant's index wildcard, acknowledged on apply-payment with the name of the data stack's export.
      const fn = built.stack.node.findAll().find((c) => c.node.path.endsWith('/ApplyPaymentFunction'))!;
      const acknowledged = fn.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => m.data as Record<string, string>);
      const id = acknowledged.flatMap((d) => Object.keys(d)).find((k) => k.endsWith('/index/*]'))!;
      expect(id).toMatch(/AwsSolutions-IAM5\[Resource::O2c-dev-data:ExportsOutput\w+\/index\/\*\]$/);
      for (const d of acknowledged) delete d[id];
      expect(() => withoutCfnValidation(() => built.app.synth())).toThrow(/AwsSolutions-IAM5/);
      const report = JSON.parse(readFileSync(join(dir, 'validation-report.json'), 'utf8')) as { pluginReports: { violations: { ruleName: string; violatingConstructs: { constructPath?: string }[] }[] }[] };
      const violations = report.pluginReports.flatMap((p) => p.violations);
      expect(violations.map((v) => v.ruleName)).toEqual([id.replace(/^Annotation::/i, '')]);
      expect(violations[0]!.violatingConstructs.map((r) => r.constructPath)).toEqual(['O2c-dev/Collections/ApplyPaymentFunction/ServiceRole/DefaultPolicy/Resource']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
