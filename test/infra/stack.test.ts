/**
 * Template assertions: every resource and wiring of issue #2, read from the
 * synthesized template (bundling skipped: the code is not under test here).
 *
 * The app is synthesized ONCE, with the cdk-nag packs and CloudFormation's own
 * validation on (a few seconds of CPU each): the template tests read that
 * assembly and the cdk-nag test reads its validation report. If that synth
 * fails (a finding), the template tests fall back to a synth without checks,
 * so a nag finding fails only the cdk-nag test.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { BINDINGS, FUNCTION_BINDINGS, FUNCTION_NAMES, type BindingName, type BindingSpec, type FunctionName } from '../../functions/bindings.ts';

const root = resolve(import.meta.dirname, '../..');
const cdkContext = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const context = { ...cdkContext, 'aws:cdk:bundling-stacks': [] };
type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

let template: Template;
let resources: Record<string, Resource>;
let outdir: string;
let nagSynthError: unknown;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
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
  const { app, stack } = buildApp({ context, outdir });
  try {
    const assembly = app.synth();
    template = Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template);
  } catch (error) {
    nagSynthError = error;
    const previous = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    try {
      template = Template.fromStack(buildApp({ context, nag: false }).stack);
    } finally {
      if (previous === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = previous;
    }
  }
  resources = template.toJSON().Resources;
});
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('functions', () => {
  const handlers = readdirSync(join(root, 'functions/handlers')).map((f) => f.replace(/\.ts$/, '')).sort();

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
    expect(fnByName('plan-dunning')![1].Properties.Environment.Variables).toMatchObject({ DUNNING_LEVELS: '1,7,14,30', TIMEZONE: 'Europe/London' });
    expect(fnByName('send-mail')![1].Properties.Environment.Variables).toMatchObject({ SENDER_ADDRESS: 'billing@example.com' });
    expect(fnByName('build-report')![1].Properties.Environment.Variables).toMatchObject({ FINANCE_RECIPIENTS: 'finance@example.com' });
  });
});

describe('queues', () => {
  it('gives each of the six queues a DLQ after 5 deliveries, and each queue 6× its consumer timeout', () => {
    const queues = ofType('AWS::SQS::Queue').filter(([, q]) => q.Properties.RedrivePolicy);
    expect(queues).toHaveLength(6);
    const dlqIds = new Set(ofType('AWS::SQS::Queue').filter(([, q]) => !q.Properties.RedrivePolicy).map(([id]) => id));
    expect(dlqIds.size).toBe(6);
    const mappings = ofType('AWS::Lambda::EventSourceMapping');
    for (const [id, q] of queues) {
      expect(q.Properties.RedrivePolicy.maxReceiveCount).toBe(5);
      expect(dlqIds.has(q.Properties.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0])).toBe(true);
      expect(q.Properties.SqsManagedSseEnabled).toBe(true);
      const mapping = mappings.find(([, m]) => m.Properties.EventSourceArn['Fn::GetAtt'][0] === id);
      expect(mapping, `a consumer for ${id}`).toBeDefined();
      const consumer = resources[mapping![1].Properties.FunctionName.Ref]!;
      expect(q.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * consumer.Properties.Timeout);
      expect(mapping![1].Properties.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    }
  });
});

describe('order workflow', () => {
  const definition = () => {
    const [, sm] = ofType('AWS::StepFunctions::StateMachine')[0]!;
    const parts = sm.Properties.DefinitionString['Fn::Join'][1] as unknown[];
    return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : '"x"').replace(/^"x"$/, 'x')).join('')) as { States: Record<string, any> };
  };

  it('is a Standard state machine with logging and tracing', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineType: 'STANDARD', TracingConfiguration: { Enabled: true }, LoggingConfiguration: { Level: 'ALL' } });
  });

  it('has the steps in order, two task-token waits on the credit-review and fulfilment queues, and Catch on every task', () => {
    const states = definition().States;
    for (const name of ['ValidateOrder', 'BackorderWait', 'CheckCredit', 'WaitForCreditReview', 'ConfirmOrder', 'WaitForFulfilment', 'ShipOrder', 'IssueInvoice', 'RejectOrder', 'NotifyFailure', 'Done', 'Rejected', 'Failed']) {
      expect(states, name).toHaveProperty(name);
    }
    const waits = Object.entries(states).filter(([, s]) => s.Resource === 'arn:x:states:::sqs:sendMessage.waitForTaskToken' || String(s.Resource).includes('waitForTaskToken'));
    expect(waits.map(([n]) => n).sort()).toEqual(['WaitForCreditReview', 'WaitForFulfilment']);
    expect(states.WaitForCreditReview.Parameters.MessageBody).toEqual({ 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token' });
    expect(states.ConfirmOrder.Next).toBe('WaitForFulfilment');
    expect(states.WaitForFulfilment.Next).toBe('ShipOrder');
    expect(states.ShipOrder.Next).toBe('IssueInvoice');
    expect(states.IssueInvoice.Next).toBe('Done');
    for (const [name, s] of Object.entries(states).filter(([n, st]) => st.Type === 'Task' && n !== 'NotifyFailure')) {
      expect(s.Catch?.[0], name).toMatchObject({ ErrorEquals: ['States.ALL'], Next: 'NotifyFailure' });
    }
    expect(states.NotifyFailure.Next).toBe('Failed');
    expect(JSON.stringify(definition())).not.toContain('JSONata');
    expect(JSON.stringify(definition())).not.toContain('"Assign"');
  });
});

describe('API, schedules, data, mail', () => {
  it('routes webhooks, payments, callbacks and finance decisions; finance needs IAM', () => {
    const routes = Object.fromEntries(ofType('AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties.RouteKey, r.Properties.AuthorizationType ?? 'NONE']));
    expect(routes).toEqual({
      'POST /orders': 'NONE',
      'POST /payments': 'NONE',
      'POST /webhooks/shopify': 'NONE',
      'POST /webhooks/woocommerce': 'NONE',
      'POST /webhooks/stripe': 'NONE',
      'GET /openapi.json': 'NONE',
      'POST /fulfilment/{orderId}/shipment': 'NONE',
      'POST /finance/orders/{orderId}/credit-decision': 'AWS_IAM',
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { AccessLogSettings: {}, DefaultRouteSettings: { ThrottlingRateLimit: 200 } });
  });

  it('schedules dunning and the report in the configured zone', () => {
    const schedules = ofType('AWS::Scheduler::Schedule').map(([, s]) => s.Properties);
    expect(schedules.map((s) => [s.ScheduleExpression, s.ScheduleExpressionTimezone]).sort()).toEqual([
      ['cron(0 6 * * ? *)', 'Europe/London'],
      ['cron(0 7 * * ? *)', 'Europe/London'],
    ]);
  });

  it('has one on-demand table with PITR, a stream, TTL and the two indexes', () => {
    const [[, table]] = ofType('AWS::DynamoDB::GlobalTable') as [[string, Resource]];
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
    expect(names).toHaveLength(17);
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
      expect(envOf(name).API_KEY_SECRET_ARN, name).toBeDefined();
      expect(actionsOf(name).has('secretsmanager:GetSecretValue'), name).toBe(true);
    }
    expect(envOf('intake').WEBHOOK_SECRETS_ARN).toBeDefined();
    expect(actionsOf('check-credit').has('secretsmanager:GetSecretValue')).toBe(false);
  });
});

describe('workflow wiring and limits', () => {
  const definition = () => {
    const [, sm] = ofType('AWS::StepFunctions::StateMachine')[0]!;
    const parts = sm.Properties.DefinitionString['Fn::Join'][1] as unknown[];
    return JSON.parse(parts.map((p) => (typeof p === 'string' ? p : 'x')).join('')) as { States: Record<string, any> };
  };

  it('calls Lambda steps directly (payloadResponseOnly) with retries on Lambda faults and lost races', () => {
    const states = definition().States;
    for (const name of ['ValidateOrder', 'CheckCredit', 'ConfirmOrder', 'ShipOrder', 'IssueInvoice', 'RejectOrder']) {
      expect(states[name].Resource, name).toBe('x');
      const retried = (states[name].Retry as { ErrorEquals: string[] }[]).flatMap((r) => r.ErrorEquals);
      expect(retried, name).toEqual(expect.arrayContaining(['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException', 'ConcurrentUpdate']));
    }
    expect(states.ValidateOrder.ResultPath).toBe('$.validation');
    expect(states.CheckCredit.ResultPath).toBe('$.credit');
    expect(states.WaitForCreditReview).toMatchObject({ ResultPath: '$.review', TimeoutSeconds: 7 * 86_400 });
    expect(states.WaitForFulfilment).toMatchObject({ ResultPath: '$.shipment', TimeoutSeconds: 14 * 86_400 });
    expect(states.BackorderWait).toMatchObject({ Type: 'Wait', Seconds: 3600, Next: 'ValidateOrder' });
    expect(states.NotifyFailure.Parameters.MessageBody['key.$']).toBe("States.Format('workflow-failed:{}', $.orderId)");
    expect(states.NotifyFailure.Parameters.MessageBody.to).toEqual(['finance@example.com']);
  });

  it('logs executions without their data, and lets only the right functions start or answer it', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { LoggingConfiguration: { IncludeExecutionData: false } });
    expect(envOf('start-order').STATE_MACHINE_ARN).toBeDefined();
    for (const name of ['decide-credit', 'fulfilment-callback']) {
      expect([...actionsOf(name)], name).toEqual(expect.arrayContaining(['states:SendTaskSuccess', 'states:SendTaskFailure']));
      expect(actionsOf(name).has('states:StartExecution'), name).toBe(false);
    }
    for (const name of ['validate-order', 'check-credit', 'issue-invoice', 'send-mail']) {
      expect([...actionsOf(name)].some((a) => a.startsWith('states:')), name).toBe(false);
    }
  });

  it('keeps send-mail under the SES rate, dead-letters after 14 days of keeping, and refuses plain HTTP on every queue', () => {
    const mailQueue = ofType('AWS::SQS::Queue').find(([id]) => id.includes('MailQueue'))![0];
    const [, mapping] = ofType('AWS::Lambda::EventSourceMapping').find(([, m]) => m.Properties.EventSourceArn['Fn::GetAtt'][0] === mailQueue)!;
    const { BatchSize, ScalingConfig } = mapping.Properties;
    // each poller sends about one batch a second
    expect(BatchSize * ScalingConfig.MaximumConcurrency).toBeLessThanOrEqual(14 + 2 * BatchSize);
    for (const [, q] of ofType('AWS::SQS::Queue').filter(([, q]) => !q.Properties.RedrivePolicy)) expect(q.Properties.MessageRetentionPeriod).toBe(14 * 86_400);
    const policies = ofType('AWS::SQS::QueuePolicy');
    const secured = new Set(
      policies
        .filter(([, p]) => JSON.stringify(p.Properties.PolicyDocument).includes('"aws:SecureTransport":"false"'))
        .flatMap(([, p]) => (p.Properties.Queues as { Ref: string }[]).map((q) => q.Ref)),
    );
    expect(secured.size).toBe(12);
  });

  it('invokes the scheduled functions with an empty input', () => {
    for (const [, s] of ofType('AWS::Scheduler::Schedule')) {
      expect(s.Properties.Target.Input).toBe('{}');
      expect(s.Properties.FlexibleTimeWindow).toEqual({ Mode: 'OFF' });
    }
  });

  it('alarms on every DLQ and on failed workflows, to an encrypted topic', () => {
    expect(ofType('AWS::CloudWatch::Alarm')).toHaveLength(7);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: {} });
  });

  it('lets a dev stack delete its table, and has no resources beyond the design', () => {
    expect(ofType('AWS::DynamoDB::GlobalTable')[0]![1].DeletionPolicy).toBe('Delete');
    expect(ofType('AWS::Lambda::Function')).toHaveLength(17);
    expect(ofType('AWS::SQS::Queue')).toHaveLength(12);
    expect(ofType('AWS::StepFunctions::StateMachine')).toHaveLength(1);
    expect(ofType('AWS::ApiGatewayV2::Api')).toHaveLength(1);
    expect(ofType('AWS::SecretsManager::Secret')).toHaveLength(2);
    expect(ofType('AWS::SES::EmailIdentity')).toHaveLength(1);
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
});
