/** Chinese (Simplified). */
import type { PaymentTerms } from '../domain/model.ts';
import { LOCALES, percentIn } from './format.ts';
import type { Catalogue, PaymentInstructions, RejectionReason } from './types.ts';
import { letterTemplates, type LetterWords } from './letter.ts';

const yourOrder = (ref: string | null) => (ref ? `（您的订单 ${ref}）` : '');

const terms = (t: PaymentTerms): string => {
  const net = t.netDays === 0 ? '收到发票即付' : `开票后 ${t.netDays} 天内付款`;
  return t.discount ? `${t.discount.days} 天内付款可享 ${percentIn(LOCALES.zh, t.discount.ratePpm)}% 折扣，否则${net}` : net;
};

/** Why an order is rejected, in words. */
const rejection = (r: RejectionReason): string => {
  switch (r.kind) {
    case 'catalog':
      return r.problems
        .map((p) => {
          const item = `${p.item.description}（${p.item.sku}）`;
          if (p.kind === 'not-sold') return `我们不销售 ${item}`;
          if (p.kind === 'other-currency') return `${item} 以 ${p.soldIn} 而非 ${p.orderedIn} 计价销售`;
          return `${item} 的单价并非 ${p.unitPrice}，请向我们咨询当前价格`;
        })
        .join('；');
    case 'out-of-stock':
      return '部分商品缺货时间过长';
    case 'warehouse':
      return '我们的仓库无法发货';
    case 'credit':
      return r.note ?? '我们无法为此订单提供赊销';
    case 'other':
      return '订单未能受理';
  }
};


/** Where to pay, and what to quote: the structured reference, else the invoice number. */
const payTo = (p: PaymentInstructions, invoiceNumber: string) =>
  `请汇款至 IBAN ${p.iban}，BIC ${p.bic}${p.bankName ? `（${p.bankName}）` : ''}，并注明${p.reference ? `付款参考号 ${p.reference}` : `发票号码 ${invoiceNumber}`}。`;

