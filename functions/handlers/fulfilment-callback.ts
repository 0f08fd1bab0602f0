/** fulfilment-callback (POST /fulfilment/{orderId}/shipment, the warehouse's key): the warehouse reports — use-cases/report-shipment. */
import { callerCredentialsFrom } from '#adapters/api-keys';
import { repositories } from '#adapters/repositories';
import { stepFunctionsWorkflow } from '#adapters/workflow';
import { ShipmentReportSchema } from '#platforms/canonical';
import { httpHandler, parseJsonBody, readBindings, systemClock, withRole, type Route } from '#runtime';
import { reportShipment } from '#use-cases/report-shipment';

const env = readBindings('fulfilment-callback');
const { orders, tokens } = repositories(env.TABLE_NAME);
export const deps = { orders, tokens, workflow: stepFunctionsWorkflow(), clock: systemClock };

export const fulfilmentCallback: Route = withRole(callerCredentialsFrom(env), 'warehouse', async (req) => {
  const report = parseJsonBody(req, ShipmentReportSchema);
  return { status: 202, body: await reportShipment({ orderId: req.pathParameters.orderId ?? '', report }, deps) };
});

export const handler = httpHandler(fulfilmentCallback);
