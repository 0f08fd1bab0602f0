/**
 * One dunning letter (plan-dunning decided it): one customer, one currency,
 * every invoice that reached a level in the run.
 *
 * 1. The customer must still be known and not exempt; the invoices still open,
 *    not wholly disputed, not under a promise nor held by a payment plan — the rest of the letter goes
 *    (none left: no letter).
 * 2. The statement as of the run's day: each invoice's amount after netting
 *    the customer's unapplied cash and credit against the oldest amounts, its
 *    fees and the part under dispute; the total.
 * 3. Where payment links are configured, each invoice's Stripe Payment Link
 *    for the amount asked (created once per invoice and level). Render the
 *    letter in the customer's language and the tone of its highest level, with what plan-dunning knew (earlier reminder really sent, the
 *    action done, the next escalation and its day); attach the statement PDF
 *    and, on the first letter naming an invoice, its PDF (reminder-documents);
 *    queue it under the run's mail key (a retry sends it once).
 * 4. A hand-over to the agency: the agency gets the debtor's open items and
 *    contact as CSV (key per customer and day).
 */
import { agencyCaseCsv, letterLevel, netAgainstOldest, type DunningPolicy } from '#domain/dunning';
import { daysBetween } from '#domain/dates';
import { formatMoney } from '#domain/money';
import { printedReference } from '#domain/references';
import { heldByPlan } from '#domain/payment-plans';
import { customerLanguage, formatsFor, renderMessage } from '#messages';
import { mailTo, paymentInstructions } from './customer-mail.ts';
import { statementOf } from './customer-statement.ts';
import { firstLetterFor } from './reminder-documents.ts';
import type { Company, Customers, Disputes, DocumentMail, Invoices, Log, Mail, Outbox, PaymentLinks, Payments, RefundRequests, ReminderRequest } from '../ports.ts';

export interface SendReminderDeps {
  readonly invoices: Invoices;
  readonly customers: Pick<Customers, 'get'>;
  readonly payments: Pick<Payments, 'ofCustomer'>;
  readonly disputes: Pick<Disputes, 'ofInvoice'>;
  readonly refundRequests: Pick<RefundRequests, 'get'>;
  /** The documents queue: the letter, to render-documents (which attaches the statement PDF as of `asOf` and queues it). */
  readonly renderQueue: Outbox<DocumentMail>;
  readonly mail: Mail;
  readonly log: Log;
  readonly company: Company;
  readonly policy: DunningPolicy;
  /** Online payment links printed under each invoice (Stripe Payment Links); absent: bank transfer only. */
  readonly paymentLinks?: PaymentLinks;
  /** Where `hand-to-agency` sends the case. */
  readonly agencyAddress?: string;
}


