/** English: the customer messages, and the messages for finance. */
import type { RiskFactor } from '../domain/credit-score.ts';
import type { PaymentTerms } from '../domain/model.ts';
import { LOCALES, percentIn } from './format.ts';
import type { Catalogue, FinanceCatalogue, PaymentInstructions, RefundAttentionVars, RejectionReason } from './types.ts';
import { letterTemplates, type LetterWords } from './letter.ts';

const yourOrder = (ref: string | null) => (ref ? ` (your order ${ref})` : '');

/** `Net 30`, `2/10 net 30`, `Due on receipt` (as domain/invoice `describeTerms` writes them, without importing the invoice rules into every mailer). */
const terms = (t: PaymentTerms): string => {
  if (!t.discount) return t.netDays === 0 ? 'Due on receipt' : `Net ${t.netDays}`;
  return `${percentIn(LOCALES.en, t.discount.ratePpm)}/${t.discount.days} net ${t.netDays}`;
};

/** Why an order is rejected, in words. */
const rejection = (r: RejectionReason): string => {
  switch (r.kind) {
    case 'catalog':
      return r.problems
        .map((p) => {
          const item = `${p.item.description} (${p.item.sku})`;
          if (p.kind === 'not-sold') return `we do not sell ${item}`;
          if (p.kind === 'other-currency') return `${item} is sold in ${p.soldIn}, not ${p.orderedIn}`;
          return `${item} is not sold at ${p.unitPrice} a unit; ask us for today's price`;
        })
        .join('; ');
    case 'out-of-stock':
      return 'some items stayed out of stock for too long';
    case 'warehouse':
      return 'it could not be shipped from our warehouse';
    case 'credit':
      return r.note ?? 'we could not approve it on account';
    case 'other':
      return 'it could not be accepted';
  }
};


/** Where to pay, and what to quote: the structured reference, else the invoice number. */
const payTo = (p: PaymentInstructions, invoiceNumber: string) =>
  `Please pay to IBAN ${p.iban}, BIC ${p.bic}${p.bankName ? ` (${p.bankName})` : ''}, quoting ${p.reference ? `the payment reference ${p.reference}` : invoiceNumber}.`;

const letter: LetterWords = {
  subject: {
    courtesy: (list) => `Coming due: ${list}`,
    reminder: (list) => `Payment reminder: ${list}`,
    firm: (list) => `Overdue payment: ${list}`,
    final: (list) => `Final notice: ${list}`,
  },
  more: (n) => `and ${n} more`,
  greeting: (name) => `Dear ${name},`,
  opening: {
    courtesy: () => 'A friendly note that the invoices below fall due soon. If you have already arranged payment, thank you, and please ignore this message.',
    reminder: (v) => `${v.earlierReminder ? 'Further to our earlier reminder, our' : 'Our'} records show that the invoices below are overdue. If you have already paid, please ignore this message; otherwise we would be grateful for payment soon.`,
    firm: (v) => `${v.earlierReminder ? 'Despite our earlier reminder, the' : 'The'} invoices below remain unpaid. Please arrange payment within 7 days, or contact us if there is a problem with an invoice.`,
    final: (v) => `${v.earlierReminder ? 'Despite our earlier reminders, the' : 'The'} invoices below remain unpaid. This is our final notice before we take further steps.`,
  },
  line: (l) =>
    `${l.invoiceNumber}, due ${l.dueDate}, ${l.daysOverdue > 0 ? `${l.daysOverdue} days overdue` : l.daysOverdue === 0 ? 'due today' : `due in ${-l.daysOverdue} days`}: ${l.amount}${l.fee ? ` (including late-payment fees ${l.fee})` : ''}${l.disputed ? ` (${l.disputed} under dispute is not asked for)` : ''}, reference ${l.reference}`,
  total: (v) => `Total to pay ${v.total}${v.netted ? ` (after setting off ${v.netted} of payments not yet applied and credit in your favour)` : ''}.`,
  action: {
    'credit-hold': 'Your account is now on credit hold: new orders on account are held for review until the overdue balance is paid.',
    suspend: 'Your account is now suspended: we cannot accept new orders on account until the overdue balance is paid.',
    'hand-to-agency': 'We have passed the overdue balance to our collection agency, who will contact you; we will send no further reminders.',
  },
  escalation: {
    'credit-hold': (on) => `If the overdue balance is still unpaid on ${on}, new orders on account will be held until it is paid.`,
    suspend: (on) => `If the overdue balance is still unpaid on ${on}, we will suspend your account.`,
    'hand-to-agency': (on) => `If the overdue balance is still unpaid on ${on}, we will pass the debt to our collection agency.`,
  },
  payOnline: (url) => `Pay this invoice online: ${url}`,
  payTo: (p) => `Please pay to IBAN ${p.iban}, BIC ${p.bic}${p.bankName ? ` (${p.bankName})` : ''}, quoting each invoice's reference.`,
  attached: 'Your statement of account is attached.',
  closing: { courtesy: 'Kind regards,', reminder: 'Kind regards,', firm: 'Regards,', final: 'Regards,' },
};

