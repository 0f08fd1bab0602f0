/** intake: B2B orders (order API key, Idempotency-Key) and signed platform webhooks, each to its use case. */
import { callerCredentialsFrom } from '#adapters/api-keys';
import { memoryKnownCustomers } from '#adapters/known-customers';
import { sqsOutbox } from '#adapters/queue';
import { repositories } from '#adapters/repositories';
import { webhookSecrets } from '#adapters/webhook-secrets';
import { stepFunctionsWorkflow } from '#adapters/workflow';
import { CanonicalOrderSchema } from '#platforms/canonical';
import { openApiDocument } from '#platforms/openapi';
import { WEBHOOK_PARSERS } from '#platforms/webhooks';
import * as rt from '#runtime';
import { acceptOrder, orderIdOfDraft } from '#use-cases/accept-order';
import { receivePlatformEvent } from '#use-cases/receive-platform-event';

const env = rt.readBindings('intake');
export const deps = { ...repositories(env.TABLE_NAME), knownCustomers: memoryKnownCustomers(), workflow: stepFunctionsWorkflow(env.STATE_MACHINE_ARN), orderQueue: sqsOutbox<{ orderId: string }>(env.ORDERS_QUEUE_URL), paymentQueue: sqsOutbox<never>(env.PAYMENTS_QUEUE_URL), refundQueue: sqsOutbox<never>(env.REFUNDS_QUEUE_URL), company: rt.companyOf(env), newCustomerCreditLimits: rt.creditLimitsOf(env.NEW_CUSTOMER_CREDIT_LIMITS), clock: rt.systemClock, metrics: rt.businessMetrics, log: rt.log };
const b2b = (route: rt.RoleRoute) => rt.withRole(callerCredentialsFrom(env), 'b2b', route);
const secrets = webhookSecrets({ local: { shopify: env.O2C_SHOPIFY_WEBHOOK_SECRET, woocommerce: env.O2C_WOOCOMMERCE_WEBHOOK_SECRET, stripe: env.O2C_STRIPE_WEBHOOK_SECRET }, secretArn: env.WEBHOOK_SECRETS_ARN });

export const routes: Record<string, rt.Route> = {
  'POST /orders': b2b(async (req) => {
    const draft = rt.parseJsonBody(req, CanonicalOrderSchema);
    const id = orderIdOfDraft(draft, 'api');
    const replay = await rt.replayableAnswer(req, 'orders', deps.requestKeys, async () => ({ orderId: id, duplicate: (await deps.orders.get(id)) !== undefined }));
    const accepted = await acceptOrder({ draft, platform: 'api', receivedAt: req.receivedAt, deliveryId: rt.deliveryIdOf(req) }, deps);
    return { status: 202, body: replay ?? { orderId: accepted.orderId, duplicate: !accepted.created } };
  }),
  ...rt.webhookRoutes(WEBHOOK_PARSERS, secrets, async (platform, event, req) => {
    const result = await receivePlatformEvent(platform, event, req.receivedAt, deps);
    return { status: result.outcome === 'acted' ? 202 : 200, body: result.body };
  }),
  'GET /openapi.json': async () => ({ status: 200, body: openApiDocument() }),
};
export const intake = rt.routeBy(routes);
export const handler = rt.httpHandler(intake);
