/**
 * Outgoing email: the SES identity of the sender and a configuration set
 * (bounces and complaints are tracked per message). Only the send-mail
 * function may send, and only as this identity (`O2cFunction.bindMailer`).
 */
import { ConfigurationSet, EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';
import type { SenderIdentity } from './o2c-function.ts';

export interface MailerProps {
  readonly senderAddress: string;
}

export class Mailer extends Construct implements SenderIdentity {
  readonly senderAddress: string;
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;

  constructor(scope: Construct, id: string, props: MailerProps) {
    super(scope, id);
    this.senderAddress = props.senderAddress;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {});
    this.identity = new EmailIdentity(this, 'Sender', { identity: Identity.email(props.senderAddress), configurationSet: this.configurationSet });
  }
}
