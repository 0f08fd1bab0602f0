/**
 * Collections: cash in and late payers chased. apply-payment matches each
 * queued payment to open invoices; a daily schedule runs plan-dunning, which
 * queues one message per shard of the next-action index; run-dunning-shard
 * works each shard and queues one letter per customer and run (the last shard
 * of the run sends the collectors' worklist); send-reminder renders it in the
 * customer's language (with a Stripe Payment Link per invoice where
 * `dunningPaymentLinks` is "stripe") and hands it to the mail queue.
 */
import { Duration } from 'aws-cdk-lib';
import { ContextAttribute } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import type { MailingAreaProps } from './area.ts';
import { functionsOf } from './o2c-function.ts';
import { scheduleFunction } from './schedule.ts';

export class Collections extends Construct {
  constructor(scope: Construct, id: string, props: MailingAreaProps) {
    super(scope, id);
    const { data, mail, config } = props;
    const { table, queues } = data;
    const fn = functionsOf(this, config);
    fn('apply-payment', 'Matches a payment to open invoices and posts it; the last credit of a bank import finishes it (returns, finance summary)')
      .bindTable(table)
      .bindQueue('MAIL_QUEUE_URL', mail.queue)
      .bindSettings(config, ['INVOICE_SERIES', 'CASH_MATCHING', 'FINANCE_RECIPIENTS'])
      .bindCompany(config)
      .consume(queues.payments);
    // A run fans out by shard of the next-action index: plan-dunning queues one message per shard, each worked by
    // run-dunning-shard within its own timeout (one at a time per invocation), the last one sends the worklist.
    const planDunning = fn('plan-dunning', 'Daily: starts a dunning run, one message per shard of the next-action index', { timeout: Duration.minutes(5) })
      .bindTable(table)
      .bindQueue('DUNNING_SHARDS_QUEUE_URL', queues['dunning-shards'])
      .bindSettings(config, ['DUNNING_POLICY'])
      .bindCompany(config);
    fn('run-dunning-shard', 'One shard of a dunning run: letters per customer, fees, actions; the last shard sends the worklist', { timeout: Duration.minutes(5) })
      .bindTable(table)
      .bindQueue('DUNNING_QUEUE_URL', queues.dunning)
      .bindQueue('MAIL_QUEUE_URL', mail.queue)
      .bindSettings(config, ['DUNNING_POLICY', 'FINANCE_RECIPIENTS'])
      .bindCompany(config)
      .consume(queues['dunning-shards'], { batchSize: 1 });
    fn('send-reminder', 'Renders a dunning letter in the customer language')
      .bindTable(table, 'read')
      .bindQueue('MAIL_QUEUE_URL', mail.queue)
      .bindQueue('DOCUMENTS_QUEUE_URL', mail.documentsQueue)
      .bindSettings(config, ['DUNNING_POLICY', 'STRIPE_API_URL', ...(config.collectionsAgencyAddress ? (['COLLECTIONS_AGENCY_ADDRESS'] as const) : []), ...(config.dunningPaymentLinks === 'stripe' ? (['DUNNING_PAYMENT_LINKS'] as const) : [])])
      // The Stripe key, for the payment links of `dunningPaymentLinks: "stripe"`.
      .bindSecret('STRIPE_SECRET_ARN', data.secrets.stripeKey)
      .bindCompany(config)
      .consume(queues.dunning);
    // The schedule's fire time is the run's identity: a retry of a run whose invocation died is the same run.
    scheduleFunction(this, 'DunningSchedule', { target: planDunning, cron: config.dunningScheduleCron, timezone: config.timezone, description: 'daily dunning run', input: { scheduledTime: ContextAttribute.scheduledTime } });
  }
}
