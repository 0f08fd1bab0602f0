/**
 * start-order: from the orders queue, one workflow execution per order — use-cases/start-order; every 5 minutes (its
 * schedule, `{ "redriveReceived": true }`), the orders still `received` that nobody started — use-cases/redrive-received-orders.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { repositories } from '#adapters/repositories';
import { stepFunctionsWorkflow } from '#adapters/workflow';
import { OrderTaskInput, RedriveInput } from '#platforms/canonical';
import { businessMetrics, log, readBindings, scheduledHandler, sqsHandler, systemClock } from '#runtime';
import { redriveReceivedOrders } from '#use-cases/redrive-received-orders';
import { startOrder } from '#use-cases/start-order';

const env = readBindings('start-order');
export const deps = { workflow: stepFunctionsWorkflow(env.STATE_MACHINE_ARN), orders: repositories(env.TABLE_NAME).orders, clock: systemClock, log, metrics: businessMetrics };
const fromQueue = sqsHandler(OrderTaskInput, async (message) => {
  await startOrder(message, deps);
});
const onSchedule = scheduledHandler(RedriveInput, (input) => redriveReceivedOrders(input, deps));
export const handler = (event: unknown, context: Context) => (Array.isArray((event as Partial<SQSEvent>)?.Records) ? fromQueue(event as SQSEvent, context) : onSchedule(event, context));
