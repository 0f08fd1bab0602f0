/**
 * Test values for every binding of the contract (functions/bindings.ts), so a
 * handler module can load in a test: `setTestBindings()` before importing it.
 */
import { BINDINGS, type BindingName } from '../../functions/bindings.ts';
import { DEFAULT_DUNNING_POLICY } from '../../functions/domain/dunning.ts';

export const TEST_API_KEY = 'test-key';
export const TEST_WAREHOUSE_KEY = 'test-warehouse-key';
export const TEST_FINANCE_KEY = 'test-finance-key';

export const TEST_BINDINGS: Partial<Record<BindingName, string>> = {
  TABLE_NAME: 'o2c-test',
  ORDERS_QUEUE_URL: 'http://sqs.local/000000000000/orders',
  PAYMENTS_QUEUE_URL: 'http://sqs.local/000000000000/payments',
  DUNNING_QUEUE_URL: 'http://sqs.local/000000000000/dunning',
  MAIL_QUEUE_URL: 'http://sqs.local/000000000000/mail',
  DOCUMENTS_QUEUE_URL: 'http://sqs.local/000000000000/documents',
  REFUNDS_QUEUE_URL: 'http://sqs.local/000000000000/refunds',
  STRIPE_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:o2c-stripe-key',
  STRIPE_API_URL: 'http://127.0.0.1:9/',
  STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:000000000000:stateMachine:order-to-cash',
  ORDER_STEPS_ARN: 'arn:aws:states:eu-west-1:000000000000:stateMachine:order-steps',
  API_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:o2c-api-key',
  WAREHOUSE_KEY_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:o2c-warehouse-key',
  WEBHOOK_SECRETS_ARN: 'arn:aws:secretsmanager:eu-west-1:000000000000:secret:o2c-webhooks',
  COMPANY_NAME: 'Example Trading Ltd',
  COMPANY_ADDRESS: JSON.stringify(['1 Example Street', 'London EC1A 1AA', 'United Kingdom']),
  BASE_CURRENCY: 'GBP',
  TIMEZONE: 'Europe/London',
  DEFAULT_TERMS: JSON.stringify({ netDays: 30 }),
  TAX_POLICY: JSON.stringify({ rounding: 'half-up', level: 'line' }),
  PAYMENT_REFERENCE_SCHEME: 'rf',
  DEFAULT_LANGUAGE: 'en',
  BANK_ACCOUNT: JSON.stringify({ iban: 'GB62DEMO00000012345678', bic: 'DEMOGB22', bankName: 'Demo Bank' }),
  COMPANY_LEGAL: JSON.stringify({ legalName: 'Example Trading Limited', country: 'GB', vatNumber: 'GB123456789', registration: '01234567', postalAddress: { line1: '1 Example Street', city: 'London', postalCode: 'EC1A 1AA', country: 'GB' }, reverseCharge: false }),
  FINANCE_RECIPIENTS: 'finance@example.com',
  INVOICE_SERIES: 'INV',
  CREDIT_NOTE_SERIES: 'CN',
  NEW_CUSTOMER_CREDIT_LIMITS: '{}',
  DUNNING_POLICY: JSON.stringify(DEFAULT_DUNNING_POLICY),
  CASH_MATCHING: JSON.stringify({ autoApplyConfidence: 0.9, minNameScore: 0.8, shortPaymentTolerance: { ppm: 10_000 } }),
  COLLECTIONS_AGENCY_ADDRESS: 'cases@agency.example',
  BACKORDER_MAX_ATTEMPTS: '3',
  PROMISED_DELIVERY_DAYS: '3',
  INVOICE_ON: 'order',
  CUSTOMER_EMAILS: 'confirmation,backorder,shipment,cancellation,invoice,rejection,refund',
  BACKORDER_POLICY: 'wait',
  SENDER_ADDRESS: 'billing@example.com',
  SES_CONFIGURATION_SET: 'o2c-test',
  MAIL_MIN_INTERVAL_MS: '0',
  O2C_API_KEY: TEST_API_KEY,
  O2C_WAREHOUSE_KEY: TEST_WAREHOUSE_KEY,
  O2C_FINANCE_KEY: TEST_FINANCE_KEY,
  O2C_SHOPIFY_WEBHOOK_SECRET: 'test-shopify-secret',
  O2C_WOOCOMMERCE_WEBHOOK_SECRET: 'test-woo-secret',
  O2C_STRIPE_WEBHOOK_SECRET: 'whsec_test',
  O2C_STRIPE_SECRET_KEY: 'sk_test_o2c',
};

/** Sets every binding (test values, then `overrides`); a binding set to undefined is removed. */
export function setTestBindings(overrides: Partial<Record<BindingName, string | undefined>> = {}): void {
  for (const name of Object.keys(BINDINGS) as BindingName[]) {
    const value = name in overrides ? overrides[name] : TEST_BINDINGS[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}
