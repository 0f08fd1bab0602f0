/** Russian. */
import type { Catalogue, PaymentInstructions, PaymentReminderVars } from './types.ts';

const yourOrder = (ref: string | null) => (ref ? ` (ваш заказ ${ref})` : '');

/** The reminder's word on a part of the balance under dispute (left out of the amount asked for). */
const disputedNote = (v: PaymentReminderVars) => (v.disputed ? ` Указанная сумма не включает ${v.disputed}: эта часть оспаривается, и мы её проверяем.` : '');

/** Where to pay, and what to quote: the structured reference, else the invoice number. */
const payTo = (p: PaymentInstructions, invoiceNumber: string) =>
  `Реквизиты для оплаты: IBAN ${p.iban}, BIC ${p.bic}${p.bankName ? ` (${p.bankName})` : ''}. В назначении платежа укажите ${p.reference ? `референс платежа ${p.reference}` : `номер счёта ${invoiceNumber}`}.`;

export const ru: Catalogue = {
  'order-confirmed': (v) => ({
    subject: `Заказ подтверждён: ${v.orderReference}`,
    text: [
      `Уважаемый(ая) ${v.customerName},`,
      '',
      `благодарим вас за заказ ${v.orderReference}. Мы подтвердили его и сообщим вам, когда он будет отправлен.`,
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
    text: `Уважаемый(ая) ${v.customerName},\n\nваш заказ ${v.orderReference} отправлен с нашего склада ${v.shippedOn} службой доставки ${v.carrier} (${v.service}).\nТрек-номер: ${v.trackingNumber}\n\nС уважением,\n${v.companyName}`,
  }),

  'invoice-issued': {
    'balance-due': (v) => ({
      subject: `Счёт ${v.invoiceNumber}${yourOrder(v.orderReference)} от ${v.companyName}`,
      text: `Уважаемый(ая) ${v.customerName},\n\nво вложении счёт ${v.invoiceNumber}${yourOrder(v.orderReference)} на сумму ${v.total} со сроком оплаты ${v.dueDate} (${v.terms}).${
        v.earlyPayment ? ` При оплате ${v.earlyPayment.amount} не позднее ${v.earlyPayment.until} вы получаете скидку за досрочную оплату.` : ''
      }\n${payTo(v.payment, v.invoiceNumber)}\n\nС уважением,\n${v.companyName}`,
    }),
    paid: (v) => ({
      subject: `Счёт ${v.invoiceNumber}${yourOrder(v.orderReference)} от ${v.companyName}`,
      text: `Уважаемый(ая) ${v.customerName},\n\nво вложении счёт ${v.invoiceNumber}${yourOrder(v.orderReference)} на сумму ${v.total}. Он был оплачен при оформлении заказа, поэтому платить ничего не нужно.\n\nС уважением,\n${v.companyName}`,
    }),
  },

  'order-rejected': (v) => ({
    subject: `Мы не можем выполнить ваш заказ ${v.orderReference}`,
    text: `Уважаемый(ая) ${v.customerName},\n\nк сожалению, мы не можем выполнить ваш заказ ${v.orderReference} (${v.reason}). ${v.refunded ? 'Уплаченная сумма будет возвращена на карту или счёт, с которых вы платили; мы напишем вам, когда возврат будет отправлен.' : 'Никакие средства с вас не списаны.'} Если у вас есть вопросы, пожалуйста, свяжитесь с нами.\n\nС уважением,\n${v.companyName}`,
  }),

  'credit-note-issued': (v) => ({
    subject: `Кредит-нота ${v.creditNoteNumber} к счёту ${v.invoiceNumber} от ${v.companyName}`,
    text: `Уважаемый(ая) ${v.customerName},\n\nприлагаем кредит-ноту ${v.creditNoteNumber} на сумму ${v.total} к счёту ${v.invoiceNumber} (${v.reason}). Остаток к оплате по счёту: ${v.balance}.${
      v.customerCredit ? ` Поскольку счёт уже был оплачен, ${v.customerCredit} — ваш кредитовый остаток; мы вернём его или зачтём в следующий счёт.` : ''
    }\n\nС уважением,\n${v.companyName}`,
  }),

  'refund-issued': (v) => ({
    subject: `Возврат ${v.amount} по вашему заказу ${v.orderReference}`,
    text: `Уважаемый(ая) ${v.customerName},\n\nмы вернули ${v.amount} по вашему заказу ${v.orderReference} (${v.reason})${v.creditNoteNumber ? `, согласно кредит-ноте ${v.creditNoteNumber}` : ''}. Деньги поступят на карту или счёт, с которых вы платили; в зависимости от банка это может занять 5–10 рабочих дней.\n\nС уважением,\n${v.companyName}`,
  }),

  'payment-reminder': {
    friendly: (v) => ({
      subject: `Напоминание: счёт ${v.invoiceNumber} просрочен`,
      text: `Уважаемый(ая) ${v.customerName},\n\nПо нашим данным, счёт ${v.invoiceNumber} на сумму ${v.amount} со сроком оплаты ${v.dueDate} ещё не оплачен. Если вы уже оплатили его, пожалуйста, не обращайте внимания на это письмо; в противном случае просим оплатить счёт как можно скорее.${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\nС уважением,\n${v.companyName}`,
    }),
    firm: (v) => ({
      subject: `Повторное напоминание: счёт ${v.invoiceNumber} просрочен на ${v.daysPastDue} дн.`,
      text: `Уважаемый(ая) ${v.customerName},\n\nСрок оплаты счёта ${v.invoiceNumber} на сумму ${v.amount} истёк ${v.dueDate}; просрочка составляет ${v.daysPastDue} дн. Просим оплатить его в течение 7 дней или связаться с нами, если со счётом что-то не так.${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\nС уважением,\n${v.companyName}`,
    }),
    final: (v) => ({
      subject: `Последнее уведомление: счёт ${v.invoiceNumber}`,
      text: `Уважаемый(ая) ${v.customerName},\n\nНесмотря на наши напоминания, счёт ${v.invoiceNumber} на сумму ${v.amount} со сроком оплаты ${v.dueDate} не оплачен (просрочка ${v.daysPastDue} дн.). Если оплата не поступит в течение 7 дней, мы приостановим обслуживание и передадим долг в коллекторское агентство.${disputedNote(v)}\n${payTo(v.payment, v.invoiceNumber)}\n\n${v.companyName}`,
    }),
  },
};
