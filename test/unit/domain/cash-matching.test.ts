import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bestCustomerByName,
  customerFromPayer,
  findCombination,
  findTolerantInvoiceNumbers,
  identify,
  matchEntry,
  nameScore,
  normaliseName,
  type CashEntry,
  type MatchContext,
  type MatchDecision,
  type MatchInvoice,
  type PayerCustomer,
} from '../../../functions/domain/cash-matching.ts';
import { addDays } from '../../../functions/domain/dates.ts';
import { invoiceReference, paymentReferenceFor } from '../../../functions/domain/references.ts';

const READING = { schemes: ['rf', 'fi'] as const, series: 'INV' };
const num = (n: number) => `INV-2026-${String(n).padStart(6, '0')}`;
/** Invoice n of cus_1, issued 2026-10-(n) and due 30 days later, in GBP. */
const inv = (n: number, balance: number, extra: Partial<MatchInvoice> = {}): MatchInvoice => ({
  number: num(n),
  customerId: 'cus_1',
  currency: 'GBP',
  balance,
  issueDate: addDays('2026-10-01', n),
  dueDate: addDays('2026-10-31', n),
  status: 'open',
  ...extra,
});
const credit = (amount: number, extra: Partial<CashEntry> = {}): CashEntry => ({ amount, currency: 'GBP', direction: 'credit', ...extra });
const BY_IBAN: PayerCustomer = { customerId: 'cus_1', by: 'iban', score: 1, name: 'Acme Ltd' };

/** identify, look up what it names in `invoices`, then match: what the use case will do. */
function run(entry: CashEntry, invoices: readonly MatchInvoice[], customer?: PayerCustomer, asOf = '2026-11-20', policy = {}): MatchDecision {
  const identified = identify(entry, READING);
  const quoted = invoices.filter((i) => identified.invoiceNumbers.includes(i.number));
  const ctx: MatchContext = { identified, quoted, customer, openInvoices: customer ? invoices.filter((i) => i.customerId === customer.customerId) : [], asOf };
  return matchEntry(entry, ctx, policy);
}

describe('identify', () => {
  it('reads RF and national references first, then invoice numbers however they are typed', () => {
    const rf = invoiceReference(num(42));
    const fi = paymentReferenceFor('fi', num(7));
    const id = identify(credit(100, { creditorReference: rf, remittance: `INV 2026 43, inv-2026-000044 and INV2026000045, ref ${fi}` }), READING);
    expect(id.invoiceNumbers).toEqual([num(42), num(7), num(43), num(44), num(45)]);
    expect(id.referenceKind).toEqual({ [num(42)]: 'rf-reference', [num(7)]: 'rf-reference', [num(43)]: 'invoice-number', [num(44)]: 'invoice-number', [num(45)]: 'invoice-number' });
    expect(id.quotes.map((q) => [q.where, q.tolerant])).toEqual([
      ['structured', false],
      ['remittance', false],
      ['remittance', true],
      ['remittance', false],
      ['remittance', true],
    ]);
  });

  it('a number in the structured field, the payer IBAN in electronic form and the name trimmed', () => {
    const id = identify(credit(100, { creditorReference: 'inv 2026 42', payerIban: 'gb33 bukb 2020 1555 5555 55', payerName: '  ACME   LIMITED ' }), READING);
    expect(id).toMatchObject({ invoiceNumbers: [num(42)], payerIban: 'GB33BUKB20201555555555', payerName: 'ACME LIMITED' });
    expect(identify(credit(100, { payerIban: 'GB00 NOT AN IBAN' }), READING).payerIban).toBeUndefined();
  });

  it('tolerates spacing, dashes, case and missing or extra zeros only for the series in use', () => {
    const found = (t: string) => findTolerantInvoiceNumbers(t, ['INV', 'CRN']).map((f) => f.invoiceNumber);
    expect(found('INV 2026 42')).toEqual([num(42)]);
    expect(found('inv-2026-000042')).toEqual([num(42)]);
    expect(found('INV2026000042')).toEqual([num(42)]);
    expect(found('Inv.2026/0000042 and crn 2026 9')).toEqual([num(42), 'CRN-2026-000009']);
    expect(found('INVOICE 2026 42')).toEqual([]); // "INVOICE" is a word, not the series
    expect(found('order 2026 42, 2026-000042')).toEqual([]);
    expect(found('INV 2026 0')).toEqual([]);
    // another series only in its canonical spelling
    expect(found('old ABC-2026-000001, not ref 2026000079 nor XY-2026-0000079')).toEqual(['ABC-2026-000001']);
  });
});

