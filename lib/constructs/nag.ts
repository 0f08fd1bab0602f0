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

/** Acknowledges the `<Fn.Arn>:*` grant a role gets to invoke a Lambda function (any version). */
export function acknowledgeInvokeWildcards(on: IConstruct, targets: readonly IConstruct[], reason: string): void {
  for (const target of targets) {
    Validations.of(on).acknowledge({ id: `AwsSolutions-IAM5[Resource::<${logicalId(target)}.Arn>:*]`, reason });
  }
}
