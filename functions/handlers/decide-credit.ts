/**
 * decide-credit: finance approves or rejects an order on credit hold.
 * 1. The order must exist (404) and be on credit hold with an open review (409).
 * 2. Answer the workflow's task token; the workflow's own steps (confirm-order
 *    or reject-order) then move the order, so status changes stay in one place.
 * 3. Close the review and record who decided.
 */
import * as z from 'zod/mini';
import { text } from '#platforms/canonical';
import { getOrder, recordOrderEvent } from '#adapters/orders';
import { completeTask, deleteTaskToken, getTaskToken, TaskTokenSpent } from '#adapters/workflow';
import { isValidApiKey } from '#adapters/api-keys';
import { ConflictError, httpHandler, NotFoundError, parseJsonBody, UnauthorizedError, type HttpRequest, type HttpResult } from '#runtime';

export const DecisionSchema = z.object({ decision: z.enum(['approve', 'reject']), note: z.optional(text(0, 1000)) });

export async function decideCredit(req: HttpRequest): Promise<HttpResult> {
  // In AWS the route has an IAM authorizer; where there is none (the local stack), the API key stands in.
  if (!req.callerArn && !(await isValidApiKey(req.headers['x-api-key']))) throw new UnauthorizedError('finance routes need IAM credentials');
  const orderId = req.pathParameters.orderId ?? '';
  const body = parseJsonBody(req, DecisionSchema);
  const order = await getOrder(orderId);
  if (!order) throw new NotFoundError(`order ${orderId} does not exist`);
  if (order.status !== 'credit_hold') throw new ConflictError(`order ${orderId} is ${order.status}, not on credit hold`, 'NotOnHold');
  const token = await getTaskToken(orderId, 'credit-review');
  if (!token) throw new ConflictError(`the review of order ${orderId} is not open yet; retry shortly`, 'ReviewNotOpen');
  try {
    await completeTask(token.taskToken, { decision: body.decision, note: body.note ?? '' });
  } catch (error) {
    if (error instanceof TaskTokenSpent) throw new ConflictError(`the review of order ${orderId} has already ended`, 'ReviewClosed');
    throw error;
  }
  await deleteTaskToken(orderId, 'credit-review');
  await recordOrderEvent(orderId, 'credit-decision', `${body.decision} by ${req.callerArn ?? 'api key'}${body.note ? `: ${body.note}` : ''}`);
  return { status: 200, body: { orderId, decision: body.decision } };
}

export const handler = httpHandler(decideCredit);
