/**
 * The order's life: its step functions, the Express state machine "order steps" that runs them in bursts, and the
 * Standard state machine that waits (JSONPath, no variables: the local runtime runs these same definitions).
 * A Standard execution is billed per state transition ($25 per million) and an Express one per request and
 * duration ($1 per million and 64 MB-seconds): so the Standard machine only waits, and the steps between waits run
 * in an Express execution, each step still its own Lambda. An order that is neither held nor backordered is ONE
 * Standard transition (bench:cost).
 *
 *   orders queue → start-order → Standard "order-to-cash" (one execution per order, named after it):
 *     WaitForFulfilment: starts the order steps from ValidateOrder with its task token, and waits (14 days) —
 *       steps: ValidateOrder → CheckCredit → ConfirmOrder → RequestFulfilment (fulfilment queue → fulfil-order tells
 *       the warehouse; fulfilment-callback answers — with the one shipment at /shipment, or once every unit is shipped
 *       or cancelled at /shipments — by starting the steps from ShipOrder: ShipOrder → IssueInvoice → Invoiced, whose
 *       SendTaskSuccess ends the wait, and the execution: invoiced)
 *       · invalid or credit rejected → the steps' RejectOrder → Rejected (SendTaskSuccess: the execution ends, rejected)
 *       · backordered → OrderBackordered (SendTaskFailure) → BackorderWait → WaitForFulfilment again
 *       · credit hold → CreditHold (SendTaskFailure) → WaitForCreditReview (credit-review queue → request-credit-review
 *         asks finance; decide-credit answers) → approve → WaitForApprovedFulfilment (the steps from ConfirmOrder,
 *         as above) / reject or timeout → RejectOrder (or WaitForSecondApprover first, when configured)
 *       · the warehouse cannot ship (send-fulfilment-request or the callback answer WarehouseFailed) → RejectOrder
 *         (unfillable: stock back, customer told, prepaid refunded)
 *       · a step failed after its retries (StepFailed: SendTaskFailure with its error), or a wait timed out →
 *         ReleaseStock (held stock back, order left where it was) → NotifyFailure (finance email) → Failed
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
  CustomState,
  DefinitionBody,
  Fail,
  IntegrationPattern,
  Succeed,
  JsonPath,
  LogLevel,
  StateMachine,
  StateMachineType,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
  type IChainable,
  type TaskStateBase,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, SqsSendMessage, StepFunctionsStartExecution } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
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
  /** The order steps (Express) the Standard machine's waits start: the bursts between the waits. */
  readonly orderSteps: StateMachine;
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

    const logRetention = config.logRetentionDays as RetentionDays;
    this.orderSteps = this.orderStepsMachine(steps, { ...props, logRetention });
    this.stateMachine = this.definition(steps, this.orderSteps, { ...props, logRetention });
    // The steps' last states answer the Standard machine's token (SendTaskSuccess/Failure). A policy of its own on the
    // steps' role: in the steps' default policy the order-to-cash ARN would make the two machines depend on each other.
    new Policy(this, 'StepsAnswerPolicy', {
      roles: [this.orderSteps.role],
      statements: [new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [this.stateMachine.stateMachineArn] })],
    });
    const startOrder = fn('start-order', 'Starts the order workflow, one execution per order; re-drives orders nobody started')
      .bindStateMachine(this.stateMachine, 'start')
      .bindTable(table)
      .consume(queues.orders);
    // Every 5 minutes: orders still `received` minutes after intake wrote them (it died before queueing them).
    scheduleFunction(this, 'RedriveSchedule', { target: startOrder, cron: 'cron(0/5 * * * ? *)', timezone: config.timezone, description: 'start the workflow of orders nobody started', input: { redriveReceived: true } });
    for (const callback of [decideCredit, fulfilmentCallback, sendFulfilmentRequest]) callback.bindStateMachine(this.stateMachine, 'task-response');
    // The warehouse's answer starts the steps after the wait (ShipOrder, IssueInvoice), which end it.
    fulfilmentCallback.bindOrderSteps(this.orderSteps);
    this.callbacks = { creditDecision: decideCredit, shipment: fulfilmentCallback };
  }

  /** The retries every Lambda step has, in whichever machine it runs. */
  private retried(task: LambdaInvoke): LambdaInvoke {
    // CDK's default retrier covers Lambda's service faults; throttling in an order burst and lost races are retried too.
    task.addRetry({ errors: ['Lambda.TooManyRequestsException'], interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2 });
    task.addRetry({ errors: [...WORKFLOW_ERRORS.retryable], interval: Duration.seconds(1), maxAttempts: 4, backoffRate: 2 });
    // An invocation that died after some of its side effects (crash, out of memory, timeout) is run again: without
    // this the first such death took the failure path and stranded an order every step could have finished.
    task.addRetry({ errors: [...WORKFLOW_ERRORS.crashed], interval: Duration.seconds(2), maxAttempts: 3, backoffRate: 2 });
    return task;
  }

  /**
   * The order steps (Express): the bursts between the waits, started with the waiting Standard task's token
   * (`$.taskToken`) and a starting point (`$.from`): "validate" (a new order, or a backorder re-checked), "confirm"
   * (finance approved it), "ship" (the warehouse shipped it). Every path ends by answering that token — except the
   * hand-off to the warehouse, whose answer starts the steps again from "ship". A step that fails after its retries
   * fails the Standard task with the step's error (StepFailed), which takes the failure path there.
   */
  private orderStepsMachine(
    steps: Record<'validateOrder' | 'checkCredit' | 'confirmOrder' | 'shipOrder' | 'issueInvoice' | 'rejectOrder' | 'releaseStock', IFunction>,
    props: OrderWorkflowProps & { logRetention: RetentionDays },
  ): StateMachine {
    const scope = new Construct(this, 'Steps');
    // A token nobody waits on any more is an answer made already, not a fault: the order was cancelled (its execution
    // stopped) while these steps ran, or this is a second run of the steps after a retried warehouse answer.
    const waitEnded = new Succeed(scope, 'WaitEnded', { comment: 'the wait had ended (order cancelled, or answered by an earlier run of the steps)' });
    const answer = (name: string, action: 'sendTaskSuccess' | 'sendTaskFailure', parameters: Record<string, string>) =>
      new CustomState(scope, name, { stateJson: { Type: 'Task', Resource: `arn:aws:states:::aws-sdk:sfn:${action}`, Parameters: { 'TaskToken.$': '$.taskToken', ...parameters } } }).addCatch(waitEnded, {
        errors: [...WORKFLOW_ERRORS.tokenSpent],
        resultPath: '$.answer',
      });
    const stepFailed = answer('StepFailed', 'sendTaskFailure', { 'Error.$': '$.error.Error', 'Cause.$': '$.error.Cause' });
    const lambda = (name: string, fn: IFunction, resultPath: string, resultSelector?: Record<string, string>) => {
      const task = this.retried(new LambdaInvoke(scope, name, { lambdaFunction: fn, payloadResponseOnly: true, resultPath, ...(resultSelector ? { resultSelector } : {}), retryOnServiceExceptions: true }));
      task.addCatch(stepFailed, { errors: ['States.ALL'], resultPath: '$.error' });
      return task;
    };
    const validate = lambda('ValidateOrder', steps.validateOrder, '$.validation');
    const checkCredit = lambda('CheckCredit', steps.checkCredit, '$.credit');
    const confirm = lambda('ConfirmOrder', steps.confirmOrder, JsonPath.DISCARD);
    const ship = lambda('ShipOrder', steps.shipOrder, JsonPath.DISCARD);
    // The outcome the Standard execution ends with: `{ invoiced: … }` or `{ rejected: … }` (the steps' answers).
    const invoice = lambda('IssueInvoice', steps.issueInvoice, '$.outcome', { 'invoiced.$': '$' });
    const reject = lambda('RejectOrder', steps.rejectOrder, '$.outcome', { 'rejected.$': '$' });
    const ended = (name: string) => answer(name, 'sendTaskSuccess', { 'Output.$': 'States.JsonToString($.outcome)' });
    const handBack = (name: string, error: string, cause: string) => answer(name, 'sendTaskFailure', { Error: error, Cause: cause });
    const requestFulfilment = new SqsSendMessage(scope, 'RequestFulfilment', {
      queue: props.data.queues.fulfilment,
      messageBody: TaskInput.fromObject({ orderId: JsonPath.stringAt('$.orderId'), taskToken: JsonPath.stringAt('$.taskToken') }),
      resultPath: JsonPath.DISCARD,
    });
    requestFulfilment.addCatch(stepFailed, { errors: ['States.ALL'], resultPath: '$.error' });

    reject.next(ended('Rejected'));
    confirm.next(requestFulfilment);
    ship.next(invoice).next(ended('Invoiced'));
    validate.next(
      new Choice(scope, 'ValidationOutcome')
        .when(Condition.stringEquals('$.validation.outcome', 'backordered'), handBack('Backordered', WORKFLOW_ERRORS.backordered, 'short of stock: re-checked after the backorder wait'))
        .when(Condition.stringEquals('$.validation.outcome', 'invalid'), reject)
        .otherwise(
          checkCredit.next(
            new Choice(scope, 'CreditOutcome')
              .when(Condition.stringEquals('$.credit.decision', 'approve'), confirm)
              .when(Condition.stringEquals('$.credit.decision', 'hold'), handBack('CreditHeld', WORKFLOW_ERRORS.creditHold, 'held for a credit review'))
              .otherwise(reject),
          ),
        ),
    );
    const from = new Choice(scope, 'From').when(Condition.stringEquals('$.from', 'ship'), ship).when(Condition.stringEquals('$.from', 'confirm'), confirm).otherwise(validate);

    // Express executions keep no history but their logs: errors only (the order's own timeline is in the table).
    const machine = this.machine('OrderSteps', StateMachineType.EXPRESS, from, { logsId: 'StepsLogs', level: LogLevel.ERROR, retention: props.logRetention }, steps);
    Validations.of(machine).acknowledge({ id: 'AwsSolutions-SF1', reason: 'The order steps log errors only: logging ALL would be a billed log event per state of two executions per order; each order keeps its timeline in the table and its Standard execution logs ALL.' });
    return machine;
  }

  private definition(
    steps: Record<'validateOrder' | 'checkCredit' | 'confirmOrder' | 'shipOrder' | 'issueInvoice' | 'rejectOrder' | 'releaseStock', IFunction>,
    orderSteps: StateMachine,
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

    // The failure path: whatever stopped the order, the stock it still holds goes back (once: only held reservations
    // move) before finance is told; if even that fails, finance is told all the same (its error beside the first).
    const releaseStock = this.retried(new LambdaInvoke(this, 'ReleaseStock', { lambdaFunction: steps.releaseStock, payloadResponseOnly: true, resultPath: JsonPath.DISCARD, retryOnServiceExceptions: true }));
    releaseStock.addCatch(notifyFailure, { errors: ['States.ALL'], resultPath: '$.releaseError' });
    releaseStock.next(notifyFailure);

    const guard = <T extends TaskStateBase>(task: T, before: (t: T) => void = () => undefined): T => {
      before(task); // specific catches first: Step Functions takes the first that matches
      task.addCatch(releaseStock, { errors: ['States.ALL'], resultPath: '$.error' });
      return task;
    };
    // The one Lambda step the Standard machine runs itself: rejecting an order finance refused or the warehouse cannot fill.
    const reject = guard(this.retried(new LambdaInvoke(this, 'RejectOrder', { lambdaFunction: steps.rejectOrder, payloadResponseOnly: true, resultPath: '$.outcome', resultSelector: { 'rejected.$': '$' }, retryOnServiceExceptions: true })));
    const fulfilmentTimeout = Timeout.duration(props.fulfilmentTimeout ?? Duration.days(14));
    // The order steps from `from`, waited on with this task's token: their last step answers it (see orderStepsMachine).
    const stepsUntilInvoiced = (name: string, from: 'validate' | 'confirm', before: (t: StepFunctionsStartExecution) => void) =>
      guard(
        new StepFunctionsStartExecution(this, name, {
          stateMachine: orderSteps,
          integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          input: TaskInput.fromObject({ from, orderId: JsonPath.stringAt('$.orderId'), taskToken: JsonPath.taskToken }),
          associateWithParent: true,
          resultPath: '$.outcome',
          taskTimeout: fulfilmentTimeout,
        }),
        (t) => {
          before(t);
          // The warehouse cannot ship: the order is unfillable — rejected (stock back, customer told, a prepaid order refunded).
          t.addCatch(reject, { errors: [WORKFLOW_ERRORS.warehouseFailed], resultPath: '$.warehouse' });
        },
      );
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
    const approved = stepsUntilInvoiced('WaitForApprovedFulfilment', 'confirm', () => undefined);
    const backorderWait = new Wait(this, 'BackorderWait', { time: WaitTime.duration(props.backorderWait ?? Duration.hours(1)) });
    // The order's first wait: its steps from validation, then the warehouse. Held and backordered orders come back
    // as the steps' named failures (hand-backs), caught here before the failure path.
    const definition = stepsUntilInvoiced('WaitForFulfilment', 'validate', (t) => {
      t.addCatch(creditReview, { errors: [WORKFLOW_ERRORS.creditHold], resultPath: '$.hold' });
      t.addCatch(backorderWait, { errors: [WORKFLOW_ERRORS.backordered], resultPath: '$.backorder' });
    });
    backorderWait.next(definition);
    const reviewOutcome = new Choice(this, 'ReviewOutcome').when(Condition.stringEquals('$.review.decision', 'approve'), approved).otherwise(reject);
    creditReview.next(reviewOutcome);
    escalation?.next(reviewOutcome);

    const stateMachine = this.machine('StateMachine', StateMachineType.STANDARD, definition, { logsId: 'Logs', level: LogLevel.ALL, retention: props.logRetention }, steps);
    return stateMachine;
  }

  /** A traced state machine, its execution log without data, and the acknowledgements both machines need. */
  private machine(
    id: string,
    type: StateMachineType,
    definition: IChainable,
    logs: { logsId: string; level: LogLevel; retention: RetentionDays },
    steps: Record<string, IFunction>,
  ): StateMachine {
    const machine = new StateMachine(this, id, {
      stateMachineType: type,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: { destination: new LogGroup(this, logs.logsId, { retention: logs.retention, removalPolicy: RemovalPolicy.DESTROY }), level: logs.level, includeExecutionData: false },
    });
    Validations.of(machine).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray tracing and CloudWatch log delivery of executions: these actions have no resource-level permissions.' });
    acknowledgeInvokeWildcards(machine, Object.values(steps), 'CDK grants lambda:InvokeFunction on the step functions and their versions (<arn>:*); no other function is reachable.');
    return machine;
  }
}