describe('normaliseName and bestCustomerByName', () => {
  it('folds case, accents, punctuation, "the", "&" and legal forms in many languages', () => {
    expect(normaliseName('ACME LIMITED')).toBe('acme');
    expect(normaliseName('Acme Ltd.')).toBe('acme');
    expect(normaliseName('The Smith & Jones Co., Ltd.')).toBe('smith jones');
    expect(normaliseName('Smith and Jones LLC')).toBe('smith jones');
    expect(normaliseName('Müller GmbH')).toBe('muller');
    expect(normaliseName('Société Générale S.A.')).toBe('societe generale');
    expect(normaliseName('Øresund ApS')).toBe('oresund');
    expect(normaliseName('Nordic A/S')).toBe('nordic');
    expect(normaliseName('Volvo AB')).toBe('volvo');
    expect(normaliseName('Kone Oyj')).toBe('kone');
    expect(normaliseName('Philips N.V.')).toBe('philips');
    expect(normaliseName('Acme Pty Ltd')).toBe('acme');
    expect(normaliseName('株式会社トヨタ')).toBe('トヨタ');
    expect(normaliseName('ﾄﾖﾀ(ｶ')).toBe('トヨタ'); // half-width katakana with the Zengin abbreviation of 株式会社
    expect(normaliseName('ООО «Ромашка»')).toBe('ромашка');
    expect(normaliseName('Inc')).toBe('inc'); // nothing but a legal form: kept
  });

  it('scores with token-set ratio on normalised names (known values)', () => {
    // Scores we get (0–1), documented for a reviewer:
    expect(nameScore('ACME LIMITED', 'Acme Ltd')).toBe(1);
    expect(nameScore('Müller GmbH', 'Mueller')).toBe(1); // ü compared as u and as ue; as u alone it would be 0.77
    expect(nameScore('Müller GmbH', 'Muller AG')).toBe(1);
    expect(nameScore('Nordic Timber AB', 'Nordic Timbr')).toBe(0.96);
    expect(nameScore('ООО Ромашка', 'Ромашка АО')).toBe(1);
    expect(nameScore('トヨタ自動車株式会社', 'トヨタ自動車')).toBe(1);
    expect(nameScore('Acme', 'Globex')).toBeLessThan(0.5);
  });

  it('picks the best customer, refuses ties and weak scores', () => {
    const candidates = [
      { customerId: 'cus_1', name: 'Acme Ltd' },
      { customerId: 'cus_2', name: 'Globex Corporation' },
    ];
    expect(bestCustomerByName('ACME LIMITED', candidates)).toEqual({ customerId: 'cus_1', score: 1, name: 'Acme Ltd' });
    expect(bestCustomerByName('Initech', candidates)).toBeUndefined();
    expect(bestCustomerByName(undefined, candidates)).toBeUndefined();
    // "Acme" is a token subset of both: a tie, so nobody
    expect(bestCustomerByName('Acme', [{ customerId: 'a', name: 'Acme Foods' }, { customerId: 'b', name: 'Acme Tools' }])).toBeUndefined();
    // unless exactly one of the tied names is the payer's own
    expect(bestCustomerByName('Acme Foods Ltd', [{ customerId: 'a', name: 'Acme Foods' }, { customerId: 'b', name: 'Acme' }])?.customerId).toBe('a');
    // the same customer under two names is not a tie
    expect(bestCustomerByName('Acme', [{ customerId: 'a', name: 'Acme Foods' }, { customerId: 'a', name: 'Acme Ltd' }])?.customerId).toBe('a');
  });

  it('IBAN beats the quoted invoice, which beats the name', () => {
    const byName = { customerId: 'cus_2', score: 0.97, name: 'Acme Foods' };
    expect(customerFromPayer({ byIban: { customerId: 'cus_1' }, byName })).toEqual({ customerId: 'cus_1', by: 'iban', score: 1 });
    expect(customerFromPayer({ byQuoted: { customerId: 'cus_3' }, byName })?.by).toBe('quoted');
    expect(customerFromPayer({ byName })).toEqual({ customerId: 'cus_2', by: 'name', score: 0.97, name: 'Acme Foods' });
    expect(customerFromPayer({})).toBeUndefined();
  });
});

