/**
 * Finance adjusts an issued invoice.
 *
 * Credit note: 1. The invoice must exist (404). 2. The domain builds the note
 *   for the amount — goods, shipping and tax in the invoice's proportions — and
 *   refuses more than is left to credit or a closed invoice (409). 3. Written
 *   with the next number of its series, the invoice's new balance (guarded by
 *   the one read), the entry and the audit line in one transaction; another
 *   note took the number → next number; the invoice moved → read it again.
 * 4. The customer gets the credit note email, in their language, with the
 *   PDF render-documents attaches (key per credit note: a retried send mails once).
 *   A retry under the same Idempotency-Key queues it again (with the invoice's
 *   balance now): the first request may have died between its transaction and
 *   this step, and the mail key keeps the customer from getting it twice.
 * Write-off: 1. The invoice must exist (404) and owe something (409). 2. Its
 *   balance becomes bad debt (domain), written with the entry and the audit
 *   line, guarded by the balance read (a concurrent payment wins; 409).
 */
import { METRIC } from '#domain/figures';
import { buildCreditNote, creditNoteEntry, writeOff } from '#domain/adjustments';
import { todayIn } from '#domain/dates';
import type { CreditNote, Invoice, Money } from '#domain/model';
import { ConcurrentUpdate, ConflictError, NotFoundError } from '../errors.ts';
import type { Clock, Company, Customers, DocumentMail, Invoices, Outbox, RequestKeys } from '../ports.ts';
import { customerLanguage, formatsFor, renderMessage } from '#messages';
import { mailTo } from './customer-mail.ts';
import { withCreditNoteContent } from './document-content.ts';
import { withNextNumber } from './numbering.ts';

export interface AdjustInvoiceDeps {
  readonly invoices: Invoices;
  readonly requestKeys: RequestKeys;
  readonly customers: Customers;
  /** The documents queue: the credit note email, to render-documents (which attaches the PDF and queues it). */
  readonly renderQueue: Outbox<DocumentMail>;
  readonly clock: Clock;
  readonly company: Company;
  readonly creditNoteSeries: string;
}

const MAX_INVOICE_REREADS = 5;

async function invoiceOf(number: string, deps: AdjustInvoiceDeps) {
  const invoice = await deps.invoices.get(number);
  if (!invoice) throw new NotFoundError(`invoice ${number} does not exist`, 'InvoiceNotFound');
  return invoice;
}

/** What the audit trail keeps of an invoice: money with its currency, so the trail reads on its own. */
const shown = (i: Invoice & { credited?: number }) => ({ balance: { amount: i.balance, currency: i.currency }, status: i.status, credited: { amount: i.credited ?? 0, currency: i.currency } });

/** A credit note as the finance API answers it (money as `{ amount, currency }`). */
export const creditNoteView = (note: CreditNote) => ({
  creditNoteNumber: note.number,
  invoiceNumber: note.invoiceNumber,
  total: { amount: note.total, currency: note.currency },
  tax: { amount: note.tax, currency: note.currency },
  appliedToInvoice: { amount: note.appliedToInvoice, currency: note.currency },
  customerCredit: { amount: note.customerCredit, currency: note.currency },
});

/** The scope of credit-note Idempotency-Keys. */
export const CREDIT_NOTE_KEYS = 'credit-notes';

/** A client's Idempotency-Key for the request, with the fingerprint of its body. */
export interface ClientKey {
  readonly key: string;
  readonly bodyHash: string;
}

