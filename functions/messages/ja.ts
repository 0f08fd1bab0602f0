/** Japanese. */
import type { PaymentTerms } from '../domain/model.ts';
import { LOCALES, percentIn } from './format.ts';
import type { Catalogue, PaymentInstructions, RejectionReason } from './types.ts';
import { letterTemplates, type LetterWords } from './letter.ts';

const yourOrder = (ref: string | null) => (ref ? `（ご注文 ${ref}）` : '');

const terms = (t: PaymentTerms): string => {
  const net = t.netDays === 0 ? '請求書受領時払い' : `請求書発行日から ${t.netDays} 日以内`;
  return t.discount ? `${t.discount.days} 日以内のお支払いで ${percentIn(LOCALES.ja, t.discount.ratePpm)}% 割引、${net}` : net;
};

/** Why an order is rejected, in words. */
const rejection = (r: RejectionReason): string => {
  switch (r.kind) {
    case 'catalog':
      return r.problems
        .map((p) => {
          const item = `${p.item.description}（${p.item.sku}）`;
          if (p.kind === 'not-sold') return `${item} は当社の取扱商品ではございません`;
          if (p.kind === 'other-currency') return `${item} は ${p.orderedIn} ではなく ${p.soldIn} での販売となります`;
          return `${item} は単価 ${p.unitPrice} では販売しておりません。最新の価格は当社までお問い合わせください`;
        })
        .join('。');
    case 'out-of-stock':
      return '一部の商品の在庫切れが長期間続いたため';
    case 'warehouse':
      return '当社倉庫から発送することができなかったため';
    case 'credit':
      return r.note ?? '掛売りでのお取引を承認できなかったため';
    case 'other':
      return 'ご注文をお受けできなかったため';
  }
};


/** Where to pay, and what to quote: the structured reference, else the invoice number. */
const payTo = (p: PaymentInstructions, invoiceNumber: string) =>
  `お振込先：IBAN ${p.iban}、BIC ${p.bic}${p.bankName ? `（${p.bankName}）` : ''}。お振込みの際は、${p.reference ? `支払参照番号 ${p.reference}` : `請求書番号 ${invoiceNumber}`} をご記入ください。`;

