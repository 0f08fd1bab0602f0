/**
 * Every customer message in every language: known answers per language and
 * kind (subject, a key sentence with a formatted amount and date), no
 * language falling back to English words, money and dates as each language
 * writes them, and the company's default for a customer without a language.
 */
import { describe, expect, it } from 'vitest';
import type { DunningTone } from '../../../functions/domain/dunning.ts';
import type { Language } from '../../../functions/domain/model.ts';
import { customerLanguage, formatsFor, renderMessage, type CustomerMessageKind, type MessageVars } from '../../../functions/messages/index.ts';
import { percentIn } from '../../../functions/messages/format.ts';

const LANGUAGES: Language[] = ['en', 'sv', 'zh', 'ja', 'ru'];
const TONES: DunningTone[] = ['courtesy', 'reminder', 'firm', 'final'];
const NBSP = '\u00a0';

/** One sample per form and tone of every customer kind, its money and dates formatted for `lang` (a kind left out does not compile). */
function samples(lang: Language): { readonly [K in CustomerMessageKind]: readonly MessageVars[K][] } {
  const { money, date } = formatsFor(lang);
  const gbp = (amount: number) => money({ amount, currency: 'GBP' });
  const base = { customerName: 'Nordisk Design AB', companyName: 'Example Trading Ltd' };
  const payment = { reference: 'RF54 INV2 0260 0004 2', iban: 'GB62 DEMO 0000 0012 3456 78', bic: 'DEMOGB22', bankName: 'Demo Bank' };
  const invoice = { ...base, invoiceNumber: 'INV-2026-000042', orderReference: '#1042', total: gbp(150_000) };
  const letter = (tone: DunningTone): MessageVars['dunning-letter'] => ({
    ...base,
    tone,
    lines: [{ invoiceNumber: 'INV-2026-000042', dueDate: date('2026-11-01'), daysOverdue: tone === 'courtesy' ? -3 : 30, amount: gbp(5_234), fee: null, disputed: null, reference: 'RF54 INV2 0260 0004 2' }],
    total: gbp(5_234),
    netted: null,
    earlierReminder: tone !== 'courtesy',
    action: tone === 'final' ? 'credit-hold' : null,
    escalation: tone === 'firm' ? { action: 'suspend', on: date('2027-01-05') } : null,
    payment: { iban: payment.iban, bic: payment.bic, bankName: payment.bankName },
  });
  return {
    'order-confirmed': [{ ...base, orderReference: '#1042', lines: [{ quantity: 2, description: 'Stoneware mug', sku: 'MUG-01', amount: gbp(123_456) }], total: gbp(150_000), tax: gbp(25_000) }],
    'order-shipped': [{ ...base, orderReference: '#1042', shippedOn: date('2026-11-23'), carrier: 'DPD', service: 'Next Day', trackingNumber: '1Z999' }],
    'invoice-issued': [
      { ...invoice, form: 'balance-due', dueDate: date('2026-12-23'), terms: { netDays: 30, discount: { ratePpm: 20_000, days: 10 } }, earlyPayment: { amount: gbp(147_000), until: date('2026-12-03') }, payment },
      { ...invoice, form: 'paid' },
    ],
    'order-rejected': [
      {
        ...base,
        orderReference: '#1042',
        refunded: true,
        reason: { kind: 'catalog', problems: [{ kind: 'not-sold', item: { description: 'Stoneware mug', sku: 'MUG-01' } }, { kind: 'other-price', item: { description: 'Field guide', sku: 'BOOK-7' }, unitPrice: gbp(1_250) }] },
      },
      { ...base, orderReference: '#1042', refunded: false, reason: { kind: 'out-of-stock' } },
      { ...base, orderReference: '#1042', refunded: false, reason: { kind: 'warehouse' } },
      { ...base, orderReference: '#1042', refunded: false, reason: { kind: 'credit', note: null } },
      { ...base, orderReference: '#1042', refunded: false, reason: { kind: 'other' } },
    ],
    'credit-note-issued': [{ ...base, creditNoteNumber: 'CN-2026-000001', invoiceNumber: 'INV-2026-000042', total: gbp(1_200), reason: 'Kundens önskemål', balance: gbp(0), customerCredit: gbp(1_200) }],
    'dunning-letter': TONES.map(letter),
    'lines-cancelled': [
      { ...base, orderReference: '#1042', lines: [{ quantity: 2, description: 'Tea towel' }], bySeller: false, refunded: true },
      { ...base, orderReference: '#1042', lines: [{ quantity: 1, description: 'Tea towel' }], bySeller: true, refunded: false },
    ],
    'shipment-sent': [{ ...base, orderReference: '#1042', shippedOn: date('2026-11-23'), carrier: 'DPD', service: 'Next Day', trackingNumber: '1Z999', lines: [{ quantity: 1, description: 'Stoneware mug' }], toFollow: [{ quantity: 2, description: 'Tea towel' }] }],
    'order-backordered': [{ ...base, orderReference: '#1042', shipsNow: [{ quantity: 2, description: 'Stoneware mug' }], later: [{ quantity: 1, description: 'Tea towel' }] }],
    'payment-plan-agreed': [
      { ...base, total: gbp(60_000), invoices: ['INV-2026-000042'], instalments: [{ dueDate: date('2027-01-15'), amount: gbp(30_000) }, { dueDate: date('2027-02-15'), amount: gbp(30_000) }], graceDays: 3, payment: { iban: payment.iban, bic: payment.bic, bankName: payment.bankName } },
    ],
    'refund-issued': [
      { ...base, orderReference: '#1042', amount: gbp(3_898), reason: null, creditNoteNumber: null },
      { ...base, orderReference: '#1042', amount: gbp(1_200), reason: 'Kundens önskemål', creditNoteNumber: 'CN-2026-000001' },
    ],
  };
}

