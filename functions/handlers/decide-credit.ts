/**
 * decide-credit (POST /finance/orders/{orderId}/credit-decision and GET /finance/orders/{orderId}/credit, finance:
 * IAM, locally the finance key): finance reads an order's credit and approves or rejects a held order —
 * use-cases/decide-credit, use-cases/credit-view.
 */
import { callerCredentialsFrom } from '#adapters/api-keys';
import { repositories } from '#adapters/repositories';
import { stepFunctionsWorkflow } from '#adapters/workflow';
import { CreditDecisionSchema } from '#platforms/canonical';
import { companyOf, httpHandler, parseJsonBody, readBindings, cachedRates, referenceRatesOf, routeBy, systemClock, withRole, type Route } from '#runtime';
import { creditView } from '#use-cases/credit-view';
import { decideCreditReview } from '#use-cases/decide-credit';

const env = readBindings('decide-credit');
const { orders, tokens, customers, payments, invoices, rateStore } = repositories(env.TABLE_NAME);
const referenceRates = referenceRatesOf(env.CREDIT_REFERENCE_RATES);
export const deps = { orders, tokens, customers, payments, invoices, workflow: stepFunctionsWorkflow(), clock: systemClock, company: companyOf(env), rateStore: cachedRates(rateStore), ...(referenceRates ? { referenceRates } : {}) };

export const decideCredit: Route = withRole(callerCredentialsFrom(env), 'finance', async (req, actor) => {
  const body = parseJsonBody(req, CreditDecisionSchema);
  const input = { orderId: req.pathParameters.orderId ?? '', actor, ...body };
  return { status: 200, body: await decideCreditReview(input, deps) };
});

export const showCredit: Route = withRole(callerCredentialsFrom(env), 'finance', async (req) => ({ status: 200, body: await creditView({ orderId: req.pathParameters.orderId ?? '' }, deps) }));

export const handler = httpHandler(routeBy({ 'POST /finance/orders/{orderId}/credit-decision': decideCredit, 'GET /finance/orders/{orderId}/credit': showCredit }));
