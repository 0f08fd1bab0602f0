/**
 * Reads the synthesized CloudFormation template into the local topology:
 * table, queues and their redrive, functions and their environment, queue
 * consumers, HTTP routes, the state machine's ASL and the schedules. Nothing
 * here names a resource of o2c: everything comes from the template, with
 * intrinsic functions resolved against the local emulators' addresses.
 *
 * The app synthesizes more than one stack (stateful data, stateless code):
 * `mergeTemplates` makes one template of them, each `Fn::ImportValue` replaced
 * by the value its exporting stack's Outputs give that export name.
 */

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
}
export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

export interface LocalTable {
  logicalId: string;
  name: string;
  keys: { partitionKey: string; sortKey?: string };
  indexes: { name: string; partitionKey: string; sortKey?: string }[];
  ttlAttribute?: string;
  /** The stream's view type, when the table has a stream. */
  stream?: 'KEYS_ONLY' | 'NEW_IMAGE' | 'OLD_IMAGE' | 'NEW_AND_OLD_IMAGES';
  attributes: { name: string; type: 'S' | 'N' | 'B' }[];
}
export interface LocalQueue {
  logicalId: string;
  name: string;
  visibilityTimeoutSeconds: number;
  deadLetter?: { logicalId: string; maxReceiveCount: number };
}
export interface LocalFunction {
  logicalId: string;
  /** The step name (`O2C_FUNCTION`): the handler is functions/handlers/<name>.ts. */
  name: string;
  env: Record<string, string>;
  timeoutSeconds: number;
  /** MemorySize as synthesized (Lambda's default 128 MB when unset): what an invocation is billed by. */
  memoryMb: number;
}
export interface LocalEventSource {
  queue: string;
  fn: string;
  batchSize: number;
  reportBatchItemFailures: boolean;
}
export interface LocalRoute {
  method: string;
  path: string;
  routeKey: string;
  fn: string;
  authorization: string;
}
export interface LocalSchedule {
  logicalId: string;
  fn: string;
  expression: string;
  timezone: string;
  input: unknown;
  /** The target's RetryPolicy.MaximumRetryAttempts (EventBridge Scheduler's default, 185, when the template sets none). */
  retryAttempts: number;
}
/** What a Task state runs: a function (logical id), a queue send, another machine's execution, or an answer to a token. */
export type LocalTask =
  | { kind: 'lambda'; fn: string }
  | { kind: 'sqs'; waitForTaskToken: boolean }
  | { kind: 'start-execution'; waitForTaskToken: boolean }
  | { kind: 'answer'; action: 'sendTaskSuccess' | 'sendTaskFailure' };
export interface LocalStateMachine {
  logicalId: string;
  arn: string;
  type: 'STANDARD' | 'EXPRESS';
  definition: { StartAt: string; States: Record<string, any> };
  /** Task state → what it runs. */
  tasks: Record<string, LocalTask>;
}
export interface LocalTopology {
  table: LocalTable;
  /** Names of the EventBridge buses the template creates. */
  eventBuses: string[];
  queues: LocalQueue[];
  functions: LocalFunction[];
  eventSources: LocalEventSource[];
  routes: LocalRoute[];
  schedules: LocalSchedule[];
  /** The Standard machine (the order's workflow, which start-order starts). */
  stateMachine: LocalStateMachine;
  /** Every state machine of the template, the Standard one first (the Express order steps after it). */
  stateMachines: LocalStateMachine[];
}

/** Where the local emulators answer; intrinsics resolve to these. */
export interface LocalAddresses {
  region: string;
  account: string;
  queueUrl: (queueName: string) => string;
}

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
}

/**
 * One template of the stacks of an app: their resources side by side (a logical id in two stacks is refused), and
 * every `Fn::ImportValue` replaced by the exported value, which refers to resources of the exporting stack.
 */
