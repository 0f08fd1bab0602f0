/**
 * The order's life: its step functions and the Standard state machine that
 * runs them (JSONPath, no variables: the local runtime runs this same
 * definition). Coarse states keep transitions — the cost driver — few; people
 * and partners are waited on with task tokens.
 *
 *   orders queue → start-order → ValidateOrder ─backordered→ BackorderWait ─→ ValidateOrder
 *        │ invalid → RejectOrder
 *   CheckCredit ─hold→ WaitForCreditReview ─approve→ ConfirmOrder / reject→ RejectOrder
 *        │ reject → RejectOrder    (credit-review queue → request-credit-review asks finance; decide-credit answers)
 *   ConfirmOrder → WaitForFulfilment → ShipOrder → IssueInvoice (end; RejectOrder ends the rejected ones)
 *                  (fulfilment queue → fulfil-order tells the warehouse; fulfilment-callback answers — with the one
 *                   shipment at /shipment, or once every unit is shipped or cancelled at /shipments, each shipment
 *                   recorded, mailed and, with invoiceOn "shipment", invoiced as it is reported)
 *                  (fulfil-order also queues the signed webhook on warehouse-requests → send-fulfilment-request,
 *                   and puts o2c.FulfilmentRequested on the bus; a warehouse 4xx answers the wait with WarehouseFailed)
 *   WaitForFulfilment ─WarehouseFailed→ RejectOrder (unfillable: stock back, customer told, prepaid refunded)
 *   any other error (a step failed after its retries, a wait timed out) → ReleaseStock (held stock back, order
 *   left where it was) → NotifyFailure (finance email via the mail queue) → Failed
 *
 * The lost races a step is simply run again for are the catalogue's (functions/errors.ts: WORKFLOW_ERRORS.retryable).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import {
  Choice,
  Condition,
  DefinitionBody,
  Fail,
  IntegrationPattern,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
  type TaskStateBase,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, SqsSendMessage } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { WORKFLOW_ERRORS } from '../../functions/errors.ts';
import type { MailingAreaProps } from './area.ts';
import { acknowledgeInvokeWildcards } from './nag.ts';
import { scheduleFunction } from './schedule.ts';
import { functionsOf, type O2cFunction } from './o2c-function.ts';

export interface OrderWorkflowProps extends MailingAreaProps {
  readonly creditReviewTimeout?: Duration;
  readonly creditEscalationTimeout?: Duration;
  readonly fulfilmentTimeout?: Duration;
  readonly backorderWait?: Duration;
}

export class OrderWorkflow extends Construct {
  readonly stateMachine: StateMachine;
  /** The functions that answer the workflow's waits, for the API's routes. */
  readonly callbacks: { readonly creditDecision: O2cFunction; readonly shipment: O2cFunction };
  /** Hands orders to the warehouse; told the API's URL (the callback it sends) once the API exists: `bindApiUrl`. */
  readonly fulfilOrder: O2cFunction;

  constructor(scope: Construct, id: string, props: OrderWorkflowProps) {
    super(scope, id);
    const { data, mail, config } = props;
    const { table, queues } = data;
    const fn = functionsOf(this, config);
    const mailing = (f: O2cFunction) => f.bindTable(table).bindQueue('MAIL_QUEUE_URL', mail.queue);

    const steps = {
      validateOrder: fn('validate-order', 'Checks catalog and prices, reserves stock').bindTable(table).bindSettings(config, ['BACKORDER_MAX_ATTEMPTS', 'BACKORDER_POLICY']),
      checkCredit: fn('check-credit', 'Credit decision from limit and exposure').bindTable(table).bindCompany(config).bindSettings(config, ['CREDIT_REFERENCE_RATES']),
      confirmOrder: mailing(fn('confirm-order', 'Confirms the order to the customer')).bindCompany(config).bindSettings(config, ['CUSTOMER_EMAILS']),
      shipOrder: mailing(fn('ship-order', 'Records the shipment, tells the customer')).bindCompany(config).bindSettings(config, ['CUSTOMER_EMAILS']),
      issueInvoice: fn('issue-invoice', 'Gapless invoice + ledger in one transaction, its email to render-documents (PDF)')
        .bindTable(table)
        .bindQueue('DOCUMENTS_QUEUE_URL', mail.documentsQueue)
        .bindCompany(config)
        .bindSettings(config, ['INVOICE_SERIES', 'DUNNING_POLICY', 'INVOICE_ON', 'CUSTOMER_EMAILS'])
        .bindQueue('REFUNDS_QUEUE_URL', queues.refunds),
      rejectOrder: mailing(fn('reject-order', 'Rejects the order, releases stock, tells the customer, requests a prepaid order\'s refund'))
        .bindCompany(config)
        .bindSettings(config, ['CUSTOMER_EMAILS'])
        .bindQueue('REFUNDS_QUEUE_URL', queues.refunds),
      releaseStock: fn('release-stock', 'Failure path: puts the held stock of a stopped order back').bindTable(table),
    };
    // The waits: the queue consumers that ask finance and the warehouse, and the API callbacks that answer them.
    mailing(fn('request-credit-review', 'Keeps the credit-review token, asks finance (the second approver after a timeout)'))
      .bindCompany(config)
      .bindSettings(config, ['FINANCE_RECIPIENTS', 'CREDIT_REFERENCE_RATES', 'CREDIT_SECOND_APPROVERS'])
      .consume(queues['credit-review']);
    this.fulfilOrder = fn('fulfil-order', 'Chooses the carrier, hands the order to the warehouse (event on the bus, webhook queued)')
      .bindTable(table)
      .bindSettings(config, ['PROMISED_DELIVERY_DAYS', 'CARRIER_RATES'])
      .bindQueue('WAREHOUSE_REQUESTS_QUEUE_URL', queues['warehouse-requests'])
      .bindEventBus(data.bus)
      .consume(queues.fulfilment);
    // The signed webhook to the warehouse: retried by the queue on 5xx, a 4xx fails the fulfilment wait.
    const sendFulfilmentRequest = fn('send-fulfilment-request', "Delivers the signed fulfilment request to the warehouse's webhook")
      .bindTable(table)
      .bindSettings(config, ['WAREHOUSE_WEBHOOK_URL'])
      .bindSecret('WAREHOUSE_WEBHOOK_SECRET_ARN', data.secrets.warehouseWebhookSecret)
      .consume(queues['warehouse-requests']);
    // Where a source is configured, a daily job keeps the credit check's reference rates current.
    if (config.creditRatesSourceUrl) {
      const refreshRates = fn('refresh-rates', 'Daily: reference exchange rates for the credit exposure, from the configured source')
        .bindTable(table)
        .bindSettings(config, ['CREDIT_RATES_SOURCE_URL']);
      scheduleFunction(this, 'RatesSchedule', { target: refreshRates, cron: config.creditRatesScheduleCron, timezone: config.timezone, description: 'reference rates for credit checks' });
    }
    const answering = (f: O2cFunction) => f.bindTable(table).bindCallerKeys(data.secrets);
    const decideCredit = answering(fn('decide-credit', 'Finance approves (once, or up to an amount until a date) or rejects a held order'))
      .bindCompany(config)
      .bindSettings(config, ['CREDIT_REFERENCE_RATES']);
    // A shipment of an order shipped in parts may be invoiced right away (invoiceOn: "shipment"): the invoicing bindings.
    const fulfilmentCallback = mailing(answering(fn('fulfilment-callback', 'The warehouse reports shipments (whole or in parts) or lines it cannot ship', { timeout: Duration.seconds(29), memorySize: 1024 })))
      .bindCompany(config)
      .bindSettings(config, ['INVOICE_SERIES', 'DUNNING_POLICY', 'INVOICE_ON', 'CUSTOMER_EMAILS'])
      .bindQueue('REFUNDS_QUEUE_URL', queues.refunds)
      .bindQueue('DOCUMENTS_QUEUE_URL', mail.documentsQueue);

    this.stateMachine = this.definition(steps, { ...props, logRetention: config.logRetentionDays as RetentionDays });
    fn('start-order', 'Starts the order workflow, one execution per order').bindStateMachine(this.stateMachine, 'start').consume(queues.orders);
    for (const callback of [decideCredit, fulfilmentCallback, sendFulfilmentRequest]) callback.bindStateMachine(this.stateMachine, 'task-response');
    this.callbacks = { creditDecision: decideCredit, shipment: fulfilmentCallback };
  }

  private definition(
    steps: Record<'validateOrder' | 'checkCredit' | 'confirmOrder' | 'shipOrder' | 'issueInvoice' | 'rejectOrder' | 'releaseStock', IFunction>,
    props: OrderWorkflowProps & { logRetention: RetentionDays },
  ): StateMachine {
    const { queues } = props.data;
    const failed = new Fail(this, 'Failed', { error: 'OrderWorkflowFailed', cause: 'a step failed; finance was notified' });
    const notifyFailure = new SqsSendMessage(this, 'NotifyFailure', {
      queue: props.mail.queue,
      messageBody: TaskInput.fromObject({
        key: JsonPath.format('workflow-failed:{}', JsonPath.stringAt('$.orderId')),
        to: [...props.config.financeRecipients],
        subject: JsonPath.format('o2c: order {} stopped in its workflow', JsonPath.stringAt('$.orderId')),
        text: JsonPath.format(
          'Order {} stopped: {} ({}). The stock it still held was put back and the order was left where it was: cancel or reject it, or have it re-entered. Look at the execution named after the order in Step Functions.',
          JsonPath.stringAt('$.orderId'),
          JsonPath.stringAt('$.error.Error'),
          JsonPath.stringAt('$.error.Cause'),
        ),
      }),
      resultPath: JsonPath.DISCARD,
    }).next(failed);

    const retried = (task: LambdaInvoke) => {
      // CDK's default retrier covers Lambda's service faults; throttling in an order burst and lost races are retried too.
      task.addRetry({ errors: ['Lambda.TooManyRequestsException'], interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2 });
      task.addRetry({ errors: [...WORKFLOW_ERRORS.retryable], interval: Duration.seconds(1), maxAttempts: 4, backoffRate: 2 });
      // An invocation that died after some of its side effects (crash, out of memory, timeout) is run again: without
      // this the first such death took the failure path and stranded an order every step could have finished.
      task.addRetry({ errors: [...WORKFLOW_ERRORS.crashed], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2 });
      return task;
    };
    // The failure path: whatever stopped the order, the stock it still holds goes back (once: only held reservations
    // move) before finance is told; if even that fails, finance is told all the same (its error beside the first).
    const releaseStock = retried(new LambdaInvoke(this, 'ReleaseStock', { lambdaFunction: steps.releaseStock, payloadResponseOnly: true, resultPath: JsonPath.DISCARD, retryOnServiceExceptions: true }));
    releaseStock.addCatch(notifyFailure, { errors: ['States.ALL'], resultPath: '$.releaseError' });
    releaseStock.next(notifyFailure);

    const guard = <T extends TaskStateBase>(task: T, before: (t: T) => void = () => undefined): T => {
      before(task); // specific catches first: Step Functions takes the first that matches
      task.addCatch(releaseStock, { errors: ['States.ALL'], resultPath: '$.error' });
      return task;
    };
    const lambda = (name: string, fn: IFunction, resultPath: string) =>
      guard(retried(new LambdaInvoke(this, name, { lambdaFunction: fn, payloadResponseOnly: true, resultPath, retryOnServiceExceptions: true })));
    const wait = (name: string, queue: IQueue, resultPath: string, timeout: Duration, before?: (t: SqsSendMessage) => void) =>
      guard(
        new SqsSendMessage(this, name, {
          queue,
          integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          messageBody: TaskInput.fromObject({ orderId: JsonPath.stringAt('$.orderId'), taskToken: JsonPath.taskToken }),
          resultPath,
          taskTimeout: Timeout.duration(timeout),
        }),
        before,
      );

    const validate = lambda('ValidateOrder', steps.validateOrder, '$.validation');
    const checkCredit = lambda('CheckCredit', steps.checkCredit, '$.credit');
    const confirm = lambda('ConfirmOrder', steps.confirmOrder, JsonPath.DISCARD);
    const ship = lambda('ShipOrder', steps.shipOrder, JsonPath.DISCARD);
    const invoice = lambda('IssueInvoice', steps.issueInvoice, '$.invoice');
    const reject = lambda('RejectOrder', steps.rejectOrder, '$.rejection');
    // A review finance leaves undecided goes to the second approver (config), whose silence rejects the order (stock back);
    // without a second approver the first timeout rejects it. Other failures of the wait take the failure path.
    const reviewExpired = (t: SqsSendMessage) => t.addCatch(reject, { errors: ['States.Timeout'], resultPath: '$.reviewExpired' });
    const escalation = props.config.creditSecondApprovers?.length
      ? new SqsSendMessage(this, 'WaitForSecondApprover', {
          queue: queues['credit-review'],
          integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          messageBody: TaskInput.fromObject({ orderId: JsonPath.stringAt('$.orderId'), taskToken: JsonPath.taskToken, escalated: true }),
          resultPath: '$.review',
          taskTimeout: Timeout.duration(props.creditEscalationTimeout ?? Duration.hours(props.config.creditEscalationTimeoutHours)),
        })
      : undefined;
    if (escalation) guard(escalation, reviewExpired);
    const creditReview = wait('WaitForCreditReview', queues['credit-review'], '$.review', props.creditReviewTimeout ?? Duration.hours(props.config.creditReviewTimeoutHours), (t) =>
      escalation ? t.addCatch(escalation, { errors: ['States.Timeout'], resultPath: '$.reviewTimeout' }) : reviewExpired(t),
    );
    // The warehouse cannot ship: the order is unfillable — rejected (stock back, customer told, a prepaid order refunded).
    const fulfilment = wait('WaitForFulfilment', queues.fulfilment, '$.shipment', props.fulfilmentTimeout ?? Duration.days(14), (t) =>
      t.addCatch(reject, { errors: [WORKFLOW_ERRORS.warehouseFailed], resultPath: '$.warehouse' }),
    );
    const backorderWait = new Wait(this, 'BackorderWait', { time: WaitTime.duration(props.backorderWait ?? Duration.hours(1)) });

    // IssueInvoice and RejectOrder end the execution themselves: a Succeed state after them would be one more billed
    // transition per order (bench:cost) and says nothing the execution's status does not.
    confirm.next(fulfilment).next(ship).next(invoice);
    backorderWait.next(validate);
    const reviewOutcome = new Choice(this, 'ReviewOutcome').when(Condition.stringEquals('$.review.decision', 'approve'), confirm).otherwise(reject);
    creditReview.next(reviewOutcome);
    escalation?.next(reviewOutcome);
    const definition = validate.next(
      new Choice(this, 'ValidationOutcome')
        .when(Condition.stringEquals('$.validation.outcome', 'backordered'), backorderWait)
        .when(Condition.stringEquals('$.validation.outcome', 'invalid'), reject)
        .otherwise(
          checkCredit.next(
            new Choice(this, 'CreditOutcome')
              .when(Condition.stringEquals('$.credit.decision', 'approve'), confirm)
              .when(Condition.stringEquals('$.credit.decision', 'hold'), creditReview)
              .otherwise(reject),
          ),
        ),
    );

    const stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY }),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    Validations.of(stateMachine).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray tracing of executions: the X-Ray write actions have no resource-level permissions.' });
    acknowledgeInvokeWildcards(stateMachine, Object.values(steps), 'CDK grants lambda:InvokeFunction on the step functions and their versions (<arn>:*); no other function is reachable.');
    return stateMachine;
  }
}
