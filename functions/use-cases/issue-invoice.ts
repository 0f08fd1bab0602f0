/**
 * The order has shipped: bill it.
 *
 * 1. An order invoiced before keeps its invoice (the email is queued again;
 *    the sender sends each key once).
 * 2. Terms: the order's, else the customer's, else the company default; the
 *    issue date is today in the company's zone.
 * 3. Build the invoice with the next number of its series and year (domain)
 *    and its structured payment reference in the configured scheme, its journal entry (paid-at-checkout orders are issued as paid) and the
 *    order's move shipped → invoiced, and write them (an open invoice with its
 *    next action date from the dunning policy, `nextActionDate`: its place in
 *    the next-action index dunning reads) with the aggregates in one
 *    transaction that moves the series counter — so a failed write consumes no
 *    number. Another invoice took the number: read the counter again.
 * 4. Queue the email (key `invoice:<number>`) for render-documents, which renders
 *    the PDF, attaches it and queues the email for sending; an invoice with a
 *    balance says where to pay and what reference to quote. A customer who
 *    wants e-invoices (`eInvoice`) also gets the Peppol BIS 3 UBL, with the PDF
 *    embedded (render-documents). The invoice carries its VAT-invoice content
 *    from step 3 (document-content: seller, buyer, supply date, VAT breakdown).
 * 5. An order the platform cancelled after shipment (flagged by cancel-order)
 *    is handed to refund-payment, which credits the invoice (and refunds a
 *    paid one's customer credit).
 */
import { daysBetween, todayIn } from '#domain/dates';
import { METRIC } from '#domain/figures';
import { nextActionDate, type DunningPolicy } from '#domain/dunning';
import { buildInvoice, formatInvoiceNumber } from '#domain/invoice';
import { invoiceIssuedEntry } from '#domain/ledger';
import type { Customer, Invoice } from '#domain/model';
import { transition } from '#domain/order';
import { paymentReferenceFor } from '#domain/references';
import { customerLanguage, formatsFor, renderMessage } from '#messages';
import { InvoiceConflict, OrderNotFound } from '../errors.ts';
import { mailTo, paymentInstructions } from './customer-mail.ts';
import type { Clock, Company, Customers, DocumentMail, Invoices, Metrics, Orders, Outbox, RefundMessage, StoredOrder } from '../ports.ts';
import { withInvoiceContent } from './document-content.ts';
import { withNextNumber } from './numbering.ts';

export { MAX_NUMBER_ATTEMPTS } from './numbering.ts';

export interface IssueInvoiceDeps {
  readonly orders: Orders;
  readonly customers: Customers;
  readonly invoices: Invoices;
  /** The documents queue: the invoice email, to render-documents (which attaches the PDF and queues it for sending). */
  readonly renderQueue: Outbox<DocumentMail>;
  readonly clock: Clock;
  readonly metrics: Metrics;
  readonly company: Company;
  readonly series: string;
  /** Where a cancellation that came after shipment goes once the invoice exists (refund-payment credits it). */
  readonly refundQueue: Outbox<RefundMessage>;
  /** The dunning policy: the invoice's first next action date. */
  readonly policy: DunningPolicy;
}

/** What an invoice adds to its day's aggregates: sales (credit sales when on terms), the discount offered, the order's channel and its order-to-invoice days. */
function invoiceFigures(invoice: Invoice, order: StoredOrder, orderedOn: string): Record<string, number> {
  const onTerms = order.paymentMode === 'terms';
  return {
    creditSales: onTerms ? invoice.totals.total : 0,
    sales: invoice.totals.total,
    invoices: 1,
    [METRIC.discountsOffered]: onTerms ? (invoice.earlyPayment?.discount ?? 0) : 0,
    [METRIC.ordersInvoiced(order.source.platform)]: 1,
    [METRIC.revenue(order.source.platform)]: invoice.totals.total,
    [METRIC.orderToInvoice(daysBetween(orderedOn, invoice.issueDate))]: 1,
    // Touchless: not released from a credit hold by finance (confirm-order records that reason on the order).
    ...(order.reason !== 'approved by finance' ? { [METRIC.touchless]: 1 } : {}),
    ...((order.backorderAttempts ?? 0) > 0 ? { [METRIC.backorders]: 1 } : {}),
  };
}

