/**
 * Which documents a dunning letter carries (render-documents renders and attaches them):
 * 1. the customer's statement of account as of the run's day (always);
 * 2. each invoice's own PDF, on the first letter that names the invoice (no level was sent for it before this one),
 *    so the customer has the invoice in hand when first asked for it, and not again with every reminder.
 */
import type { Invoice } from '#domain/model';

/** True when no dunning level other than `level` was sent for the invoice: this letter is the first to name it. */
export const firstLetterFor = (invoice: Pick<Invoice, 'dunningLevels'>, level: string) => (invoice.dunningLevels ?? []).every((id) => id === level);
