/**
 * Every text a customer (or finance) reads, per language (ARCHITECTURE.md §2).
 * Pure: templates place already-formatted vars in their sentences.
 *
 *   renderMessage('order-shipped', customer.language, { customerName, … })
 *     → { subject, text, language }
 *
 * A language without a catalogue gets English; finance messages are English.
 */
import type { Language } from '../domain/model.ts';
import { en } from './en.ts';
import { ja } from './ja.ts';
import { ru } from './ru.ts';
import { sv } from './sv.ts';
import type { Catalogue, MessageKind, MessageText, MessageVars } from './types.ts';
import { zh } from './zh.ts';

export type * from './types.ts';

export const CATALOGUES: Readonly<Record<Language, Catalogue>> = { en, sv, zh, ja, ru };

export interface RenderedMessage extends MessageText {
  /** The language the text is in (English when the asked one has no catalogue). */
  readonly language: Language;
}

/** Picks the template of a kind (its form or tone where it has several) and fills it. */
const RENDER: { readonly [K in MessageKind]: (c: Catalogue, v: MessageVars[K]) => MessageText } = {
  'order-confirmed': (c, v) => c['order-confirmed'](v),
  'order-shipped': (c, v) => c['order-shipped'](v),
  'shipment-sent': (c, v) => c['shipment-sent'](v),
  'order-backordered': (c, v) => c['order-backordered'](v),
  'invoice-issued': (c, v) => (v.form === 'paid' ? c['invoice-issued'].paid(v) : c['invoice-issued']['balance-due'](v)),
  'order-rejected': (c, v) => c['order-rejected'](v),
  'credit-note-issued': (c, v) => c['credit-note-issued'](v),
  'dunning-letter': (c, v) => c['dunning-letter'][v.tone](v),
  'collections-handover': (_c, v) => en['collections-handover'](v),
  'collectors-worklist': (_c, v) => en['collectors-worklist'](v),
  'credit-review-request': (_c, v) => en['credit-review-request'](v),
  'refund-issued': (c, v) => c['refund-issued'](v),
  'refund-attention': (_c, v) => en['refund-attention'](v),
};

/** Finance's messages: in English whatever language is asked. */
const FINANCE_KINDS: ReadonlySet<MessageKind> = new Set(['credit-review-request', 'refund-attention', 'collections-handover', 'collectors-worklist']);

export function catalogueLanguage(language: string): Language {
  return Object.hasOwn(CATALOGUES, language) ? (language as Language) : 'en';
}

export function renderMessage<K extends MessageKind>(kind: K, language: string, vars: MessageVars[K]): RenderedMessage {
  const lang = FINANCE_KINDS.has(kind) ? 'en' : catalogueLanguage(language);
  return { ...RENDER[kind](CATALOGUES[lang], vars), language: lang };
}

/** The reference a customer knows an order by: the platform's (e.g. Shopify `#1042`), else our order id. */
export function orderReference(order: { readonly id: string; readonly source: { readonly reference?: string } }): string {
  return order.source.reference ?? order.id;
}