async function issueOnce(order: StoredOrder, customer: Customer | undefined, deps: IssueInvoiceDeps): Promise<{ invoice: Invoice; created: boolean }> {
  const now = deps.clock.now();
  const issueDate = todayIn(deps.company.timezone, now);
  const year = Number(issueDate.slice(0, 4));
  const terms = order.terms ?? customer?.terms ?? deps.company.defaultTerms;
  const paidAtCheckout = order.paymentMode === 'prepaid';
  return withNextNumber<{ invoice: Invoice; created: boolean }>(deps.series, year, { clock: deps.clock, last: () => deps.invoices.lastSequence(deps.series, year) }, async (sequence) => {
    const paymentReference = paymentReferenceFor(deps.company.paymentReferenceScheme, formatInvoiceNumber(deps.series, year, sequence));
    const priced = buildInvoice({ order, series: deps.series, year, sequence, issueDate, terms, policy: deps.company.taxPolicy, paid: paidAtCheckout, paymentReference });
    const built = withInvoiceContent(priced, { company: deps.company, ...(customer ? { customer } : {}), order });
    const next = built.balance > 0 ? nextActionDate(deps.policy, { dueDate: built.dueDate, sent: [] }, issueDate) : null;
    const orderedOn = order.createdAt.slice(0, 10);
    const invoice: Invoice = { ...built, orderedOn, ...(next ? { nextActionOn: next } : {}) };
    const result = await deps.invoices.issue({
      invoice,
      order,
      orderChange: transition(order, 'invoiced', 'invoice', now.toISOString(), { invoiceNumber: invoice.number }, invoice.number),
      entry: invoiceIssuedEntry(invoice, `inv-${invoice.number}`, { paidAtCheckout }),
      aggregates: invoiceFigures(invoice, order, orderedOn),
    });
    if (result.kind === 'issued') return { kind: 'done', value: { invoice, created: true } };
    if (result.kind === 'taken') return { kind: 'taken' }; // another invoice took this number first
    const fresh = await deps.orders.get(order.id);
    const existing = fresh?.invoiceNumber ? await deps.invoices.get(fresh.invoiceNumber) : undefined;
    if (existing) return { kind: 'done', value: { invoice: existing, created: false } };
    throw new InvoiceConflict(`order ${order.id} changed while its invoice was issued (now ${fresh?.status ?? 'gone'})`);
  });
}

export async function issueInvoice({ orderId }: { orderId: string }, deps: IssueInvoiceDeps) {
  const order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  const customer = await deps.customers.get(order.customerId);
  const existing = order.invoiceNumber ? await deps.invoices.get(order.invoiceNumber) : undefined;
  const { invoice, created } = existing ? { invoice: existing, created: false } : await issueOnce(order, customer, deps);
  if (created) deps.metrics.count('InvoicesIssued');
  if (customer) {
    const language = customerLanguage(customer, deps.company);
    const { money: format, date } = formatsFor(language);
    const money = (amount: number) => format({ amount, currency: invoice.currency });
    const vars = { customerName: customer.name, invoiceNumber: invoice.number, orderReference: invoice.orderReference ?? null, total: money(invoice.totals.total), companyName: deps.company.name };
    const message = renderMessage(
      'invoice-issued',
      language,
      invoice.balance === 0
        ? { form: 'paid', ...vars }
        : {
            form: 'balance-due',
            ...vars,
            dueDate: date(invoice.dueDate),
            terms: invoice.terms,
            earlyPayment: invoice.earlyPayment ? { amount: money(invoice.earlyPayment.amountDue), until: date(invoice.earlyPayment.until) } : null,
            payment: paymentInstructions(invoice, deps.company),
          },
    );
    await deps.renderQueue.send({ mail: mailTo(customer, `invoice:${invoice.number}`, message), documents: [{ kind: 'invoice', number: invoice.number }] });
  }
  // Cancelled by the platform after it shipped, before it was invoiced: now there is an invoice to credit (every run
  // sends it, so a crash after the write loses nothing; the credit note is keyed by the order and issued once).
  if (order.creditNoteRequested) await deps.refundQueue.send({ kind: 'cancelled-after-invoice', orderId: order.id });
  return { invoiceNumber: invoice.number, total: invoice.totals.total, currency: invoice.currency, created };
}
