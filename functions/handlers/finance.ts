/** finance (/finance/*, IAM; locally the finance key): the back office — use-cases/manage-customers, adjust-invoice, disputes, trial-balance, the audit trail (cash: finance-cash). */
import { callerCredentialsFrom } from '#adapters/api-keys';
import { mailQueue } from '#adapters/mail-queue';
import { pdfDocuments } from '#adapters/pdf';
import { repositories } from '#adapters/repositories';
import { AsOfQuerySchema, CreditNoteRequestSchema, CustomerChangesSchema, DisputeRequestSchema, DisputeResolutionSchema, NewCustomerSchema, PaymentPlanRequestSchema, PlanCancellationSchema, PromiseToPaySchema, WriteOffRequestSchema } from '#platforms/finance';
import * as rt from '#runtime';
import { creditNoteView, issueCreditNote, writeOffInvoice } from '#use-cases/adjust-invoice';
import { invoiceWithDisputes, openInvoiceDispute, recordPromiseToPay, resolveDispute } from '#use-cases/disputes';
import { auditTrail } from '#use-cases/finance-cash';
import { trialBalanceAsOf } from '#use-cases/trial-balance';
import { createCustomer, customerView, findCustomer, getCustomer, updateCustomer } from '#use-cases/manage-customers';
import { agreePaymentPlan, cancelPaymentPlan, paymentPlansOf } from '#use-cases/payment-plans';
const env = rt.readBindings('finance');
const { customers, invoices, audit, requestKeys, ledger, disputes, paymentPlans } = repositories(env.TABLE_NAME);
export const deps = { customers, invoices, audit, requestKeys, ledger, disputes, paymentPlans, documents: pdfDocuments, mail: mailQueue(env.MAIL_QUEUE_URL), clock: rt.systemClock, company: rt.companyOf(env), creditNoteSeries: env.CREDIT_NOTE_SERIES, newCustomerCreditLimits: rt.creditLimitsOf(env.NEW_CUSTOMER_CREDIT_LIMITS) };
const finance = (route: rt.RoleRoute) => rt.withRole(callerCredentialsFrom(env), 'finance', route);
const param = (req: rt.HttpRequest, name: string) => req.pathParameters[name] ?? '';
export const routes: Record<string, rt.Route> = {
  'POST /finance/customers': finance(async (req, actor) => ({ status: 201, body: await createCustomer(rt.parseJsonBody(req, NewCustomerSchema), actor, deps) })),
  'GET /finance/customers': finance(async (req) => ({ status: 200, body: customerView(await findCustomer({ email: rt.queryParam(req, 'email'), ...(req.query.shop ? { shop: req.query.shop } : {}) }, deps)) })),
  'GET /finance/customers/{customerId}': finance(async (req) => ({ status: 200, body: customerView(await getCustomer(param(req, 'customerId'), deps)) })),
  'PATCH /finance/customers/{customerId}': finance(async (req, actor) => {
    const { reason, ...changes } = rt.parseJsonBody(req, CustomerChangesSchema);
    return { status: 200, body: customerView(await updateCustomer(param(req, 'customerId'), changes, actor, reason, deps)) };
  }),
  'POST /finance/invoices/{number}/credit-notes': finance(async (req, actor) => ({ status: 201, body: creditNoteView(await issueCreditNote({ invoiceNumber: param(req, 'number'), ...rt.parseJsonBody(req, CreditNoteRequestSchema) }, actor, deps, rt.clientKeyOf(req))) })),
  'POST /finance/invoices/{number}/write-off': finance(async (req, actor) => ({ status: 200, body: await writeOffInvoice({ invoiceNumber: param(req, 'number'), ...rt.parseJsonBody(req, WriteOffRequestSchema) }, actor, deps) })),
  'GET /finance/invoices/{number}': finance(async (req) => ({ status: 200, body: await invoiceWithDisputes(param(req, 'number'), deps) })),
  'POST /finance/invoices/{number}/disputes': finance(async (req, actor) => ({ status: 201, body: await openInvoiceDispute({ invoiceNumber: param(req, 'number'), ...rt.parseJsonBody(req, DisputeRequestSchema) }, actor, deps, rt.clientKeyOf(req)) })),
  'POST /finance/disputes/{disputeId}/resolution': finance(async (req, actor) => ({ status: 200, body: await resolveDispute({ disputeId: param(req, 'disputeId'), ...rt.parseJsonBody(req, DisputeResolutionSchema) }, actor, deps) })),
  'POST /finance/invoices/{number}/promise-to-pay': finance(async (req, actor) => ({ status: 200, body: await recordPromiseToPay({ invoiceNumber: param(req, 'number'), ...rt.parseJsonBody(req, PromiseToPaySchema) }, actor, deps) })),
  'GET /finance/ledger/trial-balance': finance(async (req) => ({ status: 200, body: await trialBalanceAsOf(rt.parseQuery(req, AsOfQuerySchema), deps) })),
  'POST /finance/customers/{customerId}/payment-plans': finance(async (req, actor) => ({ status: 201, body: await agreePaymentPlan({ customerId: param(req, 'customerId'), ...rt.parseJsonBody(req, PaymentPlanRequestSchema) }, actor, deps, rt.clientKeyOf(req)) })),
  'GET /finance/customers/{customerId}/payment-plans': finance(async (req) => ({ status: 200, body: await paymentPlansOf(param(req, 'customerId'), deps) })),
  'POST /finance/customers/{customerId}/payment-plans/{planId}/cancel': finance(async (req, actor) => ({ status: 200, body: await cancelPaymentPlan({ customerId: param(req, 'customerId'), planId: param(req, 'planId'), ...rt.parseJsonBody(req, PlanCancellationSchema) }, actor, deps) })),
  'GET /finance/audit': finance(async (req) => ({ status: 200, body: { entity: rt.queryParam(req, 'entity'), entries: await auditTrail(rt.queryParam(req, 'entity'), deps) } })),
};
export const handler = rt.httpHandler(rt.routeBy(routes));
