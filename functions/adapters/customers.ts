/**
 * Customers on the single table (port `Customers`): matched by email within a
 * shop (the id is derived from both, domain/ids), created on first sight in
 * the order's transaction without ever overwriting one o2c knows.
 */
import { GetCommand, PutCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CustomerAccount } from '#domain/credit';
import type { OrderStatus } from '#domain/model';
import { statusHistoryAfter, type StatusChange } from '#domain/figures';
import { NO_SHOP } from '#domain/order';
import { ConcurrentUpdate } from '../errors.ts';
import type { Customers, NewCustomer, PayerDirectory, StoredCustomer } from '../ports.ts';
import { auditItems } from './audit.ts';
import { isConditionFailure, isTransactionConflict, queryAll, setExpression, transactWrite, type DynamoTable, type TransactItem } from './dynamo.ts';
import { GSI_BY_CUSTOMER, ITEM_TYPES, Keys, VERSION_ATTRIBUTE } from './table-schema.ts';

/**
 * The customer as part of a larger transaction, only if its item is absent
 * (`attribute_not_exists`: the transaction is cancelled on a customer o2c knows,
 * whose credit limit, terms or language stay as set — orders.create then writes
 * the order alone).
 */
export function customerCreateItem(t: DynamoTable, customer: NewCustomer): TransactItem {
  const set = setExpression({ ...Keys.customerByEmail(customer.shop, customer.email), type: ITEM_TYPES.customer, ...customer }, { ifNotExists: true });
  return {
    Update: {
      TableName: t.name,
      Key: Keys.customer(customer.id),
      UpdateExpression: `SET ${set.clauses.join(', ')}`,
      ConditionExpression: 'attribute_not_exists(pk)',
      ExpressionAttributeNames: set.names,
      ExpressionAttributeValues: set.values,
    },
  };
}

/** The customer's entry among the names cash matching reads (set if absent with `ifAbsent`: never renames a known customer). */
export function customerNameItem(t: DynamoTable, customer: Pick<NewCustomer, 'id' | 'name'> & { readonly collectionsStatus?: string; readonly collectionsHistory?: readonly StatusChange[] }, ifAbsent = false): TransactItem {
  // The collections status rides along with its changes (the finance pack counts holds, suspensions and agency cases, as of any day, from this partition).
  const status = !ifAbsent && 'collectionsStatus' in customer ? (customer.collectionsStatus ?? 'none') : undefined;
  const history = status && customer.collectionsHistory ? customer.collectionsHistory : undefined;
  return {
    Update: {
      TableName: t.name,
      Key: Keys.customerName(customer.id),
      UpdateExpression: `${ifAbsent ? 'SET #name = if_not_exists(#name, :name), #type = :type' : 'SET #name = :name, #type = :type'}${status ? ', collectionsStatus = :cs' : ''}${history ? ', collectionsHistory = :ch' : ''}`,
      ExpressionAttributeNames: { '#name': 'name', '#type': 'type' },
      ExpressionAttributeValues: { ':name': customer.name, ':type': ITEM_TYPES.customerName, ...(status ? { ':cs': status } : {}), ...(history ? { ':ch': history } : {}) },
    },
  };
}

/** Items of one kind (`prefix` of the index sort key) in the customer's partition of the by-customer index. */
export function queryByCustomer<T>(t: DynamoTable, customerId: string, prefix: string, extra: Partial<Pick<QueryCommandInput, 'FilterExpression' | 'ProjectionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues' | 'ScanIndexForward'>> = {}): Promise<T[]> {
  return queryAll<T>(t, {
    IndexName: GSI_BY_CUSTOMER.indexName,
    KeyConditionExpression: `${GSI_BY_CUSTOMER.partitionKey} = :pk AND begins_with(${GSI_BY_CUSTOMER.sortKey}, :prefix)`,
    ...extra,
    ExpressionAttributeValues: { ':pk': Keys.customerIndex(customerId).gsi1pk, ':prefix': prefix, ...extra.ExpressionAttributeValues },
  });
}

