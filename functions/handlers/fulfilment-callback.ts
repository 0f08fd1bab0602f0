/** fulfilment-callback: the warehouse (its key) reports the order shipped whole or failed at /shipment (use-cases/report-shipment), one shipment or lines it cannot ship at /shipments (record-shipment); the seller (B2B key) cancels unshipped units (record-shipment's cancelLines). */
import { callerCredentialsFrom } from '#adapters/api-keys';
import { mailQueue } from '#adapters/mail-queue';
import { sqsOutbox } from '#adapters/queue';
import { repositories } from '#adapters/repositories';
import { stepFunctionsWorkflow } from '#adapters/workflow';
import { LineCancellationSchema, ShipmentReportSchema, ShipmentsReportSchema } from '#platforms/canonical';
import * as rt from '#runtime';
import { cancelLines, recordShipment } from '#use-cases/record-shipment';
import { reportShipment } from '#use-cases/report-shipment';
import type { DocumentMail, RefundMessage } from '#ports';

const env = rt.readBindings('fulfilment-callback');
const { orders, tokens, customers, catalog, invoices, refundRequests } = repositories(env.TABLE_NAME);
const [mail, company, invoiceOn] = [mailQueue(env.MAIL_QUEUE_URL), rt.companyOf(env), env.INVOICE_ON === 'shipment' ? ('shipment' as const) : ('order' as const)];
const base = { orders, tokens, workflow: stepFunctionsWorkflow(undefined, env.ORDER_STEPS_ARN), clock: rt.systemClock };
const invoicing = { ...base, customers, invoices, refundRequests, renderQueue: sqsOutbox<DocumentMail>(env.DOCUMENTS_QUEUE_URL), company, metrics: rt.businessMetrics, series: env.INVOICE_SERIES, policy: rt.dunningPolicyOf(env.DUNNING_POLICY), refundQueue: sqsOutbox<RefundMessage>(env.REFUNDS_QUEUE_URL), invoiceOn, customerEmails: env.CUSTOMER_EMAILS };
export const deps = { ...base, customers, catalog, mail, company, invoiceOn, invoicing, customerEmails: env.CUSTOMER_EMAILS };
const credentials = callerCredentialsFrom(env);
const warehouse = (route: rt.RoleRoute) => rt.withRole(credentials, 'warehouse', route);
const seller = (route: rt.RoleRoute) => rt.withRole(credentials, 'b2b', route);
const orderId = (req: rt.HttpRequest) => req.pathParameters.orderId ?? '';

export const routes: Record<string, rt.Route> = {
  'POST /fulfilment/{orderId}/shipment': warehouse(async (req) => ({ status: 202, body: await reportShipment({ orderId: orderId(req), report: rt.parseJsonBody(req, ShipmentReportSchema) }, deps) })),
  'POST /fulfilment/{orderId}/shipments': warehouse(async (req) => ({ status: 202, body: await recordShipment({ orderId: orderId(req), report: rt.parseJsonBody(req, ShipmentsReportSchema) }, deps) })),
  'POST /orders/{orderId}/lines/cancel': seller(async (req) => ({ status: 202, body: await cancelLines({ orderId: orderId(req), ...rt.parseJsonBody(req, LineCancellationSchema) }, deps) })),
};
export const fulfilmentCallback = routes['POST /fulfilment/{orderId}/shipment']!;
export const handler = rt.httpHandler(rt.routeBy(routes));
