/**
 * The audit trail (port `Audit`): one item per entry in the entity's partition,
 * put with `attribute_not_exists` (append-only: an entry is never overwritten).
 * Repositories add `auditItems` to the transaction of the change it records: the
 * entry and, for a person's action, its count in the day's manual-action
 * aggregates (`action.<action>`, domain/figures `manualActionAdd`) — exactly once,
 * as the transaction is (a replayed action fails the entry's condition and the
 * transaction's own guards, and adds nothing).
 */
import { createHash } from 'node:crypto';
import { manualActionAdd } from '#domain/figures';
import type { Audit, AuditEntry } from '../ports.ts';
import { isConditionFailure, queryAll, transactWrite, type DynamoTable, type TransactItem } from './dynamo.ts';
import { ITEM_TYPES, Keys } from './table-schema.ts';
import { totalsItems } from './totals.ts';

/** A stable id for an entry: the same action replayed writes the same key (and is refused), two actions never collide. */
const entryId = (e: AuditEntry) => createHash('sha256').update(JSON.stringify([e.actor, e.action, e.after ?? null, e.reason ?? null])).digest('hex').slice(0, 16);

/** The entry's item and, for a person's action, its manual-action count (NO_CURRENCY aggregates of the day). */
export function auditItems(t: DynamoTable, entry: AuditEntry): TransactItem[] {
  const count = manualActionAdd(entry);
  return [auditItem(t, entry), ...(count ? totalsItems(t, [count]) : [])];
}

export function auditItem(t: DynamoTable, entry: AuditEntry): TransactItem {
  return {
    Put: {
      TableName: t.name,
      Item: { ...Keys.audit(entry.entity, entry.at, entryId(entry)), type: ITEM_TYPES.audit, ...entry },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export function dynamoAudit(t: DynamoTable): Audit {
  const put = async (item: TransactItem, entry: AuditEntry) => {
    const count = manualActionAdd(entry);
    try {
      await transactWrite(t, [item, ...(count ? totalsItems(t, [count]) : [])]);
    } catch (error) {
      if (!isConditionFailure(error)) throw error; // the same entry, written by a retry: counted then
    }
  };
  return {
    async entriesOf(entity) {
      const items = await queryAll<AuditEntry & Record<string, unknown>>(t, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': Keys.auditPartition(entity) } });
      return items.sort((a, b) => a.at.localeCompare(b.at)).map(({ at, actor, action, entity: e, before, after, reason }) => ({ at, actor, action, entity: e, ...(before ? { before } : {}), ...(after ? { after } : {}), ...(reason ? { reason } : {}) }));
    },
    record: (entry) => put(auditItem(t, entry), entry),
    recordOnce: (entry) => put({ Put: { TableName: t.name, Item: { ...Keys.auditOnce(entry.entity, entry.action), type: ITEM_TYPES.audit, ...entry }, ConditionExpression: 'attribute_not_exists(pk)' } }, entry),
  };
}
