/** Chinese (Simplified). */
import type { Catalogue, PaymentInstructions, PaymentReminderVars } from './types.ts';

const yourOrder = (ref: string | null) => (ref ? `（您的订单 ${ref}）` : '');

/** The reminder's word on a part of the balance under dispute (left out of the amount asked for). */
const disputedNote = (v: PaymentReminderVars) => (v.disputed ? `该金额不包括正在争议中、我们正在核查的 ${v.disputed}。` : '');

/** Where to pay, and what to quote: the structured reference, else the invoice number. */
const payTo = (p: PaymentInstructions, invoiceNumber: string) =>
  `请汇款至 IBAN ${p.iban}，BIC ${p.bic}${p.bankName ? `（${p.bankName}）` : ''}，并注明${p.reference ? `付款参考号 ${p.reference}` : `发票号码 ${invoiceNumber}`}。`;

export const zh: Catalogue = {
  'order-confirmed': (v) => ({
    subject: `订单已确认：${v.orderReference}`,
    text: [
      `尊敬的 ${v.customerName}：`,
      '',
      `感谢您的订购！您的订单 ${v.orderReference} 已确认，发货时我们会再通知您。`,
      '',
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description}（${l.sku}）  ${l.amount}`),
      '',
      `合计 ${v.total}（含税 ${v.tax}）`,
      '',
      '此致',
      v.companyName,
    ].join('\n'),
  }),

  'order-shipped': (v) => ({
    subject: `您的订单 ${v.orderReference} 已发货`,
    text: `尊敬的 ${v.customerName}：\n\n您的订单 ${v.orderReference} 已于 ${v.shippedOn} 通过 ${v.carrier}（${v.service}）从我们的仓库发出。\n物流单号：${v.trackingNumber}\n\n此致\n${v.companyName}`,
  }),

  'invoice-issued': {
    'balance-due': (v) => ({
      subject: `${v.companyName} 开具的发票 ${v.invoiceNumber}${yourOrder(v.orderReference)}`,
      text: `尊敬的 ${v.customerName}：\n\n附件为发票 ${v.invoiceNumber}${yourOrder(v.orderReference)}，金额 ${v.total}，到期日 ${v.dueDate}（${v.terms}）。${
        v.earlyPayment ? `如在 ${v.earlyPayment.until} 前支付 ${v.earlyPayment.amount}，即可享受提前付款折扣。` : ''
      }\n${payTo(v.payment, v.invoiceNumber)}\n\n此致\n${v.companyName}`,
    }),
    paid: (v) => ({
      subject: `${v.companyName} 开具的发票 ${v.invoiceNumber}${yourOrder(v.orderReference)}`,
      text: `尊敬的 ${v.customerName}：\n\n附件为发票 ${v.invoiceNumber}${yourOrder(v.orderReference)}，金额 ${v.total}，已在下单时付清，您无需再付款。\n\n此致\n${v.companyName}`,
    }),
  },

  'order-rejected': (v) => ({
    subject: `很抱歉，我们无法履行您的订单 ${v.orderReference}`,
    text: `尊敬的 ${v.customerName}：\n\n很抱歉，我们无法继续处理您的订单 ${v.orderReference}（${v.reason}）。${v.refunded ? '您已支付的款项将退回至您付款时使用的银行卡或账户；退款发出后我们会再次通知您。' : '您的账户未产生任何费用。'}如有疑问，请与我们联系。\n\n此致\n${v.companyName}`,
  }),

  'credit-note-issued': (v) => ({
    subject: `${v.companyName}：发票 ${v.invoiceNumber} 的贷项通知单 ${v.creditNoteNumber}`,
    text: `尊敬的 ${v.customerName}：\n\n随函附上发票 ${v.invoiceNumber} 的贷项通知单 ${v.creditNoteNumber}，金额 ${v.total}（${v.reason}）。该发票尚欠金额为 ${v.balance}。${
      v.customerCredit ? `由于该发票已付清，${v.customerCredit} 为您的贷方余额，我们将予以退款或在下一张发票中抵扣。` : ''
    }\n\n此致\n${v.companyName}`,
  }),

  'refund-issued': (v) => ({
    subject: `您的订单 ${v.orderReference} 已退款 ${v.amount}`,
    text: `尊敬的 ${v.customerName}：\n\n我们已为您的订单 ${v.orderReference}（${v.reason}）退款 ${v.amount}${v.creditNoteNumber ? `，详见贷项通知单 ${v.creditNoteNumber}` : ''}。款项将退回您付款时使用的银行卡或账户；视您的银行而定，可能需要 5–10 个工作日到账。\n\n此致\n${v.companyName}`,
  }),

  'payment-reminder': {
    friendly: (v) => ({
      subject: `付款提醒：发票 ${v.invoiceNumber} 已逾期`,
      text: `尊敬的 ${v.customerName}：\n\n我们的记录显示，发票 ${v.invoiceNumber}（金额 ${v.amount}，到期日 ${v.dueDate}）尚未结清。如您已付款，请忽略本邮件；否则请尽快安排付款。${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\n此致\n${v.companyName}`,
    }),
    firm: (v) => ({
      subject: `第二次提醒：发票 ${v.invoiceNumber} 已逾期 ${v.daysPastDue} 天`,
      text: `尊敬的 ${v.customerName}：\n\n发票 ${v.invoiceNumber}（金额 ${v.amount}）已于 ${v.dueDate} 到期，目前已逾期 ${v.daysPastDue} 天。请在 7 天内付款；如发票有任何问题，请与我们联系。${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\n此致\n${v.companyName}`,
    }),
    final: (v) => ({
      subject: `最后通知：发票 ${v.invoiceNumber}`,
      text: `尊敬的 ${v.customerName}：\n\n尽管我们此前已多次提醒，发票 ${v.invoiceNumber}（金额 ${v.amount}，到期日 ${v.dueDate}）仍未支付（已逾期 ${v.daysPastDue} 天）。如 7 天内仍未收到付款，我们将暂停您的账户并将该欠款移交催收。${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\n${v.companyName}`,
    }),
  },
};
