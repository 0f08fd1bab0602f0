/**
 * Dunning policy: which reminder an overdue invoice is due, in what tone, and
 * its words in the customer's language.
 */
import { daysBetween } from './dates.ts';
import { DomainError } from './errors.ts';
import type { IsoDate, Language } from './model.ts';

export type ReminderTone = 'friendly' | 'firm' | 'final';

export function assertDunningLevels(levels: readonly number[]): void {
  if (levels.length === 0) throw new DomainError('InvalidDunningLevels', 'at least one dunning level is needed');
  levels.forEach((l, i) => {
    if (!Number.isInteger(l) || l < 1) throw new DomainError('InvalidDunningLevels', `dunning level ${l} must be a whole number of days ≥ 1`);
    if (i > 0 && l <= levels[i - 1]!) throw new DomainError('InvalidDunningLevels', 'dunning levels must be ascending');
  });
}

export interface DunningInput {
  readonly dueDate: IsoDate;
  readonly asOf: IsoDate;
  readonly levels: readonly number[];
  readonly sent: readonly number[];
}

/** Levels reached by `asOf` (days past due ≥ level) that have not been sent. */
export function dueDunningLevels({ dueDate, asOf, levels, sent }: DunningInput): number[] {
  assertDunningLevels(levels);
  const pastDue = daysBetween(dueDate, asOf);
  return levels.filter((l) => pastDue >= l && !sent.includes(l));
}

/**
 * The one reminder to send now: the highest level reached and not yet sent.
 * When runs were missed, the customer gets one letter in the right tone, not
 * a burst of every level skipped; lower levels are then considered passed.
 */
export function nextDunningLevel(input: DunningInput): number | null {
  const due = dueDunningLevels(input);
  const highestSent = Math.max(0, ...input.sent);
  const next = due.filter((l) => l > highestSent);
  return next.length > 0 ? next[next.length - 1]! : null;
}

export function reminderTone(level: number, levels: readonly number[]): ReminderTone {
  assertDunningLevels(levels);
  const i = levels.indexOf(level);
  if (i < 0) throw new DomainError('InvalidDunningLevels', `${level} is not a dunning level`);
  if (i === levels.length - 1 && levels.length > 1) return 'final';
  return i === 0 ? 'friendly' : 'firm';
}

export interface ReminderVars {
  readonly customerName: string;
  readonly invoiceNumber: string;
  /** Already formatted, e.g. "£1,234.50". */
  readonly amount: string;
  readonly dueDate: IsoDate;
  readonly daysPastDue: number;
  readonly companyName: string;
}

type Template = (v: ReminderVars) => { subject: string; body: string };

