/** Japanese. */
import type { Catalogue, PaymentInstructions, PaymentReminderVars } from './types.ts';

const yourOrder = (ref: string | null) => (ref ? `（ご注文 ${ref}）` : '');

/** The reminder's word on a part of the balance under dispute (left out of the amount asked for). */
const disputedNote = (v: PaymentReminderVars) => (v.disputed ? `なお、この金額には、現在確認中の係争分 ${v.disputed} は含まれておりません。` : '');

/** Where to pay, and what to quote: the structured reference, else the invoice number. */
const payTo = (p: PaymentInstructions, invoiceNumber: string) =>
  `お振込先：IBAN ${p.iban}、BIC ${p.bic}${p.bankName ? `（${p.bankName}）` : ''}。お振込みの際は、${p.reference ? `支払参照番号 ${p.reference}` : `請求書番号 ${invoiceNumber}`} をご記入ください。`;

export const ja: Catalogue = {
  'order-confirmed': (v) => ({
    subject: `ご注文確定のお知らせ：${v.orderReference}`,
    text: [
      `${v.customerName} 様`,
      '',
      `このたびはご注文 ${v.orderReference} をいただき、誠にありがとうございます。ご注文を確定いたしました。発送の際に改めてご連絡いたします。`,
      '',
      ...v.lines.map((l) => `  ${l.description}（${l.sku}）× ${l.quantity}  ${l.amount}`),
      '',
      `合計 ${v.total}（うち税額 ${v.tax}）`,
      '',
      v.companyName,
    ].join('\n'),
  }),

  'order-shipped': (v) => ({
    subject: `ご注文 ${v.orderReference} を発送いたしました`,
    text: `${v.customerName} 様\n\nご注文 ${v.orderReference} の商品を ${v.shippedOn} に ${v.carrier}（${v.service}）にて発送いたしました。\n追跡番号：${v.trackingNumber}\n\n${v.companyName}`,
  }),

  'invoice-issued': {
    'balance-due': (v) => ({
      subject: `【${v.companyName}】請求書 ${v.invoiceNumber}${yourOrder(v.orderReference)} のご送付`,
      text: `${v.customerName} 様\n\n請求書 ${v.invoiceNumber}${yourOrder(v.orderReference)} を添付いたします。\nご請求金額：${v.total}\nお支払期日：${v.dueDate}（${v.terms}）\n${
        v.earlyPayment ? `${v.earlyPayment.until} までに ${v.earlyPayment.amount} をお支払いいただくと、早期支払割引が適用されます。\n` : ''
      }${payTo(v.payment, v.invoiceNumber)}\n\n${v.companyName}`,
    }),
    paid: (v) => ({
      subject: `【${v.companyName}】請求書 ${v.invoiceNumber}${yourOrder(v.orderReference)} のご送付`,
      text: `${v.customerName} 様\n\n請求書 ${v.invoiceNumber}${yourOrder(v.orderReference)} を添付いたします。ご請求金額 ${v.total} はご注文時にお支払い済みのため、改めてお支払いいただく必要はございません。\n\n${v.companyName}`,
    }),
  },

  'order-rejected': (v) => ({
    subject: `ご注文 ${v.orderReference} をお受けできませんでした`,
    text: `${v.customerName} 様\n\n誠に申し訳ございませんが、ご注文 ${v.orderReference} はお受けすることができませんでした（理由：${v.reason}）。${v.refunded ? 'お支払いいただいた代金は、お支払いに使われたカードまたは口座へ返金いたします。返金手続きが完了しましたら改めてご連絡いたします。' : '代金のご請求は発生しておりません。'}ご不明な点がございましたら、お気軽にお問い合わせください。\n\n${v.companyName}`,
  }),

  'credit-note-issued': (v) => ({
    subject: `【${v.companyName}】請求書 ${v.invoiceNumber} のクレジットノート ${v.creditNoteNumber}`,
    text: `${v.customerName} 様\n\n請求書 ${v.invoiceNumber} に対するクレジットノート ${v.creditNoteNumber}（金額 ${v.total}、理由：${v.reason}）を添付いたします。本請求書の残額は ${v.balance} です。${
      v.customerCredit ? `本請求書はお支払い済みのため、${v.customerCredit} はお客様の貸方残高となり、返金または次回のご請求から差し引かせていただきます。` : ''
    }\n\n${v.companyName}`,
  }),

  'refund-issued': (v) => ({
    subject: `ご注文 ${v.orderReference} の ${v.amount} を返金いたしました`,
    text: `${v.customerName} 様\n\nご注文 ${v.orderReference}（${v.reason}）につきまして、${v.amount} を返金いたしました${v.creditNoteNumber ? `（クレジットノート ${v.creditNoteNumber} のとおり）` : ''}。お支払いに使われたカードまたは口座に返金されます。ご利用の金融機関により、反映まで 5～10 営業日かかる場合がございます。\n\n${v.companyName}`,
  }),

  'payment-reminder': {
    friendly: (v) => ({
      subject: `お支払いのお願い：請求書 ${v.invoiceNumber} の期日が過ぎています`,
      text: `${v.customerName} 様\n\n請求書 ${v.invoiceNumber}（金額 ${v.amount}、支払期日 ${v.dueDate}）のお支払いが確認できておりません。既にお支払い済みの場合は本メールを破棄してください。未払いの場合は、お早めにお支払いくださいますようお願い申し上げます。${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\n${v.companyName}`,
    }),
    firm: (v) => ({
      subject: `再度のお願い：請求書 ${v.invoiceNumber}（${v.daysPastDue} 日経過）`,
      text: `${v.customerName} 様\n\n請求書 ${v.invoiceNumber}（金額 ${v.amount}）は ${v.dueDate} が支払期日でしたが、現在 ${v.daysPastDue} 日経過しております。7 日以内にお支払いいただくか、請求内容に問題がある場合はご連絡ください。${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\n${v.companyName}`,
    }),
    final: (v) => ({
      subject: `最終通知：請求書 ${v.invoiceNumber}`,
      text: `${v.customerName} 様\n\nこれまでのご案内にもかかわらず、請求書 ${v.invoiceNumber}（金額 ${v.amount}、支払期日 ${v.dueDate}）が未払いのままです（${v.daysPastDue} 日経過）。7 日以内にお支払いが確認できない場合、お取引を停止し、債権回収の手続きに移らせていただきます。${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\n${v.companyName}`,
    }),
  },
};
