/**
 * Use-case deps on DynamoDB Local: the real repositories on the test's table,
 * with in-memory queues, mailbox, clock and documents from the memory world
 * (override any of them, e.g. the real PDF renderer or an SQS outbox).
 *
 *   const table = await ddb.createTable();
 *   const d = dynamoDeps(table);  await issueInvoice({ orderId }, d.deps);
 */
import { repositories } from '../../functions/adapters/repositories.ts';
import { directRenderQueue, memoryWorld } from './memory.ts';

export function dynamoDeps(table: string, options: Parameters<typeof memoryWorld>[0] = {}) {
  const world = memoryWorld(options);
  // render-documents reads the documents from this table too.
  const renderQueue = directRenderQueue(() => deps);
  const deps = { ...world.deps, ...repositories(table), renderQueue };
  return { ...world, deps };
}
