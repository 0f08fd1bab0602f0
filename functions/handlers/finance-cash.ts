/** finance-cash (/finance/payments…, refunds, statements; IAM, locally the finance key): cash in and out — use-cases/finance-cash, unapplied-cash, list-refunds, customer-statement. */
import { callerCredentialsFrom } from '#adapters/api-keys';
import { pdfDocuments } from '#adapters/pdf';
import { sqsOutbox } from '#adapters/queue';
import { repositories } from '#adapters/repositories';
import { AllocationRequestSchema, AsOfQuerySchema, CashRefundRequestSchema, ManualPaymentSchema, RefundPaidSchema, RefundsQuerySchema } from '#platforms/finance';
import * as rt from '#runtime';
import { customerStatement, statementPdf, statementView } from '#use-cases/customer-statement';
import { recordPaymentByHand } from '#use-cases/finance-cash';
import { listRefunds, markRefundPaid } from '#use-cases/list-refunds';
import { paymentIdOf } from '#use-cases/receive-payment';
import { allocateUnappliedCash, paymentDetails, paymentView, refundUnappliedCash, unassignedCash } from '#use-cases/unapplied-cash';

const env = rt.readBindings('finance-cash');
const { customers, invoices, payments, audit, requestKeys, disputes, refundRequests } = repositories(env.TABLE_NAME);
export const deps = { customers, invoices, payments, audit, requestKeys, disputes, refundRequests, documents: pdfDocuments, paymentQueue: sqsOutbox<never>(env.PAYMENTS_QUEUE_URL), clock: rt.systemClock, company: rt.companyOf(env) };
const finance = (route: rt.RoleRoute) => rt.withRole(callerCredentialsFrom(env), 'finance', route);
const param = (req: rt.HttpRequest, name: string) => req.pathParameters[name] ?? '';

export const routes: Record<string, rt.Route> = {
  'POST /finance/payments': finance(async (req, actor) => {
    const report = { source: 'manual' as const, ...rt.parseJsonBody(req, ManualPaymentSchema) };
    const replay = await rt.replayableAnswer(req, 'finance-payments', deps.requestKeys, async () => ({ paymentId: paymentIdOf(report) }));
    return { status: 202, body: { ...(await recordPaymentByHand(report, actor, deps, rt.deliveryIdOf(req))), ...replay } };
  }),
  'GET /finance/payments/{paymentId}': finance(async (req) => ({ status: 200, body: paymentView(await paymentDetails(param(req, 'paymentId'), deps)) })),
  'GET /finance/unapplied-cash': finance(async () => ({ status: 200, body: { payments: (await unassignedCash(deps)).map(paymentView) } })),
  'POST /finance/payments/{paymentId}/allocations': finance(async (req, actor) => ({ status: 201, body: paymentView(await allocateUnappliedCash({ paymentId: param(req, 'paymentId'), ...rt.parseJsonBody(req, AllocationRequestSchema) }, actor, deps, rt.clientKeyOf(req))) })),
  'POST /finance/payments/{paymentId}/refund': finance(async (req, actor) => ({ status: 200, body: paymentView(await refundUnappliedCash({ paymentId: param(req, 'paymentId'), ...rt.parseJsonBody(req, CashRefundRequestSchema) }, actor, deps, rt.clientKeyOf(req))) })),
  'GET /finance/refunds': finance(async (req) => ({ status: 200, body: await listRefunds(rt.parseQuery(req, RefundsQuerySchema), deps) })),
  'POST /finance/refunds/{refundId}/paid': finance(async (req, actor) => ({ status: 200, body: await markRefundPaid({ refundId: param(req, 'refundId'), ...rt.parseJsonBody(req, RefundPaidSchema) }, actor, deps) })),
  'GET /finance/customers/{customerId}/statement': finance(async (req) => {
    const statement = await customerStatement({ customerId: param(req, 'customerId'), ...rt.parseQuery(req, AsOfQuerySchema) }, deps);
    if (!rt.accepts(req, 'application/pdf')) return { status: 200, body: statementView(statement) };
    return rt.binary(await statementPdf(statement, deps), 'application/pdf', `statement-${statement.customer.id}-${statement.asOf}.pdf`);
  }),
};
export const handler = rt.httpHandler(rt.routeBy(routes));
