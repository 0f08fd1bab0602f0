/**
 * Why credit was refused, in the words the customer reads in their rejection notice (inserted where the
 * `order-rejected` template says why). Finance picks the code when rejecting; `review-expired` is the
 * workflow's own when nobody decided the review in time. Finance's note never reaches the customer.
 */
import type { Language } from '#domain/model';

export type CreditRefusalCode = 'credit-limit' | 'overdue-balance' | 'credit-history' | 'prepayment-required' | 'review-expired' | 'refused';

const PHRASES: Readonly<Record<Language, Readonly<Record<CreditRefusalCode, string>>>> = {
  en: {
    'credit-limit': 'the order is beyond the credit we can extend to your account at present',
    'overdue-balance': 'your account has an overdue balance; once it is settled we will gladly accept orders on account again',
    'credit-history': 'we cannot yet offer this amount on account without more payment history',
    'prepayment-required': 'we can accept this order only with payment in advance',
    'review-expired': 'we could not complete the credit review for this order in time',
    refused: 'we are unable to offer credit for this order',
  },
  sv: {
    'credit-limit': 'ordern överstiger den kredit vi för närvarande kan bevilja ert konto',
    'overdue-balance': 'ert konto har ett förfallet saldo; när det är reglerat tar vi gärna emot beställningar mot faktura igen',
    'credit-history': 'vi kan ännu inte bevilja detta belopp mot faktura utan mer betalningshistorik',
    'prepayment-required': 'vi kan endast ta emot denna order mot förskottsbetalning',
    'review-expired': 'vi kunde inte slutföra kreditprövningen av ordern i tid',
    refused: 'vi kan tyvärr inte bevilja kredit för denna order',
  },
  zh: {
    'credit-limit': '该订单超出了我们目前可为您的账户提供的信用额度',
    'overdue-balance': '您的账户有逾期未付余额；结清后，我们将很乐意再次接受赊账订单',
    'credit-history': '在没有更多付款记录的情况下，我们暂时无法以赊账方式提供该金额',
    'prepayment-required': '我们只能在预付款的情况下接受此订单',
    'review-expired': '我们未能及时完成该订单的信用审核',
    refused: '很抱歉，我们无法为此订单提供信用',
  },
  ja: {
    'credit-limit': 'ご注文の金額が、現在お客様のアカウントにご提供できる与信枠を超えております',
    'overdue-balance': 'お客様のアカウントに支払期日を過ぎた残高がございます。ご精算いただき次第、掛け払いでのご注文を改めて承ります',
    'credit-history': 'お支払い実績がまだ十分でないため、この金額を掛け払いでお受けすることができません',
    'prepayment-required': 'このご注文は前払いでのみお受けできます',
    'review-expired': 'ご注文の与信審査を期限内に完了することができませんでした',
    refused: '誠に恐れ入りますが、このご注文に与信をご提供することができません',
  },
  ru: {
    'credit-limit': 'сумма заказа превышает кредитный лимит, который мы можем сейчас предоставить Вашей учётной записи',
    'overdue-balance': 'на Вашем счёте есть просроченная задолженность; после её погашения мы с радостью снова примем заказы с отсрочкой платежа',
    'credit-history': 'мы пока не можем предоставить эту сумму с отсрочкой платежа без более длительной истории платежей',
    'prepayment-required': 'мы можем принять этот заказ только при условии предоплаты',
    'review-expired': 'мы не смогли вовремя завершить кредитную проверку этого заказа',
    refused: 'к сожалению, мы не можем предоставить кредит по этому заказу',
  },
};

/** The customer's words for a refusal code (unknown languages get English). */
export function creditRefusalText(code: CreditRefusalCode, language: Language): string {
  return (PHRASES[language] ?? PHRASES.en)[code];
}
