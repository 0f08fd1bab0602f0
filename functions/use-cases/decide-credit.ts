/**
 * Finance approves or rejects an order on credit hold.
 * 1. The order must exist (404) and be on credit hold (409 NotOnHold).
 * 2. Answer the workflow's review wait (409 ReviewNotOpen / ReviewClosed),
 *    which then confirms or rejects the order in its own steps.
 * 3. Record who decided, with the note.
 */
import { ConflictError } from '../errors.ts';
import { answerWait, type AnswerWaitDeps } from './answer-wait.ts';

export interface CreditDecisionInput {
  readonly orderId: string;
  readonly decision: 'approve' | 'reject';
  readonly note?: string;
  /** Who decided (IAM principal, or "api key" locally). */
  readonly actor: string;
}

export async function decideCreditReview(input: CreditDecisionInput, deps: AnswerWaitDeps): Promise<{ orderId: string; decision: 'approve' | 'reject' }> {
  const { orderId, decision } = input;
  await answerWait(
    {
      orderId,
      kind: 'credit-review',
      precondition: (order) => (order.status === 'credit_hold' ? undefined : new ConflictError(`order ${orderId} is ${order.status}, not on credit hold`, 'NotOnHold')),
      answer: { output: { decision, note: input.note ?? '' } },
      notOpen: new ConflictError(`the review of order ${orderId} is not open yet; retry shortly`, 'ReviewNotOpen'),
      ended: new ConflictError(`the review of order ${orderId} has already ended`, 'ReviewClosed'),
      step: 'credit-decision',
      detail: `${decision} by ${input.actor}${input.note ? `: ${input.note}` : ''}`,
    },
    deps,
  );
  return { orderId, decision };
}
