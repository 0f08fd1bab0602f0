/**
 * Synthesizes the CDK app in-process, without bundling (the local runtime runs
 * the TypeScript sources), and returns the templates of all its stacks merged
 * into one, cross-stack references resolved (local/template.ts: mergeTemplates).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildApp } from '../lib/app.ts';
import { mergeTemplates, type CfnTemplate } from './template.ts';

const root = resolve(import.meta.dirname, '..');

export function synthTemplate(extraContext: Record<string, unknown> = {}): { template: CfnTemplate; stackName: string } {
  const cdk = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };
  const outdir = mkdtempSync(join(tmpdir(), 'o2c-synth-'));
  // aws-cdk-lib validates the template against CloudFormation's rules at synth (a WebAssembly engine,
  // ~5 s of CPU, most of the synth). `npm run synth`, the infra tests and deploys keep doing that; the local
  // runtime only reads the template, so it skips it (CDK_VALIDATION=false is aws-cdk-lib's own switch).
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    const { app, stack } = buildApp({ context: { ...cdk.context, ...extraContext, 'aws:cdk:bundling-stacks': [] }, nag: false, outdir });
    const assembly = app.synth();
    const template = mergeTemplates(assembly.stacks.map((s) => s.template as CfnTemplate));
    return { template, stackName: stack.stackName };
  } finally {
    if (previous === undefined) delete process.env.CDK_VALIDATION;
    else process.env.CDK_VALIDATION = previous;
    rmSync(outdir, { recursive: true, force: true });
  }
}
