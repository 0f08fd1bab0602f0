/**
 * The bindings contract: every environment variable an o2c function reads is
 * declared here once — its name, how it is parsed, and which `O2cFunction`
 * binder sets it — and each function's manifest lists the bindings it reads.
 *
 * - `lib/constructs/o2c-function.ts` sets variables only through these
 *   declarations (`bindTable`, `bindQueue`, `bindSecret`, `bindStateMachine`,
 *   `bindCompany`, `bindSettings`, `bindMailer`), so a name is never typed twice.
 * - `functions/runtime/bindings.ts` reads a handler's manifest once at load,
 *   parsing every value and failing the cold start with the variable's name.
 * - test/infra checks that each synthesized function gets exactly the
 *   variables of its manifest (required ones always, optional ones never from
 *   an unexpected binder).
 *
 * Pure: no AWS, no Powertools (lib/ imports it).
 */

/** How a variable is turned into a value. */
export type BindingKind = 'text' | 'int' | 'list' | 'json';

/** Which binder of O2cFunction sets it (`local` = only the local runtime and tests, for development secrets). */
export type Binder = 'bindTable' | 'bindQueue' | 'bindSecret' | 'bindStateMachine' | 'bindOrderSteps' | 'bindCompany' | 'bindSettings' | 'bindMailer' | 'bindEventBus' | 'bindApiUrl' | 'local';

export interface BindingSpec {
  readonly kind: BindingKind;
  readonly setBy: Binder;
  /** Optional bindings may be absent; the reader then yields undefined (no hidden defaults). */
  readonly optional?: true;
  readonly doc: string;
}

