/**
 * Payment plans on the single table (port `PaymentPlans`): the plan item in its customer's partition, and on each
 * covered invoice its hold (`paymentPlan`) and next action item, written with the audit line in one transaction.
 * Persistence only: use-cases/payment-plans decides what the plan and the holds become.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PaymentPlan } from '#domain/payment-plans';
import type { PaymentPlans, PlanInvoiceChange } from '../ports.ts';
import { auditItems } from './audit.ts';
import { isConditionFailure, isTransactionConflict, queryAll, transactWrite, type DynamoTable, type TransactItem } from './dynamo.ts';
import { ITEM_TYPES, Keys, VERSION_ATTRIBUTE } from './table-schema.ts';

const strip = (item: Record<string, unknown>): PaymentPlan => {
  const { pk: _pk, sk: _sk, type: _type, ...plan } = item;
  return plan as unknown as PaymentPlan;
};

/** The invoice's hold set or released, its resumed promise and its next action, guarded by the balance read (and, for a new hold, no other plan). */
function invoiceItems(t: DynamoTable, c: PlanInvoiceChange, agreeing: boolean): TransactItem[] {
  const sets: string[] = [];
  const removes: string[] = [];
  const values: Record<string, unknown> = { ':balance': c.invoice.balance };
  if (c.hold) {
    sets.push('paymentPlan = :hold');
    values[':hold'] = c.hold;
  } else removes.push('paymentPlan');
  if (c.resume) {
    sets.push('promisedUntil = :until', 'promisedAtLevel = :atLevel');
    values[':until'] = c.resume.promisedUntil;
    values[':atLevel'] = c.resume.promisedAtLevel;
  }
  if (c.nextActionOn) {
    sets.push('nextActionOn = :next');
    values[':next'] = c.nextActionOn;
  }
  const update: TransactItem = {
    Update: {
      TableName: t.name,
      Key: Keys.invoice(c.invoice.number),
      UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' '),
      ConditionExpression: agreeing ? 'balance = :balance AND attribute_not_exists(paymentPlan)' : 'balance = :balance',
      ExpressionAttributeValues: values,
    },
  };
  const next: TransactItem[] = c.nextActionOn
    ? [{ Put: { TableName: t.name, Item: { ...Keys.nextAction(c.invoice.number), ...Keys.nextActionIndex(c.invoice.customerId, c.invoice.number, c.nextActionOn), type: ITEM_TYPES.nextAction, invoiceNumber: c.invoice.number, customerId: c.invoice.customerId, nextActionOn: c.nextActionOn } } }]
    : [];
  return [update, ...next];
}

export function dynamoPaymentPlans(t: DynamoTable): PaymentPlans {
  const getPlan = async (customerId: string, planId: string) => {
    const r = await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.paymentPlan(customerId, planId), ConsistentRead: true }));
    return r.Item ? strip(r.Item) : undefined;
  };
  return {
    get: getPlan,

    async ofCustomer(customerId) {
      const items = await queryAll<Record<string, unknown>>(t, {
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
        ExpressionAttributeValues: { ':pk': Keys.paymentPlan(customerId, '').pk, ':p': Keys.paymentPlanPrefix },
        ConsistentRead: true,
      });
      return items.map(strip).sort((a, b) => a.agreedAt.localeCompare(b.agreedAt) || a.planId.localeCompare(b.planId));
    },

    async agree(plan, invoices, audit) {
      try {
        await transactWrite(
          t,
          [
            { Put: { TableName: t.name, Item: { ...Keys.paymentPlan(plan.customerId, plan.planId), type: ITEM_TYPES.paymentPlan, ...plan, [VERSION_ATTRIBUTE]: 1 }, ConditionExpression: 'attribute_not_exists(pk)' } },
            ...invoices.flatMap((c) => invoiceItems(t, c, true)),
            ...auditItems(t, audit),
          ],
          1,
        );
        return 'agreed';
      } catch (error) {
        if (!isConditionFailure(error) && !isTransactionConflict(error)) throw error;
        const exists = await getPlan(plan.customerId, plan.planId);
        return exists ? 'exists' : 'changed';
      }
    },

    async change(before, after, invoices, audit) {
      const { version: _v, ...rest } = after;
      try {
        await transactWrite(
          t,
          [
            {
              Put: {
                TableName: t.name,
                Item: { ...Keys.paymentPlan(after.customerId, after.planId), type: ITEM_TYPES.paymentPlan, ...rest, [VERSION_ATTRIBUTE]: (before.version ?? 1) + 1 },
                ConditionExpression: '#version = :version',
                ExpressionAttributeNames: { '#version': VERSION_ATTRIBUTE },
                ExpressionAttributeValues: { ':version': before.version ?? 1 },
              },
            },
            ...invoices.flatMap((c) => invoiceItems(t, c, false)),
            ...(audit ? auditItems(t, audit) : []),
          ],
          1,
        );
        return 'done';
      } catch (error) {
        if (isConditionFailure(error) || isTransactionConflict(error)) return 'changed';
        throw error;
      }
    },
  };
}
