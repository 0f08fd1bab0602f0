/**
 * The local Step Functions host runs two machines as the template has them: a Standard one whose task starts an
 * Express execution with its token and waits (`states:startExecution.waitForTaskToken`), and the Express one whose
 * last state answers that token (`aws-sdk:sfn:sendTaskSuccess/Failure`). Counts what each is billed by, answers
 * heartbeats, and resumes a running Express execution after a restart (the journal).
 */
import { describe, expect, it } from 'vitest';
import { until, useSfnHosts } from '../support/sfn-host.ts';
import type { LocalStateMachine } from '../../local/template.ts';

const arn = (name: string) => `arn:aws:states:eu-west-1:000000000000:stateMachine:${name}`;
const fnArn = (name: string) => `arn:aws:lambda:eu-west-1:000000000000:function:${name}`;
const standard: LocalStateMachine = {
  logicalId: 'Orders',
  arn: arn('Orders'),
  type: 'STANDARD',
  definition: {
    StartAt: 'WaitForSteps',
    States: {
      WaitForSteps: {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.waitForTaskToken',
        Parameters: { StateMachineArn: arn('Steps'), Input: { 'orderId.$': '$.orderId', 'hold.$': '$.hold', 'taskToken.$': '$$.Task.Token' } },
        ResultPath: '$.outcome',
        Catch: [{ ErrorEquals: ['CreditHold'], ResultPath: '$.held', Next: 'Held' }],
        End: true,
      },
      Held: { Type: 'Fail', Error: 'Held', Cause: 'held for review' },
    },
  },
  tasks: { WaitForSteps: { kind: 'start-execution', waitForTaskToken: true } },
};
const express: LocalStateMachine = {
  logicalId: 'Steps',
  arn: arn('Steps'),
  type: 'EXPRESS',
  definition: {
    StartAt: 'Check',
    States: {
      Check: { Type: 'Task', Resource: fnArn('check'), ResultPath: '$.check', Next: 'Outcome' },
      Outcome: { Type: 'Choice', Choices: [{ Variable: '$.hold', BooleanEquals: true, Next: 'HandBack' }], Default: 'Invoice' },
      Invoice: { Type: 'Task', Resource: fnArn('invoice'), ResultPath: '$.outcome', ResultSelector: { 'invoiced.$': '$' }, Next: 'Answer' },
      Answer: {
        Type: 'Task',
        Resource: 'arn:aws:states:::aws-sdk:sfn:sendTaskSuccess',
        Parameters: { 'TaskToken.$': '$.taskToken', 'Output.$': 'States.JsonToString($.outcome)' },
        Catch: [{ ErrorEquals: ['Sfn.TaskTimedOutException'], ResultPath: '$.answer', Next: 'WaitEnded' }],
        End: true,
      },
      WaitEnded: { Type: 'Succeed' },
      HandBack: { Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:sfn:sendTaskFailure', Parameters: { 'TaskToken.$': '$.taskToken', Error: 'CreditHold', Cause: 'held' }, End: true },
    },
  },
  tasks: {
    Check: { kind: 'lambda', fn: 'check' },
    Invoice: { kind: 'lambda', fn: 'invoice' },
    Answer: { kind: 'answer', action: 'sendTaskSuccess' },
    HandBack: { kind: 'answer', action: 'sendTaskFailure' },
  },
};

const { journalPath, host: hostOf, die } = useSfnHosts([standard, express]);
const host = (path: string, hang: string[] = [], gates: Record<string, Promise<void>> = {}) => hostOf(path, { hang, gates });

describe('local Step Functions: a Standard wait answered by an Express execution', () => {
  it('ends the Standard execution with what the Express steps answered: one Standard transition, one Express execution', async () => {
    const h = await host(journalPath());
    await h.call('StartExecution', { name: 'ord_1', input: JSON.stringify({ orderId: 'ord_1', hold: false }) });
    await until('the execution to end', () => h.sfn.executions.get('ord_1')!.status !== 'RUNNING');
    const e = h.sfn.executions.get('ord_1')!;
    expect(e.status).toBe('SUCCEEDED');
    expect(JSON.parse(e.output!).outcome).toEqual({ invoiced: { ran: 'invoice', orderId: 'ord_1' } });
    expect(h.calls).toEqual(['check', 'invoice']);
    expect(h.sfn.transitions()).toBe(1); // the Express states are not Standard transitions
    await until('the Express execution to be counted', () => h.sfn.express().executions === 1);
    expect(h.sfn.express()).toMatchObject({ executions: 1, failed: 0 });
    expect(h.sfn.express().billedMs % 100).toBe(0); // rounded up to 100 ms, as Express bills
    expect([...h.sfn.executions.keys()]).toEqual(['ord_1']); // Express executions keep no history here
  });

  it('takes the Standard Catch when the steps hand the order back with a named failure', async () => {
    const h = await host(journalPath());
    await h.call('StartExecution', { name: 'ord_2', input: JSON.stringify({ orderId: 'ord_2', hold: true }) });
    await until('the execution to end', () => h.sfn.executions.get('ord_2')!.status !== 'RUNNING');
    expect(h.sfn.executions.get('ord_2')).toMatchObject({ status: 'FAILED', error: 'Held' });
    expect(h.calls).toEqual(['check']);
  });

  it('answers a heartbeat on a waiting token and TaskTimedOut on a spent one; an Express start by a caller needs a machine that exists', async () => {
    const h = await host(journalPath(), ['check']);
    await h.call('StartExecution', { name: 'ord_3', input: JSON.stringify({ orderId: 'ord_3', hold: false }) });
    await until('the steps to run', () => h.calls.length === 1);
    const token = h.journal.tokens().find((t) => t.execution === 'ord_3')!.token;
    expect((await h.call('SendTaskHeartbeat', { taskToken: token })).status).toBe(200);
    expect((await h.call('SendTaskSuccess', { taskToken: token, output: '{"by":"hand"}' })).status).toBe(200);
    await until('the execution to end', () => h.sfn.executions.get('ord_3')!.status !== 'RUNNING');
    expect((await h.call('SendTaskHeartbeat', { taskToken: token })).body.__type).toBe('TaskTimedOut');
    expect((await h.call('StartExecution', { stateMachineArn: arn('Nope'), input: '{}' })).body.__type).toBe('StateMachineDoesNotExist');
  });

  it('names a refused answer as the AWS SDK integration does (Sfn.TaskTimedOutException), so the steps can catch it: the execution stopped meanwhile', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = await host(journalPath(), [], { invoice: gate });
    await h.call('StartExecution', { name: 'ord_5', input: JSON.stringify({ orderId: 'ord_5', hold: false }) });
    await until('the steps to reach invoice', () => h.calls.includes('invoice'));
    const executionArn = h.sfn.executions.get('ord_5')!.executionArn;
    expect((await h.call('StopExecution', { executionArn, error: 'OrderCancelled', cause: 'cancelled' })).status).toBe(200);
    release();
    await until('the steps to end', () => h.sfn.express().executions === 1);
    expect(h.sfn.express()).toMatchObject({ executions: 1, failed: 0 }); // caught: WaitEnded
    expect(h.sfn.executions.get('ord_5')!.status).toBe('ABORTED');
  });

  it('resumes a running Express execution after a restart, and its answer still ends the Standard wait', async () => {
    const path = journalPath();
    const first = await host(path, ['invoice']); // the process "dies" inside the steps' second Lambda
    await first.call('StartExecution', { name: 'ord_4', input: JSON.stringify({ orderId: 'ord_4', hold: false }) });
    await until('the steps to reach invoice', () => first.calls.includes('invoice'));
    await die(first);

    const second = await host(path);
    expect(second.sfn.resumed.sort()).toHaveLength(2); // the Standard wait and the Express steps
    await until('the execution to end', () => second.sfn.executions.get('ord_4')!.status !== 'RUNNING');
    expect(second.sfn.executions.get('ord_4')!.status).toBe('SUCCEEDED');
    expect(second.calls).toEqual(['invoice']); // resumed where it was: check did not run again
  });
});
