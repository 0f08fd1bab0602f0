/** start-order (orders queue): one workflow execution per order — use-cases/start-order. */
import { stepFunctionsWorkflow } from '#adapters/workflow';
import { OrderTaskInput } from '#platforms/canonical';
import { log, readBindings, sqsHandler } from '#runtime';
import { startOrder } from '#use-cases/start-order';

const env = readBindings('start-order');
export const deps = { workflow: stepFunctionsWorkflow(env.STATE_MACHINE_ARN), log };
export const handler = sqsHandler(OrderTaskInput, async (message) => {
  await startOrder(message, deps);
});
