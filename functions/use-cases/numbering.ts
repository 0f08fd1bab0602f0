/**
 * Gapless numbers: read the series' last number, try to write the document
 * with the next one (the write moves the counter in the same transaction), and
 * when another document took that number first, back off and read again.
 */
import { InvoiceConflict } from '../errors.ts';
import { backoffMs, type Clock } from '../ports.ts';

export const MAX_NUMBER_ATTEMPTS = 30;

export type NumberAttempt<T> = { readonly kind: 'done'; readonly value: T } | { readonly kind: 'taken' };

export async function withNextNumber<T>(series: string, year: number, deps: { readonly clock: Clock; readonly last: () => Promise<number> }, attempt: (sequence: number) => Promise<NumberAttempt<T>>): Promise<T> {
  for (let n = 0; n < MAX_NUMBER_ATTEMPTS; n++) {
    const result = await attempt((await deps.last()) + 1);
    if (result.kind === 'done') return result.value;
    await deps.clock.sleep(backoffMs(n));
  }
  throw new InvoiceConflict(`could not allocate a number in ${series}-${year} after ${MAX_NUMBER_ATTEMPTS} attempts`);
}
