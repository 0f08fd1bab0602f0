/**
 * O2cFunction's binders hold to the bindings contract (functions/bindings.ts):
 * each sets only the names declared for it, only what the function's manifest
 * lists, and synth fails when a required binding was never bound.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../lib/config.ts';
import { functionsOf } from '../../lib/constructs/o2c-function.ts';

const root = resolve(import.meta.dirname, '../..');
const config = parseConfig((JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')).context as Record<string, unknown>).o2c);
const setup = () => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'Test');
  return { app, stack, fn: functionsOf(stack, config), queue: new Queue(stack, 'Queue', { visibilityTimeout: Duration.minutes(3) }) };
};
const envOf = (f: Construct) => (Stack.of(f).resolve((f.node.defaultChild as CfnFunction).environment) as { variables: Record<string, string> }).variables;

describe('O2cFunction binders', () => {
  it('refuse a binding name declared for another binder', () => {
    const { fn, queue } = setup();
    const intake = fn('intake', 'test');
    expect(() => intake.bindQueue('TABLE_NAME' as never, queue)).toThrow(/intake: TABLE_NAME is set by bindTable, not bindQueue/);
    expect(() => intake.bindSecret('ORDERS_QUEUE_URL' as never, {} as never)).toThrow(/ORDERS_QUEUE_URL is set by bindQueue, not bindSecret/);
  });

  it("refuse a binding the function's manifest does not list", () => {
    const { fn, queue } = setup();
    expect(() => fn('check-credit', 'test').bindQueue('MAIL_QUEUE_URL', queue)).toThrow(/check-credit does not read MAIL_QUEUE_URL: list it in FUNCTION_BINDINGS\['check-credit'\]/);
    expect(() => fn('validate-order', 'test').bindCompany(config)).toThrow(/validate-order does not read COMPANY_NAME/);
  });

  it('fail the synth when a required binding of the manifest was never bound', () => {
    const { app, fn } = setup();
    fn('check-credit', 'test');
    expect(() => app.synth()).toThrow(/check-credit reads TABLE_NAME \(FUNCTION_BINDINGS\), but nothing bound it: call bindTable/);
  });

  it('set every company variable from the configuration, and leave an optional setting without a config key unset', () => {
    const { fn } = setup();
    const confirm = fn('confirm-order', 'test').bindCompany(config);
    expect(envOf(confirm)).toMatchObject({
      COMPANY_NAME: 'Example Trading Ltd',
      COMPANY_ADDRESS: JSON.stringify(config.companyAddress),
      BASE_CURRENCY: 'GBP',
      TIMEZONE: 'Europe/London',
      DEFAULT_TERMS: JSON.stringify({ netDays: 30, discount: { ratePpm: 20_000, days: 10 } }),
      TAX_POLICY: JSON.stringify({ rounding: 'half-up', level: 'line' }),
    });
    const fulfil = fn('fulfil-order', 'test').bindSettings(config, ['PROMISED_DELIVERY_DAYS', 'CARRIER_RATES']);
    expect(envOf(fulfil).PROMISED_DELIVERY_DAYS).toBe('3');
    expect(envOf(fulfil)).not.toHaveProperty('CARRIER_RATES');
  });

  it('refuse to consume a queue whose visibility timeout is under 6× the function timeout', () => {
    const { fn, queue } = setup();
    expect(() => fn('apply-payment', 'test', { timeout: Duration.seconds(31) }).consume(queue)).toThrow(/visibility timeout 180 s is under 6×/);
    expect(() => fn('start-order', 'test').consume(queue)).not.toThrow();
  });
});
