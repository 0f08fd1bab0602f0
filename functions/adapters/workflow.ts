/**
 * Step Functions: start an order's execution (named after the order, so a
 * duplicate start is a no-op) and answer the task tokens it waits on.
 */
import { SendTaskFailureCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { tracer } from '#runtime';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { env } from '#runtime';
import { documentClient } from './dynamo.ts';
import { Keys } from './table-schema.ts';

let client: SFNClient | undefined;
export function sfnClient(): SFNClient {
  client ??= tracer.captureAWSv3Client(new SFNClient({}));
  return client;
}
export function setSfnClient(next: SFNClient | undefined): void {
  client = next;
}

/** Starts the execution; true if started now, false if it already existed. */
export async function startOrderExecution(stateMachineArn: string, orderId: string): Promise<boolean> {
  try {
    await sfnClient().send(new StartExecutionCommand({ stateMachineArn, name: orderId, input: JSON.stringify({ orderId }) }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ExecutionAlreadyExists') return false;
    throw error;
  }
}

/** Stops the order's execution (a cancellation); false if there was none running. */
export async function stopOrderExecution(stateMachineArn: string, orderId: string, cause: string): Promise<boolean> {
  const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${orderId}`;
  try {
    await sfnClient().send(new StopExecutionCommand({ executionArn, error: 'OrderCancelled', cause }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'ExecutionDoesNotExist') return false;
    throw error;
  }
}

/** The token is no longer valid: the wait already ended (answered, timed out, or the run stopped). */
export class TaskTokenSpent extends Error {
  override readonly name = 'TaskTokenSpent';
}

const SPENT = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

export async function completeTask(taskToken: string, output: unknown): Promise<void> {
  try {
    await sfnClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  } catch (error) {
    if (SPENT.has((error as Error).name)) throw new TaskTokenSpent((error as Error).message);
    throw error;
  }
}

export async function failTask(taskToken: string, error: string, cause: string): Promise<void> {
  try {
    await sfnClient().send(new SendTaskFailureCommand({ taskToken, error, cause }));
  } catch (e) {
    if (SPENT.has((e as Error).name)) throw new TaskTokenSpent((e as Error).message);
    throw e;
  }
}

export type WaitKind = 'credit-review' | 'fulfilment';

const table = () => env('TABLE_NAME');

/** Keeps the token an order's workflow waits on, for the callback to find. */
export async function storeTaskToken(orderId: string, kind: WaitKind, taskToken: string, extra: Record<string, unknown> = {}): Promise<void> {
  await documentClient().send(
    new PutCommand({ TableName: table(), Item: { ...Keys.taskToken(orderId, kind), type: 'TaskToken', orderId, kind, taskToken, storedAt: new Date().toISOString(), ...extra } }),
  );
}

export async function getTaskToken(orderId: string, kind: WaitKind): Promise<{ taskToken: string } & Record<string, unknown> | undefined> {
  const r = await documentClient().send(new GetCommand({ TableName: table(), Key: Keys.taskToken(orderId, kind), ConsistentRead: true }));
  return r.Item as ({ taskToken: string } & Record<string, unknown>) | undefined;
}

export async function deleteTaskToken(orderId: string, kind: WaitKind): Promise<void> {
  await documentClient().send(new DeleteCommand({ TableName: table(), Key: Keys.taskToken(orderId, kind) }));
}
