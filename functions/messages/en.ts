/** English: the customer messages, and the messages for finance. */
import type { RiskFactor } from '../domain/credit-score.ts';
import type { Catalogue, FinanceCatalogue, PaymentInstructions, RefundAttentionVars } from './types.ts';
import { letterTemplates, type LetterWords } from './letter.ts';

const yourOrder = (ref: string | null) => (ref ? ` (your order ${ref})` : '');


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
      ...(v.toFollow.length === 0 ? ['', 'This completes your order.'] : ['', 'Still to follow:', ...v.toFollow.map((l) => `  ${l.quantity} × ${l.description}`)]),
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
      text: `Dear ${v.customerName},\n\nplease find attached invoice ${v.invoiceNumber}${yourOrder(v.orderReference)} for ${v.total}, due on ${v.dueDate} (${v.terms}).${
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
    text: `Dear ${v.customerName},\n\nwe are sorry: we cannot go ahead with your order ${v.orderReference} (${v.reason}). ${v.refunded ? 'What you paid will be refunded to the card or account you paid with; we will write again when it is on its way.' : 'Nothing has been charged on account.'} Please contact us if you have questions.\n\n${v.companyName}`,
  }),

  'credit-note-issued': (v) => ({
    subject: `Credit note ${v.creditNoteNumber} for invoice ${v.invoiceNumber} from ${v.companyName}`,
    text: `Dear ${v.customerName},\n\nplease find attached credit note ${v.creditNoteNumber} for ${v.total} on invoice ${v.invoiceNumber} (${v.reason}). The amount still due on the invoice is ${v.balance}.${
      v.customerCredit ? ` As it was already paid, ${v.customerCredit} is credit in your favour, which we will refund or set against your next invoice.` : ''
    }\n\n${v.companyName}`,
  }),

  'refund-issued': (v) => ({
    subject: `Refund of ${v.amount} for your order ${v.orderReference}`,
    text: `Dear ${v.customerName},\n\nwe have refunded ${v.amount} for your order ${v.orderReference} (${v.reason})${v.creditNoteNumber ? `, as stated on credit note ${v.creditNoteNumber}` : ''}. It goes back to the card or account you paid with; depending on your bank it can take 5–10 working days to appear.\n\n${v.companyName}`,
  }),

  'dunning-letter': letterTemplates(letter),

  'credit-review-request': (v) => ({
    subject: `Credit review needed: order ${v.orderReference} (${v.total})`,
    text: [
      `Order ${v.orderId} (${v.platform} ${v.platformReference}) for ${v.total} is on credit hold: ${v.reason ?? 'needs review'}.`,
      '',
      ...(v.risk && v.risk.factors.length > 0
        ? [`The customer's credit score is ${v.risk.score} of 100${v.risk.scoredOn ? ` (as of ${v.risk.scoredOn})` : ''}, from:`, ...v.risk.factors.map((f) => `- ${riskFactorWords(f)}`), '']
        : []),
      `Decide with: POST /finance/orders/${v.orderId}/credit-decision  {"decision": "approve" | "reject", "note": "..."}`,
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
function riskFactorWords(f: RiskFactor): string {
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
