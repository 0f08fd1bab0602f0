/**
 * The stateful stack (`O2c-<stage>-data`): what o2c keeps — the single table,
 * the queues with their DLQs, the SES sender identity and configuration
 * set, the secrets (caller keys, webhook secrets, Stripe's key, the warehouse
 * webhook's signing secret), the bucket banks drop statement files into and
 * the o2c event bus. The stateless stack (lib/o2c-stack.ts) receives
 * them as props (CloudFormation exports), so redeploying or even deleting the
 * functions, API and workflow never replaces data. Table and queues are
 * retained, and the stack protected from deletion, outside dev.
 */
import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import type { O2cConfig } from './config.ts';
import { BankFileDrop } from './constructs/bank-files.ts';
import { DataStore, type O2cData, type QueueName } from './constructs/data.ts';
import { MailIdentity } from './constructs/mail.ts';
import { IntakeSecrets } from './constructs/secrets.ts';

export interface O2cDataStackProps extends StackProps {
  readonly config: O2cConfig;
}

/**
 * Timeouts of the queues' consumers (the functions' default); each queue's visibility timeout is 6× its consumer's
 * (§8). `O2cFunction.consume` refuses a consumer whose timeout would break that.
 */
const CONSUMER_TIMEOUT: Record<QueueName, Duration> = {
  orders: Duration.seconds(30),
  'credit-review': Duration.seconds(30),
  fulfilment: Duration.seconds(30),
  payments: Duration.seconds(30),
  dunning: Duration.seconds(30),
  // run-dunning-shard: one shard of a dunning run (at 100,000 open invoices, 5 % due: see bench/dunning.ts).
  'dunning-shards': Duration.minutes(5),
  mail: Duration.seconds(30),
  // refund-payment: Stripe's answer, and for a cancelled invoice the credit note with its PDF first.
  refunds: Duration.seconds(60),
  // bank-import: a dropped statement is streamed from S3 twice (checked, then its payments queued): up to 10 minutes for 50 MB at 512 MB.
  'bank-files': Duration.minutes(10),
  // send-fulfilment-request: one signed POST, 10 s at most (adapters/warehouse-webhook.ts).
  'warehouse-requests': Duration.seconds(30),
  // render-documents: a PDF (a CJK font parsed on a cold start) per document of the email.
  documents: Duration.seconds(60),
};

export class O2cDataStack extends Stack implements O2cData {
  readonly table: O2cData['table'];
  readonly queues: O2cData['queues'];
  readonly deadLetterQueues: O2cData['deadLetterQueues'];
  readonly secrets: O2cData['secrets'];
  readonly sender: MailIdentity;
  readonly bankFiles: O2cData['bankFiles'];
  readonly bus: EventBus;

  constructor(scope: Construct, id: string, props: O2cDataStackProps) {
    const retain = props.config.stage !== 'dev';
    super(scope, id, { terminationProtection: retain, ...props });
    const data = new DataStore(this, 'Data', {
      retain,
      visibility: Object.fromEntries(Object.entries(CONSUMER_TIMEOUT).map(([q, t]) => [q, Duration.seconds(t.toSeconds() * 6)])) as Record<QueueName, Duration>,
    });
    this.table = data.table;
    this.queues = data.queues;
    this.deadLetterQueues = data.deadLetterQueues;
    this.sender = new MailIdentity(this, 'Mail', { senderAddress: props.config.senderAddress });
    this.secrets = new IntakeSecrets(this, 'Secrets');
    this.bankFiles = new BankFileDrop(this, 'BankFiles', { retain, stage: props.config.stage, glacierAfterDays: props.config.bankFileGlacierDays, queue: data.queues['bank-files'] }).bucket;
    // The o2c event bus: kept with the data, since the sellers' own rules (and archives) hang on it and must outlive a code redeploy.
    this.bus = new EventBus(this, 'Bus', { eventBusName: `O2c-${props.config.stage}`, description: `o2c facts for the seller's systems (o2c.FulfilmentRequested), stage ${props.config.stage}` });
    this.bus.applyRemovalPolicy(retain ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
  }
}