describe('matchEntry: the rules', () => {
  it('(1) structured RF reference → that invoice, confidence 1, with the reference in the evidence', () => {
    const d = run(credit(12_000, { creditorReference: invoiceReference(num(42)) }), [inv(42, 12_000), inv(43, 12_000)]);
    expect(d).toMatchObject({ applications: [{ invoiceNumber: num(42), amount: 12_000 }], unapplied: 0, matchedBy: 'rf-reference', confidence: 1, auto: true, customerId: 'cus_1' });
    expect(d.evidence[0]).toBe(`RF54 INV2 0260 0004 2 in the structured reference → ${num(42)}`);
  });

  it('(2) invoice numbers → those invoices, oldest due first, rest unapplied; tolerant spelling in free text 0.96', () => {
    const d = run(credit(1500, { remittance: `${num(2)} / ${num(1)}` }), [inv(1, 1000), inv(2, 700)]);
    expect(d).toMatchObject({
      applications: [
        { invoiceNumber: num(1), amount: 1000 },
        { invoiceNumber: num(2), amount: 500 },
      ],
      unapplied: 0,
      matchedBy: 'invoice-number',
      confidence: 0.98,
      auto: true,
    });
    expect(d.deduction).toBeUndefined(); // short across several invoices: no deduction, the rest stays open
    const t = run(credit(2000, { remittance: 'inv 2026 1 and INV2026000002' }), [inv(1, 1000), inv(2, 700)]);
    expect(t).toMatchObject({ applications: [{ amount: 1000 }, { amount: 700 }], unapplied: 300, confidence: 0.96, matchedBy: 'invoice-number' });
  });

  it('a quoted number that is paid or unknown falls through to the customer rules', () => {
    const d = run(credit(700, { remittance: `${num(9)} ${num(3)}` }), [inv(1, 1000), inv(2, 700), inv(3, 0, { status: 'paid' })], BY_IBAN);
    expect(d).toMatchObject({ matchedBy: 'amount', applications: [{ invoiceNumber: num(2), amount: 700 }], confidence: 0.95 });
    expect(d.evidence.slice(0, 2)).toEqual([`"${num(9)}" in the remittance text: no such invoice`, `"${num(3)}" in the remittance text → ${num(3)}, already paid: not applied`]);
  });

  it('(3) the one exact balance; several equal balances propose the oldest below the threshold', () => {
    expect(run(credit(700), [inv(1, 1000), inv(2, 700)], BY_IBAN)).toMatchObject({ matchedBy: 'amount', applications: [{ invoiceNumber: num(2), amount: 700 }], confidence: 0.95, auto: true });
    const tie = run(credit(700), [inv(5, 700), inv(2, 700), inv(1, 1000)], BY_IBAN);
    expect(tie).toMatchObject({ matchedBy: 'amount', applications: [{ invoiceNumber: num(2) }], confidence: 0.85, auto: false });
  });

  it('(4) the early-payment amount inside its window, discount applied; outside it nothing', () => {
    const early = inv(3, 1000, { earlyPayment: { until: '2026-11-20', discount: 20, amountDue: 980 } });
    expect(run(credit(980), [early, inv(4, 500)], BY_IBAN, '2026-11-20')).toMatchObject({
      matchedBy: 'early-payment',
      applications: [{ invoiceNumber: num(3), amount: 980 }],
      discounts: [{ invoiceNumber: num(3), amount: 20 }],
      unapplied: 0,
      confidence: 0.93,
      auto: true,
    });
    expect(run(credit(980), [early, inv(4, 500)], BY_IBAN, '2026-11-21')).toMatchObject({ matchedBy: 'none', applications: [], unapplied: 980, customerId: 'cus_1', auto: true });
  });

  it('(4) combinations of 2 and of 5 invoices, oldest first on ties; none when no subset sums', () => {
    const list = [inv(1, 100), inv(2, 250), inv(3, 400), inv(4, 150), inv(5, 325), inv(6, 90)];
    const two = run(credit(650), list, BY_IBAN); // 250+400
    expect(two).toMatchObject({ matchedBy: 'combination', confidence: 0.9, auto: true, unapplied: 0 });
    expect(two.applications).toEqual([
      { invoiceNumber: num(2), amount: 250 },
      { invoiceNumber: num(3), amount: 400 },
    ]);
    // 1,315 is all six invoices: more than five, so no combination
    expect(run(credit(1315), list, BY_IBAN)).toMatchObject({ matchedBy: 'none', applications: [], unapplied: 1315 });
    // 1,225 is only reachable with five (no four of them reach it)
    const allFive = run(credit(100 + 250 + 400 + 150 + 325), list, BY_IBAN);
    expect(allFive.applications.map((a) => a.invoiceNumber)).toEqual([num(1), num(2), num(3), num(4), num(5)]);
    // ties: 100+150 = 250 (invoices 1+4) and 160+90 (7+6, newer): the oldest pair wins and it is flagged ambiguous
    const tie = run(credit(250), [inv(1, 100), inv(4, 150), inv(6, 90), inv(7, 160)], BY_IBAN);
    expect(tie).toMatchObject({ matchedBy: 'combination', confidence: 0.85, auto: false, applications: [{ invoiceNumber: num(1) }, { invoiceNumber: num(4) }] });
    expect(run(credit(7), list, BY_IBAN)).toMatchObject({ matchedBy: 'none', applications: [], unapplied: 7, customerId: 'cus_1' });
  });

  it('(5) unidentified without a customer; unapplied on a customer found by name (fuzzy-name, proposed when weak)', () => {
    expect(run(credit(700, { payerName: 'Somebody' }), [inv(1, 1000)])).toMatchObject({ matchedBy: 'none', confidence: 0, auto: false, unapplied: 700, applications: [] });
    const byName: PayerCustomer = { customerId: 'cus_1', by: 'name', score: 0.82, name: 'Acme Ltd' };
    const d = run(credit(7, { payerName: 'ACME LTD' }), [inv(1, 1000)], byName);
    expect(d).toMatchObject({ matchedBy: 'fuzzy-name', customerId: 'cus_1', customerBy: 'name', confidence: 0.82, auto: false, unapplied: 7 });
    // a name match carries its score into the amount rules
    expect(run(credit(1000, { payerName: 'ACME LTD' }), [inv(1, 1000)], { ...byName, score: 0.97 })).toMatchObject({ matchedBy: 'amount', confidence: 0.9215, auto: true });
    expect(run(credit(1000, { payerName: 'ACME LTD' }), [inv(1, 1000)], byName)).toMatchObject({ matchedBy: 'amount', confidence: 0.779, auto: false });
  });

  it('a debit is never matched', () => {
    expect(run(credit(1000, { direction: 'debit', remittance: num(1) }), [inv(1, 1000)])).toMatchObject({ matchedBy: 'none', applications: [], auto: false });
  });
});