export function mergeTemplates(templates: readonly CfnTemplate[]): CfnTemplate {
  const exports = new Map<string, unknown>();
  for (const t of templates) {
    for (const [id, output] of Object.entries(t.Outputs ?? {})) {
      if (output.Export === undefined) continue;
      const name = output.Export.Name;
      if (typeof name !== 'string') throw new TemplateError(`output ${id} exports under a computed name, which the local runtime cannot match`);
      exports.set(name, output.Value);
    }
  }
  const substitute = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(substitute);
    if (value === null || typeof value !== 'object') return value;
    if ('Fn::ImportValue' in value) {
      const name = (value as { 'Fn::ImportValue': unknown })['Fn::ImportValue'];
      if (typeof name !== 'string' || !exports.has(name)) throw new TemplateError(`Fn::ImportValue of ${JSON.stringify(name)}, which no stack exports`);
      return exports.get(name);
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v)]));
  };
  const resources: Record<string, CfnResource> = {};
  for (const t of templates) {
    for (const [id, resource] of Object.entries(t.Resources)) {
      if (id in resources) throw new TemplateError(`logical id ${id} is in two stacks`);
      resources[id] = substitute(resource) as CfnResource;
    }
  }
  return { Resources: resources };
}

const ofType = (t: CfnTemplate, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);

