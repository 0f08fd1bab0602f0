/** start-order: one workflow execution per order, named after it (a duplicate start is a no-op). */
import type * as z from 'zod/mini';
import { OrderTaskInput } from '#platforms/canonical';
import { startOrderExecution } from '#adapters/workflow';
import { env, logger, sqsHandler } from '#runtime';

export const StartOrderMessage = OrderTaskInput;

const stateMachineArn = env('STATE_MACHINE_ARN');

export async function startOrder(message: z.infer<typeof StartOrderMessage>): Promise<boolean> {
  const started = await startOrderExecution(stateMachineArn, message.orderId);
  if (!started) logger.info('execution exists already', { orderId: message.orderId });
  return started;
}

export const handler = sqsHandler(StartOrderMessage, async (message) => {
  await startOrder(message);
});
