/**
 * What bench/render-cold-start.ts bundles and loads in a fresh process: the renderer render-documents runs (the PDF
 * adapter, its fonts, the labels) and a sample invoice to render, in English or Japanese.
 */
import { pdfDocuments } from '../functions/adapters/pdf.ts';
import { buildInvoice } from '../functions/domain/invoice.ts';
import { DOCUMENT_LABELS } from '../functions/messages/documents/index.ts';

const lines = Array.from({ length: 12 }, (_, i) => ({ sku: `SKU-${i}`, description: `Stoneware mug, glazed, 35 cl (${i})`, quantity: 1 + (i % 3), unitPrice: 1250 + i, discount: 0, taxRatePpm: 200_000 }));
const invoice = buildInvoice({
  order: { id: 'ord_bench', source: { platform: 'api', externalId: 'b', reference: '#1042' }, customerId: 'cus_b', currency: 'GBP', lines, shipping: { amount: 499, taxRatePpm: 200_000 }, paymentMode: 'terms', shippingAddress: { line1: '1 High St', city: 'York', country: 'GB' }, status: 'shipped', createdAt: '2026-11-20T10:00:00.000Z' },
  series: 'INV',
  year: 2026,
  sequence: 1,
  issueDate: '2026-11-22',
  terms: { netDays: 30 },
  policy: { rounding: 'half-up', level: 'line' },
  paymentReference: 'RF18INV2026000001',
});
const seller = { name: 'Example Trading Ltd', address: ['1 Market St', 'York YO1 7HH'], bankAccount: { iban: 'GB62DEMO00000012345678', bic: 'DEMOGB22' }, paymentReferenceScheme: 'rf' as const };
const customers = {
  en: { name: 'Ada Lovelace', email: 'ada@example.com', billingAddress: { line1: '12 St James Sq', city: 'London', country: 'GB' } },
  ja: { name: '株式会社山田商事 山田太郎様', email: 'yamada@example.jp', billingAddress: { line1: '千代田区丸の内一丁目1番1号', city: '東京都', country: 'JP' } },
};

export function render(language: 'en' | 'ja'): Promise<Uint8Array> {
  return pdfDocuments.pdf(invoice, seller, customers[language], DOCUMENT_LABELS[language]);
}
