/** Shared fixtures for the use-case tests (not a test file itself): a world at a fixed instant, products, drafts, invoices. */
import { buildInvoice, formatInvoiceNumber } from '../../../functions/domain/invoice.ts';
import { paymentReferenceFor } from '../../../functions/domain/references.ts';
import type { Invoice, IsoDate, Order, PaymentTerms } from '../../../functions/domain/model.ts';
import type { OrderDraft, Product } from '../../../functions/ports.ts';
import { statusOf } from '../../../functions/runtime/errors.ts';
import { memoryWorld, TEST_COMPANY } from '../../support/memory.ts';

/** Sunday 22 November 2026, 10:00 in London (GMT). */
export const NOW = '2026-11-22T10:00:00.000Z';
export const TODAY = '2026-11-22';

export const world = (options: Parameters<typeof memoryWorld>[0] = {}) => memoryWorld({ now: NOW, ...options });

export const product = (sku: string, extra: Partial<Product> = {}): Product => ({
  sku,
  description: `product ${sku}`,
  unitPrice: 1000,
  currency: 'GBP',
  taxRatePpm: 200_000,
  onHand: 10,
  weightGrams: 400,
  ...extra,
});

/** The catalog entries that match testOrder's lines (2 × MUG-01 at 12.50, 1 × BOOK-7 at 8.99). */
export const MUG = product('MUG-01', { description: 'Stoneware mug', unitPrice: 1250 });
export const BOOK = product('BOOK-7', { description: 'Field guide', unitPrice: 899, taxRatePpm: 0 });

/** A Shopify order as the platform mapping hands it over: testOrder's lines, £38.98 all in. */
export function draft(extra: Partial<OrderDraft> = {}): OrderDraft {
  return {
    externalId: '450789469',
    shop: 'acme.myshopify.com',
    reference: '#1042',
    customer: { email: 'Ada@Example.com', name: 'Ada Lovelace' },
    currency: 'GBP',
    lines: [
      { sku: 'MUG-01', description: 'Stoneware mug', quantity: 2, unitPrice: 1250, discount: 500, taxRatePpm: 200_000 },
      { sku: 'BOOK-7', description: 'Field guide', quantity: 1, unitPrice: 899, discount: 0, taxRatePpm: 0 },
    ],
    shipping: { amount: 499, taxRatePpm: 200_000 },
    paymentMode: 'terms',
    shippingAddress: { line1: '1 High St', city: 'York', country: 'GB' },
    platformTotal: 3898,
    ...extra,
  };
}

/** An invoice for `order` as issue-invoice would have built it, with an optional balance left. */
export function invoiceFor(
  order: Order,
  options: { sequence?: number; issueDate?: IsoDate; terms?: PaymentTerms; balance?: number; customerId?: string; currency?: string } = {},
): Invoice {
  const issueDate = options.issueDate ?? TODAY;
  const invoice = buildInvoice({
    order: { ...order, ...(options.customerId ? { customerId: options.customerId } : {}), ...(options.currency ? { currency: options.currency } : {}) },
    series: 'INV',
    year: Number(issueDate.slice(0, 4)),
    sequence: options.sequence ?? 1,
    issueDate,
    terms: options.terms ?? { netDays: 30 },
    policy: TEST_COMPANY.taxPolicy,
    paymentReference: paymentReferenceFor(TEST_COMPANY.paymentReferenceScheme, formatInvoiceNumber('INV', Number(issueDate.slice(0, 4)), options.sequence ?? 1)),
  });
  if (options.balance === undefined) return invoice;
  const status = options.balance === 0 ? 'paid' : options.balance < invoice.totals.total ? 'partially_paid' : 'open';
  return { ...invoice, balance: options.balance, status };
}

/** The order's timeline steps, in order. */
export const stepsOf = (w: ReturnType<typeof world>, orderId: string) => (w.state.events.get(orderId) ?? []).map((e) => e.step);

/** What a refused call says: its HTTP status, error code and message (fails the test when the call succeeds). */
export const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return { status: statusOf(error), code: (error as { code?: string }).code, message: (error as Error).message };
  }
  throw new Error('expected a refusal');
};
