/**
 * Customers: matched by email within a shop and created on first sight. The
 * id is derived from shop + email, so two deliveries racing to create the same
 * customer write the same item (every attribute is set only if absent).
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '#domain/model';
import { env } from '#runtime';
import { documentClient, queryAll } from './dynamo.ts';
import { GSI_BY_CUSTOMER, Keys } from './table-schema.ts';

const table = () => env('TABLE_NAME');

export function customerId(shop: string, email: string): string {
  return `cus_${createHash('sha256').update(`${shop}\n${email.trim().toLowerCase()}`).digest('hex').slice(0, 20)}`;
}

export async function getCustomer(id: string): Promise<Customer | undefined> {
  const r = await documentClient().send(new GetCommand({ TableName: table(), Key: Keys.customer(id) }));
  return r.Item as Customer | undefined;
}

/** A cheap, eventually consistent look: has o2c seen this customer? */
export async function customerExists(id: string): Promise<boolean> {
  const r = await documentClient().send(new GetCommand({ TableName: table(), Key: Keys.customer(id), ProjectionExpression: 'pk' }));
  return r.Item !== undefined;
}

/**
 * The customer as part of a larger transaction: every attribute is set only if
 * absent (`if_not_exists`), so the update never fails and never overwrites a
 * customer o2c knows (its credit limit, terms or language stay as set).
 */
export function customerUpsert(shop: string, draft: Omit<Customer, 'id'>): { customerId: string; update: { TableName: string; Key: Record<string, string>; UpdateExpression: string; ExpressionAttributeNames: Record<string, string>; ExpressionAttributeValues: Record<string, unknown> } } {
  const id = customerId(shop, draft.email);
  const fields: Record<string, unknown> = {
    ...Keys.customerByEmail(shop, draft.email),
    type: 'Customer',
    shop,
    ...draft,
    id,
    email: draft.email.trim().toLowerCase(),
    createdAt: new Date().toISOString(),
  };
  const entries = Object.entries(fields).filter(([, v]) => v !== undefined);
  return {
    customerId: id,
    update: {
      TableName: table(),
      Key: Keys.customer(id),
      UpdateExpression: `SET ${entries.map((_, i) => `#f${i} = if_not_exists(#f${i}, :f${i})`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(entries.map(([k], i) => [`#f${i}`, k])),
      ExpressionAttributeValues: Object.fromEntries(entries.map(([, v], i) => [`:f${i}`, v])),
    },
  };
}

/** Statuses of orders approved on credit but not invoiced yet: they count towards exposure. */
const OPEN_APPROVED = new Set(['approved', 'confirmed', 'fulfilling', 'shipped']);

/**
 * What the customer owes and has committed to: open invoice balances plus
 * approved orders not yet invoiced, read from the customer's partition of the
 * by-customer index (never a Scan).
 */
export async function creditExposure(customerId: string, currency: string, excludeOrderId?: string): Promise<{ openReceivables: number; openOrders: number }> {
  const items = await queryAll<{ type: string; id?: string; status?: string; currency?: string; balance?: number; totals?: { total: number } }>({
    TableName: table(),
    IndexName: GSI_BY_CUSTOMER.indexName,
    KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': `CUSTOMER#${customerId}` },
    ProjectionExpression: '#type, #id, #status, currency, balance, totals',
    ExpressionAttributeNames: { '#type': 'type', '#id': 'id', '#status': 'status' },
  });
  let openReceivables = 0;
  let openOrders = 0;
  // The limit is in one currency; amounts in another are not added to it (no FX rates in o2c yet).
  for (const item of items.filter((i) => i.currency === currency)) {
    if (item.type === 'Invoice' && (item.balance ?? 0) > 0) openReceivables += item.balance!;
    if (item.type === 'Order' && item.id !== excludeOrderId && OPEN_APPROVED.has(item.status ?? '')) openOrders += item.totals?.total ?? 0;
  }
  return { openReceivables, openOrders };
}
