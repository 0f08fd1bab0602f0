/**
 * Every repository on the single table, for one table name: a handler wires
 * the ones its use case takes (`const repos = repositories(env.TABLE_NAME)`).
 * Building them is cheap (plain objects over one shared document client).
 */
import { dynamoAudit } from './audit.ts';
import { dynamoCatalog } from './catalog.ts';
import { dynamoCustomers, dynamoPayerDirectory } from './customers.ts';
import { dynamoDisputes } from './disputes.ts';
import { dynamoDunningRuns } from './dunning-runs.ts';
import { dynamoTable } from './dynamo.ts';
import { dynamoAggregates, dynamoFigureSources, dynamoDunning, dynamoInvoices, dynamoLedger, dynamoPaymentReturns, dynamoPayments } from './invoices.ts';
import { dynamoReferenceRates } from './reference-rates.ts';
import { dynamoOrders } from './orders.ts';
import { dynamoPaymentPlans } from './payment-plans.ts';
import { dynamoRefundRequests, dynamoRefunds } from './refunds.ts';
import { dynamoRequestKeys } from './request-keys.ts';
import { dynamoDuplicates } from './totals.ts';
import { dynamoTaskTokens } from './workflow.ts';

export function repositories(tableName: string) {
  const t = dynamoTable(tableName);
  return {
    orders: dynamoOrders(t),
    customers: dynamoCustomers(t),
    catalog: dynamoCatalog(t),
    invoices: dynamoInvoices(t),
    payments: dynamoPayments(t),
    dunning: dynamoDunning(t),
    dunningRuns: dynamoDunningRuns(t),
    aggregates: dynamoAggregates(t),
    figures: dynamoFigureSources(t),
    ledger: dynamoLedger(t),
    tokens: dynamoTaskTokens(t),
    requestKeys: dynamoRequestKeys(t),
    refunds: dynamoRefunds(t),
    refundRequests: dynamoRefundRequests(t),
    audit: dynamoAudit(t),
    disputes: dynamoDisputes(t),
    payers: dynamoPayerDirectory(t),
    paymentReturns: dynamoPaymentReturns(t),
    rateStore: dynamoReferenceRates(t),
    paymentPlans: dynamoPaymentPlans(t),
    duplicates: dynamoDuplicates(t),
  };
}
