/**
 * The order's life as a Standard state machine (JSONPath, no variables: the
 * local runtime runs this same definition). Coarse states keep transitions —
 * the cost driver — few; people and partners are waited on with task tokens.
 *
 *   ValidateOrder ─backordered→ BackorderWait ─→ ValidateOrder
 *        │ invalid → RejectOrder
 *   CheckCredit ─hold→ WaitForCreditReview (credit-review queue, token) ─approve→ ConfirmOrder / reject→ RejectOrder
 *        │ reject → RejectOrder
 *   ConfirmOrder → WaitForFulfilment (fulfilment queue, token) → ShipOrder → IssueInvoice → Done
 *   any error → NotifyFailure (finance email via the mail queue) → Failed
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
  Succeed,
  TaskInput,
  Timeout,
  Wait,
  WaitTime,
  type TaskStateBase,
} from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke, SqsSendMessage } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeInvokeWildcards } from './nag.ts';

export interface OrderWorkflowProps {
  readonly steps: {
    validateOrder: IFunction;
    checkCredit: IFunction;
    confirmOrder: IFunction;
    shipOrder: IFunction;
    issueInvoice: IFunction;
    rejectOrder: IFunction;
  };
  readonly creditReviewQueue: IQueue;
  readonly fulfilmentQueue: IQueue;
  readonly mailQueue: IQueue;
  readonly financeRecipients: readonly string[];
  readonly logRetention: RetentionDays;
  readonly creditReviewTimeout?: Duration;
  readonly fulfilmentTimeout?: Duration;
  readonly backorderWait?: Duration;
}

/** Errors a step throws when it lost a race; the step is simply run again. */
export const RETRYABLE_ERRORS = ['ConcurrentUpdate', 'InvoiceConflict'];

export class OrderWorkflow extends Construct {
  readonly stateMachine: StateMachine;

  constructor(scope: Construct, id: string, props: OrderWorkflowProps) {
    super(scope, id);
    const failed = new Fail(this, 'Failed', { error: 'OrderWorkflowFailed', cause: 'a step failed; finance was notified' });
    const notifyFailure = new SqsSendMessage(this, 'NotifyFailure', {
      queue: props.mailQueue,
      messageBody: TaskInput.fromObject({
        key: JsonPath.format('workflow-failed:{}', JsonPath.stringAt('$.orderId')),
        to: [...props.financeRecipients],
        subject: JsonPath.format('o2c: order {} stopped in its workflow', JsonPath.stringAt('$.orderId')),
        text: JsonPath.format('Order {} stopped: {} ({}). Look at the execution named after the order in Step Functions.', JsonPath.stringAt('$.orderId'), JsonPath.stringAt('$.error.Error'), JsonPath.stringAt('$.error.Cause')),
      }),
      resultPath: JsonPath.DISCARD,
    }).next(failed);

    const guard = <T extends TaskStateBase>(task: T): T => {
      task.addCatch(notifyFailure, { errors: ['States.ALL'], resultPath: '$.error' });
      return task;
    };
    const lambda = (name: string, fn: IFunction, resultPath: string) => {
      const task = new LambdaInvoke(this, name, { lambdaFunction: fn, payloadResponseOnly: true, resultPath, retryOnServiceExceptions: true });
      // CDK's default retrier covers Lambda's service faults; throttling in an order burst and lost races are retried too.
      task.addRetry({ errors: ['Lambda.TooManyRequestsException'], interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2 });
      task.addRetry({ errors: RETRYABLE_ERRORS, interval: Duration.seconds(1), maxAttempts: 4, backoffRate: 2 });
      return guard(task);
    };
    const wait = (name: string, queue: IQueue, resultPath: string, timeout: Duration) =>
      guard(
        new SqsSendMessage(this, name, {
          queue,
          integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          messageBody: TaskInput.fromObject({ orderId: JsonPath.stringAt('$.orderId'), taskToken: JsonPath.taskToken }),
          resultPath,
          taskTimeout: Timeout.duration(timeout),
        }),
      );

    const validate = lambda('ValidateOrder', props.steps.validateOrder, '$.validation');
    const checkCredit = lambda('CheckCredit', props.steps.checkCredit, '$.credit');
    const confirm = lambda('ConfirmOrder', props.steps.confirmOrder, JsonPath.DISCARD);
    const ship = lambda('ShipOrder', props.steps.shipOrder, JsonPath.DISCARD);
    const invoice = lambda('IssueInvoice', props.steps.issueInvoice, '$.invoice');
    const reject = lambda('RejectOrder', props.steps.rejectOrder, '$.rejection');
    const creditReview = wait('WaitForCreditReview', props.creditReviewQueue, '$.review', props.creditReviewTimeout ?? Duration.days(7));
    const fulfilment = wait('WaitForFulfilment', props.fulfilmentQueue, '$.shipment', props.fulfilmentTimeout ?? Duration.days(14));
    const backorderWait = new Wait(this, 'BackorderWait', { time: WaitTime.duration(props.backorderWait ?? Duration.hours(1)) });

    reject.next(new Succeed(this, 'Rejected'));
    confirm.next(fulfilment).next(ship).next(invoice).next(new Succeed(this, 'Done'));
    backorderWait.next(validate);
    creditReview.next(
      new Choice(this, 'ReviewOutcome').when(Condition.stringEquals('$.review.decision', 'approve'), confirm).otherwise(reject),
    );
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

    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromChainable(definition),
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY }),
        level: LogLevel.ALL,
        includeExecutionData: false,
      },
    });
    Validations.of(this.stateMachine).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason: 'X-Ray tracing of executions: the X-Ray write actions have no resource-level permissions.' });
    acknowledgeInvokeWildcards(this.stateMachine, Object.values(props.steps), 'CDK grants lambda:InvokeFunction on the step functions and their versions (<arn>:*); no other function is reachable.');
  }
}