const letter: LetterWords = {
  subject: {
    courtesy: (list) => `お支払期日が近づいています：${list}`,
    reminder: (list) => `お支払いのお願い：${list}`,
    firm: (list) => `お支払いの遅延：${list}`,
    final: (list) => `最終通知：${list}`,
  },
  more: (n) => `ほか ${n} 件`,
  greeting: (name) => `${name} 様`,
  opening: {
    courtesy: () => '下記の請求書のお支払期日が近づいておりますので、お知らせいたします。すでにお手配済みの場合は、本メールは破棄してください。',
    reminder: (v) => `${v.earlierReminder ? '先日のご案内に続き、' : ''}下記の請求書のお支払期日が過ぎております。すでにお支払い済みの場合は本メールは破棄してください。未払いの場合は、お早めにお支払いくださいますようお願いいたします。`,
    firm: (v) => `${v.earlierReminder ? '先日ご案内いたしましたが、' : ''}下記の請求書が未払いのままです。7 日以内にお支払いいただくか、請求書に問題がある場合はご連絡ください。`,
    final: (v) => `${v.earlierReminder ? 'これまでのご案内にもかかわらず、' : ''}下記の請求書が未払いのままです。これ以上の措置をとる前の最終通知です。`,
  },
  line: (l) =>
    `${l.invoiceNumber}、支払期日 ${l.dueDate}、${l.daysOverdue > 0 ? `${l.daysOverdue} 日超過` : l.daysOverdue === 0 ? '本日期日' : `期日まであと ${-l.daysOverdue} 日`}：${l.amount}${l.fee ? `（遅延損害金 ${l.fee} を含む）` : ''}${l.disputed ? `（係争中の ${l.disputed} は除く）` : ''}、参照番号 ${l.reference}`,
  total: (v) => `お支払総額 ${v.total}${v.netted ? `（未消込のご入金およびお客様のクレジット ${v.netted} を差し引き後）` : ''}。`,
  action: {
    'credit-hold': 'お客様のアカウントは与信保留となりました。期日超過残高のお支払いまで、掛売りの新規注文は審査のため保留されます。',
    suspend: 'お客様のアカウントは停止されました。期日超過残高のお支払いまで、掛売りの新規注文はお受けできません。',
    'hand-to-agency': '期日超過残高を債権回収会社に委託いたしました。同社からご連絡いたします。当社からの督促はこれで終了いたします。',
  },
  escalation: {
    'credit-hold': (on) => `${on} の時点で期日超過残高が未払いの場合、お支払いまで掛売りの新規注文を保留いたします。`,
    suspend: (on) => `${on} の時点で期日超過残高が未払いの場合、お客様のアカウントを停止いたします。`,
    'hand-to-agency': (on) => `${on} の時点で期日超過残高が未払いの場合、債権を債権回収会社に委託いたします。`,
  },
  payOnline: (url) => `この請求書をオンラインでお支払い: ${url}`,
  payTo: (p) => `IBAN ${p.iban}、BIC ${p.bic}${p.bankName ? `（${p.bankName}）` : ''} へ、各請求書の参照番号を記載のうえお振込みください。`,
  attached: '取引明細書を添付いたします。',
  closing: { courtesy: 'よろしくお願いいたします。', reminder: 'よろしくお願いいたします。', firm: '以上、よろしくお願いいたします。', final: '以上、よろしくお願いいたします。' },
};

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

  'shipment-sent': (v) => ({
    subject: v.toFollow.length === 0 ? `ご注文 ${v.orderReference} を発送しました` : `ご注文 ${v.orderReference} の一部を発送しました`,
    text: [
      `${v.customerName} 様`,
      '',
      `ご注文 ${v.orderReference} の荷物を ${v.shippedOn} に ${v.carrier}（${v.service}）で倉庫から発送しました。`,
      `追跡番号：${v.trackingNumber}`,
      '',
      'この荷物の内容：',
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description}`),
      ...(v.toFollow.length === 0 ? ['', 'これでご注文の品はすべて発送されました。'] : ['', '後日発送：', ...v.toFollow.map((l) => `  ${l.quantity} × ${l.description}${l.expectedOn ? `（${l.expectedOn} 入荷予定）` : ''}`)]),
      '',
      v.companyName,
    ].join('\n'),
  }),

  'lines-cancelled': (v) => ({
    subject: `ご注文 ${v.orderReference} の一部をお届けできなくなりました`,
    text: [
      `${v.customerName} 様`,
      '',
      v.bySeller ? `ご依頼により、ご注文 ${v.orderReference} の以下の商品をキャンセルいたしました。` : `誠に申し訳ございません。ご注文 ${v.orderReference} の以下の商品は発送できなくなったため、キャンセルいたしました。`,
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      v.refunded ? 'お支払いいただいた代金は、お支払いに使用されたカードまたは口座へ返金いたします。' : 'これらの商品は請求いたしません。',
      'ご注文のその他の商品には影響ございません。',
      '',
      v.companyName,
    ].join('\n'),
  }),

  'order-backordered': (v) => ({
    subject: `ご注文 ${v.orderReference} の一部が入荷待ちです`,
    text: [
      `${v.customerName} 様`,
      '',
      `ご注文 ${v.orderReference} をありがとうございます。本日、一部の商品が在庫切れです。`,
      '',
      'すぐに発送：',
      ...v.shipsNow.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      '入荷次第発送：',
      ...v.later.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      'これらの商品をお待ちいただけない場合は、このメールにご返信ください。キャンセルし、お支払い済みの代金は返金いたします。',
      '',
      v.companyName,
    ].join('\n'),
  }),

  'invoice-issued': {
    'balance-due': (v) => ({
      subject: `【${v.companyName}】請求書 ${v.invoiceNumber}${yourOrder(v.orderReference)} のご送付`,
      text: `${v.customerName} 様\n\n請求書 ${v.invoiceNumber}${yourOrder(v.orderReference)} を添付いたします。\nご請求金額：${v.total}\nお支払期日：${v.dueDate}（${terms(v.terms)}）\n${
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
    text: `${v.customerName} 様\n\n誠に申し訳ございませんが、ご注文 ${v.orderReference} はお受けすることができませんでした（理由：${rejection(v.reason)}）。${v.refunded ? 'お支払いいただいた代金は、お支払いに使われたカードまたは口座へ返金いたします。返金手続きが完了しましたら改めてご連絡いたします。' : '代金のご請求は発生しておりません。'}ご不明な点がございましたら、お気軽にお問い合わせください。\n\n${v.companyName}`,
  }),

  'credit-note-issued': (v) => ({
    subject: `【${v.companyName}】請求書 ${v.invoiceNumber} のクレジットノート ${v.creditNoteNumber}`,
    text: `${v.customerName} 様\n\n請求書 ${v.invoiceNumber} に対するクレジットノート ${v.creditNoteNumber}（金額 ${v.total}、理由：${v.reason}）を添付いたします。本請求書の残額は ${v.balance} です。${
      v.customerCredit ? `本請求書はお支払い済みのため、${v.customerCredit} はお客様の貸方残高となり、返金または次回のご請求から差し引かせていただきます。` : ''
    }\n\n${v.companyName}`,
  }),

  'refund-issued': (v) => ({
    subject: `ご注文 ${v.orderReference} の ${v.amount} を返金いたしました`,
    text: `${v.customerName} 様\n\nご注文 ${v.orderReference}（${v.reason ?? 'ご注文のキャンセルまたはお届け不能のため'}）につきまして、${v.amount} を返金いたしました${v.creditNoteNumber ? `（クレジットノート ${v.creditNoteNumber} のとおり）` : ''}。お支払いに使われたカードまたは口座に返金されます。ご利用の金融機関により、反映まで 5～10 営業日かかる場合がございます。\n\n${v.companyName}`,
  }),

  'dunning-letter': letterTemplates(letter),

  'payment-plan-agreed': (v) => ({
    subject: `${v.companyName}との分割払いプラン：${v.total}（全${v.instalments.length}回）`,
    text: [
      `${v.customerName} 様`,
      '',
      `お打ち合わせのとおり、請求書 ${v.invoices.join('、')} の合計 ${v.total} を以下の分割でお支払いいただきます。`,
      '',
      ...v.instalments.map((s, i) => `  ${i + 1}. ${s.dueDate} までに ${s.amount}`),
      '',
      `各回のお支払いが期日どおり（期日から${v.graceDays}日以内）に行われている間は、これらの請求書について督促状をお送りせず、手数料も請求いたしません。お支払いが遅れた場合はプランが終了し、通常の督促を再開いたします。`,
      `IBAN ${v.payment.iban}、BIC ${v.payment.bic}${v.payment.bankName ? `（${v.payment.bankName}）` : ''} へ、請求書番号を記載のうえお振込みください。`,
      '',
      v.companyName,
    ].join('\n'),
  }),
};
