/**
 * The template reader on a small hand-written pair of templates shaped like
 * CDK's output for o2c's two stacks (no synth: fast): the stateful one
 * exporting its table, queues and secret, the stateless one importing them.
 * Including the things it must refuse rather than half-host.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeTemplates, readTopology, TemplateError, type CfnTemplate } from '../../local/template.ts';

const load = (name: string): CfnTemplate => JSON.parse(readFileSync(resolve(import.meta.dirname, 'fixtures', name), 'utf8')) as CfnTemplate;
const templates = () => ({ data: load('data-template.json'), app: load('template.json') });
const fixture = (): CfnTemplate => {
  const { data, app } = templates();
  return mergeTemplates([data, app]);
};
const addresses = { region: 'eu-west-1', account: '000000000000', queueUrl: (name: string) => `http://127.0.0.1:9324/000000000000/${name}` };

describe('readTopology on a CDK-shaped fixture', () => {
  const t = readTopology(fixture(), addresses);

  it('reads the table: keys, indexes, TTL and stream', () => {
    expect(t.table).toMatchObject({
      logicalId: 'DataTable1A2B3C4D',
      name: 'DataTable1A2B3C4D',
      keys: { partitionKey: 'pk', sortKey: 'sk' },
      indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
      ttlAttribute: 'expiration',
      stream: 'NEW_AND_OLD_IMAGES',
    });
    expect(t.table.attributes).toHaveLength(4);
  });

  it('reads queues with their redrive policy and visibility timeout, named as in AWS (QueueName or logical id)', () => {
    const byId = Object.fromEntries(t.queues.map((q) => [q.logicalId, q]));
    expect(byId.OrdersQueue33CC44DD).toEqual({
      logicalId: 'OrdersQueue33CC44DD',
      name: 'OrdersQueue33CC44DD',
      visibilityTimeoutSeconds: 180,
      deadLetter: { logicalId: 'OrdersDlq11AA22BB', maxReceiveCount: 5 },
    });
    expect(byId.OrdersDlq11AA22BB!.deadLetter).toBeUndefined();
    expect(byId.FulfilmentQueue55EE66FF!.name).toBe('o2c-dev-fulfilment');
    expect(byId.FulfilmentQueue55EE66FF!.visibilityTimeoutSeconds).toBe(30);
  });

  it('names functions by O2C_FUNCTION and resolves their environment to local values', () => {
    const intake = t.functions.find((f) => f.name === 'intake')!;
    expect(intake.logicalId).toBe('IntakeFn99II00JJ');
    expect(intake.timeoutSeconds).toBe(10);
    expect(intake.env).toEqual({
      O2C_FUNCTION: 'intake',
      TABLE_NAME: 'DataTable1A2B3C4D',
      ORDERS_QUEUE_URL: 'http://127.0.0.1:9324/000000000000/OrdersQueue33CC44DD',
      API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:ApiKeySecret77GG88HH',
      COMPANY_ADDRESS: '["1 Example Street"]',
    });
    expect(t.functions.find((f) => f.name === 'start-order')!.env.STATE_MACHINE_ARN).toBe(t.stateMachine.arn);
    expect(t.stateMachine.arn).toBe('arn:aws:states:eu-west-1:000000000000:stateMachine:WorkflowStateMachineCC33');
  });

  it('reads queue consumers with batch size and partial batch responses', () => {
    expect(t.eventSources).toEqual([{ queue: 'OrdersQueue33CC44DD', fn: 'StartOrderFnAA11BB22', batchSize: 5, reportBatchItemFailures: true }]);
  });

  it('reads routes through their integrations, with the authorization type', () => {
    expect(t.routes).toEqual([
      { method: 'POST', path: '/orders', routeKey: 'POST /orders', fn: 'IntakeFn99II00JJ', authorization: 'NONE' },
      { method: 'POST', path: '/finance/orders/{orderId}/credit-decision', routeKey: 'POST /finance/orders/{orderId}/credit-decision', fn: 'IntakeFn99II00JJ', authorization: 'AWS_IAM' },
    ]);
  });

  it('resolves the ASL and says what each task runs', () => {
    const states = t.stateMachine.definition.States;
    expect(t.stateMachine.definition.StartAt).toBe('ValidateOrder');
    expect(states.WaitForFulfilment.Parameters.QueueUrl).toBe('http://127.0.0.1:9324/000000000000/o2c-dev-fulfilment');
    expect(states.WaitForFulfilment.Resource).toBe('arn:aws:states:::sqs:sendMessage.waitForTaskToken');
    expect(t.stateMachine.tasks).toEqual({
      ValidateOrder: { kind: 'lambda', fn: 'ValidateOrderFnDD44EE55' },
      WaitForFulfilment: { kind: 'sqs', waitForTaskToken: true },
      NotifyFailure: { kind: 'sqs', waitForTaskToken: false },
    });
  });

  it('reads schedules with their function, expression, time zone and input', () => {
    expect(t.schedules).toEqual([{ logicalId: 'DunningSchedule99ZZ', fn: 'PlanDunningFnFF66GG77', expression: 'cron(0 6 * * ? *)', timezone: 'Europe/London', input: {}, retryAttempts: 185 }]); // no RetryPolicy in the template: EventBridge Scheduler's default
  });
});

describe('mergeTemplates', () => {
  it('puts both stacks side by side and resolves each Fn::ImportValue to the exporting stack\'s output', () => {
    const { data, app } = templates();
    const merged = mergeTemplates([app, data]);
    expect(Object.keys(merged.Resources).sort()).toEqual([...Object.keys(data.Resources), ...Object.keys(app.Resources)].sort());
    expect(JSON.stringify(merged)).not.toContain('Fn::ImportValue');
    expect(merged.Resources.IntakeFn99II00JJ!.Properties!.Environment.Variables.TABLE_NAME).toEqual({ Ref: 'DataTable1A2B3C4D' });
    expect(merged.Resources.StartOrderFnSqsEventSource12345678!.Properties!.EventSourceArn).toEqual({ 'Fn::GetAtt': ['OrdersQueue33CC44DD', 'Arn'] });
  });

  it('refuses an import that no stack exports (e.g. the stateful template left out)', () => {
    expect(() => mergeTemplates([templates().app])).toThrow(/Fn::ImportValue of "O2c-dev-data:ExportsOutput\w+", which no stack exports/);
  });

  it('refuses a logical id that is in two stacks', () => {
    const { data, app } = templates();
    app.Resources.DataTable1A2B3C4D = data.Resources.DataTable1A2B3C4D!;
    expect(() => mergeTemplates([data, app])).toThrow(/logical id DataTable1A2B3C4D is in two stacks/);
  });
});

describe('readTopology refuses what it cannot host', () => {
  it('a function without O2C_FUNCTION', () => {
    const t = fixture();
    delete (t.Resources.PlanDunningFnFF66GG77!.Properties!.Environment.Variables as Record<string, unknown>).O2C_FUNCTION;
    expect(() => readTopology(t, addresses)).toThrow(/PlanDunningFnFF66GG77 has no O2C_FUNCTION/);
  });

  it('a task state with a service integration the host does not emulate', () => {
    const t = fixture();
    const parts = t.Resources.WorkflowStateMachineCC33!.Properties!.DefinitionString['Fn::Join'][1] as unknown[];
    parts[4] = ':states:::dynamodb:putItem","Parameters":{"QueueUrl":"';
    expect(() => readTopology(t, addresses)).toThrow(TemplateError);
    expect(() => readTopology(t, addresses)).toThrow(/WaitForFulfilment uses arn:aws:states:::dynamodb:putItem/);
  });

  it('a stream consumer (only SQS consumers are hosted)', () => {
    const t = fixture();
    t.Resources.StreamConsumer = {
      Type: 'AWS::Lambda::EventSourceMapping',
      Properties: { EventSourceArn: { 'Fn::GetAtt': ['DataTable1A2B3C4D', 'StreamArn'] }, FunctionName: { Ref: 'PlanDunningFnFF66GG77' }, StartingPosition: 'LATEST' },
    };
    expect(() => readTopology(t, addresses)).toThrow(/StreamConsumer reads DataTable1A2B3C4D \(AWS::DynamoDB::Table\); the local runtime hosts SQS consumers only/);
  });

  it('a route without a Lambda integration', () => {
    const t = fixture();
    t.Resources.HttpApiPostOrdersRoute1234ABCD!.Properties!.Target = 'integrations/Nowhere';
    expect(() => readTopology(t, addresses)).toThrow(/route POST \/orders has no Lambda integration/);
  });
});