export const en: Catalogue & FinanceCatalogue = {
  'order-confirmed': (v) => ({
    subject: `Order confirmed: ${v.orderReference}`,
    text: [
      `Dear ${v.customerName},`,
      '',
      `thank you for your order ${v.orderReference}. We have confirmed it and will let you know when it ships.`,
      '',
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description} (${l.sku})  ${l.amount}`),
      '',
      `Total ${v.total} (including tax ${v.tax})`,
      '',
      v.companyName,
    ].join('\n'),
  }),

  'order-shipped': (v) => ({
    subject: `Your order ${v.orderReference} has shipped`,
    text: `Dear ${v.customerName},\n\nyour order ${v.orderReference} left our warehouse on ${v.shippedOn} with ${v.carrier} (${v.service}).\nTracking number: ${v.trackingNumber}\n\n${v.companyName}`,
  }),

  'shipment-sent': (v) => ({
    subject: v.toFollow.length === 0 ? `Your order ${v.orderReference} has shipped` : `Part of your order ${v.orderReference} has shipped`,
    text: [
      `Dear ${v.customerName},`,
      '',
      `a parcel of your order ${v.orderReference} left our warehouse on ${v.shippedOn} with ${v.carrier} (${v.service}).`,
      `Tracking number: ${v.trackingNumber}`,
      '',
      'In this parcel:',
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description}`),
      ...(v.toFollow.length === 0 ? ['', 'This completes your order.'] : ['', 'Still to follow:', ...v.toFollow.map((l) => `  ${l.quantity} × ${l.description}${l.expectedOn ? ` (expected ${l.expectedOn})` : ''}`)]),
      '',
      v.companyName,
    ].join('\n'),
  }),

  'lines-cancelled': (v) => ({
    subject: `Part of your order ${v.orderReference} will not be delivered`,
    text: [
      `Dear ${v.customerName},`,
      '',
      v.bySeller ? `as requested, we have cancelled these items of your order ${v.orderReference}:` : `we are sorry: these items of your order ${v.orderReference} cannot be shipped after all and have been cancelled:`,
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      v.refunded ? 'What you paid for them is refunded to the card or account you paid with.' : 'They will not be invoiced.',
      'The rest of your order is not affected.',
      '',
      v.companyName,
    ].join('\n'),
  }),

  'order-backordered': (v) => ({
    subject: `Part of your order ${v.orderReference} is on backorder`,
    text: [
      `Dear ${v.customerName},`,
      '',
      `thank you for your order ${v.orderReference}. Not all of it is in stock today.`,
      '',
      'Ships now:',
      ...v.shipsNow.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      'Follows as soon as it is back in stock:',
      ...v.later.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      'If you would rather not wait for these items, reply to this email and we will cancel them; anything you paid for them is refunded.',
      '',
      v.companyName,
    ].join('\n'),
  }),

  'invoice-issued': {
    'balance-due': (v) => ({
      subject: `Invoice ${v.invoiceNumber}${yourOrder(v.orderReference)} from ${v.companyName}`,
      text: `Dear ${v.customerName},\n\nplease find attached invoice ${v.invoiceNumber}${yourOrder(v.orderReference)} for ${v.total}, due on ${v.dueDate} (${terms(v.terms)}).${
        v.earlyPayment ? ` Pay ${v.earlyPayment.amount} by ${v.earlyPayment.until} to take the early-payment discount.` : ''
      }\n${payTo(v.payment, v.invoiceNumber)}\n\n${v.companyName}`,
    }),
    paid: (v) => ({
      subject: `Invoice ${v.invoiceNumber}${yourOrder(v.orderReference)} from ${v.companyName}`,
      text: `Dear ${v.customerName},\n\nplease find attached invoice ${v.invoiceNumber}${yourOrder(v.orderReference)} for ${v.total}, paid at checkout: nothing is due.\n\n${v.companyName}`,
    }),
  },

  'order-rejected': (v) => ({
    subject: `We cannot fulfil your order ${v.orderReference}`,
    text: `Dear ${v.customerName},\n\nwe are sorry: we cannot go ahead with your order ${v.orderReference} (${rejection(v.reason)}). ${v.refunded ? 'What you paid will be refunded to the card or account you paid with; we will write again when it is on its way.' : 'Nothing has been charged on account.'} Please contact us if you have questions.\n\n${v.companyName}`,
  }),

  'credit-note-issued': (v) => ({
    subject: `Credit note ${v.creditNoteNumber} for invoice ${v.invoiceNumber} from ${v.companyName}`,
    text: `Dear ${v.customerName},\n\nplease find attached credit note ${v.creditNoteNumber} for ${v.total} on invoice ${v.invoiceNumber} (${v.reason}). The amount still due on the invoice is ${v.balance}.${
      v.customerCredit ? ` As it was already paid, ${v.customerCredit} is credit in your favour, which we will refund or set against your next invoice.` : ''
    }\n\n${v.companyName}`,
  }),

  'refund-issued': (v) => ({
    subject: `Refund of ${v.amount} for your order ${v.orderReference}`,
    text: `Dear ${v.customerName},\n\nwe have refunded ${v.amount} for your order ${v.orderReference} (${v.reason ?? 'the order was cancelled or could not be fulfilled'})${v.creditNoteNumber ? `, as stated on credit note ${v.creditNoteNumber}` : ''}. It goes back to the card or account you paid with; depending on your bank it can take 5–10 working days to appear.\n\n${v.companyName}`,
  }),

  'dunning-letter': letterTemplates(letter),

  'payment-plan-agreed': (v) => ({
    subject: `Your payment plan with ${v.companyName}: ${v.total} in ${v.instalments.length} instalment${v.instalments.length === 1 ? '' : 's'}`,
    text: [
      `Dear ${v.customerName},`,
      '',
      `as agreed, you will pay ${v.total} for invoice${v.invoices.length === 1 ? '' : 's'} ${v.invoices.join(', ')} in these instalments:`,
      '',
      ...v.instalments.map((s, i) => `  ${i + 1}. ${s.amount} by ${s.dueDate}`),
      '',
      `While each instalment is paid on time (within ${v.graceDays} day${v.graceDays === 1 ? '' : 's'} of its date) we will send no reminders and charge no fees for these invoices. If an instalment is missed, the plan ends and the usual reminders resume.`,
      `Please pay to IBAN ${v.payment.iban}, BIC ${v.payment.bic}${v.payment.bankName ? ` (${v.payment.bankName})` : ''}, quoting the invoice numbers.`,
      '',
      'Thank you,',
      v.companyName,
    ].join('\n'),
  }),

  'credit-review-request': (v) => ({
    subject: `${v.escalated ? 'Second approval needed' : 'Credit review needed'}: order ${v.orderReference} (${v.total})`,
    text: [
      ...(v.escalated ? ['The first review of this order was not decided in time; you are the second approver. If nobody decides, the order is rejected and its stock released.', ''] : []),
      `Order ${v.orderId} (${v.platform} ${v.platformReference}) for ${v.total} is on credit hold: ${v.reason ?? 'needs review'}.`,
      '',
      ...(v.customer === undefined
        ? []
        : v.customer
          ? [`Customer: ${v.customer.name} (${v.customer.id}, ${v.customer.email}), credit limit ${v.customer.limit}${v.customer.collectionsStatus ? `, collections status ${v.customer.collectionsStatus}` : ''}.`, '']
          : ['o2c has no customer record for this order: no credit limit.', '']),
      ...(v.exposure
        ? [
            'Exposure with this order:',
            ...alignedPairs([
              ['open invoices', v.exposure.openReceivables],
              ['  of which disputed', v.exposure.disputed],
              ['approved orders not invoiced', v.exposure.inFlightOrders],
              ['this order', v.exposure.thisOrder],
              ['unapplied cash (less)', v.exposure.unappliedCash],
              ['exposure', v.exposure.total],
              ['left within the limit', v.exposure.headroom],
            ]).map((l) => `  ${l}`),
            ...(v.exposure.conversions.length ? [`Other currencies${v.exposure.ratesOn ? ` (reference rates of ${v.exposure.ratesOn})` : ''}:`, ...v.exposure.conversions.map((c) => `  ${c}`)] : []),
            '',
          ]
        : []),
      ...(v.history
        ? [
            v.history.paid > 0
              ? `Payment history: ${v.history.paid} of ${v.history.invoices} invoices paid, ${v.history.paidOnTime} on time; on average paid ${v.history.averageDaysToPay} days after issue, ${v.history.averageDaysLate} days late; last payment ${v.history.lastPaidOn}. Open now: ${v.history.open}, of which ${v.history.overdue} overdue.`
              : `Payment history: no invoice paid yet (${v.history.invoices} issued, ${v.history.open} open, ${v.history.overdue} overdue).`,
            '',
          ]
        : []),
      ...(v.risk && v.risk.factors.length > 0
        ? [`The customer's credit score is ${v.risk.score} of 100${v.risk.scoredOn ? ` (as of ${v.risk.scoredOn})` : ''}, from:`, ...v.risk.factors.map((f) => `- ${riskFactorWords(f)}`), '']
        : []),
      ...(v.approval ? [`Standing approval: ${v.approval}.`, ''] : []),
      `Decide with POST /finance/orders/${v.orderId}/credit-decision, or the CLI:`,
      ...alignedPairs([
        ['approve this order only', `npm run o2c -- credit decide ${v.orderId} approve`],
        ['approve it and later orders', `npm run o2c -- credit decide ${v.orderId} approve --up-to <exposure> --until <YYYY-MM-DD>`],
        ['reject (the customer is told why)', `npm run o2c -- credit decide ${v.orderId} reject --reason credit-limit|overdue-balance|credit-history|prepayment-required`],
        ['see it all again', `npm run o2c -- credit show ${v.orderId}`],
      ], 'left').map((l) => `  ${l}`),
    ].join('\n'),
  }),

  'refund-attention': (v) => refundAttention({ ...v, note: v.note.replace(/\.+$/, '') }),

  'collectors-worklist': (v) => ({
    subject: `Collections worklist ${v.asOf}: ${v.rows.length} customer${v.rows.length === 1 ? '' : 's'} written to today`,
    text: [
      `The customers today's dunning run wrote to, ranked by expected loss (overdue × the probability of loss from their credit score). The attached CSV has the same lines.`,
      '',
      ...v.rows.map((r) =>
        [
          `${r.rank}. ${r.customerName} (${r.customerId}): ${r.overdue} overdue, score ${r.riskScore} (${r.probability}), expected loss ${r.expectedLoss}`,
          `   level today: ${r.level}; last contact: ${r.lastContact ?? 'none before today'}; next action: ${r.nextAction ?? 'none left'}`,
          ...(r.promisesDue ? [`   promises due: ${r.promisesDue}`] : []),
          ...(r.disputes ? [`   disputes: ${r.disputes}`] : []),
        ].join('\n'),
      ),
    ].join('\n'),
  }),

  'collections-handover': (v) => ({
    subject: `New collections case from ${v.companyName}: ${v.customerName} (${v.total})`,
    text: [
      `${v.companyName} passes you the debt of ${v.customerName} <${v.customerEmail}>: ${v.total} overdue on ${v.invoices} invoice(s) as of ${v.asOf}.`,
      '',
      'The attached CSV lists every open item (number, dates, amounts, fees, payment reference) and the debtor\'s contact details. We have told the debtor and will send them no further reminders.',
    ].join('\n'),
  }),
};

