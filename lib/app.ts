/**
 * Builds the CDK app: configuration from context (lib/config.ts: the `o2c` object, `o2c.<key>` overrides), the stack, and the cdk-nag
 * rule packs (AwsSolutions + Serverless) run at synth through CDK Validations.
 * bin/o2c.ts, the tests and the local runtime all build it here.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { configOverrides, parseConfig } from './config.ts';
import { O2cStack } from './o2c-stack.ts';

export interface BuiltApp {
  readonly app: App;
  readonly stack: O2cStack;
}

export function buildApp(options: { context?: Record<string, unknown>; nag?: boolean; outdir?: string } = {}): BuiltApp {
  const app = new App({ ...(options.context ? { context: options.context } : {}), ...(options.outdir ? { outdir: options.outdir } : {}) });
  const config = parseConfig(app.node.tryGetContext('o2c'), configOverrides(app.node.getAllContext()));
  const stack = new O2cStack(app, `O2c-${config.stage}`, {
    config,
    description: `o2c order-to-cash (${config.stage})`,
    ...(process.env.CDK_DEFAULT_ACCOUNT ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } } : {}),
  });
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack };
}
