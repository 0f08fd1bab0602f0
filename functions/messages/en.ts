/** English: the customer messages, and the messages for finance. */
import type { Catalogue, FinanceCatalogue, PaymentInstructions, PaymentReminderVars, RefundAttentionVars } from './types.ts';

const yourOrder = (ref: string | null) => (ref ? ` (your order ${ref})` : '');

/** The reminder's word on a part of the balance under dispute (left out of the amount asked for). */
const disputedNote = (v: PaymentReminderVars) => (v.disputed ? ` The amount asked for leaves out ${v.disputed}, which is under dispute and which we are looking into.` : '');

/** Where to pay, and what to quote: the structured reference, else the invoice number. */
const payTo = (p: PaymentInstructions, invoiceNumber: string) =>
  `Please pay to IBAN ${p.iban}, BIC ${p.bic}${p.bankName ? ` (${p.bankName})` : ''}, quoting ${p.reference ? `the payment reference ${p.reference}` : invoiceNumber}.`;

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

  'payment-reminder': {
    friendly: (v) => ({
      subject: `Friendly reminder: invoice ${v.invoiceNumber} is overdue`,
      text: `Dear ${v.customerName},\n\nOur records show that invoice ${v.invoiceNumber} for ${v.amount}, due on ${v.dueDate}, is still open. If you have already paid, please ignore this message; otherwise we would be grateful for payment at your earliest convenience.${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\nKind regards,\n${v.companyName}`,
    }),
    firm: (v) => ({
      subject: `Second reminder: invoice ${v.invoiceNumber} is ${v.daysPastDue} days overdue`,
      text: `Dear ${v.customerName},\n\nInvoice ${v.invoiceNumber} for ${v.amount} was due on ${v.dueDate} and is now ${v.daysPastDue} days overdue. Please arrange payment within 7 days, or contact us if there is a problem with the invoice.${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\nRegards,\n${v.companyName}`,
    }),
    final: (v) => ({
      subject: `Final notice: invoice ${v.invoiceNumber}`,
      text: `Dear ${v.customerName},\n\nDespite our earlier reminders, invoice ${v.invoiceNumber} for ${v.amount}, due on ${v.dueDate}, remains unpaid (${v.daysPastDue} days overdue). Unless we receive payment within 7 days we will suspend your account and pass the debt to collections.${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\n${v.companyName}`,
    }),
  },

  'credit-review-request': (v) => ({
    subject: `Credit review needed: order ${v.orderReference} (${v.total})`,
    text: [
      `Order ${v.orderId} (${v.platform} ${v.platformReference}) for ${v.total} is on credit hold: ${v.reason ?? 'needs review'}.`,
      '',
      `Decide with: POST /finance/orders/${v.orderId}/credit-decision  {"decision": "approve" | "reject", "note": "..."}`,
    ].join('\n'),
  }),

  'refund-attention': (v) => refundAttention({ ...v, note: v.note.replace(/\.+$/, '') }),
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