function refundAttention(v: RefundAttentionVars) {
  return {
    subject: v.form === 'owed' ? `Refund owed: ${v.amount} for order ${v.orderReference} (${v.platform})` : `Refund failed: ${v.amount} for order ${v.orderReference} (${v.platform})`,
    text: [
      v.form === 'owed'
        ? `o2c owes ${v.amount} back on order ${v.orderId} (${v.platform} ${v.orderReference}) but cannot refund it there itself: ${v.note}. Please refund it on ${v.platform} or by bank.`
        : `Stripe refused the refund of ${v.amount} on order ${v.orderId} (${v.orderReference}): ${v.note}. Please check the payment in Stripe and refund it by hand if it is still owed.`,
      '',
      `Refund ${v.refundId}: ${v.reason}.${v.paymentReference ? ` Payment: ${v.paymentReference}.` : ''}`,
      `Listed with: GET /finance/refunds?status=${v.form}  (o2c refunds --status ${v.form})`,
    ].join('\n'),
  };
}

/** A credit-score factor in words, with the points it adds. */
export function riskFactorWords(f: RiskFactor): string {
  const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;
  switch (f.id) {
    case 'days-late':
      return `pays ${plural(f.value, 'day')} late on average, weighted by amount (open invoices count their days overdue): +${f.points}`;
    case 'paid-late':
      return `${f.value}% of paid invoices were paid after their due date: +${f.points}`;
    case 'trend':
      return `the latest three invoices were paid ${plural(f.value, 'day')} later than the ones before: +${f.points}`;
    case 'disputes':
      return `${plural(f.value, 'open invoice')} under dispute: +${f.points}`;
    case 'returned-payments':
      return `${plural(f.value, 'payment')} returned by the bank: +${f.points}`;
    case 'exposure':
      return `owes ${f.value}% of the credit limit (open invoices and approved orders): +${f.points}`;
  }
}

/** `label  value` lines in two columns, the values right-aligned (amounts) or left-aligned (commands). */
function alignedPairs(rows: readonly (readonly [string, string])[], values: 'right' | 'left' = 'right'): string[] {
  const lw = Math.max(...rows.map(([l]) => l.length));
  const vw = Math.max(...rows.map(([, v]) => v.length));
  return rows.map(([l, v]) => `${l.padEnd(lw)}  ${values === 'right' ? v.padStart(vw) : v}`);
}