export function readTopology(template: CfnTemplate, addresses: LocalAddresses): LocalTopology {
  const { region, account } = addresses;
  const tables = [...ofType(template, 'AWS::DynamoDB::GlobalTable'), ...ofType(template, 'AWS::DynamoDB::Table')];
  if (tables.length !== 1) throw new TemplateError(`expected one DynamoDB table, found ${tables.length}`);
  const [tableId, tableRes] = tables[0]!;
  const tableName = (tableRes.Properties?.TableName as string | undefined) ?? tableId;
  const queueName = (id: string) => (template.Resources[id]?.Properties?.QueueName as string | undefined) ?? id;
  const busName = (id: string) => (template.Resources[id]?.Properties?.Name as string | undefined) ?? id;
  const fnName = (id: string) => {
    const name = template.Resources[id]?.Properties?.Environment?.Variables?.O2C_FUNCTION;
    if (typeof name !== 'string') throw new TemplateError(`function ${id} has no O2C_FUNCTION`);
    return name;
  };
  const machineResources = ofType(template, 'AWS::StepFunctions::StateMachine');
  const machineType = (r: CfnResource) => ((r.Properties?.StateMachineType as string | undefined) ?? 'STANDARD') as LocalStateMachine['type'];
  const standard = machineResources.filter(([, r]) => machineType(r) === 'STANDARD');
  if (standard.length !== 1) throw new TemplateError(`expected one Standard state machine, found ${standard.length}`);
  const smArnOf = (id: string) => `arn:aws:states:${region}:${account}:stateMachine:${id}`;

  const resolve = (value: any): Json => {
    if (Array.isArray(value)) return value.map(resolve);
    if (value === null || typeof value !== 'object') return value;
    if ('Ref' in value) {
      const id = value.Ref as string;
      if (id === 'AWS::Region') return region;
      if (id === 'AWS::AccountId') return account;
      if (id === 'AWS::Partition') return 'aws';
      if (id === 'AWS::URLSuffix') return 'amazonaws.com';
      const res = template.Resources[id];
      if (!res) throw new TemplateError(`Ref to unknown resource ${id}`);
      switch (res.Type) {
        case 'AWS::SQS::Queue':
          return addresses.queueUrl(queueName(id));
        case 'AWS::DynamoDB::GlobalTable':
        case 'AWS::DynamoDB::Table':
          return tableName;
        case 'AWS::Lambda::Function':
          return fnName(id);
        case 'AWS::StepFunctions::StateMachine':
          return smArnOf(id);
        case 'AWS::SecretsManager::Secret':
          return `arn:aws:secretsmanager:${region}:${account}:secret:${id}`;
        case 'AWS::Events::EventBus':
          return busName(id);
        default:
          return id;
      }
    }
    if ('Fn::GetAtt' in value) {
      const [id, attr] = value['Fn::GetAtt'] as [string, string];
      const res = template.Resources[id];
      if (!res) throw new TemplateError(`GetAtt of unknown resource ${id}`);
      if (res.Type === 'AWS::SQS::Queue' && attr === 'Arn') return `arn:aws:sqs:${region}:${account}:${queueName(id)}`;
      if (res.Type === 'AWS::SQS::Queue' && attr === 'QueueName') return queueName(id);
      if (res.Type === 'AWS::Lambda::Function' && attr === 'Arn') return `arn:aws:lambda:${region}:${account}:function:${fnName(id)}`;
      if (res.Type.startsWith('AWS::DynamoDB::') && attr === 'Arn') return `arn:aws:dynamodb:${region}:${account}:table/${tableName}`;
      if (res.Type === 'AWS::Events::EventBus' && attr === 'Arn') return `arn:aws:events:${region}:${account}:event-bus/${busName(id)}`;
      if (res.Type === 'AWS::Events::EventBus' && attr === 'Name') return busName(id);
      return `arn:aws:local:${region}:${account}:${id}/${attr}`;
    }
    if ('Fn::Join' in value) {
      const [sep, parts] = value['Fn::Join'] as [string, unknown[]];
      return parts.map((p) => String(resolve(p))).join(sep);
    }
    if ('Fn::Sub' in value) throw new TemplateError('Fn::Sub is not supported by the local runtime');
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
  };
  const refId = (v: any): string => {
    if (v && typeof v === 'object' && 'Ref' in v) return v.Ref;
    if (v && typeof v === 'object' && 'Fn::GetAtt' in v) return v['Fn::GetAtt'][0];
    throw new TemplateError(`expected a Ref or GetAtt, got ${JSON.stringify(v)}`);
  };

  const p = tableRes.Properties ?? {};
  const keyOf = (schema: { AttributeName: string; KeyType: string }[]) => ({
    partitionKey: schema.find((k) => k.KeyType === 'HASH')!.AttributeName,
    ...(schema.find((k) => k.KeyType === 'RANGE') ? { sortKey: schema.find((k) => k.KeyType === 'RANGE')!.AttributeName } : {}),
  });
  const table: LocalTable = {
    logicalId: tableId,
    name: tableName,
    keys: keyOf(p.KeySchema),
    indexes: (p.GlobalSecondaryIndexes ?? []).map((g: any) => ({ name: g.IndexName, ...keyOf(g.KeySchema) })),
    ...(p.TimeToLiveSpecification?.Enabled ? { ttlAttribute: p.TimeToLiveSpecification.AttributeName } : {}),
    ...(p.StreamSpecification?.StreamViewType ? { stream: p.StreamSpecification.StreamViewType } : {}),
    attributes: (p.AttributeDefinitions ?? []).map((a: any) => ({ name: a.AttributeName, type: a.AttributeType })),
  };

  const queues: LocalQueue[] = ofType(template, 'AWS::SQS::Queue').map(([id, q]) => ({
    logicalId: id,
    name: queueName(id),
    visibilityTimeoutSeconds: q.Properties?.VisibilityTimeout ?? 30,
    ...(q.Properties?.RedrivePolicy
      ? { deadLetter: { logicalId: refId(q.Properties.RedrivePolicy.deadLetterTargetArn), maxReceiveCount: q.Properties.RedrivePolicy.maxReceiveCount } }
      : {}),
  }));

  const functions: LocalFunction[] = ofType(template, 'AWS::Lambda::Function').map(([id, f]) => ({
    logicalId: id,
    name: fnName(id),
    env: Object.fromEntries(Object.entries(f.Properties?.Environment?.Variables ?? {}).map(([k, v]) => [k, String(resolve(v))])),
    timeoutSeconds: f.Properties?.Timeout ?? 3,
    memoryMb: f.Properties?.MemorySize ?? 128,
  }));

  const eventSources: LocalEventSource[] = ofType(template, 'AWS::Lambda::EventSourceMapping').map(([id, m]) => {
    const source = refId(m.Properties!.EventSourceArn);
    const type = template.Resources[source]?.Type;
    if (type !== 'AWS::SQS::Queue') {
      throw new TemplateError(`event source mapping ${id} reads ${source} (${type ?? 'unknown'}); the local runtime hosts SQS consumers only`);
    }
    return {
      queue: source,
      fn: refId(m.Properties!.FunctionName),
      batchSize: m.Properties!.BatchSize ?? 10,
      reportBatchItemFailures: (m.Properties!.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
    };
  });

  const integrations = new Map(ofType(template, 'AWS::ApiGatewayV2::Integration').map(([id, i]) => [id, refId(i.Properties!.IntegrationUri)]));
  const routes: LocalRoute[] = ofType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) => {
    const routeKey = r.Properties!.RouteKey as string;
    const [method, path] = routeKey.split(' ') as [string, string];
    const target = String(resolve(r.Properties!.Target)).replace(/^integrations\//, '');
    const fn = integrations.get(target);
    if (!fn) throw new TemplateError(`route ${routeKey} has no Lambda integration`);
    return { method, path, routeKey, fn, authorization: r.Properties!.AuthorizationType ?? 'NONE' };
  });

  const schedules: LocalSchedule[] = ofType(template, 'AWS::Scheduler::Schedule').map(([id, s]) => ({
    logicalId: id,
    fn: refId(s.Properties!.Target.Arn),
    expression: s.Properties!.ScheduleExpression,
    timezone: s.Properties!.ScheduleExpressionTimezone ?? 'UTC',
    input: s.Properties!.Target.Input ? JSON.parse(s.Properties!.Target.Input) : {},
    retryAttempts: Number(s.Properties!.Target.RetryPolicy?.MaximumRetryAttempts ?? 185),
  }));

  const fnByArn = new Map(functions.map((f) => [`arn:aws:lambda:${region}:${account}:function:${f.name}`, f.logicalId]));
  const readMachine = ([id, sm]: [string, CfnResource]): LocalStateMachine => {
    const definition = JSON.parse(String(resolve(sm.Properties!.DefinitionString))) as LocalStateMachine['definition'];
    const tasks: LocalStateMachine['tasks'] = {};
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type !== 'Task') continue;
      const resource = String(state.Resource);
      if (fnByArn.has(resource)) tasks[name] = { kind: 'lambda', fn: fnByArn.get(resource)! };
      else if (resource.startsWith('arn:aws:states:::sqs:sendMessage')) tasks[name] = { kind: 'sqs', waitForTaskToken: resource.endsWith('.waitForTaskToken') };
      else if (resource === 'arn:aws:states:::states:startExecution' || resource === 'arn:aws:states:::states:startExecution.waitForTaskToken') {
        tasks[name] = { kind: 'start-execution', waitForTaskToken: resource.endsWith('.waitForTaskToken') };
      } else if (resource === 'arn:aws:states:::aws-sdk:sfn:sendTaskSuccess' || resource === 'arn:aws:states:::aws-sdk:sfn:sendTaskFailure') {
        tasks[name] = { kind: 'answer', action: resource.endsWith('Success') ? 'sendTaskSuccess' : 'sendTaskFailure' };
      } else throw new TemplateError(`task ${name} uses ${resource}, which the local runtime cannot host`);
    }
    return { logicalId: id, arn: smArnOf(id), type: machineType(sm), definition, tasks };
  };
  const stateMachines = [...standard, ...machineResources.filter(([, r]) => machineType(r) !== 'STANDARD')].map(readMachine);

  const eventBuses = ofType(template, 'AWS::Events::EventBus').map(([id]) => busName(id));
  return { table, eventBuses, queues, functions, eventSources, routes, schedules, stateMachine: stateMachines[0]!, stateMachines };
}
