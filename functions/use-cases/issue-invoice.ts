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
 *    number. Another invoice took the number: read the counter again. The
 *    invoice carries the order's touches (domain/figures `orderTouches`: a
 *    credit review, a seller's line cancellation): the pack counts the order
 *    touchless when it is paid off by rule without any (a prepaid one at issue).
 * 4. Unless the seller has no invoice emails (customerEmails), queue the email (key `invoice:<number>`) for render-documents, which renders
 *    the PDF, attaches it and queues the email for sending; an invoice with a
 *    balance says where to pay and what reference to quote. A customer who
 *    wants e-invoices (`eInvoice`) also gets the Peppol BIS 3 UBL, with the PDF
 *    embedded (render-documents). The invoice carries its VAT-invoice content
 *    from step 3 (document-content: seller, buyer, supply date, VAT breakdown).
 * 5. An order the platform cancelled after shipment (flagged by cancel-order)
 *    is handed to refund-payment, which credits the invoice (and refunds a
 *    paid one's customer credit).
 *
 * An order that shipped in parts (recorded shipments, domain/shipments.ts) is billed per `invoiceOn`:
 * - `order`: one invoice of what shipped (cancelled lines left out), when the workflow gets here — the order complete;
 * - `shipment`: an invoice per shipment (its lines, discount and platform tax allocated exactly, shipping with the
 *   first), issued when the warehouse reports it (record-shipment) and here again for any a crash left out — each
 *   shipment's invoice number is written on the order in the invoice's own transaction, so it is issued once; then
 *   the order moves shipped → invoiced naming the last of them, without another invoice.
 * A prepaid order some of whose lines were cancelled (never shipped) is owed back its total less what its invoices
 * billed: that refund is requested once (its id from the order) and queued for refund-payment on every run.
 */
import { emails } from '#domain/notifications';
import { daysBetween, todayIn } from '#domain/dates';
import { METRIC, orderTouches, paidOff } from '#domain/figures';
import { nextActionDate, type DunningPolicy } from '#domain/dunning';
import { buildInvoice, formatInvoiceNumber } from '#domain/invoice';
import { invoiceIssuedEntry } from '#domain/ledger';
import type { Customer, Invoice } from '#domain/model';
import { amendOrder, transition, type OrderChange } from '#domain/order';
import { partOrder, shipmentsOf, type RecordedShipment } from '#domain/shipments';
import { paymentReferenceFor } from '#domain/references';
import { customerLanguage, formatsFor, renderMessage } from '#messages';
import { InvoiceConflict, OrderNotFound } from '../errors.ts';
import { mailTo, paymentInstructions } from './customer-mail.ts';
import type { Clock, Company, Customers, DocumentMail, Invoices, Metrics, Orders, Outbox, RefundMessage, RefundRequests, StoredOrder } from '../ports.ts';
import { withInvoiceContent } from './document-content.ts';
import { refundOfCancelledLines } from '#domain/refunds';
import { withNextNumber } from './numbering.ts';

export { MAX_NUMBER_ATTEMPTS } from './numbering.ts';

export interface IssueInvoiceDeps {
  /** Which customer notifications are emailed (`customerEmails`; undefined: all of them). */
  readonly customerEmails?: readonly string[] | undefined;
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
  /** An order shipped in parts: one invoice of the order (default), or one per shipment. */
  readonly invoiceOn?: 'order' | 'shipment';
  /** Where a prepaid order's refund of cancelled lines is requested. */
  readonly refundRequests?: RefundRequests;
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
    // A prepaid order is paid off at issue (touchless when nobody touched it); one on terms when its cash pays it off.
    ...(invoice.balance === 0 && invoice.status === 'paid' ? paidOff(invoice) : {}),
    ...((order.backorderAttempts ?? 0) > 0 ? { [METRIC.backorders]: 1 } : {}),
  };
}

/** What one invoice bills: the part of the order, the order's change written with it, where a rival's invoice is found. */
interface Billing {
  readonly part: StoredOrder;
  readonly change: (invoice: Invoice, at: string) => OrderChange;
  readonly existing: (fresh: StoredOrder | undefined) => string | undefined;
}

