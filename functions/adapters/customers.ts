/**
 * Customers on the single table (port `Customers`): matched by email within a
 * shop (the id is derived from both, domain/ids), created on first sight in
 * the order's transaction without ever overwriting one o2c knows.
 */
import { GetCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CustomerAccount } from '#domain/credit';
import type { Customer, Invoice, OrderStatus } from '#domain/model';
import type { Customers, NewCustomer } from '../ports.ts';
import { queryAll, setExpression, type DynamoTable, type TransactItem } from './dynamo.ts';
import { GSI_BY_CUSTOMER, ITEM_TYPES, Keys } from './table-schema.ts';

/**
 * The customer as part of a larger transaction: every attribute is set only if
 * absent (`if_not_exists`), so the update never fails and never overwrites a
 * customer o2c knows (its credit limit, terms or language stay as set).
 */
export function customerCreateItem(t: DynamoTable, customer: NewCustomer): TransactItem {
  const set = setExpression({ ...Keys.customerByEmail(customer.shop, customer.email), type: ITEM_TYPES.customer, ...customer }, { ifNotExists: true });
  return {
    Update: {
      TableName: t.name,
      Key: Keys.customer(customer.id),
      UpdateExpression: `SET ${set.clauses.join(', ')}`,
      ExpressionAttributeNames: set.names,
      ExpressionAttributeValues: set.values,
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
      return r.Item as Customer | undefined;
    },
    async exists(id) {
      const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.customer(id), ProjectionExpression: 'pk' }));
      return r.Item !== undefined;
    },
    async account(customerId): Promise<CustomerAccount> {
      const projection = { ProjectionExpression: '#id, #status, currency, balance, totals', ExpressionAttributeNames: { '#id': 'id', '#status': 'status' } };
      const [invoices, orders] = await Promise.all([
        queryByCustomer<Pick<Invoice, 'currency' | 'balance'>>(t, customerId, Keys.invoiceByCustomerPrefix, projection),
        queryByCustomer<{ id: string; status: OrderStatus; currency: string; totals?: { total: number } }>(t, customerId, Keys.orderByCustomerPrefix, projection),
      ]);
      return {
        invoices: invoices.map((i) => ({ currency: i.currency, balance: i.balance ?? 0 })),
        orders: orders.map((o) => ({ id: o.id, status: o.status, currency: o.currency, total: o.totals?.total ?? 0 })),
      };
    },
  };
}
