/**
 * The one function construct (ARCHITECTURE.md §7): every Lambda in o2c is an
 * O2cFunction, with the defaults set once (arm64, Node.js 22, ESM, minified,
 * source maps, X-Ray, its own log group) and `bind*` methods that set
 * environment variables and the matching IAM grant together.
 *
 * Variables are set only through the bindings contract (functions/bindings.ts):
 * each binder sets the names declared with its `setBy`, and refuses any other;
 * a function is given only what its manifest (`FUNCTION_BINDINGS`) lists, and
 * synth fails when a binding its manifest requires was never bound.
 */
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Charset, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConfigurationSet, IEmailIdentity } from 'aws-cdk-lib/aws-ses';
import { CfnQueue, type IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { resolve } from 'node:path';
import { BINDINGS, FUNCTION_BINDINGS, bindingsSetBy, type Binder, type BindingName, type BindingSpec, type FunctionName } from '../../functions/bindings.ts';
import { companyLegal, dunningPolicy, matchPolicy, paymentTerms, reportRecipients, type O2cConfig } from '../config.ts';
import { FONT_FILES } from '../../functions/adapters/font-files.ts';
import { BUNDLING } from './bundling.ts';
import { pascalCase } from './ids.ts';
import { logicalId, nagReference } from './nag.ts';

/** The binding names a binder sets, as a type: `bindQueue('TABLE_NAME', …)` does not compile. */
export type BindingSetBy<B extends Binder> = { [K in BindingName]: (typeof BINDINGS)[K]['setBy'] extends B ? K : never }[BindingName];

/** How `bindStateMachine` lets the function use the workflow. */
export type StateMachineGrant = 'start' | 'stop' | 'task-response';

/** The SES sender a mailer sends as (the stateful stack's identity and configuration set). */
export interface SenderIdentity {
  readonly senderAddress: string;
  readonly identity: IEmailIdentity;
  readonly configurationSet: IConfigurationSet;
}

export interface O2cFunctionProps {
  /** Step name: the entry is functions/handlers/<name>.ts, the manifest FUNCTION_BINDINGS[name]. */
  readonly name: FunctionName;
  readonly description: string;
  readonly timeout?: Duration;
  readonly memorySize?: number;
  readonly logRetention: RetentionDays;
  /** Renders PDFs: the Unicode fonts (functions/adapters/fonts.ts) are copied beside the bundle, into `fonts/`. */
  readonly fonts?: boolean;
}

/** Shell commands that copy the document fonts from node_modules into the bundle's `fonts/` folder. */
function fontCommands(outputDir: string): string[] {
  return [`mkdir -p "${outputDir}/fonts"`, ...Object.values(FONT_FILES).map((f) => `cp "${resolve(root, 'node_modules', f.from)}" "${outputDir}/fonts/${f.file}"`)];
}

/** Every function's company variables, from the configuration. */
const COMPANY: { readonly [K in BindingSetBy<'bindCompany'>]: (c: O2cConfig) => string } = {
  COMPANY_NAME: (c) => c.companyName,
  COMPANY_ADDRESS: (c) => JSON.stringify(c.companyAddress),
  BASE_CURRENCY: (c) => c.baseCurrency,
  TIMEZONE: (c) => c.timezone,
  DEFAULT_TERMS: (c) => JSON.stringify(paymentTerms(c)),
  TAX_POLICY: (c) => JSON.stringify({ rounding: c.taxRounding, level: c.taxLevel }),
  PAYMENT_REFERENCE_SCHEME: (c) => c.paymentReferenceScheme,
  BANK_ACCOUNT: (c) => JSON.stringify(c.bankAccount),
  COMPANY_LEGAL: (c) => JSON.stringify(companyLegal(c)),
  DEFAULT_LANGUAGE: (c) => c.defaultLanguage,
};

/** Settings from the configuration; `undefined`: an optional binding with no configuration key yet (left unset). */
const SETTINGS: { readonly [K in BindingSetBy<'bindSettings'>]: ((c: O2cConfig) => string | undefined) | undefined } = {
  FINANCE_RECIPIENTS: (c) => c.financeRecipients.join(','),
  INVOICE_SERIES: (c) => c.invoiceSeries,
  REPORT_RECIPIENTS: (c) => JSON.stringify(reportRecipients(c)),
  DUNNING_POLICY: (c) => JSON.stringify(dunningPolicy(c)),
  COLLECTIONS_AGENCY_ADDRESS: (c) => c.collectionsAgencyAddress ?? '',
  BACKORDER_MAX_ATTEMPTS: (c) => String(c.backorderMaxAttempts),
  PROMISED_DELIVERY_DAYS: (c) => String(c.promisedDeliveryDays),
  INVOICE_ON: (c) => c.invoiceOn,
  // 'none' for an empty choice: an empty variable would read as unset.
  CUSTOMER_EMAILS: (c) => (c.customerEmails.length > 0 ? c.customerEmails.join(',') : 'none'),
  BACKORDER_POLICY: (c) => c.backorderPolicy,
  CARRIER_RATES: undefined,
  CREDIT_NOTE_SERIES: (c) => c.creditNoteSeries,
  NEW_CUSTOMER_CREDIT_LIMITS: (c) => JSON.stringify(c.newCustomerCreditLimit),
  STRIPE_API_URL: (c) => c.stripeApiUrl,
  // Optional: absent = other currencies are not converted (such an order is held), no second approver (rejected on timeout).
  CREDIT_REFERENCE_RATES: (c) => (c.creditReferenceRates ? JSON.stringify(c.creditReferenceRates) : undefined),
  CREDIT_SECOND_APPROVERS: (c) => c.creditSecondApprovers?.join(','),
  CREDIT_RATES_SOURCE_URL: (c) => c.creditRatesSourceUrl,
  DUNNING_PAYMENT_LINKS: (c) => (c.dunningPaymentLinks === 'stripe' ? 'stripe' : undefined),
  // Optional: absent = no webhook (the event on the bus is the only hand-off).
  WAREHOUSE_WEBHOOK_URL: (c) => c.warehouseWebhookUrl,
  // Optional: absent = CSV bank files are refused.
  BANK_CSV_MAPPING: (c) => (c.bankCsvMapping ? JSON.stringify(c.bankCsvMapping) : undefined),
  CASH_MATCHING: (c) => JSON.stringify(matchPolicy(c)),
};

const root = resolve(import.meta.dirname, '../..');

export class O2cFunction extends NodejsFunction {
  readonly stepName: FunctionName;
  private readonly bound = new Map<BindingName, string>();

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
      // Set on every function for the runtime and Powertools; everything else comes through a binder.
      environment: {
        O2C_FUNCTION: props.name,
        POWERTOOLS_SERVICE_NAME: 'o2c',
        POWERTOOLS_METRICS_NAMESPACE: 'o2c',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLING.target,
        minify: BUNDLING.minify,
        sourceMap: BUNDLING.sourcemap,
        mainFields: [...BUNDLING.mainFields],
        banner: BUNDLING.banner,
        charset: BUNDLING.charset === 'utf8' ? Charset.UTF8 : Charset.ASCII,
        externalModules: [...BUNDLING.external],
        esbuildArgs: { '--alias': Object.entries(BUNDLING.alias).map(([from, to]) => `${from}=${resolve(root, to)}`) },
        ...(props.fonts ? { commandHooks: { beforeBundling: () => [], beforeInstall: () => [], afterBundling: (_in: string, outputDir: string) => fontCommands(outputDir) } } : {}),
      },
    });
    this.stepName = props.name;
    this.node.addValidation({
      validate: () =>
        (FUNCTION_BINDINGS[this.stepName] as readonly BindingName[])
          .filter((name) => !(BINDINGS[name] as BindingSpec).optional && !this.bound.has(name))
          .map((name) => `${this.stepName} reads ${name} (FUNCTION_BINDINGS), but nothing bound it: call ${BINDINGS[name].setBy}`),
    });
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

  /** TABLE_NAME, with read or read-write access to the table and its indexes. */
  bindTable(table: ITable, access: 'read' | 'write' = 'write'): this {
    this.bindAll('bindTable', { TABLE_NAME: table.tableName });
    if (access === 'read') table.grantReadData(this);
    else table.grantReadWriteData(this);
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagReference(this, table, 'Arn', table.tableArn)}/index/*]`,
      reason: "Queries the table's own secondary indexes (by customer, open invoices by due date); the grant covers only this table.",
    });
    return this;
  }

  /** Lets the function send to `queue`, its URL in `name`. */
  bindQueue(name: BindingSetBy<'bindQueue'>, queue: IQueue): this {
    this.bind('bindQueue', name, queue.queueUrl);
    queue.grantSendMessages(this);
    return this;
  }

  /** The secret's ARN in `name`, with read access to its value. */
  bindSecret(name: BindingSetBy<'bindSecret'>, secret: ISecret): this {
    this.bind('bindSecret', name, secret.secretArn);
    secret.grantRead(this);
    return this;
  }

  /**
   * Lets the function start the workflow's executions, or stop them (both with STATE_MACHINE_ARN), or answer its
   * task tokens (`task-response`: the token names the execution, so no variable is set).
   */
  bindStateMachine(stateMachine: IStateMachine, grant: StateMachineGrant): this {
    if (grant === 'task-response') {
      stateMachine.grantTaskResponse(this);
      return this;
    }
    this.bindAll('bindStateMachine', { STATE_MACHINE_ARN: stateMachine.stateMachineArn });
    if (grant === 'start') {
      stateMachine.grantStartExecution(this);
      return this;
    }
    stateMachine.grantExecution(this, 'states:StopExecution');
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${logicalId(stateMachine)}"}]}]}:*]`,
      reason: 'StopExecution is granted on the executions of the order workflow only (one per order, named after it).',
    });
    return this;
  }

  /** The o2c event bus's name in EVENT_BUS_NAME, with events:PutEvents on it. */
  /** The order steps (Express state machine), which this function may start: `ORDER_STEPS_ARN`. */
  bindOrderSteps(orderSteps: IStateMachine): this {
    this.bindAll('bindOrderSteps', { ORDER_STEPS_ARN: orderSteps.stateMachineArn });
    orderSteps.grantStartExecution(this);
    return this;
  }

  bindEventBus(bus: IEventBus): this {
    this.bind('bindEventBus', 'EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(this);
    return this;
  }

  /** The HTTP API's public base URL in PUBLIC_API_URL (callbacks partners are told to use). */
  bindApiUrl(url: string): this {
    this.bind('bindApiUrl', 'PUBLIC_API_URL', url);
    return this;
  }

  /** Every company variable (name, address, books' currency, time zone, default terms, tax policy). */
  bindCompany(config: O2cConfig): this {
    return this.bindAll('bindCompany', Object.fromEntries(bindingsSetBy('bindCompany').map((name) => [name, COMPANY[name as BindingSetBy<'bindCompany'>](config)])));
  }

  /** The named settings from the configuration; an optional one without a configuration key stays unset. */
  bindSettings(config: O2cConfig, names: readonly BindingSetBy<'bindSettings'>[]): this {
    const values: Record<string, string> = {};
    for (const name of names) {
      const value = SETTINGS[name]?.(config);
      if (value !== undefined) values[name] = value;
      else if (!(BINDINGS[name] as BindingSpec).optional) throw new Error(`${this.stepName}: setting ${name} has no value`);
    }
    return this.bindAll('bindSettings', values);
  }

  /** The keys callers present (B2B, warehouse), so the function can tell whose key it was given: wrong role 403, unknown 401. */
  bindCallerKeys(secrets: { readonly apiKey: ISecret; readonly warehouseKey: ISecret }): this {
    return this.bindSecret('API_KEY_SECRET_ARN', secrets.apiKey).bindSecret('WAREHOUSE_KEY_SECRET_ARN', secrets.warehouseKey);
  }

  /** Lets the function send raw email as the sender identity, through its configuration set, at the given pace. */
  bindMailer(sender: SenderIdentity, pacing: { minIntervalMs: number }): this {
    const stack = Stack.of(this);
    const { identity, configurationSet } = sender;
    this.bindAll('bindMailer', {
      SENDER_ADDRESS: sender.senderAddress,
      SES_CONFIGURATION_SET: configurationSet.configurationSetName,
      MAIL_MIN_INTERVAL_MS: String(pacing.minIntervalMs),
    } satisfies Record<BindingSetBy<'bindMailer'>, string>);
    this.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: identity.emailIdentityName }),
          stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: configurationSet.configurationSetName }),
        ],
      }),
    );
    return this;
  }

  /**
   * Makes the function the queue's consumer, with partial batch responses. Refuses a queue whose visibility timeout
   * is under 6× the function's timeout (§8), when the queue's own definition is at hand.
   */
  consume(queue: IQueue, options: { batchSize?: number; maxConcurrency?: number } = {}): this {
    const visibility = queue.node.defaultChild instanceof CfnQueue ? queue.node.defaultChild.visibilityTimeout : undefined;
    const timeout = this.timeout?.toSeconds() ?? 3;
    if (typeof visibility === 'number' && visibility < 6 * timeout) {
      throw new Error(`${this.stepName} (timeout ${timeout} s) cannot consume ${queue.node.path}: its visibility timeout ${visibility} s is under 6× the function's`);
    }
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

  private bindAll(binder: Binder, values: Record<string, string>): this {
    for (const [name, value] of Object.entries(values)) this.bind(binder, name as BindingName, value);
    return this;
  }

  /** The one place a variable is set: declared for this binder, read by this function, never set twice differently. */
  private bind(binder: Binder, name: BindingName, value: string): void {
    const spec = BINDINGS[name] as BindingSpec | undefined;
    if (!spec) throw new Error(`${this.stepName}: ${name} is not a binding of functions/bindings.ts`);
    if (spec.setBy !== binder) throw new Error(`${this.stepName}: ${name} is set by ${spec.setBy}, not ${binder} (functions/bindings.ts)`);
    if (!(FUNCTION_BINDINGS[this.stepName] as readonly BindingName[]).includes(name)) {
      throw new Error(`${this.stepName} does not read ${name}: list it in FUNCTION_BINDINGS['${this.stepName}'] (functions/bindings.ts) first`);
    }
    const previous = this.bound.get(name);
    if (previous !== undefined && previous !== value) throw new Error(`${this.stepName}: ${name} is already bound to another value`);
    this.bound.set(name, value);
    this.addEnvironment(name, value);
  }
}

/**
 * The functions of one area: construct id from the step name (`start-order` → `StartOrderFunction`) and the stage's
 * log retention, so an area says only what differs.
 */
export function functionsOf(scope: Construct, config: Pick<O2cConfig, 'logRetentionDays'>) {
  return (name: FunctionName, description: string, options: { timeout?: Duration; memorySize?: number; fonts?: boolean } = {}): O2cFunction =>
    new O2cFunction(scope, `${pascalCase(name)}Function`, { name, description, logRetention: config.logRetentionDays as RetentionDays, ...options });
}
