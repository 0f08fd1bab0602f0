/** lib/config.ts: cdk.json's `o2c` object, `-c o2c.<key>=...` overrides, and errors that name the key. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../lib/app.ts';
import { ConfigError, companyLegal, configOverrides, dunningPolicy, matchPolicy, parseConfig, reportRecipients, reportSchedules } from '../../lib/config.ts';
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

  it('the seller’s legal identity: the legal name defaults to companyName, the country to the address’s, then the VAT prefix', () => {
    expect(companyLegal(parseConfig(base))).toMatchObject({ legalName: 'Example Trading Limited', country: 'GB', vatNumber: 'GB123456789', reverseCharge: false });
    const { companyLegalName: _n, companyVatNumber: _v, companyRegistration: _r, companyPostalAddress: _a, ...bare } = base as Record<string, unknown>;
    expect(companyLegal(parseConfig(bare))).toEqual({ legalName: base.companyName, country: 'GB', reverseCharge: false });
    const full = parseConfig({
      ...bare,
      companyLegalName: 'Acme Handel AB',
      companyVatNumber: 'se556677889901',
      companyRegistration: '556677-8899',
      companyPostalAddress: { line1: 'Storgatan 1', city: 'Stockholm', postalCode: '111 22', country: 'SE' },
      companyPeppolId: { scheme: '0007', id: '5566778899' },
      vatReverseCharge: true,
    });
    expect(companyLegal(full)).toEqual({
      legalName: 'Acme Handel AB',
      country: 'SE',
      vatNumber: 'SE556677889901',
      registration: '556677-8899',
      postalAddress: { line1: 'Storgatan 1', city: 'Stockholm', postalCode: '111 22', country: 'SE' },
      peppolId: { scheme: '0007', id: '5566778899' },
      reverseCharge: true,
    });
    expect(companyLegal(parseConfig({ ...bare, companyVatNumber: 'EL094259216' })).country).toBe('GR');
    expect(companyLegal(parseConfig({ ...base, companyCountry: 'IE' })).country).toBe('IE');
  });

  it.each([
    [{ companyVatNumber: '123456789' }, /o2c\.companyVatNumber: a VAT number with its country prefix/],
    [{ companyCountry: 'Sweden' }, /o2c\.companyCountry: an ISO 3166-1 alpha-2 code/],
    [{ companyPostalAddress: { line1: 'Storgatan 1', country: 'SE' } }, /o2c\.companyPostalAddress\.city/],
    [{ companyPeppolId: { scheme: 'GLN', id: '7300010000001' } }, /o2c\.companyPeppolId\.scheme: a four-digit ICD/],
  ])('stops on a bad seller identity %j, naming the key', (extra, message) => {
    expect(() => parseConfig({ ...base, ...extra })).toThrow(message);
  });

  it('reads the finance-pack schedules: flash at reportScheduleCron, weekly on Mondays, month-end on the 1st, to financeRecipients unless set', () => {
    expect(reportSchedules(parseConfig(base)).map((s) => [s.kind, s.cron, s.recipients])).toEqual([
      ['flash', 'cron(0 7 * * ? *)', ['finance@example.com']],
      ['weekly', 'cron(0 7 ? * MON *)', ['finance@example.com']],
      ['month-end', 'cron(0 7 1 * ? *)', ['finance@example.com']],
    ]);
    const config = parseConfig(base, { reports: '{"flash":{"cron":"cron(30 6 * * ? *)"},"weekly":{"enabled":false},"monthEnd":{"recipients":["cfo@example.com"]}}' });
    expect(reportSchedules(config).map((s) => [s.kind, s.cron, s.recipients])).toEqual([
      ['flash', 'cron(30 6 * * ? *)', ['finance@example.com']],
      ['month-end', 'cron(0 7 1 * ? *)', ['cfo@example.com']],
    ]);
    expect(reportRecipients(config)).toEqual({ flash: ['finance@example.com'], weekly: ['finance@example.com'], 'month-end': ['cfo@example.com'] });
    expect(() => parseConfig(base, { reports: '{"monthly":{}}' })).toThrow(/o2c\.reports/);
    expect(() => parseConfig(base, { reports: '{"weekly":{"cron":"every monday"}}' })).toThrow(/o2c\.reports\.weekly\.cron: an EventBridge Scheduler cron/);
    expect(() => parseConfig(base, { reports: '{"flash":{"recipients":["not an address"]}}' })).toThrow(/o2c\.reports\.flash\.recipients\.0/);
  });

  it('gives customers without a language English unless defaultLanguage says otherwise, and stops on a language o2c does not write', () => {
    expect(parseConfig(base).defaultLanguage).toBe('en');
    expect(parseConfig(base, { defaultLanguage: 'sv' }).defaultLanguage).toBe('sv');
    expect(() => parseConfig({ ...base, defaultLanguage: 'de' })).toThrow(/o2c\.defaultLanguage: one of the languages o2c writes in: en, sv, zh, ja, ru/);
    expect(() => parseConfig({ ...base, defaultLanguage: 'sv-SE' })).toThrow(ConfigError);
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
      expect(queues).toHaveLength(22);
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

describe('credit configuration', () => {
  const base = cdkContext.o2c as Record<string, unknown>;
  it('checks the reference rates and the second approvers at synth, saying what is wrong', () => {
    expect(parseConfig(base).creditReferenceRates).toMatchObject({ base: 'EUR', rates: { GBP: '0.8534' } });
    expect(() => parseConfig({ ...base, creditReferenceRates: { on: '2026-11-30', base: 'EUR', rates: { GBP: 0.85 } } })).toThrow(/o2c\.creditReferenceRates\.rates\.GBP/);
    expect(() => parseConfig({ ...base, creditReferenceRates: { on: '2026-11-30', base: 'EUR', rates: { GBP: '0.000' } } })).toThrow(/o2c\.creditReferenceRates\.rates\.GBP: above zero/);
    expect(() => parseConfig({ ...base, creditReferenceRates: { on: '30/11/2026', base: 'EUR', rates: {} } })).toThrow(/o2c\.creditReferenceRates\.on/);
    expect(() => parseConfig({ ...base, creditSecondApprovers: ['not an address'] })).toThrow(/o2c\.creditSecondApprovers\.0/);
    expect(parseConfig({ ...base, creditSecondApprovers: undefined }).creditReviewTimeoutHours).toBe(168);
    expect(() => parseConfig({ ...base, creditRatesSourceUrl: 'http://rates.example/daily.xml' })).toThrow(/o2c\.creditRatesSourceUrl/);
  });

  it('without a second approver lets the review’s timeout reject the order (stock back); binds the rates to the credit functions only; with a source, refreshes them daily', () => {
    const previous = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    try {
      const source = 'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml';
      const { app, stack } = buildApp({ context: { ...cdkContext, o2c: { ...base, creditSecondApprovers: undefined, creditRatesSourceUrl: source }, 'aws:cdk:bundling-stacks': [] }, nag: false });
      const resources = Object.values(app.synth().getStackArtifact(stack.artifactId).template.Resources as Record<string, { Type: string; Properties: Record<string, any> }>);
      const sm = resources.find((r) => r.Type === 'AWS::StepFunctions::StateMachine' && r.Properties.StateMachineType === 'STANDARD')!;
      const parts = sm.Properties.DefinitionString['Fn::Join'][1] as unknown[];
      const states = JSON.parse(parts.map((p) => (typeof p === 'string' ? p : '"x"').replace(/^"x"$/, 'x')).join('')).States as Record<string, any>;
      expect(states).not.toHaveProperty('WaitForSecondApprover');
      expect(states.WaitForCreditReview.Catch[0]).toEqual({ ErrorEquals: ['States.Timeout'], ResultPath: '$.reviewExpired', Next: 'RejectOrder' });
      const withRates = resources.filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.CREDIT_REFERENCE_RATES !== undefined);
      expect(withRates.map((r) => r.Properties.Environment.Variables.O2C_FUNCTION).sort()).toEqual(['check-credit', 'decide-credit', 'request-credit-review']);
      const refresh = Object.entries(app.synth().getStackArtifact(stack.artifactId).template.Resources as Record<string, { Type: string; Properties: Record<string, any> }>).find(
        ([, r]) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.O2C_FUNCTION === 'refresh-rates',
      );
      expect(refresh![1].Properties.Environment.Variables.CREDIT_RATES_SOURCE_URL).toBe(source);
      const schedule = resources.find((r) => r.Type === 'AWS::Scheduler::Schedule' && JSON.stringify(r.Properties.Target.Arn).includes(refresh![0]));
      expect(schedule?.Properties).toMatchObject({ ScheduleExpression: 'cron(30 16 ? * MON-FRI *)', ScheduleExpressionTimezone: 'Europe/London' });
    } finally {
      if (previous === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = previous;
    }
  });
});

describe('cashMatching', () => {
  it('defaults to 0.9 to apply, 0.8 for a payer name, and the smaller of 1 % and 5 units of the currency', () => {
    expect(parseConfig(base).cashMatching).toBeUndefined();
    expect(matchPolicy(parseConfig(base))).toEqual({ autoApplyConfidence: 0.9, minNameScore: 0.8, shortPaymentTolerance: { ppm: 10_000 } });
  });

  it('turns decimals and percentages into minor units and ppm, per currency', () => {
    const config = parseConfig({ ...base, cashMatching: { autoApplyConfidence: 0.95, minNameScore: 0.85, shortPaymentTolerance: { percent: '0.5%', amounts: { GBP: '0.50', JPY: '100', KWD: '1.250' } } } });
    expect(matchPolicy(config)).toEqual({ autoApplyConfidence: 0.95, minNameScore: 0.85, shortPaymentTolerance: { ppm: 5_000, byCurrency: { GBP: 50, JPY: 100, KWD: 1250 } } });
  });

  it('is checked at synth, naming the key', () => {
    const bad = (cashMatching: unknown) => () => parseConfig({ ...base, cashMatching });
    expect(bad({ autoApplyConfidence: 1.2 })).toThrow(/o2c\.cashMatching\.autoApplyConfidence/);
    expect(bad({ autoApplyConfidence: 0.3 })).toThrow(/o2c\.cashMatching\.autoApplyConfidence: at least 0\.5/);
    expect(bad({ minNameScore: '0.8' })).toThrow(/o2c\.cashMatching\.minNameScore/);
    expect(bad({ shortPaymentTolerance: { percent: '1' } })).toThrow(/o2c\.cashMatching\.shortPaymentTolerance\.percent: a percentage/);
    expect(bad({ shortPaymentTolerance: { percent: '20%' } })).toThrow(/o2c\.cashMatching\.shortPaymentTolerance\.percent: at most 10%/);
    expect(bad({ shortPaymentTolerance: { amounts: { JPY: '0.50' } } })).toThrow(/o2c\.cashMatching\.shortPaymentTolerance\.amounts\.JPY: more decimals than JPY has/);
    expect(bad({ shortPaymentTolerance: { amounts: { XYZ: '1.00' } } })).toThrow(/o2c\.cashMatching\.shortPaymentTolerance\.amounts\.XYZ: not an ISO 4217 currency/);
    expect(bad({ tolerance: 1 })).toThrow(/o2c\.cashMatching/);
  });

  it('is bound to apply-payment only, as CASH_MATCHING', () => {
    const previous = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    try {
      const { app, stack } = buildApp({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], 'o2c.cashMatching': JSON.stringify({ autoApplyConfidence: 0.95, shortPaymentTolerance: { amounts: { GBP: '0.50' } } }) }, nag: false });
      const resources = Object.values(app.synth().getStackArtifact(stack.artifactId).template.Resources as Record<string, { Type: string; Properties: Record<string, any> }>);
      const bound = resources.filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.CASH_MATCHING !== undefined);
      expect(bound.map((r) => r.Properties.Environment.Variables.O2C_FUNCTION)).toEqual(['apply-payment']);
      expect(JSON.parse(bound[0]!.Properties.Environment.Variables.CASH_MATCHING)).toEqual({ autoApplyConfidence: 0.95, minNameScore: 0.8, shortPaymentTolerance: { ppm: 10_000, byCurrency: { GBP: 50 } } });
    } finally {
      if (previous === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = previous;
    }
  });
});

describe('customerEmails', () => {
  it('emails every customer notification by default; a choice is checked at synth, naming the key', () => {
    expect(parseConfig(base).customerEmails).toEqual(['confirmation', 'backorder', 'shipment', 'cancellation', 'invoice', 'rejection', 'refund']);
    expect(parseConfig({ ...base, customerEmails: ['invoice', 'rejection', 'refund'] }).customerEmails).toEqual(['invoice', 'rejection', 'refund']);
    expect(parseConfig({ ...base, customerEmails: [] }).customerEmails).toEqual([]);
    expect(() => parseConfig({ ...base, customerEmails: ['invoice', 'newsletter'] })).toThrow(/o2c\.customerEmails\.1/);
    expect(() => parseConfig({ ...base, customerEmails: ['invoice', 'invoice'] })).toThrow(/o2c\.customerEmails: each notification once/);
  });

  it('is bound, as CUSTOMER_EMAILS, to the functions that write to customers; an empty choice reads as none', () => {
    const previous = process.env.CDK_VALIDATION;
    process.env.CDK_VALIDATION = 'false';
    try {
      const synth = (choice: string) => {
        const { app, stack } = buildApp({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], 'o2c.customerEmails': choice }, nag: false });
        const resources = Object.values(app.synth().getStackArtifact(stack.artifactId).template.Resources as Record<string, { Type: string; Properties: Record<string, any> }>);
        return resources.filter((r) => r.Type === 'AWS::Lambda::Function' && r.Properties.Environment?.Variables?.CUSTOMER_EMAILS !== undefined).map((r) => r.Properties.Environment.Variables as Record<string, string>);
      };
      const bound = synth('["invoice"]');
      expect(bound.map((v) => v.O2C_FUNCTION).sort()).toEqual(['confirm-order', 'fulfilment-callback', 'issue-invoice', 'refund-payment', 'reject-order', 'ship-order']);
      expect(new Set(bound.map((v) => v.CUSTOMER_EMAILS))).toEqual(new Set(['invoice']));
      expect(new Set(synth('[]').map((v) => v.CUSTOMER_EMAILS))).toEqual(new Set(['none']));
    } finally {
      if (previous === undefined) delete process.env.CDK_VALIDATION;
      else process.env.CDK_VALIDATION = previous;
    }
  });
});
