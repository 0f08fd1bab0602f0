/** Test data: realistic orders and customers, written straight to the table for adapter tests. */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { Keys } from '../../functions/adapters/table-schema.ts';
import type { StoredOrder } from '../../functions/ports.ts';
import type { Customer, OrderStatus } from '../../functions/domain/model.ts';
import { priceOrder } from '../../functions/domain/pricing.ts';

export function testCustomer(id = 'cus_1', extra: Partial<Customer> = {}): Customer {
  return {
    id,
    name: 'Ada Lovelace',
    email: `${id}@example.com`,
    language: 'en',
    timezone: 'Europe/London',
    currency: 'GBP',
    terms: { netDays: 30 },
    creditLimit: 1_000_000,
    riskScore: 10,
    dunningState: 'none',
    ...extra,
  };
}

export function testOrder(id: string, status: OrderStatus = 'shipped', extra: Partial<StoredOrder> = {}): StoredOrder {
  const lines = [
    { sku: 'MUG-01', description: 'Stoneware mug', quantity: 2, unitPrice: 1250, discount: 500, taxRatePpm: 200_000 },
    { sku: 'BOOK-7', description: 'Field guide', quantity: 1, unitPrice: 899, discount: 0, taxRatePpm: 0 },
  ];
  const shipping = { amount: 499, taxRatePpm: 200_000 };
  return {
    id,
    source: { platform: 'api', externalId: `ext-${id}`, shop: '-', reference: `PO-${id}` },
    customerId: 'cus_1',
    currency: 'GBP',
    lines,
    shipping,
    paymentMode: 'terms',
    shippingAddress: { line1: '1 High St', city: 'York', country: 'GB' },
    status,
    createdAt: '2026-11-20T10:00:00.000Z',
    totals: priceOrder(lines, shipping, { rounding: 'half-up', level: 'line' }).totals,
    version: 1,
    updatedAt: '2026-11-20T10:00:00.000Z',
    ...extra,
  };
}

export async function putOrder(doc: DynamoDBDocumentClient, table: string, order: StoredOrder): Promise<void> {
  await doc.send(new PutCommand({ TableName: table, Item: { ...Keys.order(order.id), ...Keys.orderByCustomer(order.customerId, order.createdAt, order.id), type: 'Order', ...order } }));
}

export async function putCustomer(doc: DynamoDBDocumentClient, table: string, customer: Customer): Promise<void> {
  await doc.send(new PutCommand({ TableName: table, Item: { ...Keys.customer(customer.id), type: 'Customer', ...customer } }));
}
