/**
 * The one function construct (ARCHITECTURE.md §7): every Lambda in o2c is an
 * O2cFunction, with the defaults set once (arm64, Node.js 22, ESM, minified,
 * source maps, X-Ray, its own log group) and small `bind*` methods that set an
 * environment variable and the matching IAM grant together.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { resolve } from 'node:path';
import { BUNDLING } from './bundling.ts';
import { logicalId } from './nag.ts';

export interface O2cFunctionProps {
  /** Step name: the entry is functions/handlers/<name>.ts. */
  readonly name: string;
  readonly description: string;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  readonly logRetention: RetentionDays;
  readonly environment?: Record<string, string>;
}

const root = resolve(import.meta.dirname, '../..');

export class O2cFunction extends NodejsFunction {
  readonly stepName: string;

  constructor(scope: Construct, id: string, props: O2cFunctionProps) {
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    super(scope, id, {
      entry: resolve(root, 'functions/handlers', `${props.name}.ts`),
      projectRoot: root,
      depsLockFilePath: resolve(root, 'package-lock.json'),
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      logGroup,
      environment: {
        O2C_FUNCTION: props.name,
        POWERTOOLS_SERVICE_NAME: 'o2c',
        POWERTOOLS_METRICS_NAMESPACE: 'o2c',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLING.target,
        minify: BUNDLING.minify,
        sourceMap: BUNDLING.sourcemap,
        mainFields: [...BUNDLING.mainFields],
        banner: BUNDLING.banner,
        externalModules: [...BUNDLING.external],
      },
    });
    this.stepName = props.name;
    const ack = (id: string, reason: string) => Validations.of(this).acknowledge({ id, reason });
    ack(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The basic execution role only lets the function write its own CloudWatch logs.',
    );
    ack('AwsSolutions-IAM5[Resource::*]', 'X-Ray PutTraceSegments/PutTelemetryRecords have no resource-level permissions.');
    const runtimeReason = 'o2c targets nodejs22.x, the runtime its bundles and tests are verified on; moving to a newer runtime is a deliberate upgrade.';
    ack('AwsSolutions-L1', runtimeReason);
    ack('Serverless-LambdaLatestVersion', runtimeReason);
    ack(
      'Serverless-LambdaDLQ',
      'Never invoked asynchronously: API Gateway and Step Functions call it synchronously (Step Functions catches failures), SQS event sources dead-letter through the queue, and schedules retry then alarm.',
    );
  }

  bindTable(table: ITable, access: 'read' | 'write' = 'write'): this {
    this.addEnvironment('TABLE_NAME', table.tableName);
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${logicalId(table)}.Arn>/index/*]`,
      reason: "Queries the table's own secondary indexes (by customer, open invoices by due date); the grant covers only this table.",
    });
    return this;
  }

  /** Lets the function send to `queue`, its URL in `envName`. */
  bindQueue(envName: string, queue: IQueue): this {
    this.addEnvironment(envName, queue.queueUrl);
    queue.grantSendMessages(this);
    return this;
  }

  /** Makes the function the queue's consumer, with partial batch responses. */
  consume(queue: IQueue, options: { batchSize?: number; maxConcurrency?: number } = {}): this {
    this.addEventSource(
      new SqsEventSource(queue, {
        batchSize: options.batchSize ?? 10,
        maxBatchingWindow: Duration.seconds(1),
        reportBatchItemFailures: true,
        ...(options.maxConcurrency ? { maxConcurrency: options.maxConcurrency } : {}),
      }),
    );
    Validations.of(this).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason: "SQS event sources do not support on-failure destinations; failed messages go to the queue's dead-letter queue after maxReceiveCount.",
    });
    return this;
  }
}
