/** fulfilment-callback (POST /fulfilment/{orderId}/shipment, API key): the warehouse reports — use-cases/report-shipment. */
import { apiKeyCredentials } from '#adapters/api-keys';
import { repositories } from '#adapters/repositories';
import { stepFunctionsWorkflow } from '#adapters/workflow';
import { ShipmentReportSchema } from '#platforms/canonical';
import { httpHandler, parseJsonBody, readBindings, systemClock, withApiKey, type Route } from '#runtime';
import { reportShipment } from '#use-cases/report-shipment';

const env = readBindings('fulfilment-callback');
const { orders, tokens } = repositories(env.TABLE_NAME);
export const deps = { orders, tokens, workflow: stepFunctionsWorkflow(), clock: systemClock };

export const fulfilmentCallback: Route = withApiKey(apiKeyCredentials({ localKey: env.O2C_API_KEY, secretArn: env.API_KEY_SECRET_ARN }), async (req) => {
  const report = parseJsonBody(req, ShipmentReportSchema);
  return { status: 202, body: await reportShipment({ orderId: req.pathParameters.orderId ?? '', report }, deps) };
});

export const handler = httpHandler(fulfilmentCallback);
