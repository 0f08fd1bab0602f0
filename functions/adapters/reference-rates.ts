/**
 * Reference rates (port `ReferenceRateStore`): the latest day's rates in
 * `RATES / LATEST`, replaced only by a later day (conditional put), and each
 * day's as published in `RATES / <day>`, put once (what a decision used can
 * be looked up later).
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { ReferenceRates } from '#domain/fx';
import type { ReferenceRateStore } from '../ports.ts';
import { isConditionFailure, type DynamoTable } from './dynamo.ts';
import { ITEM_TYPES, Keys } from './table-schema.ts';

export function dynamoReferenceRates(t: DynamoTable): ReferenceRateStore {
  const put = async (item: Record<string, unknown>, condition: string, values?: Record<string, unknown>) => {
    try {
      await t.doc().send(new PutCommand({ TableName: t.name, Item: item, ConditionExpression: condition, ...(values ? { ExpressionAttributeNames: { '#on': 'on' }, ExpressionAttributeValues: values } : {}) }));
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  };
  return {
    async latest() {
      const item = (await t.doc().send(new GetCommand({ TableName: t.name, Key: Keys.referenceRates('LATEST') }))).Item;
      return item ? { on: item.on as string, base: item.base as string, rates: item.rates as Record<string, string> } : undefined;
    },
    async save(rates, at) {
      const record = { type: ITEM_TYPES.referenceRates, on: rates.on, base: rates.base, rates: rates.rates, savedAt: at };
      await put({ ...Keys.referenceRates(rates.on), ...record }, 'attribute_not_exists(pk)');
      const saved = await put({ ...Keys.referenceRates('LATEST'), ...record }, 'attribute_not_exists(pk) OR #on < :on', { ':on': rates.on });
      return saved ? 'saved' : 'unchanged';
    },
  };
}
