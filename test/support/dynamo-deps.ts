/**
 * Use-case deps on DynamoDB Local: the real repositories on the test's table,
 * with in-memory queues, mailbox, clock and documents from the memory world
 * (override any of them, e.g. the real PDF renderer or an SQS outbox).
 * apply-payment's bank-import hook counts on the real import items too.
 *
 *   const table = await ddb.createTable();
 *   const d = dynamoDeps(table);  await issueInvoice({ orderId }, d.deps);
 */
import { dynamoBankImports } from '../../functions/adapters/bank-imports.ts';
import { dynamoTable } from '../../functions/adapters/dynamo.ts';
import { repositories } from '../../functions/adapters/repositories.ts';
import { directRenderQueue, memoryWorld } from './memory.ts';

export function dynamoDeps(table: string, options: Parameters<typeof memoryWorld>[0] = {}) {
  const world = memoryWorld(options);
  const repos = repositories(table);
  const bankImports = dynamoBankImports(dynamoTable(table));
  // render-documents reads the documents from this table too.
  const renderQueue = directRenderQueue(() => deps);
  const deps = { ...world.deps, ...repos, bankImports, imports: { ...world.deps.imports, bankImports, paymentReturns: repos.paymentReturns }, renderQueue };
  return { ...world, deps };
}
