/** A function run on an EventBridge Scheduler cron in the seller's time zone, with its input (default `{}`) and two retries. */
import { Stack } from 'aws-cdk-lib';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Schedule, ScheduleExpression, ScheduleTargetInput } from 'aws-cdk-lib/aws-scheduler';
import { LambdaInvoke } from 'aws-cdk-lib/aws-scheduler-targets';
import { TimeZone } from 'aws-cdk-lib/core';
import type { Construct } from 'constructs';
import { acknowledgeInvokeWildcards } from './nag.ts';

export function scheduleFunction(scope: Construct, id: string, props: { target: IFunction; cron: string; timezone: string; description: string; input?: Record<string, unknown> }): Schedule {
  const schedule = new Schedule(scope, id, {
    description: props.description,
    schedule: ScheduleExpression.expression(props.cron, TimeZone.of(props.timezone)),
    target: new LambdaInvoke(props.target, { input: ScheduleTargetInput.fromObject(props.input ?? {}), retryAttempts: 2 }),
  });
  // The scheduler's target roles are created at stack level by the targets module.
  acknowledgeInvokeWildcards(Stack.of(scope), [props.target], 'EventBridge Scheduler may invoke the scheduled function and its versions (<arn>:*), nothing else.');
  return schedule;
}