const wholeOrder = (order: StoredOrder): Billing => ({
  part: order.shipments && Object.keys(order.shipments).length > 0 ? partOrder(order) : order,
  change: (invoice, at) => transition(order, 'invoiced', 'invoice', at, { invoiceNumber: invoice.number }, invoice.number),
  existing: (fresh) => fresh?.invoiceNumber,
});

const oneShipment = (order: StoredOrder, shipment: RecordedShipment): Billing => ({
  part: partOrder(order, shipment),
  change: (invoice, at) =>
    amendOrder({ shipments: { ...order.shipments, [shipment.shipmentId]: { ...shipment, invoiceNumber: invoice.number } } }, { at, step: 'invoice-shipment', detail: `${invoice.number} for shipment ${shipment.shipmentId}` }),
  existing: (fresh) => fresh?.shipments?.[shipment.shipmentId]?.invoiceNumber,
});

async function issueOnce(order: StoredOrder, customer: Customer | undefined, deps: IssueInvoiceDeps, billing: Billing = wholeOrder(order)): Promise<{ invoice: Invoice; created: boolean }> {
  const now = deps.clock.now();
  const issueDate = todayIn(deps.company.timezone, now);
  const year = Number(issueDate.slice(0, 4));
  const terms = order.terms ?? customer?.terms ?? deps.company.defaultTerms;
  const paidAtCheckout = order.paymentMode === 'prepaid';
  return withNextNumber<{ invoice: Invoice; created: boolean }>(deps.series, year, { clock: deps.clock, last: () => deps.invoices.lastSequence(deps.series, year) }, async (sequence) => {
    const paymentReference = paymentReferenceFor(deps.company.paymentReferenceScheme, formatInvoiceNumber(deps.series, year, sequence));
    const priced = buildInvoice({ order: billing.part, series: deps.series, year, sequence, issueDate, terms, policy: deps.company.taxPolicy, paid: paidAtCheckout, paymentReference });
    const built = withInvoiceContent(priced, { company: deps.company, ...(customer ? { customer } : {}), order: billing.part });
    const next = built.balance > 0 ? nextActionDate(deps.policy, { dueDate: built.dueDate, sent: [] }, issueDate) : null;
    const orderedOn = order.createdAt.slice(0, 10);
    const touches = orderTouches(order);
    const invoice: Invoice = { ...built, orderedOn, ...(touches.length > 0 ? { touches } : {}), ...(next ? { nextActionOn: next } : {}) };
    const result = await deps.invoices.issue({
      invoice,
      order,
      orderChange: billing.change(invoice, now.toISOString()),
      entry: invoiceIssuedEntry(invoice, `inv-${invoice.number}`, { paidAtCheckout }),
      aggregates: invoiceFigures(invoice, order, orderedOn),
    });
    if (result.kind === 'issued') return { kind: 'done', value: { invoice, created: true } };
    if (result.kind === 'taken') return { kind: 'taken' }; // another invoice took this number first
    const fresh = await deps.orders.get(order.id);
    const number = billing.existing(fresh);
    const existing = number ? await deps.invoices.get(number) : undefined;
    if (existing) return { kind: 'done', value: { invoice: existing, created: false } };
    throw new InvoiceConflict(`order ${order.id} changed while its invoice was issued (now ${fresh?.status ?? 'gone'})`);
  });
}