/** Every sample of every kind, rendered in `lang`. */
function renderAll(lang: Language) {
  const s = samples(lang);
  return (Object.keys(s) as CustomerMessageKind[]).flatMap((kind) => (s[kind] as readonly MessageVars[typeof kind][]).map((vars, i) => ({ kind, i, vars, ...renderMessage(kind, lang, vars as never) })));
}

/** Known answers: per language and kind, the subject of the first sample and sentences its text holds. */
const KNOWN: { readonly [L in Language]: { readonly [K in CustomerMessageKind]: { readonly subject: string; readonly says: readonly string[] } } } = {
  en: {
    'order-confirmed': { subject: 'Order confirmed: #1042', says: ['Dear Nordisk Design AB,', '  2 × Stoneware mug (MUG-01)  £1,234.56', 'Total £1,500.00 (including tax £250.00)'] },
    'order-shipped': { subject: 'Your order #1042 has shipped', says: ['your order #1042 left our warehouse on 23 November 2026 with DPD (Next Day).'] },
    'invoice-issued': {
      subject: 'Invoice INV-2026-000042 (your order #1042) from Example Trading Ltd',
      says: ['for £1,500.00, due on 23 December 2026 (2/10 net 30). Pay £1,470.00 by 3 December 2026 to take the early-payment discount.'],
    },
    'order-rejected': {
      subject: 'We cannot fulfil your order #1042',
      says: ["(we do not sell Stoneware mug (MUG-01); Field guide (BOOK-7) is not sold at £12.50 a unit; ask us for today's price)", 'What you paid will be refunded'],
    },
    'credit-note-issued': { subject: 'Credit note CN-2026-000001 for invoice INV-2026-000042 from Example Trading Ltd', says: ['credit note CN-2026-000001 for £12.00 on invoice INV-2026-000042', '£12.00 is credit in your favour'] },
    'dunning-letter': { subject: 'Coming due: INV-2026-000042', says: ['  INV-2026-000042, due 1 November 2026, due in 3 days: £52.34, reference RF54 INV2 0260 0004 2', 'Total to pay £52.34.'] },
    'refund-issued': { subject: 'Refund of £38.98 for your order #1042', says: ['we have refunded £38.98 for your order #1042 (the order was cancelled or could not be fulfilled).'] },
    'payment-plan-agreed': { subject: `Your payment plan with Example Trading Ltd: £600.00 in 2 instalments`, says: [`  1. £300.00 by 15 January 2027`] },
    'lines-cancelled': { subject: `Part of your order #1042 will not be delivered`, says: [`we are sorry: these items of your order #1042 cannot be shipped after all and have been cancelled:\n  2 × Tea towel\n\nWhat you paid for them is refunded to the card or account you paid with.`] },
    'shipment-sent': { subject: `Part of your order #1042 has shipped`, says: [`a parcel of your order #1042 left our warehouse on 23 November 2026 with DPD (Next Day).`] },
    'order-backordered': { subject: `Part of your order #1042 is on backorder`, says: [`Follows as soon as it is back in stock:\n  1 × Tea towel`] },
  },
  sv: {
    'order-confirmed': { subject: 'Orderbekräftelse: #1042', says: ['Hej Nordisk Design AB,\n\nTack för din beställning #1042.', `  2 × Stoneware mug (MUG-01)  1${NBSP}234,56${NBSP}£`, `Totalt 1${NBSP}500,00${NBSP}£ (varav moms 250,00${NBSP}£)`] },
    'order-shipped': { subject: 'Din beställning #1042 har skickats', says: ['Din beställning #1042 lämnade vårt lager den 23 november 2026 med DPD (Next Day).', 'Spårningsnummer: 1Z999'] },
    'invoice-issued': {
      subject: 'Faktura INV-2026-000042 (din beställning #1042) från Example Trading Ltd',
      says: [`på 1${NBSP}500,00${NBSP}£, med förfallodag 23 december 2026 (2 % kassarabatt vid betalning inom 10 dagar, annars 30 dagar netto). Betalar du 1${NBSP}470,00${NBSP}£ senast 3 december 2026 får du kassarabatt.`],
    },
    'order-rejected': {
      subject: 'Vi kan inte leverera din beställning #1042',
      says: [`(vi säljer inte Stoneware mug (MUG-01); Field guide (BOOK-7) säljs inte för 12,50${NBSP}£ per styck; fråga oss om dagens pris)`, 'Det du har betalat återbetalas'],
    },
    'credit-note-issued': { subject: 'Kreditfaktura CN-2026-000001 för faktura INV-2026-000042 från Example Trading Ltd', says: [`Bifogat finns kreditfaktura CN-2026-000001 på 12,00${NBSP}£ för faktura INV-2026-000042`, `har du 12,00${NBSP}£ tillgodo hos oss`] },
    'dunning-letter': { subject: 'Snart förfallodag: INV-2026-000042', says: [`  INV-2026-000042, förfallodag 1 november 2026, förfaller om 3 dagar: 52,34${NBSP}£, referens RF54 INV2 0260 0004 2`, `Att betala totalt 52,34${NBSP}£.`] },
    'refund-issued': { subject: `Återbetalning av 38,98${NBSP}£ för din beställning #1042`, says: [`Vi har återbetalat 38,98${NBSP}£ för din beställning #1042 (beställningen avbröts eller kunde inte levereras).`] },
    'payment-plan-agreed': { subject: `Er avbetalningsplan med Example Trading Ltd: 600,00${NBSP}£ i 2 delbetalningar`, says: [`  1. 300,00${NBSP}£ senast 15 januari 2027`] },
    'lines-cancelled': { subject: `En del av din beställning #1042 kommer inte att levereras`, says: [`Tyvärr kan dessa artiklar i din beställning #1042 inte skickas, och de har avbeställts:\n  2 × Tea towel\n\nDet du betalat för dem återbetalas till kortet eller kontot du betalade med.`] },
    'shipment-sent': { subject: `En del av din beställning #1042 har skickats`, says: [`ett paket ur din beställning #1042 lämnade vårt lager 23 november 2026 med DPD (Next Day).`] },
    'order-backordered': { subject: `En del av din beställning #1042 är restnoterad`, says: [`Skickas så snart det finns i lager igen:\n  1 × Tea towel`] },
  },
  zh: {
    'order-confirmed': { subject: '订单已确认：#1042', says: ['尊敬的 Nordisk Design AB：', '感谢您的订购！您的订单 #1042 已确认', '  2 × Stoneware mug（MUG-01）  £1,234.56', '合计 £1,500.00（含税 £250.00）'] },
    'order-shipped': { subject: '您的订单 #1042 已发货', says: ['您的订单 #1042 已于 2026年11月23日 通过 DPD（Next Day）从我们的仓库发出。'] },
    'invoice-issued': {
      subject: 'Example Trading Ltd 开具的发票 INV-2026-000042（您的订单 #1042）',
      says: ['金额 £1,500.00，到期日 2026年12月23日（10 天内付款可享 2% 折扣，否则开票后 30 天内付款）。如在 2026年12月3日 前支付 £1,470.00，即可享受提前付款折扣。'],
    },
    'order-rejected': { subject: '很抱歉，我们无法履行您的订单 #1042', says: ['（我们不销售 Stoneware mug（MUG-01）；Field guide（BOOK-7） 的单价并非 £12.50，请向我们咨询当前价格）', '您已支付的款项将退回'] },
    'credit-note-issued': { subject: 'Example Trading Ltd：发票 INV-2026-000042 的贷项通知单 CN-2026-000001', says: ['贷项通知单 CN-2026-000001，金额 £12.00', '£12.00 为您的贷方余额'] },
    'dunning-letter': { subject: '即将到期：INV-2026-000042', says: ['  INV-2026-000042，到期日 2026年11月1日，3 天后到期：£52.34，付款参考号 RF54 INV2 0260 0004 2', '应付总额 £52.34。'] },
    'refund-issued': { subject: '您的订单 #1042 已退款 £38.98', says: ['我们已为您的订单 #1042（订单已取消或无法履行）退款 £38.98。'] },
    'payment-plan-agreed': { subject: `您与Example Trading Ltd的分期付款计划：£600.00，共 2 期`, says: [`  1. 2027年1月15日 前支付 £300.00`] },
    'lines-cancelled': { subject: `您的订单 #1042 中的部分商品将不会发货`, says: [`非常抱歉，您的订单 #1042 中的以下商品无法发货，已被取消：\n  2 × Tea towel\n\n您为这些商品支付的款项将退还至您付款时使用的银行卡或账户。`] },
    'shipment-sent': { subject: `您的订单 #1042 已部分发货`, says: [`您的订单 #1042 的一个包裹已于 2026年11月23日 由 DPD（Next Day）从我们的仓库发出。`] },
    'order-backordered': { subject: `您的订单 #1042 部分缺货`, says: [`到货后尽快发出：\n  1 × Tea towel`] },
  },
  ja: {
    'order-confirmed': { subject: 'ご注文確定のお知らせ：#1042', says: ['Nordisk Design AB 様', 'このたびはご注文 #1042 をいただき、誠にありがとうございます。', '  Stoneware mug（MUG-01）× 2  £1,234.56', '合計 £1,500.00（うち税額 £250.00）'] },
    'order-shipped': { subject: 'ご注文 #1042 を発送いたしました', says: ['ご注文 #1042 の商品を 2026年11月23日 に DPD（Next Day）にて発送いたしました。'] },
    'invoice-issued': {
      subject: '【Example Trading Ltd】請求書 INV-2026-000042（ご注文 #1042） のご送付',
      says: ['ご請求金額：£1,500.00\nお支払期日：2026年12月23日（10 日以内のお支払いで 2% 割引、請求書発行日から 30 日以内）\n2026年12月3日 までに £1,470.00 をお支払いいただくと、早期支払割引が適用されます。'],
    },
    'order-rejected': {
      subject: 'ご注文 #1042 をお受けできませんでした',
      says: ['（理由：Stoneware mug（MUG-01） は当社の取扱商品ではございません。Field guide（BOOK-7） は単価 £12.50 では販売しておりません。最新の価格は当社までお問い合わせください）', 'お支払いいただいた代金は'],
    },
    'credit-note-issued': { subject: '【Example Trading Ltd】請求書 INV-2026-000042 のクレジットノート CN-2026-000001', says: ['クレジットノート CN-2026-000001（金額 £12.00、理由：Kundens önskemål）を添付いたします。'] },
    'dunning-letter': { subject: 'お支払期日が近づいています：INV-2026-000042', says: ['  INV-2026-000042、支払期日 2026年11月1日、期日まであと 3 日：£52.34、参照番号 RF54 INV2 0260 0004 2', 'お支払総額 £52.34。'] },
    'refund-issued': { subject: 'ご注文 #1042 の £38.98 を返金いたしました', says: ['ご注文 #1042（ご注文のキャンセルまたはお届け不能のため）につきまして、£38.98 を返金いたしました。'] },
    'payment-plan-agreed': { subject: `Example Trading Ltdとの分割払いプラン：£600.00（全2回）`, says: [`  1. 2027年1月15日 までに £300.00`] },
    'lines-cancelled': { subject: `ご注文 #1042 の一部をお届けできなくなりました`, says: [`誠に申し訳ございません。ご注文 #1042 の以下の商品は発送できなくなったため、キャンセルいたしました。\n  2 × Tea towel\n\nお支払いいただいた代金は、お支払いに使用されたカードまたは口座へ返金いたします。`] },
    'shipment-sent': { subject: `ご注文 #1042 の一部を発送しました`, says: [`ご注文 #1042 の荷物を 2026年11月23日 に DPD（Next Day）で倉庫から発送しました。`] },
    'order-backordered': { subject: `ご注文 #1042 の一部が入荷待ちです`, says: [`入荷次第発送：\n  1 × Tea towel`] },
  },
  ru: {
    'order-confirmed': { subject: 'Заказ подтверждён: #1042', says: ['Уважаемый(ая) Nordisk Design AB!\n\nБлагодарим Вас за заказ #1042.', `  2 × Stoneware mug (MUG-01)  1${NBSP}234,56${NBSP}£`, `Итого 1${NBSP}500,00${NBSP}£ (в том числе налог 250,00${NBSP}£)`] },
    'order-shipped': { subject: 'Ваш заказ #1042 отправлен', says: ['Ваш заказ #1042 отправлен с нашего склада 23 ноября 2026 г. службой доставки DPD (Next Day).'] },
    'invoice-issued': {
      subject: 'Счёт INV-2026-000042 (Ваш заказ #1042) от Example Trading Ltd',
      says: [`на сумму 1${NBSP}500,00${NBSP}£ со сроком оплаты 23 декабря 2026 г. (скидка 2% при оплате в течение 10 дней, иначе оплата в течение 30 дней). При оплате 1${NBSP}470,00${NBSP}£ не позднее 3 декабря 2026 г. Вы получаете скидку за досрочную оплату.`],
    },
    'order-rejected': {
      subject: 'Мы не можем выполнить Ваш заказ #1042',
      says: [`(мы не продаём Stoneware mug (MUG-01); Field guide (BOOK-7) не продаётся по цене 12,50${NBSP}£ за единицу; уточните у нас актуальную цену)`, 'Уплаченная сумма будет возвращена'],
    },
    'credit-note-issued': { subject: 'Кредит-нота CN-2026-000001 к счёту INV-2026-000042 от Example Trading Ltd', says: [`Прилагаем кредит-ноту CN-2026-000001 на сумму 12,00${NBSP}£ к счёту INV-2026-000042`, `12,00${NBSP}£ — Ваш кредитовый остаток`] },
    'dunning-letter': { subject: 'Скоро срок оплаты: INV-2026-000042', says: [`  INV-2026-000042, срок 1 ноября 2026 г., срок через 3 дн.: 52,34${NBSP}£, референс RF54 INV2 0260 0004 2`, `Итого к оплате 52,34${NBSP}£.`] },
    'refund-issued': { subject: `Возврат 38,98${NBSP}£ по Вашему заказу #1042`, says: [`Мы вернули 38,98${NBSP}£ по Вашему заказу #1042 (заказ отменён или не может быть выполнен).`] },
    'payment-plan-agreed': { subject: `Ваш график платежей с Example Trading Ltd: 600,00${NBSP}£, платежей: 2`, says: [`  1. 300,00${NBSP}£ до 15 января 2027 г.`] },
    'lines-cancelled': { subject: `Часть Вашего заказа #1042 не будет доставлена`, says: [`К сожалению, следующие товары из Вашего заказа #1042 не могут быть отправлены и отменены:\n  2 × Tea towel\n\nУплаченная за них сумма будет возвращена на карту или счёт, с которого Вы платили.`] },
    'shipment-sent': { subject: `Часть Вашего заказа #1042 отправлена`, says: [`посылка по Вашему заказу #1042 покинула наш склад 23 ноября 2026 г., перевозчик DPD (Next Day).`] },
    'order-backordered': { subject: `Часть Вашего заказа #1042 ожидает поступления`, says: [`Отправим, как только поступит на склад:\n  1 × Tea towel`] },
  },
};

