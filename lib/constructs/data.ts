/**
 * The stateful part: the single table and the queues between the steps. The
 * table's keys and indexes come from functions/adapters/table-schema.ts, the
 * same definition the repositories use. Table and queues are retained outside
 * dev stages.
 *
 * `O2cData` is what the stateless stack receives: these, the secrets and the
 * mail sender (lib/o2c-data-stack.ts holds them all).
 */
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AttributeType, Billing, StreamViewType, TableV2, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Queue, QueueEncryption, type IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { GSI_BY_CUSTOMER, GSI_OPEN_BY_DUE, TABLE_KEYS, TTL_ATTRIBUTE } from '../../functions/adapters/table-schema.ts';
import { pascalCase } from './ids.ts';
import type { SenderIdentity } from './o2c-function.ts';

export const QUEUE_NAMES = ['orders', 'fulfilment', 'credit-review', 'payments', 'dunning', 'dunning-shards', 'mail', 'refunds', 'bank-files', 'warehouse-requests', 'documents'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** Deliveries before a message is dead-lettered. */
export const MAX_RECEIVE_COUNT = 5;

/** The stateful resources, as the stateless stack's areas receive them. */
export interface O2cData {
  readonly table: ITable;
  readonly queues: Readonly<Record<QueueName, IQueue>>;
  readonly deadLetterQueues: Readonly<Record<QueueName, IQueue>>;
  readonly secrets: {
    /** The B2B order API key. */
    readonly apiKey: ISecret;
    /** The warehouse/3PL callback key. */
    readonly warehouseKey: ISecret;
    /** Platform webhook signing secrets. */
    readonly webhookSecrets: ISecret;
    /** Stripe's secret API key, for refunds. */
    readonly stripeKey: ISecret;
    /** What the warehouse webhook deliveries are signed with (HMAC-SHA256). */
    readonly warehouseWebhookSecret: ISecret;
  };
  /** The o2c event bus (`O2c-<stage>`): facts sellers subscribe to, such as `o2c.FulfilmentRequested`. */
  readonly bus: IEventBus;
  readonly sender: SenderIdentity;
  /** Where banks and SFTP gateways drop statement files (each new object is announced on the bank-files queue). */
  readonly bankFiles: IBucket;
}

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
    const removalPolicy = props.retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const s = (name: string) => ({ name, type: AttributeType.STRING });
    this.table = new TableV2(this, 'Table', {
      partitionKey: s(TABLE_KEYS.partitionKey),
      sortKey: s(TABLE_KEYS.sortKey),
      billing: Billing.onDemand(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      dynamoStream: StreamViewType.NEW_AND_OLD_IMAGES,
      timeToLiveAttribute: TTL_ATTRIBUTE,
      deletionProtection: props.retain,
      removalPolicy,
      globalSecondaryIndexes: [GSI_BY_CUSTOMER, GSI_OPEN_BY_DUE].map((g) => ({
        indexName: g.indexName,
        partitionKey: s(g.partitionKey),
        sortKey: s(g.sortKey),
      })),
    });

    const queues = {} as Record<QueueName, Queue>;
    const dlqs = {} as Record<QueueName, Queue>;
    for (const name of QUEUE_NAMES) {
      const id = pascalCase(name);
      dlqs[name] = new Queue(this, `${id}Dlq`, {
        removalPolicy,
        retentionPeriod: Duration.days(14),
        encryption: QueueEncryption.SQS_MANAGED,
        enforceSSL: true,
      });
      Validations.of(dlqs[name]).acknowledge({ id: 'Serverless-SQSRedrivePolicy', reason: 'This is a dead-letter queue; its messages are inspected and redriven by an operator.' });
      Validations.of(dlqs[name]).acknowledge({ id: 'AwsSolutions-SQS3', reason: 'This is a dead-letter queue.' });
      queues[name] = new Queue(this, `${id}Queue`, {
        removalPolicy,
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