describe('matchEntry: amounts', () => {
  const quoted = (amount: number, invoices: MatchInvoice[], asOf = '2026-11-20') => run(credit(amount, { remittance: `paying ${num(1)}` }), invoices, undefined, asOf);

  it('exact, partial and over', () => {
    expect(quoted(1000, [inv(1, 1000)])).toMatchObject({ applications: [{ amount: 1000 }], unapplied: 0 });
    expect(quoted(1500, [inv(1, 1000)])).toMatchObject({ applications: [{ amount: 1000 }], unapplied: 500, customerId: 'cus_1' });
    // 40 % paid: beyond the tolerance, so the rest becomes a deduction case (not left half open silently)
    expect(quoted(400, [inv(1, 1000)])).toMatchObject({ applications: [{ amount: 400 }], unapplied: 0, deduction: { invoiceNumber: num(1), amount: 600, reason: 'short-payment' } });
  });

  it('short within the tolerance (min of 1 % and 5 units): a part payment, the rest stays open, no deduction', () => {
    const d = quoted(99_100, [inv(1, 100_000)]); // £9 short on £1,000: 1 % is £10, 5 units £5 → tolerance £5: beyond
    expect(d.deduction).toEqual({ invoiceNumber: num(1), amount: 900, reason: 'short-payment' });
    const w = quoted(99_600, [inv(1, 100_000)]); // £4 short: within
    expect(w).toMatchObject({ applications: [{ amount: 99_600 }], unapplied: 0, discounts: [] });
    expect(w.deduction).toBeUndefined();
    expect(w.evidence.join(' ')).toContain('within the tolerance');
    // small invoice: 1 % of £10 is 10p
    expect(quoted(990, [inv(1, 1000)]).deduction).toBeUndefined();
    expect(quoted(989, [inv(1, 1000)]).deduction).toEqual({ invoiceNumber: num(1), amount: 11, reason: 'short-payment' });
    // configurable
    expect(run(credit(989, { remittance: num(1) }), [inv(1, 1000)], undefined, '2026-11-20', { shortPaymentTolerance: { ppm: 20_000 } }).deduction).toBeUndefined();
    // a per-currency amount (cashMatching.shortPaymentTolerance.amounts) replaces the 5 units for its currency only
    const fiftyPence = { shortPaymentTolerance: { ppm: 10_000, byCurrency: { GBP: 50, EUR: 900 } } };
    expect(run(credit(99_600, { remittance: num(1) }), [inv(1, 100_000)], undefined, '2026-11-20', fiftyPence).deduction).toEqual({ invoiceNumber: num(1), amount: 400, reason: 'short-payment' });
    expect(run(credit(99_950, { remittance: num(1) }), [inv(1, 100_000)], undefined, '2026-11-20', fiftyPence).deduction).toBeUndefined();
  });

  it('the auto-apply threshold is the policy: a rule below it is proposed, at or above it applied', () => {
    const two = [inv(1, 5000), inv(2, 5000)]; // two equal balances: 0.85
    const byIban = (policy: object) => run(credit(5000, { payerIban: 'GB82WEST12345698765432' }), two, { customerId: 'cus_1', by: 'iban', score: 1 }, '2026-11-20', policy);
    expect(byIban({})).toMatchObject({ matchedBy: 'amount', confidence: 0.85, auto: false });
    expect(byIban({ autoApplyConfidence: 0.85 })).toMatchObject({ matchedBy: 'amount', confidence: 0.85, auto: true });
  });

  it('short beyond the tolerance → deduction; the discount taken after its window reads as such', () => {
    const early = { earlyPayment: { until: '2026-11-10', discount: 2000, amountDue: 98_000 } };
    const late = quoted(98_000, [inv(1, 100_000, early)], '2026-11-20');
    expect(late).toMatchObject({ applications: [{ amount: 98_000 }], discounts: [], deduction: { amount: 2000, reason: 'short-payment' } });
    expect(late.evidence.join(' ')).toContain('window closed on 2026-11-10');
    const inTime = quoted(98_000, [inv(1, 100_000, early)], '2026-11-10');
    expect(inTime).toMatchObject({ applications: [{ amount: 98_000 }], discounts: [{ amount: 2000 }], unapplied: 0 });
    expect(inTime.deduction).toBeUndefined();
    // in time, a bit more than the discounted amount: closes the invoice, discount covers the rest only
    expect(quoted(98_500, [inv(1, 100_000, early)], '2026-11-10')).toMatchObject({ applications: [{ amount: 98_500 }], discounts: [{ amount: 1500 }] });
    // in time, short of the discounted amount within the tolerance: discount taken, the crumb stays open
    expect(quoted(97_800, [inv(1, 100_000, early)], '2026-11-10')).toMatchObject({ applications: [{ amount: 97_800 }], discounts: [{ amount: 2000 }] });
    // in time, far short: no discount, deduction against the full balance
    expect(quoted(50_000, [inv(1, 100_000, early)], '2026-11-10')).toMatchObject({ discounts: [], deduction: { amount: 50_000 } });
  });

  it('several quoted invoices paid with their early-payment discounts', () => {
    const a = inv(1, 1000, { earlyPayment: { until: '2026-11-30', discount: 20, amountDue: 980 } });
    const b = inv(2, 500);
    const d = run(credit(1480, { remittance: `${num(1)} ${num(2)}` }), [a, b]);
    expect(d).toMatchObject({ applications: [{ invoiceNumber: num(1), amount: 980 }, { invoiceNumber: num(2), amount: 500 }], discounts: [{ invoiceNumber: num(1), amount: 20 }], unapplied: 0 });
  });

  it('another currency: nothing applied, proposed with the reason', () => {
    const d = run(credit(1000, { currency: 'EUR', creditorReference: invoiceReference(num(1)) }), [inv(1, 1000)]);
    expect(d).toMatchObject({
      applications: [],
      unapplied: 1000,
      auto: false,
      matchedBy: 'rf-reference',
      customerId: 'cus_1',
      currencyMismatch: { invoiceNumbers: [num(1)], invoiceCurrency: 'GBP', paymentCurrency: 'EUR' },
    });
    expect(d.reason).toBe(`paid in EUR, but ${num(1)} is in GBP: not applied, proposed for a person to decide`);
    // the amount rules never cross currencies either
    expect(run(credit(1000, { currency: 'EUR' }), [inv(1, 1000)], BY_IBAN)).toMatchObject({ matchedBy: 'none', applications: [] });
  });

  it('disputed amounts are not paid down: only the undisputed part', () => {
    const d = quoted(1000, [inv(1, 1000, { disputed: 300 })]);
    expect(d).toMatchObject({ applications: [{ invoiceNumber: num(1), amount: 700 }], unapplied: 300 });
    expect(d.deduction).toBeUndefined();
    // the amount rule looks at the undisputed part
    expect(run(credit(700), [inv(1, 1000, { disputed: 300 })], BY_IBAN)).toMatchObject({ matchedBy: 'amount', applications: [{ amount: 700 }] });
    // wholly disputed: falls through, unapplied on the customer
    expect(quoted(1000, [inv(1, 1000, { disputed: 1000 })])).toMatchObject({ applications: [], unapplied: 1000, customerId: 'cus_1', customerBy: 'quoted' });
  });

  it('JPY: tolerance of 5 yen', () => {
    const yen = (amount: number) => run(credit(amount, { currency: 'JPY', remittance: num(1) }), [inv(1, 10_000, { currency: 'JPY' })]);
    expect(yen(9_995).deduction).toBeUndefined();
    expect(yen(9_994).deduction).toEqual({ invoiceNumber: num(1), amount: 6, reason: 'short-payment' });
  });
});

