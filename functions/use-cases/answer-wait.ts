/**
 * Answers a wait of an order's workflow (a credit review, a fulfilment) on
 * behalf of a person or a partner.
 * 1. The order must exist (404) and be in the state the wait is for (409) — when it has moved on, an answer noted on
 *    its token by a caller that died after giving it is finished first (step 5: the token forgotten, the line
 *    written), as a retry would have (`finishNotedAnswer`): when that answer is this one (the caller's retry), done;
 *    else the 409 says which answer was given first.
 * 2. The wait's token must be there (409 while the wait is not open yet).
 * 3. Note the answer on the token (the answer, its step and detail, as JSON): another answer noted first on the same token is a
 *    409 — but its caller may have died before step 4 (a warehouse that then sends the shipment again with another
 *    timestamp, finance deciding again), which would leave the wait open with every later answer refused: so the
 *    noted answer is given first (steps 4–5 for it; given twice when its caller is alive, which a spent token
 *    absorbs), and only then this one refused, saying which answer stands.
 * 4. SendTaskSuccess / SendTaskFailure; a token whose wait already ended is a 409 — unless this same answer had been
 *    noted before: then a first attempt answered and died before step 5 (the token spent by it), and this retry
 *    finishes its work.
 * 5. Forget the token and record who answered on the order's timeline, in one write (the line at the time of the
 *    first attempt, so a retry writes the same one).
 * The workflow's own next steps then move the order, so status changes stay in one place.
 */
import { ConflictError, OrderNotFound, TaskTokenSpent } from '../errors.ts';
import type { Clock, Orders, StoredOrder, TaskTokens, WaitKind, Workflow } from '../ports.ts';

export interface AnswerWaitDeps {
  readonly orders: Orders;
  readonly tokens: TaskTokens;
  readonly workflow: Workflow;
  readonly clock: Clock;
}

export interface WaitAnswer {
  readonly orderId: string;
  readonly kind: WaitKind;
  /** A refusal (as a ConflictError) when the order is not in the state this answer is for. */
  readonly precondition?: (order: StoredOrder) => ConflictError | undefined;
  /** What to tell the workflow: success with an output, or a named failure. */
  readonly answer: { readonly output: unknown } | { readonly error: string; readonly cause: string };
  /** Conflict codes and messages for "not open" and "already ended". */
  readonly notOpen: ConflictError;
  readonly ended: ConflictError;
  /** The timeline event. */
  readonly step: string;
  readonly detail: string;
}

export async function answerWait(input: WaitAnswer, deps: AnswerWaitDeps): Promise<void> {
  const order = await deps.orders.get(input.orderId);
  if (!order) throw new OrderNotFound(input.orderId);
  const refusal = input.precondition?.(order);
  if (refusal) {
    const first = await finishNotedAnswer(input, deps);
    if (first && fingerprint(first) === fingerprint(input)) return; // this answer: its first attempt died after giving it
    throw first ? withFirstAnswer(refusal, first) : refusal;
  }
  const token = await deps.tokens.get(input.orderId, input.kind);
  if (!token) throw input.notOpen;
  const noted = await deps.tokens.noteAnswer(input.orderId, input.kind, token, fingerprint(input), deps.clock.now().toISOString());
  if (noted.outcome === 'taken') {
    if (noted.noted === undefined) throw input.ended;
    const first = unprint(noted.noted);
    await give(input, token, { ...first, at: noted.at }, 'again', deps);
    throw withFirstAnswer(input.ended, first);
  }
  await give(input, token, { answer: input.answer, step: input.step, detail: input.detail, at: noted.at }, noted.outcome, deps);
}

/**
 * A wait whose order has moved on may still hold an answer noted by a caller that died after giving it (the
 * workflow took it and moved the order; the token and the timeline line were left): give it again (the spent token
 * absorbs it, or a wait still open takes it), forget the token and write the line. Nothing when nothing was noted.
 */
export async function finishNotedAnswer(wait: Pick<WaitAnswer, 'orderId' | 'kind'>, deps: AnswerWaitDeps): Promise<Noted | undefined> {
  const noted = await deps.tokens.noted(wait.orderId, wait.kind);
  if (!noted) return undefined;
  const first = unprint(noted.answer);
  await give(wait, noted.token, { ...first, at: noted.at }, 'again', deps);
  return first;
}

type Noted = Pick<WaitAnswer, 'answer' | 'step' | 'detail'>;
/** A refusal that says which answer stands (what the order's timeline records), for a caller whose own was not taken. */
const withFirstAnswer = (refusal: ConflictError, first: Noted) => new ConflictError(`${refusal.message}; the answer given first: ${first.detail}`, refusal.code);
const fingerprint = (a: Noted) => JSON.stringify([a.answer, a.step, a.detail]);
const unprint = (noted: string): Noted => {
  const [answer, step, detail] = JSON.parse(noted) as [Noted['answer'], string, string];
  return { answer, step, detail };
};

/** Steps 4–5 for a noted answer (`first`: nobody gave it before, so a spent token means the wait ended without it). */
async function give(wait: Pick<WaitAnswer, 'orderId' | 'kind'> & { ended?: ConflictError }, token: string, noted: Noted & { at: string }, outcome: 'first' | 'again', deps: AnswerWaitDeps): Promise<void> {
  try {
    if ('output' in noted.answer) await deps.workflow.complete(token, noted.answer.output, { orderId: wait.orderId, kind: wait.kind });
    else await deps.workflow.fail(token, noted.answer.error, noted.answer.cause);
  } catch (error) {
    if (!(error instanceof TaskTokenSpent)) throw error;
    if (outcome === 'first') throw wait.ended ?? error;
  }
  await deps.tokens.delete(wait.orderId, wait.kind, { at: noted.at, step: noted.step, detail: noted.detail });
}
