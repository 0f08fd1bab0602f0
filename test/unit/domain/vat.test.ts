/** domain/vat: categories of 0 % supplies, the VAT breakdown per category and rate (exact: it sums to the totals), credit notes' share. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderLine, TaxPolicy } from '../../../functions/domain/model.ts';
import { priceOrder } from '../../../functions/domain/pricing.ts';
import { buildCreditNote } from '../../../functions/domain/adjustments.ts';
import { buildInvoice } from '../../../functions/domain/invoice.ts';
import { buyerParty, creditNoteVat, invoiceVat, vatNumberCountry, zeroRateCategory, type VatSituation } from '../../../functions/domain/vat.ts';

const UK: VatSituation = { sellerCountry: 'GB', reverseCharge: false, shipTo: { country: 'GB' } };
const IE_RC: VatSituation = { sellerCountry: 'IE', reverseCharge: true };
const line = (sku: string, quantity: number, unitPrice: number, taxRatePpm: number, discount = 0): OrderLine => ({ sku, description: sku, quantity, unitPrice, discount, taxRatePpm });

describe('zeroRateCategory', () => {
  it('reverse charge only for an EU seller that opted in, to a VAT number of another member state', () => {
    expect(zeroRateCategory({ ...IE_RC, buyerVatNumber: 'DE123456789' })).toBe('AE');
    expect(zeroRateCategory({ ...IE_RC, buyerVatNumber: 'EL123456789', shipTo: { country: 'GR' } })).toBe('AE');
    expect(zeroRateCategory({ ...IE_RC, buyerVatNumber: 'IE6388047V' })).toBe('Z'); // domestic
    expect(zeroRateCategory({ ...IE_RC, reverseCharge: false, buyerVatNumber: 'DE123456789', shipTo: { country: 'DE' } })).toBe('Z'); // not opted in: intra-EU is no export
    expect(zeroRateCategory({ ...UK, buyerVatNumber: 'DE123456789', reverseCharge: true })).toBe('Z'); // GB is not in the EU; shipped within GB
  });
  it('export when the goods leave the seller’s VAT area, zero rate otherwise', () => {
    expect(zeroRateCategory({ ...UK, shipTo: { country: 'US' } })).toBe('G');
    expect(zeroRateCategory({ ...UK, shipTo: { country: 'DE' } })).toBe('G');
    expect(zeroRateCategory({ sellerCountry: 'SE', reverseCharge: false, shipTo: { country: 'NO' } })).toBe('G');
    expect(zeroRateCategory({ sellerCountry: 'SE', reverseCharge: false, shipTo: { country: 'FI' } })).toBe('Z');
    expect(zeroRateCategory(UK)).toBe('Z');
  });
  it('reads VAT prefixes (EL is Greece, XI Northern Ireland)', () => {
    expect(vatNumberCountry('EL094259216')).toBe('GR');
    expect(vatNumberCountry('xi123456789')).toBe('GB');
    expect(vatNumberCountry('123')).toBeUndefined();
  });
});

describe('invoiceVat', () => {
  const policy: TaxPolicy = { rounding: 'half-up', level: 'line' };

  it('the fixtures’ order: 20 % goods with 20 % shipping in one subtotal, the 0 % book in its own', () => {
    const lines = [line('MUG-01', 2, 1250, 200_000, 500), line('BOOK-7', 1, 899, 0)];
    const priced = priceOrder(lines, { amount: 499, taxRatePpm: 200_000 }, policy);
    const vat = invoiceVat({ ...priced, shippingRatePpm: 200_000 }, UK);
    expect(vat.vatBreakdown).toEqual([
      { category: 'S', ratePpm: 200_000, taxable: 2000 + 499, tax: 400 + 100 },
      { category: 'Z', ratePpm: 0, taxable: 899, tax: 0 },
    ]);
    expect(vat.shippingVatCategory).toBe('S');
    expect(vat.lines.map((l) => l.vatCategory)).toEqual(['S', 'Z']);
  });

  it('reverse charge carries its wording', () => {
    const priced = priceOrder([line('LAMP', 10, 4500, 0)], undefined, policy);
    const [subtotal] = invoiceVat(priced, { ...IE_RC, buyerVatNumber: 'DE123456789' }).vatBreakdown;
    expect(subtotal).toMatchObject({ category: 'AE', ratePpm: 0, taxable: 45_000, tax: 0 });
    expect(subtotal!.exemptionReason).toMatch(/Reverse charge/);
  });

  it('property: Σ tax = totals.tax and Σ taxable = net + shipping, one subtotal per category and rate, for any order and policy', () => {
    const rate = fc.constantFrom(0, 50_000, 60_000, 88_750, 100_000, 120_000, 200_000, 250_000);
    const orderLine = fc.record({ quantity: fc.integer({ min: 1, max: 50 }), unitPrice: fc.integer({ min: 0, max: 2_000_000 }), rate, discountShare: fc.integer({ min: 0, max: 100 }) });
    fc.assert(
      fc.property(
        fc.array(orderLine, { minLength: 1, maxLength: 12 }),
        fc.option(fc.record({ amount: fc.integer({ min: 0, max: 100_000 }), taxRatePpm: rate })),
        fc.constantFrom<TaxPolicy['level']>('line', 'invoice'),
        fc.constantFrom<TaxPolicy['rounding']>('half-up', 'half-even'),
        fc.boolean(),
        fc.constantFrom<VatSituation>(UK, { ...UK, shipTo: { country: 'US' } }, { ...IE_RC, buyerVatNumber: 'FR12345678901' }),
        (specs, shipping, level, rounding, inclusive, situation) => {
          const lines = specs.map((s, i) => {
            const gross = s.quantity * s.unitPrice;
            return line(`SKU-${i}`, s.quantity, s.unitPrice, s.rate, Math.floor((gross * s.discountShare) / 400));
          });
          const priced = priceOrder(lines, shipping ?? undefined, { level, rounding }, { pricesIncludeTax: inclusive });
          const vat = invoiceVat({ ...priced, ...(shipping ? { shippingRatePpm: shipping.taxRatePpm } : {}) }, situation);
          const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
          expect(sum(vat.vatBreakdown.map((v) => v.tax))).toBe(priced.totals.tax);
          expect(sum(vat.vatBreakdown.map((v) => v.taxable))).toBe(priced.totals.net + priced.totals.shipping);
          const keys = vat.vatBreakdown.map((v) => `${v.category}:${v.ratePpm}`);
          expect(new Set(keys).size).toBe(keys.length);
          for (const v of vat.vatBreakdown) {
            expect(Number.isSafeInteger(v.taxable) && Number.isSafeInteger(v.tax)).toBe(true);
            if (v.category !== 'S') expect([v.ratePpm, v.tax]).toEqual([0, 0]);
          }
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('creditNoteVat', () => {
  it('property: a credit note’s subtotals sum to its taxable amount and its tax', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 0, max: 500_000 }), fc.integer({ min: 1, max: 100 }), (goods, book, percent) => {
        const order = { id: 'o', source: { platform: 'api' as const, externalId: 'x' }, customerId: 'c', currency: 'GBP', lines: [line('A', 1, goods, 200_000), line('B', 1, book, 0)], shipping: { amount: 499, taxRatePpm: 200_000 }, paymentMode: 'terms' as const, shippingAddress: { line1: 'x', city: 'y', country: 'GB' }, status: 'shipped' as const, createdAt: '2026-11-01T00:00:00Z' };
        const invoice = buildInvoice({ order, series: 'INV', year: 2026, sequence: 1, issueDate: '2026-11-02', terms: { netDays: 30 }, policy: { rounding: 'half-up', level: 'line' } });
        const breakdown = invoiceVat({ ...invoice, shippingRatePpm: 200_000 }, UK).vatBreakdown;
        const amount = Math.max(1, Math.floor((invoice.totals.total * percent) / 100));
        const { creditNote } = buildCreditNote({ invoice, amount, reason: 'r', series: 'CN', year: 2026, sequence: 1, issueDate: '2026-11-03' });
        const cn = creditNoteVat(creditNote, breakdown);
        expect(cn.reduce((s, v) => s + v.tax, 0)).toBe(creditNote.tax);
        expect(cn.reduce((s, v) => s + v.taxable, 0)).toBe(creditNote.net + creditNote.shipping);
      }),
      { numRuns: 200 },
    );
  });
});

describe('buyerParty', () => {
  it('names the company of the billing address, with the customer’s VAT number and Peppol id', () => {
    const party = buyerParty({ name: 'Ada Lovelace', email: 'ada@example.com', vatNumber: 'GB987654321', peppolId: { scheme: '0088', id: '7300010000001' } }, { billingAddress: { company: 'Analytical Engines Ltd', line1: '1 St', city: 'London', country: 'GB' } });
    expect(party).toEqual({ name: 'Analytical Engines Ltd', address: { company: 'Analytical Engines Ltd', line1: '1 St', city: 'London', country: 'GB' }, vatNumber: 'GB987654321', endpoint: { scheme: '0088', id: '7300010000001' }, email: 'ada@example.com' });
  });
});
