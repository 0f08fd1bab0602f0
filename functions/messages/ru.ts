/** Russian. */
import type { PaymentTerms } from '../domain/model.ts';
import { LOCALES, percentIn } from './format.ts';
import type { Catalogue, PaymentInstructions, RejectionReason } from './types.ts';
import { letterTemplates, type LetterWords } from './letter.ts';

const yourOrder = (ref: string | null) => (ref ? ` (Ваш заказ ${ref})` : '');

/** "в течение N дней": the genitive after «в течение» is «дня» for 1, 21, 31 …, else «дней». */
const plural = new Intl.PluralRules(LOCALES.ru);
const withinDays = (n: number) => `в течение ${n} ${plural.select(n) === 'one' ? 'дня' : 'дней'}`;
const terms = (t: PaymentTerms): string => {
  const net = t.netDays === 0 ? 'оплата при получении счёта' : `оплата ${withinDays(t.netDays)}`;
  return t.discount ? `скидка ${percentIn(LOCALES.ru, t.discount.ratePpm)}% при оплате ${withinDays(t.discount.days)}, иначе ${net}` : net;
};

/** Why an order is rejected, in words. */
const rejection = (r: RejectionReason): string => {
  switch (r.kind) {
    case 'catalog':
      return r.problems
        .map((p) => {
          const item = `${p.item.description} (${p.item.sku})`;
          if (p.kind === 'not-sold') return `мы не продаём ${item}`;
          if (p.kind === 'other-currency') return `${item} продаётся в ${p.soldIn}, а не в ${p.orderedIn}`;
          return `${item} не продаётся по цене ${p.unitPrice} за единицу; уточните у нас актуальную цену`;
        })
        .join('; ');
    case 'out-of-stock':
      return 'некоторых товаров слишком долго не было в наличии';
    case 'warehouse':
      return 'его не удалось отправить с нашего склада';
    case 'credit':
      return r.note ?? 'мы не смогли предоставить отсрочку платежа по этому заказу';
    case 'other':
      return 'его не удалось принять';
  }
};


/** Where to pay, and what to quote: the structured reference, else the invoice number. */
const payTo = (p: PaymentInstructions, invoiceNumber: string) =>
  `Реквизиты для оплаты: IBAN ${p.iban}, BIC ${p.bic}${p.bankName ? ` (${p.bankName})` : ''}. В назначении платежа укажите ${p.reference ? `референс платежа ${p.reference}` : `номер счёта ${invoiceNumber}`}.`;

const letter: LetterWords = {
  subject: {
    courtesy: (list) => `Скоро срок оплаты: ${list}`,
    reminder: (list) => `Напоминание об оплате: ${list}`,
    firm: (list) => `Просроченный платёж: ${list}`,
    final: (list) => `Последнее уведомление: ${list}`,
  },
  more: (n) => `и ещё ${n}`,
  greeting: (name) => `Уважаемый(ая) ${name}!`,
  opening: {
    courtesy: () => 'Напоминаем, что скоро наступает срок оплаты счетов ниже. Если Вы уже организовали оплату, благодарим Вас и просим не обращать внимания на это письмо.',
    reminder: (v) => `${v.earlierReminder ? 'В дополнение к нашему предыдущему напоминанию сообщаем, что' : 'По нашим данным,'} счета ниже просрочены. Если Вы уже оплатили их, не обращайте внимания на это письмо; в противном случае просим оплатить их в ближайшее время.`,
    firm: (v) => `${v.earlierReminder ? 'Несмотря на наше предыдущее напоминание, счета' : 'Счета'} ниже по-прежнему не оплачены. Просим оплатить их в течение 7 дней или связаться с нами, если со счётом что-то не так.`,
    final: (v) => `${v.earlierReminder ? 'Несмотря на наши предыдущие напоминания, счета' : 'Счета'} ниже по-прежнему не оплачены. Это последнее уведомление перед дальнейшими мерами.`,
  },
  line: (l) =>
    `${l.invoiceNumber}, срок ${l.dueDate}, ${l.daysOverdue > 0 ? `просрочен на ${l.daysOverdue} дн.` : l.daysOverdue === 0 ? 'срок сегодня' : `срок через ${-l.daysOverdue} дн.`}: ${l.amount}${l.fee ? ` (включая пени ${l.fee})` : ''}${l.disputed ? ` (оспариваемые ${l.disputed} не запрашиваются)` : ''}, референс ${l.reference}`,
  total: (v) => `Итого к оплате ${v.total}${v.netted ? ` (за вычетом ${v.netted} неразнесённых платежей и кредита в Вашу пользу)` : ''}.`,
  action: {
    'credit-hold': 'Для Вашего счёта введена кредитная блокировка: новые заказы в кредит будут задерживаться для проверки до оплаты просроченной задолженности.',
    suspend: 'Ваш счёт приостановлен: мы не принимаем новые заказы в кредит до оплаты просроченной задолженности.',
    'hand-to-agency': 'Мы передали просроченную задолженность нашему коллекторскому агентству, которое свяжется с Вами; больше напоминаний от нас не будет.',
  },
  escalation: {
    'credit-hold': (on) => `Если просроченная задолженность не будет оплачена к ${on}, новые заказы в кредит будут задерживаться до её оплаты.`,
    suspend: (on) => `Если просроченная задолженность не будет оплачена к ${on}, мы приостановим Ваш счёт.`,
    'hand-to-agency': (on) => `Если просроченная задолженность не будет оплачена к ${on}, мы передадим долг коллекторскому агентству.`,
  },
  payOnline: (url) => `Оплатить этот счёт онлайн: ${url}`,
  payTo: (p) => `Оплатите на IBAN ${p.iban}, BIC ${p.bic}${p.bankName ? ` (${p.bankName})` : ''}, указав референс каждого счёта.`,
  attached: 'Выписка по счёту прилагается.',
  closing: { courtesy: 'С уважением,', reminder: 'С уважением,', firm: 'С уважением,', final: 'С уважением,' },
};

