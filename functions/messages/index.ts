/**
 * Every text a customer (or finance) reads, per language (ARCHITECTURE.md §2).
 * Pure: templates place already-formatted vars in their sentences.
 *
 *   renderMessage('order-shipped', customer.language, { customerName, … })
 *     → { subject, text, language }
 *
 * A customer's language is theirs when it has a catalogue, else the company's
 * default (`customerLanguage`); finance messages are English. The vars'
 * money and dates are formatted for the same language (`formatsFor`).
 */
import type { Language } from '../domain/model.ts';
import { en } from './en.ts';
import { ja } from './ja.ts';
import { ru } from './ru.ts';
import { sv } from './sv.ts';
import type { Catalogue, CustomerMessageKind, FinanceMessageKind, MessageKind, MessageText, MessageVars } from './types.ts';
import { zh } from './zh.ts';

export type * from './types.ts';
export { formatsFor, LOCALES, type Formats } from './format.ts';

export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { en, sv, zh, ja, ru };

export interface RenderedMessage extends MessageText {
  /** The language the text is in (English when the asked one has no catalogue). */
  readonly language: Language;
}

/** Picks the template of a customer kind from the language's catalogue (its form or tone where it has several) and fills it. */
const RENDER: { readonly [K in CustomerMessageKind]: (c: Catalogue, v: MessageVars[K]) => MessageText } = {
  'order-confirmed': (c, v) => c['order-confirmed'](v),
  'order-shipped': (c, v) => c['order-shipped'](v),
  'shipment-sent': (c, v) => c['shipment-sent'](v),
  'order-backordered': (c, v) => c['order-backordered'](v),
  'lines-cancelled': (c, v) => c['lines-cancelled'](v),
  'invoice-issued': (c, v) => (v.form === 'paid' ? c['invoice-issued'].paid(v) : c['invoice-issued']['balance-due'](v)),
  'order-rejected': (c, v) => c['order-rejected'](v),
  'credit-note-issued': (c, v) => c['credit-note-issued'](v),
  'dunning-letter': (c, v) => c['dunning-letter'][v.tone](v),
  'refund-issued': (c, v) => c['refund-issued'](v),
  'payment-plan-agreed': (c, v) => c['payment-plan-agreed'](v),
};

/** Finance's messages, from the English catalogue only. */
const RENDER_FINANCE: { readonly [K in FinanceMessageKind]: (v: MessageVars[K]) => MessageText } = {
  'collections-handover': (v) => en['collections-handover'](v),
  'collectors-worklist': (v) => en['collectors-worklist'](v),
  'credit-review-request': (v) => en['credit-review-request'](v),
  'refund-attention': (v) => en['refund-attention'](v),
};

/** Finance's messages: in English whatever language is asked. */
const FINANCE_KINDS: ReadonlySet<MessageKind> = new Set(Object.keys(RENDER_FINANCE) as FinanceMessageKind[]);

export function catalogueLanguage(language: string): Language {
  return Object.hasOwn(CATALOGUES, language) ? (language as Language) : 'en';
}

/**
 * The language a customer's messages are written in: their own when o2c has a
 * catalogue for it, else the company's default (`defaultLanguage`).
 */
export function customerLanguage(customer: { readonly language?: string | null }, company: { readonly defaultLanguage?: Language }): Language {
  const own = customer.language;
  return own && Object.hasOwn(CATALOGUES, own) ? (own as Language) : catalogueLanguage(company.defaultLanguage ?? 'en');
}

export function renderMessage<K extends MessageKind>(kind: K, language: string, vars: MessageVars[K]): RenderedMessage {
  if (FINANCE_KINDS.has(kind)) return { ...(RENDER_FINANCE[kind as FinanceMessageKind] as (v: MessageVars[K]) => MessageText)(vars), language: 'en' };
  const lang = catalogueLanguage(language);
  return { ...(RENDER[kind as CustomerMessageKind] as (c: Catalogue, v: MessageVars[K]) => MessageText)(CATALOGUES[lang], vars), language: lang };
}

/** The reference a customer knows an order by: the platform's (e.g. Shopify `#1042`), else our order id. */
export function orderReference(order: { readonly id: string; readonly source: { readonly reference?: string } }): string {
  return order.source.reference ?? order.id;
}