/** Words of the English templates Swedish legitimately shares ("IBAN", "BIC", "din bank"). */
const SHARED = new Set(['iban', 'bic', 'bank']);

/** The text a template wrote itself: the rendering with every var string taken out. */
function ownWords(rendered: string, vars: unknown): string {
  const strings: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') strings.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (!['form', 'tone', 'action', 'kind'].includes(k)) walk(x);
  };
  walk(vars);
  return strings.sort((a, b) => b.length - a.length).reduce((t, s) => t.split(s).join(' '), rendered);
}
const latinWords = (t: string) => (t.match(/[A-Za-z]{3,}/g) ?? []).map((w) => w.toLowerCase()).filter((w) => !SHARED.has(w));

describe('every customer message in every language', () => {
  it.each(LANGUAGES)('%s: the known subject and sentences of every kind, with money and dates in the language’s own format', (lang) => {
    const first = new Map<CustomerMessageKind, { subject: string; text: string }>();
    for (const m of renderAll(lang)) if (!first.has(m.kind)) first.set(m.kind, m);
    for (const [kind, known] of Object.entries(KNOWN[lang]) as [CustomerMessageKind, (typeof KNOWN)['en'][CustomerMessageKind]][]) {
      const m = first.get(kind)!;
      expect(m.subject, `${lang} ${kind}`).toBe(known.subject);
      for (const s of known.says) expect(m.text, `${lang} ${kind}`).toContain(s);
    }
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s: no kind, form or tone falls back to English words', (lang) => {
    const english = new Set(renderAll('en').flatMap((m) => latinWords(ownWords(`${m.subject}\n${m.text}`, m.vars))));
    expect(english.size).toBeGreaterThan(100);
    for (const m of renderAll(lang)) {
      const own = ownWords(`${m.subject}\n${m.text}`, m.vars);
      const where = `${lang} ${m.kind} #${m.i}`;
      expect(m.language, where).toBe(lang);
      if (lang === 'sv') {
        // Swedish shares the Latin script: none of the English templates' words may appear (whole words).
        expect(latinWords(own).filter((w) => english.has(w)), where).toEqual([]);
      } else {
        // Chinese, Japanese and Russian templates write no Latin word at all of their own.
        expect(latinWords(own), where).toEqual([]);
      }
    }
  });

  it('the no-fallback check can fail: an English sentence in a Swedish text is caught', () => {
    const english = new Set(renderAll('en').flatMap((m) => latinWords(ownWords(`${m.subject}\n${m.text}`, m.vars))));
    expect(latinWords('Hej! Please find attached faktura').filter((w) => english.has(w))).toEqual(['please', 'find', 'attached']);
  });

  it('never shows minor units or the catalog’s price in a rejection or refund, in any language', () => {
    for (const lang of LANGUAGES) {
      for (const m of renderAll(lang).filter((r) => r.kind === 'order-rejected' || r.kind === 'refund-issued')) {
        expect(`${m.subject}\n${m.text}`, `${lang} ${m.kind}`).not.toMatch(/\b(1250|3898|1200|150000)\b/);
      }
    }
  });
});