export function dynamoCustomers(t: DynamoTable): Customers {
  return {
    async get(id) {
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.customer(id) }));
      return r.Item as StoredCustomer | undefined;
    },
    async findByEmail(shop, email) {
      const byEmail = Keys.customerByEmail(shop, email.trim());
      const [item] = await queryAll<StoredCustomer>(t, {
        IndexName: GSI_BY_CUSTOMER.indexName,
        KeyConditionExpression: `${GSI_BY_CUSTOMER.partitionKey} = :pk AND ${GSI_BY_CUSTOMER.sortKey} = :sk`,
        ExpressionAttributeValues: { ':pk': byEmail.gsi1pk, ':sk': byEmail.gsi1sk },
      });
      return item;
    },

    async create(customer, audit) {
      try {
        await transactWrite(t, [
          {
            Put: {
              TableName: t.name,
              Item: { ...Keys.customer(customer.id), ...Keys.customerByEmail(customer.shop, customer.email), type: ITEM_TYPES.customer, ...customer, [VERSION_ATTRIBUTE]: 1 },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          customerNameItem(t, customer),
          ...auditItems(t, audit),
        ]);
        return { created: true };
      } catch (error) {
        if (isConditionFailure(error)) return { created: false };
        throw error;
      }
    },

    async update(before, afterAsked, audit) {
      const version = before.version ?? 0;
      // A change of the collections status is kept in its history, on the day it was set (the dunning run's) or the action's.
      const history = statusHistoryAfter(before.collectionsHistory, before.collectionsStatus, afterAsked.collectionsStatus, afterAsked.collectionsStatus ? (afterAsked.collectionsSince ?? audit.on ?? audit.at.slice(0, 10)) : (audit.on ?? audit.at.slice(0, 10)));
      const after: StoredCustomer = history ? { ...afterAsked, collectionsHistory: history } : afterAsked;
      try {
        await transactWrite(t, [
          {
            Put: {
              TableName: t.name,
              Item: { ...Keys.customer(after.id), ...Keys.customerByEmail(after.shop ?? NO_SHOP, after.email), type: ITEM_TYPES.customer, ...after, [VERSION_ATTRIBUTE]: version + 1 },
              ConditionExpression: version === 0 ? 'attribute_exists(pk) AND attribute_not_exists(#version)' : '#version = :v',
              ExpressionAttributeNames: { '#version': VERSION_ATTRIBUTE },
              ...(version === 0 ? {} : { ExpressionAttributeValues: { ':v': version } }),
            },
          },
          ...(after.name !== before.name || after.collectionsStatus !== before.collectionsStatus ? [customerNameItem(t, { id: after.id, name: after.name, collectionsStatus: after.collectionsStatus ?? 'none', ...(after.collectionsHistory ? { collectionsHistory: after.collectionsHistory } : {}) })] : []),
          ...auditItems(t, audit),
        ], 1);
      } catch (error) {
        if (isConditionFailure(error) || isTransactionConflict(error)) throw new ConcurrentUpdate(`customer ${after.id} changed meanwhile; read it again`);
        throw error;
      }
      return { ...after, version: version + 1 };
    },

    async account(customerId): Promise<CustomerAccount> {
      // One query of the customer's partition of the by-customer index: its orders and invoices together.
      const items = await queryAll<{ type: string; id: string; status: OrderStatus; currency: string; balance?: number; disputed?: number; dueDate?: string; orderId?: string; totals?: { total: number } }>(t, {
        IndexName: GSI_BY_CUSTOMER.indexName,
        KeyConditionExpression: `${GSI_BY_CUSTOMER.partitionKey} = :pk`,
        ExpressionAttributeValues: { ':pk': Keys.customerIndex(customerId).gsi1pk },
        ProjectionExpression: '#type, #id, #status, currency, balance, disputed, dueDate, orderId, totals',
        ExpressionAttributeNames: { '#type': 'type', '#id': 'id', '#status': 'status' },
      });
      return {
        invoices: items
          .filter((i) => i.type === ITEM_TYPES.invoice)
          .map((i) => ({
            currency: i.currency,
            balance: i.balance ?? 0,
            disputed: i.disputed ?? 0,
            ...(i.dueDate ? { dueDate: i.dueDate } : {}),
            ...(i.orderId ? { orderId: i.orderId, total: i.totals?.total ?? 0 } : {}),
          })),
        orders: items.filter((i) => i.type === ITEM_TYPES.order).map((o) => ({ id: o.id, status: o.status, currency: o.currency, total: o.totals?.total ?? 0 })),
      };
    },
  };
}

/** How long a function keeps the customer names it read (a customer created meanwhile is matched by name after this). */
const NAMES_CACHE_MS = 60_000;
/** A miss may read the list again, but not more often than this (unknown payers in a big file do not re-read it each). */
const NAMES_MIN_REFRESH_MS = 5_000;
const namesCache = new Map<string, { readonly at: number; readonly names: readonly { customerId: string; name: string }[] }>();

/** Port `PayerDirectory`: IBANs seen on payments (one item each) and the customer-name partition, read at most once a minute per function. */
export function dynamoPayerDirectory(t: DynamoTable): PayerDirectory {
  return {
    async customerOfIban(iban) {
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.payerAccount(iban) }));
      return r.Item?.customerId as string | undefined;
    },
    async remember({ iban, customerId, seenOn, paymentId }) {
      await t.doc().send(new PutCommand({ TableName: t.name, Item: { ...Keys.payerAccount(iban), type: ITEM_TYPES.payerAccount, customerId, seenOn, paymentId } }));
    },
    async customerNames(options = {}) {
      // An operational cache, not business time: the monotonic clock of the process.
      const cached = namesCache.get(t.name);
      const age = cached ? performance.now() - cached.at : Infinity;
      if (cached && age < (options.fresh ? NAMES_MIN_REFRESH_MS : NAMES_CACHE_MS)) return cached.names;
      const items = await queryAll<{ sk: string; name: string }>(t, { KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': Keys.customerNames }, ProjectionExpression: 'sk, #name', ExpressionAttributeNames: { '#name': 'name' } });
      const names = items.map((i) => ({ customerId: i.sk, name: i.name }));
      namesCache.set(t.name, { at: performance.now(), names });
      return names;
    },
  };
}
