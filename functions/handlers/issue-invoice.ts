/** issue-invoice (workflow step): gapless invoice + ledger in one transaction, the email (PDF attached by render-documents) — use-cases/issue-invoice. */
import { sqsOutbox } from '#adapters/queue';
import { repositories } from '#adapters/repositories';
import { OrderTaskInput } from '#platforms/canonical';
import { businessMetrics, companyOf, dunningPolicyOf, readBindings, systemClock, taskHandler } from '#runtime';
import { issueInvoice } from '#use-cases/issue-invoice';
import type { DocumentMail, RefundMessage } from '#ports';

const env = readBindings('issue-invoice');
const { orders, customers, invoices, refundRequests } = repositories(env.TABLE_NAME);
export const deps = { orders, customers, invoices, refundRequests, renderQueue: sqsOutbox<DocumentMail>(env.DOCUMENTS_QUEUE_URL), clock: systemClock, metrics: businessMetrics, company: companyOf(env), series: env.INVOICE_SERIES, refundQueue: sqsOutbox<RefundMessage>(env.REFUNDS_QUEUE_URL), policy: dunningPolicyOf(env.DUNNING_POLICY), invoiceOn: env.INVOICE_ON === 'shipment' ? ('shipment' as const) : ('order' as const), customerEmails: env.CUSTOMER_EMAILS };
export const handler = taskHandler(OrderTaskInput, (input) => issueInvoice(input, deps));
