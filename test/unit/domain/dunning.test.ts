/** domain/dunning: the policy's levels (before and after due), promises, minimums, netting, consumer vs business fees, statutory fees and interest. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../functions/domain/dates.ts';
import {
  DEFAULT_DUNNING_POLICY,
  agencyCaseCsv,
  announcedEscalation,
  dunningPolicyProblems,
  feeFor,
  isBusiness,
  levelDue,
  lookAheadDays,
  minimumOverdue,
  netAgainstOldest,
  policyFromConfig,
  raisedStatus,
  statutoryCompensation,
  statutoryInterest,
  ukCompensation,
  type DunningPolicy,
  type FeeCharge,
} from '../../../functions/domain/dunning.ts';

const P = DEFAULT_DUNNING_POLICY;
const due = '2026-12-01';
const at = (offset: number, sent: string[] = [], extra = {}) => levelDue(P, { dueDate: due, asOf: addDays(due, offset), sent, ...extra })?.id ?? null;

describe('levelDue (default policy: −3 courtesy, +7 reminder, +21 firm, +35 final, +60 agency)', () => {
  it('knows the level on every day around each offset, before and after due', () => {
    const table: [number, string | null][] = [
      [-10, null],
      [-4, null],
      [-3, 'courtesy'],
      [-1, 'courtesy'],
      [0, 'courtesy'],
      [1, null], // overdue: a pre-due level is no longer sent
      [6, null],
      [7, 'reminder'],
      [20, 'reminder'],
      [21, 'firm'],
      [34, 'firm'],
      [35, 'final'],
      [59, 'final'],
      [60, 'agency'],
      [400, 'agency'],
    ];
    for (const [offset, level] of table) expect(at(offset), `day ${offset}`).toBe(level);
  });

  it('sends each level once and never goes back down; missed runs give the highest level reached', () => {
    expect(at(-2, ['courtesy'])).toBeNull();
    expect(at(8, ['courtesy'])).toBe('reminder');
    expect(at(8, ['courtesy', 'reminder'])).toBeNull();
    expect(at(40, ['reminder'])).toBe('final'); // catch-up: one letter at the level reached
    expect(at(40, ['final'])).toBeNull();
    expect(at(10, ['firm'])).toBeNull(); // a run as of an earlier date
  });

  it('holds while a promise holds and resumes after it at the next level, keeping the spacing', () => {
    const promised = { promisedUntil: addDays(due, 30), promisedAtLevel: 2 }; // promised after courtesy and reminder
    expect(at(30, ['courtesy', 'reminder'], promised)).toBeNull();
    expect(at(31, ['courtesy', 'reminder'], promised)).toBe('firm'); // the day after: the next level, not 'final'
    expect(at(44, ['courtesy', 'reminder', 'firm'], { ...promised, promisedAtLevel: 2 })).toBeNull(); // 14 days after resuming at +21: 35 not reached
    expect(at(45, ['courtesy', 'reminder', 'firm'], { ...promised, promisedAtLevel: 2 })).toBe('final');
  });

  it('looks ahead by the earliest pre-due offset', () => {
    expect(lookAheadDays(P)).toBe(3);
    expect(lookAheadDays({ ...P, levels: P.levels.slice(1) })).toBe(0);
  });
});

describe('the policy as configured', () => {
  it('names every problem in words', () => {
    const bad: DunningPolicy = {
      ...P,
      levels: [
        { id: 'Early', offsetDays: -3, tone: 'courtesy', fee: { kind: 'statutory' } },
        { id: 'x', offsetDays: -5, tone: 'reminder' },
        { id: 'x', offsetDays: 60, tone: 'final', action: 'hand-to-agency' },
        { id: 'after', offsetDays: 70, tone: 'final' },
      ],
    };
    const problems = dunningPolicyProblems(bad).join('\n');
    expect(problems).toContain('id "Early" must be lower-case');
    expect(problems).toContain('cannot charge a fee or take an action');
    expect(problems).toContain('must be later than the level before (-3)');
    expect(problems).toContain('the id is used twice');
    expect(problems).toContain('no level can follow the hand-over to the agency');
    expect(dunningPolicyProblems(P)).toEqual([]);
  });

  it('reads decimals and percentages exactly', () => {
    const p = policyFromConfig({
      levels: [{ id: 'late', offsetDays: 14, tone: 'reminder', fee: { fixed: { GBP: '15.00', JPY: '2000' } }, interest: true }],
      minimumOverdue: { GBP: '10.00' },
      statutoryInterest: { GBP: { margin: '8%', rates: [{ from: '2025-08-07', rate: '4%' }] } },
    });
    expect(p.levels[0]!.fee).toEqual({ kind: 'fixed', amounts: { GBP: 1500, JPY: 2000 } });
    expect(p.statutoryInterest.GBP).toEqual({ marginPpm: 80_000, rates: [{ from: '2025-08-07', ratePpm: 40_000 }] });
    expect(minimumOverdue(p, 'GBP')).toBe(1000);
    expect(minimumOverdue(p, 'EUR')).toBe(500); // default 5.00
    expect(minimumOverdue(p, 'JPY')).toBe(5);
    expect(minimumOverdue(p, 'KWD')).toBe(5000);
  });
});

describe('netting and the letter', () => {
  const items = [
    { invoiceNumber: 'INV-3', dueDate: '2026-12-20', balance: 3000, disputed: 0 },
    { invoiceNumber: 'INV-1', dueDate: '2026-11-01', balance: 1000, disputed: 0 },
    { invoiceNumber: 'INV-2', dueDate: '2026-11-15', balance: 2000, disputed: 500 },
  ];
  it('sets unapplied cash and credit against the oldest undisputed amounts first', () => {
    expect(netAgainstOldest(items, 1200).map((n) => [n.item.invoiceNumber, n.chased])).toEqual([
      ['INV-1', 0],
      ['INV-2', 1300],
      ['INV-3', 3000],
    ]);
    expect(netAgainstOldest(items, 0).map((n) => n.chased)).toEqual([1000, 1500, 3000]);
    expect(netAgainstOldest(items, 99_999).map((n) => n.chased)).toEqual([0, 0, 0]);
  });

  it('announces only the next level, and only when it takes an action, with its day', () => {
    const final = P.levels[3]!;
    const firm = P.levels[2]!;
    expect(announcedEscalation(P, firm, ['2026-11-01', '2026-11-10'], '2026-11-25')).toEqual({ action: 'credit-hold', on: '2026-12-06' });
    expect(announcedEscalation(P, final, ['2026-11-01'], '2026-12-10')).toEqual({ action: 'hand-to-agency', on: '2026-12-31' });
    expect(announcedEscalation(P, P.levels[1]!, ['2026-11-01'], '2026-11-08')).toBeNull(); // firm takes no action
    expect(announcedEscalation(P, P.levels[4]!, ['2026-11-01'], '2027-01-01')).toBeNull();
  });

  it('raises a status, never lowers it', () => {
    expect(raisedStatus(undefined, 'credit-hold')).toBe('credit-hold');
    expect(raisedStatus('credit-hold', 'suspend')).toBe('suspended');
    expect(raisedStatus('suspended', 'credit-hold')).toBeUndefined();
    expect(raisedStatus('with-agency', 'hand-to-agency')).toBeUndefined();
  });

  it('writes the agency case as CSV, quoting what needs it', () => {
    const csv = agencyCaseCsv({ id: 'cus_1', name: 'Slow, Payer & Co', email: 'ap@slow.example' }, { currency: 'GBP', openItems: [{ invoiceNumber: 'INV-1', issueDate: '2026-10-01', dueDate: '2026-10-31', total: 12_000, balance: 16_000, status: 'open', daysOverdue: 61, paymentReference: 'RF18INV1', disputed: 0, fees: 4000 }] }, '2026-12-31');
    const [header, row] = csv.trimEnd().split('\r\n');
    expect(header).toBe('as_of,debtor_id,debtor_name,email,tax_id,address,invoice,issue_date,due_date,days_overdue,currency,total,balance,fees,disputed,payment_reference');
    expect(row).toBe('2026-12-31,cus_1,"Slow, Payer & Co",ap@slow.example,,,INV-1,2026-10-01,2026-10-31,61,GBP,120.00,160.00,40.00,0.00,RF18INV1');
  });
});

describe('fees', () => {
  const firm = P.levels[2]!; // statutory
  const base = { policy: P, currency: 'GBP', dueDate: '2026-11-01', asOf: '2026-11-22', earlier: [] as FeeCharge[] };

  it('UK bands at £999.99 / £1,000.00 / £9,999.99 / £10,000.00; EU €40; none elsewhere', () => {
    expect([99_999, 100_000, 999_999, 1_000_000].map(ukCompensation)).toEqual([4_000, 7_000, 7_000, 10_000]);
    expect(statutoryCompensation('EUR', 1)).toBe(4_000);
    expect(statutoryCompensation('EUR', 50_000_000)).toBe(4_000);
    expect(statutoryCompensation('USD', 100_000)).toBe(0);
    expect(feeFor({ ...base, level: firm, business: true, debt: 99_999 })).toEqual({ level: 'firm', compensation: 4_000, interest: 0, amount: 4_000 });
  });

  it('consumers pay no statutory fee, and a fixed fee only when the policy says so', () => {
    expect(feeFor({ ...base, level: firm, business: false, debt: 99_999 })).toBeNull();
    const fixed = { id: 'late', offsetDays: 14, tone: 'reminder' as const, fee: { kind: 'fixed' as const, amounts: { GBP: 1_500 } } };
    expect(feeFor({ ...base, level: fixed, business: false, debt: 5_000 })).toBeNull();
    expect(feeFor({ ...base, policy: { ...P, consumerFees: true }, level: fixed, business: false, debt: 5_000 })?.amount).toBe(1_500);
    expect(feeFor({ ...base, level: fixed, business: true, currency: 'EUR', debt: 5_000 })).toBeNull(); // no amount in that currency
    expect(isBusiness({ taxId: 'GB123' })).toBe(true);
    expect(isBusiness({})).toBe(false);
    expect(isBusiness({ taxId: 'GB123', kind: 'consumer' })).toBe(false);
    expect(isBusiness({ kind: 'business' })).toBe(true);
  });

  it('charges statutory compensation once per invoice; a later statutory level adds only interest', () => {
    const rule = { marginPpm: 80_000, rates: [{ from: '2026-01-01', ratePpm: 40_000 }] };
    const policy = { ...P, statutoryInterest: { GBP: rule }, levels: [...P.levels.slice(0, 3), { ...P.levels[3]!, fee: { kind: 'statutory' as const }, interest: true }, P.levels[4]!] };
    const first = feeFor({ ...base, policy, level: policy.levels[2]!, business: true, debt: 100_000 })!;
    expect(first.compensation).toBe(7_000);
    const second = feeFor({ ...base, policy, asOf: '2026-12-06', level: policy.levels[3]!, business: true, debt: 100_000, earlier: [first] })!;
    // £1,000 × 12 % × 35 days / 365 = £11.506… → £11.51
    expect(second).toEqual({ level: 'final', compensation: 0, interest: 1_151, interestThrough: '2026-12-06', amount: 1_151 });
  });

  it('statutory interest across a rate change, per day, rounded once half up', () => {
    // Base 5 % until 2026-06-30, 4 % from 2026-07-01; margin 8 %. £10,000 from 2026-06-20 to 2026-07-10:
    // 10 days at 13 % + 10 days at 12 % = 1,000,000 × (10 × 130,000 + 10 × 120,000) / (365 × 10⁶) = 6849.31… → 6849
    const rule = { marginPpm: 80_000, rates: [{ from: '2026-01-01', ratePpm: 50_000 }, { from: '2026-07-01', ratePpm: 40_000 }] };
    expect(statutoryInterest(1_000_000, '2026-06-20', '2026-07-10', rule)).toBe(6_849);
    expect(statutoryInterest(1_000_000, '2026-06-20', '2026-06-30', rule)).toBe(3_562); // 3561.64 → 3562
    expect(statutoryInterest(1_000_000, '2026-07-10', '2026-07-10', rule)).toBe(0);
    // Before the first rate nothing accrues.
    expect(statutoryInterest(1_000_000, '2025-12-30', '2026-01-01', rule)).toBe(356); // one day at 13 %: 356.16
  });
});

describe('properties', () => {
  it('over any sequence of run days (repeats, gaps, going back), each level is sent at most once and levels sent only rise', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -10, max: 120 }), { minLength: 1, maxLength: 40 }), (days) => {
        const sent: string[] = [];
        for (const d of days) {
          const level = levelDue(P, { dueDate: due, asOf: addDays(due, d), sent });
          if (level) sent.push(level.id);
        }
        expect(new Set(sent).size).toBe(sent.length);
        const order = sent.map((id) => P.levels.findIndex((l) => l.id === id));
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }),
    );
  });

  it('an invoice under a promise that holds is never due a level', () => {
    fc.assert(
      fc.property(fc.integer({ min: -10, max: 200 }), fc.integer({ min: 0, max: 60 }), (day, more) => {
        const asOf = addDays(due, day);
        expect(levelDue(P, { dueDate: due, asOf, sent: [], promisedUntil: addDays(asOf, more), promisedAtLevel: 0 })).toBeNull();
      }),
    );
  });
});
