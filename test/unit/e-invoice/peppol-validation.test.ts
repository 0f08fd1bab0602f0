/**
 * Every e-invoice o2c sends validates as a Peppol receiver checks it: the UBL 2.1 XSD and no fatal assertion of the
 * CEN EN 16931 and PEPPOL BIS 3 schematrons (test/support/ubl-validator.ts). The documents are the ones the use
 * cases attach to the customer's email (issue-invoice, adjust-invoice), for a representative set: the fixtures'
 * order, several rates, zero-rated export, reverse charge, JPY, a credit note. The official examples pass the same
 * validator (it works), and broken invoices fail it (it is not a rubber stamp).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Customer } from '../../../functions/domain/model.ts';
import { priceOrder } from '../../../functions/domain/pricing.ts';
import type { Company, MailMessage, StoredOrder } from '../../../functions/ports.ts';
import { issueCreditNote } from '../../../functions/use-cases/adjust-invoice.ts';
import { issueInvoice } from '../../../functions/use-cases/issue-invoice.ts';
import { TEST_COMPANY } from '../../support/memory.ts';
import { testCustomer, testOrder } from '../../support/orders.ts';
import { STANDARDS, describeReport, validateUbl, warmUpSchematrons } from '../../support/ubl-validator.ts';
import { world } from '../use-cases/fixtures.ts';

const TIMEOUT = 240_000;

const xmlOf = (mail: MailMessage | undefined) => {
  const a = mail?.attachments?.find((x) => x.contentType === 'application/xml');
  if (!a) throw new Error(`no UBL attachment on ${mail?.key}`);
  return Buffer.from(a.contentBase64, 'base64').toString('utf8');
};

const B2B = (extra: Partial<Customer> = {}) => testCustomer('cus_1', { name: 'Brightwater Supplies Ltd', vatNumber: 'GB987654321', eInvoice: true, ...extra });

function order(extra: Partial<StoredOrder>): StoredOrder {
  const base = testOrder('ord_1', 'shipped', { billingAddress: { company: 'Brightwater Supplies Ltd', line1: '9 Quay Road', city: 'Bristol', postalCode: 'BS1 4DJ', country: 'GB' }, shipment: { carrier: 'DPD', service: 'next-day', trackingNumber: 'T1', shippedAt: '2026-11-21T16:00:00.000Z' }, ...extra });
  return { ...base, totals: priceOrder(base.lines, base.shipping, { rounding: 'half-up', level: 'line' }, { pricesIncludeTax: base.pricesIncludeTax === true }).totals };
}

async function invoiceXml(o: StoredOrder, customer: Customer, company: Company = TEST_COMPANY) {
  const w = world({ company });
  w.putCustomer(customer);
  w.putOrder(o);
  const { invoiceNumber } = await issueInvoice({ orderId: o.id }, w.deps);
  return { w, invoiceNumber, xml: xmlOf(w.state.mailbox.find((m) => m.key === `invoice:${invoiceNumber}`)) };
}

async function expectValid(xml: string) {
  const report = await validateUbl(xml);
  expect(describeReport(report)).toBe('');
  expect(report.valid).toBe(true);
}

const IE_SELLER: Company = {
  ...TEST_COMPANY,
  name: 'Example Trading Ireland',
  baseCurrency: 'EUR',
  bankAccount: { iban: 'IE29AIBK93115212345678', bic: 'AIBKIE2D' },
  legal: { legalName: 'Example Trading Ireland DAC', country: 'IE', vatNumber: 'IE6388047V', registration: '654321', postalAddress: { line1: '5 Harbour Square', city: 'Dublin', postalCode: 'D02 X285', country: 'IE' }, reverseCharge: true },
};

describe('Peppol BIS 3 e-invoices', () => {
  beforeAll(() => {
    // Compiles both schematrons once (kept in node_modules/.cache for the next run).
    warmUpSchematrons();
  }, TIMEOUT);

  it('the official examples pass the validator', { timeout: TIMEOUT }, async () => {
    for (const name of ['base-example.xml', 'base-creditnote-correction.xml', 'vat-category-Z.xml']) {
      const report = await validateUbl(readFileSync(resolve(STANDARDS, 'peppol-bis-3/examples', name), 'utf8'));
      expect(`${name}: ${describeReport(report)}`).toBe(`${name}: `);
    }
  });

  it('the fixtures’ order: standard and zero rate, shipping at 20 %, the PDF embedded, paid to the IBAN with the RF reference', { timeout: TIMEOUT }, async () => {
    const { xml } = await invoiceXml(order({}), B2B());
    expect(xml).toContain('<cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>');
    expect(xml).toContain('<cbc:PaymentID>RF94INV2026000001</cbc:PaymentID>');
    expect(xml).toContain('<cbc:ID>GB62DEMO00000012345678</cbc:ID>');
    expect(xml).toContain('<cbc:BuyerReference>PO-ord_1</cbc:BuyerReference>');
    expect(xml).toContain('<cbc:ActualDeliveryDate>2026-11-21</cbc:ActualDeliveryDate>');
    expect(xml).toMatch(/<cbc:EmbeddedDocumentBinaryObject mimeCode="application\/pdf" filename="INV-2026-000001.pdf">JVBERi/);
    expect(xml).toContain('<cbc:PayableAmount currencyID="GBP">38.98</cbc:PayableAmount>');
    await expectValid(xml);
  });

  it('several rates (20 %, 5 %, 0 %) with a discount, and its credit note referring to it', { timeout: TIMEOUT }, async () => {
    const lines = [
      { sku: 'CHAIR-2', description: 'Oak chair', quantity: 4, unitPrice: 12_999, discount: 2_000, taxRatePpm: 200_000 },
      { sku: 'SEAT-5', description: 'Child car seat', quantity: 1, unitPrice: 8_950, discount: 0, taxRatePpm: 50_000 },
      { sku: 'BOOK-7', description: 'Field guide', quantity: 3, unitPrice: 899, discount: 0, taxRatePpm: 0 },
    ];
    const { w, invoiceNumber, xml } = await invoiceXml(order({ lines, shipping: { amount: 1_500, taxRatePpm: 200_000 } }), B2B());
    expect(xml.match(/<cac:TaxSubtotal>/g)).toHaveLength(3);
    await expectValid(xml);

    await issueCreditNote({ invoiceNumber, amount: { amount: 10_000, currency: 'GBP' }, reason: 'one chair returned' }, 'finance key', w.deps);
    const cn = xmlOf(w.state.mailbox.find((m) => m.key === 'credit-note:CN-2026-000001'));
    expect(cn).toContain('<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>');
    expect(cn).toMatch(/<cac:InvoiceDocumentReference>\s*<cbc:ID>INV-2026-000001<\/cbc:ID>/);
    expect(cn).toContain('<cbc:PayableAmount currencyID="GBP">100.00</cbc:PayableAmount>');
    await expectValid(cn);
  });

  it('zero-rated export outside the UK (G) to a buyer with a Peppol id, paid at checkout', { timeout: TIMEOUT }, async () => {
    const lines = [{ sku: 'MUG-01', description: 'Stoneware mug', quantity: 6, unitPrice: 1_250, discount: 0, taxRatePpm: 0 }];
    const buyer = B2B({ name: 'Lakeside Goods Inc', vatNumber: undefined, peppolId: { scheme: '0088', id: '7300010000001' } });
    const { xml } = await invoiceXml(order({ lines, shipping: { amount: 2_000, taxRatePpm: 0 }, paymentMode: 'prepaid', shippingAddress: { line1: '400 Lake St', city: 'Chicago', postalCode: '60601', country: 'US' }, billingAddress: { company: 'Lakeside Goods Inc', line1: '400 Lake St', city: 'Chicago', postalCode: '60601', country: 'US' } }), buyer);
    expect(xml).toContain('<cbc:TaxExemptionReasonCode>VATEX-EU-G</cbc:TaxExemptionReasonCode>');
    expect(xml).toContain('<cbc:PrepaidAmount currencyID="GBP">95.00</cbc:PrepaidAmount>');
    expect(xml).toContain('<cbc:PayableAmount currencyID="GBP">0.00</cbc:PayableAmount>');
    await expectValid(xml);
  });

  it('reverse charge (AE) from an Irish seller to a German business buyer, in EUR by SEPA credit transfer', { timeout: TIMEOUT }, async () => {
    const lines = [{ sku: 'LAMP-3', description: 'Desk lamp', quantity: 10, unitPrice: 4_500, discount: 0, taxRatePpm: 0 }];
    const buyer = B2B({ name: 'Nordlicht GmbH', vatNumber: 'DE123456789', currency: 'EUR' });
    const { xml } = await invoiceXml(order({ currency: 'EUR', lines, shipping: { amount: 1_000, taxRatePpm: 0 }, shippingAddress: { line1: 'Hafenstr. 1', city: 'Hamburg', postalCode: '20457', country: 'DE' }, billingAddress: { company: 'Nordlicht GmbH', line1: 'Hafenstr. 1', city: 'Hamburg', postalCode: '20457', country: 'DE' } }), buyer, IE_SELLER);
    expect(xml).toContain('<cbc:TaxExemptionReasonCode>VATEX-EU-AE</cbc:TaxExemptionReasonCode>');
    expect(xml).toMatch(/<cbc:PaymentMeansCode name="SEPA credit transfer">58<\/cbc:PaymentMeansCode>/);
    expect(xml).toContain('<cbc:EndpointID schemeID="9930">DE123456789</cbc:EndpointID>');
    await expectValid(xml);
  });

  it('JPY: whole yen, no decimals', { timeout: TIMEOUT }, async () => {
    const lines = [
      { sku: 'TEA-1', description: 'Sencha 100 g', quantity: 3, unitPrice: 1_980, discount: 0, taxRatePpm: 100_000 },
      { sku: 'POT-2', description: 'Tetsubin teapot', quantity: 1, unitPrice: 12_345, discount: 345, taxRatePpm: 100_000 },
    ];
    const buyer = B2B({ name: 'Kyoto Tea Trading KK', vatNumber: undefined, currency: 'JPY', peppolId: { scheme: '0088', id: '5400000000003' } });
    const { xml } = await invoiceXml(order({ currency: 'JPY', lines, shipping: { amount: 800, taxRatePpm: 100_000 }, shippingAddress: { line1: '1-2-3 Gion', city: 'Kyoto', postalCode: '605-0001', country: 'JP' } }), buyer);
    expect(xml).toContain('<cbc:LineExtensionAmount currencyID="JPY">17940</cbc:LineExtensionAmount>');
    expect(xml).not.toMatch(/currencyID="JPY">\d+\.\d/);
    await expectValid(xml);
  });

  it('a broken invoice fails: a wrong total, and the VAT breakdown missing', { timeout: TIMEOUT }, async () => {
    const { xml } = await invoiceXml(order({}), B2B());
    const wrongTotal = xml.replace('<cbc:TaxInclusiveAmount currencyID="GBP">38.98</cbc:TaxInclusiveAmount>', '<cbc:TaxInclusiveAmount currencyID="GBP">39.98</cbc:TaxInclusiveAmount>');
    expect(wrongTotal).not.toBe(xml);
    expect((await validateUbl(wrongTotal)).fatal.map((f) => f.id)).toContain('BR-CO-15');
    const noBreakdown = xml.replace(/<cac:TaxSubtotal>[^]*?<\/cac:TaxSubtotal>\s*/g, '');
    expect(noBreakdown).not.toBe(xml);
    const report = await validateUbl(noBreakdown);
    expect(report.valid).toBe(false);
    expect(report.fatal.map((f) => f.id)).toContain('BR-CO-18');
  });
});