// ---------------------------------------------------------------- properties

const arbInvoices = fc
  .uniqueArray(
    fc.record({
      n: fc.integer({ min: 1, max: 60 }),
      // a few common balances, so equal balances, ties and combinations happen often
      balance: fc.oneof(fc.integer({ min: 1, max: 200_000 }), fc.constantFrom(500, 1000, 1500, 2500)),
      disputed: fc.oneof({ arbitrary: fc.constant(0), weight: 4 }, { arbitrary: fc.integer({ min: 0, max: 200_000 }), weight: 1 }),
      early: fc.boolean(),
      due: fc.integer({ min: 0, max: 40 }),
      currency: fc.constantFrom('GBP', 'GBP', 'GBP', 'EUR'),
      status: fc.constantFrom('open' as const, 'open' as const, 'partially_paid' as const, 'paid' as const),
    }),
    { selector: (r) => r.n, minLength: 0, maxLength: 12 },
  )
  .map((rows) =>
    rows.map((r) =>
      inv(r.n, r.balance, {
        disputed: Math.min(r.disputed, r.balance),
        currency: r.currency,
        status: r.status,
        dueDate: addDays('2026-11-01', r.due),
        ...(r.early && r.balance > 100 ? { earlyPayment: { until: '2026-11-15', discount: Math.floor(r.balance / 50), amountDue: r.balance - Math.floor(r.balance / 50) } } : {}),
      }),
    ),
  );