export const BINDINGS = {
  TABLE_NAME: { kind: 'text', setBy: 'bindTable', doc: 'the single DynamoDB table' },
  ORDERS_QUEUE_URL: { kind: 'text', setBy: 'bindQueue', doc: 'accepted orders, for start-order' },
  PAYMENTS_QUEUE_URL: { kind: 'text', setBy: 'bindQueue', doc: 'payments to apply' },
  DUNNING_QUEUE_URL: { kind: 'text', setBy: 'bindQueue', doc: 'reminders to render' },
  DUNNING_SHARDS_QUEUE_URL: { kind: 'text', setBy: 'bindQueue', doc: 'the shards of a dunning run (one message per shard of the next-action index), for run-dunning-shard' },
  MAIL_QUEUE_URL: { kind: 'text', setBy: 'bindQueue', doc: 'every outgoing email' },
  DOCUMENTS_QUEUE_URL: { kind: 'text', setBy: 'bindQueue', doc: 'emails with documents to render and attach (invoice, credit note, statement PDFs), for render-documents' },
  REFUNDS_QUEUE_URL: { kind: 'text', setBy: 'bindQueue', doc: 'refunds to make, and invoiced orders cancelled by a platform, for refund-payment' },
  WAREHOUSE_REQUESTS_QUEUE_URL: { kind: 'text', setBy: 'bindQueue', doc: 'fulfilment requests to deliver to the warehouse webhook, for send-fulfilment-request' },
  STATE_MACHINE_ARN: { kind: 'text', setBy: 'bindStateMachine', doc: 'the order-to-cash workflow' },
  ORDER_STEPS_ARN: { kind: 'text', setBy: 'bindOrderSteps', doc: "the order steps (Express): the warehouse's answer starts them from ShipOrder" },
  EVENT_BUS_NAME: { kind: 'text', setBy: 'bindEventBus', doc: 'the o2c EventBridge bus (O2c-<stage>) facts are published on' },
  PUBLIC_API_URL: { kind: 'text', setBy: 'bindApiUrl', doc: "the HTTP API's public base URL (the warehouse's callback is under it)" },
  WAREHOUSE_WEBHOOK_SECRET_ARN: { kind: 'text', setBy: 'bindSecret', doc: 'secret the warehouse webhook deliveries are signed with (HMAC-SHA256)' },
  API_KEY_SECRET_ARN: { kind: 'text', setBy: 'bindSecret', doc: 'B2B order API key ({"current","previous"} during rotation)' },
  WAREHOUSE_KEY_SECRET_ARN: { kind: 'text', setBy: 'bindSecret', doc: 'warehouse/3PL callback key ({"current","previous"} during rotation)' },
  WEBHOOK_SECRETS_ARN: { kind: 'text', setBy: 'bindSecret', doc: 'platform webhook signing secrets' },
  STRIPE_SECRET_ARN: { kind: 'text', setBy: 'bindSecret', doc: 'Stripe secret API key for refunds ("sk_…" or {"secretKey": "sk_…"})' },
  COMPANY_NAME: { kind: 'text', setBy: 'bindCompany', doc: 'seller name on documents and emails' },
  COMPANY_ADDRESS: { kind: 'json', setBy: 'bindCompany', doc: 'seller address lines (JSON array)' },
  BASE_CURRENCY: { kind: 'text', setBy: 'bindCompany', doc: 'ISO 4217 code of the books' },
  TIMEZONE: { kind: 'text', setBy: 'bindCompany', doc: "IANA zone of the seller's calendar" },
  DEFAULT_TERMS: { kind: 'json', setBy: 'bindCompany', doc: 'payment terms when neither order nor customer has any' },
  TAX_POLICY: { kind: 'json', setBy: 'bindCompany', doc: 'tax rounding mode and level' },
  PAYMENT_REFERENCE_SCHEME: { kind: 'text', setBy: 'bindCompany', doc: 'structured payment reference printed on invoices (rf, se-ocr, fi)' },
  BANK_ACCOUNT: { kind: 'json', setBy: 'bindCompany', doc: "the seller's bank account customers pay to ({iban, bic, bankName?})" },
  COMPANY_LEGAL: { kind: 'json', setBy: 'bindCompany', doc: "the seller's legal identity on invoices and e-invoices ({legalName, country, vatNumber?, registration?, postalAddress?, peppolId?, reverseCharge})" },
  DEFAULT_LANGUAGE: { kind: 'text', setBy: 'bindCompany', doc: 'language of customers who have none (en, sv, zh, ja, ru)' },
  FINANCE_RECIPIENTS: { kind: 'list', setBy: 'bindSettings', doc: 'finance team addresses (credit reviews, reports)' },
  INVOICE_SERIES: { kind: 'text', setBy: 'bindSettings', doc: 'invoice number series' },
  REPORT_RECIPIENTS: { kind: 'json', setBy: 'bindSettings', doc: 'who receives each finance pack ({"flash": [...], "weekly": [...], "month-end": [...]})' },
  BANK_CSV_MAPPING: { kind: 'json', setBy: 'bindSettings', optional: true, doc: "the column mapping of the bank's CSV export (bankCsvMapping); absent = CSV files are refused" },
  CASH_MATCHING: { kind: 'json', setBy: 'bindSettings', doc: 'cash matching: auto-apply confidence, payer-name score, short-payment tolerance (ppm, minor units per currency) — cashMatching' },
  DUNNING_POLICY: { kind: 'json', setBy: 'bindSettings', doc: 'the dunning policy: levels, fees, actions, minimum per currency (minor units, ppm)' },
  COLLECTIONS_AGENCY_ADDRESS: { kind: 'text', setBy: 'bindSettings', optional: true, doc: 'where debts handed to the collection agency are sent' },
  BACKORDER_MAX_ATTEMPTS: { kind: 'int', setBy: 'bindSettings', doc: 'stock re-checks before a backorder is rejected' },
  BACKORDER_POLICY: { kind: 'text', setBy: 'bindSettings', doc: 'an order short of stock: "ship-available" (what is there now, the rest later), "wait" (all of it, re-checked) or "reject"' },
  CUSTOMER_EMAILS: { kind: 'list', setBy: 'bindSettings', doc: 'the customer notifications sent by email (customerEmails: confirmation, backorder, shipment, cancellation, invoice, rejection, refund)' },
  INVOICE_ON: { kind: 'text', setBy: 'bindSettings', doc: 'an order shipped in parts is invoiced per "shipment" or once per "order" (invoiceOn)' },
  PROMISED_DELIVERY_DAYS: { kind: 'int', setBy: 'bindSettings', doc: 'delivery promise for the carrier choice' },
  CARRIER_RATES: { kind: 'json', setBy: 'bindSettings', optional: true, doc: 'carrier rate table; absent = the built-in GBP table' },
  CREDIT_NOTE_SERIES: { kind: 'text', setBy: 'bindSettings', doc: 'credit note number series' },
  NEW_CUSTOMER_CREDIT_LIMITS: { kind: 'json', setBy: 'bindSettings', doc: 'credit limit a new customer gets, per currency, in minor units ({"GBP": 0})' },
  STRIPE_API_URL: { kind: 'text', setBy: 'bindSettings', doc: "base URL of Stripe's API (https://api.stripe.com; the local emulator in npm start)" },
  CREDIT_REFERENCE_RATES: { kind: 'json', setBy: 'bindSettings', optional: true, doc: 'reference exchange rates for the credit exposure ({on, base, rates}); absent = other currencies are not converted' },
  CREDIT_RATES_SOURCE_URL: { kind: 'text', setBy: 'bindSettings', doc: "where refresh-rates reads reference rates (the ECB's daily file or one in its layout)" },
  CREDIT_SECOND_APPROVERS: { kind: 'list', setBy: 'bindSettings', optional: true, doc: 'who decides a credit review left undecided past its timeout' },
  DUNNING_PAYMENT_LINKS: { kind: 'text', setBy: 'bindSettings', optional: true, doc: 'online payment links in dunning letters (dunningPaymentLinks): "stripe" = a Stripe Payment Link per invoice and level; absent = none' },
  WAREHOUSE_WEBHOOK_URL: { kind: 'text', setBy: 'bindSettings', optional: true, doc: "the seller's warehouse webhook; absent = no webhook (only the event)" },
  SENDER_ADDRESS: { kind: 'text', setBy: 'bindMailer', doc: 'SES From address' },
  SES_CONFIGURATION_SET: { kind: 'text', setBy: 'bindMailer', doc: 'SES configuration set' },
  MAIL_MIN_INTERVAL_MS: { kind: 'int', setBy: 'bindMailer', doc: "pacing of one sender instance (the SES rate shared by the pollers)" },
  MAIL_IDEMPOTENCY_SECONDS: { kind: 'int', setBy: 'local', optional: true, doc: 'send-mail idempotency record lifetime (tests shorten it; default 7 days)' },
  O2C_API_KEY: { kind: 'text', setBy: 'local', optional: true, doc: 'development B2B API key (local stack only)' },
  O2C_WAREHOUSE_KEY: { kind: 'text', setBy: 'local', optional: true, doc: 'development warehouse key (local stack only)' },
  O2C_FINANCE_KEY: { kind: 'text', setBy: 'local', optional: true, doc: 'development finance key, standing in for IAM where there is no authorizer (local stack only)' },
  O2C_SHOPIFY_WEBHOOK_SECRET: { kind: 'text', setBy: 'local', optional: true, doc: 'development Shopify signing secret' },
  O2C_WOOCOMMERCE_WEBHOOK_SECRET: { kind: 'text', setBy: 'local', optional: true, doc: 'development WooCommerce signing secret' },
  O2C_STRIPE_WEBHOOK_SECRET: { kind: 'text', setBy: 'local', optional: true, doc: 'development Stripe signing secret' },
  O2C_STRIPE_SECRET_KEY: { kind: 'text', setBy: 'local', optional: true, doc: 'development Stripe secret key, accepted by the local Stripe emulator' },
  O2C_WAREHOUSE_WEBHOOK_SECRET: { kind: 'text', setBy: 'local', optional: true, doc: 'development warehouse webhook signing secret (local stack only)' },
} as const satisfies Record<string, BindingSpec>;

