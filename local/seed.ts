/**
 * Demo data for the local stack: a small catalog with stock and a few B2B
 * customers with credit limits, written with the same keys the repositories use.
 * Existing items are left alone, so a restart keeps what the demo changed.
 */
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { customerId } from '../functions/domain/ids.ts';
import { Keys } from '../functions/adapters/table-schema.ts';

export const SEED_PRODUCTS = [
  { sku: 'MUG-01', description: 'Stoneware mug, 350 ml', unitPrice: 1250, currency: 'GBP', taxRatePpm: 200_000, onHand: 500, weightGrams: 450 },
  { sku: 'TEA-250', description: 'Loose-leaf breakfast tea, 250 g', unitPrice: 650, currency: 'GBP', taxRatePpm: 0, onHand: 1_000, weightGrams: 300 },
  { sku: 'BOOK-7', description: 'Field guide to British birds', unitPrice: 1899, currency: 'GBP', taxRatePpm: 0, onHand: 200, weightGrams: 700 },
  { sku: 'LAMP-3', description: 'Brass desk lamp', unitPrice: 8900, currency: 'GBP', taxRatePpm: 200_000, onHand: 40, weightGrams: 2_100 },
];

export const SEED_CUSTOMERS = [
  { name: 'Acme Retail Ltd', email: 'purchasing@acme-retail.example', language: 'en', creditLimit: 500_000, riskScore: 10 },
  { name: 'Nordisk Design AB', email: 'inkop@nordisk-design.example', language: 'sv', creditLimit: 300_000, riskScore: 20 },
  { name: '東京トレーディング株式会社', email: 'buyer@tokyo-trading.example', language: 'ja', creditLimit: 300_000, riskScore: 15 },
  { name: 'Corner Shop', email: 'owner@corner-shop.example', language: 'en', creditLimit: 20_000, riskScore: 40 },
] as const;

export async function seed(doc: DynamoDBDocumentClient, table: string, terms: unknown, timezone: string): Promise<void> {
  const put = (Item: Record<string, unknown>) =>
    doc.send(new PutCommand({ TableName: table, Item, ConditionExpression: 'attribute_not_exists(pk)' })).catch((e: Error) => {
      if (e.name !== 'ConditionalCheckFailedException') throw e;
    });
  for (const p of SEED_PRODUCTS) await put({ ...Keys.product(p.sku), type: 'Product', ...p });
  for (const c of SEED_CUSTOMERS) {
    const id = customerId('-', c.email);
    await put({
      ...Keys.customer(id),
      ...Keys.customerByEmail('-', c.email),
      type: 'Customer',
      id,
      shop: '-',
      ...c,
      timezone,
      currency: 'GBP',
      terms,
      dunningState: 'none',
      createdAt: new Date().toISOString(),
    });
  }
}
