/**
 * Outgoing email. `MailIdentity` (stateful stack): the SES identity of the
 * sender and a configuration set (bounces and complaints are tracked per
 * message). `Mail` (stateless stack): the one sender, send-mail, consuming the
 * mail queue; only it may send, and only as this identity (`bindMailer`).
 * Every other function that writes to a customer or to finance puts a message
 * on `Mail.queue` — or, for an email that carries documents (invoice, credit
 * note, statement PDFs), on `Mail.documentsQueue`: render-documents renders
 * them, attaches them and queues the email on `Mail.queue` under its own key.
 */
import { Duration } from 'aws-cdk-lib';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { ConfigurationSet, EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { AreaProps } from './area.ts';
import { functionsOf, type O2cFunction, type SenderIdentity } from './o2c-function.ts';

export class MailIdentity extends Construct implements SenderIdentity {
  readonly senderAddress: string;
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;

  constructor(scope: Construct, id: string, props: { senderAddress: string }) {
    super(scope, id);
    this.senderAddress = props.senderAddress;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {});
    this.identity = new EmailIdentity(this, 'Sender', { identity: Identity.email(props.senderAddress), configurationSet: this.configurationSet });
  }
}

export class Mail extends Construct {
  /** Where every email is queued. */
  readonly queue: IQueue;
  readonly sender: O2cFunction;
  /** Where an email with documents to attach is queued (consumer render-documents). */
  readonly documentsQueue: IQueue;
  readonly renderer: O2cFunction;

  constructor(scope: Construct, id: string, props: AreaProps) {
    super(scope, id);
    const { data, config } = props;
    this.queue = data.queues.mail;
    // SES allows `sesSendRatePerSecond`. The event source's maxConcurrency bounds how many send-mail invocations
    // run at once (2 is the lowest SQS allows; 14/s gives 2): that is the pacing knob for an SQS consumer. Reserved
    // concurrency is NOT used: it throttles the pollers' invocations, which counts receives and dead-letters mail.
    // maxConcurrency bounds parallel batches, not sends per second: each invocation sends one message at a time,
    // at most one per MAIL_MIN_INTERVAL_MS, so all pollers together stay within the SES rate.
    const pollers = Math.max(2, Math.floor(config.sesSendRatePerSecond / 10) + 1);
    this.sender = functionsOf(this, config)('send-mail', 'Sends raw MIME with SES, once per message key')
      .bindTable(data.table)
      .bindMailer(data.sender, { minIntervalMs: Math.ceil((1000 * pollers) / config.sesSendRatePerSecond) })
      .consume(this.queue, { batchSize: 10, maxConcurrency: pollers });
    this.documentsQueue = data.queues.documents;
    // The one function with the PDF renderer and the fonts (shipped as files beside the bundle): the order path stays small.
    this.renderer = functionsOf(this, config)('render-documents', 'Renders the PDFs an email carries, attaches them, queues the email', { timeout: Duration.seconds(60), memorySize: 1024, fonts: true })
      .bindTable(data.table, 'read')
      .bindQueue('MAIL_QUEUE_URL', this.queue)
      .bindCompany(config)
      .consume(this.documentsQueue, { batchSize: 5 });
  }
}
