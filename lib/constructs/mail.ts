/**
 * Outgoing email: the SES identity of the sender and a configuration set
 * (bounces and complaints are tracked per message). Only the send-mail
 * function may send, and only as this identity.
 */
import { Stack } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { ConfigurationSet, EmailIdentity, Identity } from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

export interface MailerProps {
  readonly senderAddress: string;
}

export class Mailer extends Construct {
  readonly identity: EmailIdentity;
  readonly configurationSet: ConfigurationSet;

  constructor(scope: Construct, id: string, private readonly props: MailerProps) {
    super(scope, id);
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', {});
    this.identity = new EmailIdentity(this, 'Sender', { identity: Identity.email(props.senderAddress), configurationSet: this.configurationSet });
  }

  /** Lets `fn` send raw email as the sender identity, through the configuration set. */
  grantSend(fn: IFunction & { addEnvironment(k: string, v: string): unknown }): void {
    const stack = Stack.of(this);
    fn.addEnvironment('SENDER_ADDRESS', this.props.senderAddress);
    fn.addEnvironment('SES_CONFIGURATION_SET', this.configurationSet.configurationSetName);
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['ses:SendRawEmail'],
        resources: [
          stack.formatArn({ service: 'ses', resource: 'identity', resourceName: this.identity.emailIdentityName }),
          stack.formatArn({ service: 'ses', resource: 'configuration-set', resourceName: this.configurationSet.configurationSetName }),
        ],
      }),
    );
  }
}
