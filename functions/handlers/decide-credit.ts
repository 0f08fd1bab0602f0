/**
 * decide-credit (POST /finance/orders/{orderId}/credit-decision, finance: IAM,
 * locally the finance key): finance approves or rejects a held order — use-cases/decide-credit.
 */
import { callerCredentialsFrom } from '#adapters/api-keys';
import { repositories } from '#adapters/repositories';
import { stepFunctionsWorkflow } from '#adapters/workflow';
import { CreditDecisionSchema } from '#platforms/canonical';
import { httpHandler, parseJsonBody, readBindings, systemClock, withRole, type Route } from '#runtime';
import { decideCreditReview } from '#use-cases/decide-credit';

const env = readBindings('decide-credit');
const { orders, tokens } = repositories(env.TABLE_NAME);
export const deps = { orders, tokens, workflow: stepFunctionsWorkflow(), clock: systemClock };

export const decideCredit: Route = withRole(callerCredentialsFrom(env), 'finance', async (req, actor) => {
  const body = parseJsonBody(req, CreditDecisionSchema);
  const input = { orderId: req.pathParameters.orderId ?? '', decision: body.decision, actor, ...(body.note ? { note: body.note } : {}) };
  return { status: 200, body: await decideCreditReview(input, deps) };
});

export const handler = httpHandler(decideCredit);