export async function issueCreditNote(input: { invoiceNumber: string; amount: Money; reason: string }, actor: string, deps: AdjustInvoiceDeps, clientKey?: ClientKey): Promise<CreditNote> {
  const now = deps.clock.now();
  if (clientKey) {
    // A retry gets the credit note the first request issued (and no second one); another body under the key is refused.
    const prior = await deps.requestKeys.find(CREDIT_NOTE_KEYS, clientKey.key);
    if (prior) return replayed(prior, clientKey, input.invoiceNumber, deps);
  }
  const requestKey = clientKey ? { scope: CREDIT_NOTE_KEYS, key: clientKey.key, bodyHash: clientKey.bodyHash, at: now.toISOString() } : undefined;
  const issueDate = todayIn(deps.company.timezone, now);
  const year = Number(issueDate.slice(0, 4));
  for (let reread = 0; reread < MAX_INVOICE_REREADS; reread++) {
    const before = await invoiceOf(input.invoiceNumber, deps);
    if (before.currency !== input.amount.currency) throw new ConflictError(`invoice ${before.number} is in ${before.currency}; a credit note in ${input.amount.currency} cannot apply to it`, 'CurrencyMismatch');
    const issued = await withNextNumber<{ note: CreditNote; balanceAfter?: number } | 'invoice-changed'>(deps.creditNoteSeries, year, { clock: deps.clock, last: () => deps.invoices.lastSequence(deps.creditNoteSeries, year) }, async (sequence) => {
      const built = buildCreditNote({ invoice: before, amount: input.amount.amount, reason: input.reason, series: deps.creditNoteSeries, year, sequence, issueDate });
      const { invoice: after } = built;
      const creditNote = withCreditNoteContent(built.creditNote, before, { company: deps.company });
      const audit = { at: now.toISOString(), on: issueDate, actor, action: 'invoice.credit-note', entity: `invoice:${before.number}`, before: shown(before), after: { ...shown(after), creditNote: creditNote.number, amount: { amount: creditNote.total, currency: creditNote.currency } }, reason: input.reason };
      const event = { on: issueDate, kind: 'credit-note' as const, amount: creditNote.appliedToInvoice, ref: creditNote.number };
      const result = await deps.invoices.issueCreditNote(creditNote, { before, after, entry: creditNoteEntry(creditNote, `cn-${creditNote.number}`), audit, event, ...(requestKey ? { requestKey } : {}) });
      if (result.kind === 'taken') return { kind: 'taken' };
      if (result.kind === 'key-reused') throw keyReused();
      // A concurrent request under the same key issued it (and mails it): answer with that note.
      if (result.kind === 'replayed') return { kind: 'done', value: { note: await noteOf(input.invoiceNumber, result.creditNoteNumber, deps) } };
      return { kind: 'done', value: result.kind === 'issued' ? { note: creditNote, balanceAfter: after.balance } : 'invoice-changed' };
    });
    if (issued !== 'invoice-changed') {
      if (issued.balanceAfter !== undefined) await sendCreditNote(issued.note, issued.balanceAfter, deps, before);
      return issued.note;
    }
  }
  throw new ConcurrentUpdate(`invoice ${input.invoiceNumber} kept changing while the credit note was issued; try again`);
}

const keyReused = () => new ConflictError('Idempotency-Key was used before with a different body', 'IdempotencyKeyReused');

async function noteOf(invoiceNumber: string, number: string, deps: AdjustInvoiceDeps): Promise<CreditNote> {
  const note = await deps.invoices.creditNote(invoiceNumber, number);
  if (!note) throw new ConflictError(`the Idempotency-Key names credit note ${number}, which is not on invoice ${invoiceNumber}`, 'IdempotencyKeyReused');
  return note;
}

async function replayed(prior: { bodyHash: string; answer: unknown }, clientKey: ClientKey, invoiceNumber: string, deps: AdjustInvoiceDeps): Promise<CreditNote> {
  if (prior.bodyHash !== clientKey.bodyHash) throw keyReused();
  const note = await noteOf(invoiceNumber, String(prior.answer), deps);
  const invoice = await invoiceOf(invoiceNumber, deps);
  await sendCreditNote(note, invoice.balance, deps, invoice);
  return note;
}

/** The customer's copy, in their language, with the invoice's balance after the credit. */
async function sendCreditNote(note: CreditNote, balanceAfter: number, deps: AdjustInvoiceDeps, invoice: Invoice): Promise<void> {
  const customer = await deps.customers.get(note.customerId);
  if (!customer) return;
  const language = customerLanguage(customer, deps.company);
  const money = (amount: number) => formatsFor(language).money({ amount, currency: note.currency });
  const message = renderMessage('credit-note-issued', language, {
    customerName: customer.name,
    creditNoteNumber: note.number,
    invoiceNumber: note.invoiceNumber,
    total: money(note.total),
    reason: note.reason,
    balance: money(balanceAfter),
    customerCredit: note.customerCredit > 0 ? money(note.customerCredit) : null,
    companyName: deps.company.name,
  });
  await deps.renderQueue.send({ mail: mailTo(customer, `credit-note:${note.number}`, message), documents: [{ kind: 'credit-note', invoiceNumber: note.invoiceNumber, number: note.number }] });
}

export async function writeOffInvoice(input: { invoiceNumber: string; reason: string }, actor: string, deps: AdjustInvoiceDeps): Promise<{ invoiceNumber: string; status: Invoice['status']; writtenOff: Money }> {
  const before = await invoiceOf(input.invoiceNumber, deps);
  const now = deps.clock.now();
  const on = todayIn(deps.company.timezone, now);
  const { invoice: after, entry } = writeOff(before, `wo-${before.number}`, on, input.reason);
  await deps.invoices.adjust({ before, after, entry, event: { on, kind: 'write-off', amount: before.balance, ref: entry.id }, aggregates: { [METRIC.writeOffs]: before.balance, [METRIC.writeOffCount]: 1 }, audit: { at: now.toISOString(), on, actor, action: 'invoice.write-off', entity: `invoice:${before.number}`, before: shown(before), after: shown(after), reason: input.reason } });
  return { invoiceNumber: after.number, status: after.status, writtenOff: { amount: before.balance, currency: before.currency } };
}
