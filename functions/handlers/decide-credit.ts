/**
 * decide-credit (POST /finance/orders/{orderId}/credit-decision): finance
 * approves or rejects a held order — use-cases/decide-credit. In AWS the route
 * has an IAM authorizer; where there is none (the local stack) the API key stands in.
 */
import { apiKeyCredentials } from '#adapters/api-keys';
import { repositories } from '#adapters/repositories';
import { stepFunctionsWorkflow } from '#adapters/workflow';
import { CreditDecisionSchema } from '#platforms/canonical';
import { httpHandler, parseJsonBody, readBindings, systemClock, UnauthorizedError, type HttpRequest, type HttpResult } from '#runtime';
import { decideCreditReview } from '#use-cases/decide-credit';

const env = readBindings('decide-credit');
const { orders, tokens } = repositories(env.TABLE_NAME);
export const deps = { orders, tokens, workflow: stepFunctionsWorkflow(), clock: systemClock };
const credentials = apiKeyCredentials({ localKey: env.O2C_API_KEY, secretArn: env.API_KEY_SECRET_ARN });

export async function decideCredit(req: HttpRequest): Promise<HttpResult> {
  if (!req.callerArn && !(await credentials.isApiKey(req.headers['x-api-key']))) throw new UnauthorizedError('finance routes need IAM credentials');
  const body = parseJsonBody(req, CreditDecisionSchema);
  const input = { orderId: req.pathParameters.orderId ?? '', decision: body.decision, actor: req.callerArn ?? 'api key', ...(body.note ? { note: body.note } : {}) };
  return { status: 200, body: await decideCreditReview(input, deps) };
}

export const handler = httpHandler(decideCredit);