const TEMPLATES: Record<Language, Record<ReminderTone, Template>> = {
  en: {
    friendly: (v) => ({
      subject: `Friendly reminder: invoice ${v.invoiceNumber} is overdue`,
      body: `Dear ${v.customerName},\n\nOur records show that invoice ${v.invoiceNumber} for ${v.amount}, due on ${v.dueDate}, is still open. If you have already paid, please ignore this message; otherwise we would be grateful for payment at your earliest convenience, quoting the invoice number.\n\nKind regards,\n${v.companyName}`,
    }),
    firm: (v) => ({
      subject: `Second reminder: invoice ${v.invoiceNumber} is ${v.daysPastDue} days overdue`,
      body: `Dear ${v.customerName},\n\nInvoice ${v.invoiceNumber} for ${v.amount} was due on ${v.dueDate} and is now ${v.daysPastDue} days overdue. Please arrange payment within 7 days, quoting the invoice number, or contact us if there is a problem with the invoice.\n\nRegards,\n${v.companyName}`,
    }),
    final: (v) => ({
      subject: `Final notice: invoice ${v.invoiceNumber}`,
      body: `Dear ${v.customerName},\n\nDespite our earlier reminders, invoice ${v.invoiceNumber} for ${v.amount}, due on ${v.dueDate}, remains unpaid (${v.daysPastDue} days overdue). Unless we receive payment within 7 days we will suspend your account and pass the debt to collections.\n\n${v.companyName}`,
    }),
  },
  sv: {
    friendly: (v) => ({
      subject: `Påminnelse: faktura ${v.invoiceNumber} är förfallen`,
      body: `Hej ${v.customerName},\n\nEnligt våra uppgifter är faktura ${v.invoiceNumber} på ${v.amount}, med förfallodag ${v.dueDate}, fortfarande obetald. Har du redan betalat kan du bortse från detta meddelande; annars ber vi dig betala så snart som möjligt och ange fakturanumret.\n\nVänliga hälsningar,\n${v.companyName}`,
    }),
    firm: (v) => ({
      subject: `Andra påminnelsen: faktura ${v.invoiceNumber} är ${v.daysPastDue} dagar försenad`,
      body: `Hej ${v.customerName},\n\nFaktura ${v.invoiceNumber} på ${v.amount} förföll ${v.dueDate} och är nu ${v.daysPastDue} dagar försenad. Vänligen betala inom 7 dagar och ange fakturanumret, eller kontakta oss om något är fel med fakturan.\n\nMed vänlig hälsning,\n${v.companyName}`,
    }),
    final: (v) => ({
      subject: `Sista påminnelsen: faktura ${v.invoiceNumber}`,
      body: `Hej ${v.customerName},\n\nTrots tidigare påminnelser är faktura ${v.invoiceNumber} på ${v.amount}, med förfallodag ${v.dueDate}, fortfarande obetald (${v.daysPastDue} dagar försenad). Om betalning inte kommer in inom 7 dagar spärras ert konto och skulden lämnas till inkasso.\n\n${v.companyName}`,
    }),
  },
  zh: {
    friendly: (v) => ({
      subject: `付款提醒：发票 ${v.invoiceNumber} 已逾期`,
      body: `尊敬的 ${v.customerName}：\n\n我们的记录显示，发票 ${v.invoiceNumber}（金额 ${v.amount}，到期日 ${v.dueDate}）尚未结清。如您已付款，请忽略本邮件；否则请尽快安排付款，并注明发票号码。\n\n此致\n${v.companyName}`,
    }),
    firm: (v) => ({
      subject: `第二次提醒：发票 ${v.invoiceNumber} 已逾期 ${v.daysPastDue} 天`,
      body: `尊敬的 ${v.customerName}：\n\n发票 ${v.invoiceNumber}（金额 ${v.amount}）已于 ${v.dueDate} 到期，目前已逾期 ${v.daysPastDue} 天。请在 7 天内付款并注明发票号码；如发票有任何问题，请与我们联系。\n\n此致\n${v.companyName}`,
    }),
    final: (v) => ({
      subject: `最后通知：发票 ${v.invoiceNumber}`,
      body: `尊敬的 ${v.customerName}：\n\n尽管我们此前已多次提醒，发票 ${v.invoiceNumber}（金额 ${v.amount}，到期日 ${v.dueDate}）仍未支付（已逾期 ${v.daysPastDue} 天）。如 7 天内仍未收到付款，我们将暂停您的账户并将该欠款移交催收。\n\n${v.companyName}`,
    }),
  },
  ja: {
    friendly: (v) => ({
      subject: `お支払いのお願い：請求書 ${v.invoiceNumber} の期日が過ぎています`,
      body: `${v.customerName} 様\n\n請求書 ${v.invoiceNumber}（金額 ${v.amount}、支払期日 ${v.dueDate}）のお支払いが確認できておりません。既にお支払い済みの場合は本メールを破棄してください。未払いの場合は、請求書番号を明記のうえ、お早めにお支払いくださいますようお願い申し上げます。\n\n${v.companyName}`,
    }),
    firm: (v) => ({
      subject: `再度のお願い：請求書 ${v.invoiceNumber}（${v.daysPastDue} 日経過）`,
      body: `${v.customerName} 様\n\n請求書 ${v.invoiceNumber}（金額 ${v.amount}）は ${v.dueDate} が支払期日でしたが、現在 ${v.daysPastDue} 日経過しております。7 日以内にお支払いいただくか、請求内容に問題がある場合はご連絡ください。\n\n${v.companyName}`,
    }),
    final: (v) => ({
      subject: `最終通知：請求書 ${v.invoiceNumber}`,
      body: `${v.customerName} 様\n\nこれまでのご案内にもかかわらず、請求書 ${v.invoiceNumber}（金額 ${v.amount}、支払期日 ${v.dueDate}）が未払いのままです（${v.daysPastDue} 日経過）。7 日以内にお支払いが確認できない場合、お取引を停止し、債権回収の手続きに移らせていただきます。\n\n${v.companyName}`,
    }),
  },
  ru: {
    friendly: (v) => ({
      subject: `Напоминание: счёт ${v.invoiceNumber} просрочен`,
      body: `Уважаемый(ая) ${v.customerName},\n\nПо нашим данным, счёт ${v.invoiceNumber} на сумму ${v.amount} со сроком оплаты ${v.dueDate} ещё не оплачен. Если вы уже оплатили его, пожалуйста, не обращайте внимания на это письмо; в противном случае просим оплатить счёт как можно скорее, указав его номер.\n\nС уважением,\n${v.companyName}`,
    }),
    firm: (v) => ({
      subject: `Повторное напоминание: счёт ${v.invoiceNumber} просрочен на ${v.daysPastDue} дн.`,
      body: `Уважаемый(ая) ${v.customerName},\n\nСрок оплаты счёта ${v.invoiceNumber} на сумму ${v.amount} истёк ${v.dueDate}; просрочка составляет ${v.daysPastDue} дн. Просим оплатить его в течение 7 дней, указав номер счёта, или связаться с нами, если со счётом что-то не так.\n\nС уважением,\n${v.companyName}`,
    }),
    final: (v) => ({
      subject: `Последнее уведомление: счёт ${v.invoiceNumber}`,
      body: `Уважаемый(ая) ${v.customerName},\n\nНесмотря на наши напоминания, счёт ${v.invoiceNumber} на сумму ${v.amount} со сроком оплаты ${v.dueDate} не оплачен (просрочка ${v.daysPastDue} дн.). Если оплата не поступит в течение 7 дней, мы приостановим обслуживание и передадим долг в коллекторское агентство.\n\n${v.companyName}`,
    }),
  },
};

export function reminderText(language: string, tone: ReminderTone, vars: ReminderVars): { subject: string; body: string; language: Language } {
  const lang: Language = Object.hasOwn(TEMPLATES, language) ? (language as Language) : 'en';
  return { ...TEMPLATES[lang][tone](vars), language: lang };
}
