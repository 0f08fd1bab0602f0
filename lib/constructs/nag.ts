/**
 * cdk-nag acknowledgements that need a resource's logical id in the finding
 * (e.g. `AwsSolutions-IAM5[Resource::<Fn.Arn>:*]`): computed, never typed by hand.
 */
import { Stack, Validations, type CfnElement } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function logicalId(construct: IConstruct): string {
  const child = (construct.node.defaultChild ?? construct) as CfnElement;
  return Stack.of(construct).getLogicalId(child);
}

/**
 * How cdk-nag spells an attribute of `owner` (e.g. its `Arn`, whose token is `value`) in a finding on a resource of
 * `consumer`'s stack: `<LogicalId.Arn>` within one stack; across stacks the reference is an `Fn::ImportValue`, which
 * cdk-nag spells as the export's name. `exportValue` makes the very export CDK makes for the reference (the same value
 * gives the same output, once), so the name is known while the app is built.
 */
export function nagReference(consumer: IConstruct, owner: IConstruct, attribute: string, value: string): string {
  const here = Stack.of(consumer);
  const there = Stack.of(owner);
  if (here === there) return `<${logicalId(owner)}.${attribute}>`;
  const imported = here.resolve(there.exportValue(value)) as { 'Fn::ImportValue'?: unknown };
  if (typeof imported['Fn::ImportValue'] !== 'string') throw new Error(`cannot name the export of ${owner.node.path} ${attribute}`);
  return imported['Fn::ImportValue'];
}

/** Acknowledges the `<Fn.Arn>:*` grant a role gets to invoke a Lambda function (any version). */
export function acknowledgeInvokeWildcards(on: IConstruct, targets: readonly IConstruct[], reason: string): void {
  for (const target of targets) {
    Validations.of(on).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${logicalId(target)}.Arn>:*]`, reason });
  }
}
