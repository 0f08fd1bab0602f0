/** Alarms an operator needs: a message in any DLQ, and failed order workflows. */
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
  }
}
