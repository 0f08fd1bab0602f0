/**
 * Finance: the back-office API under /finance/* (IAM in AWS): customers and
 * their credit, cash recorded by hand, credit notes and write-offs, the audit
 * trail, the refunds o2c owes. One function serves these routes; every action is audited in the
 * same transaction as the change it makes.
 */
import { HttpMethod } from 'aws-cdk-lib/aws-apigatewayv2';
import { Construct } from 'constructs';
import type { MailingAreaProps } from './area.ts';
import { functionsOf, type O2cFunction } from './o2c-function.ts';

/** The finance routes the function serves (test/infra holds them against the handler's route table). */
export const FINANCE_ROUTES: readonly (readonly [HttpMethod, string])[] = [
  [HttpMethod.POST, '/finance/customers'],
  [HttpMethod.GET, '/finance/customers'],
  [HttpMethod.GET, '/finance/customers/{customerId}'],
  [HttpMethod.PATCH, '/finance/customers/{customerId}'],
  [HttpMethod.POST, '/finance/payments'],
  [HttpMethod.POST, '/finance/invoices/{number}/credit-notes'],
  [HttpMethod.POST, '/finance/invoices/{number}/write-off'],
  [HttpMethod.GET, '/finance/ledger/trial-balance'],
  [HttpMethod.GET, '/finance/audit'],
  [HttpMethod.GET, '/finance/refunds'],
];

export class Finance extends Construct {
  readonly fn: O2cFunction;

  constructor(scope: Construct, id: string, props: MailingAreaProps) {
    super(scope, id);
    const { data, mail, config } = props;
    this.fn = functionsOf(this, config)('finance', 'Finance back office: customers and credit, cash by hand, credit notes, write-offs, audit')
      .bindTable(data.table)
      .bindQueue('PAYMENTS_QUEUE_URL', data.queues.payments)
      .bindQueue('MAIL_QUEUE_URL', mail.queue)
      .bindCallerKeys(data.secrets)
      .bindSettings(config, ['CREDIT_NOTE_SERIES', 'NEW_CUSTOMER_CREDIT_LIMITS'])
      .bindCompany(config);
  }
}
