/** Alarms an operator needs: a message in any DLQ, failed order workflows, and order steps that ended without answering. */
import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';

export interface OperationsAlarmsProps {
  readonly deadLetterQueues: Readonly<Record<string, IQueue>>;
  readonly stateMachine: IStateMachine;
  /** The Express order steps: each ends by answering its order's wait, so one that fails or times out leaves that order waiting. */
  readonly orderSteps: IStateMachine;
}

export class OperationsAlarms extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: OperationsAlarmsProps) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', { masterKey: new Key(this, 'TopicKey', { enableKeyRotation: true }), enforceSSL: true });
    const action = new SnsAction(this.topic);
    for (const [name, dlq] of Object.entries(props.deadLetterQueues)) {
      new Alarm(this, `${name}DlqAlarm`, {
        alarmDescription: `messages in the ${name} dead-letter queue: inspect them, fix, redrive`,
        metric: dlq.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(action);
    }
    new Alarm(this, 'WorkflowFailedAlarm', {
      alarmDescription: 'order workflows failed',
      metric: props.stateMachine.metricFailed({ period: Duration.minutes(5) }),
      threshold: 0,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(action);
    // A step that fails is answered (StepFailed: the order takes its failure path, WorkflowFailedAlarm), and a token
    // nobody waits on any more ends the steps quietly (WaitEnded). An order-steps execution that itself fails or
    // outlives Express's 5 minutes has not answered: its order waits until its wait's timeout (14 days).
    for (const [id, metric, what] of [
      ['OrderStepsFailedAlarm', props.orderSteps.metricFailed({ period: Duration.minutes(5) }), 'failed'],
      ['OrderStepsTimedOutAlarm', props.orderSteps.metricTimedOut({ period: Duration.minutes(5) }), 'timed out'],
    ] as const) {
      new Alarm(this, id, {
        alarmDescription: `order steps (Express) ${what} without answering their order's wait: find the order in the steps' error log and re-drive or cancel it`,
        metric,
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }).addAlarmAction(action);
    }
  }
}
