/**
 * The task tokens of an order's waits on DynamoDB Local: an answer noted on a token, the same answer again (a
 * retry), another answer (returned as noted, so the caller can give it), another token (nothing noted to give).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { repositories } from '../../../functions/adapters/repositories.ts';
import { useDynamoDbLocal } from '../../support/dynamodb.ts';

describe('task tokens (DynamoDB Local)', () => {
  const ddb = useDynamoDbLocal();
  let tokens: ReturnType<typeof repositories>['tokens'];

  beforeEach(async () => {
    tokens = repositories(await ddb.createTable()).tokens;
    await tokens.store('ord_1', 'fulfilment', 'tok-1', '2026-11-22T10:00:00.000Z');
  });

  it('notes the first answer, knows the same one again by its first time, and returns the noted one to a different answer and to `noted` until forgotten', async () => {
    expect(await tokens.noted('ord_1', 'fulfilment')).toBeUndefined();
    const first = JSON.stringify([{ output: { trackingNumber: '1Z111' } }, 'warehouse', 'DPD 1Z111']);
    expect(await tokens.noteAnswer('ord_1', 'fulfilment', 'tok-1', first, '2026-11-22T10:01:00.000Z')).toEqual({ outcome: 'first', at: '2026-11-22T10:01:00.000Z' });
    expect(await tokens.noteAnswer('ord_1', 'fulfilment', 'tok-1', first, '2026-11-22T10:02:00.000Z')).toEqual({ outcome: 'again', at: '2026-11-22T10:01:00.000Z' });
    const other = JSON.stringify([{ output: { trackingNumber: '1Z222' } }, 'warehouse', 'DPD 1Z222']);
    expect(await tokens.noteAnswer('ord_1', 'fulfilment', 'tok-1', other, '2026-11-22T10:03:00.000Z')).toEqual({ outcome: 'taken', at: '2026-11-22T10:01:00.000Z', noted: first });
    // An answer for a token that is not the stored one (an earlier wait's) has nothing to give.
    expect(await tokens.noteAnswer('ord_1', 'fulfilment', 'tok-0', other, '2026-11-22T10:04:00.000Z')).toEqual({ outcome: 'taken', at: '2026-11-22T10:04:00.000Z' });
    expect(await tokens.noted('ord_1', 'fulfilment')).toEqual({ token: 'tok-1', answer: first, at: '2026-11-22T10:01:00.000Z' });
    await tokens.delete('ord_1', 'fulfilment');
    expect(await tokens.noted('ord_1', 'fulfilment')).toBeUndefined();
    expect(await tokens.noteAnswer('ord_1', 'fulfilment', 'tok-1', first, '2026-11-22T10:05:00.000Z')).toEqual({ outcome: 'taken', at: '2026-11-22T10:05:00.000Z' });
  });
});
