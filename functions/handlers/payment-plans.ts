/** payment-plans (/finance/customers/{customerId}/payment-plans…, IAM; locally the finance key): finance agrees, lists and cancels instalments — use-cases/payment-plans. */
import { callerCredentialsFrom } from '#adapters/api-keys';
import { mailQueue } from '#adapters/mail-queue';
import { repositories } from '#adapters/repositories';
import { PaymentPlanRequestSchema, PlanCancellationSchema } from '#platforms/finance';
import * as rt from '#runtime';
import { agreePaymentPlan, cancelPaymentPlan, paymentPlansOf } from '#use-cases/payment-plans';

const env = rt.readBindings('payment-plans');
const { customers, invoices, paymentPlans } = repositories(env.TABLE_NAME);
export const deps = { customers, invoices, paymentPlans, mail: mailQueue(env.MAIL_QUEUE_URL), clock: rt.systemClock, company: rt.companyOf(env) };
const finance = (route: rt.RoleRoute) => rt.withRole(callerCredentialsFrom(env), 'finance', route);
const param = (req: rt.HttpRequest, name: string) => req.pathParameters[name] ?? '';
export const routes: Record<string, rt.Route> = {
  'POST /finance/customers/{customerId}/payment-plans': finance(async (req, actor) => ({ status: 201, body: await agreePaymentPlan({ customerId: param(req, 'customerId'), ...rt.parseJsonBody(req, PaymentPlanRequestSchema) }, actor, deps, rt.clientKeyOf(req)) })),
  'GET /finance/customers/{customerId}/payment-plans': finance(async (req) => ({ status: 200, body: await paymentPlansOf(param(req, 'customerId'), deps) })),
  'POST /finance/customers/{customerId}/payment-plans/{planId}/cancel': finance(async (req, actor) => ({ status: 200, body: await cancelPaymentPlan({ customerId: param(req, 'customerId'), planId: param(req, 'planId'), ...rt.parseJsonBody(req, PlanCancellationSchema) }, actor, deps) })),
};
export const handler = rt.httpHandler(rt.routeBy(routes));
