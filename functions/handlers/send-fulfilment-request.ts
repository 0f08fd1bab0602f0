/** send-fulfilment-request (warehouse-requests queue): the signed webhook to the seller's warehouse — use-cases/send-fulfilment-request. */
import { repositories } from '#adapters/repositories';
import { warehouseWebhook, warehouseWebhookSecret } from '#adapters/warehouse-webhook';
import { stepFunctionsWorkflow } from '#adapters/workflow';
import { FulfilmentRequestMessage } from '#platforms/warehouse';
import { readBindings, sqsHandler, systemClock } from '#runtime';
import { sendFulfilmentRequest } from '#use-cases/send-fulfilment-request';
import type { FulfilmentRequestMessage as Message } from '#ports';

const env = readBindings('send-fulfilment-request');
const { orders, tokens } = repositories(env.TABLE_NAME);
const secret = () => warehouseWebhookSecret({ local: env.O2C_WAREHOUSE_WEBHOOK_SECRET, secretArn: env.WAREHOUSE_WEBHOOK_SECRET_ARN });
export const deps = {
  orders,
  tokens,
  workflow: stepFunctionsWorkflow(),
  clock: systemClock,
  webhook: env.WAREHOUSE_WEBHOOK_URL === undefined ? undefined : warehouseWebhook({ url: env.WAREHOUSE_WEBHOOK_URL, secret, clock: systemClock }),
};
export const handler = sqsHandler(FulfilmentRequestMessage, async (message) => {
  await sendFulfilmentRequest(message as unknown as Message, deps);
});
