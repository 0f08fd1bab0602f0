/**
 * o2c in one stack; read this file to see the whole system (ARCHITECTURE.md §1).
 */
import { CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { TimeZone } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import type { O2cConfig } from './config.ts';
import { OperationsAlarms } from './constructs/alarms.ts';
import { IntakeApi } from './constructs/api.ts';
import { DataStore, type QueueName } from './constructs/data.ts';
import { Mailer } from './constructs/mail.ts';
import { O2cFunction } from './constructs/o2c-function.ts';
import { OrderWorkflow } from './constructs/workflow.ts';
import { acknowledgeInvokeWildcards } from './constructs/nag.ts';
import { pascalCase } from './constructs/ids.ts';
import type { FunctionName } from '../functions/bindings.ts';

export interface O2cStackProps extends StackProps {
  readonly config: O2cConfig;
}

/** Consumer timeouts; each queue's visibility timeout is 6× its consumer's (§8). */
const CONSUMER_TIMEOUT: Record<QueueName, Duration> = {
  orders: Duration.seconds(30),
  'credit-review': Duration.seconds(30),
  fulfilment: Duration.seconds(30),
  payments: Duration.seconds(30),
  dunning: Duration.seconds(30),
  mail: Duration.seconds(30),
};

export class O2cStack extends Stack {
  readonly functions: Record<string, O2cFunction> = {};

  constructor(scope: Construct, id: string, props: O2cStackProps) {
    super(scope, id, props);
    const { config } = props;
    const logRetention = config.logRetentionDays as RetentionDays;

    const data = new DataStore(this, 'Data', {
      retain: config.stage !== 'dev',
      visibility: Object.fromEntries(Object.entries(CONSUMER_TIMEOUT).map(([q, t]) => [q, Duration.seconds(t.toSeconds() * 6)])) as Record<QueueName, Duration>,
    });
    const { table, queues } = data;
    const mailer = new Mailer(this, 'Mail', { senderAddress: config.senderAddress });
    const apiKey = new Secret(this, 'ApiKey', {
      description: 'o2c B2B and warehouse API key; may hold {"current","previous"} during rotation',
      generateSecretString: { excludePunctuation: true, passwordLength: 40 },
    });
    Validations.of(apiKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The API key is shared with clients out of band; it is rotated by hand with {"current","previous"} so both keys work during the switch.',
    });

    const fn = (name: FunctionName, description: string, extra: { timeout?: Duration; memorySize?: number } = {}) => {
      const f = new O2cFunction(this, pascalCase(name), { name, description, logRetention, ...extra });
      this.functions[name] = f;
      return f;
    };

    // Intake and the order side.
    const intake = fn('intake', 'B2B orders and payments in: validate, write once, queue')
      .bindTable(table)
      .bindQueue('ORDERS_QUEUE_URL', queues.orders)
      .bindQueue('PAYMENTS_QUEUE_URL', queues.payments)
      .bindSecret('API_KEY_SECRET_ARN', apiKey)
      .bindCompany(config);
    const webhookSecrets = new Secret(this, 'WebhookSecrets', {
      description: 'o2c platform webhook signing secrets: {"shopify": [...], "woocommerce": [...], "stripe": ["whsec_..."]}; two per platform during a rotation',
      secretObjectValue: {},
    });
    Validations.of(webhookSecrets).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The signing secrets are issued by Shopify, WooCommerce and Stripe; they are rotated there and pasted in, keeping the old one listed until deliveries signed with it stop.',
    });
    intake.bindSecret('WEBHOOK_SECRETS_ARN', webhookSecrets);
    const startOrder = fn('start-order', 'Starts the order workflow, one execution per order').consume(queues.orders);
    const validateOrder = fn('validate-order', 'Checks catalog and prices, reserves stock').bindTable(table).bindSettings(config, ['BACKORDER_MAX_ATTEMPTS']);
    const checkCredit = fn('check-credit', 'Credit decision from limit and exposure').bindTable(table);
    fn('request-credit-review', 'Keeps the credit-review token, asks finance')
      .bindTable(table)
      .bindQueue('MAIL_QUEUE_URL', queues.mail)
      .bindSettings(config, ['FINANCE_RECIPIENTS'])
      .consume(queues['credit-review']);
    const decideCredit = fn('decide-credit', 'Finance approves or rejects a held order').bindTable(table);
    const confirmOrder = fn('confirm-order', 'Confirms the order to the customer').bindTable(table).bindQueue('MAIL_QUEUE_URL', queues.mail).bindCompany(config);
    const fulfilOrder = fn('fulfil-order', 'Chooses the carrier, hands the order to the warehouse')
      .bindTable(table)
      .bindSettings(config, ['PROMISED_DELIVERY_DAYS', 'CARRIER_RATES'])
      .consume(queues.fulfilment);
    const fulfilmentCallback = fn('fulfilment-callback', 'The warehouse reports a shipment').bindTable(table).bindSecret('API_KEY_SECRET_ARN', apiKey);
    decideCredit.bindSecret('API_KEY_SECRET_ARN', apiKey);
    const shipOrder = fn('ship-order', 'Records the shipment, tells the customer').bindTable(table).bindQueue('MAIL_QUEUE_URL', queues.mail).bindCompany(config);
    const issueInvoice = fn('issue-invoice', 'Gapless invoice + ledger in one transaction, PDF by email', { timeout: Duration.seconds(60), memorySize: 1024 })
      .bindTable(table)
      .bindQueue('MAIL_QUEUE_URL', queues.mail)
      .bindCompany(config)
      .bindSettings(config, ['INVOICE_SERIES']);
    const rejectOrder = fn('reject-order', 'Rejects the order, releases stock, tells the customer').bindTable(table).bindQueue('MAIL_QUEUE_URL', queues.mail).bindCompany(config);

    // The cash side.
    fn('apply-payment', 'Matches a payment to open invoices and posts it').bindTable(table).consume(queues.payments);
    const planDunning = fn('plan-dunning', 'Daily: queues one reminder per overdue invoice and level', { timeout: Duration.minutes(5) })
      .bindTable(table)
      .bindQueue('DUNNING_QUEUE_URL', queues.dunning)
      .bindSettings(config, ['DUNNING_LEVELS'])
      .bindCompany(config);
    fn('send-reminder', 'Renders a payment reminder in the customer language')
      .bindTable(table, 'read')
      .bindQueue('MAIL_QUEUE_URL', queues.mail)
      .bindSettings(config, ['DUNNING_LEVELS'])
      .bindCompany(config)
      .consume(queues.dunning);
    const buildReport = fn('build-report', 'Daily: AR aging and DSO to finance', { timeout: Duration.minutes(2) })
      .bindTable(table, 'read')
      .bindQueue('MAIL_QUEUE_URL', queues.mail)
      .bindSettings(config, ['FINANCE_RECIPIENTS'])
      .bindCompany(config);
    // SES allows `sesSendRatePerSecond`. The event source's maxConcurrency bounds how many send-mail invocations
    // run at once (2 is the lowest SQS allows; 14/s gives 2): that is the pacing knob for an SQS consumer. Reserved
    // concurrency is NOT used: it throttles the pollers' invocations, which counts receives and dead-letters mail.
    // maxConcurrency bounds parallel batches, not sends per second: each invocation sends one message at a time,
    // at most one per MAIL_MIN_INTERVAL_MS, so all pollers together stay within the SES rate.
    const mailPollers = Math.max(2, Math.floor(config.sesSendRatePerSecond / 10) + 1);
    fn('send-mail', 'Sends raw MIME with SES, once per message key')
      .bindTable(table)
      .bindMailer(mailer, { minIntervalMs: Math.ceil((1000 * mailPollers) / config.sesSendRatePerSecond) })
      .consume(queues.mail, { batchSize: 10, maxConcurrency: mailPollers });

    const workflow = new OrderWorkflow(this, 'OrderWorkflow', {
      steps: { validateOrder, checkCredit, confirmOrder, shipOrder, issueInvoice, rejectOrder },
      creditReviewQueue: queues['credit-review'],
      fulfilmentQueue: queues.fulfilment,
      mailQueue: queues.mail,
      financeRecipients: config.financeRecipients,
      logRetention,
    });
    startOrder.bindStateMachine(workflow.stateMachine, 'start');
    // A platform cancellation stops the order's execution.
    intake.bindStateMachine(workflow.stateMachine, 'stop');
    decideCredit.bindStateMachine(workflow.stateMachine, 'task-response');
    fulfilmentCallback.bindStateMachine(workflow.stateMachine, 'task-response');

    const signedInHandler = 'Callers authenticate with the o2c API key (Secrets Manager), checked in constant time by the handler.';
    const platformSigned = (platform: string) => `${platform} signs each delivery (HMAC-SHA256 of the raw body); the handler verifies it against the secrets in Secrets Manager before reading anything.`;
    const api = new IntakeApi(this, 'Api', {
      logRetention,
      throttle: { rateLimit: 200, burstLimit: 400 },
      routes: [
        { method: HttpMethod.POST, path: '/orders', fn: intake, auth: { checkedInHandler: signedInHandler } },
        { method: HttpMethod.POST, path: '/payments', fn: intake, auth: { checkedInHandler: signedInHandler } },
        { method: HttpMethod.POST, path: '/webhooks/shopify', fn: intake, auth: { checkedInHandler: platformSigned('Shopify') } },
        { method: HttpMethod.POST, path: '/webhooks/woocommerce', fn: intake, auth: { checkedInHandler: platformSigned('WooCommerce') } },
        { method: HttpMethod.POST, path: '/webhooks/stripe', fn: intake, auth: { checkedInHandler: platformSigned('Stripe') } },
        { method: HttpMethod.GET, path: '/openapi.json', fn: intake, auth: { checkedInHandler: 'The published OpenAPI contract of the B2B API is public on purpose; it holds no data.' } },
        { method: HttpMethod.POST, path: '/fulfilment/{orderId}/shipment', fn: fulfilmentCallback, auth: { checkedInHandler: signedInHandler } },
        { method: HttpMethod.POST, path: '/finance/orders/{orderId}/credit-decision', fn: decideCredit, auth: { authorizer: new HttpIamAuthorizer() } },
      ],
    });

    const timeZone = TimeZone.of(config.timezone);
    for (const [id, target, cron, description] of [
      ['DunningSchedule', planDunning, config.dunningScheduleCron, 'daily dunning run'],
      ['ReportSchedule', buildReport, config.reportScheduleCron, 'daily receivables report'],
    ] as const) {
      new Schedule(this, id, {
        description,
        schedule: ScheduleExpression.expression(cron, timeZone),
        target: new LambdaInvoke(target, { input: ScheduleTargetInput.fromObject({}), retryAttempts: 2 }),
      });
    }
    // The scheduler's target roles are created at stack level by the targets module.
    acknowledgeInvokeWildcards(this, [planDunning, buildReport], 'EventBridge Scheduler may invoke the scheduled function and its versions (<arn>:*), nothing else.');

    new OperationsAlarms(this, 'Alarms', { deadLetterQueues: data.deadLetterQueues, stateMachine: workflow.stateMachine });

    new CfnOutput(this, 'ApiUrl', { value: api.url });
    new CfnOutput(this, 'ApiKeySecretArn', { value: apiKey.secretArn, description: 'read the B2B API key from here' });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'StateMachineArn', { value: workflow.stateMachine.stateMachineArn });
  }
}
