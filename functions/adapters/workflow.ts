/**
 * Step Functions (port `Workflow`): start an order's execution (named after
 * the order, so a duplicate start is a no-op), stop it, and answer the task
 * tokens it waits on; the tokens themselves are kept on the order (`TaskTokens`).
 * The fulfilment wait is answered by the order steps (Express) from ShipOrder:
 * the token is checked with a heartbeat first (a spent one is TaskTokenSpent,
 * as SendTaskSuccess would say), then the steps start with it, and their last
 * state sends the success.
 */
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConfigError, TaskTokenSpent, WORKFLOW_ERRORS } from '../errors.ts';
import type { TaskTokens, Workflow } from '../ports.ts';
import { isConditionFailure, transactWrite, type DynamoTable } from './dynamo.ts';
import { eventItem } from './orders.ts';
import { ITEM_TYPES, Keys } from './table-schema.ts';

let client: SFNClient | undefined;
export function sfnClient(): SFNClient {
  client ??= new SFNClient({});
  return client;
}
export function setSfnClient(next: SFNClient | undefined): void {
  client = next;
}

/** Errors Step Functions answers when nobody waits on a token any more. */
const SPENT = new Set(['TaskTimedOut', 'InvalidToken', 'TaskDoesNotExist']);

async function answering(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (error) {
    if (SPENT.has((error as Error).name)) throw new TaskTokenSpent((error as Error).message);
    throw error;
  }
}

/**
 * Without a state machine ARN the workflow can only be answered (task tokens), not started or stopped; without the
 * order steps' ARN a fulfilment wait cannot be answered (its steps cannot start).
 */
export function stepFunctionsWorkflow(stateMachineArn?: string, orderStepsArn?: string): Workflow {
  const arn = () => {
    if (!stateMachineArn) throw new ConfigError('this function is not bound to the state machine (STATE_MACHINE_ARN)');
    return stateMachineArn;
  };
  return {
    async start(orderId) {
      try {
        await sfnClient().send(new StartExecutionCommand({ stateMachineArn: arn(), name: orderId, input: JSON.stringify({ orderId }) }));
        return true;
      } catch (error) {
        if ((error as Error).name === 'ExecutionAlreadyExists') return false;
        throw error;
      }
    },
    async stop(orderId, cause) {
      const executionArn = `${arn().replace(':stateMachine:', ':execution:')}:${orderId}`;
      try {
        await sfnClient().send(new StopExecutionCommand({ executionArn, error: WORKFLOW_ERRORS.cancelled, cause }));
        return true;
      } catch (error) {
        if ((error as Error).name === 'ExecutionDoesNotExist') return false;
        throw error;
      }
    },
    async complete(taskToken, output, wait) {
      if (wait?.kind !== 'fulfilment') return answering(() => sfnClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) })));
      if (!orderStepsArn) throw new ConfigError('this function is not bound to the order steps (ORDER_STEPS_ARN)');
      await answering(() => sfnClient().send(new SendTaskHeartbeatCommand({ taskToken })));
      await sfnClient().send(new StartExecutionCommand({ stateMachineArn: orderStepsArn, input: JSON.stringify({ from: 'ship', orderId: wait.orderId, shipment: output, taskToken }) }));
    },
    fail: (taskToken, error, cause) => answering(() => sfnClient().send(new SendTaskFailureCommand({ taskToken, error, cause }))),
  };
}

export function dynamoTaskTokens(t: DynamoTable): TaskTokens {
  return {
    async store(orderId, kind, taskToken, at, extra = {}) {
      try {
        await t.doc().send(
          new PutCommand({
            TableName: t.name,
            Item: { ...Keys.taskToken(orderId, kind), type: ITEM_TYPES.taskToken, orderId, kind, taskToken, storedAt: at, ...extra },
            ConditionExpression: 'attribute_not_exists(forgottenToken) OR forgottenToken <> :t',
            ExpressionAttributeValues: { ':t': taskToken },
          }),
        );
        return true;
      } catch (error) {
        if (isConditionFailure(error)) return false;
        throw error;
      }
    },
    async get(orderId, kind) {
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.taskToken(orderId, kind), ConsistentRead: true }));
      return r.Item?.taskToken as string | undefined;
    },
    async noted(orderId, kind) {
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.taskToken(orderId, kind), ConsistentRead: true }));
      const item = r.Item;
      return item?.taskToken && item.answeredWith ? { token: String(item.taskToken), answer: String(item.answeredWith), at: String(item.answeredAt) } : undefined;
    },
    async delete(orderId, kind, event) {
      // The item stays as the token's tombstone, so a redelivered hand-off of the ended wait cannot store it again;
      // the timeline line of the answer goes in the same write (a retry writes the same line: same time and step).
      const forget = {
        Update: {
          TableName: t.name,
          Key: Keys.taskToken(orderId, kind),
          UpdateExpression: 'SET forgottenToken = taskToken REMOVE taskToken, answeredWith, answeredAt, answerAttempts',
          ConditionExpression: 'attribute_exists(taskToken)',
        },
      };
      try {
        await transactWrite(t, [forget, ...(event ? [eventItem(t, orderId, event)] : [])]);
      } catch (error) {
        if (!isConditionFailure(error)) throw error; // forgotten already (and its line written with it)
      }
    },
    async noteAnswer(orderId, kind, taskToken, answer, at) {
      try {
        const r = await t.doc().send(
          new UpdateCommand({
            TableName: t.name,
            Key: Keys.taskToken(orderId, kind),
            UpdateExpression: 'SET answeredWith = :a, answeredAt = if_not_exists(answeredAt, :at) ADD answerAttempts :one',
            ConditionExpression: 'taskToken = :t AND (attribute_not_exists(answeredWith) OR answeredWith = :a)',
            ExpressionAttributeValues: { ':a': answer, ':t': taskToken, ':at': at, ':one': 1 },
            ReturnValues: 'ALL_NEW',
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          }),
        );
        return { outcome: Number(r.Attributes?.answerAttempts ?? 1) > 1 ? 'again' : 'first', at: String(r.Attributes?.answeredAt ?? at) };
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        // The item as it was (lib-dynamodb leaves the error's Item marshalled): another answer on this token, or another token.
        const old = (error as { Item?: Record<string, { S?: string }> }).Item;
        const noted = old?.taskToken?.S === taskToken ? old.answeredWith?.S : undefined;
        return noted === undefined ? { outcome: 'taken', at } : { outcome: 'taken', at: old?.answeredAt?.S ?? at, noted };
      }
    },
  };
}
