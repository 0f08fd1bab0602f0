/**
 * Collections: cash in and late payers chased. apply-payment matches each
 * queued payment to open invoices; a daily schedule runs plan-dunning, which
 * queues one letter per customer and run; send-reminder renders it in the
 * customer's language (with a Stripe Payment Link per invoice where
 * `dunningPaymentLinks` is "stripe") and hands it to the mail queue.
 */
import { Duration } from 'aws-cdk-lib';
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
    const planDunning = fn('plan-dunning', 'Daily: carries out the dunning policy (letters per customer, fees, actions)', { timeout: Duration.minutes(5) })
      .bindTable(table)
      .bindQueue('DUNNING_QUEUE_URL', queues.dunning)
      .bindQueue('MAIL_QUEUE_URL', mail.queue)
      .bindSettings(config, ['DUNNING_POLICY', 'FINANCE_RECIPIENTS'])
      .bindCompany(config);
    fn('send-reminder', 'Renders a dunning letter in the customer language')
      .bindTable(table, 'read')
      .bindQueue('MAIL_QUEUE_URL', mail.queue)
      .bindQueue('DOCUMENTS_QUEUE_URL', mail.documentsQueue)
      .bindSettings(config, ['DUNNING_POLICY', 'STRIPE_API_URL', ...(config.collectionsAgencyAddress ? (['COLLECTIONS_AGENCY_ADDRESS'] as const) : []), ...(config.dunningPaymentLinks === 'stripe' ? (['DUNNING_PAYMENT_LINKS'] as const) : [])])
      // The Stripe key, for the payment links of `dunningPaymentLinks: "stripe"`.
      .bindSecret('STRIPE_SECRET_ARN', data.secrets.stripeKey)
      .bindCompany(config)
      .consume(queues.dunning);
    scheduleFunction(this, 'DunningSchedule', { target: planDunning, cron: config.dunningScheduleCron, timezone: config.timezone, description: 'daily dunning run' });
  }
}