export async function issueInvoice({ orderId }: { orderId: string }, deps: IssueInvoiceDeps) {
  let order = await deps.orders.get(orderId);
  if (!order) throw new OrderNotFound(orderId);
  const customer = await deps.customers.get(order.customerId);
  let invoice: Invoice;
  let created = false;
  if ((deps.invoiceOn ?? 'order') === 'shipment' && shipmentsOf(order).length > 0 && !order.invoiceNumber) {
    // Invoiced per shipment: any the callback left out, then the order's move naming the last one.
    const issued = await invoiceShipments({ orderId }, deps);
    order = (await deps.orders.get(orderId)) ?? order;
    const last = shipmentsOf(order).at(-1)?.invoiceNumber ?? issued.at(-1)?.number;
    const lastInvoice = last ? await deps.invoices.get(last) : undefined;
    if (!lastInvoice) throw new InvoiceConflict(`order ${orderId} has shipments without an invoice`);
    if (order.status === 'shipped') order = await deps.orders.apply(order, transition(order, 'invoiced', 'invoice', deps.clock.now().toISOString(), { invoiceNumber: lastInvoice.number }, `invoiced per shipment (${shipmentsOf(order).length})`));
    invoice = lastInvoice;
    created = issued.length > 0;
  } else {
    const existing = order.invoiceNumber ? await deps.invoices.get(order.invoiceNumber) : undefined;
    ({ invoice, created } = existing ? { invoice: existing, created: false } : await issueOnce(order, customer, deps));
    if (created) deps.metrics.count('InvoicesIssued');
    if (customer) await mailInvoice(invoice, customer, deps);
  }
  // Cancelled by the platform after it shipped, before it was invoiced: now there is an invoice to credit (every run
  // sends it, so a crash after the write loses nothing; the credit note is keyed by the order and issued once).
  if (order.creditNoteRequested) await deps.refundQueue.send({ kind: 'cancelled-after-invoice', orderId: order.id });
  await refundCancelledLines(order, invoice, deps);
  return { invoiceNumber: invoice.number, total: invoice.totals.total, currency: invoice.currency, created };
}

/**
 * Invoices every recorded shipment of the order that has none yet (invoiceOn: "shipment"), oldest first, each in
 * its own transaction with the order's record of it; a shipment invoiced meanwhile by another run is found, not
 * billed again. Mails each invoice issued, and the one of `mailShipment` (the shipment just reported) again — the
 * sender sends a key once, so a crash before the mail is healed by the warehouse's retry.
 */
export async function invoiceShipments(input: { orderId: string; mailShipment?: string }, deps: IssueInvoiceDeps): Promise<Invoice[]> {
  const issued: Invoice[] = [];
  let order = await deps.orders.get(input.orderId);
  if (!order) throw new OrderNotFound(input.orderId);
  const customer = await deps.customers.get(order.customerId);
  for (let pending = shipmentsOf(order).find((s) => !s.invoiceNumber); pending; pending = shipmentsOf(order).find((s) => !s.invoiceNumber)) {
    const { invoice, created } = await issueOnce(order, customer, deps, oneShipment(order, pending));
    if (created) (deps.metrics.count('InvoicesIssued'), issued.push(invoice));
    if (customer) await mailInvoice(invoice, customer, deps);
    order = await deps.orders.get(input.orderId);
    if (!order) throw new OrderNotFound(input.orderId);
  }
  const again = input.mailShipment ? order.shipments?.[input.mailShipment]?.invoiceNumber : undefined;
  if (again && customer && !issued.some((i) => i.number === again)) {
    const invoice = await deps.invoices.get(again);
    if (invoice) await mailInvoice(invoice, customer, deps);
  }
  return issued;
}

/** A prepaid order with cancelled lines: what its invoices did not bill goes back (requested once, queued every run). */
async function refundCancelledLines(order: StoredOrder, last: Invoice, deps: IssueInvoiceDeps): Promise<void> {
  const cancellations = Object.values(order.lineCancellations ?? {});
  if (order.paymentMode !== 'prepaid' || cancellations.length === 0 || !deps.refundRequests) return;
  const numbers = [...new Set([...shipmentsOf(order).flatMap((s) => (s.invoiceNumber ? [s.invoiceNumber] : [])), last.number])];
  let invoiced = 0;
  for (const number of numbers) invoiced += number === last.number ? last.totals.total : ((await deps.invoices.get(number))?.totals.total ?? 0);
  const reason = `not shipped: ${[...new Set(cancellations.map((c) => c.reason))].join('; ')}`;
  const refund = refundOfCancelledLines(order, invoiced, reason, deps.clock.now().toISOString());
  if (!refund) return;
  await deps.refundRequests.request(refund);
  await deps.refundQueue.send({ kind: 'refund', refundId: refund.id });
}

async function mailInvoice(invoice: Invoice, customer: Customer, deps: IssueInvoiceDeps): Promise<void> {
  if (!emails(deps.customerEmails, 'invoice')) return;
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
  // render-documents renders the PDF (and, for an e-invoicing customer, the UBL), attaches them and queues the email.
  await deps.renderQueue.send({ mail: mailTo(customer, `invoice:${invoice.number}`, message), documents: [{ kind: 'invoice', number: invoice.number }] });
}
