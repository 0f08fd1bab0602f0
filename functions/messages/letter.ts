/**
 * The dunning letter, one template per tone, assembled the same way in every
 * language from that language's words: greeting, the tone's opening (which
 * mentions earlier reminders only when one was really sent), one line per
 * invoice, the total, what this run did to the account, the next escalation
 * with its day (only when the policy will carry it out), where to pay, the
 * attached statement, and the closing.
 */
import type { DunningAction, DunningTone } from '../domain/dunning.ts';
import type { DunningLetterLine, DunningLetterVars, PaymentInstructions, Template } from './types.ts';

export interface LetterWords {
  /** `list`: the invoice numbers, the first three and how many more. */
  readonly subject: { readonly [T in DunningTone]: (list: string, v: DunningLetterVars) => string };
  readonly more: (n: number) => string;
  readonly greeting: (name: string) => string;
  readonly opening: { readonly [T in DunningTone]: (v: DunningLetterVars) => string };
  readonly line: (l: DunningLetterLine) => string;
  /** Under an invoice's line, when it has a Stripe payment link. */
  readonly payOnline: (url: string) => string;
  readonly total: (v: DunningLetterVars) => string;
  readonly action: { readonly [A in DunningAction]: string };
  readonly escalation: { readonly [A in DunningAction]: (on: string) => string };
  readonly payTo: (p: Omit<PaymentInstructions, 'reference'>) => string;
  readonly attached: string;
  readonly closing: { readonly [T in DunningTone]: string };
}

const numbers = (v: DunningLetterVars, w: LetterWords) => {
  const list = v.lines.slice(0, 3).map((l) => l.invoiceNumber);
  return v.lines.length > 3 ? `${list.join(', ')} ${w.more(v.lines.length - 3)}` : list.join(', ');
};

export function letterTemplates(w: LetterWords): { readonly [T in DunningTone]: Template<DunningLetterVars> } {
  const build =
    (tone: DunningTone): Template<DunningLetterVars> =>
    (v) => ({
      subject: w.subject[tone](numbers(v, w), v),
      text: [
        w.greeting(v.customerName),
        '',
        w.opening[tone](v),
        '',
        ...v.lines.flatMap((l) => [`  ${w.line(l)}`, ...(l.payLink ? [`    ${w.payOnline(l.payLink)}`] : [])]),
        '',
        w.total(v),
        ...(v.action ? [w.action[v.action]] : []),
        ...(v.escalation ? [w.escalation[v.escalation.action](v.escalation.on)] : []),
        w.payTo(v.payment),
        w.attached,
        '',
        w.closing[tone],
        v.companyName,
      ].join('\n'),
    });
  return { courtesy: build('courtesy'), reminder: build('reminder'), firm: build('firm'), final: build('final') };
}
