/**
 * Refunds: refund-payment consumes the refunds queue — refund requests written
 * by reject-order and intake's cancellations, and invoiced orders a platform
 * cancelled (a credit note first) — and pays back through Stripe's API (its
 * secret key in Secrets Manager, its URL a setting), or records the refund as
 * owed and tells finance. Retries and the DLQ are the queue's.
 */
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { MailingAreaProps } from './area.ts';
import { functionsOf, type O2cFunction } from './o2c-function.ts';

export class Refunds extends Construct {
  readonly fn: O2cFunction;

  constructor(scope: Construct, id: string, props: MailingAreaProps) {
    super(scope, id);
    const { data, mail, config } = props;
    this.fn = functionsOf(this, config)('refund-payment', 'Refunds what o2c owes (Stripe API, else owed and finance told); credits cancelled invoices', { timeout: Duration.seconds(60), memorySize: 1024 })
      .bindTable(data.table)
      .bindQueue('MAIL_QUEUE_URL', mail.queue)
      .bindQueue('DOCUMENTS_QUEUE_URL', mail.documentsQueue)
      .bindSecret('STRIPE_SECRET_ARN', data.secrets.stripeKey)
      .bindSettings(config, ['FINANCE_RECIPIENTS', 'CREDIT_NOTE_SERIES', 'STRIPE_API_URL', 'CUSTOMER_EMAILS'])
      .bindCompany(config)
      // Few at once: each may call Stripe.
      .consume(data.queues.refunds, { batchSize: 5, maxConcurrency: 5 });
  }
}