const arbEntry = (invoices: readonly MatchInvoice[]) =>
  fc.record({
    amount: fc.oneof(fc.integer({ min: 1, max: 500_000 }), fc.constantFrom(...invoices.map((i) => i.balance), 1), fc.constantFrom(1500, 2000, 3000, 3500, 4000)),
    currency: fc.constantFrom('GBP', 'GBP', 'GBP', 'EUR'),
    // quoted numbers in any order (the cascade orders them by age)
    remittance: fc.option(fc.shuffledSubarray(invoices.map((i) => i.number)).map((ns) => ns.join(' ')), { nil: undefined, freq: 2 }),
    creditorReference: fc.option(fc.constantFrom(...invoices.map((i) => invoiceReference(i.number)), 'RF00BAD'), { nil: undefined, freq: 2 }),
  });

const arbCase = arbInvoices.chain((invoices) =>
  fc.record({
    invoices: fc.constant(invoices),
    entry: arbEntry(invoices),
    customer: fc.option(fc.record({ customerId: fc.constant('cus_1'), by: fc.constantFrom('iban' as const, 'name' as const), score: fc.double({ min: 0, max: 1, noNaN: true }) }), { nil: undefined }),
    asOf: fc.constantFrom('2026-11-10', '2026-11-15', '2026-11-16'),
    seed: fc.integer(),
  }),
);

