/**
 * validate-order: is the order one we can fill?
 * 1. B2B (api) orders: every SKU must be in the catalog at the catalog's price
 *    and currency. Platform orders keep the platform's prices; SKUs we do not
 *    stock are fulfilled outside o2c's warehouse and are not blocked.
 * 2. Reserve stock for the SKUs we stock, all or nothing.
 * 3. Not enough stock → backordered (the workflow waits and retries), until
 *    BACKORDER_MAX_ATTEMPTS, then invalid.
 * A re-run returns the outcome already reached and reserves nothing twice.
 */
import * as z from 'zod/mini';
import { OrderTaskInput } from '#platforms/canonical';
import type { OrderStatus } from '#domain/model';
import { getProducts, reserveStock } from '#adapters/catalog';
import { requireOrder, transitionOrder, updateOrder, type StoredOrder } from '#adapters/orders';
import { envOr, taskHandler } from '#runtime';

export const TaskInput = OrderTaskInput;
export type ValidationOutcome = { outcome: 'validated' | 'backordered' | 'invalid'; reason?: string };

const maxAttempts = Number(envOr('BACKORDER_MAX_ATTEMPTS', '24'));
const PAST_VALIDATION: OrderStatus[] = ['validated', 'credit_hold', 'approved', 'confirmed', 'fulfilling', 'shipped', 'invoiced', 'paid', 'closed'];

function priceProblems(order: StoredOrder, catalog: Awaited<ReturnType<typeof getProducts>>): string[] {
  if (order.source.platform !== 'api') return [];
  return order.lines.flatMap((line) => {
    const p = catalog.get(line.sku);
    if (!p) return [`unknown SKU ${line.sku}`];
    if (p.currency !== order.currency) return [`${line.sku} is sold in ${p.currency}, not ${order.currency}`];
    if (p.unitPrice !== line.unitPrice) return [`${line.sku} costs ${p.unitPrice}, not ${line.unitPrice} (minor units)`];
    return [];
  });
}

export async function validateOrder({ orderId }: z.infer<typeof TaskInput>): Promise<ValidationOutcome> {
  const order = await requireOrder(orderId);
  if (PAST_VALIDATION.includes(order.status)) return { outcome: 'validated' };
  if (order.status === 'rejected' || order.status === 'cancelled') return { outcome: 'invalid', reason: order.reason ?? order.status };

  const catalog = await getProducts(order.lines.map((l) => l.sku));
  const problems = priceProblems(order, catalog);
  if (problems.length > 0) return { outcome: 'invalid', reason: problems.join('; ') };

  const wanted = new Map<string, number>();
  for (const line of order.lines) if (catalog.has(line.sku)) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity);
  if (await reserveStock(order.id, wanted)) {
    await transitionOrder(order, 'validated', 'validate', {}, wanted.size > 0 ? `reserved ${wanted.size} SKU(s)` : 'nothing to reserve');
    return { outcome: 'validated' };
  }
  const attempts = (order.backorderAttempts ?? 0) + 1;
  if (attempts >= maxAttempts) return { outcome: 'invalid', reason: `out of stock after ${attempts} attempts` };
  if (order.status === 'backordered') await updateOrder(order, { backorderAttempts: attempts });
  else await transitionOrder(order, 'backordered', 'validate', { backorderAttempts: attempts }, 'not enough stock');
  return { outcome: 'backordered', reason: 'not enough stock' };
}

export const handler = taskHandler(TaskInput, validateOrder);
