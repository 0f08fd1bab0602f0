/**
 * A workflow step that runs out of time: middy ends it just before Lambda would (with the error `TimeoutError`), so
 * that name — not Lambda's `Sandbox.Timedout` — is what Step Functions sees, and the Lambda tasks' crash retrier must
 * list it: a step slowed past its timeout (a burst, a restart of the local stack) is run again, not failed.
 */
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { WORKFLOW_ERRORS } from '../../../functions/errors.ts';
import { taskHandler } from '../../../functions/runtime/index.ts';

describe('a workflow task that outlives its time', () => {
  it('fails with an error the crash retrier of every Lambda task runs again', async () => {
    const deadline = Date.now() + 100;
    const context = { functionName: 'issue-invoice', awsRequestId: 'req', getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) } as unknown as Context;
    const handler = taskHandler(z.object({ orderId: z.string() }), () => new Promise((done) => setTimeout(() => done('too late'), 2_000)));
    const error = (await handler({ orderId: 'ord_1' }, context).catch((e: Error) => e)) as Error;
    expect(error).toBeInstanceOf(Error);
    expect(WORKFLOW_ERRORS.crashed).toContain(error.name);
  });
});
