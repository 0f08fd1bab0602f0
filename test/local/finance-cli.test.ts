/**
 * The finance CLI's pieces that do not need a stack: SigV4 signing (AWS's own
 * get-vanilla test vector of the Signature Version 4 test suite), amounts and
 * dates typed by a person, and the messages for wrong ones.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import { CliError, dateArg, dayArg, financeCommand, moneyArg, Sha256, type FinanceApi } from '../../local/finance-cli.ts';

describe('finance CLI', () => {
  it('signs requests with SigV4 as AWS does (get-vanilla known answer)', async () => {
    const signer = new SignatureV4({
      service: 'service',
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      sha256: Sha256,
      applyChecksum: false,
    });
    const signed = await signer.sign({ method: 'GET', protocol: 'https:', hostname: 'example.amazonaws.com', path: '/', headers: { host: 'example.amazonaws.com' } }, { signingDate: new Date('2015-08-30T12:36:00Z') });
    expect(signed.headers.authorization).toBe(
      'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31',
    );
  });

  it('reads amounts as decimals in their currency, never floats, and says what is wrong with a bad one', () => {
    expect(moneyArg('1250.00', 'GBP')).toEqual({ amount: 125_000, currency: 'GBP' });
    expect(moneyArg('7280', 'JPY')).toEqual({ amount: 7280, currency: 'JPY' });
    expect(moneyArg('0.105', 'KWD')).toEqual({ amount: 105, currency: 'KWD' });
    expect(() => moneyArg('12.345', 'GBP')).toThrow(new CliError('12.345 is not an amount in GBP (write it like 1250.00)'));
    expect(() => moneyArg('1e3', 'GBP')).toThrow(CliError);
    expect(() => moneyArg('10', 'XXQ')).toThrow('XXQ is not an ISO 4217 currency code (e.g. GBP)');
  });

  it('prints an e-invoice as the API sends it (invoices ubl, credit-notes ubl) and sets a customer’s e-invoice details', async () => {
    const calls: { method: string; path: string; body?: unknown; accept?: string }[] = [];
    const api: FinanceApi = {
      url: 'http://127.0.0.1:1',
      async call(method, path, body, options = {}) {
        calls.push({ method, path, ...(body === undefined ? {} : { body }), ...(options.accept ? { accept: options.accept } : {}) });
        if (options.accept === 'application/xml') return Buffer.from('<?xml version="1.0" encoding="UTF-8"?>\n<Invoice/>\n');
        return { customerId: 'cus_1', name: 'Nordlicht GmbH', email: 'ap@nordlicht.example', language: 'en', creditLimit: { amount: 0, currency: 'EUR' }, terms: { netDays: 30 }, kind: 'business', vatNumber: 'DE123456789', peppolId: { scheme: '0088', id: '7300010000001' }, eInvoice: true };
      },
    };
    expect(await financeCommand(api, 'invoices', ['ubl', 'INV-2026-000001'], {})).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<Invoice/>');
    expect(calls[0]).toEqual({ method: 'GET', path: '/finance/invoices/INV-2026-000001/ubl', accept: 'application/xml' });
    await financeCommand(api, 'credit-notes', ['ubl', 'CN-2026-000001'], {});
    expect(calls[1]).toMatchObject({ path: '/finance/credit-notes/CN-2026-000001/ubl' });
    const shown = (await financeCommand(api, 'customers', ['set', 'cus_1'], { 'vat-number': 'DE123456789', 'peppol-id': '0088:7300010000001', 'e-invoice': true }))!;
    expect(calls[3]).toEqual({ method: 'PATCH', path: '/finance/customers/cus_1', body: { vatNumber: 'DE123456789', peppolId: { scheme: '0088', id: '7300010000001' }, eInvoice: true } });
    expect(shown).toMatch(/^vat number +DE123456789$/m);
    expect(shown).toMatch(/^peppol id +0088:7300010000001$/m);
    expect(shown).toMatch(/^peppol ubl +attached to invoice and credit-note emails$/m);
    for (const line of shown.split('\n')) expect(line, line).toMatch(/^[a-z ]{12} {2}\S/);
    await expect(financeCommand(api, 'customers', ['set', 'cus_1'], { 'peppol-id': '7300010000001' })).rejects.toThrow('--peppol-id is <scheme>:<id>');
  });

  it('refuses an impossible date in words, before calling anything', () => {
    expect(dateArg('2026-11-23', 'date')).toBe('2026-11-23');
    expect(() => dateArg('2026-02-30', 'date')).toThrow('--date 2026-02-30 is not a calendar date (YYYY-MM-DD)');
  });

  it('opens a dispute in the invoice currency (exact minor units), resolves it and records a promise, readable or --json', async () => {
    const calls: { method: string; path: string; body?: unknown }[] = [];
    const invoice = { invoiceNumber: 'INV-2026-000001', currency: 'JPY', balance: { amount: 7280, currency: 'JPY' }, disputed: { amount: 1000, currency: 'JPY' }, undisputed: { amount: 6280, currency: 'JPY' } };
    const api: FinanceApi = {
      url: 'http://127.0.0.1:1',
      async call(method, path, body) {
        calls.push({ method, path, ...(body === undefined ? {} : { body }) });
        if (method === 'GET') return invoice;
        if (path.endsWith('/disputes')) return { disputeId: 'dsp_1', invoiceNumber: 'INV-2026-000001', amount: { amount: 1000, currency: 'JPY' }, status: 'open' };
        if (path.endsWith('/resolution')) return { disputeId: 'dsp_1', invoiceNumber: 'INV-2026-000001', status: 'credited', resolution: { outcome: 'credit', amount: { amount: 1250, currency: 'GBP' }, creditNoteNumber: 'CN-2026-000001' } };
        return { invoiceNumber: 'INV-2026-000001', promisedUntil: '2026-12-31', balance: { amount: 3898, currency: 'GBP' }, undisputed: { amount: 2648, currency: 'GBP' } };
      },
    };
    const opened = (await financeCommand(api, 'dispute', ['open', 'INV-2026-000001', '1000'], { reason: 'short delivery' }))!;
    expect(calls[1]).toEqual({ method: 'POST', path: '/finance/invoices/INV-2026-000001/disputes', body: { amount: { amount: 1000, currency: 'JPY' }, reason: 'short delivery' } });
    expect(opened.split('\n')).toEqual(['dispute        dsp_1', 'invoice        INV-2026-000001', 'disputed       JP¥1,000', 'status         open', 'balance        JP¥7,280', 'under dispute  JP¥1,000', 'still chased   JP¥6,280']);
    await expect(financeCommand(api, 'dispute', ['open', 'INV-2026-000001', '12.50'], { reason: 'x' })).rejects.toThrow('12.50 is not an amount in JPY');
    await expect(financeCommand(api, 'dispute', ['open', 'INV-2026-000001'], { reason: 'x' })).rejects.toThrow(CliError);

    calls.length = 0;
    const resolved = (await financeCommand(api, 'dispute', ['resolve', 'dsp_1', 'credit', '12.50'], { reason: 'agreed' }))!;
    expect(calls).toEqual([{ method: 'POST', path: '/finance/disputes/dsp_1/resolution', body: { outcome: 'credit', amount: { amount: 1250, currency: 'GBP' }, reason: 'agreed' } }]);
    expect(resolved).toContain('credited     £12.50');
    expect(resolved).toContain('credit note  CN-2026-000001');
    await expect(financeCommand(api, 'dispute', ['resolve', 'dsp_1', 'forget'], {})).rejects.toThrow('credit|reinstate');

    expect(await financeCommand(api, 'promise', ['INV-2026-000001', '2026-12-31'], {})).toBe('INV-2026-000001 promised by 2026-12-31: no reminder until the day after; £26.48 to pay (balance £38.98)');
    expect(JSON.parse((await financeCommand(api, 'promise', ['INV-2026-000001', '2026-12-31'], { json: true }))!)).toMatchObject({ promisedUntil: '2026-12-31' });
    expect(() => dayArg('2026-02-30')).toThrow('2026-02-30 is not a calendar date (YYYY-MM-DD)');
    await expect(financeCommand(api, 'promise', ['INV-2026-000001', '2026-02-30'], {})).rejects.toThrow(CliError);
  });

  it('agrees a payment plan from YYYY-MM-DD=amount instalments in exact minor units and shows it aligned, money in its currency', async () => {
    const calls: { method: string; path: string; body?: unknown }[] = [];
    const plan = {
      planId: 'pln_1',
      customerId: 'cus_1',
      status: 'active',
      standing: 'kept',
      currency: 'GBP',
      covered: { amount: 11_694, currency: 'GBP' },
      paid: { amount: 0, currency: 'GBP' },
      invoices: [{ invoiceNumber: 'INV-2026-000001' }, { invoiceNumber: 'INV-2026-000002' }],
      instalments: [
        { dueDate: '2027-01-15', amount: { amount: 5000, currency: 'GBP' }, lastDay: '2027-01-18', state: 'due' },
        { dueDate: '2027-02-15', amount: { amount: 6694, currency: 'GBP' }, lastDay: '2027-02-18', state: 'due' },
      ],
      graceDays: 3,
      agreedOn: '2026-12-01',
      agreedBy: 'finance key',
    };
    const api: FinanceApi = {
      url: 'http://127.0.0.1:1',
      async call(method, path, body) {
        calls.push({ method, path, ...(body === undefined ? {} : { body }) });
        return path.endsWith('/payment-plans') && method === 'GET' ? { customerId: 'cus_1', plans: [plan] } : plan;
      },
    };
    const text = (await financeCommand(api, 'plans', ['add', 'cus_1', '2027-01-15=50.00', '2027-02-15=66.94'], { invoice: 'INV-2026-000001,INV-2026-000002' }))!;
    expect(calls[0]).toEqual({
      method: 'POST',
      path: '/finance/customers/cus_1/payment-plans',
      body: { instalments: [{ dueDate: '2027-01-15', amount: { amount: 5000, currency: 'GBP' } }, { dueDate: '2027-02-15', amount: { amount: 6694, currency: 'GBP' } }], invoiceNumbers: ['INV-2026-000001', 'INV-2026-000002'] },
    });
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual(['plan         pln_1', 'customer     cus_1', 'status       active (kept so far)']);
    expect(lines).toContain('#  due         last day    amount  state');
    expect(lines).toContain('1  2027-01-15  2027-01-18  £50.00  due');
    expect(lines).toContain('2  2027-02-15  2027-02-18  £66.94  due');
    await expect(financeCommand(api, 'plans', ['add', 'cus_1', '2027-01-15:50'], {})).rejects.toThrow('write each instalment as YYYY-MM-DD=amount');
    await expect(financeCommand(api, 'plans', ['add', 'cus_1', '2027-01-15=50.001'], {})).rejects.toThrow('50.001 is not an amount in GBP');
    expect(JSON.parse((await financeCommand(api, 'plans', ['list', 'cus_1'], { json: true }))!)).toEqual({ customerId: 'cus_1', plans: [plan] });
    await financeCommand(api, 'plans', ['cancel', 'cus_1', 'pln_1'], { reason: 'new terms' });
    expect(calls.at(-1)).toEqual({ method: 'POST', path: '/finance/customers/cus_1/payment-plans/pln_1/cancel', body: { reason: 'new terms' } });
  });

  it('lists refunds in aligned columns, amounts right-aligned in their currency, and asks the status it is given', async () => {
    const asked: string[] = [];
    const refund = (extra: Record<string, unknown>) => ({ refundId: 'rf_1', requestedAt: '2026-11-22T10:00:00.000Z', status: 'owed', platform: 'shopify', orderReference: '#1042', amount: { amount: 3898, currency: 'GBP' }, reason: 'cancelled', note: 'o2c does not refund on shopify itself', ...extra });
    const api: FinanceApi = {
      url: 'http://test',
      call: async (_m, path) => {
        asked.push(path);
        return { refunds: [refund({}), refund({ refundId: 'rf_2', status: 'refunded', platform: 'stripe', orderReference: 'WEB-9001', amount: { amount: 364_900, currency: 'GBP' }, platformRefundId: 're_123', note: undefined })] };
      },
    };
    const text = (await financeCommand(api, 'refunds', [], { status: 'owed' }))!;
    expect(asked).toEqual(['/finance/refunds?status=owed']);
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^refund +requested +status +platform +order +amount +detail$/);
    expect(lines[1]).toBe('rf_1    2026-11-22  owed      shopify   #1042        £38.98  o2c does not refund on shopify itself');
    expect(lines[2]).toBe('rf_2    2026-11-22  refunded  stripe    WEB-9001  £3,649.00  re_123');
    expect(JSON.parse((await financeCommand(api, 'refunds', [], { json: true }))!).refunds).toHaveLength(2);
    expect(asked.at(-1)).toBe('/finance/refunds');
  });
  it('imports a bank file as its own text (not JSON) and shows the import aligned, money in its currency', async () => {
    const calls: { method: string; path: string; raw?: { text: string; contentType: string } }[] = [];
    const money = (amount: number) => ({ amount, currency: 'GBP' });
    const group = (count: number, amount: number, lines: unknown[] = []) => ({ count, totals: count ? [money(amount)] : [], lines });
    const view = {
      importId: 'bi_1', status: 'applied', format: 'camt.053', version: '001.02', receivedAt: '2026-12-01T06:00:00.000Z', source: { kind: 'api', actor: 'finance key' },
      statements: [{ statementId: 'STMT-1', sequence: '334', account: 'GB33BUKB20201555555555', entries: 5 }], entries: 5,
      credits: { count: 5, totals: [money(218049)] }, debits: { count: 2, totals: [money(41250)] }, queued: 5, pending: 0,
      applied: { count: 2, byRule: { unrecorded: 2 } }, unapplied: { count: 3, amount: [money(105049)] }, autoMatchRate: 0.4,
      returns: group(1, 40000, [{ bookingDate: '2026-11-30', amount: money(40000), counterparty: 'Northwind Traders Ltd', returnReason: 'AC04', remittance: 'INV-2026-000040' }]),
      fees: group(1, 1250, [{ bookingDate: '2026-11-30', amount: money(1250), transactionCode: 'ACMT/MDOP/CHRG', remittance: 'Account fee' }]),
      otherDebits: group(0, 0), notApplied: group(0, 0),
    };
    const api: FinanceApi = {
      url: 'http://test',
      call: async (method, path, _body, options) => {
        calls.push({ method, path, ...(options?.raw ? { raw: options.raw } : {}) });
        return method === 'POST' ? { importId: 'bi_1' } : view;
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'o2c-cli-bank-'));
    writeFileSync(join(dir, 's.xml'), '<?xml version="1.0"?><Document/>');
    const text = (await financeCommand(api, 'bank', ['import', join(dir, 's.xml')], {}))!;
    expect(calls[0]).toEqual({ method: 'POST', path: '/finance/bank-statements', raw: { text: '<?xml version="1.0"?><Document/>', contentType: 'application/xml' } });
    expect(calls[1]).toMatchObject({ method: 'GET', path: '/finance/bank-statements/bi_1' });
    expect(text).toMatch(/imported: bi_1/);
    expect(text).toMatch(/^auto-match rate +40\.0 %$/m);
    const rows = text.split('\n');
    const credits = rows.find((r) => r.startsWith('credits'))!;
    const unapplied = rows.find((r) => r.startsWith('  left unapplied'))!;
    // counts and amounts right-aligned in their columns
    expect(credits.length).toBe(unapplied.length);
    expect(credits.endsWith('£2,180.49')).toBe(true);
    expect(unapplied.endsWith('£1,050.49')).toBe(true);
    expect(text).toMatch(/^2026-11-30 +£400\.00 +Northwind Traders Ltd +AC04 +INV-2026-000040$/m);
    expect(JSON.parse((await financeCommand(api, 'bank', ['show', 'bi_1'], { json: true }))!)).toMatchObject({ importId: 'bi_1' });
    await expect(financeCommand(api, 'bank', ['import', join(dir, 'missing.xml')], {})).rejects.toThrow(`cannot read ${join(dir, 'missing.xml')}`);
  });
});
