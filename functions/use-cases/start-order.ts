/** One workflow execution per order, named after it: a duplicate start is a no-op. */
import type { Log, Workflow } from '../ports.ts';

export async function startOrder(input: { orderId: string }, deps: { readonly workflow: Workflow; readonly log: Log }): Promise<boolean> {
  const started = await deps.workflow.start(input.orderId);
  if (!started) deps.log.info('execution exists already', { orderId: input.orderId });
  return started;
}
