import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, isIsoDate, todayIn, toIsoDate } from '../../../functions/domain/dates.ts';
import { dueDunningLevels, nextDunningLevel, reminderText, reminderTone } from '../../../functions/domain/dunning.ts';
import { agingBuckets, agingCsv, dso } from '../../../functions/domain/metrics.ts';
import type { Invoice, Payment } from '../../../functions/domain/model.ts';
import { matchPayment } from '../../../functions/domain/payment-matching.ts';

describe('dates', () => {
  it('are calendar arithmetic in UTC', () => {
    expect(addDays('2026-12-30', 3)).toBe('2027-01-02');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(daysBetween('2026-11-22', '2026-12-22')).toBe(30);
    expect(isIsoDate('2026-02-30')).toBe(false);
    expect(isIsoDate('2026-2-3')).toBe(false);
    expect(toIsoDate('2026-11-22T23:59:59.999Z')).toBe('2026-11-22');
    expect(todayIn('Asia/Tokyo', new Date('2026-11-22T16:00:00Z'))).toBe('2026-11-23');
    expect(todayIn('Europe/London', new Date('2026-11-22T16:00:00Z'))).toBe('2026-11-22');
    expect(() => addDays('2026-13-01', 1)).toThrow(/calendar date/);
  });
});

describe('dunning', () => {
  const levels = [1, 7, 14, 30];
  it('sends each level once, and only the highest one when runs were missed', () => {
    expect(nextDunningLevel({ dueDate: '2026-11-01', asOf: '2026-11-01', levels, sent: [] })).toBeNull();
    expect(nextDunningLevel({ dueDate: '2026-11-01', asOf: '2026-11-02', levels, sent: [] })).toBe(1);
    expect(nextDunningLevel({ dueDate: '2026-11-01', asOf: '2026-11-05', levels, sent: [1] })).toBeNull();
    expect(nextDunningLevel({ dueDate: '2026-11-01', asOf: '2026-11-20', levels, sent: [] })).toBe(14);
    expect(nextDunningLevel({ dueDate: '2026-11-01', asOf: '2026-11-20', levels, sent: [14] })).toBeNull();
    expect(dueDunningLevels({ dueDate: '2026-11-01', asOf: '2026-11-20', levels, sent: [1] })).toEqual([7, 14]);
    expect(() => nextDunningLevel({ dueDate: '2026-11-01', asOf: '2026-11-20', levels: [7, 1], sent: [] })).toThrow(/ascending/);
  });
  it('grows firmer and speaks the customer language', () => {
    expect(levels.map((l) => reminderTone(l, levels))).toEqual(['friendly', 'firm', 'firm', 'final']);
    const vars = { customerName: 'Ada', invoiceNumber: 'INV-2026-000042', amount: '£12.34', dueDate: '2026-11-01', daysPastDue: 30, companyName: 'Acme' };
    for (const lang of ['en', 'sv', 'zh', 'ja', 'ru']) {
      const t = reminderText(lang, 'final', vars);
      expect(t.language).toBe(lang);
      expect(t.subject).toContain('INV-2026-000042');
      expect(t.body).toContain('£12.34');
    }
    expect(reminderText('sv', 'friendly', vars).subject).toMatch(/^Påminnelse/);
    expect(reminderText('de', 'friendly', vars).language).toBe('en');
  });
});

describe('payment matching', () => {
  const inv = (n: number, balance: number, extra: Partial<Invoice> = {}) =>
    ({ id: `INV-2026-00000${n}`, number: `INV-2026-00000${n}`, currency: 'GBP', balance, customerId: 'cus_1', ...extra }) as Invoice;
  const pay = (amount: number, extra: Partial<Payment> = {}): Payment => ({ id: 'p', source: 'bank', externalId: 'x', amount, currency: 'GBP', receivedOn: '2026-11-25', ...extra });

  it('follows quoted invoice numbers in order, leaving the rest unapplied', () => {
    const r = matchPayment(pay(1500, { remittance: 'INV-2026-000002 / INV-2026-000001' }), [inv(1, 1000), inv(2, 700)]);
    expect(r).toEqual({ allocations: [{ invoiceId: 'INV-2026-000002', amount: 700 }, { invoiceId: 'INV-2026-000001', amount: 800 }], discounts: [], unapplied: 0, reason: 'reference' });
  });
  it('matches the single exact amount of the customer, takes an early discount in time, never crosses currencies', () => {
    expect(matchPayment(pay(700, { customerId: 'cus_1' }), [inv(1, 1000), inv(2, 700)]).allocations).toEqual([{ invoiceId: 'INV-2026-000002', amount: 700 }]);
    expect(matchPayment(pay(700, { customerId: 'cus_1' }), [inv(1, 700), inv(2, 700)]).reason).toBe('none');
    const early = inv(3, 1000, { earlyPayment: { until: '2026-11-30', discount: 20, amountDue: 980 } });
    expect(matchPayment(pay(980, { customerId: 'cus_1' }), [early])).toMatchObject({ allocations: [{ amount: 980 }], discounts: [{ amount: 20 }], unapplied: 0 });
    expect(matchPayment(pay(980, { customerId: 'cus_1', receivedOn: '2026-12-01' }), [early]).reason).toBe('none');
    expect(matchPayment(pay(1000, { currency: 'EUR', remittance: 'INV-2026-000001' }), [inv(1, 1000)])).toMatchObject({ reason: 'none', unapplied: 1000 });
  });
});

describe('aging and DSO', () => {
  it('buckets balances by days past due per currency', () => {
    const asOf = '2026-11-22';
    const invs = [
      { currency: 'GBP', balance: 100, dueDate: '2026-11-30' }, // current
      { currency: 'GBP', balance: 200, dueDate: '2026-11-22' }, // due today: current
      { currency: 'GBP', balance: 300, dueDate: '2026-11-21' }, // 1
      { currency: 'GBP', balance: 400, dueDate: '2026-10-23' }, // 30
      { currency: 'GBP', balance: 500, dueDate: '2026-10-22' }, // 31
      { currency: 'GBP', balance: 600, dueDate: '2026-08-24' }, // 90
      { currency: 'GBP', balance: 700, dueDate: '2026-08-23' }, // 91
      { currency: 'JPY', balance: 5000, dueDate: '2026-01-01' },
      { currency: 'GBP', balance: 0, dueDate: '2020-01-01' },
    ];
    const report = agingBuckets(invs, asOf);
    expect(report.GBP).toEqual({ current: 300, d1_30: 700, d31_60: 500, d61_90: 600, d90_plus: 700, total: 2800 });
    expect(report.JPY).toMatchObject({ d90_plus: 5000, total: 5000 });
    expect(agingCsv(report, asOf)).toBe(
      'as_of,currency,current,1-30,31-60,61-90,90+,total\r\n2026-11-22,GBP,3.00,7.00,5.00,6.00,7.00,28.00\r\n2026-11-22,JPY,0,0,0,0,5000,5000\r\n',
    );
  });
  it('computes DSO (textbook: 30,000 owed on 180,000 credit sales over 90 days is 15 days)', () => {
    expect(dso({ receivables: 30_000, creditSales: 180_000, days: 90 })).toBe(15);
    expect(dso({ receivables: 10_000, creditSales: 30_000, days: 30 })).toBe(10);
    expect(dso({ receivables: 1, creditSales: 3, days: 1 })).toBe(0.3);
    expect(dso({ receivables: 1, creditSales: 0, days: 30 })).toBeNull();
  });
});
