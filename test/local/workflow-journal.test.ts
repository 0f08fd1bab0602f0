/**
 * The state-machine host's journal: a host that stops (or dies — after `stop()` it writes nothing more, which is the
 * journal as a `kill -9` at that instant leaves it) and a new host on the same journal resumes each running
 * execution in the state it was in, its wait with the token it handed out; an answer journaled before the end is
 * not lost; ended executions stay ended. A three-state machine (a Lambda task, a task-token wait, a Lambda task)
 * with a fake function host and queue, so each rerun is counted.
 */
import { describe, expect, it } from 'vitest';
import { openWorkflowJournal } from '../../local/workflow-journal.ts';
import { until, useSfnHosts } from '../support/sfn-host.ts';
import type { LocalStateMachine } from '../../local/template.ts';

const fnArn = (name: string) => `arn:aws:lambda:eu-west-1:000000000000:function:${name}`;
const machine: LocalStateMachine = {
  logicalId: 'Orders',
  arn: 'arn:aws:states:eu-west-1:000000000000:stateMachine:Orders',
  type: 'STANDARD',
  definition: {
    StartAt: 'Check',
    States: {
      Check: { Type: 'Task', Resource: fnArn('check'), ResultPath: '$.check', Next: 'WaitForReview' },
      WaitForReview: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: 'http://queues.local/review', MessageBody: { 'orderId.$': '$.orderId', 'taskToken.$': '$$.Task.Token' } },
        ResultPath: '$.review',
        Next: 'Invoice',
      },
      Invoice: { Type: 'Task', Resource: fnArn('invoice'), ResultPath: '$.invoice', End: true },
    },
  },
  tasks: { Check: { kind: 'lambda', fn: 'check' }, WaitForReview: { kind: 'sqs', waitForTaskToken: true }, Invoice: { kind: 'lambda', fn: 'invoice' } },
};

const { journalPath, host: hostOf, die } = useSfnHosts(machine);
const host = (path: string, hang: string[] = []) => hostOf(path, { hang });

describe('workflow journal: executions resume after a restart', () => {
  it('resumes a waiting execution: the token handed out before still answers it, its message is not sent again, no step reruns', async () => {
    const path = journalPath();
    const first = await host(path);
    expect((await first.call('StartExecution', { name: 'ord_1', input: JSON.stringify({ orderId: 'ord_1' }) })).status).toBe(200);
    await until('the review request', () => first.sent.length === 1);
    const { taskToken } = first.sent[0]!;
    await die(first);

    const second = await host(path);
    expect(second.sfn.resumed).toEqual(['ord_1']);
    await until('the resumed wait', () => second.sfn.executions.get('ord_1')!.waitingIn.has('WaitForReview'));
    expect(second.sent).toEqual([]);
    expect((await second.call('SendTaskSuccess', { taskToken, output: JSON.stringify({ decision: 'approve' }) })).status).toBe(200);
    await until('the execution to end', () => second.sfn.executions.get('ord_1')!.status !== 'RUNNING');
    const ended = second.sfn.executions.get('ord_1')!;
    expect(ended.status).toBe('SUCCEEDED');
    expect(JSON.parse(ended.output!)).toMatchObject({ orderId: 'ord_1', check: { ran: 'check' }, review: { decision: 'approve' }, invoice: { ran: 'invoice' } });
    expect(first.calls).toEqual(['check']);
    expect(second.calls).toEqual(['invoice']);
    // Spent: a second answer with it is refused, as Step Functions does.
    expect((await second.call('SendTaskSuccess', { taskToken, output: '{}' })).body.__type).toBe('TaskTimedOut');
    await die(second);

    // Ended stays ended: nothing resumes, and the same name is still taken.
    const third = await host(path);
    expect(third.sfn.resumed).toEqual([]);
    expect(third.sfn.executions.get('ord_1')!.status).toBe('SUCCEEDED');
    expect((await third.call('StartExecution', { name: 'ord_1', input: '{"orderId":"ord_1"}' })).body.__type).toBe('ExecutionAlreadyExists');
    expect(third.calls).toEqual([]);
  });

  it('keeps an answer journaled before the end: the resumed wait takes it without a new callback', async () => {
    const path = journalPath();
    const first = await host(path, ['invoice']);
    await first.call('StartExecution', { name: 'ord_2', input: JSON.stringify({ orderId: 'ord_2' }) });
    await until('the review request', () => first.sent.length === 1);
    const { taskToken } = first.sent[0]!;
    await die(first);
    // SendTaskSuccess was journaled, and the process died before the execution left the wait.
    const journal = await openWorkflowJournal(path);
    journal.tokenAnswered(taskToken, { output: { decision: 'approve', by: 'finance' } });
    journal.close();

    const second = await host(path);
    await until('the execution to end', () => second.sfn.executions.get('ord_2')!.status !== 'RUNNING');
    expect(JSON.parse(second.sfn.executions.get('ord_2')!.output!).review).toEqual({ decision: 'approve', by: 'finance' });
    expect(second.sent).toEqual([]);
    expect(second.calls).toEqual(['invoice']);
  });

  it('reruns the step an execution died in, then waits with a token sent once', async () => {
    const path = journalPath();
    const first = await host(path, ['check']);
    await first.call('StartExecution', { name: 'ord_3', input: JSON.stringify({ orderId: 'ord_3' }) });
    await until('the check to start', () => first.calls.length === 1);
    await die(first);

    const second = await host(path);
    await until('the review request', () => second.sent.length === 1);
    expect(second.calls).toEqual(['check']);
    expect(second.sent[0]!.orderId).toBe('ord_3');
    // A refusal fails the execution; the journal keeps it as it ended, its tokens gone.
    await second.call('SendTaskFailure', { taskToken: second.sent[0]!.taskToken, error: 'CreditRejected', cause: 'limit' });
    await until('the execution to end', () => second.sfn.executions.get('ord_3')!.status !== 'RUNNING');
    expect(second.sfn.executions.get('ord_3')).toMatchObject({ status: 'FAILED', error: 'CreditRejected' });
    expect(second.journal.executions().find((e) => e.name === 'ord_3')).toMatchObject({ status: 'FAILED', error: 'CreditRejected' });
    expect(second.journal.tokens()).toEqual([]);
  });
});
