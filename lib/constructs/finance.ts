/**
 * Finance: the back-office API under /finance/* (IAM in AWS): customers and
 * their credit, credit notes and write-offs, disputes and promises to pay,
 * the trial balance and the audit trail; and cash: recorded by hand, its
 * allocations and refunds, and statements. Two functions serve them (the back
 * office, and cash with statements), so each stays small; every action is
 * audited in the same transaction as the change it makes.
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
  [HttpMethod.POST, '/finance/invoices/{number}/credit-notes'],
  [HttpMethod.POST, '/finance/invoices/{number}/write-off'],
  [HttpMethod.GET, '/finance/invoices/{number}'],
  [HttpMethod.GET, '/finance/invoices/{number}/ubl'],
  [HttpMethod.GET, '/finance/credit-notes/{number}/ubl'],
  [HttpMethod.POST, '/finance/invoices/{number}/disputes'],
  [HttpMethod.POST, '/finance/disputes/{disputeId}/resolution'],
  [HttpMethod.POST, '/finance/invoices/{number}/promise-to-pay'],
  [HttpMethod.GET, '/finance/ledger/trial-balance'],
  [HttpMethod.GET, '/finance/reports/pack'],
  [HttpMethod.GET, '/finance/audit'],
];

/** The routes of payment plans (payment-plans): collections' instalments for a customer's overdue invoices. */
export const PLAN_ROUTES: readonly (readonly [HttpMethod, string])[] = [
  [HttpMethod.POST, '/finance/customers/{customerId}/payment-plans'],
  [HttpMethod.GET, '/finance/customers/{customerId}/payment-plans'],
  [HttpMethod.POST, '/finance/customers/{customerId}/payment-plans/{planId}/cancel'],
];

/** The routes of cash and its moves (finance-cash): manual cash, allocations and refunds of unapplied cash, the refunds o2c owes, statements. */
export const CASH_ROUTES: readonly (readonly [HttpMethod, string])[] = [
  [HttpMethod.POST, '/finance/payments'],
  [HttpMethod.GET, '/finance/payments/{paymentId}'],
  [HttpMethod.GET, '/finance/unapplied-cash'],
  [HttpMethod.POST, '/finance/payments/{paymentId}/allocations'],
  [HttpMethod.POST, '/finance/payments/{paymentId}/refund'],
  [HttpMethod.GET, '/finance/refunds'],
  [HttpMethod.POST, '/finance/refunds/{refundId}/paid'],
  [HttpMethod.GET, '/finance/customers/{customerId}/statement'],
];

export class Finance extends Construct {
  readonly fn: O2cFunction;
  readonly cash: O2cFunction;
  readonly plans: O2cFunction;

  constructor(scope: Construct, id: string, props: MailingAreaProps) {
    super(scope, id);
    const { data, mail, config } = props;
    const fn = functionsOf(this, config);
    // The e-invoice routes embed the document's PDF in the UBL: finance renders it, with the fonts.
    this.fn = fn('finance', 'Finance back office: customers and credit, credit notes, write-offs, disputes, promises, trial balance, audit, e-invoices, the finance pack', { fonts: true, memorySize: 1024 })
      .bindTable(data.table)
      .bindQueue('DOCUMENTS_QUEUE_URL', mail.documentsQueue)
      .bindCallerKeys(data.secrets)
      .bindSettings(config, ['CREDIT_NOTE_SERIES', 'NEW_CUSTOMER_CREDIT_LIMITS'])
      .bindCompany(config);
    // Renders the statement PDF itself (a synchronous GET): it ships the fonts too.
    this.cash = fn('finance-cash', 'Finance cash: payments by hand, unapplied cash applied or paid back, customer statements', { fonts: true, memorySize: 1024 })
      .bindTable(data.table)
      .bindQueue('PAYMENTS_QUEUE_URL', data.queues.payments)
      .bindCallerKeys(data.secrets)
      .bindCompany(config);
    this.plans = fn('payment-plans', 'Payment plans: instalments finance agrees for a customer, the customer told')
      .bindTable(data.table)
      .bindQueue('MAIL_QUEUE_URL', mail.queue)
      .bindCallerKeys(data.secrets)
      .bindCompany(config);
  }
}