function shuffle<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let s = seed >>> 0 || 1;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function decide(c: { invoices: readonly MatchInvoice[]; entry: CashEntry; customer?: PayerCustomer | undefined; asOf: string }, invoices = c.invoices): MatchDecision {
  const identified = identify(c.entry, READING);
  return matchEntry(c.entry, { identified, quoted: invoices.filter((i) => identified.invoiceNumbers.includes(i.number)), customer: c.customer, openInvoices: invoices, asOf: c.asOf });
}

describe('matchEntry: properties', () => {
  it('never applies beyond an invoice’s undisputed balance; applied + discount + deduction ≤ balance; applications + unapplied = the payment', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const d = decide(c);
        const byNumber = new Map(c.invoices.map((i) => [i.number, i]));
        const applied = d.applications.reduce((s, a) => s + a.amount, 0);
        expect(applied + d.unapplied).toBe(c.entry.amount);
        expect(d.unapplied).toBeGreaterThanOrEqual(0);
        for (const a of d.applications) {
          const i = byNumber.get(a.invoiceNumber)!;
          expect(a.amount).toBeGreaterThan(0);
          expect(i.currency).toBe(c.entry.currency);
          expect(i.status).not.toBe('paid');
          const discount = d.discounts.find((x) => x.invoiceNumber === a.invoiceNumber)?.amount ?? 0;
          const deduction = d.deduction?.invoiceNumber === a.invoiceNumber ? d.deduction.amount : 0;
          expect(a.amount).toBeLessThanOrEqual(i.balance - (i.disputed ?? 0));
          expect(a.amount + discount + deduction).toBeLessThanOrEqual(i.balance - (i.disputed ?? 0));
        }
        expect(new Set(d.applications.map((a) => a.invoiceNumber)).size).toBe(d.applications.length);
        expect(d.confidence).toBeGreaterThanOrEqual(0);
        expect(d.confidence).toBeLessThanOrEqual(1);
        if (d.currencyMismatch) expect(d.auto).toBe(false);
        expect(d.evidence.length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });

  it('is the same for shuffled invoice lists (and the same input twice)', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const a = decide(c);
        expect(decide(c)).toEqual(a);
        expect(decide(c, shuffle(c.invoices, c.seed))).toEqual(a);
        // the order the numbers are quoted in changes the evidence's order, never the money
        const reversed = decide({ ...c, entry: { ...c.entry, remittance: c.entry.remittance?.split(' ').reverse().join(' ') } });
        const money = (d: MatchDecision) => ({ ...d, evidence: [...d.evidence].sort(), reason: '' });
        expect(money(reversed)).toEqual(money(a));
      }),
      { numRuns: 300 },
    );
  });

  it('a payment of 2–5 open invoices’ balances is found by the combination rule when nothing else matches', () => {
    const arb = fc
      .uniqueArray(fc.integer({ min: 1, max: 100_000 }), { minLength: 2, maxLength: 20 })
      .chain((balances) => fc.record({ balances: fc.constant(balances), pick: fc.subarray(balances.map((_, i) => i), { minLength: 2, maxLength: Math.min(5, balances.length) }) }));
    fc.assert(
      fc.property(arb, ({ balances, pick }) => {
        const invoices = balances.map((b, i) => inv(i + 1, b));
        const amount = pick.reduce((s, i) => s + balances[i]!, 0);
        fc.pre(!balances.includes(amount));
        const d = run(credit(amount), shuffle(invoices, amount), BY_IBAN);
        expect(d.matchedBy).toBe('combination');
        expect(d.applications.reduce((s, a) => s + a.amount, 0)).toBe(amount);
        expect(d.applications.length).toBeLessThanOrEqual(pick.length);
        expect(d.unapplied).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('the combination search stays bounded with many invoices (30 oldest enter it)', () => {
    const many = Array.from({ length: 500 }, (_, i) => inv(i + 1, 1000 + i));
    // 1,000 + 1,100 (invoices 1 and 101): the 101st oldest is not in the pool, and no pair of the 30 oldest (1,000…1,029) reaches 2,100
    expect(findCombination(many, 1000 + 1100)).toBeUndefined();
    expect(findCombination(many, 1000 + 1029)).toMatchObject({ invoices: [{ number: num(1) }, { number: num(30) }], ambiguous: true });
  });
});
