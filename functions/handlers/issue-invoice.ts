/**
 * issue-invoice: the order has shipped; bill it.
 * 1. Terms: the order's, else the customer's, else the company default.
 * 2. One transaction: next gapless number, the invoice, order → invoiced, the
 *    ledger entry (paid-at-checkout orders are issued as paid), aggregates.
 * 3. Render the PDF and queue the email with it attached (key `invoice:<number>`,
 *    so a re-run that finds the invoice re-queues and the sender sends once).
 */
import * as z from 'zod/mini';
import { OrderTaskInput } from '#platforms/canonical';
import { todayIn } from '#domain/dates';
import { invoiceIssuedEntry } from '#domain/ledger';
import { describeTerms } from '#domain/invoice';
import { formatMoney } from '#domain/money';
import { companyFromEnv } from '#adapters/company';
import { getCustomer } from '#adapters/customers';
import { issueInvoice as issue } from '#adapters/invoices';
import { enqueueMail } from '#adapters/mail-queue';
import { requireOrder } from '#adapters/orders';
import { renderInvoicePdf } from '#adapters/pdf';
import { renderMessage } from '#messages';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { envOr, metrics, taskHandler } from '#runtime';

export const TaskInput = OrderTaskInput;
const company = companyFromEnv();
const series = envOr('INVOICE_SERIES', 'INV');

export async function issueInvoice({ orderId }: z.infer<typeof TaskInput>, now: Date = new Date()) {
  const order = await requireOrder(orderId);
  const customer = await getCustomer(order.customerId);
  const terms = order.terms ?? customer?.terms ?? company.defaultTerms;
  const { invoice, created } = await issue({
    order,
    series,
    issueDate: todayIn(company.timezone, now),
    terms,
    policy: company.taxPolicy,
    entryFor: (inv) => invoiceIssuedEntry(inv, `inv-${inv.number}`, { paidAtCheckout: order.paymentMode === 'prepaid' }),
  });
  if (created) metrics.addMetric('InvoicesIssued', MetricUnit.Count, 1);
  if (customer) {
    const pdf = await renderInvoicePdf(invoice, { name: company.name, address: company.address }, customer);
    const invoiceVars = {
      customerName: customer.name,
      invoiceNumber: invoice.number,
      orderReference: invoice.orderReference ?? null,
      total: formatMoney({ amount: invoice.totals.total, currency: invoice.currency }),
      companyName: company.name,
    };
    const message = renderMessage(
      'invoice-issued',
      customer.language,
      invoice.balance === 0
        ? { form: 'paid', ...invoiceVars }
        : {
            form: 'balance-due',
            ...invoiceVars,
            dueDate: invoice.dueDate,
            terms: describeTerms(invoice.terms),
            earlyPayment: invoice.earlyPayment ? { amount: formatMoney({ amount: invoice.earlyPayment.amountDue, currency: invoice.currency }), until: invoice.earlyPayment.until } : null,
          },
    );
    await enqueueMail({
      key: `invoice:${invoice.number}`,
      to: [customer.email],
      language: message.language,
      subject: message.subject,
      text: message.text,
      attachments: [{ filename: `${invoice.number}.pdf`, contentType: 'application/pdf', contentBase64: Buffer.from(pdf).toString('base64') }],
    });
  }
  return { invoiceNumber: invoice.number, total: invoice.totals.total, currency: invoice.currency, created };
}

export const handler = taskHandler(TaskInput, (input) => issueInvoice(input));
