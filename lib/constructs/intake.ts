/**
 * Intake: the HTTP API and the intake function behind most of it. Webhooks and
 * the B2B API are secured in the handler (an API key, or a platform signature);
 * the workflow's callbacks are routed here too — the warehouse's shipment (API
 * key) and finance's credit decision (IAM). Access logs and throttling on the
 * default stage. Intake writes each accepted order or payment once and queues
 * it; a platform cancellation stops the order's workflow.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod, type HttpRoute, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { AreaProps } from './area.ts';
import { functionsOf, type O2cFunction } from './o2c-function.ts';
import { CASH_ROUTES, FINANCE_ROUTES, PLAN_ROUTES, type Finance } from './finance.ts';
import { BANK_ROUTES, type BankImport } from './bank-import.ts';
import type { OrderWorkflow } from './workflow.ts';

export interface RouteSpec {
  readonly method: HttpMethod;
  readonly path: string;
  readonly fn: IFunction;
  /** How the route is secured: an authorizer, or the reason the handler secures it. */
  readonly auth: { authorizer: IHttpRouteAuthorizer } | { checkedInHandler: string };
}

export interface IntakeProps extends AreaProps {
  readonly workflow: OrderWorkflow;
  readonly finance: Finance;
  readonly bankImport: BankImport;
  readonly throttle?: { rateLimit: number; burstLimit: number };
}

const API_KEY_IN_HANDLER = 'B2B callers authenticate with the o2c order API key (Secrets Manager), checked in constant time by the handler.';
const WAREHOUSE_KEY_IN_HANDLER = 'The warehouse authenticates with its own key (Secrets Manager), checked in constant time by the handler.';
const platformSigned = (platform: string) => `${platform} signs each delivery (HMAC-SHA256 of the raw body); the handler verifies it against the secrets in Secrets Manager before reading anything.`;

export class Intake extends Construct {
  readonly api: HttpApi;
  readonly intake: O2cFunction;

  constructor(scope: Construct, id: string, props: IntakeProps) {
    super(scope, id);
    const { data, workflow, config } = props;
    this.intake = functionsOf(this, config)('intake', 'B2B orders and payments in: validate, write once, queue')
      .bindTable(data.table)
      .bindQueue('ORDERS_QUEUE_URL', data.queues.orders)
      .bindQueue('PAYMENTS_QUEUE_URL', data.queues.payments)
      .bindQueue('REFUNDS_QUEUE_URL', data.queues.refunds)
      .bindCallerKeys(data.secrets)
      .bindSecret('WEBHOOK_SECRETS_ARN', data.secrets.webhookSecrets)
      .bindSettings(config, ['NEW_CUSTOMER_CREDIT_LIMITS'])
      .bindCompany(config)
      .bindStateMachine(workflow.stateMachine, 'stop');

    const intake = this.intake;
    const iam = new HttpIamAuthorizer();
    this.api = this.httpApi(config.logRetentionDays as RetentionDays, props.throttle ?? { rateLimit: 200, burstLimit: 400 }, [
      { method: HttpMethod.POST, path: '/orders', fn: intake, auth: { checkedInHandler: API_KEY_IN_HANDLER } },
      { method: HttpMethod.POST, path: '/webhooks/shopify', fn: intake, auth: { checkedInHandler: platformSigned('Shopify') } },
      { method: HttpMethod.POST, path: '/webhooks/woocommerce', fn: intake, auth: { checkedInHandler: platformSigned('WooCommerce') } },
      { method: HttpMethod.POST, path: '/webhooks/stripe', fn: intake, auth: { checkedInHandler: platformSigned('Stripe') } },
      { method: HttpMethod.GET, path: '/openapi.json', fn: intake, auth: { checkedInHandler: 'The published OpenAPI contract of the B2B API is public on purpose; it holds no data.' } },
      { method: HttpMethod.POST, path: '/fulfilment/{orderId}/shipment', fn: workflow.callbacks.shipment, auth: { checkedInHandler: WAREHOUSE_KEY_IN_HANDLER } },
      { method: HttpMethod.POST, path: '/fulfilment/{orderId}/shipments', fn: workflow.callbacks.shipment, auth: { checkedInHandler: WAREHOUSE_KEY_IN_HANDLER } },
      { method: HttpMethod.POST, path: '/orders/{orderId}/lines/cancel', fn: workflow.callbacks.shipment, auth: { checkedInHandler: API_KEY_IN_HANDLER } },
      { method: HttpMethod.POST, path: '/finance/orders/{orderId}/credit-decision', fn: workflow.callbacks.creditDecision, auth: { authorizer: iam } },
      { method: HttpMethod.GET, path: '/finance/orders/{orderId}/credit', fn: workflow.callbacks.creditDecision, auth: { authorizer: iam } },
      ...FINANCE_ROUTES.map(([method, path]) => ({ method, path, fn: props.finance.fn, auth: { authorizer: iam } })),
      ...PLAN_ROUTES.map(([method, path]) => ({ method, path, fn: props.finance.plans, auth: { authorizer: iam } })),
      ...CASH_ROUTES.map(([method, path]) => ({ method, path, fn: props.finance.cash, auth: { authorizer: iam } })),
      ...BANK_ROUTES.map(([method, path]) => ({ method, path, fn: props.bankImport.fn, auth: { authorizer: iam } })),
    ]);
  }

  get url(): string {
    return this.api.apiEndpoint;
  }

  private httpApi(logRetention: RetentionDays, throttle: { rateLimit: number; burstLimit: number }, routes: readonly RouteSpec[]): HttpApi {
    const api = new HttpApi(this, 'Api', { description: 'o2c: webhooks, B2B API, warehouse callbacks, finance decisions' });
    const logs = new LogGroup(this, 'AccessLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const stage = api.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: logs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        ip: '$context.identity.sourceIp',
        requestTime: '$context.requestTime',
        routeKey: '$context.routeKey',
        status: '$context.status',
        latency: '$context.responseLatency',
        integrationError: '$context.integrationErrorMessage',
      }),
    };
    stage.defaultRouteSettings = { throttlingRateLimit: throttle.rateLimit, throttlingBurstLimit: throttle.burstLimit };

    const integrations = new Map<IFunction, HttpLambdaIntegration>();
    for (const spec of routes) {
      let integration = integrations.get(spec.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${spec.fn.node.id}Integration`, spec.fn);
        integrations.set(spec.fn, integration);
      }
      const [route] = api.addRoutes({
        path: spec.path,
        methods: [spec.method],
        integration,
        ...('authorizer' in spec.auth ? { authorizer: spec.auth.authorizer } : {}),
      }) as HttpRoute[];
      if ('checkedInHandler' in spec.auth && route) {
        Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: spec.auth.checkedInHandler });
      }
    }
    return api;
  }
}
