/**
 * The PDF documents' labels in the five languages (separate from the email catalogue in ../). A language without
 * labels, or a customer without a language, gets the company's default (then English).
 */
import type { Language } from '../../domain/model.ts';
import { en } from './en.ts';
import { ja } from './ja.ts';
import { ru } from './ru.ts';
import { sv } from './sv.ts';
import type { DocumentLabels } from './types.ts';
import { zh } from './zh.ts';

export type * from './types.ts';

export const DOCUMENT_LABELS: Readonly<Record<Language, DocumentLabels>> = { en, sv, zh, ja, ru };

const known = (language: string | undefined): language is Language => language !== undefined && Object.hasOwn(DOCUMENT_LABELS, language);

/** The labels for a customer's language, else the company's default language, else English. */
export function documentLabels(language: string | undefined, companyDefault?: string): DocumentLabels {
  return DOCUMENT_LABELS[known(language) ? language : known(companyDefault) ? companyDefault : 'en'];
}
