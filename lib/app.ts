/**
 * Builds the CDK app: configuration from context (lib/config.ts: the `o2c` object, `o2c.<key>` overrides), the
 * stateful stack (`O2c-<stage>-data`: table, queues, mail identity, secrets) and the stateless one (`O2c-<stage>`:
 * everything that runs), and the cdk-nag rule packs (AwsSolutions + Serverless) run at synth through CDK Validations.
 * bin/o2c.ts, the tests and the local runtime all build it here.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, ServerlessChecks } from 'cdk-nag';
import { configOverrides, parseConfig } from './config.ts';
import { O2cDataStack } from './o2c-data-stack.ts';
import { O2cStack } from './o2c-stack.ts';

export interface BuiltApp {
  readonly app: App;
  /** The stateless stack (functions, API, workflow, schedules, alarms). */
  readonly stack: O2cStack;
  /** The stateful stack it reads from. */
  readonly data: O2cDataStack;
}

export function buildApp(options: { context?: Record<string, unknown>; nag?: boolean; outdir?: string } = {}): BuiltApp {
  const app = new App({ ...(options.context ? { context: options.context } : {}), ...(options.outdir ? { outdir: options.outdir } : {}) });
  const config = parseConfig(app.node.tryGetContext('o2c'), configOverrides(app.node.getAllContext()));
  const env = process.env.CDK_DEFAULT_ACCOUNT ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } } : {};
  const data = new O2cDataStack(app, `O2c-${config.stage}-data`, { config, description: `o2c order-to-cash data: table, queues, mail identity, secrets (${config.stage})`, ...env });
  const stack = new O2cStack(app, `O2c-${config.stage}`, { config, data, description: `o2c order-to-cash (${config.stage})`, ...env });
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new ServerlessChecks(app));
  return { app, stack, data };
}