describe('formats per language', () => {
  it.each<[Language, string, number, string]>([
    ['en', 'GBP', 123_456, '£1,234.56'],
    ['sv', 'SEK', 123_456, `1${NBSP}234,56${NBSP}kr`],
    ['sv', 'GBP', 123_456, `1${NBSP}234,56${NBSP}£`],
    ['sv', 'EUR', -5_000, `−50,00${NBSP}€`],
    ['ja', 'JPY', 123_456, '￥123,456'],
    ['zh', 'CNY', 123_456, '¥1,234.56'],
    ['ru', 'RUB', 123_456, `1${NBSP}234,56${NBSP}₽`],
    ['ru', 'USD', 123_456, `1${NBSP}234,56${NBSP}$`],
    ['en', 'KWD', 1_234_567, 'KWD\u00a01,234.567'],
    ['en', 'GBP', Number.MAX_SAFE_INTEGER, '£90,071,992,547,409.91'],
    ['ru', 'GBP', Number.MAX_SAFE_INTEGER, `90${NBSP}071${NBSP}992${NBSP}547${NBSP}409,91${NBSP}£`],
  ])('%s formats %s %d as %s, every digit exact, with the currency’s own sign', (lang, currency, amount, expected) => {
    expect(formatsFor(lang).money({ amount, currency })).toBe(expected);
  });

  it.each<[Language, string]>([
    ['en', '3 December 2026'],
    ['sv', '3 december 2026'],
    ['zh', '2026年12月3日'],
    ['ja', '2026年12月3日'],
    ['ru', '3 декабря 2026 г.'],
  ])('%s writes 2026-12-03 as %s (the calendar day, whatever the machine’s zone)', (lang, expected) => {
    expect(formatsFor(lang).date('2026-12-03')).toBe(expected);
  });

  it('leaves a text that is not a calendar date as it is, and formats an unknown language as English', () => {
    expect(formatsFor('sv').date('soon')).toBe('soon');
    expect(formatsFor('de').money({ amount: 1_000, currency: 'GBP' })).toBe('£10.00');
  });

  it('writes a discount rate exactly in each language’s digits', () => {
    expect([percentIn('en-GB', 20_000), percentIn('sv-SE', 15_000), percentIn('ru-RU', 12_345), percentIn('ja-JP', 0)]).toEqual(['2', '1,5', '1,2345', '0']);
  });

  it('Russian terms decline «день» after «в течение»', () => {
    const terms = (netDays: number) => renderMessage('invoice-issued', 'ru', { ...(samples('ru')['invoice-issued'][0] as MessageVars['invoice-issued'] & { form: 'balance-due' }), terms: { netDays }, earlyPayment: null }).text;
    expect(terms(1)).toContain('(оплата в течение 1 дня)');
    expect(terms(21)).toContain('(оплата в течение 21 дня)');
    expect(terms(30)).toContain('(оплата в течение 30 дней)');
    expect(terms(0)).toContain('(оплата при получении счёта)');
  });
});

describe('the customer’s language', () => {
  it('is their own when o2c writes it, else the company’s default', () => {
    expect(customerLanguage({ language: 'ja' }, { defaultLanguage: 'sv' })).toBe('ja');
    expect(customerLanguage({}, { defaultLanguage: 'sv' })).toBe('sv');
    expect(customerLanguage({ language: 'de' }, { defaultLanguage: 'ru' })).toBe('ru');
    expect(customerLanguage({ language: null }, {})).toBe('en');
  });
});
