/**
 * finance-pack: the worked book (test/support/figures-book.ts) written through the real use cases on the memory
 * world, and the pack as of 2026-11-30 computed from the aggregates and open items it left — every figure worked
 * out by hand below. And the as-of property: a pack as of a day is unchanged by anything that happens after it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addDays } from '../../../functions/domain/dates.ts';
import type { FinancePack } from '../../../functions/domain/finance-pack.ts';
import { financePack } from '../../../functions/use-cases/finance-pack.ts';
import { WORKED_BOOK, writeBook, type BookEvent } from '../../support/figures-book.ts';
import { world } from './fixtures.ts';

async function bookWorld(events: readonly BookEvent[], now = '2027-01-15T12:00:00.000Z') {
  const w = world();
  await writeBook({ deps: w.deps, clock: w.clock, putOrder: (o) => w.putOrder(o), putCustomer: (c) => w.putCustomer(c) }, events);
  w.clock.set(now);
  return w;
}

describe('financePack on the worked book, as of 2026-11-30', () => {
  it('month-end: aging, DSO, countback DSO, best possible DSO, ADD, CEI, cash, cycle times — as computed by hand', async () => {
    const w = await bookWorld(WORKED_BOOK);
    const pack = await financePack({ kind: 'month-end', asOf: '2026-11-30' }, w.deps);
    expect(pack.period).toEqual({ from: '2026-11-01', to: '2026-11-30' });
    const [gbp, ...others] = pack.currencies;
    expect(others).toEqual([]);
    // Aging at the end of 11-30 (INV7 issued 12-01 left out; INV3's 12-02 payment not yet made; INV4's dispute still open):
    //   current  INV3 300.00 − 30.00 credited = 270.00, INV4 400.00 − 100.00 disputed = 300.00 → 570.00
    //   1–30     INV2 due 11-14, 16 days → 200.00
    //   90+      INV5 due 08-31, 91 days → 100.00
    //   disputed 100.00 (INV4), apart. INV6 written off 11-15, INV1, INV8, INV9 paid.
    expect(gbp!.aging).toEqual({
      buckets: { current: 57000, d1_30: 20000, d31_60: 0, d61_90: 0, d90_plus: 10000 },
      total: 87000,
      disputed: 10000,
      topDebtors: {
        current: [{ customerId: 'cus_2', name: 'Brick & Co', amount: 30000 }, { customerId: 'cus_1', name: 'Ada Ltd', amount: 27000 }],
        d1_30: [{ customerId: 'cus_1', name: 'Ada Ltd', amount: 20000 }],
        d31_60: [],
        d61_90: [],
        d90_plus: [{ customerId: 'cus_1', name: 'Ada Ltd', amount: 10000 }],
      },
    });
    // November: credit sales INV8 60 + INV3 300 + INV4 400 = 760.00.
    // Opening AR (10-31): INV5 100 + INV6 50 + INV2 200 + INV9 50 = 400.00 (INV1 paid 10-05).
    // Closing AR (11-30): INV5 100 + INV2 200 + INV3 270 + INV4 400 = 970.00; of it current (not due): INV3 270 + INV4 400 = 670.00.
    // (400 + 760 − 110 collected − 30 credited − 50 written off = 970 ✓.)
    // DSO = 970 ÷ 760 × 30 = 38.29 → 38.3; best possible = 670 ÷ 760 × 30 = 26.45 → 26.4; ADD = 38.3 − 26.4 = 11.9.
    // CEI = (400 + 760 − 970) ÷ (400 + 760 − 670) × 100 = 190 ÷ 490 = 38.78 → 38.8.
    // Countback: 970 − 760 (November, 30 days) = 210 left; October sold 250 in 31 days: 210 ÷ 250 × 31 = 26.04 → 56.0 days.
    expect(gbp!.kpi).toEqual({
      periodStart: '2026-11-01',
      periodEnd: '2026-11-30',
      dso: 38.3,
      countbackDso: 56,
      bestPossibleDso: 26.4,
      add: 11.9,
      cei: 38.8,
      openingAr: 40000,
      closingAr: 97000,
      closingCurrentAr: 67000,
      creditSales: 76000,
      collected: 11000,
    });
    // October: opening (09-30) INV5 100 + INV6 50 + INV1 100 = 250; sales INV2 200 + INV9 50 = 250; closing 400, all but
    // INV5 and INV6 current (INV2 due 11-14, INV9 due 11-19): 250. DSO = 400 ÷ 250 × 31 = 49.6; CEI = (250 + 250 − 400) ÷ (250 + 250 − 250) = 40.0.
    expect(gbp!.trend).toHaveLength(13);
    expect(gbp!.trend[12]).toEqual(gbp!.kpi);
    expect(gbp!.trend[11]).toMatchObject({ periodStart: '2026-10-01', periodEnd: '2026-10-31', dso: 49.6, cei: 40, openingAr: 25000, closingAr: 40000, closingCurrentAr: 25000, creditSales: 25000, collected: 10000 });
    // Before the first sale (07-01) there is nothing: no DSO.
    expect(gbp!.trend[0]).toMatchObject({ periodStart: '2025-11-01', dso: null, closingAr: 0 });
    // Cash in November: INV8 60.00 by Stripe 11-12, INV9 50.00 from the bank 11-25; 30.00 credited; INV6's 50.00 written off; INV4's 100.00 disputed.
    expect(gbp!.cash).toEqual({
      collected: 11000,
      bySource: { bank: 5000, stripe: 6000, manual: 0 },
      invoiced: 76000,
      discountsOffered: 0,
      discountsTaken: 0,
      unapplied: 0,
      deductions: 0,
      disputesOpened: { count: 1, amount: 10000 },
      disputesResolved: { count: 0, amount: 0 },
      creditNotes: { count: 1, amount: 3000 },
      writeOffs: { count: 1, amount: 5000 },
      feesCharged: 0,
    });
    expect(gbp!.revenueByChannel).toEqual([{ channel: 'api', orders: 3, amount: 76000 }]);
    // Order → invoice in November: INV8 1 day, INV3 2, INV4 5 → p50 the 2nd of 3 = 2, p90 the 3rd = 5.
    // Order → cash (paid off in November): INV8 ordered 11-01 paid 11-12 = 11 days, INV9 ordered 10-18 paid 11-25 = 38 days.
    expect(pack.orderToCash).toMatchObject({ orderToInvoiceDays: { p50: 2, p90: 5, count: 3 }, orderToCashDays: { p50: 11, p90: 38, count: 2 }, ordersByChannel: [{ channel: 'api', orders: 3 }], backorders: 0 });
    // Paid off in November: INV8 (11-12) and INV9 (11-25), both by rule, nobody touched either → 2 of 2 touchless.
    // Manual actions in November (the clerk's, from the audit trail): the credit note 11-10, the write-off 11-15, the
    // dispute 11-25 — the 12-03 resolution is after the day.
    expect(pack.automation).toEqual({
      orders: 2,
      touchlessOrders: 2,
      touchlessShare: 100,
      paymentsApplied: 2,
      paymentsAutoMatched: 2,
      autoMatchRate: 100,
      manualActions: [
        { action: 'invoice.credit-note', count: 1 },
        { action: 'invoice.dispute', count: 1 },
        { action: 'invoice.write-off', count: 1 },
      ],
    });
    // No currency besides GBP: the manual actions' no-currency items (XXX) are not a currency of the pack.
    expect(pack.currencies.map((c) => c.currency)).toEqual(['GBP']);
    expect(pack.accounts).toEqual({ onCreditHold: 0, suspended: 0, withAgency: 0, promisesDue: [] });
  });

  it('the flash pack of 11-25 has that day’s cash and the dispute opened; its KPIs are weekly', async () => {
    const w = await bookWorld(WORKED_BOOK);
    const pack = await financePack({ kind: 'flash', asOf: '2026-11-25' }, w.deps);
    const gbp = pack.currencies[0]!;
    expect(pack.period).toEqual({ from: '2026-11-25', to: '2026-11-25' });
    expect(gbp.cash).toMatchObject({ collected: 5000, bySource: { bank: 5000, stripe: 0, manual: 0 }, disputesOpened: { count: 1, amount: 10000 } });
    // Week 11-19 … 11-25: credit sales INV4 400.00; AR at the end: INV5 100 + INV2 200 + INV3 270 + INV4 400 = 970.00 → DSO 970 ÷ 400 × 7 = 16.975 → 17.0.
    expect(gbp.kpi).toMatchObject({ periodStart: '2026-11-19', periodEnd: '2026-11-25', creditSales: 40000, closingAr: 97000, dso: 17 });
  });
});

describe('financePack as of a day', () => {
  const DAY0 = '2026-09-01';
  const event = fc.oneof(
    fc.record({ kind: fc.constant('invoice' as const), n: fc.integer({ min: 0, max: 5 }), day: fc.integer({ min: 0, max: 80 }), amount: fc.integer({ min: 100, max: 100_000 }), cus: fc.constantFrom('cus_1', 'cus_2') }),
    fc.record({ kind: fc.constant('payment' as const), n: fc.integer({ min: 0, max: 5 }), day: fc.integer({ min: 0, max: 80 }), source: fc.constantFrom('bank' as const, 'stripe' as const, 'manual' as const) }),
    fc.record({ kind: fc.constant('credit-note' as const), n: fc.integer({ min: 0, max: 5 }), day: fc.integer({ min: 0, max: 80 }) }),
    fc.record({ kind: fc.constant('write-off' as const), n: fc.integer({ min: 0, max: 5 }), day: fc.integer({ min: 0, max: 80 }) }),
  );

  /** Turns generated events into a valid book: each invoice once, then only events after its issue while something is owed. */
  type Raw = typeof event extends fc.Arbitrary<infer T> ? T : never;
  function toBook(raw: readonly Raw[]): BookEvent[] {
    const issued = new Map<number, { on: string; balance: number; closed: boolean }>();
    const out: BookEvent[] = [];
    for (const e of [...raw].sort((a, b) => a.day - b.day)) {
      const on = addDays(DAY0, e.day);
      const inv = issued.get(e.n);
      if (e.kind === 'invoice') {
        if (inv) continue;
        issued.set(e.n, { on, balance: e.amount, closed: false });
        out.push({ kind: 'invoice', key: `K${e.n}`, on, orderedOn: addDays(on, -1), amount: e.amount, customerId: e.cus });
        continue;
      }
      if (!inv || inv.closed || on <= inv.on || inv.balance <= 0) continue;
      if (e.kind === 'payment') {
        out.push({ kind: 'payment', key: `K${e.n}`, on, amount: inv.balance, source: e.source });
        inv.balance = 0;
      } else if (e.kind === 'credit-note') {
        const amount = Math.max(1, Math.floor(inv.balance / 3));
        out.push({ kind: 'credit-note', key: `K${e.n}`, on, amount });
        inv.balance -= amount;
      } else {
        out.push({ kind: 'write-off', key: `K${e.n}`, on });
        inv.balance = 0;
        inv.closed = true;
      }
    }
    return out;
  }

  it('is unchanged by any event after the day (invoices, payments, credit notes, write-offs)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(event, { minLength: 1, maxLength: 14 }), fc.integer({ min: 0, max: 80 }), fc.constantFrom('flash' as const, 'weekly' as const, 'month-end' as const), async (raw, cut, kind) => {
        const book = toBook(raw);
        const asOf = addDays(DAY0, cut);
        const before = book.filter((e) => e.on <= asOf);
        const strip = (p: FinancePack) => JSON.parse(JSON.stringify(p));
        const upTo = await financePack({ kind, asOf }, (await bookWorld(before)).deps);
        const all = await financePack({ kind, asOf }, (await bookWorld(book)).deps);
        // Currencies with nothing then may appear empty later (a currency first used afterwards): compare the figures.
        expect(strip(all)).toEqual(strip(upTo));
      }),
      { numRuns: 25 },
    );
  });
});
