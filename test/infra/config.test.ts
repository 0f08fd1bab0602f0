/** lib/config.ts: cdk.json's `o2c` object, `-c o2c.<key>=...` overrides, and errors that name the key. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { ConfigError, configOverrides, dunningPolicy, parseConfig } from '../../lib/config.ts';
import { DEFAULT_DUNNING_POLICY } from '../../functions/domain/dunning.ts';

const root = resolve(import.meta.dirname, '../..');
const cdkContext = JSON.parse(readFileSync(join(root, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const base = cdkContext.o2c as Record<string, unknown>;

describe('parseConfig', () => {
  it('reads cdk.json as it is, filling the defaults', () => {
    const config = parseConfig(base);
    expect(config).toMatchObject({ stage: 'dev', senderAddress: 'billing@example.com', logRetentionDays: 30, backorderMaxAttempts: 24, collectionsAgencyAddress: 'cases@collections-agency.example' });
    expect(dunningPolicy(config)).toEqual({ ...DEFAULT_DUNNING_POLICY, minimumOverdue: { GBP: 500, EUR: 500 } });
  });

  it('checks the dunning policy at synth, naming the level and what is wrong; reads the old dunningLevels only without a policy', () => {
    const levels = (base.dunningPolicy as { levels: Record<string, unknown>[] }).levels;
    const withLevels = (l: unknown[]) => ({ ...base, dunningPolicy: { levels: l } });
    expect(() => parseConfig(withLevels([levels[1], levels[0]]))).toThrow(/o2c\.dunningPolicy\.levels\.1: offsetDays must be later than the level before \(7\)/);
    expect(() => parseConfig(withLevels([{ ...levels[0], fee: 'statutory' }]))).toThrow(/o2c\.dunningPolicy\.levels\.0: a level on or before the due date cannot charge a fee/);
    expect(() => parseConfig(withLevels([{ id: 'late', offsetDays: 7, tone: 'angry' }]))).toThrow(/o2c\.dunningPolicy\.levels\.0\.tone/);
    expect(() => parseConfig(withLevels([{ id: 'late', offsetDays: 7, tone: 'reminder', fee: { fixed: { GBP: '1.234' } } }]))).toThrow(/o2c\.dunningPolicy.*1\.234 has more than 2 decimal places for GBP/);
    const { collectionsAgencyAddress: _a, ...noAgency } = base;
    expect(() => parseConfig(noAgency)).toThrow(/o2c\.collectionsAgencyAddress: a dunning level hands debts to the agency/);
    const { dunningPolicy: _p, ...old } = noAgency;
    expect(dunningPolicy(parseConfig({ ...old, dunningLevels: [1, 7, 30] })).levels.map((l) => [l.id, l.offsetDays, l.tone])).toEqual([['day-1', 1, 'reminder'], ['day-7', 7, 'firm'], ['day-30', 30, 'final']]);
  });

  it('reads the object as a JSON string too (`-c o2c={...}`)', () => {
    expect(parseConfig(JSON.stringify({ ...base, stage: 'prod' })).stage).toBe('prod');
    expect(() => parseConfig('{nope')).toThrow(/context o2c is not valid JSON/);
    expect(() => parseConfig(undefined)).toThrow(/context o2c is missing/);
  });

  it.each([
    ['senderAddress', 'not-an-email'],
    ['financeRecipients', []],
    ['baseCurrency', 'gbp'],
    ['invoiceSeries', 'inv-1'],
    ['dunningLevels', [7, 1]],
    ['dunningLevels', [0, 7]],
    ['logRetentionDays', 31],
    ['timezone', 'Mars/Olympus'],
    ['dunningScheduleCron', '0 6 * * *'],
    ['stage', 'Prod'],
    ['sesSendRatePerSecond', 0],
  ])('rejects %s = %j, naming the key', (key, value) => {
    expect(() => parseConfig({ ...base, [key]: value })).toThrow(new RegExp(`o2c\\.${key}`));
    expect(() => parseConfig({ ...base, [key]: value })).toThrow(ConfigError);
  });

  it('defaults to RF references and the example account, and keeps a configured account in electronic format', () => {
    const config = parseConfig(base);
    expect(config.paymentReferenceScheme).toBe('rf');
    expect(config.bankAccount).toEqual({ iban: 'GB62DEMO00000012345678', bic: 'DEMOGB22', bankName: 'Demo Bank (example account: set bankAccount)' });
    const se = parseConfig({ ...base, paymentReferenceScheme: 'se-ocr', bankAccount: { iban: 'se45 5000 0000 0583 9825 7466', bic: 'eselsess', bankName: 'SEB' } });
    expect(se).toMatchObject({ paymentReferenceScheme: 'se-ocr', bankAccount: { iban: 'SE4550000000058398257466', bic: 'ESELSESS', bankName: 'SEB' } });
    expect(parseConfig(base, { paymentReferenceScheme: 'fi' }).paymentReferenceScheme).toBe('fi');
    expect(parseConfig(base, { bankAccount: '{"iban":"DE89370400440532013000","bic":"COBADEFFXXX"}' }).bankAccount).toEqual({ iban: 'DE89370400440532013000', bic: 'COBADEFFXXX' });
  });

  it.each([
    [{ paymentReferenceScheme: 'no-kid' }, /o2c\.paymentReferenceScheme/],
    [{ bankAccount: { iban: 'GB63DEMO00000012345678', bic: 'DEMOGB22' } }, /o2c\.bankAccount\.iban: IBAN "GB63DEMO00000012345678" has wrong check digits \(a typing error\?\)/],
    [{ bankAccount: { iban: 'GB62DEMO0000001234567', bic: 'DEMOGB22' } }, /o2c\.bankAccount\.iban: IBAN "GB62DEMO0000001234567" has the wrong length for its country/],
    [{ bankAccount: { iban: 'XX62DEMO00000012345678', bic: 'DEMOGB22' } }, /o2c\.bankAccount\.iban: .*does not start with a known country code/],
    [{ bankAccount: { iban: 'GB62DEMO00000012345678', bic: 'DEMO' } }, /o2c\.bankAccount\.bic: BIC "DEMO" is not a valid BIC/],
    [{ bankAccount: { iban: 'GB62DEMO00000012345678', bic: ' ' } }, /o2c\.bankAccount\.bic: a BIC is needed/],
    [{ bankAccount: { iban: 'GB62DEMO00000012345678' } }, /o2c\.bankAccount\.bic/],
  ])('stops on a bad payment setting %j, saying what is wrong', (extra, message) => {
    expect(() => parseConfig({ ...base, ...extra })).toThrow(message);
    expect(() => parseConfig({ ...base, ...extra })).toThrow(ConfigError);
  });

  it('rejects an unknown key, so a typo cannot fall back to a default', () => {
    expect(() => parseConfig({ ...base, sender: 'x@example.com' })).toThrow(/o2c\.sender: Unrecognized key/);
  });

  it('applies `-c o2c.<key>=value` overrides: text as text, anything else as JSON', () => {
    const overrides = configOverrides({
      'o2c.stage': 'prod',
      'o2c.companyName': '12345',
      'o2c.financeRecipients': '["a@acme.com","b@acme.com"]',
      'o2c.logRetentionDays': '90',
      other: 'ignored',
    });
    const config = parseConfig(base, overrides);
    expect(config).toMatchObject({ stage: 'prod', companyName: '12345', financeRecipients: ['a@acme.com', 'b@acme.com'], logRetentionDays: 90 });
    expect(() => parseConfig(base, { senderAddress: 'nope' })).toThrow(/o2c\.senderAddress/);
    expect(() => parseConfig(base, { compnyName: 'x' })).toThrow(/context o2c\.compnyName: unknown key/);
  });

  it('takes an https warehouseWebhookUrl (plain http only to this machine), none by default', () => {
    expect(parseConfig(base).warehouseWebhookUrl).toBeUndefined();
    expect(parseConfig(base, { warehouseWebhookUrl: 'https://wms.acme.example/o2c/requests' }).warehouseWebhookUrl).toBe('https://wms.acme.example/o2c/requests');
    expect(parseConfig(base, { warehouseWebhookUrl: 'http://127.0.0.1:9000/hook' }).warehouseWebhookUrl).toBe('http://127.0.0.1:9000/hook');
    expect(() => parseConfig(base, { warehouseWebhookUrl: 'http://wms.acme.example/hook' })).toThrow(/o2c\.warehouseWebhookUrl: an https:\/\/ URL/);
    expect(() => parseConfig(base, { warehouseWebhookUrl: 'https://user:pw@wms.acme.example/' })).toThrow(/o2c\.warehouseWebhookUrl: no credentials/);
    expect(() => parseConfig(base, { warehouseWebhookUrl: 'ftp://wms.acme.example/' })).toThrow(/o2c\.warehouseWebhookUrl/);
  });
});

describe('the app', () => {
  it('stops synth with the key that is wrong', () => {
    const bad = { ...cdkContext, 'aws:cdk:bundling-stacks': [], o2c: { ...base, senderAddress: 'not-an-email', dunningLevels: [7, 1] } };
    expect(() => buildApp({ context: bad, nag: false })).toThrow(/o2c\.senderAddress.*o2c\.dunningLevels: must be ascending|o2c\.dunningLevels.*o2c\.senderAddress/s);
  });

  it('takes per-key overrides from context and names both stacks after the stage', () => {
    const { stack, data } = buildApp({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], 'o2c.stage': 'prod' }, nag: false });
    expect(stack.stackName).toBe('O2c-prod');
    expect(data.stackName).toBe('O2c-prod-data');
  });
});

describe('the stateful stack outside dev', () => {
  it('retains the table (with deletion protection) and every queue, and protects the stack from deletion', () => {
    const previous = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    try {
      const { app, stack, data } = buildApp({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], 'o2c.stage': 'prod' }, nag: false });
      const assembly = app.synth();
      type Resources = Record<string, { Type: string; DeletionPolicy?: string; UpdateReplacePolicy?: string; Properties: Record<string, any> }>;
      const dataResources = Object.values(assembly.getStackArtifact(data.artifactId).template.Resources as Resources);
      const [table] = dataResources.filter((r) => r.Type === 'AWS::DynamoDB::GlobalTable');
      expect(table).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain', Properties: { Replicas: [{ DeletionProtectionEnabled: true }] } });
      const queues = dataResources.filter((r) => r.Type === 'AWS::SQS::Queue');
      expect(queues).toHaveLength(20);
      for (const q of queues) expect(q).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      const buckets = dataResources.filter((r) => r.Type === 'AWS::S3::Bucket');
      expect(buckets).toHaveLength(2);
      for (const b of buckets) expect(b).toMatchObject({ DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' });
      // The o2c event bus carries the sellers' own rules: kept like the data.
      expect(dataResources.filter((r) => r.Type === 'AWS::Events::EventBus')).toEqual([expect.objectContaining({ DeletionPolicy: 'Retain', Properties: expect.objectContaining({ Name: 'O2c-prod' }) })]);
      expect(data.terminationProtection).toBe(true);
      // The stateless stack can be replaced at will: it holds nothing that keeps data.
      const appTypes = new Set(Object.values(assembly.getStackArtifact(stack.artifactId).template.Resources as Resources).map((r) => r.Type));
      for (const type of ['AWS::DynamoDB::GlobalTable', 'AWS::SQS::Queue', 'AWS::SecretsManager::Secret', 'AWS::SES::EmailIdentity', 'AWS::S3::Bucket']) expect(appTypes.has(type), type).toBe(false);
      expect(stack.terminationProtection).toBe(false);
    } finally {
      if (previous === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = previous;
    }
  });

  it('is not protected in dev, so a developer stack can be torn down', () => {
    const { data } = buildApp({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] }, nag: false });
    expect(data.terminationProtection).toBe(false);
  });
});

describe('bankCsvMapping', () => {
  const UK = { decimal: '.', dateFormat: 'DD/MM/YYYY', columns: { date: 'Date', amount: 'Amount', payerName: 'Payer', reference: 'Reference', entryRef: 'Transaction ID' }, currency: 'GBP', accountIban: 'GB33BUKB20201555555555' };

  it('is checked at synth, naming what is wrong; absent by default (CSV files refused)', () => {
    expect(parseConfig(base).bankCsvMapping).toBeUndefined();
    expect(parseConfig({ ...base, bankCsvMapping: UK }).bankCsvMapping).toEqual(UK);
    const { currency: _c, ...noCurrency } = UK;
    expect(() => parseConfig({ ...base, bankCsvMapping: noCurrency })).toThrow(/o2c\.bankCsvMapping\.currency: name the currency column/);
    expect(() => parseConfig({ ...base, bankCsvMapping: { ...UK, dateFormat: 'D/M/YY' } })).toThrow(/o2c\.bankCsvMapping\.dateFormat/);
    expect(() => parseConfig({ ...base, bankCsvMapping: { ...UK, accountIban: 'GB00NOPE' } })).toThrow(/o2c\.bankCsvMapping\.accountIban: a valid IBAN/);
    expect(() => parseConfig({ ...base, bankCsvMapping: { ...UK, delimiter: ',', decimal: ',' } })).toThrow(/o2c\.bankCsvMapping\.delimiter: the decimal mark cannot also be the delimiter/);
    expect(() => parseConfig({ ...base, bankCsvMapping: { ...UK, columns: { ...UK.columns, colour: 'x' } } })).toThrow(/o2c\.bankCsvMapping\.columns/);
  });

  it('is bound to bank-import only, as BANK_CSV_MAPPING', () => {
    const previous = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    try {
      const { app, stack } = buildApp({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], 'o2c.bankCsvMapping': JSON.stringify(UK) }, nag: false });
      const resources = Object.values(app.synth().getStackArtifact(stack.artifactId).template.Resources as Record<string, { Type: string; Properties: Record<string, any> }>);
      const withMapping = resources.filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.BANK_CSV_MAPPING !== undefined);
      expect(withMapping.map((r) => r.Properties.Environment.Variables.O2C_FUNCTION)).toEqual(['bank-import']);
      expect(JSON.parse(withMapping[0]!.Properties.Environment.Variables.BANK_CSV_MAPPING)).toEqual(UK);
    } finally {
      if (previous === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = previous;
    }
  });
});
