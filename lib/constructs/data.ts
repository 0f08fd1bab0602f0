/**
 * The stateful part: the single table and the queues between the steps. The
 * table's keys and indexes come from functions/adapters/table-schema.ts, the
 * same definition the repositories use. Data is retained outside dev stages.
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { GSI_BY_CUSTOMER, GSI_OPEN_BY_DUE, TABLE_KEYS, TTL_ATTRIBUTE } from '../../functions/adapters/table-schema.ts';

export const QUEUE_NAMES = ['orders', 'fulfilment', 'credit-review', 'payments', 'dunning', 'mail'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Deliveries before a message is dead-lettered. */
export const MAX_RECEIVE_COUNT = 5;

export interface DataStoreProps {
  readonly retain: boolean;
  /** Visibility timeout per queue: at least 6× its consumer's timeout (§8). */
  readonly visibility: Record<QueueName, Duration>;
}

export class DataStore extends Construct {
  readonly table: TableV2;
  readonly queues: Record<QueueName, Queue>;
  readonly deadLetterQueues: Record<QueueName, Queue>;

  constructor(scope: Construct, id: string, props: DataStoreProps) {
    super(scope, id);
    const s = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new TableV2(this, 'Table', {
      partitionKey: s(TABLE_KEYS.partitionKey),
      sortKey: s(TABLE_KEYS.sortKey),
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: props.retain,
      removalPolicy: props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
      globalSecondaryIndexes: [GSI_BY_CUSTOMER, GSI_OPEN_BY_DUE].map((g) => ({
        indexName: g.indexName,
        partitionKey: s(g.partitionKey),
        sortKey: s(g.sortKey),
      })),
    });

    const queues = {} as Record<QueueName, Queue>;
    const dlqs = {} as Record<QueueName, Queue>;
    for (const name of QUEUE_NAMES) {
      const id = name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase());
      dlqs[name] = new Queue(this, `${id}Dlq`, {
        retentionPeriod: Duration.days(14),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      Validations.of(dlqs[name]).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: 'This is a dead-letter queue; its messages are inspected and redriven by an operator.' });
      Validations.of(dlqs[name]).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This is a dead-letter queue.' });
      queues[name] = new Queue(this, `${id}Queue`, {
        visibilityTimeout: props.visibility[name],
        retentionPeriod: Duration.days(4),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
        deadLetterQueue: { queue: dlqs[name], maxReceiveCount: MAX_RECEIVE_COUNT },
      });
    }
    this.queues = queues;
    this.deadLetterQueues = dlqs;
  }
}
