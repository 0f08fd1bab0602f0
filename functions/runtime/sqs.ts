/**
 * SQS consumers with partial batch responses (Powertools BatchProcessor): a
 * failed record returns to the queue alone and, after `maxReceiveCount`, lands
 * in the DLQ; the rest of the batch is done. A body that is not JSON or fails
 * the schema is a poison message: it fails every time and so ends in the DLQ,
 * where `status` shows it.
 *
 * One BatchProcessor per handler module (it keeps module-level state), which is
 * also why the local host runs one poller per handler instance.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { safeParse, type Infer, type Schema } from './schema.ts';
import { PoisonMessageError, toFieldIssues } from './errors.ts';
import { logger } from './powertools.ts';
import { withObservability, type LambdaFn } from './wrap.ts';

export type RecordFn<T> = (body: T, record: SQSRecord) => Promise<void>;

export function parseRecord<S extends Schema>(record: SQSRecord, schema: S): Infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    throw new PoisonMessageError('body is not JSON');
  }
  const result = safeParse(schema, json);
  if (!result.success) {
    throw new PoisonMessageError(toFieldIssues(result.error.issues).map((i) => `${i.path}: ${i.message}`).join('; '));
  }
  return result.data;
}

/** Which delivery of which message a record is: its message id (the same on every delivery) and receive count (1 on the first). */
export function deliveryOf(record: SQSRecord): { messageId: string; receiveCount: number } {
  const count = Number(record.attributes?.ApproximateReceiveCount);
  return { messageId: record.messageId, receiveCount: Number.isInteger(count) && count > 0 ? count : 1 };
}

/** Builds the batch function (unwrapped) for a schema and a per-record function. */
export function sqsBatch<S extends Schema>(schema: S, fn: RecordFn<Infer<S>>, options: { processInParallel?: boolean } = {}) {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord) => {
    try {
      await fn(parseRecord(record, schema), record);
    } catch (error) {
      logger.warn('record failed', { messageId: record.messageId, error: error as Error });
      throw error;
    }
  };
  return (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, recordHandler, processor, { context, processInParallel: options.processInParallel ?? true });
}

export function sqsHandler<S extends Schema>(schema: S, fn: RecordFn<Infer<S>>): LambdaFn<SQSEvent, SQSBatchResponse> {
  return withObservability(sqsBatch(schema, fn));
}
