/**
 * The HTTP API: webhooks and the B2B API (secured in the handler by an API key
 * or a platform signature), the warehouse callback (API key), and finance
 * decisions (IAM). Access logs and throttling on the default stage.
 */
import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { CfnStage, HttpApi, HttpMethod, type HttpRoute, type IHttpRouteAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface RouteSpec {
  readonly method: HttpMethod;
  readonly path: string;
  readonly fn: IFunction;
  /** How the route is secured: an authorizer, or the reason the handler secures it. */
  readonly auth: { authorizer: IHttpRouteAuthorizer } | { checkedInHandler: string };
}

export interface IntakeApiProps {
  readonly logRetention: RetentionDays;
  readonly routes: readonly RouteSpec[];
  readonly throttle: { rateLimit: number; burstLimit: number };
}

export class IntakeApi extends Construct {
  readonly api: HttpApi;

  constructor(scope: Construct, id: string, props: IntakeApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', { description: 'o2c: webhooks, B2B API, warehouse callbacks, finance decisions' });
    const logs = new LogGroup(this, 'AccessLogs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const stage = this.api.defaultStage?.node.defaultChild as CfnStage;
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
    stage.defaultRouteSettings = { throttlingRateLimit: props.throttle.rateLimit, throttlingBurstLimit: props.throttle.burstLimit };

    const integrations = new Map<IFunction, HttpLambdaIntegration>();
    for (const spec of props.routes) {
      let integration = integrations.get(spec.fn);
      if (!integration) {
        integration = new HttpLambdaIntegration(`${spec.fn.node.id}Integration`, spec.fn);
        integrations.set(spec.fn, integration);
      }
      const [route] = this.api.addRoutes({
        path: spec.path,
        methods: [spec.method],
        integration,
        ...('authorizer' in spec.auth ? { authorizer: spec.auth.authorizer } : {}),
      }) as HttpRoute[];
      if ('checkedInHandler' in spec.auth && route) {
        Validations.of(route).acknowledge({ id: 'AwsSolutions-APIG4', reason: spec.auth.checkedInHandler });
      }
    }
  }

  get url(): string {
    return this.api.apiEndpoint;
  }
}