const letter: LetterWords = {
  subject: {
    courtesy: (list) => `即将到期：${list}`,
    reminder: (list) => `付款提醒：${list}`,
    firm: (list) => `逾期付款：${list}`,
    final: (list) => `最后通知：${list}`,
  },
  more: (n) => `等另外 ${n} 张`,
  greeting: (name) => `尊敬的 ${name}：`,
  opening: {
    courtesy: () => '温馨提示：以下发票即将到期。如您已安排付款，谢谢，请忽略本邮件。',
    reminder: (v) => `${v.earlierReminder ? '继我们此前的提醒，' : ''}我们的记录显示以下发票已逾期。如您已付款，请忽略本邮件；否则请尽快付款。`,
    firm: (v) => `${v.earlierReminder ? '尽管我们此前已提醒，' : ''}以下发票仍未支付。请在 7 天内付款，如发票有问题请与我们联系。`,
    final: (v) => `${v.earlierReminder ? '尽管我们此前多次提醒，' : ''}以下发票仍未支付。这是我们采取进一步措施前的最后通知。`,
  },
  line: (l) =>
    `${l.invoiceNumber}，到期日 ${l.dueDate}，${l.daysOverdue > 0 ? `逾期 ${l.daysOverdue} 天` : l.daysOverdue === 0 ? '今天到期' : `${-l.daysOverdue} 天后到期`}：${l.amount}${l.fee ? `（含滞纳费 ${l.fee}）` : ''}${l.disputed ? `（有争议的 ${l.disputed} 不在要求之列）` : ''}，付款参考号 ${l.reference}`,
  total: (v) => `应付总额 ${v.total}${v.netted ? `（已扣除未核销的付款及您的贷项 ${v.netted}）` : ''}。`,
  action: {
    'credit-hold': '您的账户现已被信用冻结：在逾期余额付清之前，新的赊账订单将被暂停审核。',
    suspend: '您的账户现已被暂停：在逾期余额付清之前，我们不接受新的赊账订单。',
    'hand-to-agency': '我们已将逾期余额移交给催收机构，他们将与您联系；我们将不再发送提醒。',
  },
  escalation: {
    'credit-hold': (on) => `如逾期余额在 ${on} 仍未支付，新的赊账订单将被暂停，直至付清。`,
    suspend: (on) => `如逾期余额在 ${on} 仍未支付，我们将暂停您的账户。`,
    'hand-to-agency': (on) => `如逾期余额在 ${on} 仍未支付，我们将把该债务移交给催收机构。`,
  },
  payOnline: (url) => `在线支付此发票：${url}`,
  payTo: (p) => `请付款至 IBAN ${p.iban}，BIC ${p.bic}${p.bankName ? `（${p.bankName}）` : ''}，并注明每张发票的付款参考号。`,
  attached: '随附您的对账单。',
  closing: { courtesy: '此致敬礼', reminder: '此致敬礼', firm: '此致', final: '此致' },
};

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

  'shipment-sent': (v) => ({
    subject: v.toFollow.length === 0 ? `您的订单 ${v.orderReference} 已发货` : `您的订单 ${v.orderReference} 已部分发货`,
    text: [
      `${v.customerName}，您好：`,
      '',
      `您的订单 ${v.orderReference} 的一个包裹已于 ${v.shippedOn} 由 ${v.carrier}（${v.service}）从我们的仓库发出。`,
      `运单号：${v.trackingNumber}`,
      '',
      '本包裹内含：',
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description}`),
      ...(v.toFollow.length === 0 ? ['', '您的订单已全部发货。'] : ['', '稍后发出：', ...v.toFollow.map((l) => `  ${l.quantity} × ${l.description}${l.expectedOn ? `（预计 ${l.expectedOn}）` : ''}`)]),
      '',
      v.companyName,
    ].join('\n'),
  }),

  'lines-cancelled': (v) => ({
    subject: `您的订单 ${v.orderReference} 中的部分商品将不会发货`,
    text: [
      `尊敬的${v.customerName}：`,
      '',
      v.bySeller ? `根据您的要求，我们已取消订单 ${v.orderReference} 中的以下商品：` : `非常抱歉，您的订单 ${v.orderReference} 中的以下商品无法发货，已被取消：`,
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      v.refunded ? '您为这些商品支付的款项将退还至您付款时使用的银行卡或账户。' : '这些商品不会开具发票。',
      '订单的其余部分不受影响。',
      '',
      v.companyName,
    ].join('\n'),
  }),

  'order-backordered': (v) => ({
    subject: `您的订单 ${v.orderReference} 部分缺货`,
    text: [
      `${v.customerName}，您好：`,
      '',
      `感谢您的订单 ${v.orderReference}。部分商品今日暂无库存。`,
      '',
      '现在发货：',
      ...v.shipsNow.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      '到货后尽快发出：',
      ...v.later.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      '如果您不想等待这些商品，请回复此邮件，我们将为您取消；您为其支付的款项将全额退还。',
      '',
      v.companyName,
    ].join('\n'),
  }),

  'invoice-issued': {
    'balance-due': (v) => ({
      subject: `${v.companyName} 开具的发票 ${v.invoiceNumber}${yourOrder(v.orderReference)}`,
      text: `尊敬的 ${v.customerName}：\n\n附件为发票 ${v.invoiceNumber}${yourOrder(v.orderReference)}，金额 ${v.total}，到期日 ${v.dueDate}（${terms(v.terms)}）。${
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
    text: `尊敬的 ${v.customerName}：\n\n很抱歉，我们无法继续处理您的订单 ${v.orderReference}（${rejection(v.reason)}）。${v.refunded ? '您已支付的款项将退回至您付款时使用的银行卡或账户；退款发出后我们会再次通知您。' : '您的账户未产生任何费用。'}如有疑问，请与我们联系。\n\n此致\n${v.companyName}`,
  }),

  'credit-note-issued': (v) => ({
    subject: `${v.companyName}：发票 ${v.invoiceNumber} 的贷项通知单 ${v.creditNoteNumber}`,
    text: `尊敬的 ${v.customerName}：\n\n随函附上发票 ${v.invoiceNumber} 的贷项通知单 ${v.creditNoteNumber}，金额 ${v.total}（${v.reason}）。该发票尚欠金额为 ${v.balance}。${
      v.customerCredit ? `由于该发票已付清，${v.customerCredit} 为您的贷方余额，我们将予以退款或在下一张发票中抵扣。` : ''
    }\n\n此致\n${v.companyName}`,
  }),

  'refund-issued': (v) => ({
    subject: `您的订单 ${v.orderReference} 已退款 ${v.amount}`,
    text: `尊敬的 ${v.customerName}：\n\n我们已为您的订单 ${v.orderReference}（${v.reason ?? '订单已取消或无法履行'}）退款 ${v.amount}${v.creditNoteNumber ? `，详见贷项通知单 ${v.creditNoteNumber}` : ''}。款项将退回您付款时使用的银行卡或账户；视您的银行而定，可能需要 5–10 个工作日到账。\n\n此致\n${v.companyName}`,
  }),

  'dunning-letter': letterTemplates(letter),

  'payment-plan-agreed': (v) => ({
    subject: `您与${v.companyName}的分期付款计划：${v.total}，共 ${v.instalments.length} 期`,
    text: [
      `尊敬的${v.customerName}：`,
      '',
      `按照约定，您将分以下几期支付发票 ${v.invoices.join('、')} 共计 ${v.total}：`,
      '',
      ...v.instalments.map((s, i) => `  ${i + 1}. ${s.dueDate} 前支付 ${s.amount}`),
      '',
      `只要每期款项按时支付（到期日后 ${v.graceDays} 天内），我们不会就这些发票发送催款通知，也不收取任何费用。如有一期未付，该计划即告终止，常规催款将恢复。`,
      `请付款至 IBAN ${v.payment.iban}，BIC ${v.payment.bic}${v.payment.bankName ? `（${v.payment.bankName}）` : ''}，并注明发票号码。`,
      '',
      '此致',
      v.companyName,
    ].join('\n'),
  }),
};
