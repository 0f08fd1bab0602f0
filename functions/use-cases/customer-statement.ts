/**
 * A customer's statement of account as of a day (default: today in the
 * company's zone).
 *
 * 1. The customer must exist (404); the day must not be in the future (422).
 * 2. Their invoices issued by that day and their payments received by it (two
 *    queries of the by-customer indexes, never a Scan); the credit notes of
 *    the invoices that have any, the disputes of those open on the day, and
 *    the refunds of credit in their favour.
 * 3. The domain undoes every later change (statement.ts) and sums per currency.
 * 4. As JSON (money as `{ amount, currency }`), or as a PDF in the same figures.
 */
import { todayIn } from '#domain/dates';
import { refundId } from '#domain/ids';
import type { CreditNote, IsoDate } from '#domain/model';
import { balanceAsOf, buildStatement, type CustomerStatement, type StatementDispute } from '#domain/statement';
import { NotFoundError, ValidationError } from '../errors.ts';
import { documentLabels } from '#messages/documents/index';
import type { Clock, Company, Customers, Disputes, InvoiceDocuments, Invoices, Payments, RefundRequests, StoredCustomer } from '../ports.ts';

export interface StatementDeps {
  readonly customers: Customers;
  readonly invoices: Invoices;
  readonly payments: Payments;
  readonly disputes: Pick<Disputes, 'ofInvoice'>;
  readonly refundRequests: Pick<RefundRequests, 'get'>;
  readonly clock: Clock;
  readonly company: Pick<Company, 'timezone'>;
}

export type Statement = CustomerStatement & { readonly customer: StoredCustomer };

export async function customerStatement(input: { customerId: string; asOf?: IsoDate }, deps: StatementDeps): Promise<Statement> {
  const today = todayIn(deps.company.timezone, deps.clock.now());
  const asOf = input.asOf ?? today;
  if (asOf > today) throw new ValidationError([{ path: 'asOf', message: `a statement can be as of today (${today}) at the latest` }]);
  const customer = await deps.customers.get(input.customerId);
  if (!customer) throw new NotFoundError(`customer ${input.customerId} does not exist`, 'CustomerNotFound');
  return statementOf(customer, asOf, deps);
}

/**
 * The statement of a customer read already, as of any day (dunning reads it as of its run day, which may be ahead
 * of today when it time-travels): steps 2–3 above.
 */
export async function statementOf(
  customer: StoredCustomer,
  asOf: IsoDate,
  deps: { readonly invoices: Pick<Invoices, 'ofCustomer' | 'creditNotesOf'>; readonly payments: Pick<Payments, 'ofCustomer'> } & Pick<StatementDeps, 'disputes' | 'refundRequests' | 'company'>,
): Promise<Statement> {
  const [invoices, payments] = await Promise.all([deps.invoices.ofCustomer(customer.id, asOf), deps.payments.ofCustomer(customer.id, asOf)]);
  const credited = invoices.filter((i) => ((i as { credited?: number }).credited ?? 0) > 0);
  const open = invoices.filter((i) => balanceAsOf(i, asOf) > 0);
  const [notes, disputed] = await Promise.all([Promise.all(credited.map((i) => deps.invoices.creditNotesOf(i.number))), Promise.all(open.map((i) => deps.disputes.ofInvoice(i.number)))]);
  const creditNotes: CreditNote[] = notes.flat();
  const disputes: StatementDispute[] = disputed.flat().map((d) => ({ disputeId: d.disputeId, invoiceNumber: d.invoiceNumber, currency: d.currency, amount: d.amount, reason: d.reason, openedOn: d.openedOn, ...(d.resolvedOn ? { resolvedOn: d.resolvedOn } : {}) }));
  // Credit in the customer's favour that was paid back: the refund of the credited order (one per order).
  const owedBack = invoices.filter((i) => creditNotes.some((n) => n.invoiceNumber === i.number && n.customerCredit > 0));
  const refunds = await Promise.all(owedBack.map((i) => deps.refundRequests.get(refundId(i.orderId))));
  const creditRefunds = refunds.flatMap((r) => (r && r.cause === 'credit-note' && r.status === 'refunded' && r.settledAt ? [{ on: todayIn(deps.company.timezone, new Date(r.settledAt)), currency: r.currency, amount: r.amount }] : []));
  return { customer, asOf, currencies: buildStatement({ asOf, invoices, payments, creditNotes, disputes, creditRefunds }) };
}

/** The statement as the finance API answers it: every amount as `{ amount, currency }`. */
export function statementView(s: Statement) {
  return {
    customer: { customerId: s.customer.id, name: s.customer.name, email: s.customer.email, ...(s.customer.collectionsStatus ? { collectionsStatus: s.customer.collectionsStatus, collectionsSince: s.customer.collectionsSince } : {}) },
    asOf: s.asOf,
    currencies: s.currencies.map((c) => {
      const money = (amount: number) => ({ amount, currency: c.currency });
      return {
        currency: c.currency,
        openItems: c.openItems.map((i) => ({ ...i, total: money(i.total), balance: money(i.balance), disputed: money(i.disputed), fees: money(i.fees) })),
        creditNotes: c.creditNotes.map((n) => ({ creditNoteNumber: n.number, invoiceNumber: n.invoiceNumber, issueDate: n.issueDate, reason: n.reason, total: money(n.total), appliedToInvoice: money(n.appliedToInvoice), customerCredit: money(n.customerCredit) })),
        unappliedCash: c.unappliedCash.map((p) => ({ ...p, amount: money(p.amount), unapplied: money(p.unapplied) })),
        disputes: c.disputes.map((d) => ({ ...d, amount: money(d.amount) })),
        promises: c.openItems.filter((i) => i.promisedUntil).map((i) => ({ invoiceNumber: i.invoiceNumber, promisedUntil: i.promisedUntil })),
        aging: Object.fromEntries(Object.entries(c.aging).map(([k, v]) => [k, money(v)])),
        openBalance: money(c.openBalance),
        overdue: money(c.overdue),
        fees: money(c.fees),
        unapplied: money(c.unapplied),
        customerCredit: money(c.customerCredit),
        netBalance: money(c.netBalance),
      };
    }),
  };
}

/** Step 4 as a PDF: the same figures, labelled in the customer's language (else the company's default). */
export function statementPdf(statement: Statement, deps: { readonly documents: Pick<InvoiceDocuments, 'statementPdf'>; readonly company: Pick<Company, 'name' | 'address' | 'defaultLanguage'> }): Promise<Uint8Array> {
  return deps.documents.statementPdf(statement, deps.company, documentLabels(statement.customer.language, deps.company.defaultLanguage));
}
