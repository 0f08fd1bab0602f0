/**
 * Cash application: which open invoices does a payment settle? First the
 * invoices the payer quoted — by their structured payment reference (RF, or
 * the configured national scheme, in any spacing or case) or by number;
 * failing that, the one open invoice of the
 * customer whose balance (or early-payment amount) equals the payment exactly.
 * Anything not matched stays unapplied for a person to look at.
 */
import { daysBetween } from './dates.ts';
import { findInvoiceNumbers } from './invoice.ts';
import type { Allocation, Invoice, Payment } from './model.ts';
import { findPaymentReferences, type PaymentReferenceScheme, type ReferenceReading } from './references.ts';

/** How references are read back: RF always (every scheme o2c printed may still be paid), plus the configured national scheme. */
export function referenceReading(scheme: PaymentReferenceScheme, series: string): ReferenceReading {
  return { series, schemes: scheme === 'rf' ? ['rf'] : ['rf', scheme] };
}

/**
 * The invoices a payment names in its remittance or payer reference: those its
 * structured references encode (a reference with a wrong check digit names
 * none), then the invoice numbers typed in, without repeats.
 */
export function quotedInvoiceNumbers(payment: Pick<Payment, 'remittance' | 'payerReference'>, reading?: ReferenceReading): string[] {
  const text = [payment.remittance, payment.payerReference].filter(Boolean).join(' ');
  const byReference = reading ? findPaymentReferences(text, reading).map((r) => r.invoiceNumber) : [];
  return [...new Set([...byReference, ...findInvoiceNumbers(text)])];
}

export interface MatchResult {
  readonly allocations: Allocation[];
  /** Early-payment discounts taken (paid the discounted amount in time): written off the balance. */
  readonly discounts: Allocation[];
  readonly unapplied: number;
  readonly reason: 'reference' | 'amount' | 'none';
}

type OpenInvoice = Pick<Invoice, 'id' | 'number' | 'currency' | 'balance' | 'customerId' | 'earlyPayment'>;

function earlyDiscount(inv: OpenInvoice, payment: Payment, applied: number): number {
  const early = inv.earlyPayment;
  if (!early || applied !== early.amountDue || inv.balance !== early.amountDue + early.discount) return 0;
  return daysBetween(payment.receivedOn, early.until) >= 0 ? early.discount : 0;
}

/** `reading`: the payment reference schemes in use (`referenceReading`); without it only invoice numbers are read. */
export function matchPayment(payment: Payment, openInvoices: readonly OpenInvoice[], reading?: ReferenceReading): MatchResult {
  const candidates = openInvoices.filter((i) => i.currency === payment.currency && i.balance > 0);
  const quoted = quotedInvoiceNumbers(payment, reading);
  const byNumber = quoted.flatMap((n) => candidates.find((i) => i.number === n) ?? []);
  if (byNumber.length > 0) {
    let left = payment.amount;
    const allocations: Allocation[] = [];
    const discounts: Allocation[] = [];
    for (const inv of byNumber) {
      if (left === 0) break;
      const amount = Math.min(left, inv.balance);
      allocations.push({ invoiceId: inv.id, amount });
      left -= amount;
      const discount = byNumber.length === 1 ? earlyDiscount(inv, payment, amount) : 0;
      if (discount > 0) discounts.push({ invoiceId: inv.id, amount: discount });
    }
    return { allocations, discounts, unapplied: left, reason: 'reference' };
  }
  const own = payment.customerId ? candidates.filter((i) => i.customerId === payment.customerId) : [];
  const exact = own.filter(
    (i) =>
      i.balance === payment.amount ||
      (i.earlyPayment !== undefined && i.earlyPayment.amountDue === payment.amount && daysBetween(payment.receivedOn, i.earlyPayment.until) >= 0),
  );
  if (exact.length === 1) {
    const inv = exact[0]!;
    const amount = Math.min(payment.amount, inv.balance);
    const discount = earlyDiscount(inv, payment, amount);
    return {
      allocations: [{ invoiceId: inv.id, amount }],
      discounts: discount > 0 ? [{ invoiceId: inv.id, amount: discount }] : [],
      unapplied: payment.amount - amount,
      reason: 'amount',
    };
  }
  return { allocations: [], discounts: [], unapplied: payment.amount, reason: 'none' };
}