export type BindingName = keyof typeof BINDINGS;

/** The bindings one binder sets, in declaration order. */
export function bindingsSetBy(binder: Binder): BindingName[] {
  return (Object.keys(BINDINGS) as BindingName[]).filter((n) => BINDINGS[n].setBy === binder);
}

const COMPANY = bindingsSetBy('bindCompany');
/** Every function that checks a key can tell whose it is: the right role passes, another role's key is a 403, anything else a 401. */
const CALLER_KEYS = ['API_KEY_SECRET_ARN', 'WAREHOUSE_KEY_SECRET_ARN', 'O2C_API_KEY', 'O2C_WAREHOUSE_KEY', 'O2C_FINANCE_KEY'] as const;

/** What each function reads. A handler reads its own manifest (runtime/bindings.ts); nothing else is in its env. */
export const FUNCTION_BINDINGS = {
  intake: ['TABLE_NAME', 'ORDERS_QUEUE_URL', 'PAYMENTS_QUEUE_URL', 'REFUNDS_QUEUE_URL', 'STATE_MACHINE_ARN', 'WEBHOOK_SECRETS_ARN', ...CALLER_KEYS, ...COMPANY, 'NEW_CUSTOMER_CREDIT_LIMITS', 'O2C_SHOPIFY_WEBHOOK_SECRET', 'O2C_WOOCOMMERCE_WEBHOOK_SECRET', 'O2C_STRIPE_WEBHOOK_SECRET'],
  'start-order': ['STATE_MACHINE_ARN', 'TABLE_NAME'],
  'validate-order': ['TABLE_NAME', 'BACKORDER_MAX_ATTEMPTS', 'BACKORDER_POLICY'],
  'check-credit': ['TABLE_NAME', 'CREDIT_REFERENCE_RATES', ...COMPANY],
  'request-credit-review': ['TABLE_NAME', 'MAIL_QUEUE_URL', 'FINANCE_RECIPIENTS', 'CREDIT_REFERENCE_RATES', 'CREDIT_SECOND_APPROVERS', ...COMPANY],
  'decide-credit': ['TABLE_NAME', 'CREDIT_REFERENCE_RATES', ...CALLER_KEYS, ...COMPANY],
  'confirm-order': ['TABLE_NAME', 'MAIL_QUEUE_URL', 'CUSTOMER_EMAILS', ...COMPANY],
  'fulfil-order': ['TABLE_NAME', 'PROMISED_DELIVERY_DAYS', 'CARRIER_RATES', 'WAREHOUSE_REQUESTS_QUEUE_URL', 'EVENT_BUS_NAME', 'PUBLIC_API_URL'],
  'send-fulfilment-request': ['TABLE_NAME', 'WAREHOUSE_WEBHOOK_URL', 'WAREHOUSE_WEBHOOK_SECRET_ARN', 'O2C_WAREHOUSE_WEBHOOK_SECRET'],
  'release-stock': ['TABLE_NAME'],
  'fulfilment-callback': ['TABLE_NAME', 'ORDER_STEPS_ARN', 'MAIL_QUEUE_URL', 'DOCUMENTS_QUEUE_URL', 'REFUNDS_QUEUE_URL', 'INVOICE_SERIES', 'DUNNING_POLICY', 'INVOICE_ON', 'CUSTOMER_EMAILS', ...CALLER_KEYS, ...COMPANY],
  'ship-order': ['TABLE_NAME', 'MAIL_QUEUE_URL', 'CUSTOMER_EMAILS', ...COMPANY],
  'issue-invoice': ['TABLE_NAME', 'DOCUMENTS_QUEUE_URL', 'REFUNDS_QUEUE_URL', 'INVOICE_SERIES', 'DUNNING_POLICY', 'INVOICE_ON', 'CUSTOMER_EMAILS', ...COMPANY],
  'reject-order': ['TABLE_NAME', 'MAIL_QUEUE_URL', 'REFUNDS_QUEUE_URL', 'CUSTOMER_EMAILS', ...COMPANY],
  'apply-payment': ['TABLE_NAME', 'MAIL_QUEUE_URL', 'INVOICE_SERIES', 'CASH_MATCHING', 'FINANCE_RECIPIENTS', ...COMPANY],
  'plan-dunning': ['TABLE_NAME', 'DUNNING_SHARDS_QUEUE_URL', 'DUNNING_POLICY', ...COMPANY],
  'run-dunning-shard': ['TABLE_NAME', 'DUNNING_QUEUE_URL', 'DUNNING_POLICY', 'MAIL_QUEUE_URL', 'FINANCE_RECIPIENTS', ...COMPANY],
  'send-reminder': ['TABLE_NAME', 'MAIL_QUEUE_URL', 'DOCUMENTS_QUEUE_URL', 'DUNNING_POLICY', 'COLLECTIONS_AGENCY_ADDRESS', 'DUNNING_PAYMENT_LINKS', 'STRIPE_API_URL', 'STRIPE_SECRET_ARN', 'O2C_STRIPE_SECRET_KEY', ...COMPANY],
  'build-report': ['TABLE_NAME', 'MAIL_QUEUE_URL', 'REPORT_RECIPIENTS', ...COMPANY],
  'refresh-rates': ['TABLE_NAME', 'CREDIT_RATES_SOURCE_URL'],
  finance: ['TABLE_NAME', 'DOCUMENTS_QUEUE_URL', 'CREDIT_NOTE_SERIES', 'NEW_CUSTOMER_CREDIT_LIMITS', ...CALLER_KEYS, ...COMPANY],
  'payment-plans': ['TABLE_NAME', 'MAIL_QUEUE_URL', ...CALLER_KEYS, ...COMPANY],
  'finance-cash': ['TABLE_NAME', 'PAYMENTS_QUEUE_URL', ...CALLER_KEYS, ...COMPANY],
  'refund-payment': ['TABLE_NAME', 'MAIL_QUEUE_URL', 'DOCUMENTS_QUEUE_URL', 'FINANCE_RECIPIENTS', 'CREDIT_NOTE_SERIES', 'STRIPE_SECRET_ARN', 'STRIPE_API_URL', 'O2C_STRIPE_SECRET_KEY', 'CUSTOMER_EMAILS', ...COMPANY],
  'bank-import': ['TABLE_NAME', 'PAYMENTS_QUEUE_URL', 'MAIL_QUEUE_URL', 'FINANCE_RECIPIENTS', 'BANK_CSV_MAPPING', ...CALLER_KEYS, ...COMPANY],
  'render-documents': ['TABLE_NAME', 'MAIL_QUEUE_URL', ...COMPANY],
  'send-mail': ['TABLE_NAME', 'SENDER_ADDRESS', 'SES_CONFIGURATION_SET', 'MAIL_MIN_INTERVAL_MS', 'MAIL_IDEMPOTENCY_SECONDS'],
} as const satisfies Record<string, readonly BindingName[]>;

export type FunctionName = keyof typeof FUNCTION_BINDINGS;
export const FUNCTION_NAMES = Object.keys(FUNCTION_BINDINGS) as FunctionName[];