export const ru: Catalogue = {
  'order-confirmed': (v) => ({
    subject: `Заказ подтверждён: ${v.orderReference}`,
    text: [
      `Уважаемый(ая) ${v.customerName}!`,
      '',
      `Благодарим Вас за заказ ${v.orderReference}. Мы подтвердили его и сообщим Вам, когда он будет отправлен.`,
      '',
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description} (${l.sku})  ${l.amount}`),
      '',
      `Итого ${v.total} (в том числе налог ${v.tax})`,
      '',
      'С уважением,',
      v.companyName,
    ].join('\n'),
  }),

  'order-shipped': (v) => ({
    subject: `Ваш заказ ${v.orderReference} отправлен`,
    text: `Уважаемый(ая) ${v.customerName}!\n\nВаш заказ ${v.orderReference} отправлен с нашего склада ${v.shippedOn} службой доставки ${v.carrier} (${v.service}).\nТрек-номер: ${v.trackingNumber}\n\nС уважением,\n${v.companyName}`,
  }),

  'shipment-sent': (v) => ({
    subject: v.toFollow.length === 0 ? `Ваш заказ ${v.orderReference} отправлен` : `Часть Вашего заказа ${v.orderReference} отправлена`,
    text: [
      `Уважаемый(ая) ${v.customerName},`,
      '',
      `посылка по Вашему заказу ${v.orderReference} покинула наш склад ${v.shippedOn}, перевозчик ${v.carrier} (${v.service}).`,
      `Номер для отслеживания: ${v.trackingNumber}`,
      '',
      'В посылке:',
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description}`),
      ...(v.toFollow.length === 0 ? ['', 'Ваш заказ отправлен полностью.'] : ['', 'Будет отправлено позже:', ...v.toFollow.map((l) => `  ${l.quantity} × ${l.description}${l.expectedOn ? ` (ожидается ${l.expectedOn})` : ''}`)]),
      '',
      v.companyName,
    ].join('\n'),
  }),

  'lines-cancelled': (v) => ({
    subject: `Часть Вашего заказа ${v.orderReference} не будет доставлена`,
    text: [
      `Уважаемый(ая) ${v.customerName}!`,
      '',
      v.bySeller ? `По Вашей просьбе мы отменили следующие товары из заказа ${v.orderReference}:` : `К сожалению, следующие товары из Вашего заказа ${v.orderReference} не могут быть отправлены и отменены:`,
      ...v.lines.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      v.refunded ? 'Уплаченная за них сумма будет возвращена на карту или счёт, с которого Вы платили.' : 'Счёт за них выставлен не будет.',
      'Остальная часть заказа остаётся в силе.',
      '',
      v.companyName,
    ].join('\n'),
  }),

  'order-backordered': (v) => ({
    subject: `Часть Вашего заказа ${v.orderReference} ожидает поступления`,
    text: [
      `Уважаемый(ая) ${v.customerName},`,
      '',
      `спасибо за Ваш заказ ${v.orderReference}. Сегодня в наличии есть не всё.`,
      '',
      'Отправим сейчас:',
      ...v.shipsNow.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      'Отправим, как только поступит на склад:',
      ...v.later.map((l) => `  ${l.quantity} × ${l.description}`),
      '',
      'Если Вы не хотите ждать эти товары, ответьте на это письмо, и мы их отменим; оплаченное за них будет возвращено.',
      '',
      v.companyName,
    ].join('\n'),
  }),

  'invoice-issued': {
    'balance-due': (v) => ({
      subject: `Счёт ${v.invoiceNumber}${yourOrder(v.orderReference)} от ${v.companyName}`,
      text: `Уважаемый(ая) ${v.customerName}!\n\nВо вложении счёт ${v.invoiceNumber}${yourOrder(v.orderReference)} на сумму ${v.total} со сроком оплаты ${v.dueDate} (${terms(v.terms)}).${
        v.earlyPayment ? ` При оплате ${v.earlyPayment.amount} не позднее ${v.earlyPayment.until} Вы получаете скидку за досрочную оплату.` : ''
      }\n${payTo(v.payment, v.invoiceNumber)}\n\nС уважением,\n${v.companyName}`,
    }),
    paid: (v) => ({
      subject: `Счёт ${v.invoiceNumber}${yourOrder(v.orderReference)} от ${v.companyName}`,
      text: `Уважаемый(ая) ${v.customerName}!\n\nВо вложении счёт ${v.invoiceNumber}${yourOrder(v.orderReference)} на сумму ${v.total}. Он был оплачен при оформлении заказа, поэтому платить ничего не нужно.\n\nС уважением,\n${v.companyName}`,
    }),
  },

  'order-rejected': (v) => ({
    subject: `Мы не можем выполнить Ваш заказ ${v.orderReference}`,
    text: `Уважаемый(ая) ${v.customerName}!\n\nК сожалению, мы не можем выполнить Ваш заказ ${v.orderReference} (${rejection(v.reason)}). ${v.refunded ? 'Уплаченная сумма будет возвращена на карту или счёт, с которых Вы платили; мы напишем Вам, когда возврат будет отправлен.' : 'Никакие средства с Вас не списаны.'} Если у Вас есть вопросы, пожалуйста, свяжитесь с нами.\n\nС уважением,\n${v.companyName}`,
  }),

  'credit-note-issued': (v) => ({
    subject: `Кредит-нота ${v.creditNoteNumber} к счёту ${v.invoiceNumber} от ${v.companyName}`,
    text: `Уважаемый(ая) ${v.customerName}!\n\nПрилагаем кредит-ноту ${v.creditNoteNumber} на сумму ${v.total} к счёту ${v.invoiceNumber} (${v.reason}). Остаток к оплате по счёту: ${v.balance}.${
      v.customerCredit ? ` Поскольку счёт уже был оплачен, ${v.customerCredit} — Ваш кредитовый остаток; мы вернём его или зачтём в следующий счёт.` : ''
    }\n\nС уважением,\n${v.companyName}`,
  }),

  'refund-issued': (v) => ({
    subject: `Возврат ${v.amount} по Вашему заказу ${v.orderReference}`,
    text: `Уважаемый(ая) ${v.customerName}!\n\nМы вернули ${v.amount} по Вашему заказу ${v.orderReference} (${v.reason ?? 'заказ отменён или не может быть выполнен'})${v.creditNoteNumber ? `, согласно кредит-ноте ${v.creditNoteNumber}` : ''}. Деньги поступят на карту или счёт, с которых Вы платили; в зависимости от банка это может занять 5–10 рабочих дней.\n\nС уважением,\n${v.companyName}`,
  }),

  'dunning-letter': letterTemplates(letter),

  'payment-plan-agreed': (v) => ({
    subject: `Ваш график платежей с ${v.companyName}: ${v.total}, платежей: ${v.instalments.length}`,
    text: [
      `Уважаемый(ая) ${v.customerName},`,
      '',
      `как договорено, вы оплатите ${v.total} по ${v.invoices.length === 1 ? 'счёту' : 'счетам'} ${v.invoices.join(', ')} следующими платежами:`,
      '',
      ...v.instalments.map((s, i) => `  ${i + 1}. ${s.amount} до ${s.dueDate}`),
      '',
      `Пока каждый платёж поступает вовремя (в течение ${v.graceDays} дн. после срока), мы не будем отправлять напоминания и начислять сборы по этим счетам. Если платёж пропущен, график прекращается и обычные напоминания возобновляются.`,
      `Оплатите на IBAN ${v.payment.iban}, BIC ${v.payment.bic}${v.payment.bankName ? ` (${v.payment.bankName})` : ''}, указав номера счетов.`,
      '',
      'С уважением,',
      v.companyName,
    ].join('\n'),
  }),
};
