/**
 * Template assertions: every resource and wiring of issue #2, read from the
 * synthesized template (bundling skipped: the code is not under test here).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';

const root = resolve(import.meta.dirname, '../..');
const cdkContext = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const context = { ...cdkContext, 'aws:cdk:bundling-stacks': [] };
type Resource = { Type: string; Properties: Record<string, any> };

let template: Template;
let resources: Record<string, Resource>;
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const fnByName = (name: string) => ofType('AWS::Lambda::Function').find(([, r]) => r.Properties.Environment?.Variables?.O2C_FUNCTION === name);
const roleOf = (name: string) => (fnByName(name)![1].Properties.Role['Fn::GetAtt'] as string[])[0]!;
const policyStatements = (name: string) =>
  ofType('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleOf(name)))
    .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as { Action: string | string[] }[]);
const actionsOf = (name: string) => new Set(policyStatements(name).flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));

beforeAll(() => {
  const { stack } = buildApp({ context, nag: false });
  template = Template.fromStack(stack);
  resources = template.toJSON().Resources;
});

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

describe('cdk-nag', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = mkdtempSync(join(tmpdir(), 'o2c-nag-'));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('AwsSolutions and Serverless packs report zero unacknowledged findings', () => {
    const { app } = buildApp({ context, outdir });
    let error: unknown;
    try {
      app.synth();
    } catch (e) {
      error = e;
    }
    const reportFile = join(outdir, 'validation-report.json');
    const report = (() => {
      try {
        return JSON.parse(readFileSync(reportFile, 'utf8')) as { pluginReports: { violations: { ruleName: string }[] }[] };
      } catch {
        return { pluginReports: [] };
      }
    })();
    const findings = report.pluginReports.flatMap((p) => p.violations.map((v) => v.ruleName));
    expect(findings).toEqual([]);
    expect(error).toBeUndefined();
  });
});

describe('configuration', () => {
  it('stops synth with the key that is wrong', () => {
    const bad = { ...context, o2c: { ...(cdkContext.o2c as object), senderAddress: 'not-an-email', dunningLevels: [7, 1] } };
    expect(() => buildApp({ context: bad, nag: false })).toThrow(/o2c\.senderAddress.*o2c\.dunningLevels: must be ascending|o2c\.dunningLevels.*o2c\.senderAddress/s);
  });
});