export async function sendReminder(request: ReminderRequest, deps: SendReminderDeps): Promise<boolean> {
  const { asOf, currency } = request;
  const customer = await deps.customers.get(request.customerId);
  if (!customer || customer.dunningExempt) {
    deps.log.info('no letter: customer unknown or exempt', { customerId: request.customerId });
    return false;
  }
  const invoices = (await Promise.all(request.items.map((i) => deps.invoices.get(i.invoiceNumber)))).filter(
    (inv): inv is NonNullable<typeof inv> => inv !== undefined && inv.balance - (inv.disputed ?? 0) > 0 && !(inv.promisedUntil !== undefined && inv.promisedUntil >= asOf) && !heldByPlan(inv, asOf),
  );
  if (invoices.length === 0) {
    deps.log.info('no letter: paid, disputed or promised meanwhile', { customerId: customer.id, key: request.key });
    return false;
  }
  const statement = await statementOf(customer, asOf, deps);
  const section = statement.currencies.find((c) => c.currency === currency);
  const credit = section ? section.unapplied + section.customerCredit : 0;
  const netted = netAgainstOldest(section?.openItems ?? [], credit);
  const language = customerLanguage(customer, deps.company);
  const { money: format, date } = formatsFor(language);
  const money = (amount: number) => format({ amount, currency });
  const wanted = new Set(invoices.map((i) => i.number));
  const lines = netted.filter((n) => wanted.has(n.item.invoiceNumber) && n.chased > 0);
  if (lines.length === 0) return false;
  const byNumber = new Map(invoices.map((i) => [i.number, i]));
  const total = lines.reduce((a, l) => a + l.chased, 0);
  const owedBeforeNetting = lines.reduce((a, l) => a + l.item.balance - l.item.disputed, 0);
  const levels = request.items.filter((i) => wanted.has(i.invoiceNumber)).map((i) => i.level);
  const { iban, bic, bankName } = paymentInstructions({}, deps.company);
  const levelOf = new Map(request.items.map((i) => [i.invoiceNumber, i.level]));
  const links = await payLinks(lines.map((l) => ({ invoiceNumber: l.item.invoiceNumber, level: levelOf.get(l.item.invoiceNumber)!, amount: l.chased, currency })), deps);
  const message = renderMessage('dunning-letter', language, {
    tone: letterLevel(deps.policy, levels).tone,
    customerName: customer.name,
    companyName: deps.company.name,
    lines: lines.map(({ item, chased }) => {
      const inv = byNumber.get(item.invoiceNumber)!;
      return {
        invoiceNumber: item.invoiceNumber,
        dueDate: date(item.dueDate),
        daysOverdue: daysBetween(item.dueDate, asOf),
        amount: money(chased),
        fee: item.fees > 0 ? money(item.fees) : null,
        disputed: item.disputed > 0 ? money(item.disputed) : null,
        reference: inv.paymentReference ? printedReference(inv.paymentReference, deps.company.paymentReferenceScheme) : inv.number,
        payLink: links.get(item.invoiceNumber) ?? null,
      };
    }),
    total: money(total),
    netted: owedBeforeNetting > total ? money(owedBeforeNetting - total) : null,
    earlierReminder: request.earlierReminder,
    action: request.action ?? null,
    escalation: request.escalation ? { ...request.escalation, on: date(request.escalation.on) } : null,
    payment: { iban, bic, bankName },
  });
  const firstInvoices = lines.map((l) => byNumber.get(l.item.invoiceNumber)!).filter((inv) => firstLetterFor(inv, levelOf.get(inv.number)!));
  // render-documents attaches the statement as of the day and, on the first letter that names an invoice, its PDF.
  const documents = [{ kind: 'statement' as const, customerId: customer.id, asOf }, ...firstInvoices.map((inv) => ({ kind: 'invoice' as const, number: inv.number }))];
  await deps.renderQueue.send({ mail: mailTo(customer, request.key, message), documents });
  if (request.action === 'hand-to-agency' && deps.agencyAddress && section) {
    const handover = renderMessage('collections-handover', 'en', { companyName: deps.company.name, customerName: customer.name, customerEmail: customer.email, total: formatMoney({ amount: section.openBalance, currency }), invoices: section.openItems.length, asOf });
    await deps.mail.enqueue({
      key: `agency:${customer.id}:${asOf}`,
      to: [deps.agencyAddress],
      subject: handover.subject,
      text: handover.text,
      attachments: [{ filename: `case-${customer.id}-${asOf}.csv`, contentType: 'text/csv', contentBase64: Buffer.from(agencyCaseCsv(customer, section, asOf), 'utf8').toString('base64') }],
    });
  }
  return true;
}

/** Each invoice's payment link for the amount asked (one per invoice and level: the platform's idempotency key); none where the platform refused. */
async function payLinks(items: readonly { invoiceNumber: string; level: string; amount: number; currency: string }[], deps: SendReminderDeps): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (!deps.paymentLinks) return out;
  for (const i of items) {
    const link = await deps.paymentLinks.linkFor({ ...i, description: `${deps.company.name}: invoice ${i.invoiceNumber}` });
    if (link.kind === 'link') out.set(i.invoiceNumber, link.url);
    else deps.log.info('no payment link', { invoiceNumber: i.invoiceNumber, reason: link.reason });
  }
  return out;
}
